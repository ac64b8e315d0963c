"""The core's settings (store, retrieval, language model), from the environment or ``.env``.

Built once in the entry point and passed down, so no module reads the environment on its own and tests
can construct exactly the configuration they mean. The core knows nothing of Discord: the bot's own
settings extend these in ``bot/settings.py``.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from pydantic import Field, SecretStr
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
    chroma_port: int = 8000
    newsbot_documents: Path = Field(default_factory=lambda: bundled("documents"))

    # --- retrieval ---------------------------------------------------------------------------
    newsbot_embeddings: str = "minilm"  # minilm | wordllama | openai:<model>
    newsbot_chunk_size: int = 500
    newsbot_chunk_overlap: int = 80
    newsbot_top_k: int = 8
    newsbot_max_per_document: int = 3
    newsbot_max_question_chars: int = 500

    # --- language model (optional) -----------------------------------------------------------
    openai_api_key: SecretStr | None = None
    openai_base_url: str | None = None
    newsbot_llm_model: str = "gpt-4o-mini"
    newsbot_llm_timeout: float = 20.0
    newsbot_llm_retries: int = 1
    newsbot_llm_context_tokens: int = 8192
    newsbot_llm_max_answer_tokens: int = 400
    newsbot_prompts: Path = Field(default_factory=lambda: bundled("prompts"))

    # --- uploads ---------------------------------------------------------------------------
    newsbot_max_upload_bytes: int = 2_000_000

    @property
    def llm_configured(self) -> bool:
        """An LLM is used only when the user pointed us at one: a key or a base URL."""
        return self.openai_api_key is not None or bool(self.openai_base_url)
