"""Plain values of the knowledge base: ingest results, search filters, and which files to read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator


@dataclass(frozen=True)
class IngestResult:
    """What happened to one file: `status` is added, updated, unchanged or failed."""

    path: str
    status: str
    document_id: str | None = None
    title: str | None = None
    chunks: int = 0
    reason: str | None = None
    http_status: int = 200


@dataclass
class IngestReport:
    results: list[IngestResult] = field(default_factory=list)
    seconds: float = 0.0

    def count(self, status: str) -> int:
        return sum(1 for result in self.results if result.status == status)

    @property
    def chunks(self) -> int:
        return sum(result.chunks for result in self.results if result.status in ("added", "updated"))


@dataclass(frozen=True)
class Filters:
    """Metadata filters for search: keep chunks whose value is in the given set."""

    doc_type: tuple[str, ...] = ()
    document_id: tuple[str, ...] = ()

    def is_empty(self) -> bool:
        return not (self.doc_type or self.document_id)


def expand_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given, and every non-hidden file under the given folders, in a stable order.

    Unsupported files are not filtered out here: ingesting them reports them by name. A file
    given twice (or inside two given folders) is yielded once.
    """
    seen: set[Path] = set()

    def first_time(path: Path) -> bool:
        key = path.resolve()
        if key in seen:
            return False
        seen.add(key)
        return True

    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                relative = child.relative_to(path).parts
                if child.is_file() and not any(part.startswith(".") for part in relative) and first_time(child):
                    yield child
        elif first_time(path):
            yield path
