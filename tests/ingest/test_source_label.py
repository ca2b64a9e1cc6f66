"""The "title › section, p. N" label: one function builds it for the CLI, the API, the UI and the LLM prompt."""

from assistant.models import source_label as reexported
from ingest.models import contextual_text, source_label


def test_joins_title_and_section_with_the_page_when_known():
    assert source_label("Statuten", "Hoofdstuk 2 › Artikel 5", 3) == "Statuten › Hoofdstuk 2 › Artikel 5, p. 3"


def test_leaves_out_missing_parts_and_an_unknown_page():
    assert source_label("Statuten", "") == "Statuten"
    assert source_label("", "Artikel 5", None) == "Artikel 5"
    assert source_label("", "", 0) == ""


def test_page_label_is_the_callers_wording():
    assert source_label("Verslag", "Punt 1", 12, page_label="blz. {page}") == "Verslag › Punt 1, blz. 12"


def test_indexed_text_starts_with_the_same_label_without_page():
    assert contextual_text("Statuten", "Artikel 5", "De raad beslist.") == "Statuten › Artikel 5\nDe raad beslist."


def test_assistant_offers_the_same_function_to_the_ui():
    assert reexported is source_label
