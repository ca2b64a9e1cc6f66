"""The "Beheer" tab: upload, list and delete documents, behind the admin token.

Everything goes through the same document service and job runner as `/api/documents`
(`assistant/documents.py`), and the token check is the API's (`assistant/admin_token.py`): a
file is kept as `data_dir/files/upload-<uuid><suffix>` and ingested in a background job with
`source="upload:<name>"`, so both produce the same documents and download links. The tab
follows the job with a progress bar, then shows the per-file result.
"""

from __future__ import annotations

import html
import logging
import time
from datetime import datetime
from pathlib import Path

import gradio as gr

from assistant.admin_token import token_matches
from assistant.documents import DocumentService
from ui import labels

log = logging.getLogger(__name__)

UPLOAD_TYPES = [".pdf", ".docx", ".html", ".htm", ".md", ".txt"]
POLL_SECONDS = 0.3


def progress_html(done: int, total: int, current: str = "", queued: bool = False, finished: bool = False) -> str:
    """An accessible progress bar (a native <progress> with its label and a text equivalent)."""
    if finished:
        text = labels.UPLOAD_FINISHED.format(done=done, total=total)
    elif queued:
        text = labels.UPLOAD_QUEUED
    else:
        name = Path(current).name if current else ""
        text = labels.UPLOAD_PROGRESS.format(done=done, total=total, current=f" — {name}" if name else "")
    maximum = max(total, 1)
    return (f'<div class="vvp-progress"><progress style="width:100%;height:1.2rem" '
            f'value="{min(done, maximum)}" max="{maximum}" '
            f'aria-label="{html.escape(labels.UPLOAD_PROGRESS_LABEL)}"></progress>'
            f'<p role="status">{html.escape(text)}</p></div>')


