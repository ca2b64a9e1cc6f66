"""`make screenshots`: the chat page and the widget, photographed with a real answer, for the README.

Ingests the bundled documents into a temporary data dir, starts `vvp serve` on a free 127.0.0.1
port, serves `ui/widget/demo.html` from a second origin (the widget is embedded cross-origin, as
on a real website), and drives Debian's chromium headless through Playwright. Each screenshot is
taken only after the answer and its sources are on screen. Everything started is stopped again.

    python -m bench.screenshots [--output docs/img]
"""

from __future__ import annotations

import argparse
import functools
import subprocess
import sys
import tempfile
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.server import HOST, ApiServer, bench_env, executable, free_port

ROOT = Path(__file__).resolve().parents[1]
DEMO_PAGE = ROOT / "ui" / "widget" / "demo.html"
DEMO_WIDGET_TAG = 'src="../widget.js"'  # how demo.html loads the widget (relative to /widget/demo.html)
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run", "--disable-sync"]
VIEWPORT = {"width": 1280, "height": 800}
CHAT_QUESTION = "Waarop steunt de VVP-werking?"
WIDGET_QUESTION = "Wie kan terecht bij de studiedienst van de VVP?"
ANSWER_TIMEOUT_MS = 120_000


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - signature of the base class
        pass


class StaticSite:
    """A plain http.server for one folder on a free port: the 'website' that embeds the widget."""

    def __init__(self, root: Path, port: int):
        self.port = port
        self.server = ThreadingHTTPServer((HOST, self.port), functools.partial(_QuietHandler, directory=str(root)))
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://{HOST}:{self.port}"

    def __enter__(self) -> "StaticSite":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()


def ingest_bundled_documents(data_dir: Path) -> None:
    command = [executable("vvp") or "vvp", "ingest"]
    result = subprocess.run(command, env=bench_env(VVP_DATA_DIR=str(data_dir)), capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"vvp ingest mislukte:\n{result.stdout}\n{result.stderr}")


def write_demo_site(folder: Path, api_url: str) -> Path:
    """demo.html with its widget tag pointing at the server we started."""
    html = DEMO_PAGE.read_text(encoding="utf-8")
    if DEMO_WIDGET_TAG not in html:
        raise RuntimeError(f"{DEMO_PAGE} laadt de widget niet meer van {DEMO_WIDGET_TAG}")
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "index.html").write_text(html.replace(DEMO_WIDGET_TAG, f'src="{api_url}/widget.js"'), encoding="utf-8")
    return folder


def shoot_chat(browser, api_url: str, path: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT, locale="nl-BE")
    try:
        page = context.new_page()
        page.goto(f"{api_url}/")
        question = page.locator("#vvp-question textarea")
        expect(question).to_be_visible(timeout=60_000)
        question.fill(CHAT_QUESTION)
        page.keyboard.press("Enter")
        expect(page.locator("#vvp-sources .vvp-source").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        expect(page.locator("#vvp-chat")).to_contain_text("[1]")
        page.wait_for_timeout(500)  # let the streamed answer settle
        page.screenshot(path=str(path))
    finally:
        context.close()


def shoot_widget(browser, site_url: str, path: Path) -> None:
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT, locale="nl-BE")
    try:
        page = context.new_page()
        page.goto(f"{site_url}/")
        widget = page.locator("#vvp-assistent-widget")  # Playwright's CSS locators pierce its shadow root
        widget.locator("button.launcher").click()
        expect(widget.locator("#vvp-panel")).to_be_visible()
        widget.locator("#vvp-input").fill(WIDGET_QUESTION)
        widget.locator("button.send").click()
        sources = widget.locator("#vvp-panel ol.sources").last
        expect(sources.locator("a").first).to_be_visible(timeout=ANSWER_TIMEOUT_MS)
        expect(widget.locator("#vvp-panel .msg.bot .answer").last).to_contain_text("[1]")
        sources.scroll_into_view_if_needed()  # the answer's source links in the picture, not only its start
        page.wait_for_timeout(300)
        page.screenshot(path=str(path))
    finally:
        context.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Maak docs/img/chat.png en docs/img/widget.png opnieuw.")
    parser.add_argument("--output", type=Path, default=ROOT / "docs" / "img", help="Map voor de PNG's.")
    args = parser.parse_args(argv)
    if not CHROMIUM.exists():
        print(f"chromium ontbreekt ({CHROMIUM}): installeer het met `make install-browser` "
              "(sudo apt-get install chromium). Geen schermafbeeldingen gemaakt.", file=sys.stderr)
        return 1
    from playwright.sync_api import sync_playwright

    args.output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="vvp-screenshots-") as tmp:
        tmp_dir = Path(tmp)
        data_dir = tmp_dir / "data"
        print("Meegeleverde documenten inlezen ...", flush=True)
        ingest_bundled_documents(data_dir)
        site_port = free_port()
        site_origin = f"http://{HOST}:{site_port}"
        print("vvp serve starten ...", flush=True)
        with ApiServer(data_dir, extra_env={"VVP_ALLOWED_ORIGINS": site_origin}, log_path=tmp_dir / "serve.log") as api:
            api_url = f"http://{HOST}:{api.port}"
            site = StaticSite(write_demo_site(tmp_dir / "site", api_url), site_port)
            with site, sync_playwright() as playwright:
                browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
                try:
                    shoot_chat(browser, api_url, args.output / "chat.png")
                    shoot_widget(browser, site.url, args.output / "widget.png")
                finally:
                    browser.close()
    for name in ("chat.png", "widget.png"):
        print(f"Opgeslagen: {args.output / name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
