"""Custom recognizers, run through the real engine on real sentences: what they catch and what they leave."""

import pytest

from feedback_platform.lib.pii import PiiRedactor

JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U"


@pytest.fixture(scope="module")
def redactor() -> PiiRedactor:
    return PiiRedactor()


def redact_one(redactor: PiiRedactor, text: str) -> str:
    (redacted,) = redactor.redact([text])
    assert redacted is not None
    return redacted


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        (
            "my key is sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h, why 401?",
            "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8tUv1wXy4zAb3dEf6h",
        ),
        (
            "OPENAI_API_KEY=sk-a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4",
            "sk-a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8s9T0u1V2w3X4",
        ),
        ("aws_access_key_id AKIAIOSFODNN7EXAMPLE leaked in the log", "AKIAIOSFODNN7EXAMPLE"),
        (
            "git clone with token ghp_16C7e42F292c6912E7710c838347Ae178B4a fails",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
        ),
        (
            "use github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz now",
            "github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
        ),
        (
            "the bot token xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
            "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx",
        ),
        (
            "curl -H 'Authorization: Bearer 9f8e7d6c5b4a39281706f5e4d3c2b1a0' api",
            "9f8e7d6c5b4a39281706f5e4d3c2b1a0",
        ),
        (f"session token {JWT} expired", JWT),
        ('config: password = "hunter2024!" in prod', "hunter2024!"),
    ],
)
def test_api_keys_and_secrets_are_redacted(redactor: PiiRedactor, text: str, secret: str) -> None:
    # Guards the API_KEY recognizer on each credential format it claims to know.
    redacted = redact_one(redactor, text)
    assert secret not in redacted
    assert "<API_KEY>" in redacted


def test_bearer_keeps_the_scheme_word(redactor: PiiRedactor) -> None:
    # Guards readability: only the token after "Bearer" is replaced.
    assert (
        redact_one(redactor, "Authorization: Bearer abc123def456ghi789jkl")
        == "Authorization: Bearer <API_KEY>"
    )


@pytest.mark.parametrize(
    "text",
    [
        "We use sk-learn-compatible-estimator-wrappers in the pipeline.",
        "The task-management-dashboard-component broke again.",
        "Bearer tokens expire after an hour, see the authentication docs.",
        "Set max_tokens=1024 and the token limit to 4096.",
        "The secret: everyone loves the new dark mode.",
    ],
)
def test_prose_about_keys_is_not_taken_for_a_key(redactor: PiiRedactor, text: str) -> None:
    # Guards against over-redaction of ordinary developer prose by the API_KEY patterns.
    assert redact_one(redactor, text) == text


@pytest.mark.parametrize(
    ("text", "address"),
    [
        ("Please ship it to 1234 Elm Street, Springfield.", "1234 Elm Street, Springfield"),
        ("Send the invoice to 77 Lakeview Boulevard Apt 5, Austin, TX 78701 today.", "77 Lakeview Boulevard"),
        ("My flat is at 221B Baker Street, London NW1 6XE.", "221B Baker Street, London NW1 6XE"),
        ("Ich wohne in der Hauptstraße 5, 10115 Berlin.", "Hauptstraße 5, 10115 Berlin"),
        ("Lieferung an Berliner Straße 12a bitte.", "Berliner Straße 12a"),
        ("Rechnung an Musterstr. 7, 80331 München", "Musterstr. 7, 80331 München"),
        ("Envoyez-le au 12 rue de la Paix, 75002 Paris.", "12 rue de la Paix, 75002 Paris"),
        ("My new address is PSC 0413, Box 8144 APO AA 42323.", "PSC 0413, Box 8144 APO AA 42323"),
    ],
)
def test_street_addresses_are_redacted(redactor: PiiRedactor, text: str, address: str) -> None:
    # Guards the STREET_ADDRESS recognizer on US, UK, German and French layouts.
    redacted = redact_one(redactor, text)
    assert "<STREET_ADDRESS>" in redacted
    for part in address.replace(",", " ").split():
        assert part not in redacted.replace("<STREET_ADDRESS>", "")


