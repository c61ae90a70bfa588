"""Regular expressions for people's names that the small spaCy model misses, by the place a name stands in.

Each rule is about where names occur, not about which names exist: a person addressed at the start of a
sentence, the answer to a question about a name, a full name after a job title, the name line heading a
contact block, the speaker of a dialogue line, a member of a list holding a person.
"""

PARTICLE_WORDS: tuple[str, ...] = (
    *("van", "von", "vom", "zu", "zur", "de", "den", "der", "des", "du", "di", "da", "del", "della", "dei"),
    *("ter", "ten", "le", "la", "los", "las", "'t", "\u2019t"),
)
"""Lower-case particles inside names in the product's languages: "van den Berg", "von Stein", "de la Cruz",
"della Rovere", "ten Pas", "van 't Hof"."""

PARTICLES = rf"(?:{'|'.join(PARTICLE_WORDS)})"
"""Any one of the name particles."""

NAME_WORD = (
    r"\p{Lu}(?:[\p{Ll}\p{M}]+|(?=['\u2019]\p{Lu}))(?:['\u2019]\p{Lu}?[\p{Ll}\p{M}]+|-\p{Lu}?[\p{Ll}\p{M}]+)*"
)
"""One capitalised word of a name: "Danial", "O'Neil", "Dell'Acqua", "Jean-Luc", "Dubois-Lefèvre"; a
possessive comes with it ("Anna's"). Not a word with a capital inside ("PayPal", "GitHub")."""

NAME = rf"{NAME_WORD}(?:[ \t]+\p{{Lu}}\.?(?=[ \t]))?(?:[ \t]+{NAME_WORD}){{0,2}}"
"""One to three capitalised words, with an optional middle initial: "Vanessa P. Hertzog"."""

FULL_NAME = rf"{NAME_WORD}(?:[ \t]+\p{{Lu}}\.?)?(?:[ \t]+(?:{PARTICLES}[ \t]+)*{NAME_WORD}){{1,3}}"
"""Two to four capitalised words, with an optional middle initial and particles before a surname ("Sanne de
Vries", "María del Carmen Ruiz de Alarcón")."""

GREETINGS = (
    r"Dear|Hi|Hello|Hey|Hallo|Guten[ \t]+(?:Tag|Morgen|Abend)|Liebe[rs]?|Bonjour|Bonsoir|Salut|Cher"
    r"|Ch\u00e8re|Hola|Buenos[ \t]+d\u00edas|Buenas[ \t]+tardes|Estimad[oa]|Querid[oa]"
    r"|Ciao|Salve|Buongiorno|Gentile|Egregi[oa]|Car[oa]|Beste|Geachte|Goedemorgen|Goedemiddag"
)
"""Salutations before a name, in English, German, French, Spanish, Italian and Dutch."""
SIGN_OFFS = (
    r"Regards|Best|Thanks(?:[ \t]+in[ \t]+advance)?|Thank[ \t]+you|Cheers|Sincerely"
    r"|Gr\u00fc\u00dfe|Gru\u00df|Danke(?:[ \t]+im[ \t]+Voraus)?|Cordialement"
    r"|Bien[ \t]+\u00e0[ \t]+vous|Merci(?:[ \t]+d['\u2019]avance)?|Bises|Bisous|Saludos|Un[ \t]+saludo"
    r"|Atentamente|Gracias(?:[ \t]+de[ \t]+antemano)?|Un[ \t]+abrazo|Abrazos|Saluti|Cordiali[ \t]+saluti"
    r"|Distinti[ \t]+saluti|Un[ \t]+saluto|A[ \t]+presto|Grazie(?:[ \t]+in[ \t]+anticipo)?"
    r"|Groet(?:en|jes)?|Met[ \t]+vriendelijke[ \t]+groet(?:en)?"
    r"|(?:Alvast[ \t]+)?Bedankt|Dank[ \t]+je(?:[ \t]+wel)?"
)
"""Closings after which the next line, or the rest of the line after a comma, is the writer's name."""
DISCOURSE_WORDS = (
    r"Yes|Yeah|Yep|Nope|Ok|Okay|Sorry|Thanks|Hello|Hi|Hey|Oh|Ah|Um|Uh|Wait|Look|Listen|Sure|Great|Cool"
    r"|Fine|Right|Alright|Now|Then|Next|Also|Still|Anyway|Besides|Meanwhile|Instead|Otherwise|Therefore"
    r"|Thus|Hence|Again|Today|Tomorrow|Yesterday|Tonight|Guys|Folks|Everyone|Everybody|Team|Sir|Madam"
    r"|Ma'am|Friends|Please|Well|So|Plus|Second|Third|Last|Lastly|Finally|First|Firstly|Honestly|Sadly"
    r"|Good|Perfect|Nice|Awesome|Hmm|Wow|Btw|Note|Update|Edit|Example|Question|Answer"
)
"""Capitalised words that open a sentence before a comma and are not someone addressed ("Okay, can I")."""

