"""The document service: the one upload, list, read and delete flow behind the API, the Beheer tab and the CLI."""

from __future__ import annotations

import io

import pytest

from assistant.documents import NoFilesToUpload


@pytest.fixture
def documents(tmp_path, use_embedder, make_container):
    # 1 KiB uploads at most, so a too-large file is a few lines of text.
    container = make_container(tmp_path / "data", use_embedder, max_upload_mb=1 / 1024)
    yield container.documents
    container.documents.jobs.close()


NOTE = "# Nota werking\n\nDe provincies werken samen in de VVP aan het streekbeleid.\n"


def test_an_upload_is_ingested_listed_read_and_deleted(documents, tmp_path):
    batch = documents.upload([("../../nota werking.md", io.BytesIO(NOTE.encode()))])
    job = documents.jobs.wait(batch.job.job_id, timeout=60)
    assert job.status == "done" and [r.status for r in job.results] == ["added"]

    [record] = documents.list()
    assert record.title == "Nota werking" and record.source == "upload:nota werking.md"
    assert documents.get(record.document_id) == record
    assert "streekbeleid" in " ".join(chunk.text for chunk in documents.passages(record.document_id))
    kept = documents.original_file(record)
    assert kept is not None and kept.read_text(encoding="utf-8") == NOTE
    assert kept.parent == tmp_path / "data" / "files", "the name's path parts are dropped"

    assert documents.delete(record.document_id) and documents.list() == []
    assert documents.get(record.document_id) is None and not documents.delete(record.document_id)


def test_a_too_large_file_is_refused_and_not_kept_while_the_rest_is_ingested(documents, tmp_path):
    batch = documents.upload([("groot.md", io.BytesIO(b"x" * 2000)), ("nota.md", io.BytesIO(NOTE.encode()))])
    assert [(r.path, r.status, r.http_status) for r in batch.refused] == [("groot.md", "failed", 413)]
    assert "groot.md" in batch.refused[0].reason
    job = documents.jobs.wait(batch.job.job_id, timeout=60)
    assert sorted((r.path, r.status) for r in job.results) == [("groot.md", "failed"), ("nota.md", "added")]
    assert len(list((tmp_path / "data" / "files").glob("upload-*"))) == 1


def test_only_refused_files_start_no_job_and_an_empty_upload_is_an_error(documents, tmp_path):
    batch = documents.upload([("groot.md", io.BytesIO(b"x" * 2000))])
    assert batch.job is None and batch.refused[0].status == "failed"
    assert list((tmp_path / "data" / "files").glob("upload-*")) == []
    with pytest.raises(NoFilesToUpload) as error:
        documents.upload([])
    assert "bestand" in error.value.message.lower()


def test_an_unchanged_re_upload_keeps_no_second_copy(documents, tmp_path):
    for _ in range(2):
        path = tmp_path / "nota.md"
        path.write_text(NOTE, encoding="utf-8")
        batch = documents.upload_paths([path])
        job = documents.jobs.wait(batch.job.job_id, timeout=60)
    assert [r.status for r in job.results] == ["unchanged"]
    assert len(list((tmp_path / "data" / "files").glob("upload-*"))) == 1


def test_ids_longer_than_any_of_ours_are_unknown_without_a_lookup(documents):
    assert documents.get("x" * 201) is None and not documents.delete("x" * 201)
