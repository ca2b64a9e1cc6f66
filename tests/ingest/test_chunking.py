"""Structure-aware chunking of Dutch administrative text (cleaning → blocks → chunks)."""

from ingest.chunking import chunk_blocks
from ingest.cleaning import clean_pages
from ingest.sentences import split_sentences
from ingest.structure import parse_blocks


def _chunks(text, *, size=1000, overlap=120, title=""):
    blocks = parse_blocks(clean_pages([text], paged=False))
    return chunk_blocks(blocks, chunk_size=size, chunk_overlap=overlap, title=title)


def test_each_article_becomes_its_own_section():
    text = (
        "Statuten\n\n"
        "Hoofdstuk 1. Naam en zetel\n\n"
        "Artikel 1\n"
        "De vereniging draagt de naam Vereniging van de Vlaamse Provincies.\n\n"
        "Artikel 2. De zetel is gevestigd te Brussel.\n\n"
        "Art. 2bis. De raad kan de zetel verplaatsen.\n\n"
        "Hoofdstuk 2\nDoel\n\n"
        "Artikel 3 – Doel\n"
        "De vereniging behartigt de belangen van de provincies."
    )
    chunks = _chunks(text, title="Statuten")
    assert [(chunk.section, chunk.text) for chunk in chunks] == [
        ("Hoofdstuk 1. Naam en zetel › Artikel 1",
         "De vereniging draagt de naam Vereniging van de Vlaamse Provincies."),
        ("Hoofdstuk 1. Naam en zetel › Artikel 2", "De zetel is gevestigd te Brussel."),
        ("Hoofdstuk 1. Naam en zetel › Artikel 2bis", "De raad kan de zetel verplaatsen."),
        ("Hoofdstuk 2. Doel › Artikel 3. Doel", "De vereniging behartigt de belangen van de provincies."),
    ]


def test_markdown_headings_build_the_section_path_without_the_document_title():
    text = "# Statuten\n\n## Titel II\n\n### Artikel 5\n\nDe vereniging streeft haar doel na."
    [chunk] = _chunks(text, title="Statuten")
    assert chunk.section == "Titel II › Artikel 5"


def test_question_and_answer_stay_together_in_one_chunk():
    text = (
        "Vraag 1\nWat is de VVP?\n\nAntwoord 1\nDe koepel van de Vlaamse provincies.\n\n"
        "Vraag 2: Waar is de zetel?\nAntwoord 2: In Brussel."
    )
    chunks = _chunks(text)
    assert [(chunk.section, chunk.text) for chunk in chunks] == [
        ("Vraag 1", "Wat is de VVP?\n\nAntwoord 1: De koepel van de Vlaamse provincies."),
        ("Vraag 2", "Waar is de zetel?\n\nAntwoord 2: In Brussel."),
    ]


def test_repairs_hyphenation_inside_chunks():
    text = "De provincies hebben verschil-\nlende bevoegdheden, zoals ervarings-\nen kennisuitwisseling."
    [chunk] = _chunks(text)
    assert chunk.text == "De provincies hebben verschillende bevoegdheden, zoals ervarings- en kennisuitwisseling."


def test_keeps_a_list_with_its_lead_in_sentence_in_one_chunk():
    intro = "De vereniging werd opgericht in 1980 en telt vijf leden. " * 5
    text = (
        f"{intro}\n\n"
        "De vereniging streeft haar doel na door:\n"
        "• het oprichten van een studiedienst;\n"
        "• het uitgeven van boeken;\n"
        "• het inrichten van congressen.\n\n"
        "De vereniging mag alle verrichtingen doen die haar doel dienen."
    )
    chunks = _chunks(text, size=400)
    list_chunks = [chunk for chunk in chunks if "• het oprichten" in chunk.text]
    assert len(list_chunks) == 1
    assert "De vereniging streeft haar doel na door:\n• het oprichten" in list_chunks[0].text
    assert "• het inrichten van congressen." in list_chunks[0].text


def test_splits_a_long_list_between_items_and_repeats_the_lead_in():
    lead_in = "De raad van bestuur is bevoegd voor:"
    items = [f"• de opdracht nummer {number} die de raad van bestuur uitvoert;" for number in range(1, 21)]
    chunks = _chunks(lead_in + "\n" + "\n".join(items), size=300)
    assert len(chunks) > 2
    for chunk in chunks:
        assert chunk.text.startswith(lead_in + "\n• de opdracht")
        assert len(chunk.text) <= 300
    found = [line for chunk in chunks for line in chunk.text.split("\n") if line.startswith("•")]
    assert found == items


def test_never_splits_inside_a_sentence_with_abbreviations_and_overlaps_whole_sentences():
    sentences = [
        f"Volgens art. {number} werkt de VVP o.a. samen met dhr. Peeters m.b.t. dossier nr. {number}."
        for number in range(1, 16)
    ]
    chunks = _chunks(" ".join(sentences), size=300, overlap=120)
    assert len(chunks) > 3
    for chunk in chunks:
        assert len(chunk.text) <= 300
        assert all(sentence in sentences for sentence in split_sentences(chunk.text))
    for previous, current in zip(chunks, chunks[1:]):
        assert current.text.startswith(split_sentences(previous.text)[-1])
    assert {sentence for chunk in chunks for sentence in split_sentences(chunk.text)} == set(sentences)


def test_cuts_a_single_oversized_sentence_on_word_boundaries():
    words = [f"woord{number}" for number in range(200)]
    chunks = _chunks(" ".join(words) + ".", size=200, overlap=0)
    assert all(len(chunk.text) <= 200 for chunk in chunks)
    assert " ".join(chunk.text for chunk in chunks).split() == words[:-1] + [words[-1] + "."]


def test_merges_small_paragraphs_but_not_across_headings():
    text = "Eerste alinea.\n\nTweede alinea.\n\nVraag 1\nDerde alinea."
    chunks = _chunks(text)
    assert [chunk.text for chunk in chunks] == ["Eerste alinea.\n\nTweede alinea.", "Derde alinea."]


def test_drops_chunks_without_letters_and_detects_title_lines_as_headings():
    text = "ALGEMENE BEPALINGEN\n\nDe vereniging heeft leden.\n\nArtikel 9\n\n12345 - 678"
    chunks = _chunks(text)
    assert [(chunk.section, chunk.text) for chunk in chunks] == [
        ("ALGEMENE BEPALINGEN", "De vereniging heeft leden."),
    ]
