"""Answers and sources as chat Markdown and HTML, with every piece of data escaped.

Document text and model output are untrusted: a passage may contain `<script>`, an `onerror`
attribute or a `javascript:` link. Everything that comes from data goes through `escape_html`
(for HTML panels) or `escape_markdown` (for chat messages, which Gradio renders as Markdown);
only the markup written in this module is structural.

>>> escape_html('<img src=x onerror="alert(1)">')
'&lt;img src=x onerror=&quot;alert(1)&quot;&gt;'
>>> highlight_quote("Eerste zin. Tweede zin.", "Tweede zin.")
'Eerste zin. <mark>Tweede zin.</mark>'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from urllib.parse import quote as url_quote

from assistant import models
from ui import labels

# One translation table per context, applied in a single pass so no entity is escaped twice.
# Characters with a meaning in HTML, in Gradio's HTML templates (`${…}`) or in Markdown become
# entities: the browser shows them literally and neither Markdown nor a template can act on them.
_HTML = {ord("&"): "&amp;", ord("<"): "&lt;", ord(">"): "&gt;", ord('"'): "&quot;", ord("'"): "&#x27;"}
_HTML_TABLE = {**_HTML, **{ord(ch): f"&#{ord(ch)};" for ch in "${}`"}}
_MARKDOWN_TABLE = {**_HTML, **{ord(ch): f"&#{ord(ch)};" for ch in "\\`*_[](){}#+-.!|~$:=^"}}

Citation = Mapping[str, object]  # a citation as `vars(Citation)` / `Answer.to_json()` gives it


def escape_html(text: object) -> str:
    """Text safe for HTML content and quoted attribute values (also inert in Gradio's templates)."""
    return ("" if text is None else str(text)).translate(_HTML_TABLE)


def escape_markdown(text: object) -> str:
    """Text shown literally in a Markdown chat message: no HTML, links, emphasis or lists."""
    return ("" if text is None else str(text)).translate(_MARKDOWN_TABLE)


def document_url(document_id: object) -> str:
    """Relative link to the original file (relative, so it also works behind a path prefix)."""
    return f"api/documents/{url_quote(str(document_id), safe='')}/file"


def quote_span(passage: str, quote: str) -> tuple[int, int] | None:
    """Where `quote` occurs in `passage`, allowing different whitespace; None when absent."""
    quote = (quote or "").strip()
    if not quote:
        return None
    start = passage.find(quote)
    if start >= 0:
        return start, start + len(quote)
    pattern = r"\s+".join(re.escape(word) for word in quote.split())
    match = re.search(pattern, passage)
    return match.span() if match else None


def highlight_quote(passage: str, quote: str) -> str:
    """The passage as escaped HTML with the quoted part in `<mark>`."""
    span = quote_span(passage, quote)
    if span is None:
        return escape_html(passage)
    start, end = span
    return f"{escape_html(passage[:start])}<mark>{escape_html(passage[start:end])}</mark>{escape_html(passage[end:])}"


def source_label(citation: Citation) -> str:
    """'Title › Section, p. 3' as plain text."""
    return models.source_label(
        str(citation.get("title") or ""), str(citation.get("section") or ""), citation.get("page"), labels.PAGE
    )


# ---- chat messages ---------------------------------------------------------------------------------

def question_markdown(question: str) -> str:
    """The user's own message as typed: `<img>`, `**` or `# ` stay visible text, line breaks stay."""
    return escape_markdown(question)


def streaming_markdown(text: str) -> str:
    return escape_markdown(text) if text.strip() else labels.THINKING


def answer_markdown(answer: Mapping[str, object]) -> str:
    """The chat message of a finished answer: text with [n] markers, notice, short source list."""
    parts = [escape_markdown(answer.get("answer", ""))]
    if answer.get("notice"):
        parts.append(f"_{escape_markdown(answer['notice'])}_")
    citations: Sequence[Citation] = answer.get("citations") or []  # type: ignore[assignment]
    suggestions: Sequence[Citation] = answer.get("suggestions") or []  # type: ignore[assignment]
    if citations:
        items = "\n".join(f"{_marker(c)} {escape_markdown(source_label(c))}" for c in citations)
        parts.append(f"**{labels.SOURCES_INLINE}**\n{items}")
    elif suggestions:
        items = "\n".join(f"{_marker(c)} {escape_markdown(source_label(c))}" for c in suggestions)
        parts.append(f"{escape_markdown(labels.REFUSAL_SUGGESTIONS)}\n{items}")
    return "\n\n".join(parts)


def error_markdown(message: str) -> str:
    return f"**{escape_markdown(message)}**"


def _marker(citation: Citation) -> str:
    return escape_markdown(f"[{citation.get('n')}]")


# ---- sources panel ---------------------------------------------------------------------------------

def sources_html(answer: Mapping[str, object] | None, number: int | None = None) -> str:
    """The sources panel: per citation its title, section, page, highlighted quote and a link."""
    if not answer:
        return _panel(labels.SOURCES_TITLE, labels.SOURCES_EMPTY, "")
    note = labels.SOURCES_OF_ANSWER.format(number=number) if number else ""
    citations = answer.get("citations") or []
    if citations:
        return _panel(labels.SOURCES_TITLE, note, _source_list(citations))
    suggestions = answer.get("suggestions") or []
    if suggestions:
        intro = f"<p>{escape_html(labels.REFUSAL_SUGGESTIONS)}</p>"
        return _panel(labels.SUGGESTIONS_TITLE, note, intro + _source_list(suggestions))
    return _panel(labels.SOURCES_TITLE, note, "")


def _panel(title: str, note: str, body: str) -> str:
    note_html = f'<p class="vvp-note">{escape_html(note)}</p>' if note else ""
    return (f'<section class="vvp-sources" aria-label="{escape_html(title)}">'
            f'<h2 class="vvp-sources-title">{escape_html(title)}</h2>{note_html}{body}</section>')


def _source_list(citations: Sequence[Citation]) -> str:
    return f'<ol class="vvp-source-list">{"".join(_source_item(c) for c in citations)}</ol>'


def _source_item(citation: Citation) -> str:
    title = str(citation.get("title") or "")
    meta = []
    if citation.get("section"):
        meta.append(f"{escape_html(labels.SECTION)}: {escape_html(citation['section'])}")
    if citation.get("page"):
        meta.append(escape_html(labels.PAGE.format(page=citation["page"])))
    if citation.get("ocr"):  # recognised from a scan: staff should check it against the page
        meta.append(f'<span class="vvp-ocr" title="{escape_html(labels.OCR_NOTE_TITLE)}">'
                    f'{escape_html(labels.OCR_NOTE)}</span>')
    meta_html = f'<div class="vvp-source-meta">{" · ".join(meta)}</div>' if meta else ""
    passage = str(citation.get("text") or "")
    quote = str(citation.get("quote") or "")
    passage_html = f'<blockquote class="vvp-passage">{highlight_quote(passage, quote)}</blockquote>'
    if quote and quote_span(passage, quote) is None:
        quoted = f"{escape_html(labels.QUOTE_NOT_FOUND)} <mark>{escape_html(quote)}</mark>"
        passage_html = f'<div class="vvp-quote">{quoted}</div>{passage_html}'
    aria = labels.OPEN_DOCUMENT_ARIA.format(title=title)
    link = (f'<a class="vvp-doc-link" href="{escape_html(document_url(citation.get("document_id", "")))}" '
            f'target="_blank" rel="noopener noreferrer" aria-label="{escape_html(aria)}">'
            f'{escape_html(labels.OPEN_DOCUMENT)}</a>')
    marker = escape_html(f"[{citation.get('n')}]")
    return (f'<li class="vvp-source"><div class="vvp-source-head"><span class="vvp-num">{marker}'
            f'</span> <strong class="vvp-source-title">{escape_html(title)}</strong></div>'
            f"{meta_html}{passage_html}{link}</li>")
