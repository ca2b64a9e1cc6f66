"""Nasty files, generated: each with the outcome and the Dutch message a user must see.

A case is fed to `vvp ingest` and to `POST /api/documents` (tests/robustness/test_bad_files.py).
`name` is what an uploader calls the file; `disk_name` is the CLI's file name when `name` cannot
exist on a Linux disk (a NUL, "../", more than 255 bytes).
"""

from __future__ import annotations

import io
import random
import zipfile
from collections.abc import Callable
from dataclasses import dataclass

SUPPORTED = ".docx, .htm, .html, .markdown, .md, .pdf, .txt"
FIFTY_MB = 50 * 1024 * 1024


@dataclass(frozen=True)
class BadFile:
    id: str
    name: str
    content: Callable[[], bytes]
    expect: str = "failed"                  # "failed" or "added"
    message: str | None = None              # must appear in the reason (CLI and API)
    status: int = 422                       # HTTP status of the upload
    cli_message: str | None = None          # the CLI's reason when it differs from the upload's
    disk_name: str | None = None            # file name for the CLI (may hold a "../" path)
    texts: tuple[str, ...] = ()             # added: phrases the stored chunks must contain
    absent: tuple[str, ...] = ()            # added: phrases no stored chunk may contain
    max_chunks: int = 10                    # added: a bound on the chunk count
    shown_name: str | None = None           # added via upload: the file name the API reports


def random_bytes(size: int, seed: int = 7) -> bytes:
    return random.Random(seed).randbytes(size)


def pdf(text: str | None = "De provincie Limburg organiseert een zeilkamp aan het meer.", *, encrypt=None,
        pages: int = 1) -> bytes:
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    page = canvas.Canvas(buffer, encrypt=encrypt)
    for _ in range(pages):
        if text:
            page.drawString(72, 720, text)
        else:  # a "scan": only graphics, no text layer
            page.rect(72, 72, 400, 600, fill=1)
            page.circle(300, 400, 80, fill=0)
        page.showPage()
    page.save()
    return buffer.getvalue()


def encrypted_pdf() -> bytes:
    from reportlab.lib.pdfencrypt import StandardEncryption

    return pdf(encrypt=StandardEncryption("geheim-wachtwoord", ownerPassword="eigenaar"))


