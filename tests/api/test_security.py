"""Security of the HTTP API: admin token, rate limits, uploads, stored files, CORS, privacy, retention."""

from __future__ import annotations

import logging
import sqlite3
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from assistant import messages
from assistant.api.app import create_app
from tests.job_support import follow

TOKEN = "s3cret-beheer-token"
AUTH = {"Authorization": f"Bearer {TOKEN}"}
BUNDLED = Path(__file__).resolve().parents[2] / "tests" / "fixtures" / "documents"
QUESTION = "Wie kan bij de studiedienst terecht?"
TRAVERSALS = ["..%2F..%2Fetc%2Fpasswd", "%2e%2e%2f%2e%2e%2fetc%2fpasswd", "..%5C..%5Cetc%5Cpasswd", "....%2F%2Fetc",
              "%2Fetc%2Fpasswd", "..", "%00", "vvp-missie%00.md"]


@pytest.fixture(scope="module")
def kb(tmp_path_factory, embedder, make_container):
    """A knowledge base with the bundled documents (the settings below vary per test)."""
    container = make_container(tmp_path_factory.mktemp("security"), embedder, admin_token=TOKEN)
    container.kb.ingest([BUNDLED])
    return container


@contextmanager
def client_for(kb, client=("203.0.113.10", 40000), **settings):
    """The app over `kb`'s data with other settings (a new container: settings are read at wiring)."""
    from assistant.container import Container

    values = {"admin_token": TOKEN, **settings}
    container = Container(kb.settings.model_copy(update=values), embedder=kb.embedder)
    app = create_app(container.settings, container)
    with TestClient(app, raise_server_exceptions=False, client=client) as test_client:
        yield test_client


def upload(client, name: str, data: bytes, headers=AUTH):
    return client.post("/api/documents", headers=headers, files=[("files", (name, data, "text/plain"))])


# ---- admin routes --------------------------------------------------------------------------


def test_admin_routes_are_disabled_without_a_token_and_say_how_to_enable_them(kb):
    with client_for(kb, admin_token=None) as client:
        for response in (upload(client, "a.txt", b"Tekst."), upload(client, "a.txt", b"Tekst.", headers={}),
                         client.delete("/api/documents/vvp-missie", headers=AUTH)):
            assert response.status_code == 403
            assert response.json() == {"detail": messages.ADMIN_DISABLED}
            assert "VVP_ADMIN_TOKEN" in response.json()["detail"]
        assert client.get("/api/documents").status_code == 200  # public routes still work


@pytest.mark.parametrize("headers", [
    {}, {"Authorization": "Bearer"}, {"Authorization": "Bearer "}, {"Authorization": f"Bearer {TOKEN}x"},
    {"Authorization": f"Bearer {TOKEN[:-1]}"}, {"Authorization": f"Basic {TOKEN}"}, {"Authorization": TOKEN},
    {"Authorization": "Bearer één".encode()}, {"X-Admin-Token": TOKEN},
], ids=["missing", "empty-bearer", "blank", "longer", "shorter", "basic", "no-scheme", "non-ascii", "other-header"])
def test_a_wrong_or_missing_token_gets_401(kb, headers):
    with client_for(kb) as client:
        for response in (upload(client, "a.txt", b"Tekst.", headers=headers),
                         client.delete("/api/documents/onbekend", headers=headers)):
            assert response.status_code == 401
            assert response.json() == {"detail": messages.ADMIN_UNAUTHORIZED}
            assert response.headers["www-authenticate"] == "Bearer"


def test_the_right_token_is_accepted_in_any_scheme_case(kb):
    with client_for(kb) as client:
        headers = {"Authorization": f"bearer {TOKEN}"}
        response = upload(client, "sleutel.txt", b"Tekst over de provinciale sleutel.", headers=headers)
        assert response.status_code == 202
        job = follow(client, response, headers)
        assert job["status"] == "done"
        document_id = job["results"][0]["document_id"]
        assert client.delete(f"/api/documents/{document_id}", headers=AUTH).json() == {"deleted": document_id}


def test_the_token_is_compared_in_constant_time(kb, monkeypatch):
    import assistant.admin_token as admin_token

    calls = []
    real = admin_token.hmac.compare_digest

    def spy(given, expected):
        calls.append((given, expected))
        return real(given, expected)

    monkeypatch.setattr(admin_token.hmac, "compare_digest", spy)
    with client_for(kb) as client:
        assert upload(client, "a.txt", b"x", headers={"Authorization": "Bearer fout"}).status_code == 401
    assert calls == [(b"fout", TOKEN.encode())]


# ---- rate limiting -------------------------------------------------------------------------


def test_public_routes_are_rate_limited_per_client_ip_with_retry_after(kb):
    with client_for(kb, rate_limit="3/minute") as client:
        statuses = [client.post("/api/ask", json={"question": QUESTION}).status_code for _ in range(3)]
        limited = client.post("/api/ask", json={"question": QUESTION})
        # a forged X-Forwarded-For does not buy a new budget: the key is the connection's address
        forged = client.post("/api/ask", json={"question": QUESTION},
                             headers={"X-Forwarded-For": "198.51.100.1", "X-Real-IP": "198.51.100.1"})

    assert statuses == [200, 200, 200]
    assert limited.status_code == 429
    assert limited.json() == {"detail": messages.RATE_LIMITED}
    assert int(limited.headers["retry-after"]) > 0
    assert forged.status_code == 429


