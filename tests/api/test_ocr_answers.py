"""A scanned PDF, ingested: questions about it are answered with a citation of the right page,
marked as OCR text in the API's JSON; the server keeps answering while a scan is read."""

from __future__ import annotations

import threading
import time

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app
from ingest.ocr import OcrReader
from bench.ocr import scanned_pdf

pytestmark = pytest.mark.skipif(not OcrReader().available(),
                                reason="tesseract-ocr met tesseract-ocr-nld ontbreekt (make install)")

PAGES = [
    ["Huishoudelijk reglement van de beleidscommissie cultuur", "",
     "Artikel 1. De beleidscommissie cultuur bestaat uit negen leden die door",
     "de provincieraad worden aangeduid voor de duur van de legislatuur."],
    ["Artikel 2. De commissie vergadert in het provinciehuis op de eerste",
     "dinsdag van elke maand. Het secretariaat stuurt de uitnodiging en de",
     "agenda minstens acht dagen vooraf aan de leden."],
    ["Artikel 3. De vergaderingen van de commissie zijn openbaar, behalve",
     "wanneer over personen wordt beraadslaagd. De notulen worden binnen",
     "twee weken op de website van de provincie gepubliceerd."],
]


@pytest.fixture(scope="module")
def client(tmp_path_factory, embedder, make_container):
    folder = tmp_path_factory.mktemp("scans")
    (folder / "reglement-commissie-cultuur-scan.pdf").write_bytes(scanned_pdf(PAGES))
    container = make_container(tmp_path_factory.mktemp("ocr-kb"), embedder)
    report = container.kb.ingest([folder])
    assert report.count("failed") == 0 and report.chunks >= 1
    with TestClient(create_app(container.settings, container)) as test_client:
        yield test_client


@pytest.mark.parametrize(("question", "page", "words"), [
    ("Op welke dag van de maand vergadert de commissie?", 2, "eerste dinsdag van elke maand"),
    ("Binnen welke termijn worden de notulen van de commissie gepubliceerd?", 3, "twee weken"),
    ("Uit hoeveel leden bestaat de beleidscommissie cultuur?", 1, "negen leden"),
])
def test_a_question_about_a_scan_is_answered_with_the_right_page_marked_as_ocr(client, question, page, words):
    body = client.post("/api/ask", json={"question": question}).json()
    assert body["grounded"], body["answer"]
    assert words in " ".join(body["answer"].split())
    citation = body["citations"][0]
    assert citation["page"] == page and citation["ocr"] is True
    assert words in " ".join(citation["text"].split())


def test_search_results_carry_the_ocr_mark(client):
    results = client.post("/api/search", json={"query": "notulen website provincie", "k": 1}).json()["results"]
    assert results[0]["ocr"] is True and results[0]["page"] == 3


def test_the_server_keeps_answering_while_a_scan_is_read(client, tmp_path):
    """OCR runs where ingests run (a worker thread), never on the event loop."""
    container = client.app.state.container
    scan = tmp_path / "lange-scan.pdf"
    scan.write_bytes(scanned_pdf(PAGES + PAGES[:1]))  # 4 pages: several seconds of OCR
    worker = threading.Thread(target=container.kb.ingest, args=([scan],))
    worker.start()
    answered, slowest = 0, 0.0
    try:
        while worker.is_alive():
            started = time.perf_counter()
            assert client.post("/api/search", json={"query": "notulen", "k": 1}).status_code == 200
            slowest = max(slowest, time.perf_counter() - started)
            answered += 1
            time.sleep(0.2)
    finally:
        worker.join()
    assert answered >= 5 and slowest < 2.0  # the ingest took seconds; searches answered throughout
    assert container.kb.stats()["documents"] == 2


def test_an_ingest_reports_progress_per_ocr_page(tmp_path, embedder, make_container):
    folder = tmp_path / "scan"
    folder.mkdir()
    (folder / "reglement-scan.pdf").write_bytes(scanned_pdf(PAGES))
    container = make_container(tmp_path / "kb", embedder)
    seen: list[tuple[int, int, str]] = []
    report = container.kb.ingest([folder], progress=lambda done, total, detail: seen.append((done, total, detail)))
    assert report.count("added") == 1
    pages = [entry for entry in seen if "OCR-pagina" in entry[2]]
    assert [entry[2].rsplit(" ", 1)[1] for entry in pages] == ["1/3", "2/3", "3/3"]
    assert [done for done, _, _ in pages] == sorted(done for done, _, _ in pages)  # progress moves per page
    final_done, final_total, _ = seen[-1]
    assert final_done == final_total and final_total >= 3 + report.chunks
