"""The VVP-assistent: cited answers from the VVP's documents.

What outsiders may use is exported here; the rest of the package is internal.

>>> from assistant import VVPRetriever       # a LangChain retriever over the knowledge base
"""

from __future__ import annotations

__all__ = ["VVPRetriever"]


def __getattr__(name: str):
    # Lazy, so `import assistant` (and every submodule import) stays light: no LangChain, Chroma or torch.
    if name == "VVPRetriever":
        from assistant.langchain_retriever import VVPRetriever

        return VVPRetriever
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