def test_another_client_ip_has_its_own_budget_and_health_is_not_limited(kb):
    with client_for(kb, rate_limit="2/minute", client=("198.51.100.7", 1000)) as first:
        for _ in range(2):
            first.post("/api/ask", json={"question": QUESTION})
        assert first.post("/api/ask", json={"question": QUESTION}).status_code == 429
        assert all(first.get("/health").status_code == 200 for _ in range(5))
        other = TestClient(first.app, raise_server_exceptions=False, client=("198.51.100.8", 1000))
        assert other.post("/api/ask", json={"question": QUESTION}).status_code == 200


# ---- uploads and stored files --------------------------------------------------------------


def stored_files(kb) -> set[str]:
    return {path.name for path in (kb.settings.data_dir / "files").iterdir()}


def test_an_upload_over_the_size_limit_is_413_and_leaves_nothing(kb):
    before = stored_files(kb)
    with client_for(kb, max_upload_mb=0.01) as client:  # 10 kB
        response = upload(client, "groot.txt", b"woord " * 5000)
    assert response.status_code == 413
    assert response.json()["detail"] == messages.UPLOAD_TOO_LARGE.format(name="groot.txt", limit="0.01")
    assert stored_files(kb) == before


@pytest.mark.parametrize("name", ["virus.exe", "macro.docm", "script.js", "page.svg", "archief.zip", "geen-extensie"])
def test_only_supported_types_are_accepted(kb, name):
    before = stored_files(kb)
    with client_for(kb) as client:
        job = follow(client, upload(client, name, b"MZ\x90\x00 niet toegestaan"), AUTH)
    assert job["status"] == "failed" and job["results"][0]["status"] == "failed"
    assert job["detail"].startswith(("Bestandstype", f"Bestand '{name}' heeft geen bestandsextensie"))
    assert stored_files(kb) == before


def test_uploads_are_stored_under_generated_names_inside_the_data_dir(kb, tmp_path):
    data_dir = kb.settings.data_dir.resolve()
    with client_for(kb) as client:
        response = upload(client, "../../../../tmp/evil.md", b"# Kwaad\n\nTekst over het provinciaal archief.")
        document_id = follow(client, response, AUTH)["results"][0]["document_id"]
        record = kb.kb.manifest.get(document_id)
        stored = Path(record.stored_path).resolve()
        assert stored.parent == data_dir / "files"
        assert stored.name.startswith("upload-") and "evil" not in stored.name
        assert not Path("/tmp/evil.md").exists()

        original = client.get(f"/api/documents/{document_id}/file")
        assert original.status_code == 200 and original.content.startswith(b"# Kwaad")
        assert original.headers["x-content-type-options"] == "nosniff"
        assert original.headers["content-security-policy"] == "sandbox"
        assert 'filename="evil.md"' in original.headers["content-disposition"]
        client.delete(f"/api/documents/{document_id}", headers=AUTH)
    assert not stored.exists()


def test_uploaded_html_is_served_inert(kb):
    with client_for(kb) as client:
        page = b"<html><body><h1>Pagina</h1><p>Tekst over de provincie.</p><script>alert(1)</script></body></html>"
        document_id = follow(client, upload(client, "pagina.html", page), AUTH)["results"][0]["document_id"]
        served = client.get(f"/api/documents/{document_id}/file")
        client.delete(f"/api/documents/{document_id}", headers=AUTH)
    assert served.headers["content-type"].startswith("text/plain")
    assert served.headers["content-disposition"].startswith("attachment")


@pytest.mark.parametrize("document_id", TRAVERSALS)
def test_the_file_route_cannot_escape_the_data_dir(kb, document_id):
    with client_for(kb) as client:
        for path in (f"/api/documents/{document_id}/file", f"/api/documents/{document_id}"):
            response = client.get(path)
            assert response.status_code == 404
            assert "root:" not in response.text
            assert response.json()["detail"] in (messages.NOT_FOUND,
                                                 messages.UNKNOWN_DOCUMENT.format(id=document_id[:80]),
                                                 messages.UNKNOWN_DOCUMENT.format(id=_decoded(document_id)))


def _decoded(value: str) -> str:
    from urllib.parse import unquote

    return unquote(value)[:80]


def test_a_tampered_manifest_path_outside_the_files_folder_is_not_served(kb):
    record = kb.kb.documents()[0]
    manifest = kb.settings.data_dir / "manifest.sqlite3"
    with sqlite3.connect(manifest) as connection:
        connection.execute("UPDATE documents SET stored_path = '/etc/passwd' WHERE document_id = ?",
                           (record.document_id,))
    try:
        with client_for(kb) as client:
            response = client.get(f"/api/documents/{record.document_id}/file")
        assert response.status_code == 404
        assert response.json() == {"detail": messages.FILE_NOT_AVAILABLE.format(id=record.document_id)}
        assert "root:" not in response.text
    finally:
        with sqlite3.connect(manifest) as connection:
            connection.execute("UPDATE documents SET stored_path = ? WHERE document_id = ?",
                               (record.stored_path, record.document_id))