ADDRESS_FOLLOWERS = (
    r"can|could|would|will|do|did|does|are|is|have|has|please|I|you|we|let's|let|thanks|thank|listen"
    r"|look|come|where|what|why|how|when|tell|give|send|call"
)
"""What follows the comma after a name used to address someone: "Danial, can I ...", "Ana, please ..."."""

TOPIC_QUESTIONS = (
    r"(?:(?:can|could|would|will)[ \t]+you[ \t]+)?(?:please[ \t]+)?"
    r"(?:explain|describe|define|summari[sz]e|compare|clarify|elaborate|show[ \t]+me[ \t]+how"
    r"|tell[ \t]+me[ \t]+(?:about|what|how|why|when|where|which))\b"
    r"|(?:what|how|why|when|where|which)[ \t]+(?:is|are|was|were|does|do|did|can|should)[ \t]+"
    r"(?:a|an|the|it|its|this|that|these|those|there|I|my|we|our)\b"
)
"""Requests for knowledge about a subject: "can you explain ...", "what is a ...", "how do I ...". After a
capitalised word and a comma they make that word the subject asked about, as prompts to an assistant open
("Python, can you explain decorators?", "Kubernetes, what is a pod?"), rather than a person addressed. A
question about the addressee ("Ana, what is your address?") or a request for something only a person
does ("Maria, can you send the file?") is not one of them."""

VOCATIVE = (
    rf"(?<=(?:\A|[.!?\n][\"\u201d]?[ \t]*)[ \t]*)(?!(?i:{DISCOURSE_WORDS}|{GREETINGS}|{SIGN_OFFS})\b)"
    r"(?![\p{L}]+ly\b)"
    rf"\p{{Lu}}\p{{Ll}}[\p{{Ll}}\p{{M}}'\u2019-]+(?=,[ \t]+(?:{ADDRESS_FOLLOWERS})\b)"
    rf"(?!,[ \t]+(?:{TOPIC_QUESTIONS}))"
)
"""A single name opening a sentence and followed by a comma and a request: "Warrane, can I speak to ...";
not a greeting or a closing ("Goedemiddag, I lost my card"). Not when the request asks about a subject
(`TOPIC_QUESTIONS`): the word is then as often a language, a tool or a product, and only spaCy's own
verdict (which this rule does not override) makes it a person."""

DASH_SIGNATURE = (
    rf"(?m)(?<=[\u2014\u2013][ \t]*)(?!(?i:{DISCOURSE_WORDS}|{GREETINGS}|{SIGN_OFFS})\b){NAME}"
    r"(?=[ \t]*[.!]?[ \t]*$)"
)
"""A name after a dash closing a line, as a message is signed: "... or mobile 07911 123456 — Callum"."""

INTRODUCED_FROM = (
    rf"(?<=(?:\A|[.!?,\n])[ \t]*)(?!(?i:{DISCOURSE_WORDS})\b){NAME_WORD}"
    r"(?=[ \t]+from[ \t]+(?:the[ \t]+)?\p{L}+(?:[ \t]+\p{L}+)?[ \t]+here\b)"
)
"""A writer introducing themselves by their team: "Hi Team, Marguerite from accounts here, can ..."."""

