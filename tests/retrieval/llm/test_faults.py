"""The real ChatOpenAI client against a loopback server that fails the way real endpoints do.

Each fault must give the extractive fallback with its notice, within the configured timeout plus a
small margin, and never an exception.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from pydantic import SecretStr

from retrieval.llm.answerer import UNAVAILABLE_NOTICE, AbstractiveAnswerer
from retrieval.llm.chat import build_chat_model, reply_budget
from retrieval.llm.prompts import PromptLibrary
from retrieval.models import Answer, Passage, Turn
from retrieval.settings import Settings
from tests.conftest import EngineFactory
from tests.retrieval.llm.testkit import (
    LoopbackOpenAI,
    ServerScript,
    extractive_stand_in,
    free_port,
)

TIMEOUT = 1.5
MARGIN = 1.0


def settings_for(base_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "openai_base_url": base_url,
        "newsbot_llm_model": "loopback-test",
        "newsbot_llm_timeout": TIMEOUT,
        "newsbot_llm_first_token_timeout": TIMEOUT,
        "newsbot_llm_retries": 1,
        **overrides,
    }
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def answerer_for(settings: Settings) -> AbstractiveAnswerer:
    chat = build_chat_model(settings)
    assert chat is not None
    return AbstractiveAnswerer(
        chat,
        PromptLibrary(settings.newsbot_prompts),
        budget=reply_budget(settings),
        retries=settings.newsbot_llm_retries,
    )


def timed_answer(answerer: AbstractiveAnswerer, passages: list[Passage]) -> tuple[Answer, float]:
    started = time.monotonic()
    answer = answerer.answer("q", passages, fallback=lambda: extractive_stand_in("q"))
    return answer, time.monotonic() - started


def assert_fell_back(answer: Answer) -> None:
    assert answer.mode == "llm_fallback" and answer.text == "EXTRACTIVE [1]"
    assert answer.fallback_reason.startswith("model unavailable: ")
    assert answer.notices == (UNAVAILABLE_NOTICE,)


def test_no_key_and_no_base_url_means_no_model() -> None:
    assert build_chat_model(Settings(_env_file=None)) is None  # type: ignore[call-arg]


def test_a_key_alone_targets_openai_and_is_never_in_the_repr() -> None:
    settings = Settings(_env_file=None, openai_api_key=SecretStr("sk-test-secret"))  # type: ignore[call-arg]
    chat = build_chat_model(settings)
    assert chat is not None
    assert "sk-test-secret" not in repr(chat) and "sk-test-secret" not in str(chat)


def test_a_working_server_streams_a_verified_answer(passages: list[Passage]) -> None:
    reply = (
        "North Korea has shipped thousands of rail cargo containers of weapons to Russia [3]. "
        "Aliens built the Kremlin [2]."
    )
    with LoopbackOpenAI(ServerScript(mode="ok", reply=reply)) as server:
        answerer = answerer_for(settings_for(server.base_url))
        stream = answerer.stream("q", passages, fallback=lambda: extractive_stand_in("q"))
        drafts = list(stream)
        final = stream.answer()
        request = server.script.requests[0]
    assert request["stream"] is True and request["model"] == "loopback-test"
    assert '<passage n="1"' in request["messages"][1]["content"]
    assert len(drafts) >= 3 and drafts[-1] == reply
    assert isinstance(final, Answer) and final.mode == "llm" and not final.notices
    assert final.text == (
        "North Korea has shipped thousands of rail cargo containers of weapons to Russia [1]."
    )
    assert final.citations[0].chunk_id == passages[2].chunk.chunk_id


def test_server_not_listening(passages: list[Passage]) -> None:
    answerer = answerer_for(settings_for(f"http://127.0.0.1:{free_port()}/v1"))
    answer, seconds = timed_answer(answerer, passages)
    assert_fell_back(answer)
    assert seconds < TIMEOUT + MARGIN


def test_server_that_stalls_past_the_timeout(passages: list[Passage]) -> None:
    with LoopbackOpenAI(ServerScript(mode="stall")) as server:
        answerer = answerer_for(settings_for(server.base_url))
        answer, seconds = timed_answer(answerer, passages)
    assert_fell_back(answer)
    assert TIMEOUT - 0.2 < seconds < TIMEOUT + MARGIN


def test_server_that_stalls_in_the_middle_of_an_answer(passages: list[Passage]) -> None:
    reply = "North Korea has shipped thousands of rail cargo containers [3]."
    with LoopbackOpenAI(ServerScript(mode="partial", reply=reply)) as server:
        answerer = answerer_for(settings_for(server.base_url))
        started = time.monotonic()
        stream = answerer.stream("q", passages, fallback=lambda: extractive_stand_in("q"))
        drafts = list(stream)
        final = stream.answer()
        seconds = time.monotonic() - started
    assert drafts == ["North ", "North Korea "]  # the draft shown so far, then replaced
    assert isinstance(final, Answer)
    assert_fell_back(final)
    assert seconds < TIMEOUT + MARGIN


@pytest.mark.parametrize("status", ["429", "500"])
def test_server_error_statuses_are_retried_then_fall_back(
    status: str, passages: list[Passage]
) -> None:
    with LoopbackOpenAI(ServerScript(mode=status)) as server:
        answerer = answerer_for(settings_for(server.base_url, newsbot_llm_retries=1))
        answer, seconds = timed_answer(answerer, passages)
        attempts = len(server.script.requests)
    assert_fell_back(answer)
    assert attempts == 2  # one try plus the one configured retry, no more
    assert seconds < TIMEOUT + MARGIN  # the 429's Retry-After: 30 is not honoured


def test_rewrite_falls_back_to_the_heuristic_when_the_server_fails() -> None:
    history = [Turn(question="Is Russia arming North Korea?", answer="Reportedly [1].")]
    with LoopbackOpenAI(ServerScript(mode="500")) as server:
        answerer = answerer_for(settings_for(server.base_url))
        started = time.monotonic()
        rewritten = answerer.rewrite("what about China?", history)
    assert rewritten == "Russia arming North Korea: what about China?"
    assert time.monotonic() - started < TIMEOUT + MARGIN


def test_rewrite_uses_the_model_when_it_answers() -> None:
    history = [Turn(question="Is Russia arming North Korea?", answer="Reportedly [1].")]
    script = ServerScript(mode="ok", reply="Is China arming North Korea?")
    with LoopbackOpenAI(script) as server:
        answerer = answerer_for(settings_for(server.base_url))
        rewritten = answerer.rewrite("what about China?", history)
        prompt = script.requests[0]["messages"][1]["content"]
    assert rewritten == "Is China arming North Korea?"
    assert "Is Russia arming North Korea?" in prompt and "what about China?" in prompt


def test_the_model_is_not_asked_what_the_documents_do_not_answer(
    make_engine: EngineFactory,
) -> None:
    """The answerability decision is the engine's, on both paths: an uncovered question never
    reaches the model, a covered one does."""
    with LoopbackOpenAI(ServerScript(mode="ok", reply="Lasagna needs pasta [1].")) as server:
        engine = make_engine(
            openai_base_url=server.base_url,
            newsbot_llm_model="loopback-test",
            newsbot_llm_timeout=TIMEOUT,
            newsbot_llm_first_token_timeout=TIMEOUT,
        )
        engine.ensure_documents()
        declined = engine.answer("What is the recipe for lasagna?")
        asked_before = len(server.script.requests)
        engine.answer("How many rail containers of weapons were shipped?")
        asked_after = len(server.script.requests)
    assert declined.abstained and asked_before == 0
    assert asked_after == 1
