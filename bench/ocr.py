"""OCR throughput of the real ingest path: a generated scan (the bundled VVP texts drawn on page
images, no text layer) loaded by `load_document`, in pages per second, with the share of its words
recognised.

    python -m bench.ocr --pages 10
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import random
import re
import tempfile
import textwrap
import time
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

REPO = Path(__file__).resolve().parents[1]
A4_AT_200_DPI = (1654, 2339)
LINES_PER_PAGE = 34
_WORD = re.compile(r"\w+")


def scanned_pdf(pages: list[list[str]], *, dpi: int = 200) -> bytes:
    """A PDF whose pages are images of the given lines (Pillow's PDF writer adds no text layer)."""
    font = ImageFont.load_default(size=34)
    images = []
    for lines in pages:
        image = Image.new("L", A4_AT_200_DPI, 255)
        draw = ImageDraw.Draw(image)
        for number, line in enumerate(lines):
            draw.text((140, 180 + number * 58), line, fill=0, font=font)
        images.append(image)
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:])
    return buffer.getvalue()


def dutch_pages(count: int, seed: int = 5) -> list[list[str]]:
    """`count` pages of the bundled VVP documents' sentences, shuffled per page (so no two pages
    share a first or last line, which the cleaner would take for a running header)."""
    prose = []
    for path in sorted((REPO / "knowledge" / "documents").glob("*.md")):
        body = path.read_text(encoding="utf-8").split("---", 2)[-1]
        prose += [line.lstrip("#•-* ").strip() for line in body.splitlines() if line.strip()]
    sentences = [s for paragraph in prose for s in re.split(r"(?<=[.!?])\s+", paragraph) if len(s) > 20]
    rng = random.Random(seed)
    pages = []
    for _ in range(count):
        rng.shuffle(sentences)
        pages.append(textwrap.wrap(" ".join(sentences), 68)[:LINES_PER_PAGE])
    return pages


def word_recall(expected: str, recognised: str) -> float:
    """Share of the expected words found, in order, in the recognised text."""
    want, got = _WORD.findall(expected.lower()), _WORD.findall(recognised.lower())
    matched = sum(block.size for block in difflib.SequenceMatcher(None, want, got, autojunk=False).get_matching_blocks())
    return matched / len(want) if want else 0.0


def measure_ocr(pages: int = 10) -> dict:
    """Pages/s of `load_document` on a scan of `pages` pages (Tesseract nld at 300 dpi), and word recall."""
    from ingest.ocr import DPI, OcrReader
    from ingest.pipeline import load_document

    if not OcrReader().available():
        return {"skipped": "tesseract-ocr with tesseract-ocr-nld is not installed (make install-ocr)"}
    content = dutch_pages(pages)
    data = scanned_pdf(content)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench-scan.pdf"
        path.write_bytes(data)
        progress: list[float] = []
        started = time.perf_counter()
        document = load_document(path, on_page=lambda done, total: progress.append(time.perf_counter()))
        seconds = time.perf_counter() - started
    expected = " ".join(line for lines in content for line in lines)
    recall = word_recall(expected, " ".join(chunk.text for chunk in document.chunks))
    gaps = [later - earlier for earlier, later in zip([started] + progress, progress)]
    return {
        "pages": pages, "dpi": DPI, "seconds": round(seconds, 2), "pages_per_s": round(pages / seconds, 3),
        "slowest_page_s": round(max(gaps), 2), "chunks": len(document.chunks),
        "ocr_chunks": sum(chunk.ocr for chunk in document.chunks),
        "word_recall": round(recall, 4), "progress_calls": len(progress),
    }


def ocr_rows(results: dict) -> list[tuple[str, str, str, str]]:
    """The OCR row of the `make bench` table (see bench/report.py)."""
    ocr = results.get("ocr")
    if not ocr:
        return []
    section = "OCR — scanned PDF, real loader (PDFium + Tesseract nld, one thread)"
    if "skipped" in ocr:
        return [(section, "ocr:pages", "scanned pages", f"skipped: {ocr['skipped']}")]
    return [(section, "ocr:pages", f"{ocr['pages']} pages at {ocr['dpi']} dpi, {ocr['chunks']} chunks",
             f"{ocr['pages_per_s']:.2f} pages/s ({ocr['seconds']:.1f} s, slowest page {ocr['slowest_page_s']:.1f} s)"
             f" · {100 * ocr['word_recall']:.1f} % of the words recognised")]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=10)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    result = measure_ocr(args.pages)
    text = json.dumps(result, indent=2)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
