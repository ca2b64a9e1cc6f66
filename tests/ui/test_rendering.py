"""Answers and sources are rendered with every piece of data escaped."""

from __future__ import annotations

from assistant import messages
from ui.rendering import (
    answer_markdown, document_url, escape_html, escape_markdown, highlight_quote, question_markdown, sources_html,
)

HOSTILE = {
    "n": 1, "chunk_id": "c1", "document_id": "doc/../<x>", "title": "<script>alert('titel')</script>",
    "section": '<img src=x onerror="alert(1)">', "page": 4, "source": "upload:x.html",
    "text": "Begin. De code is <script>alert(1)</script> en [klik](javascript:alert(1)). Einde.",
    "quote": "De code is <script>alert(1)</script> en [klik](javascript:alert(1)).", "score": 1.0,
}


def test_sources_panel_escapes_script_img_and_javascript_links_in_citations():
    html = sources_html({"answer": "x [1]", "citations": [HOSTILE]}, 1)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in html
    assert 'href="javascript' not in html
    assert "<mark>De code is &lt;script&gt;" in html


def test_sources_panel_shows_title_section_page_and_a_link_to_the_original_file():
    citation = {**HOSTILE, "title": "Statuten", "section": "Artikel 5", "document_id": "statuten-1a2b"}
    html = sources_html({"answer": "x [1]", "citations": [citation]}, 2)
    assert "Statuten" in html and "Onderdeel: Artikel 5" in html and "p. 4" in html
    assert 'href="api/documents/statuten-1a2b/file"' in html
    assert "Bij antwoord 2." in html


def test_document_links_encode_the_id():
    assert document_url("doc/../<x>") == "api/documents/doc%2F..%2F%3Cx%3E/file"


def test_chat_message_shows_markers_and_cannot_contain_markup():
    markdown = answer_markdown({"answer": HOSTILE["text"] + " [1]", "citations": [HOSTILE], "notice": None})
    for raw in ("<script", "<img", "](", "[1]", "&&"):
        assert raw not in markdown
    assert "&lt;script&gt;alert&#40;&#x27;titel&#x27;&#41;&lt;/script&gt;" in markdown
    assert "&#91;1&#93;" in markdown  # the browser shows [1]
    assert "**Bronnen**" in markdown


def test_escape_markdown_neutralises_markdown_and_template_syntax():
    escaped = escape_markdown("**vet** [a](javascript:x) ${1+1} `code` <b>")
    for raw in ("**", "[", "](", "${", "`", "<b>"):
        assert raw not in escaped


def test_refusal_message_lists_the_nearest_passages_and_notice():
    suggestion = {**HOSTILE, "title": "Statuten", "section": "", "page": None}
    answer = {"answer": messages.REFUSAL, "citations": [], "suggestions": [suggestion],
              "notice": messages.LLM_FALLBACK_NOTICE}
    markdown = answer_markdown(answer)
    assert "geen antwoord op die vraag" in markdown
    assert escape_markdown(messages.REFUSAL_SUGGESTIONS) in markdown
    assert "Statuten" in markdown
    assert "_" + escape_markdown(messages.LLM_FALLBACK_NOTICE) + "_" in markdown
    panel = sources_html(answer, 1)
    assert "Verwante passages" in panel and "Statuten" in panel


def test_escape_html_matches_the_standard_library_plus_template_characters():
    import html

    text = "<a href='x'>&amp; ${x} `y`</a>"
    assert escape_html(text) == html.escape(text).replace("$", "&#36;").replace("{", "&#123;").replace(
        "}", "&#125;").replace("`", "&#96;")


def test_quote_is_highlighted_despite_different_whitespace():
    highlighted = highlight_quote("Een  zin\nover de VVP. Rest.", "zin over de VVP.")
    assert highlighted == "Een  <mark>zin\nover de VVP.</mark> Rest."
    assert highlight_quote("Tekst <b>", "niet aanwezig") == "Tekst &lt;b&gt;"


def test_a_quote_missing_from_its_passage_is_shown_separately_and_escaped():
    citation = {**HOSTILE, "quote": "<b>elders</b>"}
    html = sources_html({"answer": "x [1]", "citations": [citation]}, 1)
    assert "Geciteerd: <mark>&lt;b&gt;elders&lt;/b&gt;</mark>" in html


def test_the_question_is_shown_as_typed_not_as_markdown():
    import html

    question = "Wat is <img src=x> en **vet**?\n# geen kop\n- geen lijst [link](http://x)"
    shown = question_markdown(question)
    for markup in ("<img", "**", "# ", "- ", "](", "["):
        assert markup not in shown
    assert html.unescape(shown) == question, "the browser shows exactly what was typed"
