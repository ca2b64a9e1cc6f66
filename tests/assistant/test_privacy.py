"""Personal data masking: each kind found and validated, legal references, dates and amounts left alone."""

from __future__ import annotations

import logging
import time

import pytest

from assistant.conversation import ConversationStore
from assistant.privacy import LogMasking, PersonalDataMasker, mask_found

MASKER = PersonalDataMasker()


@pytest.mark.parametrize("text", [
    "jan.peeters@voorbeeld.be",
    "An.De-Smet+vvp@gemeente-gent.vlaanderen.be",
])
def test_masks_email_addresses(text):
    assert MASKER.mask(f"Mijn adres is {text}, graag antwoord.") == "Mijn adres is [e-mail], graag antwoord."


@pytest.mark.parametrize("text", [
    "0475 12 34 56", "0475/12.34.56", "0475123456", "+32 475 12 34 56", "0032 475 123 456",  # mobile
    "02 553 11 11", "+32 (0)2 553 11 11", "09/267.11.11", "(09) 267 11 11", "03-240 50 11",  # landlines
    "016 26 70 00", "050 40 30 20", "+31 20 123 4567",
])
def test_masks_belgian_and_international_phone_numbers(text):
    assert MASKER.mask(f"Bel me op {text} na 17 uur.") == "Bel me op [telefoon] na 17 uur."


@pytest.mark.parametrize("text", ["85.07.30-033.28", "85073003328", "85 07 30 033 28", "17.07.30-033.84"])
def test_masks_rijksregisternummers_with_a_valid_checksum(text):
    assert MASKER.mask(f"Rijksregisternummer {text}.") == "Rijksregisternummer [rijksregisternummer]."


def test_a_rijksregisternummer_with_a_wrong_checksum_is_left_alone():
    # 85.07.30-033.29 differs from a valid number in its check digits only.
    assert MASKER.mask("dossier 85.07.30-033.29") == "dossier 85.07.30-033.29"
    assert MASKER.mask("referentie 12345678901") == "referentie 12345678901"


@pytest.mark.parametrize("text", [
    "BE71 0961 2345 6769", "BE71096123456769", "be71 0961 2345 6769", "NL91ABNA0417164300",
    "DE89 3704 0044 0532 0130 00",
])
def test_masks_ibans_with_a_valid_checksum(text):
    assert MASKER.mask(f"Stort op {text} voor 1 mei.") == "Stort op [IBAN] voor 1 mei."


def test_an_iban_with_a_wrong_checksum_is_left_alone_and_adjacent_ibans_are_each_masked():
    assert MASKER.mask("rekening BE71 0961 2345 6768") == "rekening BE71 0961 2345 6768"
    assert MASKER.mask("BE71 0961 2345 6769 en NL91ABNA0417164300") == "[IBAN] en [IBAN]"


@pytest.mark.parametrize("text", [
    "Kerkstraat 12", "Grote Markt 3 bus 2", "Koningin Elisabethlei 22, 2018 Antwerpen", "Sint-Jansstraat 5A",
    "Frans van Cauwelaertlaan 1", "Steenweg op Gent 14/3", "Kerkstraat 12, 9000 Gent",
])
def test_masks_street_addresses(text):
    assert MASKER.mask(f"Ik woon in de {text}. Wat nu?") == "Ik woon in de [adres]. Wat nu?"


@pytest.mark.parametrize("text", [
    "Wat zegt artikel 5 van de statuten?",
    "Art. 12, § 3 en artikel 2.1.3 van het decreet van 22 december 2017.",
    "De vergadering van 12-03-2025 om 14:00, of op 03/12/2025, of 04-03-2025 12u, of 09.03.2025.",
    "Het budget is € 1.250.000,00, 0,5% meer dan in 2025 en de periode 2019-2024.",
    "Belgisch Staatsblad 04.03.2019, arrest 12/2020 van het Grondwettelijk Hof.",
    "Het Grondwettelijk Hof 2020 en de arbeidsmarkt in 2025.",
    "Ondernemingsnummer 0207.436.266 van de provincie.",
    "Hoofdstuk 3, titel 2, boek 1, pagina 0012 van de Vergadering 12 maart.",
    "Welke straat is de Kerkstraat? En de Grote Markt?",
])
def test_leaves_legal_references_dates_amounts_and_street_names_without_number_alone(text):
    assert MASKER.mask(text) == text


def test_find_names_each_kind_and_value():
    findings = MASKER.find("Mail an@voorbeeld.be, bel 0475 12 34 56, IBAN BE71 0961 2345 6769, Kerkstraat 12.")
    assert [(f.kind, f.text) for f in findings] == [
        ("email", "an@voorbeeld.be"), ("iban", "BE71 0961 2345 6769"), ("phone", "0475 12 34 56"),
        ("address", "Kerkstraat 12"),
    ]


