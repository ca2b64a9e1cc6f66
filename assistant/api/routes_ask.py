"""Public routes: search, ask (plain and streamed), feedback, conversations."""

from __future__ import annotations

import itertools
import json
import logging
from collections.abc import Iterator

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import StreamingResponse
from slowapi import Limiter

from assistant import messages
from assistant.api.schemas import (
    AnswerModel, AskRequest, ConversationModel, FeedbackRequest, FeedbackResponse, SearchFilters, SearchRequest,
    SearchResponse, TurnModel,
)
from assistant.api.dependencies import get_conversations, get_service
from assistant.api.errors import is_connection_error
from assistant.conversation import ConversationStore
from assistant.models import Answer
from assistant.service import AssistantService, InvalidQuestion, UnknownConversation
from assistant.settings import Settings
from knowledge.base import Filters

log = logging.getLogger(__name__)


def to_filters(filters: SearchFilters | None) -> Filters:
    if filters is None:
        return Filters()
    return Filters(doc_type=tuple(filters.doc_type or ()), document_id=tuple(filters.document_id or ()))


def sse(event: str, data) -> str:
    payload = json.dumps(data, ensure_ascii=False)
    return f"event: {event}\ndata: {payload}\n\n"


def build_router(settings: Settings, limiter: Limiter) -> APIRouter:
    router = APIRouter(prefix="/api", tags=["assistent"])
    limit = limiter.limit(settings.rate_limit)

    def log_question(request: Request, question: str) -> None:
        if settings.log_questions:
            client = request.client.host if request.client else "-"
            log.info("question from %s: %s", client, question[:500])

    @router.post("/search", response_model=SearchResponse, summary="Passages zoeken")
    @limit
    def search(request: Request, body: SearchRequest,
               service: AssistantService = Depends(get_service)) -> SearchResponse:
        log_question(request, body.query)
        hits = service.search(body.query, body.k, to_filters(body.filters))
        return SearchResponse(results=[hit.search_json() for hit in hits])

    @router.post("/ask", response_model=AnswerModel, summary="Een vraag stellen")
    @limit
    def ask(request: Request, body: AskRequest, service: AssistantService = Depends(get_service)) -> dict:
        log_question(request, body.question)
        answer = service.ask(body.question, body.conversation_id, body.k, to_filters(body.filters))
        return answer.to_json()

    @router.post("/ask/stream", summary="Een vraag stellen, antwoord als Server-Sent Events",
                 response_description="Events `token`, `citations`, `done`.")
    @limit
    def ask_stream(request: Request, body: AskRequest, service: AssistantService = Depends(get_service),
                   conversations: ConversationStore = Depends(get_conversations)) -> StreamingResponse:
        log_question(request, body.question)
        # Validate before streaming starts, so bad input is a 422/404, not a broken stream.
        question = service.clean_question(body.question)
        if body.conversation_id and not conversations.exists(body.conversation_id):
            raise UnknownConversation(body.conversation_id)
        events = service.ask_stream(question, body.conversation_id, body.k, to_filters(body.filters))
        # Retrieval runs before the first event: a Chroma outage becomes a 503 here, not a broken stream.
        first = next(events)

        def stream() -> Iterator[str]:
            try:
                for event in itertools.chain([first], events):
                    data = event.data.to_json() if isinstance(event.data, Answer) else event.data
                    yield sse(event.name, data)
            except (InvalidQuestion, UnknownConversation) as error:
                yield sse("error", {"detail": error.message})
            except Exception as error:
                if is_connection_error(error):
                    log.warning("stream stopped: knowledge base unreachable (%s)", type(error).__name__)
                    yield sse("error", {"detail": messages.SERVICE_UNAVAILABLE})
                    return
                log.exception("stream failed")
                yield sse("error", {"detail": messages.INTERNAL_ERROR})

        return StreamingResponse(stream(), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"})

    @router.post("/feedback", response_model=FeedbackResponse, summary="Feedback op een antwoord")
    @limit
    def feedback(request: Request, body: FeedbackRequest,
                 conversations: ConversationStore = Depends(get_conversations)) -> FeedbackResponse:
        if not conversations.exists(body.conversation_id):
            raise UnknownConversation(body.conversation_id)
        if not conversations.has_message(body.conversation_id, body.message_id):
            raise HTTPException(404, messages.UNKNOWN_MESSAGE.format(id=body.message_id[:64]))
        conversations.add_feedback(body.conversation_id, body.message_id, body.rating, body.comment)
        return FeedbackResponse(stored=True)

    @router.get("/conversations/{conversation_id}", response_model=ConversationModel, summary="Een gesprek")
    @limit
    def conversation(request: Request, conversation_id: str,
                     conversations: ConversationStore = Depends(get_conversations)) -> ConversationModel:
        if len(conversation_id) > 64 or not conversations.exists(conversation_id):
            raise UnknownConversation(conversation_id)
        turns = [TurnModel(message_id=t.message_id, question=t.question, answer=t.answer, created_at=t.created_at)
                 for t in conversations.turns(conversation_id)]
        return ConversationModel(conversation_id=conversation_id, turns=turns)

    return router
