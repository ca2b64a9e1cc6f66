"""The staff draft answer: Markdown with footnotes and a Word file with a numbered sources list."""

from __future__ import annotations

from docx import Document

from ui.drafts import draft_docx, draft_markdown, footnote_text

ANSWER = {
    "answer": ("De VVP behartigt de belangen van de provincies. [1]\n"
               "- Ze overlegt met Brussel [2]\n- Ze bundelt kennis [2]"),
    "notice": None,
    "citations": [
        {"n": 2, "title": "Werking", "section": "Taken", "page": None, "source": "upload:werking.docx",
         "quote": "Ze overlegt"},
        {"n": 1, "title": "Missie van de VVP", "section": "Opdrachten", "page": 3, "source": "docs/missie.pdf",
         "quote": "belangen"},
    ],
}


def test_markdown_turns_markers_into_footnotes_with_title_section_page_and_source():
    markdown = draft_markdown(ANSWER, "Wat doet de VVP?")
    assert markdown.startswith("**Vraag:** Wat doet de VVP?")
    assert "provincies. [^1]" in markdown and "Brussel [^2]" in markdown
    assert "[^1]: Missie van de VVP, Opdrachten, p. 3 (bron: missie.pdf)" in markdown
    assert "[^2]: Werking, Taken (bron: werking.docx)" in markdown
    assert "[1]" not in markdown


def test_footnotes_are_renumbered_when_an_answerer_skips_a_number():
    answer = {"answer": "Eerst [2], dan [5].", "citations": [
        {"n": 5, "title": "B", "section": "", "page": None, "source": "b.md"},
        {"n": 2, "title": "A", "section": "", "page": None, "source": "a.md"}]}
    markdown = draft_markdown(answer)
    assert "Eerst [^1], dan [^2]." in markdown
    assert markdown.endswith("[^1]: A (bron: a.md)\n[^2]: B (bron: b.md)")


def test_refusal_draft_has_no_footnotes_and_keeps_the_notice():
    answer = {"answer": "In de beschikbare documenten vind ik geen antwoord op die vraag.", "citations": [],
              "notice": "Let op: niet gecontroleerd."}
    markdown = draft_markdown(answer, "Wat is het weer?")
    assert "[^" not in markdown
    assert "> **Let op:** Let op: niet gecontroleerd." in markdown


def test_docx_opens_and_lists_the_sources_as_numbered_bronnen(tmp_path):
    path = draft_docx(ANSWER, "Wat doet de VVP?", tmp_path / "sub" / "ontwerp.docx")
    document = Document(str(path))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "Ontwerpantwoord"
    assert "Vraag: Wat doet de VVP?" in texts
    assert "Bronnen" in texts
    sources = [p for p in document.paragraphs if p.style.name == "List Number"]
    assert [p.text for p in sources] == [footnote_text(ANSWER["citations"][1]), footnote_text(ANSWER["citations"][0])]
    assert "Missie van de VVP, Opdrachten, p. 3 (bron: missie.pdf)" in sources[0].text
    bullets = [p.text for p in document.paragraphs if p.style.name == "List Bullet"]
    assert bullets == ["Ze overlegt met Brussel2", "Ze bundelt kennis2"]
    superscripts = [run.text for p in document.paragraphs for run in p.runs if run.font.superscript]
    assert superscripts == ["1", "2", "2"]
    assert document.core_properties.language == "nl-BE"


def test_sources_name_files_without_server_paths_but_keep_web_addresses():
    assert footnote_text({"title": "A", "source": "/srv/vvp/knowledge/documents/a.md"}) == "A (bron: a.md)"
    web = {"title": "B", "source": "https://www.vvp.be/statuten"}
    assert footnote_text(web) == "B (bron: https://www.vvp.be/statuten)"


def test_docx_names_the_assistant_the_question_and_todays_date(tmp_path):
    import datetime as dt

    before = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    path = draft_docx(ANSWER, "Wat doet de VVP?", tmp_path / "ontwerp.docx")
    properties = Document(str(path)).core_properties
    assert properties.author == "VVP-assistent" and properties.last_modified_by == "VVP-assistent"
    assert properties.title == "Ontwerpantwoord: Wat doet de VVP?"
    assert "python-docx" not in (properties.comments or "")
    assert before <= properties.created <= dt.datetime.now(dt.timezone.utc)
    assert properties.modified == properties.created


def test_a_long_question_gives_a_short_title(tmp_path):
    question = "Welke " + "heel " * 400 + "lange vraag?"  # a question may have 2000 characters
    properties = Document(str(draft_docx(ANSWER, question, tmp_path / "o.docx"))).core_properties
    assert properties.title.startswith("Ontwerpantwoord: Welke heel") and properties.title.endswith("…")
    assert len(properties.title) < 150
    assert len(properties.subject) <= 255 and properties.subject.startswith("Welke heel")