def test_mask_found_hides_echoed_values_but_keeps_other_contact_details():
    findings = MASKER.find("Is an@voorbeeld.be juist?")
    answer = {"answer": "U schreef an@voorbeeld.be; mail info@vvp.be", "citations": [{"text": "an@voorbeeld.be"}]}
    assert mask_found(answer, findings) == {
        "answer": "U schreef [e-mail]; mail info@vvp.be", "citations": [{"text": "[e-mail]"}],
    }


def test_the_conversation_store_masks_questions_answers_and_feedback(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3", masker=MASKER)
    conversation = store.create()
    question = "Ik ben an@voorbeeld.be, 0475 12 34 56: wat zegt artikel 5?"
    store.add_turn(conversation, "m1", question, question + " (statuten)",
                   {"answer": "Artikel 5 ... an@voorbeeld.be", "standalone_question": question + " (statuten)"})
    store.add_feedback(conversation, "m1", "down", "Bel me terug op 09 267 11 11 of schrijf naar Kerkstraat 12")
    turn = store.turns(conversation)[0]
    assert turn.question == "Ik ben [e-mail], [telefoon]: wat zegt artikel 5?"
    assert turn.standalone_question == "Ik ben [e-mail], [telefoon]: wat zegt artikel 5? (statuten)"
    assert turn.answer == {"answer": "Artikel 5 ... [e-mail]",
                           "standalone_question": "Ik ben [e-mail], [telefoon]: wat zegt artikel 5? (statuten)"}
    assert store.feedback(conversation) == [("m1", "down", "Bel me terug op [telefoon] of schrijf naar [adres]")]
    raw = (tmp_path / "c.sqlite3").read_bytes() + (tmp_path / "c.sqlite3-wal").read_bytes()
    assert b"voorbeeld.be" not in raw and b"0475" not in raw and b"267 11 11" not in raw


def test_without_a_masker_the_store_keeps_the_text_as_typed(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    conversation = store.create()
    store.add_turn(conversation, "m1", "an@voorbeeld.be", "an@voorbeeld.be", {"answer": "x"})
    assert store.turns(conversation)[0].question == "an@voorbeeld.be"


def test_log_lines_are_masked_while_masking_is_active(caplog):
    logger = logging.getLogger("assistant.some.module")
    with caplog.at_level(logging.INFO):
        with LogMasking(MASKER):
            logger.info("question from %s: %s", "127.0.0.1", "mijn IBAN is BE71 0961 2345 6769, art. 5")
            try:
                raise ValueError("rijksregisternummer 85.07.30-033.28 ongeldig")
            except ValueError:
                logger.exception("failed for %s", "an@voorbeeld.be")
        logger.info("after: an@voorbeeld.be")
    text = caplog.text
    assert "mijn IBAN is [IBAN], art. 5" in text and "failed for [e-mail]" in text
    assert "rijksregisternummer [rijksregisternummer] ongeldig" in text and "85.07.30" not in text
    assert "after: an@voorbeeld.be" in text  # the factory is restored on exit


def test_log_masking_covers_other_loggers_and_leaves_plain_lines_unchanged(caplog):
    with caplog.at_level(logging.INFO), LogMasking(MASKER):
        logging.getLogger("uvicorn.error").info("Kerkstraat 12, 9000 Gent")
        logging.getLogger("knowledge.base").info("ingested %d chunks in %.1f s (artikel %d)", 12, 3.5, 5)
    assert [record.getMessage() for record in caplog.records] == ["[adres]", "ingested 12 chunks in 3.5 s (artikel 5)"]


def test_masking_a_long_question_is_fast():
    question = ("Ik woon in de Kerkstraat 12, 9000 Gent, bel 0475 12 34 56. Wat zegt artikel 5 van de "
                "statuten van 2019 over de vergadering van 12-03-2025? ") * 12
    started = time.perf_counter()
    masked = MASKER.mask(question)
    assert time.perf_counter() - started < 0.2
    assert masked.count("[adres]") == 12 and masked.count("[telefoon]") == 12


@pytest.mark.parametrize("text", ["BE12" * 5000, "Be1 " * 5000, "a@" + "b." * 10000 + "be", ("Abc " * 5000) + "straat 1",
                                  "0475 " * 4000, "12.34." * 3000])
def test_long_hostile_log_lines_are_masked_in_linear_time(text):
    started = time.perf_counter()
    MASKER.mask(text)
    assert time.perf_counter() - started < 1.0
