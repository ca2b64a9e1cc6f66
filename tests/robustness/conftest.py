"""Fixtures of the robustness suite: one embedding model for the session, knowledge bases in tmp dirs.

`robust_container` is a real knowledge base with the bundled documents, shared by the session;
tests that change it restore it (and prove so with a snapshot). `container_factory` builds more
knowledge bases on other data dirs with the same model, so the model loads once.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

sys.path.insert(0, str(Path(__file__).resolve().parent))

from robustness_support import BUNDLED, api_client, make_settings  # noqa: E402


def _build(data_dir: Path, embedder, *, ingest: bool, **overrides):
    from assistant.container import Container

    container = Container(make_settings(data_dir, **overrides), embedder=embedder)
    if ingest:
        report = container.kb.ingest([BUNDLED])
        assert report.count("failed") == 0, report.results
    return container


@pytest.fixture(scope="session")
def robust_container(tmp_path_factory, embedder):
    """The bundled documents in a session-wide knowledge base (admin token "test-token")."""
    return _build(tmp_path_factory.mktemp("robust-kb"), embedder, ingest=True)


@pytest.fixture
def container_factory(tmp_path, embedder):
    """`container_factory(name="kb", ingest=True, **settings)`: another knowledge base, same model."""

    def make(name: str = "kb", *, ingest: bool = True, **overrides):
        return _build(tmp_path / name, embedder, ingest=ingest, **overrides)

    return make


@pytest.fixture
def client_for():
    """`with client_for(container) as client:` a TestClient of the API."""
    return api_client


@pytest.fixture(scope="module")
def robust_client(robust_container):
    with api_client(robust_container) as client:
        yield client
