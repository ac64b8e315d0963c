"""Putting retrieved passages into the prompt: numbered, delimited, and within the token budget."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from retrieval.models import Passage

TokenCounter = Callable[[str], int]

# Our delimiter inside a passage would let a document "end" its data block and speak as the prompt;
# breaking the tag keeps the text readable while making it inert.
_TAG = re.compile(r"<(/?)(passages?)\b", re.IGNORECASE)


def estimate_tokens(text: str) -> int:
    """A deliberately pessimistic count (3 characters a token) that needs no tokenizer download.

    English BPE averages about 4 characters a token; erring low keeps the prompt inside the window
    of every OpenAI-compatible model without knowing its tokenizer.
    """
    return math.ceil(len(text) / 3) + 1


def _attribute(value: str) -> str:
    escaped = value.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
    return escaped.replace("\n", " ")


def inert(text: str) -> str:
    """Text with our delimiter tags broken, so it cannot close or open a data block."""
    return _TAG.sub(lambda m: f"< {m.group(1)}{m.group(2)}", text)


def render_passage(n: int, passage: Passage, text: str | None = None) -> str:
    chunk = passage.chunk
    date = chunk.date.isoformat() if chunk.date else "unknown"
    body = inert(chunk.text if text is None else text)
    return (
        f'<passage n="{n}" title="{_attribute(chunk.title)}" date="{date}" '
        f'kind="{chunk.kind.value}" source="{_attribute(chunk.source)}">\n{body}\n</passage>'
    )


@dataclass(frozen=True)
class PromptContext:
    """The passages that fit, best first (prompt number ``n`` is ``passages[n - 1]``), rendered."""

    passages: tuple[Passage, ...]
    rendered: str
    dropped: int  # lowest-ranked passages left out for lack of room
    truncated: bool  # the best passage alone was too long and was cut


def build_context(
    passages: Sequence[Passage], budget_tokens: int, *, count: TokenCounter = estimate_tokens
) -> PromptContext:
    """Keep the longest best-first prefix of ``passages`` whose rendering fits ``budget_tokens``.

    A prefix, not a knapsack: a lower-ranked passage never displaces a better one just because it
    is shorter. If even the best passage does not fit, it is cut so the model still sees evidence.
    """
    kept: list[Passage] = []
    blocks: list[str] = []
    used = 0
    truncated = False
    for passage in passages:
        block = render_passage(len(kept) + 1, passage)
        cost = count(block) + 1
        if used + cost > budget_tokens:
            if not kept and budget_tokens > 0:
                block = _truncate_to_fit(passage, budget_tokens, count)
                if block:
                    kept.append(passage)
                    blocks.append(block)
                    truncated = True
            break
        kept.append(passage)
        blocks.append(block)
        used += cost
    return PromptContext(
        passages=tuple(kept),
        rendered="\n\n".join(blocks),
        dropped=len(passages) - len(kept),
        truncated=truncated,
    )


def _truncate_to_fit(passage: Passage, budget: int, count: TokenCounter) -> str:
    text = passage.chunk.text
    low, high = 0, len(text)
    best = ""
    while low <= high:  # binary search on the cut point: the counter need not be linear
        mid = (low + high) // 2
        block = render_passage(1, passage, text[:mid])
        if count(block) + 1 <= budget:
            best, low = block, mid + 1
        else:
            high = mid - 1
    return best if best and len(best) > len(render_passage(1, passage, "")) else ""
