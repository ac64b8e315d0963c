"""The map-reduce path, with a LangChain chat model scripted at the protocol boundary.

The scripted model reads the passages it is actually sent (so its citations point where the text is)
and also makes things up; the tests check verification keeps only what the passages support.
"""

from __future__ import annotations

import logging
import re
from typing import Any

import pytest
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field

from bot.wiring import build_summariser
from retrieval.claims import ClaimAssessor
from retrieval.contract import summary_to_json
from retrieval.engine import Engine
from retrieval.index.embeddings import WordLlamaEmbedder
from retrieval.models import NoteKind, SummaryKind, SummaryRequest
from retrieval.settings import Settings
from retrieval.summary import Summariser
from retrieval.summary.llm_points import LLMPoints, llm_points, renumber
from retrieval.summary.quotable import quotable_split

_PASSAGE = re.compile(r'<passage n="(\d+)"[^>]*>\n(.*?)\n</passage>', re.DOTALL)
RULES = [
    ("gifts were exchanged", "Gifts were exchanged at the summit, including firearms."),
    ("developing satellites", "Putin offered to assist North Korea in developing satellites."),
    (
        "rail cargo containers",
        "North Korea has shipped thousands of rail cargo containers of weapons to Russia.",
    ),
    ("Pyongyang International Airport", "Kim greeted Putin at Pyongyang International Airport."),
    (
        "inconsistent power loads",
        "North Korean shells have inconsistent power loads and a high failure rate.",
    ),
    (
        "reports have emerged",
        "(unconfirmed) Putin reached out to Kim Jong-un seeking assistance in the form of weapons.",
    ),
    ("Trump is probably so jealous", "Trump is probably jealous of the two leaders."),
    ("blood alliance", "Experts described the visit as a blood alliance."),
    (
        "decrease his reliance on China",
        "The alliance lets Kim Jong Un decrease his reliance on China.",
    ),
    (
        "transfer of artillery from North Korea",
        "A US official disclosed a transfer of artillery from North Korea to Russia.",
    ),
]
INVENTED = "Russia delivered 400 fighter jets to North Korea in 2021."


class ScriptedChat(BaseChatModel):
    """Map: one line per rule whose phrase is in a passage, cited to it, plus an invented claim.
    Reduce: the notes back, unchanged."""

    fail: bool = False
    prompts: list[str] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    def _generate(
        self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None, **_: Any
    ) -> ChatResult:
        if self.fail:
            raise ConnectionError("the model server is down")
        prompt = str(messages[-1].content)
        self.prompts.append(prompt)
        if "<points>" in prompt:
            body = prompt.split("<points>", 1)[1].split("</points>", 1)[0]
            reply = "\n".join(line for line in body.splitlines() if line.strip())
        else:
            lines = [f"- {INVENTED} [1]"]
            for n, text in _PASSAGE.findall(prompt):
                lines += [f"- {point} [{n}]" for phrase, point in RULES if phrase in text]
            reply = "\n".join(lines)
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=reply))])


def _summariser(
    engine: Engine, embedder: WordLlamaEmbedder, chat: ScriptedChat, tokens: int
) -> Summariser:
    settings = Settings(_env_file=None, newsbot_llm_context_tokens=tokens, newsbot_llm_retries=0)  # type: ignore[call-arg]
    return build_summariser(
        engine.searcher,
        engine.store,
        embedder,
        settings=settings,
        assessor=ClaimAssessor(),
        chat=chat,
    )


def test_batch_markers_are_renumbered_to_the_whole_selection() -> None:
    assert renumber("- A point [1][3] and [2, 4].", 10) == "- A point [11][13] and [12][14]."


@pytest.mark.parametrize("tokens", [8192, 1500])  # one map batch, and several
def test_only_verified_sentences_become_points(
    seed_engine: Engine, wordllama: WordLlamaEmbedder, tokens: int
) -> None:
    chat = ScriptedChat()
    summary = _summariser(seed_engine, wordllama, chat, tokens).summarise(
        SummaryRequest(SummaryKind.TOPIC, query="North Korea Russia alliance")
    )
    maps = [p for p in chat.prompts if "<points>" not in p]
    assert (len(maps) > 1) == (tokens < 2000)
    texts = [p.text for p in summary.points]
    everything = " ".join([summary.headline, *texts, *(u.text for u in summary.unconfirmed)])
    assert "fighter jets" not in everything  # invented: no passage supports it
    assert 3 <= len(summary.points) <= 7
    assert summary.mode == "llm" and summary.fallback_reason == ""
    assert any("Gifts were exchanged" in t for t in texts)
    sources = {s.n: s.document for s in summary.sources}
    gifts = next(p for p in summary.points if "Gifts" in p.text)
    assert sources[gifts.citations[0]].startswith("000_")
    assert len({sources[n] for p in summary.points for n in p.citations}) >= 3
    # Labelled or assessed caveats, and readers' voices, are never key points.
    assert not any("seeking assistance" in t or "Trump" in t for t in texts)
    kinds = {u.kind for u in summary.unconfirmed if "Trump" in u.text}
    assert kinds <= {NoteKind.OPINION}
    assert any(
        "seeking assistance in the form of weapons" in u.text and u.kind is NoteKind.UNCONFIRMED
        for u in summary.unconfirmed
    )


def test_a_failing_model_falls_back_to_extractive_points_and_says_so(
    seed_engine: Engine, wordllama: WordLlamaEmbedder, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="retrieval.summary"):
        summary = _summariser(seed_engine, wordllama, ScriptedChat(fail=True), 8192).summarise(
            SummaryRequest(SummaryKind.TOPIC, query="North Korea Russia alliance")
        )
    assert summary.mode == "llm_fallback"
    assert summary.fallback_reason.startswith("model unavailable: ")
    assert summary_to_json(summary)["fallback_reason"] == summary.fallback_reason
    assert any("summarising extractively" in r.getMessage() for r in caplog.records)
    assert 3 <= len(summary.points) <= 7
    quoted = {s for c in seed_engine.store.chunks(None) for s in quotable_split(c.text)}
    for point in summary.points:  # extractive: sentences of the sources, not written ones
        assert set(quotable_split(point.text)) <= quoted


class _OneLine:
    """A ``SummaryLLM`` that maps to one point ending in a bare passage number, as SmolLM2 writes."""

    def map(self, topic: str, passages: Any) -> list[str]:
        return [f"- {RULES[2][1][:-1]} 1."]

    def reduce(self, topic: str, points: Any) -> str:
        raise AssertionError("one mapped point needs no reduce")


def test_a_point_cited_with_a_bare_number_is_kept(wordllama: WordLlamaEmbedder) -> None:
    from retrieval.llm.support import SupportScorer
    from tests.retrieval.llm.testkit import seed_passage

    chunk = seed_passage("004", "rail cargo containers").chunk
    written = llm_points(
        _OneLine(), "weapons", [chunk], scorer=SupportScorer(), embedder=wordllama,
        assessor=None, max_points=3, min_points=1,
    )  # fmt: skip
    assert isinstance(written, LLMPoints)
    assert [p.text for p in written.points] == [RULES[2][1]]
