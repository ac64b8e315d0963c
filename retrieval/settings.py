"""The core's settings (store, retrieval, language model), from the environment or ``.env``.

Built once in the entry point and passed down, so no module reads the environment on its own and tests
can construct exactly the configuration they mean. The core knows nothing of Discord: the bot's own
settings extend these in ``bot/settings.py``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Literal
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def bundled(name: str) -> Path:
    """A folder that ships with newsbot (``prompts``, ``documents``).

    Installed from a wheel, it is package data of ``retrieval``; in a checkout (or an editable
    install) it is the folder at the top of the repository.
    """
    packaged = Path(str(resources.files("retrieval") / name))
    return packaged if packaged.is_dir() else PROJECT_ROOT / name


class Settings(BaseSettings):
    """Everything the engine needs; the adapters add their own on top."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # --- store -------------------------------------------------------------------------------
    newsbot_store: Path = Field(default=Path(".newsbot/store"))
    newsbot_collection: str = "newsbot"
    chroma_host: str | None = None
    chroma_port: int = Field(default=8000, ge=1, le=65535)
    newsbot_documents: Path = Field(default_factory=lambda: bundled("documents"))
    # Each Discord server its own collection (uploads and removals stay in it) ...
    newsbot_community_collections: bool = True
    # ... and every server also reads NEWSBOT_COLLECTION, the operator's, read-only from Discord.
    newsbot_shared_collection: bool = True

    # --- retrieval ---------------------------------------------------------------------------
    newsbot_embeddings: str = "minilm"  # minilm | wordllama | openai:<model>
    newsbot_chunk_size: int = Field(default=500, ge=50, le=20_000)
    newsbot_chunk_overlap: int = Field(default=80, ge=0)
    newsbot_top_k: int = Field(default=8, ge=1, le=100)
    newsbot_max_per_document: int = Field(default=3, ge=1)
    newsbot_max_question_chars: int = Field(default=500, ge=20, le=100_000)

    # --- language model (optional) -----------------------------------------------------------
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    newsbot_llm_model: str = "gpt-4o-mini"
    # Longest wait between two chunks of a reply; the first chunk and the whole reply have their own.
    newsbot_llm_timeout: float = Field(default=20.0, gt=0, le=3600)
    newsbot_llm_first_token_timeout: float = Field(default=60.0, gt=0, le=3600)
    newsbot_llm_answer_budget: float = Field(default=120.0, gt=0, le=3600)
    # Which request field carries the answer cap: OpenAI takes max_completion_tokens, local servers
    # (llama.cpp, Ollama, vLLM) max_tokens; "auto" picks by the base URL.
    newsbot_llm_token_parameter: Literal["auto", "max_tokens", "max_completion_tokens"] = "auto"
    # Prompt tokens a second the server reads (0: unknown); set, the prompt fits the deadline.
    newsbot_llm_prompt_tokens_per_second: float = Field(default=0.0, ge=0)
    newsbot_llm_retries: int = Field(default=1, ge=0, le=10)
    newsbot_llm_context_tokens: int = Field(default=8192, ge=512)
    newsbot_llm_max_answer_tokens: int = Field(default=400, ge=16)
    newsbot_prompts: Path = Field(default_factory=lambda: bundled("prompts"))

    # --- uploads ---------------------------------------------------------------------------
    newsbot_max_upload_bytes: int = Field(default=2_000_000, ge=1)
    # Largest file a command-line ingest reads (a JSONL file holds many documents: the Reuters
    # collection is 22.6 MB in one file).
    newsbot_max_ingest_bytes: int = Field(default=32_000_000, ge=1)

    # --- web pages (ingest URL, /sources add url:) ---------------------------------------------
    newsbot_fetch_max_bytes: int = Field(default=5_000_000, ge=1_000, le=100_000_000)
    newsbot_fetch_timeout: float = Field(default=15.0, gt=0, le=300)
    # Hosts or networks fetched although not public (an intranet; the tests' 127.0.0.1), comma
    # separated. Empty: only public addresses.
    newsbot_fetch_allow: str = ""

    # --- feeds (newsbot feeds, /sources feed) ------------------------------------------------------
    newsbot_feeds_db: Path = Field(default=Path(".newsbot/feeds.sqlite3"))
    # Minutes between the running bot's polls (each +-10%); 0: the bot does not poll (cron can run
    # newsbot feeds poll instead).
    newsbot_feed_poll_minutes: float = Field(default=30.0, ge=0, le=1440)
    # Newest items looked at per feed and poll.
    newsbot_feed_max_items: int = Field(default=20, ge=1, le=200)

    # --- source pages ------------------------------------------------------------------------------
    # Where members reach the bot's web app (https://news.example.org); every citation then links
    # to its passage on the document's source page. Empty: citations link to the original only.
    newsbot_public_url: str = ""

    @field_validator("newsbot_public_url")
    @classmethod
    def _public_url(cls, value: str) -> str:
        value = value.strip().rstrip("/")
        parts = urlsplit(value)
        if value and (parts.scheme not in ("http", "https") or not parts.netloc or parts.query):
            raise ValueError("must be an http(s) address such as https://news.example.org")
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Settings:
        """Ranges that depend on each other; a setting out of range is named at start-up."""
        if self.newsbot_chunk_overlap >= self.newsbot_chunk_size:
            raise ValueError("NEWSBOT_CHUNK_OVERLAP must be smaller than NEWSBOT_CHUNK_SIZE")
        if self.newsbot_llm_max_answer_tokens >= self.newsbot_llm_context_tokens // 2:
            raise ValueError(
                "NEWSBOT_LLM_MAX_ANSWER_TOKENS must leave at least half of "
                "NEWSBOT_LLM_CONTEXT_TOKENS for the question and passages"
            )
        return self

    @property
    def llm_configured(self) -> bool:
        """An LLM is used only when the user pointed us at one: a key or a base URL."""
        return self.openai_api_key is not None or bool(self.openai_base_url)
