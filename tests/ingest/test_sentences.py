"""Dutch sentence splitting (ingest.sentences.split_sentences)."""

from ingest.sentences import split_sentences


def test_does_not_split_after_dutch_abbreviations():
    text = (
        "De provincies werken o.a. samen m.b.t. Europese dossiers. Zie art. 5 en blz. 12 "
        "van het verslag nr. 3. Dhr. Peeters en mevr. Janssens i.v.m. De Lijn, bv. Antwerpen."
    )
    assert split_sentences(text) == [
        "De provincies werken o.a. samen m.b.t. Europese dossiers.",
        "Zie art. 5 en blz. 12 van het verslag nr. 3.",
        "Dhr. Peeters en mevr. Janssens i.v.m. De Lijn, bv. Antwerpen.",
    ]


def test_does_not_split_after_initials_or_a_leading_number_label():
    text = "Het verslag werd opgesteld door J. Peeters en A.B. Janssens. 5. Het bestuur keurt goed."
    assert split_sentences(text) == [
        "Het verslag werd opgesteld door J. Peeters en A.B. Janssens.",
        "5. Het bestuur keurt goed.",
    ]
    assert split_sentences("Artikel 5. De raad beslist.") == ["Artikel 5. De raad beslist."]


def test_splits_on_question_and_exclamation_marks_and_closing_quotes():
    text = "Wat doet de VVP? Zij behartigt belangen! ‘Dat is de missie.’ Daarna volgt meer."
    assert split_sentences(text) == [
        "Wat doet de VVP?",
        "Zij behartigt belangen!",
        "‘Dat is de missie.’",
        "Daarna volgt meer.",
    ]


def test_keeps_list_items_as_their_own_units_and_joins_wrapped_lines():
    text = (
        "De vereniging doet dit door:\n"
        "• het uitgeven van boeken;\n"
        "• het inrichten van congressen\n"
        "en studiedagen;\n"
        "1. een eerste punt\n"
        "Dit is een zin die over twee\n"
        "regels loopt."
    )
    assert split_sentences(text) == [
        "De vereniging doet dit door:",
        "• het uitgeven van boeken;",
        "• het inrichten van congressen en studiedagen;",
        "1. een eerste punt",
        "Dit is een zin die over twee regels loopt.",
    ]


def test_enumeration_closing_abbreviation_ends_a_sentence_before_a_capital():
    text = "Overleg, kennisuitwisseling, enz. De VVP is ook opdrachthouder, enz. voor Vlaanderen."
    assert split_sentences(text) == [
        "Overleg, kennisuitwisseling, enz.",
        "De VVP is ook opdrachthouder, enz. voor Vlaanderen.",
    ]
