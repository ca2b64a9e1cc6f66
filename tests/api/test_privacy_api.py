"""Personal data through the running app: masked in stored conversations, feedback and logs; the
answer unchanged by masking; retention enforced periodically while the server runs."""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant.api.app import create_app

BUNDLED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "documents"
RECEPTION = """# Onthaal van het provinciehuis

Het onthaal van het provinciehuis is elke werkdag open van 9 tot 16 uur. Bezoekers melden zich aan
bij de balie op het gelijkvloers. Wie een afspraak wil maken, belt het onthaal op 09 267 11 11 of
mailt naar onthaal@provincie-voorbeeld.be. Het provinciehuis ligt in de Kerkstraat 12, 9000 Gent.

# Parkeren

Bezoekers parkeren gratis in de ondergrondse parking onder het provinciehuis.
"""
# Questions that contain personal data and are answered from the document above.
QUESTIONS = [
    "Kan ik een afspraak maken met het onthaal via 09 267 11 11?",
    "Is onthaal@provincie-voorbeeld.be het adres van het onthaal van het provinciehuis?",
    "Ligt het provinciehuis in de Kerkstraat 12?",
]
QUESTION = ("Ik ben An Peeters (an.peeters@voorbeeld.be, 0475 12 34 56, Kerkstraat 12, 9000 Gent, "
            "rekening BE71 0961 2345 6769). Wie kan terecht bij de studiedienst?")
PERSONAL = ["an.peeters@voorbeeld.be", "0475 12 34 56", "Kerkstraat 12", "BE71 0961 2345 6769"]


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("docs")
    (folder / "onthaal.md").write_text(RECEPTION, encoding="utf-8")
    return folder


def make_client(tmp_path_factory, documents, embedder, make_container, **settings):
    container = make_container(tmp_path_factory.mktemp("privacy"), embedder, **settings)
    assert container.kb.ingest([BUNDLED, documents]).count("failed") == 0
    return TestClient(create_app(container.settings, container))


@pytest.fixture(scope="module")
def masked(tmp_path_factory, documents, embedder, make_container):
    with make_client(tmp_path_factory, documents, embedder, make_container, log_questions=True) as client:
        yield client


@pytest.fixture(scope="module")
def unmasked(tmp_path_factory, documents, embedder, make_container):
    with make_client(tmp_path_factory, documents, embedder, make_container, mask_personal_data=False) as client:
        yield client


def comparable(answer: dict) -> dict:
    return {key: answer[key] for key in ("answer", "grounded", "citations", "suggestions", "standalone_question")}


@pytest.mark.parametrize("question", QUESTIONS + [QUESTION])
def test_the_answer_is_the_same_with_masking_on_and_off(masked, unmasked, question):
    with_masking = masked.post("/api/ask", json={"question": question}).json()
    without = unmasked.post("/api/ask", json={"question": question}).json()
    assert comparable(with_masking) == comparable(without)
    assert with_masking["standalone_question"] == question  # the response carries the question as typed
    if question in QUESTIONS:
        assert with_masking["grounded"] and with_masking["citations"][0]["title"] == "Onthaal van het provinciehuis"


def test_the_stored_conversation_holds_masks_instead_of_personal_data(masked, unmasked):
    body = masked.post("/api/ask", json={"question": QUESTIONS[0]}).json()
    assert "09 267 11 11" in body["answer"] and "onthaal@provincie-voorbeeld.be" in body["answer"]
    stored = masked.get(f"/api/conversations/{body['conversation_id']}").json()["turns"][0]
    assert stored["question"] == "Kan ik een afspraak maken met het onthaal via [telefoon]?"
    assert stored["answer"]["standalone_question"] == stored["question"]
    # What the citizen typed is masked where the answer repeats it; the rest of the quote stays.
    assert stored["answer"]["answer"] == body["answer"].replace("09 267 11 11", "[telefoon]")
    body = masked.post("/api/ask", json={"question": QUESTION}).json()
    stored = masked.get(f"/api/conversations/{body['conversation_id']}").json()["turns"][0]
    assert stored["question"] == ("Ik ben An Peeters ([e-mail], [telefoon], [adres], rekening [IBAN]). "
                                  "Wie kan terecht bij de studiedienst?")
    plain = unmasked.post("/api/ask", json={"question": QUESTION}).json()
    assert unmasked.get(f"/api/conversations/{plain['conversation_id']}").json()["turns"][0]["question"] == QUESTION


def test_a_follow_up_does_not_carry_masks_into_the_next_question(masked):
    first = masked.post("/api/ask", json={"question": "Mijn e-mail is an@voorbeeld.be: waaruit bestaat de VVP-werking?"})
    second = masked.post("/api/ask", json={"question": "En wie zit daarin?",
                                           "conversation_id": first.json()["conversation_id"]}).json()
    assert "VVP-werking" in second["standalone_question"] and "[e-mail]" not in second["standalone_question"]


def test_feedback_comments_are_stored_masked(masked):
    body = masked.post("/api/ask", json={"question": "Wie kan terecht bij de studiedienst?"}).json()
    response = masked.post("/api/feedback", json={
        "conversation_id": body["conversation_id"], "message_id": body["message_id"], "rating": "down",
        "comment": "Niet duidelijk, bel me op 09 267 11 11 of mail an@voorbeeld.be (artikel 5)"})
    assert response.status_code == 200
    container = masked.app.state.container
    assert container.conversations.feedback(body["conversation_id"]) == [
        (body["message_id"], "down", "Niet duidelijk, bel me op [telefoon] of mail [e-mail] (artikel 5)")]


def test_logged_questions_are_masked(masked, caplog):
    with caplog.at_level(logging.INFO, logger="assistant"):
        masked.post("/api/ask", json={"question": QUESTION})
    lines = [record.getMessage() for record in caplog.records if "question from" in record.getMessage()]
    assert lines and "[e-mail]" in lines[0] and "[IBAN]" in lines[0] and "studiedienst" in lines[0]
    assert not any(value in caplog.text for value in PERSONAL)


def test_retention_is_enforced_periodically_while_the_server_runs(tmp_path, embedder, make_container):
    container = make_container(tmp_path / "data", embedder, retention_days=30,
                               retention_interval_minutes=0.005)  # every 0.3 s
    with TestClient(create_app(container.settings, container)):
        store = container.conversations
        old, recent = store.create(), store.create()
        store._run("UPDATE conversations SET updated_at = ? WHERE id = ?", time.time() - 31 * 86400, old)
        deadline = time.monotonic() + 10
        while store.exists(old) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not store.exists(old) and store.exists(recent)
        # And again later: a conversation that ages after start-up is purged too.
        store._run("UPDATE conversations SET updated_at = ? WHERE id = ?", time.time() - 31 * 86400, recent)
        deadline = time.monotonic() + 10
        while store.exists(recent) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not store.exists(recent)
