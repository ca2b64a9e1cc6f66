"""The chat UI without a browser: mounting, the chat handlers, feedback, drafts and the admin tab."""

from __future__ import annotations

import html
from pathlib import Path

import gradio as gr
import pytest
from docx import Document
from fastapi.testclient import TestClient

from assistant.container import Container
from assistant.settings import Settings
from ui import labels
from ui.admin import AdminHandlers
from ui.chat import ChatHandlers


@pytest.fixture(scope="module")
def client(ui_settings, ui_container):
    from server import create_app

    with TestClient(create_app(ui_settings, ui_container)) as test_client:
        yield test_client


def run_ask(handlers: ChatHandlers, question: str, history=None, conversation="", turns=None, doc_types=None):
    """Drain the streaming handler; the last yield holds the finished state."""
    outputs = list(handlers.ask(question, history or [], conversation, turns or [], doc_types or []))
    return outputs[-1]


def test_mount_ui_serves_the_dutch_chat_at_root_next_to_the_api(client):
    page = client.get("/")
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert client.get("/health").json()["documents"] == 2
    assert client.get("/widget.js").headers["content-type"].startswith("application/javascript")
    config = client.get("/config").text
    assert '"title": "VVP-assistent"' in config.replace('":"', '": "')
    assert "Wat is de missie van de VVP?" in config and "Beheer" in config
    assert "fonts.googleapis.com" not in page.text + config


def test_ask_streams_an_answer_with_markers_and_a_sources_panel(ui_container):
    handlers = ChatHandlers(ui_container.service, ui_container.conversations)
    _, history, conversation, turns, sources = run_ask(handlers, "Wat is de missie van de VVP?")
    assert history[0] == {"role": "user", "content": "Wat is de missie van de VVP?"}
    assert "&#91;1&#93;" in history[1]["content"]
    assert "Missie van de VVP" in sources and "<mark>" in sources
    assert conversation and turns[0]["index"] == 1 and turns[0]["conversation_id"] == conversation
    # A follow-up stays in the same conversation.
    _, history, same, turns, _ = run_ask(handlers, "Wie kan bij de studiedienst terecht?", history, conversation, turns)
    assert same == conversation and len(turns) == 2 and turns[1]["index"] == 3


def test_ask_escapes_a_hostile_passage_in_chat_and_sources(ui_container, hostile):
    _, history, _, _, sources = run_ask(ChatHandlers(ui_container.service, ui_container.conversations), hostile["question"])
    assert "<script" not in history[-1]["content"] and "<script" not in sources
    assert "&lt;script&gt;window&#46;&#95;&#95;pwned&#61;1&lt;/script&gt;" in history[-1]["content"]


def test_document_type_filter_limits_the_sources(ui_container):
    _, history, _, turns, _ = run_ask(ChatHandlers(ui_container.service, ui_container.conversations), "Wat is de missie van de VVP?", doc_types=["decreet"])
    answer = turns[0]["answer"]
    assert not answer["grounded"] and answer["citations"] == []
    assert "gekozen filter" in html.unescape(history[-1]["content"])  # no decree: the filter excludes all


def test_an_invalid_question_gets_the_dutch_message(ui_container):
    _, history, _, turns, _ = run_ask(ChatHandlers(ui_container.service, ui_container.conversations), "x" * 5000)
    assert "te lang" in history[-1]["content"] and turns == []


def test_thumbs_and_comment_are_stored_in_the_conversation_store(ui_container):
    handlers = ChatHandlers(ui_container.service, ui_container.conversations)
    _, _, conversation, turns, _ = run_ask(handlers, "Wat is de missie van de VVP?")
    like = gr.LikeData(None, {"index": 1, "value": "x", "liked": False})
    status, _, _, rated = handlers.rate(turns, like)
    assert status == labels.FEEDBACK_THANKS_DOWN
    handlers.comment(rated, "Het antwoord mist de opdrachten.")
    rows = ui_container.conversations.feedback(conversation)
    assert rows == [(turns[0]["message_id"], "down", None),
                    (turns[0]["message_id"], "down", "Het antwoord mist de opdrachten.")]
    status, *_ = handlers.rate(turns, gr.LikeData(None, {"index": 0, "value": "vraag", "liked": True}))
    assert status == labels.FEEDBACK_NO_ANSWER


def test_draft_button_gives_markdown_footnotes_and_a_docx(ui_container):
    handlers = ChatHandlers(ui_container.service, ui_container.conversations)
    assert handlers.draft([])[0] == labels.DRAFT_NONE
    _, _, _, turns, _ = run_ask(handlers, "Wat is de missie van de VVP?")
    markdown, download = handlers.draft(turns)
    assert "[^1]" in markdown and "[^1]: Missie van de VVP" in markdown
    document = Document(download["value"])
    assert any(p.text.startswith("Missie van de VVP") and p.style.name == "List Number" for p in document.paragraphs)


