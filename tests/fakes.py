"""Small fake embedders for tests where the model is not the subject."""

from __future__ import annotations

import numpy as np


class LengthEmbedder:
    """A 4-dimensional vector from the text's length: deterministic, instant, tells texts apart."""

    model_id = "fake-4"

    def embed_documents(self, texts):
        return np.array([[len(text), 1.0, 0.0, 0.5] for text in texts], dtype=np.float32)

    def embed_query(self, text):
        return self.embed_documents([text])[0]
