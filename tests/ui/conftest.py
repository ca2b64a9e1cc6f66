"""Fixtures for the UI tests: a small real knowledge base, a live server, a second origin, a browser.

The live server runs uvicorn in a thread against a temporary data dir; the "website" that embeds
the widget is a plain http.server on another port, so the widget is tested cross-origin.
"""

from __future__ import annotations

import functools
import os
import socket
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_TOKEN = "test-beheer-sleutel"

MISSION_DOC = """---
title: Missie van de VVP
type: missie
---

# Missie

De missie van de VVP is bij te dragen tot betere, betrouwbare en transparante provincies.

# Samenwerking

De VVP werkt samen met de Vlaamse Vereniging van Steden en Gemeenten (VVSG), met de Waalse provincies (APW)
en met het Interprovinciaal Overleg (IPO) in Nederland.

# Studiedienst

Bij de studiedienst van de VVP kunnen provinciemandatarissen en andere belangstellenden terecht met vragen
over het provinciaal beleid.
"""

# Plain text keeps markup literally (the Markdown loader would strip the link), so the passage
# that reaches the UI really contains a script tag, an onerror attribute and a javascript: link.
PAYLOADS = ('<script>window.__pwned=1</script>', '<img src=x onerror="window.__pwned=1">',
            "[klik](javascript:window.__pwned=1)")
HOSTILE_DOC = (
    "Zeilkamp aan het provinciaal meer\n\n"
    f"Het zeilkamp aan het provinciaal meer heeft een geheime code: {' '.join(PAYLOADS)} is de code van het zeilkamp.\n"
)
HOSTILE_QUESTION = "Wat is de geheime code van het zeilkamp?"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def write_documents(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "vvp-missie.md").write_text(MISSION_DOC, encoding="utf-8")
    (folder / "zeilkamp.txt").write_text(HOSTILE_DOC, encoding="utf-8")
    return folder


@pytest.fixture(scope="session")
def admin_token() -> str:
    return ADMIN_TOKEN


@pytest.fixture(scope="session")
def hostile() -> dict:
    """The question that retrieves the hostile passage, and the payloads it contains."""
    return {"question": HOSTILE_QUESTION, "payloads": PAYLOADS}


@pytest.fixture(scope="session")
def ports() -> dict[str, int]:
    return {"app": free_port(), "page": free_port()}


@pytest.fixture(scope="session")
def ui_settings(tmp_path_factory, ports):
    from assistant.settings import Settings

    return Settings(
        data_dir=tmp_path_factory.mktemp("ui-data"), llm_provider="none", chroma_url=None, reranker=None,
        admin_token=ADMIN_TOKEN, rate_limit="1000/minute",
        allowed_origins=[f"http://127.0.0.1:{ports['page']}"],
    )


@pytest.fixture(scope="session")
def ui_container(ui_settings, tmp_path_factory):
    """A real container over a small knowledge base (one mission document, one hostile document)."""
    from assistant.container import Container

    container = Container(ui_settings)
    report = container.kb.ingest([write_documents(tmp_path_factory.mktemp("docs"))])
    assert report.count("failed") == 0, [r.reason for r in report.results]
    return container


@pytest.fixture(scope="session")
def live_server(ui_settings, ui_container, ports):
    """The full app (API, widget.js, chat UI) served by uvicorn on a free port."""
    import uvicorn

    from server import create_app

    app = create_app(ui_settings, ui_container)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=ports["app"], log_level="warning",
                                           lifespan="on"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not server.started:
        if time.time() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield f"http://127.0.0.1:{ports['app']}"
    server.should_exit = True
    thread.join(timeout=10)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


@pytest.fixture(scope="session")
def website(live_server, ports, tmp_path_factory):
    """Another origin: a page that embeds the widget with the one documented tag."""
    root = tmp_path_factory.mktemp("website")
    (root / "index.html").write_text(
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Gemeentesite</title></head>'
        "<body><h1>Welkom op onze website</h1><p>Hier staat gewone inhoud.</p>"
        f'<script src="{live_server}/widget.js" data-title="Vraag het de VVP" defer></script>'
        "</body></html>",
        encoding="utf-8",
    )
    server = ThreadingHTTPServer(("127.0.0.1", ports["page"]), functools.partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{ports['page']}"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed at /usr/bin/chromium (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, request):
    """A fresh page (Dutch locale) that records dialogs and requests leaving 127.0.0.1."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-BE")
    page = context.new_page()
    page.dialogs = []
    page.external_requests = []
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    page.on("request", lambda r: page.external_requests.append(r.url)
            if not r.url.startswith(("http://127.0.0.1:", "data:", "blob:")) else None)
    yield page
    context.close()


@pytest.fixture
def shoot():
    """`shoot(page, "name")` saves a full-page screenshot to test-artifacts/name.png."""

    def save(page, name: str) -> Path:
        ARTIFACTS.mkdir(exist_ok=True)
        path = ARTIFACTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return save
