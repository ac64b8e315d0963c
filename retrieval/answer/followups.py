"""Making a follow-up in a thread stand alone, so retrieval sees what the member actually means."""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.models import Turn

_FOLLOW_UP_START = re.compile(
    r"^\s*(?:and|but|so|also|then|what about|how about|what of|and what about|same for|why|"
    r"how come|is that|was that|are they|were they|did they|does it|did it|is it|was it)\b",
    re.IGNORECASE,
)
_PRONOUN = re.compile(
    r"\b(?:it|its|they|them|their|theirs|this|that|these|those|he|him|his|she|her|hers|there|"
    r"the same|that one|the other)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w’'-]+")
_QUESTION_WORDS = frozenset(
    """what which who whom whose when where why how is are was were do does did can could should
    would will has have had about tell me please explain describe the a an of in on to for and or
    but with from by at as any some more much many there that this these those it its they them
    their""".split()  # noqa: SIM905
)
SHORT_FOLLOW_UP_WORDS = 4  # "Why?", "And China?", "When exactly?" need the thread to make sense


def content_words(question: str) -> list[str]:
    """The question's topical words in order, without question words and function words."""
    seen: list[str] = []
    for word in _WORD.findall(question):
        if word.lower() not in _QUESTION_WORDS and word.lower() not in (w.lower() for w in seen):
            seen.append(word)
    return seen


def is_follow_up(question: str) -> bool:
    """Whether a question leans on the thread: an opener ("what about"), a pronoun, or brevity."""
    words = _WORD.findall(question)
    return (
        bool(_FOLLOW_UP_START.search(question))
        or bool(_PRONOUN.search(question))
        or len(words) <= SHORT_FOLLOW_UP_WORDS
    )


def heuristic_rewrite(question: str, history: Sequence[Turn]) -> str:
    """Offline rewrite: prefix a follow-up with the topic words of the question it follows.

    "what about China?" after "Is Russia arming North Korea?" becomes
    "Russia arming North Korea: what about China?". A standalone question passes unchanged, and the
    thread is folded in order, so a follow-up to a follow-up keeps the original topic.
    """
    question = question.strip()
    if not history or not is_follow_up(question):
        return question
    topic = history[0].question.strip()
    for turn in history[1:]:
        topic = heuristic_rewrite(turn.question, [Turn(question=topic, answer="")])
    new = {w.lower() for w in content_words(question)}
    context = [w for w in content_words(topic.split(":")[0]) if w.lower() not in new]
    if not context:
        return question
    return f"{' '.join(context)}: {question}"


def render_history(history: Sequence[Turn], *, max_turns: int = 4, max_chars: int = 600) -> str:
    """The last few turns as plain text for the rewrite prompt; long answers are cut, they only give
    the topic."""
    lines: list[str] = []
    for turn in history[-max_turns:]:
        answer = turn.answer.strip()
        if len(answer) > max_chars:
            answer = answer[:max_chars].rsplit(" ", 1)[0] + " ..."
        lines.append(f"Q: {turn.question.strip()}\nA: {answer}")
    return "\n\n".join(lines)
