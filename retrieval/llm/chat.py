"""Building the chat model from settings, in one place, so every caller uses the same endpoint."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from retrieval.settings import Settings

# Local servers (llama.cpp, vLLM, Ollama) accept any key, but the OpenAI SDK needs one to start.
PLACEHOLDER_KEY = "not-needed"


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
    return ChatOpenAI(
        model=settings.newsbot_llm_model,
        api_key=key,
        base_url=settings.openai_base_url or None,
        timeout=settings.newsbot_llm_timeout,
        max_retries=sdk_retries,
        max_tokens=settings.newsbot_llm_max_answer_tokens,  # type: ignore[call-arg]
        streaming=True,
    )
