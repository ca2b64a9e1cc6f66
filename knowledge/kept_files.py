"""The original files the knowledge base keeps, so a citation can link to its document.

One folder, `data_dir/files`, one file per document (`<document_id><suffix>`). Only files inside
it are ever served or deleted: a path from the manifest is checked with `owns` first.

>>> import tempfile
>>> files = KeptFiles(Path(tempfile.mkdtemp()) / "files")
>>> files.owns(Path("/etc/passwd"))
False
"""

from __future__ import annotations

import shutil
from pathlib import Path


class KeptFiles:
    """Copies of ingested files in one folder, and the check that a path is one of them."""

    def __init__(self, directory: Path):
        self.directory = directory

    def keep(self, path: Path, document_id: str) -> Path:
        """Copy `path` into the folder as the kept file of `document_id` (no copy if it is there already)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        target = self.directory / f"{document_id}{path.suffix.lower()[:12]}"
        if path.resolve() != target.resolve():
            shutil.copyfile(path, target)
        return target

    def owns(self, path: Path) -> bool:
        """True when `path` is a regular file inside the folder (no traversal out of it)."""
        resolved = path.resolve()
        return resolved.is_file() and self.directory.resolve() in resolved.parents

    def discard(self, path: str | Path | None) -> None:
        """Delete a kept file; a path outside the folder (a user's own file) is left alone."""
        if path and self.owns(Path(path)):
            Path(path).unlink(missing_ok=True)
