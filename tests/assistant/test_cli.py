"""The `vvp` command line, run as a user would (a subprocess with its own data dir)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VVP = [sys.executable, "-m", "server.cli"]  # the `vvp` console script


def vvp(data_dir: Path, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "VVP_DATA_DIR": str(data_dir), "HF_HUB_OFFLINE": "1"}
    return subprocess.run([*VVP, *args], input=stdin, capture_output=True, text=True, env=env, cwd=ROOT, timeout=180)


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory) -> Path:
    data = tmp_path_factory.mktemp("cli")
    result = vvp(data, "ingest", "tests/fixtures/documents")
    assert result.returncode == 0, result.stderr
    assert "3 toegevoegd" in result.stdout
    return data


def test_every_command_has_help():
    for command in ("ingest", "documents", "delete", "search", "ask", "chat", "eval", "serve", "reindex"):
        result = subprocess.run([*VVP, command, "--help"], capture_output=True, text=True, cwd=ROOT, timeout=60)
        assert result.returncode == 0 and "Usage" in result.stdout, command


def test_second_ingest_reports_unchanged(data_dir):
    result = vvp(data_dir, "ingest", "tests/fixtures/documents")
    assert result.returncode == 0 and "3 ongewijzigd" in result.stdout


def test_search_json_has_the_public_fields(data_dir):
    result = vvp(data_dir, "search", "Cepli", "-k", "2", "--json")
    results = json.loads(result.stdout)["results"]
    assert len(results) == 2 and "Cepli" in results[0]["text"]
    assert set(results[0]) == {"text", "score", "chunk_id", "document_id", "title", "section", "page", "doc_type",
                               "source", "ocr"}


def test_search_reads_queries_from_stdin_one_json_line_each(data_dir):
    result = vvp(data_dir, "search", "-", "--type", "statuten", stdin="congressen\nstudiedienst\n")
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(lines) == 2
    assert all(r["doc_type"] == "statuten" for line in lines for r in line["results"])


def test_ask_json_and_batch(data_dir):
    answer = json.loads(vvp(data_dir, "ask", "Is de VVP aangesloten bij een Europese belangenorganisatie?", "--json").stdout)
    assert answer["grounded"] and "Cepli" in answer["answer"] and answer["citations"][0]["n"] == 1
    batch = vvp(data_dir, "ask", "-", stdin="Wie kan bij de studiedienst terecht?\nWat is het correspondentieadres van de VVP?\n")
    first, second = (json.loads(line) for line in batch.stdout.splitlines())
    assert first["grounded"] and not second["grounded"]


def test_unknown_type_and_empty_question_are_clear_errors(data_dir):
    wrong = vvp(data_dir, "search", "x", "--type", "roman")
    assert wrong.returncode == 2 and "Onbekend documenttype" in wrong.stderr
    empty = vvp(data_dir, "ask", "  ")
    assert empty.returncode == 2 and "leeg" in empty.stderr


def test_documents_and_delete(data_dir):
    listed = json.loads(vvp(data_dir, "documents", "--json").stdout)["documents"]
    statutes = next(d for d in listed if d["doc_type"] == "statuten")
    assert vvp(data_dir, "delete", statutes["document_id"]).returncode == 0
    assert vvp(data_dir, "delete", statutes["document_id"]).returncode == 1
    assert len(json.loads(vvp(data_dir, "documents", "--json").stdout)["documents"]) == 2


def test_chat_keeps_the_conversation(data_dir):
    result = vvp(data_dir, "chat", stdin="Waaruit bestaat de VVP-werking?\nEn wie zit daarin?\n\n")
    assert result.returncode == 0
    assert result.stdout.count("[1]") >= 2 and "gedeputeerden" in result.stdout


def test_ingest_without_a_path_reads_the_bundled_seed_text_as_it_is(tmp_path):
    result = vvp(tmp_path / "data", "ingest")
    assert result.returncode == 0, result.stderr
    assert "1 toegevoegd" in result.stdout
    seed = (ROOT / "knowledge" / "documents" / "vvp-missie-en-werking.md").read_text(encoding="utf-8")
    body = seed.split("---", 2)[2]
    assert "# " not in body, "no headings that the source text does not have"
    answer = json.loads(vvp(tmp_path / "data", "ask", "Waarop steunt de VVP-werking?", "--json").stdout)
    assert answer["grounded"] and "ambtelijke commissies" in answer["answer"]
    assert all(c["section"] in ("", "VVP-Werking") for c in answer["citations"])


@pytest.mark.parametrize("command", ["ask", "search"])
def test_a_bad_line_on_stdin_gets_an_error_object_and_the_batch_goes_on(data_dir, command):
    lines = ["Wat is de missie van de VVP?", "", "x" * 5000, "Met wie onderhoudt de VVP contacten?"]
    result = vvp(data_dir, command, "-", stdin="\n".join(lines) + "\n")
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(rows) == 4
    assert "error" not in rows[0] and "error" not in rows[3]
    assert rows[1]["line"] == 2 and "leeg" in rows[1]["error"]
    assert rows[2]["line"] == 3 and "te lang" in rows[2]["error"]
    good = rows[3]["answer"] if command == "ask" else rows[3]["results"][0]["text"]
    assert "VVSG" in good or "Vlaamse Vereniging van Steden en Gemeenten" in good