PERSON_NAME = r"(?i:(?:your|my|his|her|their|the|last|first|full|maiden|middle|sur)[ \t]*name)\b"
""""Name" as in someone's name: "your name", "the name", "last name", not "file name" or "rename"."""

NAME_QUESTION = (
    rf"(?<=\b{PERSON_NAME}[^\n?.]{{0,30}}\?[ \t]*(?:\p{{Lu}}\p{{Ll}}+:[ \t]*)?)"
    rf"(?!\p{{Lu}}\p{{Ll}}+:){NAME}(?![.\w])"
)
"""The answer after a question about a name: "What's your last name? Boyle", "name? User: Ana Dias"."""

LOWERCASE_NAME_IS = (
    r"(?<=\b(?i:(?:my|his|her|your|their|maiden|last|first|full|sur)[ \t]*name(?:'s|\u2019s|[ \t]+is))"
    r"[ \t]+)\p{Ll}[\p{Ll}\p{M}'\u2019-]+(?:[ \t]+\p{Ll}[\p{Ll}\p{M}'\u2019-]+)?"
    r"(?=[ \t]*(?:[,.!?\n]|$|but\b))"
)
"""A lower-case name given after "my name is", ending the clause: "my name is vitoria"."""

ROLE_NOUNS = (
    r"lead|manager|agent|colleague|director|producer|songwriter|singer|author|writer|founder"
    r"|co-founder|ceo|cto|cfo|coo|president|engineer|assistant|representative|rep|supervisor|coordinator"
    r"|specialist|officer|editor|reporter|journalist|professor|teacher|doctor|nurse|coach|captain"
    r"|chairman|chairwoman|chair|owner|designer|developer|analyst|consultant|advisor|adviser|attorney"
    r"|lawyer|judge|senator|minister|governor|mayor|actor|actress|artist|guitarist|drummer|composer"
    r"|photographer|architect|recruiter|landlord|tenant|neighbo(?:u)?r|roommate|classmate|teammate"
    r"|cinematographer|novelist|poet|rapper|vocalist|bassist|pianist|host|presenter|spokesperson"
    r"|spokesman|spokeswoman|intern|employee|customer|client|patient|student|candidate|applicant"
)
"""Job titles and roles that stand right before a person's full name: "customer care lead Grace Reed".
"Contact" is not one: it is more often the verb ("contact Customer Support")."""

NOT_NAME_WORDS = (
    r"Job|Description|Team|Department|Role|Position|Services?|Support|Office|Account|Portal|Dashboard"
    r"|Program|Programme|Training|Certification|Course|Resume|Interview|Salary|Level|Skills|Tools?|Api"
    r"|Console|Guide|Template|Role|Responsibilities|Requirements|Position|Opening|Vacancy|Apps?|Panel"
)
"""Title-case words after a role noun that make a heading, not a name: "Project Manager Job Description"."""

FULL_NAME_NOT_A_HEADING = rf"(?!(?:{NOT_NAME_WORDS})\b)(?!{NAME_WORD}[ \t]+(?:{NOT_NAME_WORDS})\b){FULL_NAME}"
"""A full name whose first or second word is not one of NOT_NAME_WORDS ("Customer Support", "Job
Description")."""

ROLE_NOUN_NAME = (
    rf"(?<=(?:\b(?:{ROLE_NOUNS})|(?:\A|[.!?\n][ \t]*)(?i:{ROLE_NOUNS}))[ \t]+(?:(?:is|was)[ \t]+)?)"
    rf"{FULL_NAME_NOT_A_HEADING}"
)
"""A full name after a lower-case role noun, or after a capitalised one opening a sentence, directly or
after "is": "customer care lead Grace Reed", "the customer is Noah Nguyen"."""

