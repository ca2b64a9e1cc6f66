"""Datasets for bench/retrieval_experiments.py: PolicyQA, VVP with distractors, cross-lingual
and synthetic degraded questions, all read from the shared benchmark folder."""

from __future__ import annotations

import json
import os
import random
import re
from dataclasses import dataclass
from pathlib import Path

from knowledge import analysis

REPO = Path(__file__).resolve().parents[1]


def shared_dir() -> Path:
    env = os.environ.get("VVP_SHARED_DIR")
    return Path(env) if env else Path(__file__).resolve().parents[2] / "shared"


def read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def chunk_text(text: str, size: int = 1000) -> list[str]:
    """Greedy paragraph chunker: join paragraphs up to ``size`` chars, split long ones by sentence."""
    pieces: list[str] = []
    for para in re.split(r"\n\s*\n", text):
        para = " ".join(para.split())
        if not para:
            continue
        if len(para) <= size:
            pieces.append(para)
        else:
            pieces.extend(s for s in re.split(r"(?<=[.!?;])\s+", para) if s)
    chunks, current = [], ""
    for piece in pieces:
        if current and len(current) + 1 + len(piece) > size:
            chunks.append(current)
            current = piece
        else:
            current = f"{current} {piece}".strip()
    if current:
        chunks.append(current)
    return chunks


# -- datasets ---------------------------------------------------------------------------
@dataclass
class Dataset:
    name: str
    ids: list[str]
    texts: list[str]
    queries: list[str]
    relevant: list[set[str]]  # per query, the ids that count as a hit


def policyqa(root: Path, split: str) -> Dataset:
    base = root / "bench" / "policyqa-rijksoverheid"
    corpus = read_jsonl(base / "corpus.jsonl")
    qs = [q for q in read_jsonl(base / "questions.jsonl") if q["split"] == split]
    return Dataset(
        f"policyqa-{split}",
        [d["id"] for d in corpus],
        [d["text"] for d in corpus],
        [q["question"] for q in qs],
        [set(q["relevant_passage_ids"]) for q in qs],
    )


def regeerakkoord_chunks(root: Path) -> tuple[list[str], list[str]]:
    docs = read_jsonl(root / "bench" / "regeerakkoord-vlaanderen-2019-2024" / "corpus.jsonl")
    ids, texts = [], []
    for d in docs:
        for i, chunk in enumerate(chunk_text(d["text"])):
            ids.append(f"{d['id']}#{i}")
            texts.append(chunk)
    return ids, texts


def vvp(root: Path) -> Dataset:
    own = chunk_text((root / "corpus" / "vvp" / "vvp-missie-en-werking.txt").read_text("utf-8"))
    ids = [f"vvp#{i}" for i in range(len(own))]
    r_ids, r_texts = regeerakkoord_chunks(root)
    ids, texts = ids + r_ids, own + r_texts
    qs = [q for q in read_jsonl(root / "eval" / "vvp-dev-questions.jsonl") if q["answerable"]]
    relevant = []
    for q in qs:
        phrases = [p.lower() for p in q["expect_any"]]
        relevant.append({i for i, t in zip(ids, texts) if any(p in t.lower() for p in phrases)})
    return Dataset("vvp+regeerakkoord", ids, texts, [q["question"] for q in qs], relevant)


# Hand-written English/French translations and Dutch paraphrases of policyqa TRAIN questions
# (first 8 chars of the question id): the cases where lexical channels fail and dense must help.
CROSSLINGUAL: dict[str, str] = {
    "b98b7797": "How long should I keep my financial records for the tax authorities?",
    "8adec2c3": "What are my rights when I buy something at my front door or by phone?",
    "593b79da": "Do public holidays change a payment deadline?",
    "69a1a031": "Am I liable for polluted soil around my house?",
    "9a2dbb3a": "Which offences count for the novice driving licence?",
    "4af2bced": "Que fait le médiateur national?",
    "c6d20503": "Where can I drop off old newspapers and cardboard?",
    "3ea0b039": "Que dois-je faire si je trouve une vieille cuve à mazout dans mon jardin?",
    "4cf470fb": "Can a self-employed person with a long-running business get welfare?",
    "f31aaf15": "When do I receive my diploma or certificate?",
    "3a735d9b": "Am I allowed to put up an advertising sign along the road?",
    "96118677": "When may a deceased person be buried or cremated?",
    "7903d2a3": "What do I need to arrange when I move abroad permanently?",
    "cdd111a1": "What is the penalty point system for young drivers?",
    "6f796eee": "What is the maximum rent for leasing farmland?",
    "0735945c": "Hoe vind ik mensen terug met wie ik in militaire dienst zat?",
    "2645328c": "Can my subscription be renewed automatically without asking me?",
    "a2da4b72": "Quel travail est interdit aux mineurs de moins de 18 ans?",
    "9eec7695": "Does my horse need an identity document?",
    "68db04ad": "Wat moet ik ondernemen als er een grote calamiteit gebeurt?",
}


def crosslingual(root: Path) -> Dataset:
    base = policyqa(root, "train")
    qs = {q["id"][:8]: q for q in read_jsonl(root / "bench" / "policyqa-rijksoverheid" / "questions.jsonl")}
    queries = list(CROSSLINGUAL.values())
    relevant = [set(qs[k]["relevant_passage_ids"]) for k in CROSSLINGUAL]
    return Dataset("crosslingual-policyqa-train", base.ids, base.texts, queries, relevant)


def _degrade(sentence: str, vocab: set[str], rng: random.Random) -> str:
    """Drop stopwords, keep ~60% of content words, inflect or compound-split some."""
    words = [w for w in re.findall(r"[^\W\d_]+", sentence.lower())
             if w not in analysis.DUTCH_STOPWORDS and len(w) > 2]
    words = [w for w in words if rng.random() < 0.6] or words[:3]
    out = []
    for w in words:
        r = rng.random()
        if r < 0.25 and len(w) >= 9:
            # split a compound into two known words: "provinciebestuur" -> "bestuur provincie"
            cuts = [i for i in range(4, len(w) - 3) if w[:i] in vocab and w[i:] in vocab]
            if cuts:
                i = rng.choice(cuts)
                out += [w[i:], "van", "de", w[:i]]
                continue
        if r < 0.5:
            if w.endswith("en") and len(w) > 5:
                w = w[:-2]
            elif w.endswith("e"):
                w = w + "n"
            else:
                w = w + "en"
        out.append(w)
    return " ".join(out)


def synthetic(root: Path, n: int = 200, seed: int = 7) -> Dataset:
    ids, texts = regeerakkoord_chunks(root)
    vocab = {w for t in texts for w in re.findall(r"[^\W\d_]+", t.lower()) if len(w) >= 4}
    rng = random.Random(seed)
    queries, relevant = [], []
    while len(queries) < n:
        j = rng.randrange(len(ids))
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", texts[j]) if 60 <= len(s) <= 250]
        if not sentences:
            continue
        queries.append(_degrade(rng.choice(sentences), vocab, rng))
        relevant.append({ids[j]})
    return Dataset("synthetic-regeerakkoord", ids, texts, queries, relevant)
