"""Regular expressions for street addresses, by convention of the country that writes them.

A street name alone is not personal data; a house number with a street is. So every pattern needs a
number next to a street-type word ("Street", "-straße", "Rue", ...), which keeps ordinary prose such as
"step 2 of the process" out. Patterns are case-sensitive (`regex` module syntax, \\p{Lu} for any capital
letter) except where marked, because capitalisation is most of what tells "Elm Street" from "a street".
Street-type words that are common outside addresses ("Row", "View", "Point", "Path", "Run", "Park") are
left out on purpose.
"""

_HOUSE_NUMBER = r"\b\d{1,6}[A-Za-z]?(?:-\d{1,6})?"
_NAME_WORD = r"(?:\p{Lu}[\p{L}'\u2019.-]*|\d{1,3}(?:st|nd|rd|th))"
_EN_STREET_TYPE = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl|Terrace|Ter"
    r"|Circle|Cir|Parkway|Pkwy|Highway|Hwy|Square|Sq|Trail|Trl|Plaza|Crescent|Cres|Close|Gardens|Gdns"
    r"|Grove|Mews|Alley)\b\.?"
)
_DIRECTION = r"(?:\s+(?:N|S|E|W|NE|NW|SE|SW)\b\.?)?"
_UNIT = r"(?:,?\s*(?:Apt|Apartment|Suite|Ste|Unit|Flat|Floor|Fl|Room|Rm|#)\.?\s*#?[A-Za-z]?\d+[A-Za-z]?\b)?"
_LEADING_NUMBER = r"(?:\b\d{1,6}\s+)?"
"""A building or plot number written before a street that carries its own house number."""
_CITY = r"(?:,\s*\p{Lu}\p{Ll}+(?:[ -]\p{Lu}\p{Ll}+){0,2})?"
_US_STATE_ZIP = r",?\s+[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"
UK_POSTCODE = r"\b[A-Z]{1,2}\d[A-Z\d]?\s?\d[A-Z]{2}\b"
_STATE_ZIP_OR_POSTCODE = rf"(?:{_US_STATE_ZIP}|,?\s+{UK_POSTCODE})?"

EN_STREET = (
    rf"{_LEADING_NUMBER}{_HOUSE_NUMBER}\s+(?:{_NAME_WORD}\s+){{1,4}}{_EN_STREET_TYPE}{_DIRECTION}{_UNIT}{_CITY}"
    rf"{_STATE_ZIP_OR_POSTCODE}"
)
"""US and UK style: "1234 Elm Street, Springfield", "221B Baker Street, London NW1 6XE"."""

EN_STREET_LOWERCASE = (
    r"(?i)\b\d{1,6}[a-z]?\s+(?:[a-z][a-z'.-]*\s+){1,2}"
    r"(?:street|avenue|road|boulevard|lane|drive|court|place|terrace|parkway|highway)\b"
)
"""Typed in lower case, as people chat: "42 maple street". Weak alone; context words lift it."""

PO_BOX = r"\b(?:P\.?\s?O\.?\s?Box|Post\s+Office\s+Box)\s+\d{1,6}\b"

US_MILITARY = (
    r"(?i:\b(?:(?:PSC|CMR|Unit)\s+\d{3,5},?\s+Box\s+\d{3,5}(?:\s+(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})?"
    r"|(?:(?:USS|USNS|USCGC)[ \t]+\p{L}[\p{L}'\u2019.-]*(?:[ \t]+\p{L}[\p{L}'\u2019.-]*){0,2}\s+)?"
    r"(?:APO|FPO|DPO)\s+A[AEP]\s+\d{5})\b)"
)
"""US military and diplomatic mail, in any case: "PSC 0413, Box 8144 APO AA 42323", "unit 1009 box 0219\ndpo
ap 51065", and a ship's name before its fleet post office ("USNS Mercy\nFPO AE 12345"). The post-office line
and its two-letter region are a grammar of their own, so lower case is as safe as upper."""

_NL_POSTCODE_TOWN = r",?\s+\d{4}[ \t]?[A-Z]{2}\b(?:[ \t]+\p{Lu}[\p{L}'\u2019-]+(?:[ \t]+\p{Lu}[\p{L}-]+)?)?"
"""A Dutch postcode (four digits, two capitals) and town after the street: ", 1017 GC Amsterdam"."""

