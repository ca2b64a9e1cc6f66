"""Plain values of the knowledge base: ingest results, search filters, and which files to read."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Protocol


class Progress(Protocol):
    """Told how far a long operation is: `progress(done, total, detail)`.

    `done` and `total` are work units (an ingest counts chunks embedded, and one unit per file
    that needs no embedding); `total` may grow while files are still being read. `detail` names
    what is being worked on (a file name). Calls come from more than one thread, never at once.
    """

    def __call__(self, done: int, total: int, detail: str) -> None: ...


@dataclass(frozen=True)
class IngestItem:
    """One file to ingest: where to read it, and the identity it is stored under.

    `source` defaults to the path as given (so `vvp ingest docs/` and the same folder handed to a
    running server give the same document ids); an upload has `source="upload:<name>"`, its
    `original_name` and the `stored_path` of its kept copy.
    """

    path: Path
    source: str | None = None
    original_name: str | None = None
    stored_path: Path | None = None

    @property
    def label(self) -> str:
        return self.original_name or self.source or str(self.path)


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


def expand_items(paths: Iterable[Path], cwd: Path | None = None) -> Iterator[IngestItem]:
    """`expand_paths` as items. With `cwd`, relative paths are read from there but keep their
    relative source: a command line's paths, ingested by a server running in another folder."""
    paths = list(paths)
    if cwd is None:
        yield from (IngestItem(path) for path in expand_paths(paths))
        return
    labels = {}
    for given in paths:
        full = given if given.is_absolute() else cwd / given
        labels[full] = given
    for path in expand_paths(labels):
        for full, given in labels.items():
            if path == full:
                yield IngestItem(path, source=str(given))
                break
            if full in path.parents:
                yield IngestItem(path, source=str(given / path.relative_to(full)))
                break
