"""The VVP-assistent: cited answers from the VVP's documents.

What outsiders may use is exported here; the rest of the package is internal.

>>> from assistant import VVPRetriever       # a LangChain retriever over the knowledge base
>>> from assistant import DOC_TYPES, Filters  # the document types, and a search's filters
>>> Filters(doc_type=("verslag",)).doc_type
('verslag',)
"""

from __future__ import annotations

__all__ = ["DOC_TYPES", "Filters", "VVPRetriever"]


def __getattr__(name: str):
    # Lazy, so `import assistant` (and every submodule import) stays light: no LangChain, Chroma or torch.
    if name == "VVPRetriever":
        from assistant.langchain_retriever import VVPRetriever

        return VVPRetriever
    if name == "Filters":
        from knowledge.records import Filters

        return Filters
    if name == "DOC_TYPES":
        from ingest.models import DOC_TYPES

        return DOC_TYPES
    raise AttributeError(f"module 'assistant' has no attribute {name!r}")
