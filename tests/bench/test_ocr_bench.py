"""The OCR figure of `make bench`: word recall, the generated pages, the table row, one real page."""

from __future__ import annotations

import pytest

from bench.ocr import dutch_pages, measure_ocr, ocr_rows, word_recall
from ingest.ocr import OcrReader


def test_word_recall_counts_words_found_in_order():
    assert word_recall("De provincieraad vergadert maandelijks", "de provincieraad vergadert maandelijks") == 1.0
    assert word_recall("De provincieraad vergadert maandelijks", "De provinc1eraad vergadert") == 0.5
    assert word_recall("", "iets") == 0.0


def test_generated_pages_are_dutch_and_do_not_repeat_their_first_line():
    pages = dutch_pages(4)
    assert len(pages) == 4 and all(len(page) > 20 for page in pages)
    assert len({page[0] for page in pages}) == 4
    assert "provincie" in " ".join(pages[0]).lower()


def test_the_table_row_shows_pages_per_second_and_recall():
    row = ocr_rows({"ocr": {"pages": 10, "dpi": 300, "seconds": 25.0, "pages_per_s": 0.4, "slowest_page_s": 3.1,
                            "chunks": 31, "word_recall": 0.953}})
    assert row[0][1] == "ocr:pages" and "0.40 pages/s" in row[0][3] and "95.3 %" in row[0][3]
    assert "skipped: geen tesseract" in ocr_rows({"ocr": {"skipped": "geen tesseract"}})[0][3]
    assert ocr_rows({}) == []


@pytest.mark.skipif(not OcrReader().available(), reason="tesseract-ocr met tesseract-ocr-nld ontbreekt")
def test_one_real_page_is_read_with_most_words_recognised():
    result = measure_ocr(pages=1)
    assert result["pages"] == 1 and result["progress_calls"] == 1 and result["pages_per_s"] > 0
    assert result["ocr_chunks"] == result["chunks"] >= 1 and result["word_recall"] > 0.85
