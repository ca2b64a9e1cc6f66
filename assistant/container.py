"""The one place that wires components from `Settings` (no global container: build one per app).

>>> container = Container(Settings())      # doctest: +SKIP
>>> container.service.ask("Wat doet de VVP?").answer   # doctest: +SKIP
"""

from __future__ import annotations

import logging
from functools import cached_property
from typing import TYPE_CHECKING

from assistant.conversation import ConversationStore
from assistant.documents import DocumentService
from assistant.evidence import EvidenceScorer
from assistant.jobs import JobRunner
from assistant.metrics import Metrics
from assistant.privacy import PersonalDataMasker
from assistant.retrieval import CrossEncoderReranker, Retriever
from assistant.service import AssistantService
from assistant.settings import Settings
from knowledge.base import KnowledgeBase
from knowledge.embeddings import Embedder, create_embedder
from knowledge.vector_store import VectorStore, make_client

if TYPE_CHECKING:
    from assistant.answerers.llm import LLMAnswerer

log = logging.getLogger(__name__)


class Container:
    """Builds each component once, lazily, from one `Settings`."""

    def __init__(self, settings: Settings, embedder: Embedder | None = None, *, allow_model_switch: bool = False):
        """`allow_model_switch` opens a knowledge base built with another embedding model (for `vvp reindex`)."""
        self.settings = settings
        self._embedder = embedder
        self._allow_model_switch = allow_model_switch

    @cached_property
    def embedder(self) -> Embedder:
        return self._embedder or create_embedder(self.settings.embedding, threads=self.settings.embedding_threads,
                                                  cache_dir=self.settings.model_cache)

    @cached_property
    def kb(self) -> KnowledgeBase:
        settings = self.settings
        client = make_client(settings.data_dir, settings.chroma_url)
        vectors = VectorStore(client, settings.collection, self.embedder,
                              memory_max_chunks=settings.dense_memory_max_chunks,
                              allow_model_switch=self._allow_model_switch)
        return KnowledgeBase(settings.data_dir, vectors, chunk_size=settings.chunk_size,
                             chunk_overlap=settings.chunk_overlap, max_bytes=settings.max_upload_bytes,
                             ocr=settings.ocr != "off")

    @cached_property
    def documents(self) -> DocumentService:
        """Uploads, ingests and deletes, as background jobs (one runner per process)."""
        metrics = self.metrics

        def count(job) -> None:
            metrics.record_job(job.status)
            metrics.record_ingest(job.results)

        return DocumentService(lambda: self.kb, self.settings, JobRunner(on_finished=count))

    @cached_property
    def retriever(self) -> Retriever:
        reranker = CrossEncoderReranker(self.settings.reranker) if self.settings.reranker else None
        return Retriever(self.kb, reranker=reranker, cache_dir=self.settings.model_cache)

    @cached_property
    def scorer(self) -> EvidenceScorer:
        # Looked up on each use: a reset of the knowledge base replaces the index.
        return EvidenceScorer(self.embedder, lambda: self.kb.term_stats(),
                              unit_vectors=lambda ids: self.kb.unit_vectors(ids))

    @cached_property
    def metrics(self) -> Metrics:
        return Metrics(lambda: self.kb.stats())

    @cached_property
    def masker(self) -> PersonalDataMasker | None:
        return PersonalDataMasker() if self.settings.mask_personal_data else None

    @cached_property
    def conversations(self) -> ConversationStore:
        return ConversationStore(self.settings.data_dir / "conversations.sqlite3", masker=self.masker)

    @cached_property
    def llm(self) -> LLMAnswerer | None:
        settings = self.settings
        if settings.llm_provider == "none":
            return None
        from assistant.answerers.llm import LLMAnswerer, create_chat_model  # LangChain: ~1.5 s of imports

        model = create_chat_model(settings.llm_provider, settings.llm_base_url, settings.llm_model,
                                  settings.llm_api_key, settings.llm_timeout, settings.llm_temperature)
        return LLMAnswerer(model)

    @cached_property
    def service(self) -> AssistantService:
        settings = self.settings
        return AssistantService(self.retriever, self.scorer, self.conversations, llm=self.llm, top_k=settings.top_k,
                                refusal_threshold=settings.refusal_threshold,
                                max_question_chars=settings.max_question_chars,
                                on_answer=self.metrics.record_answer)