TOWN = r"\p{Lu}[\p{L}'\u2019-]+(?:[ -]\p{Lu}[\p{L}'\u2019-]+){0,2}"
"""A town's name: one to three capitalised words ("Milano", "Den Haag", "Aix-en-Provence")."""
_COMMA_TOWN = rf",[ \t]*(?!\d){TOWN}"
"""A town after the street and a comma, with no postcode: ", Milano"."""

_DE_POSTCODE_TOWN = (
    r",?\s+(?:[ADH]-|CH-)?\d{4,5}\s+\p{Lu}\p{Ll}[\p{L}-]*(?:\s(?:am|an\sder|im|in|bei)\s\p{Lu}[\p{L}-]+)?"
)
"""The postcode and town after a German-language street: five digits in Germany, four in Austria and
Switzerland, with an optional country letter ("10115 Berlin", "1010 Wien", "CH-8001 Zürich", "79098
Freiburg im Breisgau")."""
_DE_POSTCODE_CITY = rf"(?:{_DE_POSTCODE_TOWN}|{_COMMA_TOWN})?"
_DE_HOUSE_NUMBER = r"\s*\d{1,4}(?:\s?[a-z]\b)?(?:-\d{1,4})?"
DE_COMPOUND_STREET = (
    rf"{_LEADING_NUMBER}"
    r"\b\p{Lu}\p{Ll}{2,}(?:-\p{Lu}?\p{Ll}+)*(?:straße|strasse|str\.|weg|allee|platz|gasse|damm|ufer"
    rf"|chaussee|steig|pfad|markt|graben){_DE_HOUSE_NUMBER}{_UNIT}"
    rf"(?:{_NL_POSTCODE_TOWN})?{_DE_POSTCODE_CITY}"
)
"""German compound street names: "Hauptstraße 5", "Musterstr. 12a, 10115 Berlin". Not "-ring": English
words end so ("Offering 3 options"), so "Kaiserring" stays with the block and context rules."""

DE_SEPARATE_STREET = (
    r"\b\p{Lu}\p{Ll}+(?:-\p{Lu}\p{Ll}+)*\s+(?:Straße|Strasse|Str\.|Weg|Allee|Platz|Gasse|Damm|Ufer|Chaussee"
    rf"|Ring|Markt|Graben){_DE_HOUSE_NUMBER}{_UNIT}{_DE_POSTCODE_CITY}"
)
"""German street names in two words: "Berliner Straße 12", "Am Ring 3"."""

DE_PREPOSITION_STREET = (
    r"\b(?:Am|Im|An[ \t]der|Auf[ \t]der|Auf[ \t]dem|In[ \t]der|Zum|Zur|Unter[ \t]den|Hinter[ \t]der)[ \t]+"
    rf"\p{{Lu}}\p{{Ll}}{{2,}}(?:-\p{{Lu}}?\p{{Ll}}+)*{_DE_HOUSE_NUMBER}{_DE_POSTCODE_TOWN}"
)
"""German streets named by a preposition and a field or place name: "Am Sonnenhang 7, 50667 Köln". "Am
Montag 5" is as common, so the postcode and town must follow."""

_EU_HOUSE_NUMBER_SUFFIX = r"(?:[ -]?[A-Za-z]\b|-\d{1,4}|/[A-Za-z\d]{1,3}\b|[ -]?(?:hs|bis|ter)\b)?"
"""What follows a house number in Dutch, Italian and French addresses: "263-A", "12-3", "15/B", "120bis"."""

EU_COMPOUND_STREET = (
    rf"{_LEADING_NUMBER}\b\p{{Lu}}\p{{Ll}}{{2,}}(?:vägen|gatan|gränd|vej|gade|veien|vegen|gata|katu|kuja|tie"
    rf"|polku|laan|straat|gracht|plein|kade|singel|dijk|baan|hof|steeg|dreef|plantsoen|wal)\s+\d{{1,4}}"
    rf"{_EU_HOUSE_NUMBER_SUFFIX}\b{_UNIT}(?:{_NL_POSTCODE_TOWN}|{_COMMA_TOWN})?"
)
"""Nordic, Finnish and Dutch compound street names: "Hammarvägen 15", "Koskikatu 25", "Brixtonlaan 380",
"Kerkstraat 21, 1017 GC Amsterdam", "Prinsengracht 263-A"."""