@pytest.mark.parametrize(
    "text",
    [
        "Step 2 of the setup failed on the second try.",
        "String 5 is longer than the limit.",
        "I walked 2 miles down the road to get there.",
        "Chapter 12 Main Character Arc was confusing.",
        "Offering 3 options would be better.",
    ],
)
def test_numbered_prose_is_not_taken_for_an_address(redactor: PiiRedactor, text: str) -> None:
    # Guards against street patterns firing on numbers next to capitalised or street-like words.
    assert redact_one(redactor, text) == text


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("Call me at +44 20 7946 0958 tomorrow.", "+44 20 7946 0958"),
        ("Meine Nummer ist +49 30 1234567.", "+49 30 1234567"),
        ("Fax: +41 (0)69 979 80 58", "+41 (0)69 979 80 58"),
        ("Reach me on +44 7700 900123 after six.", "+44 7700 900123"),
        ("Desk: +1-903-140-4508x769", "+1-903-140-4508x769"),
        ("UK office 020 7946 0958, ask for support.", "020 7946 0958"),
        ("call me at 4155552671 please", "4155552671"),
        ("Phone: 467 3395", "467 3395"),
    ],
)
def test_international_and_contextual_phone_numbers_are_redacted(
    redactor: PiiRedactor, text: str, number: str
) -> None:
    # Guards phone coverage: +country numbers (valid or fictional), national formats, digits after "phone".
    redacted = redact_one(redactor, text)
    assert number not in redacted
    assert "<PHONE_NUMBER>" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Order #1234567890 shipped on 2024-03-15 at 14:32 UTC.",
        "Build 20240315.1 failed; upgrade from v1.2.3 to v2.0.1.",
        "The total was 1 234 567 tokens over 30 days.",
        "Score went from 0.912 to 0.934 after 12 epochs.",
    ],
)
def test_ids_versions_and_numbers_are_not_taken_for_phones(redactor: PiiRedactor, text: str) -> None:
    # Guards against phone over-redaction of ids, dates, versions and counts without a phone context.
    assert redact_one(redactor, text) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("My name is Rubija and I need help.", "Rubija"),
        ("Name: Emilie Broberg", "Emilie Broberg"),
        ("Hi Vinicio, the transfer failed again.", "Vinicio"),
        ("Please correct it to Mr. Ferko Takáts.", "Ferko Takáts"),
        ("Hi, I am Hugo Fontaine and I need help.", "Hugo Fontaine"),
        ("Hi, this is Noah Reed. How much baggage can I take?", "Noah Reed"),
        ("Guten Tag Katharina Neumann,\nvielen Dank für Ihre Nachricht.", "Katharina Neumann"),
        ("Kind regards,\nPablo Navarro\n", "Pablo Navarro"),
    ],
)
def test_names_after_a_cue_are_redacted(redactor: PiiRedactor, text: str, name: str) -> None:
    # Guards the PERSON cue recognizer, for names the small spaCy model does not know.
    redacted = redact_one(redactor, text)
    assert name not in redacted
    assert "<PERSON>" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Hello World, this is my first program.",
        "I am French and I live abroad.",
        "Kind regards,\nThe Acme Retail team",
        "Use the GPT-4 model for the Q3 summary.",
        "Write a function that reads index.html and config.yaml.",
    ],
)
def test_greetings_nationalities_and_identifiers_are_not_taken_for_names(
    redactor: PiiRedactor, text: str
) -> None:
    # Guards against PERSON over-redaction: "Hello World", "I am French", model names and file names.
    assert redact_one(redactor, text) == text


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        # Street between a building number and a house number, no street-type word, with a context word.
        ("Tosh lives at 172 Maneeži 75, Saareküla", "Maneeži 75", "lives at"),
        # Address block: street line, suite line, then town and country-postcode lines.
        ("Ship to:\n20789 Allika 46\n Suite 501\n Riisa\n Estonia 62488", "62488", "Ship to"),
        ("Our office is in Suite 340 on the third floor", "Suite 340", "third floor"),
    ],
)
def test_new_street_address_rules(redactor: PiiRedactor, text: str, gone: str, kept: str) -> None:
    # Guards the number-name-number street, the suite/apartment unit and the address-block tail rules.
    redacted = redact_one(redactor, text)
    assert gone not in redacted
    assert kept in redacted


