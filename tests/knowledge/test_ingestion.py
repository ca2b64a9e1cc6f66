"""The ingest flow: each file reported in the order given (a bad one with its reason, never
raised), the stores written, an unchanged file skipped, and an updated upload's old copy gone."""

from __future__ import annotations

from pathlib import Path


from knowledge.ingestion import EMBED_BATCH, IngestOptions, Ingestion
from knowledge.kept_files import KeptFiles
from knowledge.records import IngestItem
from knowledge.stores import Stores
from knowledge.vector_store import VectorStore, make_client
from tests.fakes import LengthEmbedder as FakeEmbedder


def ingestion_in(data_dir: Path) -> Ingestion:
    stores = Stores(data_dir, VectorStore(make_client(data_dir, None), "vvp_chunks", FakeEmbedder()))
    stores.recover()
    return Ingestion(stores, KeptFiles(data_dir / "files"), IngestOptions(chunk_size=200, chunk_overlap=20))


def write_files(folder: Path) -> list[Path]:
    folder.mkdir()
    statuten = folder / "statuten.md"
    statuten.write_text("# Statuten\n\n## Artikel 1\n\nDe vereniging draagt de naam VVP.\n", encoding="utf-8")
    leeg = folder / "leeg.md"
    leeg.write_text("", encoding="utf-8")
    missie = folder / "missie.md"
    missie.write_text("# Missie\n\n" + "De provincies werken samen aan goed bestuur. " * 12, encoding="utf-8")
    return [statuten, leeg, missie]


def test_every_file_is_reported_in_order_and_the_good_ones_are_stored(tmp_path):
    ingestion = ingestion_in(tmp_path / "data")
    paths = write_files(tmp_path / "docs")
    seen = []
    report = ingestion.ingest(paths, lambda done, total, detail: seen.append((done, total)))
    assert [Path(result.path).name for result in report.results] == ["statuten.md", "leeg.md", "missie.md"]
    assert [result.status for result in report.results] == ["added", "failed", "added"]
    assert report.results[1].reason and "leeg" in report.results[1].reason.lower()
    stored = {c.metadata["document_id"] for c in ingestion.stores.vectors.iter_all()}
    assert stored == {report.results[0].document_id, report.results[2].document_id}
    assert seen[-1][0] == seen[-1][1]  # the progress ends at its total
    kept = sorted(path.name.split(".")[-1] for path in (tmp_path / "data" / "files").iterdir())
    assert kept == ["md", "md"]


def test_an_unchanged_file_is_not_read_again(tmp_path):
    ingestion = ingestion_in(tmp_path / "data")
    paths = write_files(tmp_path / "docs")
    ingestion.ingest(paths)
    version = ingestion.stores.vectors.version()
    report = ingestion.ingest([paths[0], paths[2]])
    assert [result.status for result in report.results] == ["unchanged", "unchanged"]
    assert ingestion.stores.vectors.version() == version


def test_an_updated_upload_replaces_its_kept_copy(tmp_path):
    ingestion = ingestion_in(tmp_path / "data")
    uploads = tmp_path / "data" / "files"
    uploads.mkdir(parents=True)
    first = uploads / "upload-1.md"
    first.write_text("# Verslag\n\nDe raad vergaderde in maart.\n", encoding="utf-8")
    item = IngestItem(first, source="upload:verslag.md", original_name="verslag.md", stored_path=first)
    assert ingestion.ingest_file(item).status == "added"
    second = uploads / "upload-2.md"
    second.write_text("# Verslag\n\nDe raad vergaderde in april.\n", encoding="utf-8")
    result = ingestion.ingest_file(IngestItem(second, "upload:verslag.md", "verslag.md", stored_path=second))
    assert result.status == "updated"
    assert not first.exists() and second.exists()
    assert ingestion.stores.manifest.get(result.document_id).stored_path == str(second)


def test_small_documents_share_one_write(tmp_path, monkeypatch):
    ingestion = ingestion_in(tmp_path / "data")
    folder = tmp_path / "docs"
    folder.mkdir()
    for number in range(10):
        (folder / f"besluit-{number}.md").write_text(f"# Besluit {number}\n\nDe raad beslist over punt {number}.\n")
    writes = []
    add = ingestion.stores.vectors.add
    monkeypatch.setattr(ingestion.stores.vectors, "add", lambda chunks, *a, **kw: (writes.append(len(chunks)), add(chunks, *a, **kw)))
    report = ingestion.ingest([folder])
    assert report.count("added") == 10
    assert writes == [10] and 10 < EMBED_BATCH  # one model call and one Chroma write for all ten
