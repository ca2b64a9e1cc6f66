"""The LLM answerer with LangChain's deterministic fake chat models."""

from __future__ import annotations

from langchain_core.language_models.fake_chat_models import GenericFakeChatModel, ParrotFakeChatModel
from langchain_core.messages import AIMessage

from assistant import messages
from assistant.answerers.llm import LLMAnswerer, answer_chain, build_messages, check_citations, condense_chain
from assistant.models import Hit
from assistant.service import AssistantService


def hit(n: int, text: str) -> Hit:
    return Hit(chunk_id=f"doc:{n}", document_id="doc", title="Missie van de VVP", section=f"Deel {n}", page=None,
               doc_type="missie", source="vvp.md", position=n, text=text, score=1.0 / n)


HITS = [hit(1, "De VVP onderhoudt contacten met de VVSG."), hit(2, "De VVP is lid van Cepli.")]


def fake(*replies: str) -> GenericFakeChatModel:
    return GenericFakeChatModel(messages=iter([AIMessage(content=reply) for reply in replies]))


class FailingModel(GenericFakeChatModel):
    def _stream(self, *args, **kwargs):
        raise ConnectionError("endpoint down")

    def _generate(self, *args, **kwargs):
        raise ConnectionError("endpoint down")


def service_with(container, model) -> AssistantService:
    return AssistantService(container.retriever, container.scorer, container.conversations, llm=LLMAnswerer(model))


def test_prompt_carries_the_numbered_sources_and_the_rules():
    system, human = build_messages("Met wie werkt de VVP samen?", HITS)
    assert "uitsluitend" in system.content and "[1]" in system.content
    assert "[1] Missie van de VVP › Deel 1" in human.content and "De VVP is lid van Cepli." in human.content
    assert human.content.rstrip().endswith("Vraag: Met wie werkt de VVP samen?")


def test_the_answer_chain_sends_the_prompt_to_the_model_and_returns_text():
    # The parrot model answers with the last message it received: the human turn of the prompt.
    text = answer_chain(ParrotFakeChatModel()).invoke({"question": "Is de VVP lid van Cepli?", "hits": HITS})
    assert text == build_messages("Is de VVP lid van Cepli?", HITS)[1].content


def test_the_condense_chain_shows_the_last_three_turns():
    history = [(f"Vraag {n}?", f"Antwoord {n}.") for n in range(1, 5)]
    prompt = condense_chain(ParrotFakeChatModel()).invoke({"question": "En daarna?", "history": history})
    assert "Vraag 1?" not in prompt and "Vraag: Vraag 2?\nAntwoord: Antwoord 2." in prompt
    assert "Vraag: Vraag 4?\nAntwoord: Antwoord 4." in prompt and "Laatste vraag: En daarna?" in prompt


def test_citations_are_parsed_renumbered_and_an_invalid_number_is_removed():
    checked = check_citations("De VVP werkt samen met Cepli [2] en met de VVSG [1]. Ook met de EU [7].", HITS)
    assert checked.text == "De VVP werkt samen met Cepli [1] en met de VVSG [2]. Ook met de EU."
    assert [(c.n, c.chunk_id) for c in checked.citations] == [(1, "doc:2"), (2, "doc:1")]
    assert checked.grounded


def test_an_answer_without_valid_citations_is_ungrounded():
    checked = check_citations("De VVP is heel belangrijk [9].", HITS)
    assert not checked.grounded and checked.citations == [] and "[9]" not in checked.text


def test_a_stream_yields_tokens():
    pieces = list(LLMAnswerer(fake("De VVP is lid van Cepli [2].")).stream("Is de VVP lid van Cepli?", HITS))
    assert len(pieces) > 1 and "".join(pieces) == "De VVP is lid van Cepli [2]."


def test_the_service_streams_llm_tokens_and_returns_a_checked_answer(vvp_container):
    service = service_with(vvp_container, fake("De VVP onderhoudt contacten met de VVSG [1]. Verzonnen [12]."))
    events = list(service.ask_stream("Met wie onderhoudt de VVP contacten?"))
    tokens = [e.data for e in events if e.name == "token"]
    answer = events[-1].data
    assert len(tokens) > 1
    assert answer.answerer == "llm" and answer.grounded
    assert answer.answer == "De VVP onderhoudt contacten met de VVSG [1]. Verzonnen."
    assert len(answer.citations) == 1 and "VVSG" in answer.citations[0].text


def test_an_endpoint_error_falls_back_to_the_extractive_answer(vvp_container):
    service = service_with(vvp_container, FailingModel(messages=iter([])))
    answer = service.ask("Met wie onderhoudt de VVP contacten?")
    assert answer.answerer == "extractive" and answer.grounded
    assert answer.notice == messages.LLM_FALLBACK_NOTICE
    assert "VVSG" in answer.answer


def test_the_llm_condenses_follow_ups_when_configured(vvp_container):
    model = fake("Uit wie bestaan de beleidscommissies?", "Wie zit er in de beleidscommissies?",
                 "De beleidscommissies bestaan uit gedeputeerden [1].")
    service = service_with(vvp_container, model)
    first = service.ask("Uit wie bestaan de beleidscommissies?")
    follow_up = service.ask("En wie zit daarin?", conversation_id=first.conversation_id)
    assert follow_up.standalone_question == "Wie zit er in de beleidscommissies?"
