"""Extractive answers on the bundled VVP documents: facts, literal quotes, refusals, follow-ups."""

from __future__ import annotations

import re

import pytest

from assistant import messages
from assistant.service import InvalidQuestion, UnknownConversation

EXPECTED = [
    ("Hoe omschrijven de statuten het maatschappelijk doel van de vereniging?", "maatschappelijk doel"),
    ("Welke dienst zet de vereniging op voor de aangesloten leden?", "studie- en documentatiedienst"),
    ("Met wie onderhoudt de VVP contacten?", "VVSG"),
    ("Hoeveel provinciebesturen werken samen in de VVP?", "5 Vlaamse provinciebesturen"),
    ("Wie kan bij de studiedienst terecht?", "provinciemandatarissen"),
    ("Uit wie bestaan de beleidscommissies?", "gedeputeerden"),
    ("Welke methode voor provinciaal management stimuleert de VVP?", "gebiedsgericht werken"),
    ("Is de VVP aangesloten bij een Europese belangenorganisatie?", "Cepli"),
    ("Richt de VVP studiedagen in?", "studiedagen"),
]


def assert_well_cited(answer) -> None:
    markers = {int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)}
    assert markers == {citation.n for citation in answer.citations}, "every [n] has a citation and vice versa"
    for citation in answer.citations:
        parts = citation.quote.split(" … ")
        assert citation.quote and all(part in citation.text for part in parts), "the quote is literally in the passage"
        assert citation.chunk_id and citation.document_id and citation.title


@pytest.mark.parametrize("question,fact", EXPECTED)
def test_extractive_answer_contains_the_fact_with_a_valid_citation(vvp_container, question, fact):
    answer = vvp_container.service.ask(question)
    assert answer.grounded and answer.answerer == "extractive"
    assert fact in answer.answer
    assert_well_cited(answer)
    assert any(fact in citation.quote for citation in answer.citations)


def test_every_answer_sentence_is_a_quote_from_its_source(vvp_container):
    answer = vvp_container.service.ask("Welke opdrachten heeft de VVP?")
    by_number = {citation.n: citation.text for citation in answer.citations}
    for piece in re.finditer(r"(?:^|\n|\] )(?:- )?(.+?) \[(\d+)\]", answer.answer):
        text, number = piece.group(1).strip(), int(piece.group(2))
        assert text.rstrip(";,") in by_number[number] or text in by_number[number]


@pytest.mark.parametrize("question", [
    "Hoeveel ambtenaren werken er bij de provincie Antwerpen?",
    "Wat is het correspondentieadres van de VVP?",
    "Wat is het telefoonnummer van de VVP?",
    "Hoeveel inwoners heeft Gent?",
    "Wat is het e-mailadres van de VVP?",
    "What is the VVP's email address?",
    "Quelle est l'adresse de la VVP ?",
])
def test_refuses_when_no_passage_supports_the_question(vvp_container, question):
    answer = vvp_container.service.ask(question)
    assert not answer.grounded
    assert answer.answer == messages.REFUSAL
    assert answer.citations == []
    # Suggestions, if any, share a term with the question: tests/assistant/test_refusals.py.
    assert all(suggestion.quote in suggestion.text for suggestion in answer.suggestions)


@pytest.mark.parametrize("question,fact", [
    ("What is the role of the VVP in Brussels?", "politiek Brussel"),
    ("Que fait la VVP à Bruxelles ?", "Brussel"),
])
def test_english_and_french_questions_are_answered_from_the_dutch_text(vvp_container, question, fact):
    answer = vvp_container.service.ask(question)
    assert answer.grounded
    assert fact in answer.answer
    assert_well_cited(answer)


def test_a_follow_up_is_resolved_using_the_previous_turn(vvp_container):
    service = vvp_container.service
    first = service.ask("Waaruit bestaat de VVP-werking?")
    follow_up = service.ask("En wie zit daarin?", conversation_id=first.conversation_id)
    assert "werking" in follow_up.standalone_question.lower()
    assert follow_up.grounded
    assert "gedeputeerden" in follow_up.answer or "personeelsleden" in follow_up.answer
    turns = vvp_container.conversations.turns(first.conversation_id)
    assert [turn.question for turn in turns] == ["Waaruit bestaat de VVP-werking?", "En wie zit daarin?"]


def test_a_new_question_in_a_conversation_is_not_rewritten(vvp_container):
    service = vvp_container.service
    first = service.ask("Uit wie bestaan de beleidscommissies?")
    second = service.ask("Wat is het correspondentieadres van de VVP?", conversation_id=first.conversation_id)
    assert second.standalone_question == "Wat is het correspondentieadres van de VVP?"
    assert not second.grounded


def test_invalid_questions_and_unknown_conversations_are_rejected_in_dutch(vvp_container):
    service = vvp_container.service
    with pytest.raises(InvalidQuestion, match="leeg"):
        service.ask("   \n\t ")
    with pytest.raises(InvalidQuestion, match="te lang"):
        service.ask("provincie " * 500)
    with pytest.raises(UnknownConversation):
        service.ask("Wat doet de VVP?", conversation_id="bestaat-niet")


def test_stream_events_come_in_order(vvp_container):
    events = list(vvp_container.service.ask_stream("Wie kan bij de studiedienst terecht?"))
    names = [event.name for event in events]
    assert names[-2:] == ["citations", "done"] and set(names[:-2]) == {"token"}
    assert "".join(event.data for event in events if event.name == "token") == events[-1].data.answer
