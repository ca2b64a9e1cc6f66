"""Text recognition (OCR) for scanned PDF pages: PDFium renders the page, Tesseract reads it in Dutch.

Tesseract is a Debian package (`tesseract-ocr`, `tesseract-ocr-nld`; `make install` installs them
where it may); without it, or with `VVP_OCR=off`, a scan is refused as before with "tekstherkenning
(OCR) is nodig". A page is read by OCR when its text layer holds (almost) no letters and the page
shows an image: a scanned page, or a scan with a printed page number.

>>> reader = OcrReader()
>>> reader.available()                                  # doctest: +SKIP
True
>>> reader.read_pages(pdf_bytes, [0, 1], on_page=print)  # doctest: +SKIP
1 2
2 2
['Artikel 1 ...', 'Artikel 2 ...']
"""

from __future__ import annotations

import io
import logging
import os
import shutil
import subprocess
import time
from collections.abc import Callable

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

log = logging.getLogger(__name__)

LANGUAGE = "nld"
DPI = 300  # Tesseract's own advice; 200 dpi loses small print and footnotes
MIN_LETTERS = 25  # fewer letters in a page's text layer: a scan (perhaps with a printed page number)
PAGE_TIMEOUT = 180  # seconds; a page that takes longer is skipped, not the whole document
# Tesseract's OpenMP threads fight each other (and the server) on a small machine: one thread
# read a dense page in 2.7 s where the default took 11.6 s on 2 busy cores.
_TESSERACT_ENV = {"OMP_THREAD_LIMIT": "1"}

PageProgress = Callable[[int, int], None]  # (pages read, pages to read)


class OcrReader:
    """Reads page images with Tesseract; one reader per document load (it remembers availability)."""

    def __init__(self, language: str = LANGUAGE, dpi: int = DPI, command: str = "tesseract"):
        self.language = language
        self.dpi = dpi
        self.command = command
        self._available: bool | None = None
        self.seconds = 0.0  # time spent reading, for the pages/s in `make bench`

    def available(self) -> bool:
        """Whether the Tesseract binary and its model for `language` are installed."""
        if self._available is None:
            self._available = self._check()
        return self._available

    def _check(self) -> bool:
        binary = shutil.which(self.command)
        if binary is None:
            log.info("OCR unavailable: no tesseract binary on PATH")
            return False
        try:
            listed = subprocess.run([binary, "--list-langs"], capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            log.warning("OCR unavailable: tesseract does not run")
            return False
        languages = {line.strip() for line in listed.stdout.splitlines()[1:]}
        if self.language not in languages:
            log.warning("OCR unavailable: tesseract has no '%s' model (install tesseract-ocr-%s)",
                        self.language, self.language)
            return False
        return True

    def scanned_pages(self, data: bytes, texts: list[str]) -> list[int]:
        """Indexes of the pages to read by OCR: little text in the text layer, and an image shown."""
        candidates = [index for index, text in enumerate(texts) if _letters(text) < MIN_LETTERS]
        if not candidates:
            return []
        document = pdfium.PdfDocument(data)
        try:
            return [index for index in candidates if index < len(document) and _shows_image(document[index])]
        finally:
            document.close()

    def read_pages(self, data: bytes, indexes: list[int], on_page: PageProgress | None = None) -> list[str]:
        """The recognised text of each page in `indexes` ("" for a page that could not be read)."""
        document = pdfium.PdfDocument(data)
        texts: list[str] = []
        try:
            for done, index in enumerate(indexes, 1):
                texts.append(self._read(document, index))
                if on_page:
                    on_page(done, len(indexes))
        finally:
            document.close()
        return texts

    def _read(self, document: pdfium.PdfDocument, index: int) -> str:
        started = time.perf_counter()
        page = document[index]
        try:
            image = page.render(scale=self.dpi / 72, grayscale=True).to_pil()
        finally:
            page.close()
        png = io.BytesIO()
        image.save(png, "PNG", compress_level=1)
        # The command line, not pytesseract: it cannot pass the thread limit without changing the
        # environment of the whole server process.
        command = [shutil.which(self.command) or self.command, "stdin", "stdout", "-l", self.language,
                   "--dpi", str(self.dpi)]
        try:
            done = subprocess.run(command, input=png.getvalue(), capture_output=True, timeout=PAGE_TIMEOUT,
                                  env={**os.environ, **_TESSERACT_ENV})
        except subprocess.TimeoutExpired:
            log.warning("OCR of a page took longer than %d s; page skipped", PAGE_TIMEOUT, extra={"page": index + 1})
            return ""
        finally:
            self.seconds += time.perf_counter() - started
        if done.returncode != 0:
            log.warning("OCR of a page failed (exit status %d); page skipped", done.returncode,
                        extra={"page": index + 1})
            return ""
        return done.stdout.decode("utf-8", errors="replace")


def _letters(text: str) -> int:
    return sum(1 for char in text if char.isalpha())


def _shows_image(page: pdfium.PdfPage) -> bool:
    try:
        return any(True for _ in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3))
    finally:
        page.close()
