"""Files other processes may read or write at the same time: written aside, then renamed.

>>> with replacing(Path("/tmp/vvp-example.txt")) as partial:     # doctest: +SKIP
...     partial.write_text("klaar")
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


@contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A fresh file beside `target` to write; it replaces `target` atomically when the block ends
    without an error, and is removed otherwise. Each writer has its own file, so two processes
    writing the same target leave one complete copy."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=target.parent, prefix=target.name, suffix=".partial")
    os.close(handle)
    try:
        yield Path(partial)
        os.replace(partial, target)
    finally:
        Path(partial).unlink(missing_ok=True)
