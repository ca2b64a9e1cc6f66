"""Uploads, updates and deletes while questions run in other threads: no errors, and every answer
is consistent (the probe answer never changes; answers only cite passages that exist)."""

from __future__ import annotations

import threading
import time

import pytest

from tests.job_support import upload

from robustness_support import ADMIN, PROBE_QUESTION, assert_consistent, snapshot

CAMPS = [("Genk", "juli"), ("Mol", "augustus"), ("Brugge", "juni"), ("Aalst", "mei"), ("Lier", "april"),
         ("Tielt", "maart"), ("Geel", "oktober"), ("Lommel", "september"), ("Ieper", "november"),
         ("Diest", "december")]


def camp_document(number: int, city: str, month: str) -> bytes:
    return (f"# Zeilkamp {number}\n\nHet zeilkamp nummer {number} van de provincie vindt plaats in {city}. "
            f"Het zeilkamp {number} begint in {month} en is bedoeld voor jongeren.\n").encode()


@pytest.mark.slow
def test_uploads_while_questions_run_give_no_errors_and_consistent_answers(container_factory, client_for):
    container = container_factory()
    expected = container.service.ask(PROBE_QUESTION)
    failures: list[str] = []
    answers: list[tuple[int, dict]] = []
    stop = threading.Event()

    with client_for(container) as client:

        def ask_repeatedly(worker: int) -> None:
            round_ = 0
            while not stop.is_set():
                number = (worker + round_) % len(CAMPS)
                for question in (PROBE_QUESTION, f"Waar vindt zeilkamp nummer {number} plaats?"):
                    response = client.post("/api/ask", json={"question": question})
                    if response.status_code != 200:
                        failures.append(f"{response.status_code}: {response.text[:200]}")
                        continue
                    answers.append((number if question != PROBE_QUESTION else -1, response.json()))
                response = client.post("/api/search", json={"query": f"zeilkamp {number}", "k": 5})
                if response.status_code != 200:
                    failures.append(f"search {response.status_code}: {response.text[:200]}")
                round_ += 1

        workers = [threading.Thread(target=ask_repeatedly, args=(n,), daemon=True) for n in range(3)]
        for worker in workers:
            worker.start()
        time.sleep(0.5)
        document_ids = {}
        for number, (city, month) in enumerate(CAMPS):
            job = upload(client, [("files", (f"zeilkamp-{number}.md", camp_document(number, city, month),
                                              "text/markdown"))], ADMIN)
            assert job["status"] == "done", job
            document_ids[number] = job["results"][0]["document_id"]
        # updates (new content, same name) and a delete, still under load
        for round_ in range(3):
            moved = upload(client, [
                ("files", ("zeilkamp-0.md", camp_document(0, f"Hasselt {round_}", "juli"), "text/markdown"))], ADMIN)
            assert moved["results"][0]["status"] == "updated"
        assert client.delete(f"/api/documents/{document_ids[1]}", headers=ADMIN).status_code == 200
        time.sleep(0.5)
        stop.set()
        for worker in workers:
            worker.join(60)

    assert failures == []
    assert len(answers) >= 20
    final = snapshot(container)
    assert_consistent(final)
    assert set(document_ids.values()) - {document_ids[1]} <= set(final.documents)
    for number, answer in answers:
        if number == -1:
            assert answer["answer"] == expected.answer
            assert [c["chunk_id"] for c in answer["citations"]] == [c.chunk_id for c in expected.citations]
            continue
        for citation in answer["citations"]:
            # A cited passage is one that existed: its text is a stored version of its document.
            assert citation["quote"].strip(" …") in citation["text"]
            if citation["document_id"] == document_ids.get(number) and number != 0:
                city = CAMPS[number][0]
                assert city in citation["text"]
