"""Follow-up condensation without an LLM, and the conversation store."""

from __future__ import annotations

import time

from assistant.conversation import ConversationStore, condense


def test_pronominal_adverb_is_replaced_by_its_preposition_and_the_previous_topic():
    assert condense("En wie zit daarin?", ["Uit wie bestaan de beleidscommissies?"]) == \
        "En wie zit in beleidscommissies?"
    assert condense("Wat staat er hierover in de statuten?", ["Hoe lang duurt het mandaat van de voorzitter?"]) == \
        "Wat staat er over lang duurt mandaat voorzitter in de statuten?"


def test_short_follow_up_with_a_pronoun_carries_over_key_terms():
    condensed = condense("En die van Limburg?", ["Hoeveel gedeputeerden heeft de provincie Antwerpen?"])
    assert "gedeputeerden" in condensed and "provincie" in condensed
    assert "Antwerpen" not in condensed, "the new name replaces the old one"
    assert condensed.endswith("?") and condensed.count("?") == 1, "the terms go into the question"


def test_a_standalone_question_is_left_alone():
    question = "Wat is het correspondentieadres van de VVP?"
    assert condense(question, ["Uit wie bestaan de beleidscommissies?"]) == question
    assert condense(question, []) == question


def test_conversations_older_than_the_retention_are_deleted(tmp_path):
    store = ConversationStore(tmp_path / "c.sqlite3")
    old, recent = store.create(), store.create()
    store.add_turn(old, "m1", "vraag", "vraag", {"answer": "x"})
    store.add_feedback(old, "m1", "up", None)
    store._run("UPDATE conversations SET updated_at = ? WHERE id = ?", time.time() - 40 * 86400, old)
    assert store.purge_older_than(30) == 1
    assert not store.exists(old) and store.exists(recent)
    assert store.turns(old) == [] and store.feedback(old) == []