class AdminHandlers:
    """Every action re-checks the token held in the session's state, not just a "logged in" flag."""

    def __init__(self, documents: DocumentService, admin_token: str | None):
        self.documents = documents
        self.expected = admin_token

    def login(self, token: str, session: str = ""):
        """Outputs: session token, status, admin area, documents, delete choices, token field."""
        if not (token or "").strip() and token_matches(session, self.expected):
            # Pressing "Aanmelden" again with the (emptied) field keeps the session.
            return session, labels.ADMIN_STILL_LOGGED_IN, gr.update(visible=True), gr.skip(), gr.skip(), ""
        if not token_matches(token, self.expected):
            return "", labels.ADMIN_WRONG_TOKEN, gr.update(visible=False), gr.skip(), gr.skip(), ""
        table, choices = self._documents()
        return token.strip(), labels.ADMIN_LOGGED_IN, gr.update(visible=True), table, choices, ""

    @staticmethod
    def logout():
        return "", labels.ADMIN_LOGGED_OUT, gr.update(visible=False), [], gr.update(choices=[], value=None), ""

    def upload(self, token: str, files: list[str] | None):
        """A generator: starts the job, then yields (status, progress, results, documents, choices, files)
        until it finished."""
        if not token_matches(token, self.expected):
            yield labels.ADMIN_NOT_LOGGED_IN, gr.skip(), [], gr.skip(), gr.skip(), None
            return
        if not files:
            yield labels.UPLOAD_NONE, gr.skip(), [], gr.skip(), gr.skip(), None
            return
        batch = self.documents.upload_paths(Path(path) for path in files)
        if batch.job is None:
            rows = [self._row(result) for result in batch.refused]
            yield self._summary(rows), gr.update(value="", visible=False), rows, gr.skip(), gr.skip(), None
            return
        job = batch.job
        log.info("admin upload: job %s, %d files", job.job_id, len(files))
        while not job.finished:
            yield (gr.skip(), gr.update(value=progress_html(job.done, job.total, job.current, job.status == "queued"),
                                        visible=True), gr.skip(), gr.skip(), gr.skip(), gr.skip())
            time.sleep(POLL_SECONDS)
        rows = [self._row(result) for result in job.results]
        table, choices = self._documents()
        summary = self._summary(rows)
        if job.status == "failed" and job.detail and not job.results:
            summary = labels.UPLOAD_FAILED.format(reason=job.detail)
        yield (summary, gr.update(value=progress_html(job.done, job.total, finished=True), visible=True), rows, table,
               choices, None)

    def delete(self, token: str, document_id: str | None):
        if not token_matches(token, self.expected):
            return labels.ADMIN_NOT_LOGGED_IN, gr.skip(), gr.skip()
        if not document_id:
            return labels.DELETE_NONE, gr.skip(), gr.skip()
        record = self.documents.get(document_id)
        if not self.documents.delete(document_id):
            return labels.DELETE_UNKNOWN.format(id=document_id[:80]), gr.skip(), gr.skip()
        table, choices = self._documents()
        return labels.DELETE_DONE.format(title=record.title if record else document_id), table, choices

    def refresh(self, token: str):
        if not token_matches(token, self.expected):
            return labels.ADMIN_NOT_LOGGED_IN, gr.skip(), gr.skip()
        table, choices = self._documents()
        return labels.DOCUMENTS_COUNT.format(count=len(table)), table, choices

    # ---- helpers -----------------------------------------------------------------------------

    @staticmethod
    def _row(result) -> list:
        return [result.path, labels.INGEST_STATUS.get(result.status, result.status), result.chunks,
                result.title or "", result.reason or ""]

    @staticmethod
    def _summary(rows: list[list]) -> str:
        counts = {status: sum(1 for row in rows if row[1] == labels.INGEST_STATUS[status])
                  for status in labels.INGEST_STATUS}
        return labels.UPLOAD_SUMMARY.format(**counts)

    def _documents(self):
        records = sorted(self.documents.list(), key=lambda r: r.title.lower())
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
    admin = AdminHandlers(container.documents, container.settings.admin_token)
    token_state = gr.State("")
    with gr.Row(equal_height=True):
        token = gr.Textbox(label=labels.ADMIN_TOKEN_LABEL, placeholder=labels.ADMIN_TOKEN_PLACEHOLDER,
                           type="password", scale=4, elem_id="vvp-admin-token")
        login = gr.Button(labels.ADMIN_LOGIN, variant="primary", scale=1, elem_id="vvp-admin-login")
    status = gr.Markdown(elem_id="vvp-admin-status")
    with gr.Column(visible=False) as area:
        files = gr.File(label=labels.UPLOAD_LABEL, file_count="multiple", file_types=UPLOAD_TYPES, type="filepath",
                        elem_id="vvp-admin-files")
        upload = gr.Button(labels.UPLOAD_BUTTON, variant="primary", elem_id="vvp-admin-upload")
        progress = gr.HTML(visible=False, elem_id="vvp-admin-progress")
        results = gr.Dataframe(headers=labels.UPLOAD_COLUMNS, label=labels.UPLOAD_RESULTS_LABEL, interactive=False,
                               wrap=True, column_widths=["22%", "12%", "10%", "26%", "30%"],
                               elem_id="vvp-admin-results")
        documents = gr.Dataframe(headers=labels.DOCUMENTS_COLUMNS, label=labels.DOCUMENTS_LABEL, interactive=False,
                                 wrap=True, column_widths=["28%", "12%", "22%", "10%", "12%", "16%"])
        refresh = gr.Button(labels.DOCUMENTS_REFRESH, size="sm")
        with gr.Row(equal_height=True):
            doomed = gr.Dropdown(label=labels.DELETE_LABEL, choices=[], value=None, scale=4)
            delete = gr.Button(labels.DELETE_BUTTON, variant="stop", scale=1)
        logout = gr.Button(labels.ADMIN_LOGOUT, size="sm")

    login_outputs = [token_state, status, area, documents, doomed, token]
    login.click(admin.login, [token, token_state], login_outputs)
    token.submit(admin.login, [token, token_state], login_outputs)
    logout.click(admin.logout, None, login_outputs)
    upload.click(admin.upload, [token_state, files], [status, progress, results, documents, doomed, files],
                 show_progress="hidden")
    delete.click(admin.delete, [token_state, doomed], [status, documents, doomed])
    refresh.click(admin.refresh, [token_state], [status, documents, doomed])
