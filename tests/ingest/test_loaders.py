"""Each format loader on small files generated here, through the public `load_document`."""

import docx
from reportlab.pdfgen import canvas

from ingest.pipeline import load_document


def _write_pdf(path, pages, header="VVP – Statuten 2024 – vertrouwelijk", title=None):
    pdf = canvas.Canvas(str(path))
    if title:
        pdf.setTitle(title)
    for number, lines in enumerate(pages, start=1):
        pdf.drawString(72, 800, header)
        y = 760
        for line in lines:
            pdf.drawString(72, y, line)
            y -= 16
        pdf.drawString(290, 40, f"Pagina {number} van {len(pages)}")
        pdf.showPage()
    pdf.save()


def test_pdf_chunks_keep_page_numbers_and_lose_the_repeated_header(tmp_path):
    path = tmp_path / "statuten.pdf"
    _write_pdf(path, [
        ["Artikel 1", "De vereniging draagt de naam Vereniging van de Vlaamse",
         "Provincies. Zij heeft verschil-", "lende leden."],
        ["Artikel 2", "De vereniging behartigt de belangen van de provincies."],
    ])
    document = load_document(path)
    assert [(chunk.section, chunk.page, chunk.text) for chunk in document.chunks] == [
        ("Artikel 1", 1, "De vereniging draagt de naam Vereniging van de Vlaamse Provincies. "
                         "Zij heeft verschillende leden."),
        ("Artikel 2", 2, "De vereniging behartigt de belangen van de provincies."),
    ]
    assert document.doc_type == "statuten"
    assert document.metadata["page_count"] == "2"
    assert not any("vertrouwelijk" in chunk.text or "Pagina" in chunk.text for chunk in document.chunks)


def test_pdf_title_comes_from_its_metadata(tmp_path):
    path = tmp_path / "scan_0001.pdf"
    _write_pdf(path, [["Verslag van de vergadering van de raad van bestuur."]], title="Verslag raad van bestuur")
    document = load_document(path)
    assert document.title == "Verslag raad van bestuur"
    assert document.doc_type == "verslag"


def test_docx_heading_styles_lists_and_tables(tmp_path):
    word = docx.Document()
    word.add_heading("Huishoudelijk reglement", level=0)
    word.add_heading("Raad van bestuur", level=1)
    word.add_heading("Vergaderingen", level=2)
    word.add_paragraph("De raad vergadert maandelijks. De agenda omvat:")
    word.add_paragraph("de goedkeuring van het vorige verslag;", style="List Bullet")
    word.add_paragraph("de begroting.", style="List Bullet")
    word.add_heading("Samenstelling", level=2)
    table = word.add_table(rows=2, cols=2)
    for (row, col), text in {(0, 0): "Naam", (0, 1): "Functie", (1, 0): "Jan Peeters", (1, 1): "voorzitter"}.items():
        table.cell(row, col).text = text
    path = tmp_path / "reglement.docx"
    word.save(path)
    document = load_document(path)
    assert document.title == "Huishoudelijk reglement"
    assert [(chunk.section, chunk.text) for chunk in document.chunks] == [
        ("Raad van bestuur › Vergaderingen",
         "De raad vergadert maandelijks. De agenda omvat:\n"
         "• de goedkeuring van het vorige verslag;\n• de begroting."),
        ("Raad van bestuur › Samenstelling", "Naam | Functie\nJan Peeters | voorzitter"),
    ]


def test_docx_dutch_heading_style_names_are_headings(tmp_path):
    word = docx.Document()
    word.styles.add_style("Kop 1", 1)  # WD_STYLE_TYPE.PARAGRAPH
    word.add_paragraph("Werking", style="Kop 1")
    word.add_paragraph("De VVP werkt met commissies.")
    path = tmp_path / "werking.docx"
    word.save(path)
    [chunk] = load_document(path).chunks
    assert (chunk.title, chunk.section, chunk.text) == ("Werking", "", "De VVP werkt met commissies.")


def test_html_drops_scripts_and_styles_and_keeps_headings(tmp_path):
    path = tmp_path / "missie.html"
    path.write_text(
        "<html><head><title>Missie | VVP</title><style>.geheim { color: red }</style>"
        "<script>var geheim = 'xyz';</script></head><body><nav>Home Contact</nav>"
        "<h1>Onze missie</h1><p>De VVP is de belangenbehartiger van de provincies.</p>"
        "<h2>Opdrachten</h2><p>De VVP heeft twee opdrachten:</p>"
        "<ul><li>belangen behartigen;</li><li>samenwerking organiseren.</li></ul>"
        "<iframe src='https://example.org'></iframe></body></html>",
        encoding="utf-8",
    )
    document = load_document(path)
    text = "\n".join(chunk.text for chunk in document.chunks)
    assert "geheim" not in text and "color" not in text
    assert document.title == "Missie"
    assert document.chunks[-1].section.endswith("Opdrachten")
    assert document.chunks[-1].text == "De VVP heeft twee opdrachten:\n• belangen behartigen;\n• samenwerking organiseren."


def test_html_falls_back_to_plain_text_when_trafilatura_finds_nothing(tmp_path):
    path = tmp_path / "kort.htm"
    path.write_bytes(b"<html><body><script>alert(1)</script><h2>Contact</h2><div>Bel ons.</div></body></html>")
    [chunk] = load_document(path).chunks
    assert "alert" not in chunk.text and "Bel ons." in chunk.text


def test_markdown_front_matter_overrides_title_type_and_source(tmp_path):
    folder = tmp_path / "verslagen"
    folder.mkdir()
    path = folder / "notitie.md"
    path.write_text(
        "---\ntitle: Statuten van de VVP\ntype: statuten\nsource_url: https://www.vvp.be/statuten\n"
        "date: 2024-03-01\n---\n# Iets anders\n\n## Artikel 1\n\nDe vereniging heet **VVP**, zie [site](https://vvp.be).\n",
        encoding="utf-8",
    )
    document = load_document(path)
    assert (document.title, document.doc_type, document.source) == (
        "Statuten van de VVP", "statuten", "https://www.vvp.be/statuten")
    assert document.metadata["date"] == "2024-03-01"
    [chunk] = document.chunks
    assert (chunk.source, chunk.section, chunk.text) == (
        "https://www.vvp.be/statuten", "Iets anders › Artikel 1", "De vereniging heet VVP, zie site.")


def test_text_files_in_latin1_utf16_and_utf8_with_bom(tmp_path):
    sentence = "De provincies zijn één van de bestuursniveaus in België; privé-instellingen."
    encodings = {"latin.txt": sentence.replace("één", "een").encode("latin-1"),
                 "utf16.txt": sentence.encode("utf-16"),
                 "bom.txt": sentence.encode("utf-8-sig"),
                 "ansi.txt": ("“" + sentence + "”").encode("cp1252")}
    for name, data in encodings.items():
        (tmp_path / name).write_bytes(data)
    texts = {name: load_document(tmp_path / name).chunks[0].text for name in encodings}
    assert texts == {"latin.txt": sentence.replace("één", "een"), "utf16.txt": sentence,
                     "bom.txt": sentence, "ansi.txt": "“" + sentence + "”"}
