"""Refusals: a filter that excludes everything says so; suggestions share a term with the question;
with a filter, answers and suggestions come only from documents of the chosen types."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from assistant import messages
from assistant.api.app import create_app
from assistant.matching import terms_of
from knowledge.base import Filters

DOCUMENTS = {
    "welkom.md": ("missie", "Welkom bij de Vereniging van de Vlaamse Provincies.\n\n"
                            "Wij stellen de provincies graag aan u voor."),
    "studiedienst.md": ("missie", "# Studiedienst\n\nBij de studiedienst kunnen provinciemandatarissen terecht "
                                  "met vragen over regelgeving. De studiedienst maakt ook nota's."),
    "fietsplan.md": ("verslag", "# Beslissingen\n\nHet fietsplan voor de Kempen werd op 12 maart door de "
                                "provincieraad goedgekeurd. Het fietsplan verbindt de provincies Antwerpen en Limburg."),
    "statuten.md": ("statuten", "# Artikel 3\n\nHet fietsplan van de vereniging werd op 3 juni 2019 door de algemene "
                                "vergadering goedgekeurd.\n\n# Artikel 4\n\nDe zetel van de vereniging van de provincies is "
                                "gevestigd te Brussel."),
    "werking.md": ("commissie", "# Beleidscommissies\n\nDe beleidscommissies bestaan uit gedeputeerden van de "
                                "provincies. Zij vergaderen maandelijks in Brussel."),
}


@pytest.fixture(scope="module")
def container(tmp_path_factory, embedder, make_container):
    folder = tmp_path_factory.mktemp("docs")
    for name, (doc_type, text) in DOCUMENTS.items():
        (folder / name).write_text(f"---\ntitle: {name[:-3].capitalize()}\ntype: {doc_type}\n---\n\n{text}\n",
                                   encoding="utf-8")
    built = make_container(tmp_path_factory.mktemp("data"), embedder)
    assert built.kb.ingest([folder]).count("failed") == 0
    return built


def test_a_filter_that_leaves_no_documents_says_so(container):
    answer = container.service.ask("Wanneer werd het fietsplan goedgekeurd?",
                                   filters=Filters(doc_type=("decreet",)))
    assert answer.answer == messages.FILTER_EXCLUDES_ALL
    assert not answer.grounded and answer.citations == [] and answer.suggestions == []


def test_an_unknown_document_filter_says_so_too(container):
    answer = container.service.ask("Wat doet de studiedienst?", filters=Filters(document_id=("bestaat-niet",)))
    assert answer.answer == messages.FILTER_EXCLUDES_ALL


def test_the_filter_message_over_http(container):
    with TestClient(create_app(container.settings, container)) as client:
        body = client.post("/api/ask", json={"question": "Wat doet de studiedienst?",
                                             "filters": {"doc_type": ["decreet"]}}).json()
        assert body["answer"] == messages.FILTER_EXCLUDES_ALL
        filtered = client.post("/api/ask", json={"question": "Wanneer werd het fietsplan goedgekeurd?",
                                                 "filters": {"doc_type": ["statuten"]}}).json()
        assert filtered["citations"] and {c["source"] for c in filtered["citations"]} == {"statuten.md"}


def test_without_a_filter_an_unanswerable_question_gets_the_plain_refusal(container):
    answer = container.service.ask("Wat is het telefoonnummer van de studiedienst?")
    assert answer.answer == messages.REFUSAL


def test_with_a_filter_answers_come_only_from_that_type(container):
    question = "Wanneer werd het fietsplan goedgekeurd?"
    unfiltered = container.service.search(question, k=5)
    assert {hit.doc_type for hit in unfiltered} >= {"statuten", "verslag"}, "both types answer without a filter"
    for doc_type, source in (("statuten", "statuten.md"), ("verslag", "fietsplan.md")):
        answer = container.service.ask(question, filters=Filters(doc_type=(doc_type,)))
        assert answer.grounded and {c.source for c in answer.citations} == {source}
        hits = container.service.search(question, k=5, filters=Filters(doc_type=(doc_type,)))
        assert hits and {hit.doc_type for hit in hits} == {doc_type}


def test_a_filtered_refusal_suggests_only_passages_of_that_type(container):
    answer = container.service.ask("Hoeveel kost de zetel in Brussel per jaar aan huur?",
                                   filters=Filters(doc_type=("commissie",)))
    assert not answer.grounded
    assert all(s.source == "werking.md" for s in answer.suggestions)


def test_refusal_suggestions_share_a_content_term_with_the_question(container):
    answer = container.service.ask("Wat is het telefoonnummer van de studiedienst?")
    assert answer.answer == messages.REFUSAL
    assert [s.source for s in answer.suggestions] == ["studiedienst.md"]
    [suggestion] = answer.suggestions
    assert "studiedienst" in suggestion.quote.lower() and suggestion.quote in suggestion.text


def test_a_refusal_sharing_nothing_suggests_nothing(container):
    answer = container.service.ask("Wat is de prijs van een brood in Gent?")
    assert answer.answer == messages.REFUSAL
    assert answer.suggestions == []


def test_words_found_in_most_passages_relate_nothing(container):
    """"provincies" is in most passages here, and the welcome text shares no more than that."""
    answer = container.service.ask("Hoeveel inwoners hebben de provincies samen?")
    assert not answer.grounded
    assert all("Welkom" not in s.text for s in answer.suggestions)
    for suggestion in answer.suggestions:
        assert terms_of(suggestion.quote) & {"inwoner"}
