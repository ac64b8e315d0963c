"""Every setting newsbot reads, from the environment or ``.env``, in one validated object.

Built once in the entry point and passed down, so no module reads the environment on its own and tests
can construct exactly the configuration they mean.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    # --- store -------------------------------------------------------------------------------
    newsbot_store: Path = Field(default=Path(".newsbot/store"))
    newsbot_collection: str = "newsbot"
    chroma_host: str | None = None
    chroma_port: int = 8000
    newsbot_documents: Path = Field(default=PROJECT_ROOT / "documents")

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
    newsbot_prompts: Path = Field(default=PROJECT_ROOT / "prompts")

    # --- discord -----------------------------------------------------------------------------
    discord_token: SecretStr | None = None
    discord_guild_ids: Annotated[list[int], NoDecode] = Field(default_factory=list)
    newsbot_moderator_role: str | None = None
    # Privileged intent: lets follow-ups in the bot's threads work without mentioning the bot.
    newsbot_message_content: bool = False
    newsbot_cooldown_seconds: float = 20.0
    newsbot_max_in_flight: int = 2
    newsbot_max_upload_bytes: int = 2_000_000
    newsbot_feedback_db: Path = Field(default=Path(".newsbot/feedback.sqlite3"))

    @field_validator("discord_guild_ids", mode="before")
    @classmethod
    def _split_ids(cls, value: object) -> object:
        """Accept ``123,456`` in the environment as well as a JSON list."""
        if isinstance(value, str):
            return [int(part) for part in value.replace(" ", "").split(",") if part]
        if isinstance(value, int):
            return [value]
        return value

    @property
    def llm_configured(self) -> bool:
        """An LLM is used only when the user pointed us at one: a key or a base URL."""
        return self.openai_api_key is not None or bool(self.openai_base_url)
