"""Scanned PDFs made by the tests: Dutch text drawn on page images, saved without a text layer."""

from __future__ import annotations

import io

from PIL import Image, ImageDraw, ImageFont

A4_AT_200_DPI = (1654, 2339)


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
