"""OCR of scanned PDFs: page texts and numbers kept, chunks marked, page progress, and the refusal
without Tesseract or with OCR switched off."""

from __future__ import annotations

import io
import shutil

import pytest
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from ingest.errors import NeedsOCR
from ingest.ocr import OcrReader
from ingest.pipeline import load_document
from bench.ocr import scanned_pdf

needs_tesseract = pytest.mark.skipif(not OcrReader().available(),
                                     reason="tesseract-ocr met tesseract-ocr-nld ontbreekt (make install)")

PAGE_ONE = [
    "Reglement van orde van de provincieraad",
    "",
    "Artikel 1. De provincieraad vergadert minstens tien keer per jaar in",
    "het provinciehuis. De voorzitter roept de raad bijeen en stelt de",
    "agenda op.",
]
PAGE_TWO = [
    "Artikel 2. Een raadslid dat een punt op de agenda wil plaatsen, bezorgt",
    "het voorstel minstens vijf dagen voor de vergadering aan de voorzitter.",
    "Het voorstel bevat een toelichting en een ontwerp van beslissing.",
]


def write(tmp_path, name: str, data: bytes):
    path = tmp_path / name
    path.write_bytes(data)
    return path


def text_pdf(lines: list[str]) -> bytes:
    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, pagesize=A4)
    for number, line in enumerate(lines):
        page.drawString(72, 770 - number * 16, line)
    page.showPage()
    page.save()
    return buffer.getvalue()


@needs_tesseract
def test_a_scanned_pdf_is_read_page_by_page_and_marked_as_ocr(tmp_path):
    path = write(tmp_path, "reglement-scan.pdf", scanned_pdf([PAGE_ONE, PAGE_TWO]))
    assert not "".join(page.extract_text() for page in PdfReader(path).pages).strip()  # truly no text layer
    pages_done: list[tuple[int, int]] = []
    document = load_document(path, on_page=lambda done, total: pages_done.append((done, total)))
    assert pages_done == [(1, 2), (2, 2)]
    assert document.metadata["ocr_pages"] == "2"
    assert all(chunk.ocr for chunk in document.chunks)
    by_page = {chunk.page: chunk.text for chunk in document.chunks}
    text = " ".join(" ".join(by_page.values()).split())
    assert "minstens tien keer per jaar" in text and "vijf dagen voor de vergadering" in text
    first_page = " ".join(text for page, text in by_page.items() if page == 1)
    assert "tien keer per jaar" in first_page and "vijf dagen" not in first_page
    assert any(page == 2 and "vijf dagen" in text for page, text in by_page.items())


@needs_tesseract
def test_only_scanned_pages_of_a_mixed_pdf_are_marked_as_ocr(tmp_path):
    writer = PdfWriter()
    for data in (text_pdf(["Inleiding", "Dit reglement regelt de werking van de provincieraad en zijn commissies."]),
                 scanned_pdf([PAGE_TWO])):
        for page in PdfReader(io.BytesIO(data)).pages:
            writer.add_page(page)
    buffer = io.BytesIO()
    writer.write(buffer)
    document = load_document(write(tmp_path, "gemengd.pdf", buffer.getvalue()))
    marks = {(chunk.page, chunk.ocr) for chunk in document.chunks}
    assert (1, False) in marks and (2, True) in marks and (1, True) not in marks and (2, False) not in marks
    assert document.metadata["ocr_pages"] == "1"


def test_with_ocr_off_a_scan_is_refused_with_the_ocr_message(tmp_path):
    path = write(tmp_path, "scan.pdf", scanned_pdf([PAGE_ONE]))
    with pytest.raises(NeedsOCR, match=r"tekstherkenning \(OCR\) is nodig"):
        load_document(path, ocr=False)


def test_without_tesseract_a_scan_is_refused_with_the_ocr_message(tmp_path, monkeypatch):
    path = write(tmp_path, "scan.pdf", scanned_pdf([PAGE_ONE]))
    monkeypatch.setenv("PATH", str(tmp_path))  # no tesseract binary to be found
    assert shutil.which("tesseract") is None
    with pytest.raises(NeedsOCR, match=r"'scan.pdf' bevat geen tekst .* tekstherkenning \(OCR\) is nodig"):
        load_document(path)


@needs_tesseract
def test_a_scan_of_a_blank_page_says_ocr_found_no_text(tmp_path):
    path = write(tmp_path, "leeg.pdf", scanned_pdf([[]]))
    with pytest.raises(NeedsOCR, match="vond er geen leesbare tekst"):
        load_document(path)


def test_a_text_pdf_is_not_sent_to_ocr(tmp_path):
    document = load_document(write(tmp_path, "tekst.pdf", text_pdf(PAGE_ONE)))
    assert not any(chunk.ocr for chunk in document.chunks) and "ocr_pages" not in document.metadata