def test_staff_pick_which_answer_becomes_the_draft(ui_container):
    handlers = ChatHandlers(ui_container.service, ui_container.conversations)
    _, history, conversation, turns, _ = run_ask(handlers, "Wat is de missie van de VVP?")
    _, _, _, turns, _ = run_ask(handlers, "Wie kan terecht bij de studiedienst?", history, conversation, turns)
    choices = handlers.draft_choices(turns)
    assert [label for label, _ in choices["choices"]] == ["1. Wat is de missie van de VVP?",
                                                          "2. Wie kan terecht bij de studiedienst?"]
    assert choices["value"] == 2
    first, download = handlers.draft(turns, 1)
    assert first.startswith("**Vraag:** Wat is de missie van de VVP?")
    assert Document(download["value"]).core_properties.title == "Ontwerpantwoord: Wat is de missie van de VVP?"
    latest, _ = handlers.draft(turns, None)
    assert latest.startswith("**Vraag:** Wie kan terecht bij de studiedienst?")
    assert handlers.draft(turns, 7)[0] == latest, "a stale choice falls back to the latest answer"
    assert handlers.draft_choices([])["choices"] == []


def test_admin_tab_explains_how_to_enable_it_without_a_token(tmp_path, ui_container):
    settings = Settings(data_dir=tmp_path / "data", llm_provider="none", admin_token=None)
    container = Container(settings, embedder=ui_container.embedder)
    from server import create_app

    with TestClient(create_app(settings, container)) as test_client:
        assert "VVP_ADMIN_TOKEN" in test_client.get("/config").text


def test_admin_uploads_lists_and_deletes_like_the_document_api(tmp_path, ui_container, admin_token):
    settings = Settings(data_dir=tmp_path / "data", llm_provider="none", admin_token=admin_token)
    container = Container(settings, embedder=ui_container.embedder)
    admin = AdminHandlers(container.documents, admin_token)
    upload_dir = tmp_path / "gradio-upload"
    upload_dir.mkdir()
    good = upload_dir / "Jaarverslag 2024.md"
    good.write_text("# Jaarverslag\n\nDe VVP organiseerde in 2024 twaalf studiedagen.\n", encoding="utf-8")
    bad = upload_dir / "foto.png"
    bad.write_bytes(b"\x89PNG")

    assert list(admin.upload("fout", [str(good)]))[-1][0] == labels.ADMIN_NOT_LOGGED_IN
    token, message, *_ = admin.login(admin_token)
    assert token == admin_token and message == labels.ADMIN_LOGGED_IN
    *following, (summary, progress, rows, table, choices, _) = list(admin.upload(token, [str(good), str(bad)]))
    assert 'role="status"' in progress["value"] and "<progress" in progress["value"]
    assert summary == "1 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, 1 mislukt."
    assert rows[0][:3] == ["Jaarverslag 2024.md", "toegevoegd", 1] and rows[1][1] == "mislukt" and rows[1][4]
    record = container.kb.documents()[0]
    assert record.source == "upload:Jaarverslag 2024.md"
    stored = Path(record.stored_path)
    assert stored.parent == settings.data_dir / "files" and stored.name.startswith("upload-") and stored.suffix == ".md"
    assert table[0][2] == "Jaarverslag 2024.md" and table[0][5] == record.document_id
    assert choices["choices"] == [(f"{record.title} ({record.document_id})", record.document_id)]

    message, table, _ = admin.delete(token, record.document_id)
    assert message == labels.DELETE_DONE.format(title=record.title)
    assert table == [] and container.kb.documents() == [] and not stored.exists()
    assert list((settings.data_dir / "files").iterdir()) == []


def test_pressing_login_again_with_the_emptied_field_keeps_the_admin_logged_in(tmp_path, ui_container, admin_token):
    container = Container(Settings(data_dir=tmp_path / "data", llm_provider="none", admin_token=admin_token),
                          embedder=ui_container.embedder)
    admin = AdminHandlers(container.documents, admin_token)
    session, message, area, *_, field = admin.login(admin_token, "")
    assert (session, message, area["visible"], field) == (admin_token, labels.ADMIN_LOGGED_IN, True, "")

    session, message, area, *_ = admin.login("", session)  # the field was emptied after the login
    assert (session, message, area["visible"]) == (admin_token, labels.ADMIN_STILL_LOGGED_IN, True)

    session, message, area, *_ = admin.login("fout", session)  # a wrong key still logs out
    assert (session, message, area["visible"]) == ("", labels.ADMIN_WRONG_TOKEN, False)
