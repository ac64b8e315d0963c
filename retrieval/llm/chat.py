"""Building the chat model from settings, in one place, so every caller uses the same endpoint."""

from __future__ import annotations

from urllib.parse import urlparse

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from retrieval.llm.generation import Budget
from retrieval.settings import Settings

# Local servers (llama.cpp, vLLM, Ollama) accept any key, but the OpenAI SDK needs one to start.
PLACEHOLDER_KEY = "not-needed"
CHUNK_SLACK = 16  # chunks read past the answer cap before a server that ignores it is cut off


def token_parameter(settings: Settings) -> str:
    """The request field for the answer cap. LangChain sends ``max_completion_tokens``, which
    llama-cpp-python's server ignores (a cap of 20 returned 607 tokens)."""
    if settings.newsbot_llm_token_parameter != "auto":
        return settings.newsbot_llm_token_parameter
    host = urlparse(settings.openai_base_url or "https://api.openai.com/v1").hostname or ""
    return "max_completion_tokens" if host.endswith("openai.com") else "max_tokens"


def reply_budget(settings: Settings) -> Budget:
    """The deadlines and read cap of one reply, from settings."""
    return Budget(
        first_token=settings.newsbot_llm_first_token_timeout,
        between=settings.newsbot_llm_timeout,
        total=settings.newsbot_llm_answer_budget,
        max_chunks=settings.newsbot_llm_max_answer_tokens + CHUNK_SLACK,
        prompt_rate=settings.newsbot_llm_prompt_tokens_per_second,
    )


def build_chat_model(settings: Settings, *, sdk_retries: int = 0) -> BaseChatModel | None:
    """The configured chat model, or None when no key and no base URL were given (extractive mode).

    ``sdk_retries`` defaults to 0 because the OpenAI SDK's own retries sleep for the server's
    ``Retry-After`` (up to a minute) outside any deadline; ``AbstractiveAnswerer`` retries
    ``settings.newsbot_llm_retries`` times itself, inside its time budget. Callers without such a
    loop (e.g. a batch summary) may pass ``sdk_retries=settings.newsbot_llm_retries``.
    """
    if not settings.llm_configured:
        return None
    from langchain_openai import ChatOpenAI

    key = settings.openai_api_key or SecretStr(PLACEHOLDER_KEY)
    cap = settings.newsbot_llm_max_answer_tokens
    limits: dict[str, object] = (
        {"max_tokens": cap}
        if token_parameter(settings) == "max_completion_tokens"  # LangChain renames it so
        else {"extra_body": {"max_tokens": cap}}
    )
    return ChatOpenAI(
        model=settings.newsbot_llm_model,
        api_key=key,
        base_url=settings.openai_base_url or None,
        # The HTTP read timeout must outlast a CPU server reading the prompt in silence.
        timeout=max(settings.newsbot_llm_timeout, settings.newsbot_llm_first_token_timeout),
        max_retries=sdk_retries,
        streaming=True,
        **limits,  # type: ignore[arg-type]
    )