@pytest.mark.parametrize(
    "text",
    [
        "We shipped 3 Tesla Model 3 cars to the dealer",
        "The launch moved to 12 March 2024, as planned",
        "Read Unit 5 of the course before Friday",
    ],
)
def test_new_street_address_rules_leave_prose(redactor: PiiRedactor, text: str) -> None:
    # Guards against over-redaction: counts, dates and course units are not addresses.
    assert "<STREET_ADDRESS>" not in redact_one(redactor, text)


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("416 60 039 office\n+46 (0)8 928 571 38 fax", "416 60 039"),
        ("(37) 788-063-Office", "788-063"),
        ("mobile: 99 577450", "577450"),
        ("They're not answering at 78 651 450", "78 651 450"),
    ],
)
def test_local_phone_numbers_with_a_label_or_context(redactor: PiiRedactor, text: str, number: str) -> None:
    # Guards the label-after-number pattern and the added context words ("mobile", "answer", "office").
    assert number not in redact_one(redactor, text)


def test_grouped_digits_without_context_stay(redactor: PiiRedactor) -> None:
    # Guards the weak grouped-digits pattern: an id with no phone word or label nearby is kept.
    assert "416 60 039" in redact_one(redactor, "Order 416 60 039 shipped yesterday")


def test_lowercase_iban_is_redacted_when_its_checksum_holds(redactor: PiiRedactor) -> None:
    # Guards the case-insensitive IBAN recognizer; a lower-case string failing the checksum stays.
    assert "<IBAN_CODE>" in redact_one(redactor, "my iban is gb42nawi04454264788619")
    assert "gb42nawi04454264788618" in redact_one(redactor, "ref gb42nawi04454264788618")


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("Zoolander was directed by Anna Kowalska and produced in Warsaw", "Kowalska"),
        ("I would like to remove my kid Mario from the will", "Mario"),
        ("Tomomi Nishiyama lives at the end of the road", "Nishiyama"),
    ],
)
def test_person_cues_before_and_after(redactor: PiiRedactor, text: str, name: str) -> None:
    # Guards the added person cues: "directed by", a relation word, and a verb only people do.
    assert name not in redact_one(redactor, text)


def test_pronoun_before_a_person_verb_is_kept(redactor: PiiRedactor) -> None:
    # Guards the pronoun exclusion: "She lives" is not a name.
    assert redact_one(redactor, "She lives in a small flat").startswith("She lives")


def test_found_name_is_redacted_where_it_recurs(redactor: PiiRedactor) -> None:
    # Guards name recurrence: once "John Smith" is found, a later bare "Smith" is redacted too.
    redacted = redact_one(redactor, "John Smith called yesterday. Smith said the parcel never came.")
    assert "Smith" not in redacted


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # Someone addressed at the start of a sentence, before a request.
        ("Warrick, could you send me the invoice again?", "Warrick"),
        # The answer to a question about a person's name.
        ("What's your last name? Okonkwo", "Okonkwo"),
        # A lower-case name after "my name is", ending the clause.
        ("my name is tereza, my order is late", "tereza"),
        # A full name after a role noun, which spaCy labels ORG.
        ("Escalate to customer care lead Grace Reed (grace.reed@example.com)", "Grace Reed"),
        ("Draft a reply. The customer is Noor Haddad, noor@example.com.", "Noor Haddad"),
        # A signature: quoted after a sign-off, after a dash ending the message, "<name> from <team> here".
        ('it signed "Kind regards, Rhiannon Pryce-Jones" but I send it', "Rhiannon Pryce-Jones"),
        ("Call me on 020 7946 0958 after five \u2014 Callum.", "Callum"),
        ("Hi Team, Marguerite from accounts here, can someone check my payslip?", "Marguerite"),
        # The owner of a phone or an address.
        ("Please don't include Aarav's phone in summaries.", "Aarav"),
        # A lower-case name after a title with its period.
        ("ask for mr. patel at the front desk", "patel"),
        # The name line heading a contact block.
        ("Dagrún Vésteinsdóttir\n\n42 Larkspur Road\nSuite 9\nLeeds", "Dagrún"),
        # A lower-case name heading a contact block.
        ("maren holt\nbike courier\n12 Elm Row, Bath", "maren"),
        # Speaker and listener of reported speech.
        ('"Not again!" said Ailbhe Ní to Oskarsdóttir.', "Oskarsdóttir"),
        ("Kemal shouted at Priya across the office.", "Priya"),
        # Names listed after a plural role, or as the subjects of one.
        ("Our 3 founders: Wexley, Brandt and Okafor.", "Wexley"),
        ("Tamsin and Rourke were session drummers.", "Rourke"),
        # A one-word subject the next sentence calls "her".
        ("Oriane is very patient. Everyone trusts her.", "Oriane"),
        # A middle initial between two name words, capitalised or not.
        ("The report was written up by Ingeborg K Vanderkamp last week.", "Vanderkamp"),
        ("forward it to henrike j vos please", "henrike"),
        # The full name a sentence about someone's name ends on.
        ("The name on my card is wrong, please change it to Ilse Marquardt", "Marquardt"),
        # A full name given a role only a person holds.
        ("Please add Sigrún Þórsdóttir as a beneficiary.", "Þórsdóttir"),
        # The giver and the receiver of someone's belongings.
        ("Anselm had given Corin his keys.", "Corin"),
        # A lower-case name after "calls me".
        ("everyone calls me jurek.", "jurek"),
        # A lower-case honorific with a period.
        ("I'd like to join accounts with ms. Quinzia", "Quinzia"),
        # The added cues after a name: a relation, "is a ... person", "began writing".
        ("It was a deal between him and Gisela's kid.", "Gisela"),
        ("Brannagh is a very kind person.", "Brannagh"),
        ("Ivarsson began writing as a boy.", "Ivarsson"),
    ],
)
def test_people_found_by_where_their_names_stand(redactor: PiiRedactor, text: str, name: str) -> None:
    # Guards the PERSON rules of engine 1.2.0: each one takes the name out of a sentence of its kind.
    assert name not in redact_one(redactor, text)


