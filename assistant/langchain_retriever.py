"""`VVPRetriever`: the VVP knowledge base as a LangChain retriever, for use in any LCEL chain.

It runs the assistant's hybrid search (BM25 word and character analyzers + dense, fused, and
reranked when a reranker is configured) and returns LangChain `Document`s.

>>> from assistant import VVPRetriever
>>> retriever = VVPRetriever(k=3, filters={"doc_type": ["statuten"]})   # doctest: +SKIP
>>> [doc.metadata["title"] for doc in retriever.invoke("Wie zit in de raad van bestuur?")]  # doctest: +SKIP
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from typing import Any

from langchain_core.callbacks import CallbackManagerForRetrieverRun
from langchain_core.documents import Document
from langchain_core.retrievers import BaseRetriever
from pydantic import Field, PrivateAttr, field_validator, model_validator

from assistant import messages
from assistant.models import display_source
from ingest.models import DOC_TYPES
from knowledge.records import Filters

MAX_K = 50
MAX_FILTER_VALUES = 100


class VVPRetriever(BaseRetriever):
    """Passages of the VVP knowledge base for a question, best first.

    With no arguments it reads the configured settings (`VVP_DATA_DIR`, `VVP_CHROMA_URL`,
    `VVP_EMBEDDING`, `VVP_RERANKER`, `VVP_TOP_K`, … or a `.env` file) and builds the components
    on first use, so constructing it is cheap. Pass `container` (an `assistant.container.Container`)
    or `retriever` (an `assistant.retrieval.Retriever`) to share components that already exist.

    Each `Document` carries the passage as `page_content` and in `metadata`: `chunk_id`,
    `document_id`, `title`, `section`, `page` (None when unknown), `source`, `score` (the fused
    score, higher is better), `doc_type` and `position` (the chunk's place in its document).
    `ainvoke` runs the search in the default executor.
    """

    k: int | None = Field(None, ge=1, le=MAX_K, description="Passages per question; None = the configured `top_k`.")
    filters: Filters = Field(
        default_factory=Filters,
        description="Keep only these document types and/or document ids, e.g. "
        "`{\"doc_type\": [\"statuten\"], \"document_id\": [\"...\"]}` or a `knowledge.records.Filters`.",
    )
    container: Any = Field(None, exclude=True, repr=False, description="An `assistant.container.Container`.")
    retriever: Any = Field(None, exclude=True, repr=False, description="An `assistant.retrieval.Retriever`.")

    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)
    _search: Any = PrivateAttr(None)
    _default_k: int = PrivateAttr(5)

    @field_validator("filters", mode="before")
    @classmethod
    def _filters(cls, value: object) -> Filters:
        if value is None:
            return Filters()
        if isinstance(value, Filters):
            return _checked(value.doc_type, value.document_id)
        if not isinstance(value, Mapping):
            raise ValueError(messages.FILTERS_SHAPE)
        for name in value:
            if name not in ("doc_type", "document_id"):
                raise ValueError(messages.UNKNOWN_FILTER.format(name=str(name)[:40]))
        return _checked(_values(value.get("doc_type"), "doc_type"), _values(value.get("document_id"), "document_id"))

    @model_validator(mode="after")
    def _components(self) -> "VVPRetriever":
        if self.container is not None and self.retriever is not None:
            raise ValueError("pass either container or retriever, not both")
        if self.container is not None and not hasattr(self.container, "retriever"):
            raise ValueError("container must be an assistant.container.Container")
        if self.retriever is not None and not callable(getattr(self.retriever, "search", None)):
            raise ValueError("retriever must be an assistant.retrieval.Retriever")
        return self

    def _get_relevant_documents(self, query: str, *, run_manager: CallbackManagerForRetrieverRun) -> list[Document]:
        if not isinstance(query, str) or not query.split():
            raise ValueError(messages.QUERY_EMPTY)
        search = self._retriever()
        hits = search.search(" ".join(query.split()), self.k or self._default_k, self.filters)
        return [
            Document(
                id=hit.chunk_id,
                page_content=hit.text,
                metadata={
                    "chunk_id": hit.chunk_id, "document_id": hit.document_id, "title": hit.title,
                    "section": hit.section, "page": hit.page, "source": display_source(hit.source), "score": hit.score,
                    "doc_type": hit.doc_type, "position": hit.position,
                },
            )
            for hit in hits
        ]

    def _retriever(self):
        """The search component, built once on first use (concurrent first calls build it once)."""
        if self._search is not None:
            return self._search
        with self._lock:
            if self._search is None:
                if self.retriever is not None:
                    self._search = self.retriever
                else:
                    container = self.container or _container_from_settings()
                    self._default_k = container.settings.top_k
                    self._search = container.retriever
        return self._search


def _container_from_settings():
    # Imported here: the container pulls in Chroma and the embedding model.
    from assistant.container import Container
    from assistant.settings import Settings

    settings = Settings()
    if not settings.data_dir.is_dir():
        raise FileNotFoundError(messages.NO_KNOWLEDGE_BASE.format(path=settings.data_dir))
    return Container(settings)


def _values(value: object, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    values = [value] if isinstance(value, str) else value
    if not isinstance(values, (list, tuple)) or not all(isinstance(v, str) for v in values):
        raise ValueError(messages.FILTER_VALUES.format(name=name, limit=MAX_FILTER_VALUES))
    return tuple(values)


def _checked(doc_types: tuple[str, ...], document_ids: tuple[str, ...]) -> Filters:
    for name, values in (("doc_type", doc_types), ("document_id", document_ids)):
        if len(values) > MAX_FILTER_VALUES:
            raise ValueError(messages.FILTER_VALUES.format(name=name, limit=MAX_FILTER_VALUES))
    for doc_type in doc_types:
        if doc_type not in DOC_TYPES:
            raise ValueError(messages.UNKNOWN_DOC_TYPE.format(value=doc_type[:40], allowed=", ".join(DOC_TYPES)))
    return Filters(doc_type=tuple(doc_types), document_id=tuple(document_ids))
