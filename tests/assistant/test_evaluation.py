"""`vvp eval` on both question formats, with corpora built by the test."""

from __future__ import annotations

import json

from assistant.evaluation import Evaluator, materialise_corpus, read_questions, summarise


def test_passage_corpus_with_awkward_ids_is_evaluated_by_id(tmp_path, embedder, make_container):
    corpus = tmp_path / "corpus.jsonl"
    passages = [
        {"id": "a/1: b", "title": "", "text": "De provincie beheert de gewestwegen niet, het Vlaams Gewest wel."},
        {"id": "x?2", "title": "Onderwijs", "text": "Scholen vragen een erkenning aan bij de Vlaamse overheid."},
    ]
    corpus.write_text("\n".join(json.dumps(p, ensure_ascii=False) for p in passages), encoding="utf-8")
    questions = tmp_path / "questions.jsonl"
    questions.write_text(json.dumps({"question": "Wie beheert de gewestwegen?", "relevant_passage_ids": ["a/1: b"], "split": "train"})
                         + "\n" + json.dumps({"question": "Waar vraagt een school erkenning aan?",
                                              "relevant_passage_ids": ["x?2"], "split": "test"}), encoding="utf-8")
    container = make_container(tmp_path / "data", embedder)
    container.kb.ingest([materialise_corpus(corpus, tmp_path / "md", default_title="test")])
    evaluator = Evaluator(container.kb, container.retriever, container.service)
    items = read_questions(questions)
    ranks = evaluator.retrieval_ranks(items)
    assert summarise(ranks["hybride"])["hit@1"] == 1.0
    assert len(read_questions(questions, split="test")) == 1
    answers = evaluator.answers(items)
    assert answers["answered"] == 1.0 and answers["first_citation_relevant"] == 1.0
    assert answers["answered_without_gold_citation"] == 0.0


def test_expect_any_format_counts_refusals(vvp_container, tmp_path):
    questions = tmp_path / "dev.jsonl"
    rows = [{"question": "Is de VVP aangesloten bij een Europese belangenorganisatie?", "answerable": True, "expect_any": ["Cepli"]},
            {"question": "Wat is het correspondentieadres van de VVP?", "answerable": False, "expect_any": []}]
    questions.write_text("\n".join(json.dumps(row) for row in rows), encoding="utf-8")
    evaluator = Evaluator(vvp_container.kb, vvp_container.retriever, vvp_container.service)
    answers = evaluator.answers(read_questions(questions))
    assert answers["refusal_accuracy"] == 1.0 and answers["citation_precision"] == 1.0


def test_the_threshold_table_sees_the_citations_of_answers_the_configured_threshold_refuses(vvp_container, tmp_path,
                                                                                           monkeypatch):
    questions = tmp_path / "dev.jsonl"
    row = {"question": "Is de VVP aangesloten bij een Europese belangenorganisatie?", "answerable": True,
           "expect_any": ["Cepli"]}
    questions.write_text(json.dumps(row), encoding="utf-8")
    service = vvp_container.service
    evaluator = Evaluator(vvp_container.kb, vvp_container.retriever, service)
    confidence = evaluator.outcomes(read_questions(questions))[0]["confidence"]
    monkeypatch.setattr(service, "refusal_threshold", confidence + 0.01)  # just above its support: refused

    answers = evaluator.answers(read_questions(questions))

    assert answers["answered"] == 0.0 and service.refusal_threshold == confidence + 0.01
    below = [row for row in answers["thresholds"] if row["threshold"] <= confidence]
    above = [row for row in answers["thresholds"] if row["threshold"] > confidence]
    assert below and all(row["answered_with_gold_citation"] == 1.0 for row in below)
    assert all(row["answered_with_gold_citation"] == 0.0 for row in above)


def test_an_answer_whose_citations_miss_the_answer_is_counted_apart(vvp_container, tmp_path, monkeypatch):
    questions = tmp_path / "dev.jsonl"
    row = {"question": "Is de VVP aangesloten bij een Europese belangenorganisatie?", "answerable": True,
           "expect_any": ["een zin die in geen enkel document staat"]}
    questions.write_text(json.dumps(row), encoding="utf-8")
    monkeypatch.setattr(vvp_container.service, "refusal_threshold", 0.0)  # answer whatever the support
    evaluator = Evaluator(vvp_container.kb, vvp_container.retriever, vvp_container.service)

    answers = evaluator.answers(read_questions(questions))

    assert answers["answered"] == 1.0
    assert answers["answered_with_gold_citation"] == 0.0 and answers["answered_without_gold_citation"] == 1.0