@pytest.mark.parametrize(
    "text",
    [
        # Vocative: a discourse word or a stop word before the comma is not someone addressed.
        "However, can you explain recursion?",
        "Okay, can you make it shorter?",
        # Name question: a file name is not a person's name.
        "What is the file name? Config.yaml maybe",
        # Lower-case "my name is": a stop word is not a name.
        "my name is not important",
        # Role noun: a title-case heading after a role is not a name.
        "The Project Manager Job Description is below.",
        # Contact block: a heading over a recipe or a support note is not a name.
        "Chocolate Cake\n\n2 cups flour\n1 cup sugar",
        "Machine Learning\n\nPhone: support line below",
        "quick summary\n\nthe app crashes on start\n3 users reported it",
        # Pronoun subject: "it" refers to a thing.
        "Linux is very reliable. You can always depend on it.",
        # Middle initial: a letter labelling a plan, a type or a vitamin.
        "Plan B Option is the fallback.",
        "Use a type c cable and vitamin d supplements.",
        # Personal role: a tool added as an editor.
        "Please add Visual Studio as an editor.",
        # Giver and receiver: a common noun between "given" and "his".
        "The manager had given the team his approval.",
        # Lower-case "call me": a time word.
        "call me tomorrow.",
        # Speaker labels without a person among them.
        "Input: a list of numbers\nOutput: the sorted list",
        # Lower-case enumeration without a person in it.
        "we bought apples, pears, plums and figs: nothing else.",
        # Another cue after a name: "is a" followed by a thing, not a person.
        "Python is a great language.",
    ],
)
def test_person_rules_leave_ordinary_text(redactor: PiiRedactor, text: str) -> None:
    # Guards against over-redaction by the PERSON rules of engine 1.2.0.
    assert redact_one(redactor, text) == text


def test_dialogue_speakers_share_a_found_speakers_type(redactor: PiiRedactor) -> None:
    # Guards speaker-label propagation: once one speaker is a person, the other labels are people too.
    redacted = redact_one(redactor, "Halvard: Did you lock the door?\nSarah: Of course.")
    assert "Halvard" not in redacted
    assert "Did you lock the door?" in redacted


def test_list_members_share_found_peoples_type(redactor: PiiRedactor) -> None:
    # Guards list propagation: a list holding two people makes its other members people.
    redacted = redact_one(redactor, "We invited John, Sarah, Dagrún and Þórsdóttir.")
    assert "Dagrún" not in redacted
    assert "Þórsdóttir" not in redacted
    assert redacted.startswith("We invited")


def test_one_person_in_a_short_list_does_not_spread(redactor: PiiRedactor) -> None:
    # Guards the list threshold: spaCy's one "person" in a list of four languages makes no others.
    redacted = redact_one(redactor, "We support Python, Rust, Go and Java.")
    assert "Python, Rust, Go" in redacted


