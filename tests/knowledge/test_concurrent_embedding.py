"""USE embeds without a lock: concurrent callers (API requests) and a parallel bulk call give the
same vectors as one caller at a time."""

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from knowledge.embeddings import UseEmbedder


def test_concurrent_calls_return_the_vectors_of_sequential_calls():
    embedder = UseEmbedder(threads=2)
    texts = [f"De provincie {name} beheert {n} kilometer fietspad en {n + 3} bruggen."
             for n, name in enumerate(["Antwerpen", "Limburg", "Oost-Vlaanderen", "Vlaams-Brabant", "West-Vlaanderen"] * 8)]
    sequential = np.vstack([embedder.embed_documents([text]) for text in texts])

    with ThreadPoolExecutor(8) as pool:
        concurrent = np.vstack(list(pool.map(lambda text: embedder.embed_documents([text]), texts)))
    bulk = embedder.embed_documents(texts * 40)  # several micro-batches, embedded in parallel

    assert np.allclose(concurrent, sequential, atol=1e-5)
    assert bulk.shape == (len(texts) * 40, 512)
    assert np.allclose(bulk[: len(texts)], sequential, atol=1e-5)
    assert np.allclose(bulk[-len(texts):], sequential, atol=1e-5)
