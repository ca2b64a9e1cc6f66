"""Bad files through `vvp ingest` and `POST /api/documents`: a specific Dutch message each, and
afterwards the knowledge base is exactly as before (documents, chunks, files, probe answer)."""

from __future__ import annotations

import json
import os
import re
import time
import uuid
from pathlib import Path

import pytest

from tests.job_support import follow
from rich.console import Console
from typer.testing import CliRunner

from bad_file_cases import BadFile, cases
from robustness_support import (
    ADMIN, BUNDLED, api_client, assert_no_leak, assert_same_knowledge, make_settings, snapshot,
)

CASES = cases()
FAILING = [case for case in CASES if case.expect == "failed"]
ADDED = [case for case in CASES if case.expect == "added"]
UPLOAD_NAME = re.compile(r"^upload-[0-9a-f]{32}(\.[a-z0-9]{1,11})?$")


def test_the_catalogue_has_at_least_thirty_cases_for_both_channels():
    assert len(CASES) >= 30
    assert len({case.id for case in CASES}) == len(CASES)


# ---- fixtures ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def victim(tmp_path_factory, embedder):
    """A knowledge base of this module's own: the tests add (and remove) documents."""
    from assistant.container import Container

    container = Container(make_settings(tmp_path_factory.mktemp("bad-files-kb")), embedder=embedder)
    container.kb.ingest([BUNDLED])
    return container


@pytest.fixture(scope="module")
def baseline(victim):
    return snapshot(victim)


@pytest.fixture(autouse=True)
def restore(victim, baseline):
    """Whatever a failing test left behind is removed, so one failure does not cascade."""
    yield
    for record in victim.kb.manifest.all():
        if record.document_id not in baseline.documents:
            victim.kb.delete(record.document_id)
    files = victim.kb.data_dir / "files"
    for path in files.iterdir():
        if path.name not in baseline.stored_files:
            path.unlink()


@pytest.fixture(scope="module")
def victim_client(victim):
    with api_client(victim) as client:
        yield client


@pytest.fixture
def run_cli(monkeypatch, tmp_path, victim, embedder):
    """`run_cli("ingest", path)`: the real `vvp` command in-process, on the victim's data dir.

    The command builds its own Container from the environment, as in production; only the
    embedding model is handed over, so it is not loaded again.
    """
    import assistant.cli as cli
    import assistant.container as wiring

    real = wiring.Container
    monkeypatch.setattr(wiring, "Container",
                        lambda settings, embedder=None, **options: real(settings, embedder=victim.embedder, **options))
    # Wide consoles: a reason must not be wrapped inside its table cell.
    monkeypatch.setattr(cli, "console", Console(width=4000, no_color=True))
    monkeypatch.setattr(cli, "err", Console(width=4000, no_color=True, stderr=True))
    for key in [key for key in os.environ if key.startswith("VVP_")]:
        monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no stray .env is read
    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(cli.app, list(args), env={"VVP_DATA_DIR": str(victim.settings.data_dir)})

    return run


