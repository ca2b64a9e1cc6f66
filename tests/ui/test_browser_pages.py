"""Browser checks of what a new user hit: /docs offline, a Dutch chat page, typed questions shown as typed."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

ANSWER_TIMEOUT = 60_000


def block_other_hosts(page) -> list[str]:
    """Abort every request that leaves 127.0.0.1 (as on a network without internet); returns them."""
    blocked: list[str] = []

    def route(request_route):
        url = request_route.request.url
        if url.startswith(("http://127.0.0.1:", "data:", "blob:")):
            request_route.continue_()
        else:
            blocked.append(url)
            request_route.abort()

    page.route("**/*", route)
    return blocked


def test_api_docs_render_without_internet(page, live_server, shoot):
    blocked = block_other_hosts(page)
    page.goto(f"{live_server}/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("VVP-assistent", timeout=30_000)
    expect(page.locator(".opblock-summary-path").first).to_be_visible()
    expect(page.get_by_text("/api/ask").first).to_be_visible()
    shoot(page, "api-docs-offline")
    assert blocked == [], "the documentation page loads nothing from other hosts"
    # ReDoc is off: its bundle always fetches a logo from cdn.redoc.ly.
    assert page.request.get(f"{live_server}/redoc").status == 404


@pytest.fixture
def english_page(browser):
    """A browser set to American English: the chat page must still be Dutch."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    yield page
    context.close()


def ask(page, question: str) -> None:
    page.locator("#vvp-question textarea").fill(question)
    page.keyboard.press("Enter")
    expect(page.locator("#vvp-chat [data-vvp-role='bot']").last).not_to_have_attribute(
        "aria-label", re.compile("Even zoeken"), timeout=ANSWER_TIMEOUT)