CUED_STREET = (
    r"(?<![\p{L}\d'\u2019])"
    r"(?:\p{Lu}(?!['\u2019])[\p{L}'\u2019.-]+[ \t]+(?:(?:de|del|van|der|den|di|la)[ \t]+)?){1,4}"
    rf"\d{{1,4}}{_EU_HOUSE_NUMBER_SUFFIX}\b(?:,?\s+\d{{4,5}}(?:[ \t]?[A-Z]{{2}}\b)?\s+{TOWN}|{_COMMA_TOWN})?"
)
"""A street with no street-type word, its name then its number, as most of Europe writes it: "Lange
Voorhout 9, Den Haag", "Joaquin Suarez 2906". Any capitalised words before a number look alike ("Python
3", "Gate 12"), so it counts only after an address word (`CuedStreetRecognizer`)."""

_POSTCODE_CITY = rf"(?:,?\s+\d{{4,5}}\s+{TOWN}|{_COMMA_TOWN})?"
"""French, Spanish, Italian, Portuguese style postcode and town after the street: ", 75012 Paris", or the
town alone: ", Milano"."""
_ROMANCE_NAME = (
    r"(?:(?:\p{Lu}[\p{L}'\u2019.-]*|[IVX]+|de|del|della|delle|dei|degli|dello|di|des|du|la|le|las|los|da|das"
    r"|do|dos|y|e)\s+){1,5}"
)
_ROMANCE_STREET_TYPE = (
    r"(?:Rue|Avenue|Boulevard|Bd|Chemin|Allée|Impasse|Quai|Cours|Route|Passage|Via|Viale|Piazza|Piazzale"
    r"|Corso|Vicolo|Largo|Lungomare|Strada|Contrada|Borgo|Calle|C/|Avenida|Avda\.|Av\.|Plaza|Paseo|Cuesta"
    r"|Camino|Carretera|Ronda|Travesía|Glorieta|Rambla|Carrer|Rua|Rúa|Travessa|ul\.|al\.|Plac|Rynek)"
)
_FLOOR = r"(?:,?[ \t]+\d{1,2}[º°ªoa]?(?!\d)(?:[ \t]?(?:[A-Z]|izq(?:da)?|izquierda|dcha|der(?:echa)?)\b\.?)?)?"
"""A Spanish floor and door after the house number: ", 3º B", ", 2º izq." (analysed folded, as ", 3o B")."""
ROMANCE_STREET = (
    rf"{_LEADING_NUMBER}(?<!\w){_ROMANCE_STREET_TYPE}\s*{_ROMANCE_NAME}\d{{1,4}}{_EU_HOUSE_NUMBER_SUFFIX}\b"
    rf"{_FLOOR}{_UNIT}{_POSTCODE_CITY}"
)
"""Street type first: "Rue de Piétrain 371", "Viale dei Mille 45", "Calle Mayor 5", "Cuesta de San Vicente 4,
28008 Madrid", "C/ Gran Vía 28", "ul. Polna 28"."""

_FRENCH_NAME_WORD = r"(?:\p{Lu}[\p{L}'\u2019.-]*|de|la|le|des|du|d'\p{L}+)"
NUMBER_FIRST_ROMANCE_STREET = (
    rf"{_LEADING_NUMBER}\b\d{{1,4}}(?:\s?(?:bis|ter))?,?\s+"
    rf"(?:(?i:avenue|boulevard|place)\s+(?:{_FRENCH_NAME_WORD}\s+){{0,3}}\p{{Lu}}[\p{{L}}'\u2019-]*"
    r"|(?i:rue|chemin|allée|impasse|quai)\s+(?:\p{L}[\p{L}'\u2019.-]*\s+){0,3}\p{L}[\p{L}'\u2019-]*)"
    rf"{_POSTCODE_CITY}"
)
"""French style, number first: "12 rue de la Paix", typed "36 rue de pologne". After "rue", "chemin",
"allée", "impasse" or "quai", words English does not use, the name may be in lower case; after "avenue",
"boulevard" or "place" it must be capitalised ("2 place settings")."""