def test_cue_found_name_is_redacted_where_it_recurs(redactor: PiiRedactor) -> None:
    # Guards recurrence for cue-found names: "Ottoline" after "Dear Ottoline," is redacted too.
    redacted = redact_one(redactor, "Dear Ottoline,\nthanks. Ottoline, the parcel is here.")
    assert "Ottoline" not in redacted
    assert "the parcel is here" in redacted


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        # Street before a unit, in lower case and Slovenian: the unit line makes it an address.
        ("address:\n947 trg revolucije 17 apt. 858 begunje", "trg revolucije 17", "address"),
        # Street before a unit, in Greek, with the place line and postcode below the unit.
        ("user: 0605 πεντέλης 210 apt. 999\ndelmas, mp 35739", "35739", "user"),
        # Street with its house number before the name, then a unit on the next quoted line.
        (">Rizzo\n>770 26 rue des lieutemants Thomazo\n>Apt. 735\n>DOLE\n>France 35910", "35910", "Rizzo"),
        # Bulleted block whose bullets were lost: the postcode after the country goes with the unit tail.
        ("??? 4923 Parmova 109\n??? Suite 380\n??? Maribor\n??? Slovenia 82709", "82709", "???"),
        # Street written after the unit, with a Swedish 3 + 2 postcode on the town line.
        ("Mrs. Usamov Suite 913 0547 Bygget 91\nANNERSTAD 340 12", "Bygget 91", "Mrs."),
        ("Mrs. Usamov Suite 913 0547 Bygget 91\nANNERSTAD 340 12", "340 12", "Mrs."),
        # Block with no unit: street line, town and region lines, country and postcode closing it.
        ("Please return to 72134 Coronilla 3599\nNijmegen\n, GE\n Netherlands 62971.", "62971", "return"),
        ("Please return to 72134 Coronilla 3599\nNijmegen\n, GE\n Netherlands 62971.", "Coronilla", "return"),
        # Lower-case street between building and house numbers, lifted by a context word.
        ("eva lives at 255 hersnapvej 18, københavn k", "hersnapvej 18", "lives at"),
        # Building number written before a French number-first street and a German compound street.
        ("She lives at 79063 63 Rue de Kairouan, Cite El Farik", "79063", "lives at"),
        ("Ship to 83854 Strickstrasse 61, Zuoz", "83854", "Ship to"),
    ],
)
def test_address_block_rules_of_engine_1_3(redactor: PiiRedactor, text: str, gone: str, kept: str) -> None:
    # Guards the 1.3.0 address rules: streets by their place next to a unit or postcode line, any case/script.
    redacted = redact_one(redactor, text)
    assert gone not in redacted
    assert kept in redacted


@pytest.mark.parametrize(
    "text",
    [
        "3 cups flour\nsugar\nbake\nat 1800 degrees",
        "I bought 3 apples and 12 pears, then 2 oranges for 5 dollars",
        "Run the test suite 2 times before the release",
        "we trained 3 models over 12 epochs",
        "Version 2 notes\nFixed login\nReleased 2024.",
        "1 Install deps 2\nThen run\nversion 2024.",
        "I live with 3 cats aged 12.",
        "We meet at 5 pm in the lobby",
    ],
)
def test_address_block_rules_leave_lists_and_counts(redactor: PiiRedactor, text: str) -> None:
    # Guards against over-redaction by the 1.3.0 address rules: recipes, counts, test suites, release notes.
    assert "<STREET_ADDRESS>" not in redact_one(redactor, text)


