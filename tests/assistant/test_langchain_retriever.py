"""`VVPRetriever`: the knowledge base as a LangChain retriever, alone and inside an LCEL chain."""

from __future__ import annotations

import asyncio
import subprocess
import sys

import pytest
from langchain_core.documents import Document
from langchain_core.language_models.fake_chat_models import ParrotFakeChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.prompts import ChatPromptTemplate
from langchain_core.runnables import RunnableLambda, RunnablePassthrough
from pydantic import ValidationError

from assistant import VVPRetriever, messages
from knowledge.records import Filters

DOCUMENTS = {
    "fietsbeleid.md": "---\ntitle: Fietsbeleid Limburg\ntype: verslag\n---\n\n# Fietssnelwegen\n\n"
    "De provincie Limburg legde in 2024 veertig kilometer fietssnelweg aan langs het Albertkanaal.\n",
    "statuten.md": "---\ntitle: Statuten van de vereniging\ntype: statuten\n---\n\n# Artikel 3\n\n"
    "De raad van bestuur telt vijftien leden en vergadert minstens vier keer per jaar.\n",
    "missie.md": "---\ntitle: Missie van de vereniging\ntype: missie\n---\n\n# Partners\n\n"
    "De vereniging onderhoudt contacten met de VVSG en is lid van Cepli op Europees niveau.\n",
}
METADATA = {"chunk_id", "document_id", "title", "section", "page", "source", "score"}


