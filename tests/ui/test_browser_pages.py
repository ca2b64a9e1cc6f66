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
