"""Unreadable input raises typed ingest errors with a Dutch message that names the file."""

import io
import os
import zipfile

import pytest
from pypdf import PdfWriter
from reportlab.pdfgen import canvas

from ingest.errors import DocumentTooLarge, EmptyDocument, NeedsOCR, UnreadableDocument, UnsupportedFormat
from ingest.pipeline import load_document


def test_zero_byte_file_is_empty(tmp_path):
    path = tmp_path / "leeg.txt"
    path.write_bytes(b"")
    with pytest.raises(EmptyDocument) as error:
        load_document(path)
    assert error.value.message == "Bestand 'leeg.txt' is leeg."


def test_whitespace_only_file_has_no_text(tmp_path):
    path = tmp_path / "spaties.md"
    path.write_text("---\ntitle: Niets\n---\n\n   \n\n")
    with pytest.raises(EmptyDocument, match="spaties.md"):
        load_document(path)


def test_binary_data_named_txt_is_not_a_text_file(tmp_path):
    path = tmp_path / "data.txt"
    path.write_bytes(b"\x00\x01\x02binary\x00" * 100)
    with pytest.raises(UnreadableDocument) as error:
        load_document(path)
    assert "'data.txt'" in error.value.message and "lijkt geen tekstbestand te zijn" in error.value.message


@pytest.mark.parametrize("name, kind", [("kapot.pdf", "PDF"), ("kapot.docx", "Word")])
def test_random_bytes_with_a_document_suffix_are_unreadable(tmp_path, name, kind):
    path = tmp_path / name
    path.write_bytes(os.urandom(4096))
    with pytest.raises(UnreadableDocument) as error:
        load_document(path)
    assert f"'{name}'" in error.value.message and kind in error.value.message


def test_truncated_pdf_is_unreadable(tmp_path):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "De vereniging heeft leden.")
    pdf.save()
    path = tmp_path / "half.pdf"
    path.write_bytes(buffer.getvalue()[:300])
    with pytest.raises(UnreadableDocument, match="'half.pdf'"):
        load_document(path)


def test_unsupported_suffix_lists_supported_formats(tmp_path):
    path = tmp_path / "tabel.xyz"
    path.write_text("iets")
    with pytest.raises(UnsupportedFormat) as error:
        load_document(path)
    assert error.value.message == (
        "Bestandstype '.xyz' wordt niet ondersteund. "
        "Ondersteund: .docx, .htm, .html, .markdown, .md, .pdf, .txt."
    )


def test_original_name_is_used_for_the_suffix_check_and_messages(tmp_path):
    path = tmp_path / "upload-3f2a"
    path.write_bytes(b"")
    with pytest.raises(EmptyDocument, match="'Jaarverslag 2023.txt'"):
        load_document(path, original_name="Jaarverslag 2023.txt")
    with pytest.raises(UnsupportedFormat, match=r"'\.exe'"):
        load_document(path, original_name="setup.exe")


def test_password_protected_pdf_is_unreadable(tmp_path):
    path = tmp_path / "geheim.pdf"
    pdf = canvas.Canvas(str(path), encrypt="secret")
    pdf.drawString(72, 720, "Vertrouwelijke tekst.")
    pdf.save()
    with pytest.raises(UnreadableDocument) as error:
        load_document(path)
    assert error.value.message == (
        "Bestand 'geheim.pdf' is versleuteld met een wachtwoord en kan niet gelezen worden.")


def test_pdf_with_only_an_owner_password_opens(tmp_path):
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer)
    pdf.drawString(72, 720, "Openbare tekst van de vereniging.")
    pdf.save()
    writer = PdfWriter(clone_from=io.BytesIO(buffer.getvalue()))
    writer.encrypt(user_password="", owner_password="eigenaar", algorithm="RC4-128")
    path = tmp_path / "beveiligd.pdf"
    with path.open("wb") as handle:
        writer.write(handle)
    [chunk] = load_document(path).chunks
    assert chunk.text == "Openbare tekst van de vereniging."


def test_pdf_without_text_needs_ocr(tmp_path):
    path = tmp_path / "scan.pdf"
    pdf = canvas.Canvas(str(path))
    pdf.rect(100, 100, 300, 400, fill=1)
    pdf.save()
    with pytest.raises(NeedsOCR) as error:
        load_document(path)
    assert error.value.message == (
        "Bestand 'scan.pdf' bevat geen tekst (gescand document?): tekstherkenning (OCR) is nodig.")


def test_file_larger_than_the_limit_is_refused(tmp_path):
    path = tmp_path / "groot.txt"
    path.write_text("tekst " * 1000)
    with pytest.raises(DocumentTooLarge, match="'groot.txt'"):
        load_document(path, max_bytes=1000)


def test_docx_zip_bomb_is_refused_before_unpacking(tmp_path):
    path = tmp_path / "bom.docx"
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\x00" * 12_000_000)
    with pytest.raises(DocumentTooLarge, match="'bom.docx'"):
        load_document(path)


def test_missing_file_is_unreadable(tmp_path):
    with pytest.raises(UnreadableDocument, match="'weg.pdf'"):
        load_document(tmp_path / "weg.pdf")