HU_STREET = (
    rf"{_LEADING_NUMBER}\b(?:\p{{Lu}}\p{{Ll}}+(?:\s+\p{{L}}+){{0,2}}?|\p{{Ll}}{{3,}})"
    rf"\s+(?:út|útja|utca|u\.|tér|tere|körút|körútja|rakpart|sétány)\s+\d{{1,4}}\b\.?{_UNIT}"
)
"""Hungarian: "Rákóczi út 66", "Árpád fejedelem útja 62.", typed "hegyalja út 98.". The street words are
Hungarian alone, so the name before them may be lower case (one word then) and the possessive forms a
street named after someone takes ("útja", "tere") count too."""

_MONTH = (
    r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|January|February|March|April|June|July|August"
    r"|September|October|November|December)\b"
)
_PLACE_WORD = r"\p{Lu}[\p{L}\p{M}'\u2019.-]*"
NUMBER_NAME_NUMBER_STREET = (
    rf"\b\d{{1,6}}[ \t]+(?!{_MONTH}){_PLACE_WORD}(?:[ \t]+(?:{_PLACE_WORD}|de|del|la|van|von)){{0,3}}"
    r"[ \t]+\d{1,5}[A-Za-z]?\b\.?"
    r"(?:,[ \t]*\p{Lu}[\p{L}\p{M}'\u2019-]+(?:[ \t]+\p{Lu}[\p{L}\p{M}'\u2019-]+){0,2})?"
    r"(?=[ \t]*(?:[,;\n]|$|(?:Apt|Apartment|Suite|Ste|Flat|Unit)\b))"
)
"""A street with no street-type word, written between a building number and a house number, as in many
European and Latin American addresses: "20789 Allika 46", "lives at 172 Maneeži 75, Saareküla". Weak on
its own ("3 Tesla Model 3"): a context word ("address", "lives at") or an address block lifts it."""

_STREET_WORD = r"\p{L}[\p{L}\p{M}'\u2019-]*"
_NOT_A_PREPOSITION = r"(?!(?:on|at|in|to|of|the|and|or|for|from|by|with|near)\b)"
NAME_NUMBER_TYPE_STREET = (
    rf"(?:\b\d{{1,6}}[ \t]+)?(?<![\p{{L}}\p{{M}}])"
    rf"(?:\p{{Lu}}[\p{{L}}\p{{M}}'\u2019-]*(?:[ \t]+{_NOT_A_PREPOSITION}{_STREET_WORD}){{0,3}}"
    rf"|\p{{Ll}}{_STREET_WORD})"
    r"[ \t]+\d{1,5}[A-Za-z]?\.?(?=[ \t]+(?i:st|street|str)\b)"
)
"""A street-type word after the house number, the street's name before it: "Nieuwe Baan 473 St.",
"87818 Dalmatinova 68 St.", typed "74678 midtvollen 130 st.". A street-type word next to a number is the
mark of an address, as in the other patterns; in lower case only one word names the street. The type word
itself stays, as a street's type does elsewhere."""

_ANY_CASE_STREET_TYPE = (
    r"(?i:street|st|avenue|ave|road|rd|boulevard|blvd|lane|ln|drive|dr|courts?|ct|way|place|pl|terrace"
    r"|circle|parkway|pkwy|highway|hwy|square|sq|trail|plaza|crescent|close|gardens|grove|mews|alley|greens?"
    r"|loop|mall|gateway|heights|junction|flats|straße|strasse|weg|rue|via|calle)\b\.?"
)
"""Street-type words in any case, including USPS suffixes that name a street only at a corner ("Inna
Loop", "Martinez Mall")."""
_CORNER = (
    r"\b(?i:corner)[ \t]+(?i:of)[ \t]+(?:(?i:the)[ \t]+)?"
    rf"(?=[^\n]{{0,80}}?(?:\d|\b{_ANY_CASE_STREET_TYPE}))"
)
"""What introduces the two streets of a corner, with a house number or a street-type word near, so that
"the corner of the screen and the sidebar" is no address."""
_CORNER_WORD = r"[\p{L}\p{M}\d'\u2019-]+\.?"
_CORNER_STREET = rf"{_CORNER_WORD}(?:[ \t]+{_CORNER_WORD}){{0,3}}?"
_CORNER_AND = rf"(?=(?:[ \t]+{_ANY_CASE_STREET_TYPE})?[ \t]+(?:and|&)[ \t]+)"
CORNER_FIRST_STREET = rf"{_CORNER}\K{_CORNER_STREET}{_CORNER_AND}"
CORNER_SECOND_STREET = (
    rf"{_CORNER}{_CORNER_STREET}{_CORNER_AND}(?:[ \t]+{_ANY_CASE_STREET_TYPE})?[ \t]+(?:and|&)[ \t]+\K"
    rf"{_CORNER_STREET}(?=(?:[ \t]+{_ANY_CASE_STREET_TYPE})?[ \t]*(?:[,;:!?)\n]|\.(?:\s|$)|$)"
    rf"|[ \t]+{_ANY_CASE_STREET_TYPE}[ \t]+\p{{Ll}})"
)
"""The two streets of a corner, each a span of its own, their type words and the "and" between them kept.
The second ends with its clause, or at a type word when the sentence goes on ("... and 5th Ave. to the
north"):
"the corner of 11 Botley Road St. and Herceg Gateway St.", "corner of Alšova 408 and Vedzizhev Greens". A
corner of two streets places someone as a street and house number do. The words before each street are
matched and dropped from the span with \\K: a look-behind would be tried at every position of every text."""

