"""Generated bench documents vary real text instead of copying it."""

from bench.corpus import DocumentGenerator, Passage, sentence_key, sentences_of
from bench.data import LongQuestionStream, QuestionStream

PASSAGES = [
    Passage("Mobiliteit", ("De provincie Limburg legt 12 kilometer fietspad aan.", "Het budget bedraagt 4 miljoen euro.",
                           "De werken starten in 2025.", "De gemeenteraad van Genk keurde het plan goed.")),
    Passage("Onderwijs", ("Scholen krijgen 300 extra leerkrachten.", "De VVP pleit voor meer overleg.",
                          "Het decreet geldt vanaf 1 september.")),
]


def test_generated_documents_differ_and_recombine_real_sentences():
    documents = [text for _, (_, text) in zip(range(30), DocumentGenerator(PASSAGES, seed=1).documents())]
    assert len(set(documents)) == 30
    real_keys = {sentence_key(s) for passage in PASSAGES for s in passage.sentences}
    body = [line for text in documents for line in text.split("\n") if line and not line.startswith(("#", "-", "title", "type"))]
    generated_keys = {sentence_key(s) for line in body for s in sentences_of(line)}
    assert generated_keys <= real_keys  # only real sentences, with numbers and names varied
    numbers = {s for text in documents for s in sentences_of(text) if "kilometer fietspad" in s}
    assert len(numbers) > 3  # the same sentence appears with different numbers and places


def test_sentence_key_blanks_numbers_and_names():
    assert sentence_key("De provincie Limburg legt 12 km aan.") == sentence_key("De provincie Antwerpen legt 7 km aan.")
    assert sentence_key("De provincie Limburg legt 12 km aan.") != sentence_key("De provincie legt een weg aan.")


def test_long_flattened_text_is_cut_into_sentence_sized_pieces():
    pieces = sentences_of("tabel " + "rij met cijfers, " * 100)
    assert len(pieces) > 1 and all(len(piece) <= 400 for piece in pieces)


def test_question_stream_never_repeats_a_text():
    stream = QuestionStream(["Wat doet de VVP?", "Wie is de gouverneur?"], seed=3)
    texts = stream.take(50)
    assert len(set(texts)) == 50
    assert any("gouverneur" in text for text in texts) and any("VVP" in text for text in texts)


def test_long_question_stream_joins_real_questions_into_unique_texts_of_about_235_characters():
    questions = ["Wat doet de VVP?", "Wie is de gouverneur van Limburg?", "Hoeveel provincies telt Vlaanderen?",
                 "Wanneer vergadert de provincieraad?", "Welke taken heeft de deputatie in het mobiliteitsbeleid?"]
    texts = LongQuestionStream(questions, seed=4).take(300)
    lengths = [len(text) for text in texts]

    assert len(set(texts)) == 300
    assert all(205 <= length <= 265 for length in lengths) and 220 <= sum(lengths) / len(lengths) <= 250
    assert all(any(question.rstrip("?").lower()[:12] in text.lower() for question in questions) for text in texts)
    assert sum(text.count("?") for text in texts) > 2 * len(texts)  # several questions in one request


def test_one_very_long_question_is_cut_at_a_word_near_the_target():
    text = LongQuestionStream(["Waarom " + "duurt de vergadering van de provincieraad zo lang " * 10 + "?"]).next()
    assert 205 <= len(text) <= 265 and text.endswith("?") and not text[:-1].endswith(" ")