@pytest.mark.parametrize(
    ("text", "gone", "kept"),
    [
        # Military mail typed in lower case, and a ship's name before its fleet post office.
        ("forward it to cmr 4417 box 2290\napo ae 09812 please", "4417", "please"),
        ("forward it to USNS Comfort\nFPO AA 34091 please", "Comfort", "please"),
        # The two streets of a corner, each with its number or its type word; the "and" and "St." stay.
        ("Pick me up at the corner of Kloosterdreef 12 St. and Wolters Loop St.", "Wolters", "and"),
        ("Pick me up at the corner of Kloosterdreef 12 St. and Wolters Loop St.", "Kloosterdreef", "St."),
        ("meet at the corner of schillerweg 4 and brandt lane", "schillerweg", "meet at"),
        # A street-type word after the house number, the name before it, in any script or case.
        ("The courier stops at 4410 Jeruzalémská 17 St.", "Jeruzalémská", "St."),
        ("the courier stops at 4410 vrtna 17 st.", "vrtna", "courier"),
        # Hungarian street words after a lower-case or two-word name, possessive forms included.
        ("a csomag ide menjen: kossuth utca 12.", "kossuth", "csomag"),
        ("Send it to Szent István körútja 14.", "István", "Send it to"),
        # A French number-first street typed in lower case, and a Galician one.
        ("elle habite 14 rue des lilas, lyon", "lilas", "habite"),
        ("Send it to Rúa da Estrela 8, Lugo.", "Estrela", "Send it to"),
        # A block whose sentence goes on after the postcode, and a lower-case suite after the street.
        ("Return it to 5521 Lindholm 40\nOdense\nDenmark 5000 if it is damaged.", "Lindholm", "damaged"),
        ("ship to 881 calle olmo 3 suite 12\nvalencia", "olmo", "ship to"),
    ],
)
def test_street_rules_of_engine_1_9(redactor: PiiRedactor, text: str, gone: str, kept: str) -> None:
    # Guards the 1.9.0 street rules: military mail in any case, corners, "N St." streets, Hungarian, French
    # and Galician streets, blocks inside a sentence.
    redacted = redact_one(redactor, text)
    assert gone not in redacted
    assert kept in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Drag it to the corner of the screen and the sidebar.",
        "Set 2 place settings for the dinner",
        "The unit 12 box sizes were wrong",
        "Chapter 3 of the book covers it.",
    ],
)
def test_street_rules_of_engine_1_9_leave_prose(redactor: PiiRedactor, text: str) -> None:
    # Guards against over-redaction by the 1.9.0 rules: corners of things, settings, boxes, chapters.
    assert redact_one(redactor, text) == text


def test_a_name_recurs_without_its_possessive(redactor: PiiRedactor) -> None:
    # Guards recurrence of a name first written with "'s": the bare surname later in the text goes too.
    redacted = redact_one(redactor, "We read Mirela Kovačević's essays. Nobody writes like early Kovačević.")
    assert "Kovačević" not in redacted
    assert "essays" in redacted


def test_a_speaker_read_as_a_place_is_a_person(redactor: PiiRedactor) -> None:
    # Guards the speakers of a dialogue: a label the model reads as a place is a person, and so are the
    # other lines' speakers.
    redacted = redact_one(redactor, 'Paris: "Who is there?"\nParis:"It is me, open up".')
    assert redacted == '<PERSON>: "Who is there?"\n<PERSON>:"It is me, open up".'


def test_phone_after_registered_is_redacted(redactor: PiiRedactor) -> None:
    # Guards the "registered" phone context word: a local number with no other phone word is taken.
    assert "668 5702" not in redact_one(redactor, "no message on my registered 668 5702. Please check")


def test_registered_without_a_phone_shape_is_kept(redactor: PiiRedactor) -> None:
    # Guards against "registered" lifting counts and years: no grouped phone-like digits, nothing redacted.
    assert redact_one(redactor, "I registered 2 accounts in 2021") == "I registered 2 accounts in 2021"


def test_lowercase_line_under_a_unit_needs_a_postcode(redactor: PiiRedactor) -> None:
    # Guards the lower-case address tail: a lower-case sentence under a suite line is not taken for a town.
    redacted = redact_one(redactor, "We meet at 5 pm in Suite 200\nbring your laptop")
    assert "bring your laptop" in redacted
    assert "5 pm" in redacted


@pytest.mark.parametrize(
    "text",
    [
        "Python, can you explain decorators?",
        "Kubernetes, what is a pod?",
        "Rust, please explain lifetimes.",
        "Thanks. Swift, what is an optional?",
    ],
)
def test_subject_of_a_question_is_not_taken_for_someone_addressed(redactor: PiiRedactor, text: str) -> None:
    # Guards the vocative rule against languages and tools: a capitalised word before a comma and a request
    # for knowledge ("can you explain", "what is a") is the subject asked about, not a person.
    assert redact_one(redactor, text) == text


