"""The knowledge base: the one object the assistant holds for a data dir.

It searches (ranked chunk ids per retrieval channel, the stored chunks themselves) and hands
everything else to the part whose job it is: `Ingestion` reads files in, `Stores` keeps Chroma,
the lexical index and the manifest in step (and repairs them after a crash), `KeptFiles` holds
the original files citations link to.
"""

from __future__ import annotations

from pathlib import Path
from typing import Iterable

from knowledge.ingestion import EMBED_BATCH, IngestOptions, Ingestion
from knowledge.kept_files import KeptFiles
from knowledge.lexical import LexicalIndex
from knowledge.lexical_channels import LexicalChannels
from knowledge.manifest import DocumentRecord, Manifest
from knowledge.records import Filters, IngestItem, IngestReport, IngestResult, Progress
from knowledge.stores import Stores
from knowledge.vector_store import StoredChunk, VectorStore
from knowledge.unit_vectors import UNIT_VECTORS

__all__ = ["EMBED_BATCH", "Filters", "KnowledgeBase"]


class KnowledgeBase:
    """Ingest files, delete documents, and rank chunks per retrieval channel.

    >>> kb = KnowledgeBase(data_dir, vector_store)            # doctest: +SKIP
    >>> kb.ingest([Path("knowledge/documents")]).count("added")  # doctest: +SKIP
    >>> kb.channel_results("missie van de VVP", k=20)          # doctest: +SKIP
    """

    def __init__(self, data_dir: Path, vectors: VectorStore, *, chunk_size: int = 1000, chunk_overlap: int = 120,
                 max_bytes: int = 25_000_000, ocr: bool = True):
        data_dir.mkdir(parents=True, exist_ok=True)
        self.data_dir = data_dir
        self.options = IngestOptions(chunk_size=chunk_size, chunk_overlap=chunk_overlap, max_bytes=max_bytes, ocr=ocr)
        self.files = KeptFiles(data_dir / "files")
        self.stores = Stores(data_dir, vectors)
        self._ingestion = Ingestion(self.stores, self.files, self.options)
        self.stores.recover()

    @property
    def vectors(self) -> VectorStore:
        return self.stores.vectors

    @property
    def manifest(self) -> Manifest:
        return self.stores.manifest

    @property
    def lexical(self) -> LexicalChannels:
        return self.stores.lexical  # a new object after `reset()`

    @property
    def chunk_size(self) -> int:
        return self.options.chunk_size

    @property
    def chunk_overlap(self) -> int:
        return self.options.chunk_overlap

    # ---- writing -----------------------------------------------------------------------------

    def ingest(self, paths: Iterable[Path | IngestItem], progress: Progress | None = None, *,
               cwd: Path | None = None) -> IngestReport:
        """Ingest files and folders (recursive), or prepared `IngestItem`s; see `Ingestion.ingest`."""
        return self._ingestion.ingest(paths, progress, cwd=cwd)

    def ingest_file(self, path: Path, *, source: str | None = None, original_name: str | None = None,
                    stored_path: Path | None = None) -> IngestResult:
        """Ingest one file now (an upload). `source` identifies it; `stored_path` is its kept copy."""
        return self._ingestion.ingest_file(IngestItem(path, source, original_name, stored_path))

    def delete(self, document_id: str) -> bool:
        """Remove a document from Chroma, the lexical index and the manifest. False if unknown."""
        found, record = self.stores.delete(document_id)
        if record is not None:
            self.files.discard(record.stored_path)
        return found

    def prune(self, cwd: Path | None = None) -> list[str]:
        """Delete documents whose source file no longer exists (uploads are kept); relative
        sources are looked up from `cwd` when given."""
        removed = []
        for record in self.manifest.all():
            if record.source.startswith(("upload:", "http://", "https://")):
                continue
            source = Path(record.source)
            if not (source if cwd is None or source.is_absolute() else cwd / source).exists():
                self.delete(record.document_id)
                removed.append(record.document_id)
        return removed

    def reset(self) -> None:
        """Forget everything stored in the data dir (used by `vvp reindex`)."""
        self.stores.reset()

    def reindex(self, progress: Progress | None = None) -> IngestReport:
        """Re-read every document from its kept copy (after a change of embedding model or chunking)."""
        items = []
        for record in self.manifest.all():
            kept = Path(record.stored_path) if record.stored_path else None
            path = kept if kept and kept.exists() else Path(record.source)
            name = Path(record.source.removeprefix("upload:")).name
            items.append(IngestItem(path, source=record.source, original_name=name, stored_path=kept))
        self.reset()
        report = self.ingest(items, progress)
        self.vectors.drop_other_models()  # a change of embedding model: the old vectors are gone now
        return report

    def recover(self) -> None:
        """Finish what a crash interrupted (see `Stores.recover`)."""
        self.stores.recover()

    def sync_lexical(self, force: bool = False) -> None:
        """Rebuild the lexical index when another process (or a crash) changed Chroma."""
        self.stores.sync_lexical(force)

    # ---- reading -----------------------------------------------------------------------------

    def owns(self, path: Path) -> bool:
        """True when `path` is a kept file inside the data dir's files folder (no traversal)."""
        return self.files.owns(path)

    @property
    def files_dir(self) -> Path:
        """The folder of kept originals (`data_dir/files`), where uploads are staged too."""
        return self.files.directory

    def documents(self) -> list[DocumentRecord]:
        return self.manifest.all(status="ready")

    def record(self, document_id: str) -> DocumentRecord | None:
        """The manifest row of one document, whatever its status."""
        return self.manifest.get(document_id)

    def stored_paths(self) -> set[str]:
        """The kept files (under data_dir/files) that back a document."""
        return {record.stored_path for record in self.manifest.all() if record.stored_path}

    def term_stats(self) -> LexicalIndex:
        """The word index: document frequencies of terms, for the evidence scorer."""
        return self.lexical.indexes["word"]

    def ping(self) -> None:
        """Raise when the vector store cannot be reached (a cheap count)."""
        self.vectors.count()

    def chunks_of(self, document_id: str) -> list[StoredChunk]:
        stored = self.vectors.get(self.vectors.ids_of_document(document_id))
        return sorted(stored, key=lambda chunk: chunk.metadata.get("position", 0))

    def get_chunks(self, ids: list[str]) -> list[StoredChunk]:
        return self.vectors.get(ids)

    def unit_vectors(self, ids: list[str]) -> dict[str, str]:
        """The packed unit vectors stored with these chunks (`knowledge.unit_vectors`; "" when absent)."""
        return {chunk.chunk_id: chunk.metadata.get(UNIT_VECTORS, "") for chunk in self.vectors.get(ids)}

    def channel_results(self, query: str, k: int, filters: Filters | None = None,
                        query_embedding=None, dense_k: int | None = None) -> dict[str, list[tuple[str, float]]]:
        """Ranked (chunk_id, score) lists per channel: each lexical analyzer and "dense" (which
        returns `dense_k` candidates when given, else `k`)."""
        filters = filters or Filters()
        self.sync_lexical()
        results = self.lexical.top(query, k, doc_types=filters.doc_type, document_ids=filters.document_id)
        embedding = query_embedding if query_embedding is not None else self.vectors.embed_query(query)
        admitted = self.lexical.admitted_ids(filters.doc_type, filters.document_id)
        results["dense"] = self.vectors.query(embedding, dense_k or k, filters.doc_type, filters.document_id,
                                              allowed=admitted)
        return results

    def document_ids(self, chunk_ids: list[str]) -> list[str]:
        """The document of each chunk, from the lexical index's metadata ("" if unknown)."""
        return self.lexical.document_ids(chunk_ids)

    def lexical_coverage(self, query: str) -> float:
        return self.lexical.coverage(query)

    def stats(self) -> dict[str, int]:
        documents, chunks = self.manifest.counts()
        return {"documents": documents, "chunks": chunks}
