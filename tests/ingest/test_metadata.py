"""Document types from title, file name, first heading and opening text: words, not substrings."""

import pytest

from ingest.metadata import doc_type_in_text, guess_doc_type
from ingest.pipeline import load_document


@pytest.mark.parametrize("name, expected", [
    ("verslag-beleidscommissie-mobiliteit-2025-03-12.pdf", "verslag"),
    ("Statuten VVP 2019.docx", "statuten"),
    ("Decreet lokaal bestuur.pdf", "decreet"),
    ("Missie en visie VVP.md", "missie"),
    ("Jaarverslag 2023.pdf", "verslag"),
    ("Samenstelling beleidscommissies 2024.xlsx", "commissie"),
    ("agenda_commissie_cultuur.docx", "commissie"),
    ("Provinciedecreet-gecoördineerd.pdf", "decreet"),
    ("Emissiereductie in de provincies.pdf", "andere"),
    ("Transmissie van gegevens.txt", "andere"),
    ("Overslag haven Antwerpen.pdf", "andere"),
    ("scan_0001.pdf", "andere"),
])
def test_file_names_are_typed_by_their_words(name, expected):
    assert guess_doc_type(declared=None, folder=None, title="", opening="", name=name) == expected


def test_commissie_is_never_read_as_missie():
    assert doc_type_in_text("Commissie Europa") == "commissie"
    assert doc_type_in_text("De commissie vergaderde over haar werking.") == "commissie"
    assert doc_type_in_text("de missie van de commissie") == "commissie"


def test_a_report_about_a_commission_is_a_report():
    assert doc_type_in_text("Verslag van de beleidscommissie mobiliteit") == "verslag"
    assert doc_type_in_text("Notulen subcommissie financiën") == "verslag"


def test_title_is_asked_before_file_name_heading_and_opening():
    typed = guess_doc_type(declared=None, folder=None, title="Statuten", opening="Verslag.",
                           name="verslag.pdf", heading="Verslag")
    assert typed == "statuten"
    typed = guess_doc_type(declared=None, folder=None, title="Vergadering 12 maart", opening="",
                           name="beleidscommissie-2025.pdf", heading="Verslag")
    assert typed == "commissie"
    typed = guess_doc_type(declared=None, folder=None, title="Document", opening="", name="scan.pdf",
                           heading="Verslag van de raad")
    assert typed == "verslag"


def test_front_matter_and_folder_still_win():
    assert guess_doc_type(declared="missie", folder="verslagen", title="Verslag", opening="") == "missie"
    assert guess_doc_type(declared=None, folder="verslagen", title="Statuten", opening="") == "verslag"


def test_an_uploaded_commission_report_is_typed_by_its_uploaded_name(tmp_path):
    stored = tmp_path / "upload-1f2e3d.md"
    stored.write_text("# Vergadering van 12 maart 2025\n\nAanwezig: de leden van de commissie.\n", encoding="utf-8")
    document = load_document(stored, source="upload:verslag-beleidscommissie-mobiliteit-2025-03-12.md",
                             original_name="verslag-beleidscommissie-mobiliteit-2025-03-12.md")
    assert document.doc_type == "verslag"


def test_the_first_heading_types_a_document_whose_title_says_nothing(tmp_path):
    path = tmp_path / "document.md"
    path.write_text("---\ntitle: Maart 2025\n---\n\n## Beleidscommissie mobiliteit\n\nDe leden bespraken.\n",
                    encoding="utf-8")
    assert load_document(path).doc_type == "commissie"
