"""The assistant service: question in, cited `Answer` out (or a stream of its events).

One place decides, for every answerer: condense the follow-up, retrieve, score the evidence,
refuse when support is low, answer (LLM with extractive fallback), record the turn.
"""

from __future__ import annotations

import logging
import math
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from assistant import messages
from assistant.answerers.extractive import ExtractiveAnswerer
from assistant.answerers.citations import LLMUnavailable, check_citations
from assistant.conversation import ConversationStore, condense
from assistant.evidence import REFUSAL_THRESHOLD, EvidenceScorer, Unit
from assistant.matching import question_language, terms_of
from assistant.models import Answer, Citation, Hit
from assistant.retrieval import Retriever
from ingest.sentences import split_sentences
from knowledge.base import Filters

if TYPE_CHECKING:  # LangChain loads only with a configured LLM (assistant.container)
    from assistant.answerers.llm import LLMAnswerer

log = logging.getLogger(__name__)

SUGGESTIONS = 3
# A refusal suggests a passage only when it shares a question term with it, and a term found in
# half the passages or more (idf below BM25's log 2: "vvp", "provincie") relates nothing.
RELATED_MIN_IDF = math.log(2)


class InvalidQuestion(ValueError):
    """The question is empty or too long; `message` is Dutch."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class UnknownConversation(LookupError):
    def __init__(self, conversation_id: str):
        super().__init__(messages.UNKNOWN_CONVERSATION.format(id=conversation_id[:64]))
        self.message = str(self)


@dataclass
class Event:
    """One streamed event: `token` (text), `citations` (list of dicts), `done` (the answer object)."""

    name: str
    data: object


class AssistantService:
    """Answers questions about the documents in the knowledge base.

    >>> service.ask("Wat is de missie van de VVP?").answer      # doctest: +SKIP
    """

    def __init__(self, retriever: Retriever, scorer: EvidenceScorer, conversations: ConversationStore, *,
                 llm: LLMAnswerer | None = None, top_k: int = 5, refusal_threshold: float = REFUSAL_THRESHOLD,
                 max_question_chars: int = 2000, on_answer: Callable[[Answer | None], None] | None = None):
        self.retriever = retriever
        self.on_answer = on_answer  # sees every answer, and None for one that failed (metrics)
        self.scorer = scorer
        self.conversations = conversations
        self.extractive = ExtractiveAnswerer()
        self.llm = llm
        self.top_k = top_k
        self.refusal_threshold = refusal_threshold
        self.max_question_chars = max_question_chars

    @property
    def answerer_name(self) -> str:
        return "llm" if self.llm else "extractive"

    def clean_question(self, question: str) -> str:
        cleaned = "".join(ch if ch.isprintable() or ch in "\n\t" else " " for ch in question)
        cleaned = " ".join(cleaned.split())
        if not cleaned:
            raise InvalidQuestion(messages.QUESTION_EMPTY)
        if len(cleaned) > self.max_question_chars:
            raise InvalidQuestion(messages.QUESTION_TOO_LONG.format(limit=self.max_question_chars))
        return cleaned

    def search(self, query: str, k: int | None = None, filters: Filters | None = None) -> list[Hit]:
        return self.retriever.search(self.clean_question(query), k or self.top_k, filters)

    def ask(self, question: str, conversation_id: str | None = None, k: int | None = None,
            filters: Filters | None = None) -> Answer:
        answer = None
        for event in self.ask_stream(question, conversation_id, k, filters):
            if event.name == "done":
                answer = event.data
        assert isinstance(answer, Answer)
        return answer

    def ask_stream(self, question: str, conversation_id: str | None = None, k: int | None = None,
                   filters: Filters | None = None, history: list[str] | None = None) -> Iterator[Event]:
        """Events in order: `token`* then `citations` then `done` (the full answer).

        `history` (earlier questions) is for callers that keep the conversation themselves, like
        the OpenAI-compatible route; otherwise the stored conversation supplies it.
        """
        try:
            for event in self._events(question, conversation_id, k, filters, history):
                if event.name == "done" and self.on_answer:
                    self.on_answer(event.data)
                yield event
        except (InvalidQuestion, UnknownConversation):
            raise  # bad input: no answer was attempted
        except Exception:
            if self.on_answer:
                self.on_answer(None)
            raise

    def _events(self, question: str, conversation_id: str | None, k: int | None, filters: Filters | None,
                history: list[str] | None) -> Iterator[Event]:
        started = time.perf_counter()
        timings: dict[str, float] = {}
        question = self.clean_question(question)
        conversation_id = self._conversation(conversation_id)
        turns = self.conversations.turns(conversation_id)
        earlier = [(turn.standalone_question, turn.answer.get("answer", "")) for turn in turns]
        earlier += [(self.clean_question(text), "") for text in history or [] if text.strip()]
        standalone = self._standalone(question, earlier)
        context: dict[str, float] = {}
        hits = self.retriever.search(standalone, k or self.top_k, filters, timings=timings, context=context)
        mark = time.perf_counter()
        units = self.scorer.score(standalone, hits)
        support = self.scorer.support(standalone, hits, units, context)
        timings["evidence"] = _ms(mark)
        answer = Answer(answer="", grounded=False, citations=[], conversation_id=conversation_id,
                        message_id=uuid.uuid4().hex, answerer="extractive", standalone_question=standalone,
                        confidence=round(support, 4))
        mark = time.perf_counter()
        if support < self.refusal_threshold or not hits:
            self._refuse(answer, standalone, hits, filters)
            yield Event("token", answer.answer)
        elif self.llm:
            yield from self._llm_answer(answer, standalone, hits, units)
        else:
            self._extractive(answer, standalone, hits, units)
            yield Event("token", answer.answer)
        timings["answer"] = _ms(mark)
        language_notice = messages.SOURCES_IN_DUTCH.get(question_language(standalone))
        if language_notice:
            answer.notice = f"{answer.notice} {language_notice}" if answer.notice else language_notice
        timings["total"] = _ms(started)
        answer.timings_ms = timings
        self.conversations.add_turn(conversation_id, answer.message_id, question, standalone, answer.to_json())
        yield Event("citations", [vars(citation) for citation in answer.citations])
        yield Event("done", answer)

    # ---- steps -------------------------------------------------------------------------------

    def _conversation(self, conversation_id: str | None) -> str:
        if conversation_id is None or conversation_id == "":
            return self.conversations.create()
        if not self.conversations.exists(conversation_id):
            raise UnknownConversation(conversation_id)
        return conversation_id

    def _standalone(self, question: str, earlier: list[tuple[str, str]]) -> str:
        """`earlier` holds (question, answer) pairs, oldest first."""
        if not earlier:
            return question
        if self.llm:
            try:
                return self.llm.condense(question, earlier)
            except LLMUnavailable:
                log.warning("LLM unavailable for condensing; using the heuristic")
        return condense(question, [previous for previous, _ in earlier])

    def _refuse(self, answer: Answer, question: str, hits: list[Hit], filters: Filters | None) -> None:
        """The refusal, with as suggestions only passages that share a content term with the question."""
        filtered_out = not hits and filters is not None and not filters.is_empty()
        answer.answer = messages.FILTER_EXCLUDES_ALL if filtered_out else messages.REFUSAL
        answer.grounded = False
        weights = self.scorer.question_terms(question)
        terms = frozenset(term for term, idf in weights.items() if idf >= RELATED_MIN_IDF)
        related = [(hit, quote) for hit in hits if (quote := _sharing_sentence(hit.text, terms))]
        answer.suggestions = [Citation.from_hit(n, hit, quote) for n, (hit, quote) in enumerate(related[:SUGGESTIONS], 1)]

    def _extractive(self, answer: Answer, question: str, hits: list[Hit], units: list[Unit]) -> None:
        passages = _units_by_passage(units, len(hits))
        draft = self.extractive.draft(question, units, passages, hits)
        answer.answer, answer.citations, answer.grounded = draft.text, draft.citations, bool(draft.citations)
        answer.answerer = "extractive"

    def _llm_answer(self, answer: Answer, question: str, hits: list[Hit], units: list[Unit]) -> Iterator[Event]:
        pieces: list[str] = []
        try:
            for piece in self.llm.stream(question, hits):
                pieces.append(piece)
                yield Event("token", piece)
        except LLMUnavailable as error:
            log.warning("LLM unavailable (%s); falling back to the extractive answer", type(error).__name__)
            self._extractive(answer, question, hits, units)
            answer.notice = messages.LLM_FALLBACK_NOTICE
            # Tokens already sent are superseded: the `done` event carries the answer to show.
            yield Event("token", ("\n\n" if pieces else "") + answer.answer)
            return
        checked = check_citations("".join(pieces), hits)
        answer.answer, answer.citations, answer.grounded = checked.text, checked.citations, checked.grounded
        answer.answerer = "llm"
        if not checked.grounded and checked.text.strip() != messages.REFUSAL:
            answer.notice = messages.LLM_UNGROUNDED_NOTICE


def _units_by_passage(units: list[Unit], passages: int) -> list[list[Unit]]:
    grouped: list[list[Unit]] = [[] for _ in range(passages)]
    for unit in units:
        grouped[unit.hit_index].append(unit)
    return [sorted(group, key=lambda unit: unit.start) for group in grouped]


def _sharing_sentence(text: str, terms: frozenset[str]) -> str | None:
    """The sentence of `text` holding most of the stemmed `terms` (None: the text shares none)."""
    if not terms & terms_of(text):
        return None
    shared = [(len(terms & terms_of(sentence)), -position, sentence)
              for position, sentence in enumerate(split_sentences(text))]
    count, _, sentence = max(shared, default=(0, 0, ""))
    return sentence if count else None


def _ms(since: float) -> float:
    return round((time.perf_counter() - since) * 1000, 2)
