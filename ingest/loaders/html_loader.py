"""HTML (.html, .htm) via trafilatura, with a plain lxml fallback for pages it rejects."""

from __future__ import annotations

import logging
import re

import lxml.html
import trafilatura
from lxml import etree

from ingest import messages
from ingest.decoding import decode_text
from ingest.errors import UnreadableDocument
from ingest.loaders.base import Extracted
from ingest.markup import strip_markdown

log = logging.getLogger(__name__)

_DROPPED_TAGS = (
    "script", "style", "noscript", "iframe", "template", "svg", "object", "embed", "head",
    "nav", "form", "button",
)
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre",
    "table", "tr", "ul", "ol", "dl", "dt", "dd", "form", "fieldset", "figure", "figcaption",
)
_TITLE_SEPARATORS = re.compile(r"\s+[|–—·»]\s+|\s+-\s+")


def load_html(data: bytes, name: str) -> Extracted:
    """Main text as light Markdown (headings kept); boilerplate, scripts and styles removed."""
    decode_text(data, name)  # binary data named .html is refused like a binary .txt
    try:
        root = lxml.html.document_fromstring(data)
    except (etree.ParserError, ValueError) as exc:
        raise UnreadableDocument(messages.corrupt(name, "HTML")) from exc
    title = _page_title(root)
    text = _trafilatura_markdown(data)
    if not _usable(text, root):
        text = _fallback_text(root)
    return Extracted(pages=[strip_markdown(text)], title=title)


def _trafilatura_markdown(data: bytes) -> str | None:
    try:
        return trafilatura.extract(
            data,
            output_format="markdown",
            include_formatting=True,
            include_links=False,
            include_images=False,
            include_tables=True,
            include_comments=False,
            favor_recall=True,
        )
    except Exception:  # trafilatura is a heuristic library: any failure means "use the fallback"
        log.warning("trafilatura failed, using lxml fallback")
        return None


def _usable(text: str | None, root: lxml.html.HtmlElement) -> bool:
    """Trafilatura's text, unless empty or stripped of the headings the page has.

    On short pages trafilatura falls back to a flat extraction without Markdown headings;
    the lxml walk below keeps them, which matters more than its weaker boilerplate removal.
    """
    if not text or not any(char.isalpha() for char in text):
        return False
    has_markdown_heading = any(line.startswith("#") for line in text.splitlines())
    return has_markdown_heading or not root.xpath("//h1|//h2|//h3|//h4|//h5|//h6")


def _page_title(root: lxml.html.HtmlElement) -> str | None:
    titles = root.xpath("//title")
    if not titles:
        return None
    title = " ".join(titles[0].text_content().split())
    if not title:
        return None
    return _TITLE_SEPARATORS.split(title)[0].strip() or title


def _fallback_text(root: lxml.html.HtmlElement) -> str:
    """Text of the whole body with headings as "# " lines and list items as "• " lines."""
    for element in root.xpath("|".join(f"//{tag}" for tag in _DROPPED_TAGS)):
        element.drop_tree()
    for element in list(root.iter()):
        if not isinstance(element.tag, str):
            continue
        tag = element.tag.lower()
        if len(tag) == 2 and tag[0] == "h" and tag[1] in "123456":
            heading = " ".join(element.text_content().split())
            for child in list(element):
                element.remove(child)
            element.text = ""
            _wrap(element, "\n\n" + "#" * int(tag[1]) + " " + heading, "\n\n")
        elif tag == "li":
            _wrap(element, "\n• ", "\n")
        elif tag == "br":
            element.tail = "\n" + (element.tail or "")
        elif tag in ("td", "th"):
            _wrap(element, " | ", "")
        elif tag in _BLOCK_TAGS:
            _wrap(element, "\n\n", "\n\n")
    body = root.find("body")
    return (body if body is not None else root).text_content()


def _wrap(element: lxml.html.HtmlElement, before: str, after: str) -> None:
    element.text = before + (element.text or "")
    element.tail = after + (element.tail or "")