CONTACT_LINE = (
    r"[^\p{L}\d\n]*(?:\d{1,6}[ \t]+(?:\d+[ \t]+)?(?:\p{Lu}|\p{Ll}{1,4}\.)"
    r"|(?i:p\.?[ \t]*o\.?[ \t]*box|psc|unit|suite|apt\.?)\b"
    r"|(?i:phone|tel|mobile)[ \t]*:[ \t]*[+\d(]|(?i:e-?mail)[ \t]*:[ \t]*\S+@|(?i:personal[ \t]+info))"
)
"""A line of a contact block: a street line, a box, a unit, a phone or email label, "Personal Info"."""

CONTACT_BLOCK_NAME = (
    rf"(?<=(?:\A|(?:\A|\n)[^\p{{L}}\d\n]*\n|(?i:address|name|contact|attn)[ \t]*:)[^\p{{L}}\d\n]*)"
    rf"{FULL_NAME}(?=[ \t]*\n(?:[^\n]*\n){{0,4}}{CONTACT_LINE})"
)
"""A name alone on the first line of a block that has an address or phone line within the next five."""

SAID_TO = (
    r"(?<=\b(?:(?:shouted|yelled|screamed|whispered|smiled|waved|nodded|winked|stared|glared|laughed)[ \t]+at"
    rf"|(?:said|whispered|replied)[ \t]+to|said[ \t]+{NAME}[ \t]+to)[ \t]+){NAME}"
    rf"|(?<=[!?,]['\"\u201d]?[ \t]+said[ \t]+){NAME}"
)
"""The speaker and the listener of reported speech: "said Gladys to Logan", "shouted at Todd"."""

INITIAL_NOT_AFTER = (
    r"Plan|Vitamin|Type|Grade|Section|Part|Option|Class|Group|Model|Series|Level|Phase|Step|Appendix"
    r"|Exhibit|Figure|Table|Chapter|Unit|Block|Building|Gate|Terminal|Row|Seat|Room|Floor|Channel|Track"
    r"|Size|Zone|Area|Team|Side|Variant|Version|Route|Highway|Interstate|Lane|Platform|Stage|Round|Wing"
    r"|Tier|Category|Schedule|Form|Line|Question|Answer|Problem|Exercise|Task|Item|Point|Note|Box|Case"
)
"""Words that a single capital letter follows as a label, not as a middle initial: "Plan B", "Type C"."""

_WORD_AND_INITIAL = rf"{NAME_WORD}[ \t]+\p{{Lu}}\.?[ \t]+"
_LOWERCASE_WORD_AND_INITIAL = r"\p{Ll}[\p{Ll}\p{M}]{2,}[ \t]+[b-hj-z]\.?[ \t]+"
MIDDLE_INITIAL_NAME = (
    rf"(?<![\p{{L}}\p{{M}}.-])(?={_WORD_AND_INITIAL})(?!(?i:{INITIAL_NOT_AFTER})\b){_WORD_AND_INITIAL}{NAME_WORD}"
    rf"|(?<![\p{{L}}\p{{M}}.-])(?={_LOWERCASE_WORD_AND_INITIAL})(?!(?i:{INITIAL_NOT_AFTER})\b)"
    rf"{_LOWERCASE_WORD_AND_INITIAL}\p{{Ll}}[\p{{Ll}}\p{{M}}'\u2019-]{{2,}}(?![\p{{L}}\p{{M}}])"
)
"""A first name, a middle initial and a surname, anywhere: "Szabina J Gelencsér", "codey m ross". In lower
case the initial is not "a" or "i", which are words. The word and initial are looked ahead for first, so
the label words are tried only where they stand: the pattern runs at every word of every text, and this
makes it three times faster."""

NAME_SENTENCE_ANSWER = rf"(?<=\b{PERSON_NAME}[^.?!\n]{{0,60}}\b(?:to|as)[ \t]+){FULL_NAME}"
"""A full name a sentence about a name ends on: "The name ... is wrong, please change it to Ana Dias"."""

AS_ROLE = (
    r"beneficiary|guardian|co-?signer|executor|emergency[ \t]+contact|next[ \t]+of[ \t]+kin|dependa?ent"
    r"|authori[sz]ed[ \t]+user|joint[ \t]+(?:holder|owner)|spouse|trustee|co-?owner|nominee"
)
"""Roles on an account or a legal document that only a person holds."""

