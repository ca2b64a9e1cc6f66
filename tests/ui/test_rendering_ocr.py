"""The source card says when a passage was recognised from a scan (OCR)."""

from __future__ import annotations

from ui import labels
from ui.rendering import sources_html

CITATION = {"n": 1, "chunk_id": "c1", "document_id": "reglement-1a2b", "title": "Reglement", "section": "",
            "page": 2, "source": "reglement.pdf", "text": "Artikel 2. De commissie vergadert maandelijks.",
            "quote": "De commissie vergadert maandelijks.", "score": 1.0}


def test_an_ocr_passage_gets_an_ocr_note_next_to_its_page():
    html = sources_html({"answer": "x [1]", "citations": [{**CITATION, "ocr": True}]}, 1)
    assert f'p. 2 · <span class="vvp-ocr" title="{labels.OCR_NOTE_TITLE}">OCR</span>' in html


def test_a_passage_from_a_text_layer_has_no_ocr_note():
    for citation in (CITATION, {**CITATION, "ocr": False}):
        assert "vvp-ocr" not in sources_html({"answer": "x [1]", "citations": [citation]}, 1)
