"""What the LLM path needs without LangChain: its error and the check of an answer's [n] markers.

The service imports these on every start; `assistant.answerers.llm` (and with it LangChain, ~1.5 s
of imports) loads only when an LLM is configured.

>>> check_citations("De VVP vertegenwoordigt de provincies [2].", []).grounded
False
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.models import Citation, Hit

MARKER = re.compile(r"\[(\d{1,3})\]")


class LLMUnavailable(RuntimeError):
    """The endpoint failed or timed out."""


@dataclass
class CheckedAnswer:
    text: str
    citations: list[Citation]
    grounded: bool


def check_citations(text: str, hits: list[Hit]) -> CheckedAnswer:
    """Drop markers that name no source, renumber the used sources 1..m in order of first use."""
    used: dict[int, int] = {}

    def renumber(match: re.Match) -> str:
        number = int(match.group(1))
        if not 1 <= number <= len(hits):
            return ""
        used.setdefault(number, len(used) + 1)
        return f"[{used[number]}]"

    cleaned = MARKER.sub(renumber, text)
    cleaned = re.sub(r"[ \t]+([.,;:!?])", r"\1", re.sub(r"[ \t]{2,}", " ", cleaned)).strip()
    citations = [
        Citation.from_hit(new, hits[old - 1], _first_sentence(hits[old - 1].text)) for old, new in used.items()
    ]
    return CheckedAnswer(cleaned, citations, grounded=bool(citations))


def _first_sentence(text: str) -> str:
    from ingest.sentences import split_sentences

    sentences = split_sentences(text)
    return sentences[0].strip() if sentences else text[:200]
