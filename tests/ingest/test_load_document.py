"""The public entry point: ids, titles, document types and file discovery."""

import hashlib
import re
from pathlib import Path

import pytest

from ingest.models import DOC_TYPES, sha256_text
from ingest.pipeline import SUPPORTED_SUFFIXES, iter_supported_files, load_document

CORPUS_FILE = Path("/work/shared/corpus/vvp/vvp-missie-en-werking.txt")


def test_reloading_the_same_path_gives_the_same_ids(tmp_path):
    path = tmp_path / "Statuten VVP (2024).txt"
    path.write_text("Artikel 1\nDe vereniging heet VVP.\n\nArtikel 2\nZij zetelt te Brussel.", encoding="utf-8")
    first, second = load_document(path), load_document(path)
    assert first.document_id == second.document_id
    assert re.fullmatch(r"[a-z0-9-]+", first.document_id)
    assert first.document_id.startswith("statuten-vvp-2024-")
    assert [chunk.chunk_id for chunk in first.chunks] == [chunk.chunk_id for chunk in second.chunks]
    assert first.chunks[1].chunk_id.startswith(f"{first.document_id}:0001-")
    assert first.content_hash == hashlib.sha256(path.read_bytes()).hexdigest()
    assert first.chunks[0].content_hash == sha256_text(first.chunks[0].text)
    assert load_document(path, source="upload:statuten").document_id != first.document_id


def test_chunks_carry_document_fields_and_the_section_in_indexed_text(tmp_path):
    path = tmp_path / "statuten.txt"
    path.write_text("Artikel 5\nDe vereniging streeft haar doel na.", encoding="utf-8")
    document = load_document(path, source="https://www.vvp.be/statuten")
    [chunk] = document.chunks
    assert (chunk.title, chunk.doc_type, chunk.source, chunk.position) == (
        "Statuten", "statuten", "https://www.vvp.be/statuten", 0)
    assert chunk.indexed_text == "Statuten › Artikel 5\nDe vereniging streeft haar doel na."


@pytest.mark.parametrize("folder, name, text, expected", [
    ("verslagen", "2023-05.txt", "De raad kwam samen.", "verslag"),
    ("commissies", "cultuur.txt", "De leden zijn gedeputeerden.", "commissie"),
    ("decreten", "provinciedecreet.txt", "Dit regelt de provincies.", "decreet"),
    ("docs", "notulen-raad.txt", "De raad kwam samen.", "verslag"),
    ("docs", "info.txt", "Missie van de vereniging: provincies versterken.", "missie"),
    ("docs", "info.txt", "Praktische informatie over parkeren.", "andere"),
])
def test_doc_type_from_folder_then_keywords(tmp_path, folder, name, text, expected):
    (tmp_path / folder).mkdir()
    path = tmp_path / folder / name
    path.write_text(text, encoding="utf-8")
    document = load_document(path)
    assert document.doc_type == expected and expected in DOC_TYPES


def test_title_falls_back_to_the_prettified_file_name(tmp_path):
    path = tmp_path / "vvp_jaarverslag-2023.txt"
    path.write_text("Tekst.", encoding="utf-8")
    assert load_document(path).title == "VVP jaarverslag 2023"


def test_iter_supported_files_recurses_sorted_and_skips_hidden(tmp_path):
    for relative in ["b/z.pdf", "b/a.md", "a.txt", "c.xyz", ".git/x.txt", "b/.verborgen.txt", "~$open.docx"]:
        target = tmp_path / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("x")
    single = tmp_path / "b" / "a.md"
    found = list(iter_supported_files([tmp_path, single]))
    assert found == [tmp_path / "a.txt", tmp_path / "b" / "a.md", tmp_path / "b" / "z.pdf"]
    assert SUPPORTED_SUFFIXES == {".pdf", ".docx", ".html", ".htm", ".md", ".markdown", ".txt"}


@pytest.mark.skipif(not CORPUS_FILE.exists(), reason="shared corpus not available")
def test_corpus_lists_stay_with_their_lead_in():
    document = load_document(CORPUS_FILE)
    assert document.doc_type == "missie"
    article = [chunk for chunk in document.chunks if "inzonderheid door:" in chunk.text]
    assert len(article) == 1
    assert "inzonderheid door:\n• het oprichten" in article[0].text
    assert "• het deelnemen aan werkzaamheden, die de aangesloten leden aanbelangen." in article[0].text
    [tasks] = [chunk for chunk in document.chunks if "3-tal opdrachten:" in chunk.text]
    # The three tasks stay with the sentence that announces them, so an answer can quote all three.
    assert tasks.text.startswith("Deze algemene omschrijving")
    assert all(task in tasks.text for task in ("• Prioritair", "• De VVP vormt het platform", "• De VVP stimuleert"))
    [werking] = [chunk for chunk in document.chunks if chunk.section == "VVP-Werking"]
    assert werking.text.startswith("De VVP-werking steunt op:\n• beleidscommissies")
    assert all(len(chunk.text) <= 2 * 1000 for chunk in document.chunks)