def docx(text: str = "Een gewone alinea over de provincie.") -> bytes:
    import docx as python_docx

    document = python_docx.Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def zip_bomb(megabytes: int = 250) -> bytes:
    """A valid-looking .docx whose document.xml unpacks to `megabytes` of zeros (~250 kB packed)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        with archive.open("word/document.xml", "w") as entry:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                entry.write(block)
    return buffer.getvalue()


def zip_with_entries(count: int) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for number in range(count):
            archive.writestr(f"word/part{number}.xml", "")
    return buffer.getvalue()


def zip_without_document() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("leesmij.txt", "Dit is geen Word-document.")
    return buffer.getvalue()


HOSTILE_HTML = b"""<!doctype html><html><head><title>Zeilkamp | Provincie</title>
<style>body { color: red } .verborgen { display: none }</style>
<script>alert('script-in-head'); var geheim = "script-geheim";</script>
</head><body>
<iframe src="https://kwaadaardig.example/">iframe-tekst</iframe>
<script>document.write('script-in-body')</script>
<noscript>noscript-tekst</noscript>
<h1>Zeilkamp</h1>
<p>Het zeilkamp aan het provinciaal meer begint in juli en duurt twee weken.</p>
<style>.b { background: url(javascript:alert(1)) }</style>
<object data="kwaad.swf">object-tekst</object>
</body></html>"""

SCRIPTS_ONLY_HTML = b"""<html><head><script>var a = 'alleen script';</script><style>p{}</style></head>
<body><script>console.log('niets zichtbaars')</script><iframe src="x"></iframe></body></html>"""

LATIN_TEXT = "Café De Zwaan in België: de provincie organiseert een fietstocht naar Genk en Hasselt.\n"
CP1252_MARKDOWN = "# Kosten\n\nDe fietstocht kost €5 – “inclusief” drank en een broodje.\n"


def cases() -> list[BadFile]:
    good_pdf = pdf()
    good_docx = docx()
    return [
        BadFile("zero-byte-txt", "leeg.txt", lambda: b"", message="Bestand 'leeg.txt' is leeg."),
        BadFile("zero-byte-pdf", "leeg.pdf", lambda: b"", message="Bestand 'leeg.pdf' is leeg."),
        BadFile("zero-byte-docx", "leeg.docx", lambda: b"", message="Bestand 'leeg.docx' is leeg."),
        BadFile("binary-named-pdf", "rommel.pdf", lambda: random_bytes(4000),
                message="Bestand 'rommel.pdf' is geen geldig PDF-bestand of is beschadigd."),
        BadFile("binary-named-docx", "rommel.docx", lambda: random_bytes(4000),
                message="Bestand 'rommel.docx' is geen geldig Word (.docx)-bestand of is beschadigd."),
        BadFile("binary-named-txt", "rommel.txt", lambda: random_bytes(4000),
                message="Bestand 'rommel.txt' lijkt geen tekstbestand te zijn (binaire inhoud)."),
        BadFile("binary-named-md", "rommel.md", lambda: random_bytes(4000, seed=8),
                message="Bestand 'rommel.md' lijkt geen tekstbestand te zijn (binaire inhoud)."),
        BadFile("binary-named-html", "rommel.html", lambda: random_bytes(4000, seed=9),
                message="Bestand 'rommel.html' lijkt geen tekstbestand te zijn (binaire inhoud)."),
        BadFile("executable-named-pdf", "programma.pdf", lambda: b"MZ\x90\x00\x03" + random_bytes(3000),
                message="Bestand 'programma.pdf' is geen geldig PDF-bestand of is beschadigd."),
        BadFile("truncated-pdf", "afgebroken.pdf", lambda: good_pdf[: len(good_pdf) // 2],
                message="Bestand 'afgebroken.pdf' is geen geldig PDF-bestand of is beschadigd."),
        BadFile("pdf-header-only", "kop.pdf", lambda: b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n",
                message="Bestand 'kop.pdf' is geen geldig PDF-bestand of is beschadigd."),
        BadFile("encrypted-pdf", "geheim.pdf", encrypted_pdf,
                message="Bestand 'geheim.pdf' is versleuteld met een wachtwoord en kan niet gelezen worden."),
        BadFile("pdf-without-text-layer", "scan.pdf", lambda: pdf(None, pages=2),
                message="Bestand 'scan.pdf' bevat geen tekst (gescand document?): tekstherkenning (OCR) is nodig."),
        BadFile("docx-that-is-a-pdf", "verslag.docx", lambda: good_pdf,
                message="Bestand 'verslag.docx' is geen geldig Word (.docx)-bestand of is beschadigd."),
        BadFile("pdf-that-is-a-docx", "verslag.pdf", lambda: good_docx,
                message="Bestand 'verslag.pdf' is geen geldig PDF-bestand of is beschadigd."),
        BadFile("corrupt-docx-zip", "kapot.docx", lambda: good_docx[: len(good_docx) // 2],
                message="Bestand 'kapot.docx' is geen geldig Word (.docx)-bestand of is beschadigd."),
        BadFile("docx-zip-without-document", "leeg-archief.docx", zip_without_document,
                message="Bestand 'leeg-archief.docx' is geen geldig Word (.docx)-bestand of is beschadigd."),
        BadFile("docx-zip-bomb", "bom.docx", zip_bomb, status=413,
                message="Bestand 'bom.docx' wordt na uitpakken onredelijk groot en wordt daarom niet gelezen."),
        BadFile("docx-zip-with-20k-entries", "veel.docx", lambda: zip_with_entries(20_000), status=413,
                message="Bestand 'veel.docx' wordt na uitpakken onredelijk groot en wordt daarom niet gelezen."),
        BadFile("html-full-of-scripts", "zeilkamp.html", lambda: HOSTILE_HTML, expect="added",
                texts=("Het zeilkamp aan het provinciaal meer begint in juli",),
                absent=("script-in-head", "script-geheim", "script-in-body", "iframe-tekst", "noscript-tekst",
                        "color: red", "javascript:", "object-tekst", "alert(")),
        BadFile("html-only-scripts", "alleen-script.html", lambda: SCRIPTS_ONLY_HTML,
                message="Bestand 'alleen-script.html' bevat geen leesbare tekst."),
        BadFile("latin-1-text", "latijn.txt", lambda: LATIN_TEXT.encode("latin-1"), expect="added",
                texts=(LATIN_TEXT.strip(),)),
        BadFile("utf-16-text-with-bom", "utf16.txt", lambda: LATIN_TEXT.encode("utf-16"), expect="added",
                texts=(LATIN_TEXT.strip(),)),
        BadFile("utf-16le-markdown-without-bom", "utf16le.md", lambda: LATIN_TEXT.encode("utf-16-le"),
                expect="added", texts=(LATIN_TEXT.strip(),)),
        BadFile("windows-1252-markdown", "kosten.md", lambda: CP1252_MARKDOWN.encode("cp1252"), expect="added",
                texts=("De fietstocht kost €5 – “inclusief” drank en een broodje.",)),
        BadFile("fifty-megabytes", "groot.txt", lambda: b"tekst " * (FIFTY_MB // 6), status=413,
                message="Bestand 'groot.txt' is te groot (maximaal 25 MB).",
                cli_message="Bestand 'groot.txt' is te groot (50,0 MB); de limiet is 25,0 MB."),
        BadFile("name-with-parent-traversal", "../../buiten.txt", lambda: b"Tekst over het provinciehuis.",
                expect="added", disk_name="sub/../buiten.txt", texts=("Tekst over het provinciehuis.",),
                shown_name="buiten.txt"),
        BadFile("name-with-nul-and-controls", "nul\x00naam\x07.txt", lambda: b"Tekst over de gouverneur.",
                expect="added", disk_name="nul\x01naam\x07.txt", texts=("Tekst over de gouverneur.",),
                shown_name="nulnaam.txt"),
        BadFile("name-of-300-characters", "n" * 296 + ".txt", lambda: b"Tekst over de deputatie.",
                expect="added", disk_name="n" * 246 + ".txt", texts=("Tekst over de deputatie.",),
                shown_name="n" * 180 + ".txt"),
        BadFile("unicode-name", "Één provincie – België 文書.md", lambda: b"Tekst over de provincieraad.",
                expect="added", texts=("Tekst over de provincieraad.",),
                shown_name="Één provincie – België 文書.md"),
        BadFile("unsupported-exe", "setup.exe", lambda: b"MZ\x90\x00" + random_bytes(1000), status=415,
                message=f"Bestandstype '.exe' wordt niet ondersteund. Ondersteund: {SUPPORTED}."),
        BadFile("unsupported-xlsx", "begroting.xlsx", lambda: zip_without_document(), status=415,
                message=f"Bestandstype '.xlsx' wordt niet ondersteund. Ondersteund: {SUPPORTED}."),
        BadFile("no-extension", "LEESMIJ", lambda: b"Gewone tekst zonder extensie.", status=415,
                message=f"Bestand 'LEESMIJ' heeft geen bestandsextensie. Ondersteund: {SUPPORTED}."),
        BadFile("exe-disguised-as-pdf-exe", "rapport.pdf.exe", lambda: random_bytes(500), status=415,
                message=f"Bestandstype '.exe' wordt niet ondersteund. Ondersteund: {SUPPORTED}."),
        BadFile("only-punctuation", "leestekens.txt", lambda: b"... --- !!! 123 456\n\n  \t\n",
                message="Bestand 'leestekens.txt' bevat geen leesbare tekst."),
        BadFile("front-matter-only", "alleen-kop.md", lambda: b"---\ntitle: Leeg\ntype: verslag\n---\n",
                message="Bestand 'alleen-kop.md' bevat geen leesbare tekst."),
        BadFile("100k-identical-lines", "herhaling.txt", lambda: b"Dezelfde regel over de provincie.\n" * 100_000,
                expect="added", texts=("Dezelfde regel over de provincie.",), max_chunks=5),
        BadFile("two-megabyte-word", "eindeloos.txt", lambda: b"x" * (2 * 1024 * 1024), expect="added",
                max_chunks=5),
        BadFile("upper-case-extension", "RAPPORT.PDF", lambda: good_pdf, expect="added",
                texts=("De provincie Limburg organiseert een zeilkamp aan het meer.",)),
    ]
