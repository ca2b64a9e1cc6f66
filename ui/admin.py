"""The "Beheer" tab: upload, list and delete documents, behind the admin token.

Uploads follow the conventions of the document API (`assistant/api/routes_documents.py`): the
file is kept as `data_dir/files/upload-<uuid><suffix>` and ingested with `source="upload:<name>"`,
so both routes produce the same documents and the same download links.
"""

from __future__ import annotations

import hmac
import logging
import shutil
import uuid
from datetime import datetime
from pathlib import Path

import gradio as gr

from assistant.api.routes_documents import safe_name
from ui import labels

log = logging.getLogger(__name__)

UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".md", ".txt"]


def token_matches(given: str | None, expected: str | None) -> bool:
    """Constant-time comparison; never true when no token is configured."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.strip().encode(), expected.encode())


class AdminHandlers:
    """Every action re-checks the token held in the session's state, not just a "logged in" flag."""

    def __init__(self, container):
        self.container = container

    @property
    def expected(self) -> str | None:
        return self.container.settings.admin_token

    def login(self, token: str):
        if not token_matches(token, self.expected):
            return "", labels.ADMIN_WRONG_TOKEN, gr.update(visible=False), gr.skip(), gr.skip(), ""
        table, choices = self._documents()
        return token.strip(), labels.ADMIN_LOGGED_IN, gr.update(visible=True), table, choices, ""

    @staticmethod
    def logout():
        return "", labels.ADMIN_LOGGED_OUT, gr.update(visible=False), [], gr.update(choices=[], value=None), ""

    def upload(self, token: str, files: list[str] | None):
        if not token_matches(token, self.expected):
            return labels.ADMIN_NOT_LOGGED_IN, [], gr.skip(), gr.skip(), None
        if not files:
            return labels.UPLOAD_NONE, [], gr.skip(), gr.skip(), None
        rows = [self._ingest(Path(path)) for path in files]
        counts = {status: sum(1 for row in rows if row[1] == labels.INGEST_STATUS[status])
                  for status in labels.INGEST_STATUS}
        table, choices = self._documents()
        return labels.UPLOAD_SUMMARY.format(**counts), rows, table, choices, None

    def delete(self, token: str, document_id: str | None):
        if not token_matches(token, self.expected):
            return labels.ADMIN_NOT_LOGGED_IN, gr.skip(), gr.skip()
        if not document_id:
            return labels.DELETE_NONE, gr.skip(), gr.skip()
        kb = self.container.kb
        record = kb.manifest.get(document_id)
        if not kb.delete(document_id):
            return labels.DELETE_UNKNOWN.format(id=document_id[:80]), gr.skip(), gr.skip()
        table, choices = self._documents()
        return labels.DELETE_DONE.format(title=record.title if record else document_id), table, choices

    def refresh(self, token: str):
        if not token_matches(token, self.expected):
            return labels.ADMIN_NOT_LOGGED_IN, gr.skip(), gr.skip()
        table, choices = self._documents()
        return labels.DOCUMENTS_COUNT.format(count=len(table)), table, choices

    # ---- helpers -----------------------------------------------------------------------------

    def _ingest(self, path: Path) -> list:
        """Keep a copy under data_dir/files and ingest it; one result row for the table."""
        settings = self.container.settings
        kb = self.container.kb
        name = safe_name(path.name)
        if path.stat().st_size > settings.max_upload_bytes:
            reason = labels.UPLOAD_TOO_LARGE.format(name=name, limit=f"{settings.max_upload_mb:g}")
            return [name, labels.INGEST_STATUS["failed"], 0, "", reason]
        uploads = kb.data_dir / "files"
        uploads.mkdir(parents=True, exist_ok=True)
        stored = uploads / f"upload-{uuid.uuid4().hex}{Path(name).suffix.lower()[:12]}"
        shutil.copyfile(path, stored)
        result = kb.ingest_file(stored, source=f"upload:{name}", original_name=name, stored_path=stored)
        if result.status in ("failed", "unchanged"):
            stored.unlink(missing_ok=True)  # keep only files that back a stored document
        log.info("admin upload: %s (%s)", result.status, result.document_id or "-")
        return [name, labels.INGEST_STATUS.get(result.status, result.status), result.chunks, result.title or "",
                result.reason or ""]

    def _documents(self):
        records = sorted(self.container.kb.documents(), key=lambda r: r.title.lower())
        table = [[r.title, labels.DOC_TYPE_LABELS.get(r.doc_type, r.doc_type), r.source.removeprefix("upload:"),
                  r.chunks, _date(r.ingested_at), r.document_id] for r in records]
        choices = [(f"{r.title} ({r.document_id})", r.document_id) for r in records]
        return table, gr.update(choices=choices, value=None)


def _date(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp).strftime("%d-%m-%Y %H:%M") if timestamp else ""


def build_admin_tab(container) -> None:
    gr.Markdown(labels.ADMIN_INTRO)
    if not container.settings.admin_token:
        gr.Markdown(f"**{labels.ADMIN_DISABLED}**", elem_id="vvp-admin-disabled")
        return
    admin = AdminHandlers(container)
    token_state = gr.State("")
    with gr.Row(equal_height=True):
        token = gr.Textbox(label=labels.ADMIN_TOKEN_LABEL, placeholder=labels.ADMIN_TOKEN_PLACEHOLDER,
                           type="password", scale=4, elem_id="vvp-admin-token")
        login = gr.Button(labels.ADMIN_LOGIN, variant="primary", scale=1)
    status = gr.Markdown(elem_id="vvp-admin-status")
    with gr.Column(visible=False) as area:
        files = gr.File(label=labels.UPLOAD_LABEL, file_count="multiple", file_types=UPLOAD_TYPES, type="filepath")
        upload = gr.Button(labels.UPLOAD_BUTTON, variant="primary")
        results = gr.Dataframe(headers=labels.UPLOAD_COLUMNS, label=labels.UPLOAD_RESULTS_LABEL, interactive=False,
                               wrap=True, column_widths=["22%", "12%", "10%", "26%", "30%"])
        documents = gr.Dataframe(headers=labels.DOCUMENTS_COLUMNS, label=labels.DOCUMENTS_LABEL, interactive=False,
                                 wrap=True, column_widths=["28%", "12%", "22%", "10%", "12%", "16%"])
        refresh = gr.Button(labels.DOCUMENTS_REFRESH, size="sm")
        with gr.Row(equal_height=True):
            doomed = gr.Dropdown(label=labels.DELETE_LABEL, choices=[], value=None, scale=4)
            delete = gr.Button(labels.DELETE_BUTTON, variant="stop", scale=1)
        logout = gr.Button(labels.ADMIN_LOGOUT, size="sm")

    login_outputs = [token_state, status, area, documents, doomed, token]
    login.click(admin.login, [token], login_outputs)
    token.submit(admin.login, [token], login_outputs)
    logout.click(admin.logout, None, login_outputs)
    upload.click(admin.upload, [token_state, files], [status, results, documents, doomed, files])
    delete.click(admin.delete, [token_state, doomed], [status, documents, doomed])
    refresh.click(admin.refresh, [token_state], [status, documents, doomed])