_LINE_MARK = r"[^\w\n]*"
"""What a quoted or bulleted line starts with before its text: spaces, "> ", "- ", or "??? " from bullets
lost to a wrong encoding."""

ADDRESS_BLOCK_STREET = (
    rf"(?m)^{_LINE_MARK}{NUMBER_NAME_NUMBER_STREET}(?=[ \t]*(?:\n|(?:Apt|Apartment|Suite|Ste)\b))"
)
"""The same street alone on its line, the first line of an address block."""

UNIT = r"\b(?:Apt|Apartment|Suite|Ste|(?i:apt|apartment))\.?[ \t]*#?\d{1,5}[A-Za-z]?\b"
"""An apartment or suite: "Suite 501", "Apt. 297". "Unit", "Flat" and "Room" are left out: "Unit 5" is
as often a course chapter. Lower case only for "apt": "suite 2" is as often a test suite."""

_POSTCODE = r"(?:\d{4,6}(?:-\d{3,4})?|\d{3}[ ]\d{2})\b"
"""Four to six digits, a ZIP+4, or three and two digits as Swedish, Czech and Greek postcodes are written."""

_PLACE_LINE = (
    r"\n+[^\w\n]*(?:\p{Lu}[\p{L}\p{M}'\u2019.()-]*)(?:[ \t,]+[\p{L}\p{M}'\u2019.()-]+){0,4}"
    rf"(?:,?[ \t]+{_POSTCODE})?[ \t]*(?=\n|$)"
)
"""A line holding a town, region or country, with an optional postcode: " Riisa", " Estonia 62488",
", CO", "ANNERSTAD 340 12". Any line mark before it: "> ", "??? "."""

ADDRESS_TAIL = rf"(?<={UNIT}[ \t]*)(?:{_PLACE_LINE}){{1,3}}"
"""Town, region, country and postcode lines under an apartment or suite line."""

_LOWERCASE_WORD = r"\p{Ll}[\p{Ll}\p{M}\p{S}'\u2019.()-]*"
"""A word of an address typed in lower case, in any script; symbols too, for look-alikes such as "∆"."""
LOWERCASE_ADDRESS_TAIL = (
    r"(?<=\b(?:apt|apartment|suite|ste)\.?[ \t]*#?\d{1,5}[a-z]?[ \t]*)"
    rf"(?:\n+[^\w\n]*{_LOWERCASE_WORD}(?:[ \t,]+{_LOWERCASE_WORD}){{0,4}}[ \t]*){{0,2}}"
    rf"\n+[^\w\n]*(?:{_LOWERCASE_WORD}(?:[ \t,]+{_LOWERCASE_WORD}){{0,3}}[ \t,]+)?{_POSTCODE}"
)
"""Place lines under a unit written in lower case, as a whole address is when typed in chat ("apt. 999\n
delmas, mp 35739"). A lower-case line is as often the next sentence, so the tail must close on a postcode."""

_STREET_LINE_TEXT = r"[\p{L}\p{M}\d'\u2019.,()/-]+(?:[ \t]+[\p{L}\p{M}\d'\u2019.,()/-]+){1,6}"
"""The words of a street line, in any script and case: "947 trg revolucije 17", "0605 πεντέλης 210"."""

