"""How extractive answers read: whole lists with their lead-in, one [n] per sentence or list,
no open quotation marks, no announcement without what it announces, the best unit first, and
citation quotes that are the text the answer used. Fixture passages are written for these tests."""

from __future__ import annotations

import re

from assistant.answerers.extractive import balance_quotes, compose, select_units
from assistant.evidence import locate_units
from assistant.models import Hit

TASKS = (
    "Het provinciebestuur vertaalt zijn opdracht in een 3-tal taken:\n"
    "• Het bestuur onderhoudt de provinciewegen. Het ruimt ook sneeuw op die wegen.\n"
    "• Het bestuur beheert de provinciale domeinen.\n"
    "• Het bestuur ondersteunt de gemeenten bij hun ruimtelijke planning."
)
STATUTE = (
    "Artikel 4\n"
    "1. De raad vergadert openbaar, behalve wanneer het gaat over:\n"
    "a. personen;\n"
    "b. de veiligheid van de provincie;\n"
    "c. vertrouwelijke bedrijfsgegevens.\n"
    "2. De raad maakt zijn agenda vooraf bekend."
)
QUOTED = (
    "In artikel 2 van de statuten wordt het doel als volgt omschreven:\n\n"
    "‘De vereniging ondersteunt haar leden. Zij organiseert studiedagen voor hen.’"
)
ANNOUNCEMENT_ONLY = "De taken van de dienst worden als volgt omschreven:"


def hit(text: str, n: int = 0) -> Hit:
    return Hit(chunk_id=f"doc{n}:{n:04d}", document_id=f"doc{n}", title=f"Document {n}", section="", page=None,
               doc_type="andere", source=f"doc{n}.md", position=0, text=text, score=1.0)


def scored(passages: list[str], best: str, others: dict[str, float] | None = None):
    """Units of the passages, with `best` (a substring of one unit) scored highest."""
    hits = [hit(text, n) for n, text in enumerate(passages)]
    per_passage = [locate_units(text, n) for n, text in enumerate(passages)]
    units = [unit for group in per_passage for unit in group]
    for unit in units:
        unit.score = 1.0 if best in unit.text else (others or {}).get(unit.text, 0.1)
    return sorted(units, key=lambda u: -u.score), per_passage, hits


def test_a_list_comes_whole_with_its_lead_in_also_when_one_item_matched():
    units, passages, hits = scored([TASKS], "domeinen")
    draft = compose(select_units(units, passages), hits)
    lines = draft.text.splitlines()
    assert lines[0] == "Het provinciebestuur vertaalt zijn opdracht in een 3-tal taken:"
    assert [line for line in lines if line.startswith("- ")] == [
        "- Het bestuur onderhoudt de provinciewegen. Het ruimt ook sneeuw op die wegen.",
        "- Het bestuur beheert de provinciale domeinen.",
        "- Het bestuur ondersteunt de gemeenten bij hun ruimtelijke planning. [1]",
    ]


def test_one_marker_per_list_not_per_line():
    units, passages, hits = scored([TASKS], "domeinen")
    draft = compose(select_units(units, passages), hits)
    assert draft.text.count("[1]") == 1 and draft.text.rstrip().endswith("[1]")


def test_a_nested_statute_list_stays_under_its_member():
    units, passages, hits = scored([STATUTE], "veiligheid")
    text = compose(select_units(units, passages), hits).text
    assert text.startswith("De raad vergadert openbaar, behalve wanneer het gaat over:")
    assert "- personen" in text and "- de veiligheid van de provincie" in text and "- vertrouwelijke bedrijfsgegevens." in text
    assert "agenda" not in text  # member 2 is not part of member 1's list


def test_an_announcement_comes_with_what_it_announces_and_quotes_stay_closed():
    units, passages, hits = scored([QUOTED], "als volgt omschreven")
    text = compose(select_units(units, passages), hits).text
    assert text.startswith("In artikel 2 van de statuten wordt het doel als volgt omschreven:")
    assert "De vereniging ondersteunt haar leden." in text
    assert text.count("‘") == text.count("’")


def test_an_announcement_whose_content_is_cut_off_is_not_quoted():
    units, passages, hits = scored([ANNOUNCEMENT_ONLY + " ", "De dienst helpt burgers met hun aanvraag."],
                                   "als volgt omschreven",
                                   {"De dienst helpt burgers met hun aanvraag.": 0.9})
    draft = compose(select_units(units, passages), hits)
    assert "als volgt omschreven" not in draft.text
    assert draft.text == "De dienst helpt burgers met hun aanvraag. [1]"


def test_every_sentence_has_one_marker_and_the_best_comes_first():
    passages = ["De raad vergadert maandelijks. De voorzitter leidt de vergadering.",
                "In juli is er geen zitting."]
    units, per_passage, hits = scored(
        passages, "voorzitter", {"De raad vergadert maandelijks.": 0.9, "In juli is er geen zitting.": 0.85})
    draft = compose(select_units(units, per_passage), hits)
    sentences = re.split(r"(?<=\]) ", draft.text)
    assert sentences[0] == "De voorzitter leidt de vergadering. [1]"
    assert all(re.search(r"\[\d\]$", sentence) for sentence in sentences)
    assert {c.n for c in draft.citations} == {1, 2}


def test_the_citation_quote_is_the_text_the_answer_used():
    passages = ["Eerste zin over iets anders. De raad vergadert maandelijks. Nog een zin. De voorzitter leidt."]
    units, per_passage, hits = scored(passages, "maandelijks", {"De voorzitter leidt.": 0.95})
    draft = compose(select_units(units, per_passage), hits)
    [citation] = draft.citations
    assert citation.quote == "De raad vergadert maandelijks. … De voorzitter leidt."
    assert "Eerste zin" not in citation.quote and "Nog een zin" not in citation.quote


def test_balance_quotes_leaves_balanced_ones_alone():
    assert balance_quotes("Zij noemt het ‘gebiedsgericht werken’.") == "Zij noemt het ‘gebiedsgericht werken’."
    assert balance_quotes("Zij organiseert studiedagen.’") == "Zij organiseert studiedagen."
    assert balance_quotes("“Open citaat zonder einde.") == "Open citaat zonder einde."


def test_a_question_in_english_or_french_gets_a_notice_in_its_language(vvp_container):
    english = vvp_container.service.ask("What is the role of the VVP in Brussels?")
    french = vvp_container.service.ask("Que fait la VVP à Bruxelles ?")
    dutch = vvp_container.service.ask("Wat doet de VVP in Brussel?")
    assert english.notice and "Dutch" in english.notice
    assert french.notice and "néerlandais" in french.notice
    assert not dutch.notice
