"""End-to-end tests in headless Chromium: the Gradio chat and the widget on another origin."""

from __future__ import annotations

import re
import sqlite3
from contextlib import closing

import httpx
import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.timeout(120)]

ANSWER_TIMEOUT = 60_000


def ask_in_chat(page, question: str) -> None:
    page.locator("#vvp-question textarea").fill(question)
    page.keyboard.press("Enter")
    expect(page.locator("#vvp-sources .vvp-source").first).to_be_visible(timeout=ANSWER_TIMEOUT)


def widget(page):
    """The widget's shadow root; Playwright's CSS locators pierce open shadow roots."""
    return page.locator("#vvp-assistent-widget")


def focused_in_widget(page) -> dict | None:
    return page.evaluate("""() => {
        const host = document.activeElement;
        const inner = host && host.shadowRoot ? host.shadowRoot.activeElement : null;
        return inner ? {id: inner.id, cls: inner.className, tag: inner.tagName} : null;
    }""")


def test_chat_ui_answers_with_markers_sources_feedback_and_draft(page, live_server, ui_container, shoot):
    page.goto(f"{live_server}/")
    expect(page.get_by_text("Wat is de missie van de VVP?").first).to_be_visible(timeout=30_000)  # example question
    ask_in_chat(page, "Wat is de missie van de VVP?")

    chat = page.locator("#vvp-chat")
    expect(chat).to_contain_text("[1]")
    sources = page.locator("#vvp-sources")
    expect(sources).to_contain_text("Missie van de VVP")
    expect(sources.locator("mark").first).to_be_visible()
    href = sources.locator("a.vvp-doc-link").first.evaluate("a => a.href")
    assert href.startswith(f"{live_server}/api/documents/") and href.endswith("/file")
    assert httpx.get(href).status_code == 200

    # Thumbs down, then a comment: both land in the conversation store.
    chat.get_by_role("button", name="Dislike").or_(chat.get_by_role("button", name="Niet leuk")).first.click()
    expect(page.locator("#vvp-feedback-status")).to_contain_text("Bedankt")
    page.get_by_label("Toelichting bij je beoordeling (optioneel)").fill("Kort en duidelijk.")
    page.get_by_role("button", name="Verstuur toelichting").click()
    expect(page.locator("#vvp-feedback-status")).to_contain_text("toelichting is bewaard")

    page.get_by_text("Ontwerpantwoord (voor medewerkers)").click()
    page.locator("#vvp-draft-button").click()
    draft = page.locator("#vvp-draft-text textarea")
    expect(draft).to_have_value(containing("[^1]: Missie van de VVP"), timeout=15_000)
    expect(page.locator("#vvp-draft-docx")).to_be_visible()
    shoot(page, "chat-ui-answer")

    assert page.external_requests == [], "nothing may load from the internet"
    assert ("down", "Kort en duidelijk.") in all_feedback(ui_container)


def test_widget_on_another_origin_answers_with_citation_links(page, live_server, website, shoot):
    page.goto(f"{website}/")
    assert page.evaluate("location.origin") != live_server
    launcher = widget(page).locator("button.launcher")
    expect(launcher).to_have_text("Vraag het de VVP")
    launcher.click()
    expect(widget(page).locator("#vvp-panel")).to_be_visible()
    widget(page).locator("#vvp-input").fill("Wat is de missie van de VVP?")
    widget(page).locator("button.send").click()

    link = widget(page).locator("#vvp-panel ol.sources a").first
    expect(link).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(link).to_contain_text("Missie van de VVP")
    expect(widget(page).locator("#vvp-panel .msg.bot .answer").last).to_contain_text("[1]")
    href = link.get_attribute("href")
    assert href.startswith(f"{live_server}/api/documents/") and href.endswith("/file")
    assert httpx.get(href).status_code == 200
    stored = page.evaluate("Object.entries(sessionStorage)")
    assert stored and stored[0][0] == f"vvp-widget-conversation:{live_server}" and len(stored[0][1]) == 32
    shoot(page, "widget-cross-origin")
    assert page.external_requests == []


def test_widget_is_usable_with_the_keyboard_only(page, website, shoot):
    page.goto(f"{website}/")
    launcher = widget(page).locator("button.launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")

    page.keyboard.press("Tab")
    assert focused_in_widget(page)["cls"] == "launcher"
    page.keyboard.press("Enter")
    panel = widget(page).locator("#vvp-panel")
    expect(panel).to_be_visible()
    expect(panel).to_have_attribute("role", "dialog")
    expect(launcher).to_have_attribute("aria-expanded", "true")
    assert focused_in_widget(page)["id"] == "vvp-input"

    page.keyboard.type("eerste regel")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("tweede")
    assert widget(page).locator("#vvp-input").input_value() == "eerste regel\ntweede"
    page.keyboard.press("Control+A")
    page.keyboard.type("Wie kan bij de studiedienst terecht?")
    page.keyboard.press("Enter")
    expect(widget(page).locator("ol.sources a").first).to_be_visible(timeout=ANSWER_TIMEOUT)
    expect(widget(page).locator(".msg.user").last).to_contain_text("Wie kan bij de studiedienst terecht?")
    assert focused_in_widget(page)["id"] == "vvp-input"
    shoot(page, "widget-keyboard")

    page.keyboard.press("Escape")
    expect(panel).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    assert focused_in_widget(page)["cls"] == "launcher"


def test_hostile_document_text_stays_inert_in_chat_and_widget(page, live_server, website, hostile, shoot):
    page.goto(f"{live_server}/")
    ask_in_chat(page, hostile["question"])
    sources_text = page.locator("#vvp-sources").inner_text()
    chat_text = page.locator("#vvp-chat").inner_text()
    for payload in hostile["payloads"]:
        assert payload in sources_text
    assert hostile["payloads"][0] in chat_text
    assert page.locator("#vvp-sources img, #vvp-chat img[src='x'], a[href^='javascript']").count() == 0
    shoot(page, "chat-ui-hostile-document")
    assert page.evaluate("typeof window.__pwned") == "undefined"

    page.goto(f"{website}/")
    widget(page).locator("button.launcher").click()
    widget(page).locator("#vvp-input").fill(hostile["question"])
    page.keyboard.press("Enter")
    quote = widget(page).locator("ol.sources blockquote").first
    expect(quote).to_be_visible(timeout=ANSWER_TIMEOUT)
    assert hostile["payloads"][0] in quote.inner_text()
    assert hostile["payloads"][0] in widget(page).locator(".msg.bot .answer").last.inner_text()
    assert widget(page).locator("img, script, a[href^='javascript']").count() == 0
    shoot(page, "widget-hostile-document")
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert page.dialogs == []


def containing(text: str) -> re.Pattern:
    """For expect(...).to_have_value: matches when `text` occurs anywhere in the value."""
    return re.compile(re.escape(text))


def all_feedback(container) -> list[tuple]:
    with closing(sqlite3.connect(container.conversations.path)) as connection:
        return connection.execute("SELECT rating, comment FROM feedback").fetchall()
