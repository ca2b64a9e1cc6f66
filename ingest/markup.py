"""Light Markdown handling shared by the Markdown and HTML loaders.

The structure parser keeps "# " headings and list markers; inline markup (bold, links,
images, code fences, table rulers, HTML comments) is removed so users see plain text.
"""

from __future__ import annotations

import re

import yaml

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_SIMPLE_KEY_VALUE = re.compile(r"^\s*([A-Za-z_][\w-]*)\s*:\s*(.*?)\s*$")
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_REFERENCE_LINK = re.compile(r"\[([^\]]+)\]\[[^\]]*\]")
_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_ITALIC = re.compile(r"(?<![\w*])\*(?=\S)([^*\n]+?)(?<=\S)\*(?![\w*])")
_INLINE_CODE = re.compile(r"`([^`\n]+)`")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_TABLE_RULER = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)*\|?\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")
_TABLE_ROW = re.compile(r"^\s*\|(.*)\|\s*$")
_BLOCKQUOTE = re.compile(r"^\s*>\s?")


def split_front_matter(text: str) -> tuple[dict[str, str], str]:
    """Split a leading "---" block of `key: value` lines from the body.

    >>> split_front_matter("---\\ntitle: Statuten\\ntype: statuten\\n---\\nTekst")
    ({'title': 'Statuten', 'type': 'statuten'}, 'Tekst')
    """
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    return _parse_front_matter(match.group(1)), text[match.end():]


def _parse_front_matter(block: str) -> dict[str, str]:
    try:
        parsed = yaml.safe_load(block)
    except yaml.YAMLError:
        parsed = None
    if isinstance(parsed, dict):
        return {
            str(key).strip().lower(): _scalar(value)
            for key, value in parsed.items()
            if value is not None and not isinstance(value, (dict, list))
        }
    result = {}
    for line in block.splitlines():
        if match := _SIMPLE_KEY_VALUE.match(line):
            result[match.group(1).lower()] = match.group(2).strip("'\"")
    return result


def _scalar(value: object) -> str:
    return str(value).strip()


def strip_markdown(text: str) -> str:
    """Remove inline Markdown but keep headings, list markers and paragraph breaks."""
    text = _HTML_COMMENT.sub("", text)
    lines = []
    for line in text.splitlines():
        if _FENCE.match(line) or _TABLE_RULER.match(line):
            continue
        line = _BLOCKQUOTE.sub("", line)
        if row := _TABLE_ROW.match(line):
            cells = [cell.strip() for cell in row.group(1).split("|")]
            line = " | ".join(cell for cell in cells if cell)
        lines.append(_strip_inline(line))
    return "\n".join(lines)


def _strip_inline(line: str) -> str:
    line = _IMAGE.sub(lambda m: m.group(1), line)
    line = _LINK.sub(lambda m: m.group(1), line)
    line = _REFERENCE_LINK.sub(lambda m: m.group(1), line)
    line = _INLINE_CODE.sub(lambda m: m.group(1), line)
    line = _EMPHASIS.sub(lambda m: m.group(2), line)
    return _ITALIC.sub(lambda m: m.group(1), line)
