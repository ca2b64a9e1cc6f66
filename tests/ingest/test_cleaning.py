"""Text cleaning: characters, hyphenation, wrapped lines, bullets and PDF page furniture."""

from ingest.cleaning import Line, clean_pages, join_wrapped_lines, normalize_characters


def _texts(pages, paged=True):
    return [line.text for line in clean_pages(pages, paged=paged)]


def test_removes_soft_hyphens_zero_width_characters_and_ligatures():
    text = "be\u00adleid\u200b van de pro\ufb01el\u00a0commissie"
    assert normalize_characters(text) == "beleid van de profiel commissie"


def test_repairs_line_break_hyphenation_but_keeps_real_compound_hyphens():
    lines = [
        Line("De provincies hebben verschil-", 1),
        Line("lende taken, zoals ervarings-", 1),
        Line("en kennisuitwisseling in Noord-", 1),
        Line("Brabant en de VVP-", 1),
        Line("werking.", 1),
    ]
    [joined] = join_wrapped_lines(lines)
    assert joined.text == (
        "De provincies hebben verschillende taken, zoals ervarings- en kennisuitwisseling "
        "in Noord-Brabant en de VVP-werking."
    )


def test_rejoins_hard_wrapped_lines_but_not_headings_or_list_items():
    page = (
        "Artikel 3\n"
        "De algemene vergadering komt samen wanneer de raad van bestuur\n"
        "dat nodig acht. Zij beslist over:\n"
        "- de begroting;\n"
        "- de rekeningen van het\n"
        "afgelopen jaar."
    )
    assert _texts([page], paged=False) == [
        "Artikel 3",
        "De algemene vergadering komt samen wanneer de raad van bestuur dat nodig acht. Zij beslist over:",
        "• de begroting;",
        "• de rekeningen van het afgelopen jaar.",
    ]


def test_normalises_bullet_markers_to_one_form():
    page = "Lijst:\n◦ een\n▪ twee\n* drie\n– vier\n2) vijf\nb. zes\n3° zeven"
    assert _texts([page], paged=False)[1:] == [
        "• een", "• twee", "• drie", "• vier", "2. vijf", "b) zes", "3° zeven",
    ]


def test_removes_repeated_headers_and_page_numbers_from_pdf_pages():
    bodies = [
        "De vereniging draagt de naam VVP.",
        "Zij is gevestigd te Brussel.",
        "Het doel is de belangen van de provincies te behartigen.",
        "De raad van bestuur bestuurt de vereniging.",
    ]
    pages = [
        f"VVP jaarverslag 2023 – blad {number}\nArtikel {number}\n{body}\n- {number} -"
        for number, body in enumerate(bodies, start=1)
    ]
    texts = _texts(pages)
    assert texts == [
        "Artikel 1", bodies[0], "Artikel 2", bodies[1], "Artikel 3", bodies[2], "Artikel 4", bodies[3],
    ]


def test_keeps_page_number_of_a_paragraph_that_runs_onto_the_next_page():
    pages = ["Inleiding\nDe vereniging werd opgericht om de", "belangen van de provincies te verdedigen."]
    lines = clean_pages(pages, paged=True)
    assert [(line.text, line.page) for line in lines] == [
        ("Inleiding", 1),
        ("De vereniging werd opgericht om de belangen van de provincies te verdedigen.", 1),
    ]
