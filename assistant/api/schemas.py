"""Pydantic models of every request and response of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from assistant.models import Citation  # the dataclass doubles as the response schema
from ingest.models import DOC_TYPES

MAX_K = 50


class SearchFilters(BaseModel):
    """Metadata filters; unknown keys are rejected with a 422."""

    model_config = ConfigDict(extra="forbid")

    doc_type: list[str] | str | None = Field(None, description=f"One or more of: {', '.join(DOC_TYPES)}.")
    document_id: list[str] | str | None = Field(None, description="One or more document ids.")

    @field_validator("doc_type", "document_id", mode="after")
    @classmethod
    def _as_list(cls, value):
        if value is None:
            return None
        values = [value] if isinstance(value, str) else value
        if len(values) > 100:
            raise ValueError("at most 100 values per filter")
        return values

    @field_validator("doc_type", mode="after")
    @classmethod
    def _known_type(cls, value):
        for item in value or []:
            if item not in DOC_TYPES:
                raise ValueError(f"onbekend documenttype '{item[:40]}'; mogelijk: {', '.join(DOC_TYPES)}")
        return value


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(..., min_length=1, max_length=20_000, description="The search text.")
    k: int = Field(5, ge=1, le=MAX_K, description="Number of results.")
    filters: SearchFilters | None = None


class SearchResult(BaseModel):
    text: str
    score: float
    chunk_id: str
    document_id: str
    title: str
    section: str
    page: int | None
    doc_type: str
    source: str
    ocr: bool = Field(False, description="Tekst herkend uit een gescande pagina (OCR).")


class SearchResponse(BaseModel):
    results: list[SearchResult]


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(..., min_length=1, max_length=20_000, description="The question, in any language.")
    conversation_id: str | None = Field(None, max_length=64, description="Continue this conversation.")
    k: int | None = Field(None, ge=1, le=MAX_K, description="Passages to retrieve.")
    filters: SearchFilters | None = None


class AnswerModel(BaseModel):
    answer: str
    grounded: bool
    citations: list[Citation]
    conversation_id: str
    message_id: str
    answerer: Literal["extractive", "llm"]
    timings_ms: dict[str, float]
    notice: str | None = None
    suggestions: list[Citation] = []
    standalone_question: str | None = None
    confidence: float = Field(0.0, description="0-1 support of the passages for the question (refused below the threshold).")


class DocumentModel(BaseModel):
    document_id: str
    title: str
    doc_type: str
    source: str
    chunks: int
    ingested_at: float


class DocumentList(BaseModel):
    documents: list[DocumentModel]


class ChunkModel(BaseModel):
    chunk_id: str
    section: str
    page: int | None
    position: int
    text: str


class DocumentDetail(DocumentModel):
    passages: list[ChunkModel]


class UploadResult(BaseModel):
    filename: str
    status: Literal["added", "updated", "unchanged", "failed"]
    document_id: str | None = None
    title: str | None = None
    chunks: int = 0
    reason: str | None = None


class UploadResponse(BaseModel):
    results: list[UploadResult]


class JobAccepted(BaseModel):
    """A job was queued; follow it at `status_url`."""

    job_id: str
    status_url: str


class JobStatus(BaseModel):
    """How far a job is. `done`/`total` count chunks embedded plus one per file that needed no
    embedding (unchanged or refused); `total` may still grow while files are being read."""

    job_id: str
    kind: Literal["upload", "ingest", "reindex"]
    status: Literal["queued", "running", "done", "failed"]
    done: int
    total: int
    current: str = Field("", description="The file being worked on.")
    detail: str | None = Field(None, description="Why the job failed (status `failed`).")
    results: list[UploadResult] = Field(default_factory=list, description="Per file, once the job finished.")
    removed: list[str] = Field(default_factory=list, description="Documents pruned (ingest with prune).")
    created_at: float
    finished_at: float | None = None


class LocalIngestRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    paths: list[str] = Field(..., min_length=1, max_length=10_000)
    cwd: str
    prune: bool = False


class DeleteResponse(BaseModel):
    deleted: str


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    conversation_id: str = Field(..., max_length=64)
    message_id: str = Field(..., max_length=64)
    rating: Literal["up", "down"]
    comment: str | None = Field(None, max_length=2000)


class FeedbackResponse(BaseModel):
    stored: bool


class TurnModel(BaseModel):
    message_id: str
    question: str
    answer: AnswerModel
    created_at: float


class ConversationModel(BaseModel):
    conversation_id: str
    turns: list[TurnModel]


class HealthResponse(BaseModel):
    status: Literal["ok", "degraded"]
    documents: int
    chunks: int
    embedding_model: str
    answerer: str
    version: str
    detail: str | None = None


class ChatMessage(BaseModel):
    role: Literal["system", "user", "assistant", "tool", "developer"]
    content: str | list | None = None


class ChatCompletionRequest(BaseModel):
    model: str = "vvp-assistent"
    messages: list[ChatMessage] = Field(..., min_length=1, max_length=100)
    stream: bool = False
    temperature: float | None = None
    max_tokens: int | None = None
    user: str | None = None