def test_chat_page_is_dutch_in_an_english_browser(english_page, live_server, shoot):
    page = english_page
    page.goto(f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl", timeout=30_000)
    chat = page.locator("#vvp-chat")
    expect(chat.get_by_role("log")).to_have_attribute("aria-label", "Gesprek")
    expect(chat.get_by_role("button", name=re.compile("^Kies voorbeeldvraag 1: "))).to_be_visible()
    ask(page, "Wat is de missie van de VVP?")
    expect(chat.get_by_role("button", name="Gesprek wissen")).to_be_attached()
    expect(chat.get_by_role("button", name="Vind ik leuk", exact=True).first).to_be_visible()
    expect(chat.get_by_role("button", name="Vind ik niet leuk").first).to_be_visible()
    bot = chat.locator("[data-vvp-role='bot']").last
    label = bot.get_attribute("aria-label")
    assert label.startswith("Antwoord van de VVP-assistent: ") and "[1]" in label
    assert "&#" not in label and "&amp;" not in label and "'s message" not in label
    user = chat.locator("[data-vvp-role='user']").last
    assert user.get_attribute("aria-label") == "Jouw vraag: Wat is de missie van de VVP?"
    english = page.evaluate("""() => [...document.querySelectorAll('[aria-label], [title]')]
        .flatMap(e => [e.getAttribute('aria-label'), e.getAttribute('title')])
        .filter(v => v && /^(Clear|Like|Dislike|Copy|More tabs|chatbot conversation|Select example)/.test(v))""")
    assert english == []
    shoot(page, "chat-dutch-in-english-browser")


def test_the_upload_area_speaks_dutch(english_page, live_server, admin_token):
    page = english_page
    page.goto(f"{live_server}/")
    expect(page.locator("html")).to_have_attribute("lang", "nl", timeout=30_000)
    page.get_by_role("tab", name="Beheer").click()
    page.get_by_label("Beheerderssleutel").fill(admin_token)
    page.get_by_role("button", name="Aanmelden").click()
    upload = page.get_by_role("button", name="Klik om bestanden te kiezen of sleep ze hierheen")
    expect(upload).to_be_visible(timeout=15_000)
    expect(upload).to_contain_text("Sleep een bestand hier")
    assert "Drop File Here" not in page.locator("body").inner_text()


def test_the_question_is_shown_as_typed(page, live_server):
    page.goto(f"{live_server}/")
    question = "Wat doet de VVP? <img src=x> **vet** # kop"
    page.locator("#vvp-question textarea").fill(question)
    page.keyboard.press("Enter")
    user = page.locator("#vvp-chat [data-vvp-role='user']").last
    expect(user).to_contain_text("<img src=x> **vet** # kop", timeout=ANSWER_TIMEOUT)
    assert user.locator("img, strong, h1").count() == 0


@pytest.fixture
def unlisted_site(live_server, tmp_path):
    """A website whose origin is not in VVP_ALLOWED_ORIGINS, embedding the widget."""
    import functools
    import threading
    from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

    from tests.ui.conftest import free_port

    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Andere site</title></head><body>'
        f'<h1>Andere site</h1><script src="{live_server}/widget.js" defer></script></body></html>', encoding="utf-8")

    class Quiet(SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - signature of the base class
            pass

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), functools.partial(Quiet, directory=str(tmp_path)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def open_widget_and_ask(page, question: str):
    panel_root = page.locator("#vvp-assistent-widget")
    panel_root.locator("button.launcher").click()
    panel_root.locator("#vvp-input").fill(question)
    panel_root.locator("button.send").click()
    return panel_root


def test_widget_on_a_site_that_is_not_allowed_says_so(page, unlisted_site):
    page.goto(f"{unlisted_site}/")
    widget = open_widget_and_ask(page, "Wat is de missie van de VVP?")
    error = widget.locator(".msg.error").last
    expect(error).to_contain_text("niet toegelaten", timeout=ANSWER_TIMEOUT)
    expect(error).to_contain_text(unlisted_site)
    assert "internetverbinding" not in error.inner_text()


def test_widget_with_the_server_down_blames_the_connection(page, unlisted_site, tmp_path):
    from tests.ui.conftest import free_port
    from ui import WIDGET_DIR

    dead = f"http://127.0.0.1:{free_port()}"
    (tmp_path / "index.html").write_text(
        '<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Site</title></head><body>'
        f'<script src="{unlisted_site}/widget-copy.js" data-api="{dead}" defer></script>'
        "</body></html>", encoding="utf-8")
    (tmp_path / "widget-copy.js").write_text((WIDGET_DIR / "widget.js").read_text(encoding="utf-8"), encoding="utf-8")
    page.goto(f"{unlisted_site}/")
    widget = open_widget_and_ask(page, "Wat is de missie van de VVP?")
    expect(widget.locator(".msg.error").last).to_contain_text("internetverbinding", timeout=ANSWER_TIMEOUT)


def test_the_demo_page_works_on_the_port_the_assistant_runs_on(page, live_server):
    page.goto(f"{live_server}/widget/demo.html")
    widget = open_widget_and_ask(page, "Wat is de missie van de VVP?")
    expect(widget.locator("#vvp-panel ol.sources a").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert page.external_requests == []


def test_staff_pick_an_earlier_answer_for_the_draft(page, live_server):
    page.goto(f"{live_server}/")
    for question in ("Wat is de missie van de VVP?", "Wie kan terecht bij de studiedienst?"):
        page.locator("#vvp-question textarea").fill(question)
        page.keyboard.press("Enter")
        expect(page.locator("#vvp-chat [data-vvp-role='user']").filter(has_text=question)).to_be_visible(
            timeout=ANSWER_TIMEOUT)
        expect(page.locator("#vvp-sources")).to_contain_text("Bij antwoord", timeout=ANSWER_TIMEOUT)
    page.get_by_text("Ontwerpantwoord (voor medewerkers)").click()
    pick = page.locator("#vvp-draft-pick input")
    expect(pick).to_have_value(re.compile("^2\\. Wie kan terecht"), timeout=15_000)
    pick.click()
    page.get_by_role("option", name=re.compile("^1\\. Wat is de missie")).click()
    page.locator("#vvp-draft-button").click()
    expect(page.locator("#vvp-draft-text textarea")).to_have_value(
        re.compile(r"^\*\*Vraag:\*\* Wat is de missie van de VVP\?"), timeout=15_000)