@pytest.mark.parametrize(
    ("text", "name"),
    [
        # A request only a person carries out: the vocative rule takes the name.
        ("Maria, can you send the file?", "Maria"),
        ("Ottavia, can you send the file?", "Ottavia"),
        ("Ottavia, what is your address?", "Ottavia"),
        # A request for knowledge addressed to a name spaCy knows: its verdict still redacts the name.
        ("Maria, can you explain the invoice?", "Maria"),
    ],
)
def test_people_addressed_by_name_are_still_redacted(redactor: PiiRedactor, text: str, name: str) -> None:
    # Guards that the subject-of-a-question exception leaves real vocatives to the vocative rule or spaCy.
    redacted = redact_one(redactor, text)
    assert name not in redacted
    assert text[len(name) :] in redacted


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("3 items left\nApt. 4B is free", "3 items left"),
        ("12 apples remain\nSuite 5 is closed until Monday", "12 apples remain"),
    ],
)
def test_line_above_a_sentence_about_a_unit_is_not_a_street(
    redactor: PiiRedactor, text: str, kept: str
) -> None:
    # Guards the street-above-a-unit rule: a unit opening a sentence ("Apt. 4B is free") is not the unit line
    # of an address block, so the numbered line above it is not taken for a street.
    assert kept in redact_one(redactor, text)


@pytest.mark.parametrize(
    "text",
    [
        "Deliver to:\n88 calle de la luna\nApt. 12\nSevilla",
        "Deliver to:\n88 calle de la luna\nApt. 12, Sevilla",
        "Deliver to:\n88 calle de la luna\nApt. 12 Sevilla",
    ],
)
def test_street_line_above_a_unit_line_is_still_redacted(redactor: PiiRedactor, text: str) -> None:
    # Guards that a unit line ending its line, or going on with a comma or a place name, still makes the
    # numbered line above it a street, whatever words that street has.
    redacted = redact_one(redactor, text)
    assert "calle de la luna" not in redacted
    assert "Deliver to:" in redacted


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("my driver's license number is 2270-66-1551", "2270-66-1551"),
        ("DL# D1234567, expires 2029", "D1234567"),
        ("Meine Führerscheinnummer ist B072RRE2I55.", "B072RRE2I55"),
        ("Mon permis de conduire n° 12AB34567 a expiré.", "12AB34567"),
    ],
)
def test_a_licence_number_after_a_licence_cue_is_redacted(
    redactor: PiiRedactor, text: str, number: str
) -> None:
    # Guards the DRIVER_LICENSE recognizer: the number after a cue in any of the product's languages is
    # replaced as a DRIVER_LICENSE (German text's other words are the English model's to judge).
    redacted = redact_one(redactor, text)
    assert number not in redacted
    assert "<DRIVER_LICENSE>" in redacted
    assert redacted.endswith(text.split(number)[1])


@pytest.mark.parametrize(
    "text",
    [
        "The license of the SDK is MIT 2024.",
        "Your order number is 12345678.",
        "A driver's license is required.",
    ],
)
def test_no_licence_without_a_cue_and_a_number(redactor: PiiRedactor, text: str) -> None:
    # Guards against over-redaction: an order number, a software licence, a licence with no number stay.
    assert redact_one(redactor, text) == text


@pytest.mark.parametrize(
    "text",
    [
        "Willemine ten Pas will be talking in the conference",
        "I met Jan van den Berg yesterday.",
        "The house of Pedro de la Cruz is big.",
        "My name is Ludwig von Stein.",
    ],
)
def test_names_with_particles_are_redacted_whole(redactor: PiiRedactor, text: str) -> None:
    # Guards names with particles (Dutch, German, Spanish): the given name, the particles and the surname go
    # together, whichever part the model or a cue found.
    redacted = redact_one(redactor, text)
    assert redacted.count("<PERSON>") == 1
    for word in (
        "Willemine",
        "ten",
        "Pas",
        "Jan",
        "van",
        "den",
        "Berg",
        "Pedro",
        "la",
        "Cruz",
        "Ludwig",
        "Stein",
    ):
        assert f" {word} " not in f" {redacted} ", word


# Guards the particle rule's reach: a greeting before a name is not taken into it.
def test_a_greeting_before_a_name_is_kept(redactor: PiiRedactor) -> None:
    assert redact_one(redactor, "Thanks Anna Smith, see you.") == "Thanks <PERSON>, see you."
