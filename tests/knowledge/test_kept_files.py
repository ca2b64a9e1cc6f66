"""The kept originals: one copy per document in the files folder, and nothing outside it is
ever served or deleted."""

from knowledge.kept_files import KeptFiles


def test_keeps_a_copy_named_after_the_document(tmp_path):
    original = tmp_path / "Jaarverslag.PDF"
    original.write_bytes(b"%PDF inhoud")
    files = KeptFiles(tmp_path / "data" / "files")
    kept = files.keep(original, "jaarverslag-1a2b")
    assert kept == tmp_path / "data" / "files" / "jaarverslag-1a2b.pdf"
    assert kept.read_bytes() == b"%PDF inhoud" and original.exists()
    assert files.keep(kept, "jaarverslag-1a2b") == kept  # already kept: no copy onto itself


def test_owns_only_regular_files_inside_the_folder(tmp_path):
    files = KeptFiles(tmp_path / "files")
    outside = tmp_path / "notities.md"
    outside.write_text("eigen bestand")
    kept = files.keep(outside, "notities")
    assert files.owns(kept)
    assert not files.owns(outside)
    assert not files.owns(tmp_path / "files" / ".." / "notities.md")  # traversal out of the folder
    assert not files.owns(tmp_path / "files" / "verdwenen.md")
    assert not files.owns(tmp_path / "files")


def test_discard_deletes_a_kept_file_and_leaves_a_users_own_file_alone(tmp_path):
    files = KeptFiles(tmp_path / "files")
    own = tmp_path / "statuten.md"
    own.write_text("Artikel 1")
    kept = files.keep(own, "statuten")
    files.discard(own)
    files.discard(None)
    assert own.exists() and kept.exists()
    files.discard(str(kept))
    assert not kept.exists() and own.exists()