UNIT_LINE = rf"{UNIT}(?=[ \t]*(?:\n|$|[,;]|\p{{Lu}}|\d))"
"""A unit as an address block writes it: ending its line, or followed by a comma or by place names and
postcodes ("Apt. 735", "Suite 9, Leeds"). A lower-case word after it makes the line a sentence about the
apartment ("Apt. 4B is free"), not a line of an address."""

STREET_BEFORE_UNIT = (
    rf"(?<![\w.,-])\d{{1,6}}[ \t]+(?:[\p{{L}}\p{{M}}\d'\u2019.()/-]+,?[ \t]+){{1,5}}\d{{1,5}}[A-Za-z]?\b\.?"
    rf"(?=,?[ \t]*(?:{UNIT}|(?i:suite|ste)\.?[ \t]*#?\d))"
    rf"|(?<![\w.,-])\d{{1,6}}[ \t]+{_STREET_LINE_TEXT}(?=[ \t]*\n{_LINE_MARK}{UNIT_LINE})"
)
"""A street followed by an apartment or suite: on the same line it must end with a house number ("5670 r
josé a madeira 1 suite 696", where "suite" in lower case is a unit too); a whole line starting with a
number may stand above a unit line ("770 26 rue des lieutemants Thomazo\n>Apt. 735"). Whatever the street
looks like, that is the head of an address. The whole-line form says nothing of its own words ("3 items
left" would do), so the unit line under it must read as a line of an address block (`UNIT_LINE`), not as a
sentence that opens with a unit."""

STREET_AFTER_UNIT = (
    rf"(?<={UNIT}[ \t,]*)\d{{1,6}}[ \t]+(?:[\p{{L}}\p{{M}}'\u2019.-]+[ \t]+){{1,4}}\d{{1,5}}[A-Za-z]?\b"
    rf"(?:{_PLACE_LINE})?"
)
"""Street written after the unit, as some forms print it: "Suite 541 6343 Skogstien 106\nASKER 1386"."""

_POSTCODE_LINE = (
    r"\n[^\w\n]*(?:\p{L}[\p{L}\p{M}'\u2019.()-]*(?:[ \t,]+[\p{L}\p{M}'\u2019.()-]+){0,3}[ \t,]+)?"
    r"(?!(?:19|20)\d\d\b)\d{4,6}(?:-\d{3,4})?\b"
)
"""The last line of an address block: a postcode alone or after a country or region, " Netherlands 62971".
Not a year: "Released 2024." closes release notes, not addresses."""

ADDRESS_BLOCK_WITHOUT_UNIT = (
    r"(?m)(?<![\w.,-])\d{2,6}[ \t]+(?:[\p{L}\p{M}'\u2019.-]+[ \t]+){0,4}\d{1,5}[A-Za-z]?"
    r"(?:[ \t]+[\p{L}\p{M}'\u2019.-]+){0,4}[ \t]*"
    r"(?:\n[^\w\n]*\p{L}[\p{L}\p{M}'\u2019.()-]*(?:[ \t,]+[\p{L}\p{M}'\u2019.()-]+){0,3}[ \t]*){1,2}"
    rf"{_POSTCODE_LINE}(?=[ \t]*(?:$|[.,;:!?)])|[ \t]+\p{{Ll}})"
)
"""A street line (building and house numbers around or before the street name), one or two short place
lines and a postcode line ending the line or sentence, with no unit: "72134 Coronilla 3599\nNijmegen\n, GE
\n Netherlands 62971". The second number on the first line and the postcode closing the block are what tell
it from a list or a recipe; a one-digit first number is more often a list item than a building. The
sentence may go on after the postcode in lower case ("... Netherlands 62971 in case of an issue")."""

LOWERCASE_NUMBER_NAME_NUMBER_STREET = (
    r"(?<![\w.,-])\d{1,6}[ \t]+"
    r"(?!(?:from|with|over|than|into|plus|times|minus|each|more|less|left|aged)\b)"
    r"\p{Ll}[\p{Ll}\p{M}'-]{3,}[ \t]+"
    r"\d{1,5}[a-z]?\b(?![.,]\d|[ \t]*(?:%|[a-z]))"
)
"""Lower-case or non-Latin street between a building and a house number: "255 hersnapvej 18",
"74678 midtvollen 130". One word only ("3 cats aged 12" is two) and weak: only a context word ("lives at",
"address") lifts it."""
