"""The reply's bounds, with the real ChatOpenAI client against a loopback OpenAI-protocol server:
the cap in the field the server reads, reading stopped at the cap and at the budget, the stream
closed so the server stops, and a slow prompt read that fits its deadline."""

from __future__ import annotations

import time
from typing import Any

import pytest

from retrieval.llm.answerer import UNAVAILABLE_NOTICE, AbstractiveAnswerer
from retrieval.llm.chat import CHUNK_SLACK, build_chat_model, reply_budget, token_parameter
from retrieval.llm.generation import Budget
from retrieval.llm.prompts import PromptLibrary
from retrieval.models import Answer, Passage
from retrieval.settings import Settings
from tests.retrieval.llm.testkit import (
    LoopbackOpenAI,
    ServerScript,
    extractive_stand_in,
    seed_passages,
)

SUPPORTED = "North Korea has shipped thousands of rail cargo containers of weapons to Russia [3]."


def settings_for(base_url: str | None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "openai_base_url": base_url,
        "newsbot_llm_model": "loopback-test",
        "newsbot_llm_retries": 0,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def ask(settings: Settings) -> tuple[Answer, float]:
    chat = build_chat_model(settings)
    assert chat is not None
    answerer = AbstractiveAnswerer(
        chat, PromptLibrary(settings.newsbot_prompts), budget=reply_budget(settings), retries=0
    )
    started = time.monotonic()
    answer = answerer.answer("q", seed_passages(), fallback=lambda: extractive_stand_in("q"))
    return answer, time.monotonic() - started


def test_openai_gets_max_completion_tokens_and_every_other_server_max_tokens() -> None:
    assert token_parameter(settings_for(None, openai_api_key="sk-x")) == "max_completion_tokens"
    assert token_parameter(settings_for("https://api.openai.com/v1")) == "max_completion_tokens"
    assert token_parameter(settings_for("http://127.0.0.1:8080/v1")) == "max_tokens"
    forced = settings_for(
        "http://127.0.0.1:8080/v1", newsbot_llm_token_parameter="max_completion_tokens"
    )
    assert token_parameter(forced) == "max_completion_tokens"


@pytest.mark.parametrize("parameter", ["auto", "max_completion_tokens"])
def test_the_cap_is_sent_in_the_field_the_server_reads(parameter: str) -> None:
    with LoopbackOpenAI(ServerScript(reply=SUPPORTED)) as server:
        settings = settings_for(
            server.base_url,
            newsbot_llm_max_answer_tokens=123,
            newsbot_llm_token_parameter=parameter,
        )
        answer, _ = ask(settings)
        body = server.script.requests[0]
    assert answer.mode == "llm"
    wanted = "max_tokens" if parameter == "auto" else "max_completion_tokens"
    other = {"max_tokens", "max_completion_tokens"} - {wanted}
    assert body[wanted] == 123 and not other & set(body)


def test_a_server_that_ignores_the_cap_is_cut_off_and_its_stream_closed() -> None:
    script = ServerScript(mode="endless", reply=SUPPORTED, interval=0.002)
    with LoopbackOpenAI(script) as server:
        answer, _ = ask(settings_for(server.base_url, newsbot_llm_max_answer_tokens=24))
        assert script.disconnected.wait(5), "the server kept streaming to nobody"
        sent = script.sent
    # Read: the cap plus the slack (a few more were in flight when the client hung up).
    assert sent <= 24 + CHUNK_SLACK + 20
    assert answer.mode == "llm" and "rail cargo containers" in answer.text
    assert "weather" not in answer.text  # the filler verifies nowhere


def test_the_whole_reply_has_a_wall_clock_budget() -> None:
    script = ServerScript(mode="endless", reply=SUPPORTED, interval=0.05)
    with LoopbackOpenAI(script) as server:
        settings = settings_for(
            server.base_url,
            newsbot_llm_answer_budget=1.0,
            newsbot_llm_max_answer_tokens=2000,
            newsbot_llm_context_tokens=8192,
        )
        answer, seconds = ask(settings)
        assert script.disconnected.wait(5)
    assert seconds < 1.0 + 1.0
    assert answer.mode == "llm" and "rail cargo containers" in answer.text


def test_a_slow_prompt_read_within_the_first_token_deadline_is_answered() -> None:
    """A CPU server sends nothing while it reads the prompt: the first token gets its deadline,
    longer than the gap allowed between tokens (and the HTTP read timeout follows it)."""
    script = ServerScript(reply=SUPPORTED, first_delay=1.5)
    with LoopbackOpenAI(script) as server:
        settings = settings_for(
            server.base_url, newsbot_llm_first_token_timeout=5.0, newsbot_llm_timeout=0.5
        )
        answer, _ = ask(settings)
    assert answer.mode == "llm" and not answer.notices


def test_a_first_token_past_its_deadline_falls_back_and_says_why() -> None:
    script = ServerScript(reply=SUPPORTED, first_delay=3.0)
    with LoopbackOpenAI(script) as server:
        settings = settings_for(server.base_url, newsbot_llm_first_token_timeout=1.0)
        answer, seconds = ask(settings)
    assert seconds < 1.0 + 1.0
    assert answer.mode == "llm_fallback" and answer.notices == (UNAVAILABLE_NOTICE,)
    assert answer.fallback_reason == "model unavailable: no reply within 1 s"


def test_the_prompt_is_trimmed_to_what_the_server_reads_before_the_deadline() -> None:
    prompts = PromptLibrary(settings_for(None).newsbot_prompts)
    chat = build_chat_model(settings_for("http://127.0.0.1:9/v1"))
    assert chat is not None
    roomy = AbstractiveAnswerer(chat, prompts, budget=Budget())
    slow = AbstractiveAnswerer(chat, prompts, budget=Budget(first_token=2.0, prompt_rate=400))
    passages: list[Passage] = seed_passages()
    assert len(roomy.render("q", passages)[1]) == len(passages)
    kept = slow.render("q", passages)[1]
    assert 0 < len(kept) < len(passages)  # 640 tokens: the frame and the best passages
    assert kept == tuple(passages[: len(kept)])