@pytest.fixture(scope="module")
def kb_dir(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lc-docs")
    for name, text in DOCUMENTS.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def small_container(tmp_path_factory, kb_dir, use_embedder, make_container):
    container = make_container(tmp_path_factory.mktemp("lc-kb"), use_embedder)
    assert container.kb.ingest([kb_dir]).count("added") == len(DOCUMENTS)
    return container


def test_invoke_returns_documents_with_the_passage_and_its_source(small_container):
    documents = VVPRetriever(container=small_container, k=2).invoke("Hoeveel leden telt de raad van bestuur?")
    assert 1 <= len(documents) <= 2 and all(isinstance(doc, Document) for doc in documents)
    best = documents[0]
    assert "vijftien leden" in best.page_content
    assert METADATA <= set(best.metadata)
    assert best.metadata["title"] == "Statuten van de vereniging" and best.metadata["section"] == "Artikel 3"
    assert best.metadata["source"].endswith("statuten.md") and best.metadata["page"] is None
    assert best.id == best.metadata["chunk_id"] and best.metadata["chunk_id"].startswith(best.metadata["document_id"])
    scores = [doc.metadata["score"] for doc in documents]
    assert scores == sorted(scores, reverse=True)


def test_filters_keep_only_the_requested_document_types(small_container):
    retriever = VVPRetriever(container=small_container, k=5, filters={"doc_type": ["verslag", "missie"]})
    documents = retriever.invoke("Hoeveel leden telt de raad van bestuur?")
    assert documents and {doc.metadata["doc_type"] for doc in documents} <= {"verslag", "missie"}
    assert not any("vijftien" in doc.page_content for doc in documents)


def test_filters_by_document_id_and_as_a_filters_value(small_container):
    wanted = VVPRetriever(container=small_container, k=1).invoke("fietssnelweg Albertkanaal")[0]
    by_id = VVPRetriever(container=small_container, filters=Filters(document_id=(wanted.metadata["document_id"],)))
    assert {doc.metadata["document_id"] for doc in by_id.invoke("Wie zijn de partners?")} == {
        wanted.metadata["document_id"]}


@pytest.mark.parametrize(("filters", "message"), [
    ({"auteur": ["jan"]}, messages.UNKNOWN_FILTER.format(name="auteur")),
    ({"doc_type": ["roman"]}, "Onbekend documenttype 'roman'"),
    ({"doc_type": [3]}, "Filter 'doc_type' moet tekst"),
    ("statuten", messages.FILTERS_SHAPE),
])
def test_invalid_filters_are_rejected_with_a_clear_message(filters, message):
    with pytest.raises(ValidationError, match="filters") as raised:
        VVPRetriever(filters=filters)
    assert message in str(raised.value)


def test_k_is_a_validated_field(small_container):
    with pytest.raises(ValidationError):
        VVPRetriever(k=0)
    retriever = VVPRetriever(container=small_container, k=1)
    assert retriever.k == 1 and len(retriever.invoke("vereniging")) == 1


def test_an_empty_question_is_refused(small_container):
    with pytest.raises(ValueError, match=messages.QUERY_EMPTY):
        VVPRetriever(container=small_container).invoke("   ")


def test_ainvoke_gives_the_same_documents(small_container):
    retriever = VVPRetriever(container=small_container, k=3)
    question = "Met wie onderhoudt de vereniging contacten?"
    assert [doc.id for doc in asyncio.run(retriever.ainvoke(question))] == [doc.id for doc in retriever.invoke(question)]


def test_an_explicit_retriever_is_used_as_given(small_container):
    documents = VVPRetriever(retriever=small_container.retriever, k=1).invoke("Cepli Europees niveau")
    assert "Cepli" in documents[0].page_content


def test_components_are_checked_when_given(small_container):
    with pytest.raises(ValidationError, match="either container or retriever"):
        VVPRetriever(container=small_container, retriever=small_container.retriever)
    with pytest.raises(ValidationError, match="retriever must be"):
        VVPRetriever(retriever="Retriever")


def number_passages(documents: list[Document]) -> str:
    return "\n\n".join(
        f"[{n}] {doc.metadata['title']} › {doc.metadata['section']}\n{doc.page_content}"
        for n, doc in enumerate(documents, start=1)
    )


def test_the_retriever_feeds_cited_passages_into_an_lcel_chain(small_container):
    prompt = ChatPromptTemplate.from_messages([("human", "Bronnen:\n\n{sources}\n\nVraag: {question}")])
    # The parrot model answers with the prompt it received: what the chain cited is what it returns.
    chain = (
        {"sources": VVPRetriever(container=small_container, k=2) | RunnableLambda(number_passages),
         "question": RunnablePassthrough()}
        | prompt | ParrotFakeChatModel() | StrOutputParser()
    )
    output = chain.invoke("Hoeveel kilometer fietssnelweg legde Limburg aan?")
    assert output.startswith("Bronnen:\n\n[1] Fietsbeleid Limburg › Fietssnelwegen\n")
    assert "veertig kilometer fietssnelweg" in output.split("[2]")[0]
    assert output.endswith("Vraag: Hoeveel kilometer fietssnelweg legde Limburg aan?")


def test_without_arguments_it_reads_the_configured_settings(small_container, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)  # no stray .env
    monkeypatch.setenv("VVP_DATA_DIR", str(small_container.settings.data_dir))
    monkeypatch.setenv("VVP_EMBEDDING", "use-multilingual")  # the model small_container was built with
    monkeypatch.setenv("VVP_TOP_K", "1")
    retriever = VVPRetriever()
    documents = retriever.invoke("Hoeveel leden telt de raad van bestuur?")
    assert len(documents) == 1 and "vijftien leden" in documents[0].page_content


def test_without_a_knowledge_base_it_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("VVP_DATA_DIR", str(tmp_path / "nergens"))
    with pytest.raises(FileNotFoundError, match="nergens"):
        VVPRetriever().invoke("Wat doet de vereniging?")
    assert not (tmp_path / "nergens").exists()


def test_importing_the_package_loads_neither_langchain_nor_chroma_nor_torch():
    code = ("import sys, assistant; from assistant import VVPRetriever; "
            "print(sorted(m for m in ('chromadb', 'torch', 'langchain_core') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    # The retriever class itself needs langchain_core; the heavy parts load on first use.
    assert loaded.strip() == "['langchain_core']"
    bare = subprocess.run([sys.executable, "-c", "import sys, assistant; print('langchain_core' in sys.modules)"],
                          capture_output=True, text=True, check=True).stdout
    assert bare.strip() == "False"