def upload(client, name: str, data: bytes):
    """A multipart upload with the file name exactly as given (raw UTF-8, NUL bytes included)."""
    boundary = uuid.uuid4().hex
    quoted = name.replace('"', "%22").encode("utf-8")
    body = b"".join([
        f"--{boundary}\r\n".encode(),
        b'Content-Disposition: form-data; name="files"; filename="' + quoted + b'"\r\n',
        b"Content-Type: application/octet-stream\r\n\r\n",
        data,
        f"\r\n--{boundary}--\r\n".encode(),
    ])
    response = client.post("/api/documents", content=body,
                           headers={**ADMIN, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    return response, follow(client, response, ADMIN)


def one_line(text: str) -> str:
    return " ".join(text.split())


def check_added_document(container, document_id: str, case: BadFile) -> None:
    record = container.kb.manifest.get(document_id)
    assert record is not None and record.status == "ready"
    assert record.title.isprintable() and record.title.strip()
    chunks = container.kb.chunks_of(document_id)
    assert 1 <= len(chunks) <= case.max_chunks
    assert all(len(chunk.text) <= 2 * container.settings.chunk_size for chunk in chunks)
    text = "\n".join(chunk.text for chunk in chunks)
    for phrase in case.texts:
        assert phrase in text
    for phrase in case.absent:
        assert phrase not in text, f"{phrase!r} leaked into the stored text"


# ---- the API -------------------------------------------------------------------------------


@pytest.mark.parametrize("case", FAILING, ids=lambda case: case.id)
def test_upload_of_a_bad_file_is_refused_with_a_specific_message(case, victim, victim_client, baseline):
    response, job = upload(victim_client, case.name, case.content())

    assert_no_leak(response.text + json.dumps(job))
    # Refused up front (an upload over the size limit: 413) or by its job, which failed with the reason.
    assert response.status_code == 202 or response.status_code == case.status == 413
    assert job.get("status", "failed") == "failed"
    [result] = job["results"]
    assert result["status"] == "failed" and result["document_id"] is None
    assert result["reason"] == case.message
    assert job["detail"] == case.message
    assert_same_knowledge(baseline, snapshot(victim))


@pytest.mark.parametrize("case", ADDED, ids=lambda case: case.id)
def test_upload_of_an_odd_but_valid_file_is_stored_cleanly(case, victim, victim_client, baseline):
    started = time.perf_counter()
    response, job = upload(victim_client, case.name, case.content())
    elapsed = time.perf_counter() - started

    assert_no_leak(response.text + json.dumps(job))
    assert (response.status_code, job["status"]) == (202, "done"), job
    [result] = job["results"]
    assert result["status"] == "added"
    if case.shown_name:
        assert result["filename"] == case.shown_name
    assert elapsed < 30
    check_added_document(victim, result["document_id"], case)
    record = victim.kb.manifest.get(result["document_id"])
    stored = victim.kb.data_dir / "files"
    assert UPLOAD_NAME.match(record.stored_path.rsplit("/", 1)[-1]), record.stored_path
    assert victim.kb.owns(Path(record.stored_path))
    assert {path.name for path in stored.iterdir()} == baseline.stored_files | {record.stored_path.rsplit("/", 1)[-1]}

    assert victim.kb.delete(result["document_id"])
    assert_same_knowledge(baseline, snapshot(victim))


def test_a_duplicate_upload_is_unchanged_and_keeps_one_file(victim, victim_client, baseline):
    data = b"# Dubbel\n\nDit document over het provinciaal archief wordt twee keer opgeladen.\n"
    _, first = upload(victim_client, "dubbel.md", data)
    _, second = upload(victim_client, "dubbel.md", data)

    [added], [again] = first["results"], second["results"]
    assert (first["status"], added["status"]) == ("done", "added")
    assert (second["status"], again["status"]) == ("done", "unchanged")
    assert again["document_id"] == added["document_id"] and again["chunks"] == added["chunks"]
    files = {path.name for path in (victim.kb.data_dir / "files").iterdir()}
    assert len(files - baseline.stored_files) == 1  # the second copy was not kept
    assert [record.document_id for record in victim.kb.documents()].count(added["document_id"]) == 1

    victim.kb.delete(added["document_id"])
    assert_same_knowledge(baseline, snapshot(victim))


def test_a_batch_with_good_and_bad_files_stores_only_the_good_ones(victim, victim_client, baseline):
    boundary = uuid.uuid4().hex
    parts = [("goed.txt", b"Tekst over het provinciaal domein."), ("leeg.txt", b""), ("setup.exe", b"MZ")]
    body = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n\r\n'.encode()
        + data + b"\r\n" for name, data in parts
    ) + f"--{boundary}--\r\n".encode()
    response = victim_client.post("/api/documents", content=body,
                                  headers={**ADMIN, "Content-Type": f"multipart/form-data; boundary={boundary}"})
    job = follow(victim_client, response, ADMIN)

    assert job["status"] == "done"  # partial success
    assert [result["filename"] for result in job["results"]] == [name for name, _ in parts]
    results = {result["filename"]: result for result in job["results"]}
    assert results["goed.txt"]["status"] == "added"
    assert results["leeg.txt"]["reason"] == "Bestand 'leeg.txt' is leeg."
    assert results["setup.exe"]["reason"].startswith("Bestandstype '.exe' wordt niet ondersteund.")
    victim.kb.delete(results["goed.txt"]["document_id"])
    assert_same_knowledge(baseline, snapshot(victim))


# ---- the CLI -------------------------------------------------------------------------------


def write_case(folder, case: BadFile):
    path = folder / (case.disk_name or case.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    if ".." in path.parts:
        (folder / "sub").mkdir(exist_ok=True)
    path.write_bytes(case.content())
    return path


@pytest.mark.parametrize("case", FAILING, ids=lambda case: case.id)
def test_vvp_ingest_of_a_bad_file_reports_it_and_exits_1(case, victim, baseline, run_cli, tmp_path):
    path = write_case(tmp_path / "in", case)

    result = run_cli("ingest", str(path))

    output = one_line(result.output)
    assert result.exit_code == 1, output
    assert "0 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, 1 mislukt" in output
    assert (case.cli_message or case.message) in output
    assert "Traceback" not in output
    assert_same_knowledge(baseline, snapshot(victim))


@pytest.mark.parametrize("case", ADDED, ids=lambda case: case.id)
def test_vvp_ingest_of_an_odd_but_valid_file_stores_it_cleanly(case, victim, baseline, run_cli, tmp_path):
    path = write_case(tmp_path / "in", case)
    known = {record.document_id for record in victim.kb.documents()}

    started = time.perf_counter()
    result = run_cli("ingest", str(path))
    elapsed = time.perf_counter() - started

    output = one_line(result.output)
    assert result.exit_code == 0, output
    assert "1 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, 0 mislukt" in output
    assert elapsed < 30
    [document_id] = {record.document_id for record in victim.kb.documents()} - known
    check_added_document(victim, document_id, case)
    assert not list((tmp_path / "in").parent.glob("buiten.txt"))  # nothing written next to the input folder

    victim.kb.delete(document_id)
    assert_same_knowledge(baseline, snapshot(victim))


def test_vvp_ingest_twice_reports_unchanged(victim, baseline, run_cli, tmp_path):
    path = tmp_path / "dubbel.md"
    path.write_text("# Dubbel\n\nDit document over het provinciaal archief wordt twee keer ingelezen.\n", "utf-8")

    first = run_cli("ingest", str(path))
    second = run_cli("ingest", str(path), str(path), str(path.parent))  # the same file three times

    assert first.exit_code == 0 and "1 toegevoegd" in one_line(first.output)
    assert second.exit_code == 0
    assert "0 toegevoegd, 0 bijgewerkt, 1 ongewijzigd, 0 mislukt" in one_line(second.output)
    [record] = [record for record in victim.kb.documents() if record.title == "Dubbel"]
    victim.kb.delete(record.document_id)
    assert_same_knowledge(baseline, snapshot(victim))


def test_vvp_ingest_of_a_folder_of_bad_files_keeps_going_and_lists_every_failure(victim, baseline, run_cli,
                                                                                   tmp_path):
    folder = tmp_path / "map"
    small = [case for case in FAILING if case.id not in ("fifty-megabytes", "docx-zip-bomb")]
    for case in small:
        write_case(folder, case)
    (folder / "goed.md").write_text("# Goed\n\nEen goed document over de provinciale wegen.\n", "utf-8")

    result = run_cli("ingest", str(folder))

    output = one_line(result.output)
    assert result.exit_code == 1
    assert f"1 toegevoegd, 0 bijgewerkt, 0 ongewijzigd, {len(small)} mislukt" in output
    for case in small:
        assert case.message in output
    [record] = [record for record in victim.kb.documents() if record.title == "Goed"]
    victim.kb.delete(record.document_id)
    assert_same_knowledge(baseline, snapshot(victim))
