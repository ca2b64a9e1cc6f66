"""An OpenAI-compatible chat endpoint, so existing chat front-ends and SDKs can use the assistant.

The last user message is the question; earlier user messages are the conversation history
(used to condense a follow-up). Sources are appended to the content and given in `citations`.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from slowapi import Limiter

from assistant import messages
from assistant.api.dependencies import get_service
from assistant.api.schemas import ChatCompletionRequest
from assistant.models import Answer, source_label
from assistant.service import AssistantService, InvalidQuestion
from assistant.settings import Settings

MODEL = "vvp-assistent"


def _text(content) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):  # [{"type": "text", "text": ...}, ...]
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return ""


def sources_block(answer: Answer) -> str:
    """The numbered sources under the answer text; `citation.source` is a file name or web address."""
    if not answer.citations:
        return ""
    lines = ["", "", messages.SOURCES_HEADING]
    for citation in answer.citations:
        where = source_label(citation.title, citation.section, citation.page, messages.SOURCE_PAGE)
        lines.append(f"[{citation.n}] {where} — {citation.source}")
    return "\n".join(lines)


def build_router(settings: Settings, limiter: Limiter) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["openai-compatibel"])
    limit = limiter.limit(settings.rate_limit)

    @router.get("/models", summary="Beschikbare modellen")
    def models() -> dict:
        return {"object": "list", "data": [{"id": MODEL, "object": "model", "created": 0, "owned_by": "vvp"}]}

    @router.post("/chat/completions", summary="OpenAI-compatibele chat")
    @limit
    def chat_completions(request: Request, body: ChatCompletionRequest,
                         service: AssistantService = Depends(get_service)):
        user_turns = [_text(m.content) for m in body.messages if m.role == "user" and _text(m.content).strip()]
        if not user_turns:
            raise InvalidQuestion(messages.QUESTION_EMPTY)
        question = service.clean_question(user_turns[-1])
        completion_id = f"chatcmpl-{uuid.uuid4().hex}"
        created = int(time.time())
        events = service.ask_stream(question, history=user_turns[:-1])
        if not body.stream:
            answer = next(event.data for event in events if event.name == "done")
            return {
                "id": completion_id, "object": "chat.completion", "created": created, "model": MODEL,
                "choices": [{"index": 0, "finish_reason": "stop",
                             "message": {"role": "assistant", "content": answer.answer + sources_block(answer)}}],
                "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
                "citations": [vars(c) for c in answer.citations],
                "grounded": answer.grounded,
            }

        def chunk(delta: dict, finish: str | None = None, **extra) -> str:
            payload = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL,
                       "choices": [{"index": 0, "delta": delta, "finish_reason": finish}], **extra}
            return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n"

        def stream() -> Iterator[str]:
            yield chunk({"role": "assistant", "content": ""})
            for event in events:
                if event.name == "token":
                    yield chunk({"content": event.data})
                elif event.name == "done":
                    answer = event.data
                    yield chunk({"content": sources_block(answer)})
                    yield chunk({}, "stop", citations=[vars(c) for c in answer.citations], grounded=answer.grounded)
            yield "data: [DONE]\n\n"

        return StreamingResponse(stream(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})

    return router