ADDED_AS_ROLE = rf"{FULL_NAME}(?=[ \t]+as[ \t]+(?:(?:a|an|the|my|our|his|her)[ \t]+)?(?:{AS_ROLE})\b)"
"""A full name given a personal role: "add Thelma Mitchell as guardian"."""

GIVEN_TO = (
    rf"{NAME_WORD}(?=[ \t]+(?:had|has|have)[ \t]+(?:given|sent|told|shown|lent)[ \t]+{NAME_WORD}[ \t]+"
    rf"(?:his|her|their)\b)|(?<=\b(?:given|sent|told|shown|lent|gave|showed)[ \t]+){NAME_WORD}"
    r"(?=[ \t]+(?:his|her|their)\b)"
)
"""The giver and the receiver of someone's belongings: "Scott had given Belle his address"."""

LOWERCASE_CALLED = (
    r"(?<=\b(?i:calls[ \t]+me|call[ \t]+me|named[ \t]+(?:him|her))[ \t]+)"
    r"(?!(?:today|tomorrow|tonight|later|asap|anytime|sometime|soon|again|whenever|directly|instead|maybe"
    r"|thanks|crazy|old|back|now|please)\b)\p{Ll}[\p{Ll}\p{M}'\u2019-]{2,}(?=[ \t]*(?:[,.!?\n]|$))"
)
"""A lower-case name ending a clause after "call me" or "calls me": "everyone calls me borna"."""

LOWERCASE_AFTER_TITLE = (
    r"(?<=\b(?i:mrs?|ms|mx|dr|prof)\.[ \t]+)\p{Ll}[\p{Ll}\p{M}'\u2019-]+"
    r"(?:[ \t]+\p{Ll}[\p{Ll}\p{M}'\u2019-]{2,}(?=[ \t]*(?:[,.!?\n]|$)))?"
)
"""A lower-case surname, or full name ending its clause, after a title with its period: "ask for mr. patel",
"dr. anna weiss,"."""

LOWERCASE_CONTACT_BLOCK_NAME = (
    r"(?<=(?:\A|(?:\A|\n)[^\p{L}\d\n]*\n)[^\p{L}\d\n]*)\p{Ll}[\p{Ll}\p{M}'\u2019-]{2,}(?:[ \t]+\p{Ll}\.?)?"
    rf"(?:[ \t]+\p{{Ll}}[\p{{Ll}}\p{{M}}'\u2019-]{{2,}}){{1,2}}(?=[ \t]*\n(?:[^\n]*\n){{0,4}}{CONTACT_LINE})"
)
"""A lower-case name alone on the first line of a contact block: "naomi ryan\nsewer pipe cleaner\n..."."""

PEOPLE_OF_A_ROLE = (
    rf"(?<=\b(?i:{ROLE_NOUNS})s:[ \t]*(?:{NAME_WORD},?[ \t]+(?:and[ \t]+)?)*){NAME_WORD}"
    rf"|{NAME_WORD}(?=(?:,?[ \t]+(?:and[ \t]+)?{NAME_WORD})*[ \t]+(?:were|are)[ \t]+(?:\p{{Ll}}+[ \t]+)?"
    rf"(?:{ROLE_NOUNS})s\b)"
)
"""Names listed after a plural role, or as the subjects of one: "our 3 founders: Kónya, Becker and
Vasquez", "Usamov and Bowers were precision engineers"."""

SUBJECT_OF_A_PRONOUN = (
    rf"(?<=(?:\A|[.!?][ \t]+))(?!(?i:{DISCOURSE_WORDS}|It|This|That|There|He|She|They|We|You|I)\b)"
    rf"{NAME_WORD}(?=[ \t]+(?:is|was)[ \t]+[^.!?\n]{{1,60}}[.!?][ \t]+[^.!?\n]{{0,60}}"
    r"\b(?:him|her|he|she|his|himself|herself)\b)"
)
"""A one-word subject that the next sentence calls "him" or "her": "Shovda is very reliable. You can always
depend on him"."""