# ---- CORS ----------------------------------------------------------------------------------


def test_cors_answers_only_the_allowed_origins_and_never_with_a_wildcard(kb):
    allowed = "https://www.vvp.be"
    with client_for(kb, allowed_origins=[allowed, "https://provincies.be"]) as client:
        preflight = client.options("/api/ask", headers={"Origin": allowed, "Access-Control-Request-Method": "POST",
                                                        "Access-Control-Request-Headers": "content-type"})
        simple = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": allowed})
        foreign = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "https://kwaad.example"})
        foreign_preflight = client.options("/api/ask", headers={"Origin": "https://kwaad.example",
                                                                "Access-Control-Request-Method": "POST"})
        null_origin = client.get("/health", headers={"Origin": "null"})

    assert preflight.status_code == 200 and preflight.headers["access-control-allow-origin"] == allowed
    assert simple.headers["access-control-allow-origin"] == allowed
    for response in (preflight, simple, foreign, foreign_preflight, null_origin):
        assert response.headers.get("access-control-allow-origin") in (None, allowed)
        assert response.headers.get("access-control-allow-origin") != "*"
        assert "access-control-allow-credentials" not in response.headers
    assert "access-control-allow-origin" not in foreign.headers
    assert "access-control-allow-origin" not in foreign_preflight.headers
    assert "access-control-allow-origin" not in null_origin.headers


def test_without_allowed_origins_no_cors_headers_at_all(kb):
    with client_for(kb, allowed_origins=[]) as client:
        response = client.post("/api/ask", json={"question": QUESTION}, headers={"Origin": "https://www.vvp.be"})
    assert not [name for name in response.headers if name.startswith("access-control-")]


# ---- privacy -------------------------------------------------------------------------------

CLIENT_IP = "203.0.113.77"
SECRET_QUESTION = "Wie kan terecht bij de studiedienst over dossier zeldzaamwoord4711?"


def logged_text(caplog) -> str:
    return "\n".join(f"{record.getMessage()} {record.args!r} {record.__dict__}" for record in caplog.records)


def test_by_default_logs_contain_no_question_and_no_ip(kb, caplog):
    caplog.set_level(logging.DEBUG)
    with client_for(kb, client=(CLIENT_IP, 5000)) as client:
        client.post("/api/ask", json={"question": SECRET_QUESTION})
        client.post("/api/ask/stream", json={"question": SECRET_QUESTION})
        client.post("/api/search", json={"query": SECRET_QUESTION})
        client.post("/api/ask", json={"question": "x" * 3000})  # the refusal path logs nothing either
    text = logged_text(caplog)
    assert caplog.records, "the test must see the app's logging"
    assert "zeldzaamwoord4711" not in text and "studiedienst over dossier" not in text
    assert CLIENT_IP not in text


def test_with_log_questions_the_question_and_ip_are_logged(kb, caplog):
    caplog.set_level(logging.INFO)
    with client_for(kb, client=(CLIENT_IP, 5000), log_questions=True) as client:
        client.post("/api/ask", json={"question": SECRET_QUESTION})
    text = logged_text(caplog)
    assert "zeldzaamwoord4711" in text and CLIENT_IP in text


# ---- retention -----------------------------------------------------------------------------


def test_conversations_older_than_the_retention_are_deleted_at_start(kb):
    with client_for(kb) as client:
        old = client.post("/api/ask", json={"question": QUESTION}).json()
        recent = client.post("/api/ask", json={"question": QUESTION}).json()
        client.post("/api/feedback", json={"conversation_id": old["conversation_id"], "message_id": old["message_id"],
                                           "rating": "up", "comment": "oud"})
    database = kb.settings.data_dir / "conversations.sqlite3"
    long_ago = time.time() - 40 * 86400
    with sqlite3.connect(database) as connection:
        connection.execute("UPDATE conversations SET created_at = ?, updated_at = ? WHERE id = ?",
                           (long_ago, long_ago, old["conversation_id"]))

    with client_for(kb, retention_days=30) as client:  # the app start applies the retention
        gone = client.get(f"/api/conversations/{old['conversation_id']}")
        kept = client.get(f"/api/conversations/{recent['conversation_id']}")

    assert gone.status_code == 404
    assert gone.json() == {"detail": messages.UNKNOWN_CONVERSATION.format(id=old["conversation_id"])}
    assert kept.status_code == 200 and len(kept.json()["turns"]) == 1
    with sqlite3.connect(database) as connection:
        for table, column in (("messages", "conversation_id"), ("feedback", "conversation_id")):
            rows = connection.execute(f"SELECT count(*) FROM {table} WHERE {column} = ?",
                                      (old["conversation_id"],)).fetchone()[0]
            assert rows == 0, f"{table} still holds the expired conversation"
