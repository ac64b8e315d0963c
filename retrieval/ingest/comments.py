"""Telling reader comments from reporting in forum threads.

Answers must never present a reader's opinion as reported fact, so comment lines become COMMENT blocks.
The heuristic only runs on texts that look like forum threads (a summariser bot's footer, or many
conversational lines), because on a normal article every false positive would demote real reporting.
Inside a thread, everything after the bot's footer is comments; before it, a line counts as a comment when
it reads like chat (first or second person, a question to the thread, hedges, interjections) and carries
no sign of reporting (attribution such as "said" or "according to").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.models import PassageKind

COMMENT_THRESHOLD = 2
_MIN_THREAD_LINES = 4
_MIN_CHAT_SHARE_FOR_THREAD = 0.75
_MAX_MEAN_THREAD_LINE = 300
_MIN_WORDS = 4
_LIST_ITEM = re.compile(r"\s*(?:[-*+•]|\d+[.)])\s")
_WORD = re.compile(r"[A-Za-z]{2,}")

_QUOTED = re.compile(r"“[^”]*”?|\"[^\"]*\"?")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|told|according to|reported|announced|stated|confirmed|"
    r"declared|quoted|wrote|spokes(?:man|woman|person))\b",
    re.IGNORECASE,
)
_PERSONAL = re.compile(
    # Left out on purpose: "us" (lower-cased wire copy writes the U.S. as "us"), "mine" (gold mines),
    # and "I" followed by a full stop (initials such as "I.C.H. Corp").
    r"\b(?:I(?![.\w])|I'm|I'd|I've|I'll|[Mm]e|[Mm]y|[Ww]e|[Ww]e're|[Ww]e'd|[Oo]ur|"
    r"[Yy]ou|[Yy]ou're|[Yy]ou'd|[Yy]our|[Yy]ours)\b"
)
_QUESTION_OPENER = re.compile(
    r"(?:who|what|why|how|when|where|which)\s+(?:is|are|was|were|do|does|did|can|could|would|"
    r"should|will|has|have)\b",
    re.IGNORECASE,
)
_HEDGES = re.compile(
    r"\b(?:probably|i bet|i'd bet|lol|lmao|imo|imho|tbh|yeah|yep|nope|wow|omg|haha|"
    r"guess|honestly|literally|like,)\b",
    re.IGNORECASE,
)
_INTENSIFIER = re.compile(r"\bso (?!that\b|far\b|much\b|many\b|called\b|long\b|to\b)[a-z]+\b", re.I)
# A sentence ends at . ! ? before a capital, so "U.N. sanctions" stays one sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"“‘']?[A-Z])")
_TERMINAL = ".!?\"”'’)…:"


def _speech_removed(line: str) -> str:
    """Pronouns inside quotation marks belong to the person quoted, not to the writer."""
    return _QUOTED.sub(" ", line)


def chat_score(line: str) -> int:
    """How much a line reads like a reader talking; reporting with attribution scores zero."""
    own = _speech_removed(line)
    personal = _PERSONAL.search(own) is not None
    if not personal and _ATTRIBUTION.search(line):
        return 0  # reported speech ("said", "according to"); "I told you" is still chat
    score = 0
    if personal:
        score += 2
    stripped = line.rstrip()
    if stripped.endswith("?") or _QUESTION_OPENER.match(stripped):
        score += 2
    if stripped and stripped[-1] not in _TERMINAL:
        score += 1
    if _HEDGES.search(own):
        score += 1
    if _INTENSIFIER.search(own):
        score += 1
    sentences = _SENTENCE_END.split(own.strip())
    if len(sentences) > 1 and any(len(s.split()) <= 3 and s[-1:] in ".!" for s in sentences):
        score += 1
    return score


def _strongly_chatty(line: str) -> bool:
    """Chat that also addresses someone or asks something: hedges alone do not make a thread."""
    if _LIST_ITEM.match(line) or len(_WORD.findall(line)) < _MIN_WORDS:
        return False  # lists of example questions and table rows are layout, not conversation
    own = _speech_removed(line).rstrip()
    if not (own.endswith("?") or _PERSONAL.search(own)):
        return False
    return chat_score(line) >= COMMENT_THRESHOLD


def looks_like_thread(lines: Sequence[str], footer_at: int | None) -> bool:
    """A bot footer, or a text made mostly of short conversational lines.

    The second rule is strict on purpose: opinion columns, reviews and interviews are full of "I" and
    "you", and must stay ARTICLE.
    """
    if footer_at is not None:
        return True
    if len(lines) < _MIN_THREAD_LINES:
        return False
    if sum(len(line) for line in lines) / len(lines) > _MAX_MEAN_THREAD_LINE:
        return False
    allowed_plain = int(len(lines) * (1 - _MIN_CHAT_SHARE_FOR_THREAD))
    plain = 0
    for line in lines:
        if not _strongly_chatty(line):
            plain += 1
            if plain > allowed_plain:
                return False  # stop early: most texts fail on their first few lines
    return True


def classify_lines(lines: Sequence[str], footer_at: int | None) -> list[PassageKind]:
    """One kind per line; every line of a normal article is ARTICLE."""
    if not looks_like_thread(lines, footer_at):
        return [PassageKind.ARTICLE] * len(lines)
    end_of_article = len(lines) if footer_at is None else footer_at
    kinds: list[PassageKind] = []
    for index, line in enumerate(lines):
        if index >= end_of_article or chat_score(line) >= COMMENT_THRESHOLD:
            kinds.append(PassageKind.COMMENT)
        else:
            kinds.append(PassageKind.ARTICLE)
    return kinds
