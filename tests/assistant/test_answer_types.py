"""A question that asks for a number, a date or contact details needs one in the passage that
answers it; a question that only mentions such a thing asks something else."""

import pytest

from assistant.evidence import answer_type_present

FOUNDATION = "De VVP werd opgericht in 1990 en telt vijf provincies."
CONTACT = ("VVP, Generaal Lemanstraat 67, 2018 Antwerpen. Tel. 03 240 50 00, info@vvp.be, "
           "www.vvp.be.")
MISSION = "De VVP behartigt de belangen van de provincies bij de Vlaamse overheid."


@pytest.mark.parametrize("question", [
    "Wat is het e-mailadres van de VVP?",
    "Wat is het algemene telefoonnummer van de VVP?",
    "Wat is de website van de VVP?",
    "Wat is het postadres van de VVP?",
    "What is the VVP's email address?",
    "What's the phone number of the VVP?",
    "Quelle est l'adresse de la VVP ?",
    "Hoeveel provincies telt de VVP?",
    "Wanneer werd de VVP opgericht?",
])
def test_a_question_for_a_detail_needs_that_detail(question):
    assert not answer_type_present(question, MISSION)
    assert answer_type_present(question, CONTACT if "opgericht" not in question else FOUNDATION)


@pytest.mark.parametrize("question", [
    "Kan ik mijn vraag per e-mail stellen?",
    "Hoe geef ik mijn nieuw adres door aan de provincie?",
    "Waarom belt de provincie mij via telefoon?",
    "Wat doet de VVP voor de provincies?",
])
def test_a_question_that_only_mentions_a_detail_asks_something_else(question):
    assert answer_type_present(question, MISSION)
