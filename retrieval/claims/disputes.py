"""Do two sources disagree about the same event? Offline, best-effort: numbers, dates and negation.

Two sentences are about "the same event" when they share most content words once numbers, dates and
negations are set aside; they disagree when, on top of that, they give different figures for the same
thing, different dates of the same kind, or one denies what the other asserts. An optional
``DisputeJudge`` (an LLM comparer) may be asked instead; its verdict is only trusted when the quotes it
gives really occur in two passages from two different documents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from retrieval.claims.words import content_words, normalise, wordset

_NUMBER = re.compile(
    r"(?<![\w.])(\$|£|€)?(\d+(?:[.,]\d+)*)\s*(%|pct|per\s+cent|percent|million|billion|mln|bln|thousand)?"
    r"\s*([a-z]+)?",
    re.IGNORECASE,
)
_WORD_NUMBERS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12", "hundred": "100",
}  # fmt: skip
_WEEKDAY = re.compile(
    r"\b(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b", re.IGNORECASE
)
_MONTH_DAY = re.compile(
    r"\b(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(1[89]\d\d|20\d\d)\b")
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|none|denied|denies|deny|denying|rejected|rejects|dismissed|"
    r"refuted|false|untrue|didn't|hasn't|haven't|wasn't|weren't|isn't|aren't|won't|did\s+not)\b|n't\b",
    re.IGNORECASE,
)
_UNITS_TO_SKIP = frozenset(
    {"and", "or", "to", "of", "the", "a", "in", "on", "at", "by", "from", "with"}
)


@dataclass(frozen=True)
class Conflict:
    """Why two sentences disagree, in words a member can read."""

    kind: str  # "number" | "date" | "negation"
    mine: str  # the detail as the first source gives it
    theirs: str  # the detail as the other source gives it


def same_event(a: str, b: str, threshold: float = 0.5) -> bool:
    """Most content words shared (numbers and negations ignored): the two talk about one thing."""
    return overlaps(topic_words(a), topic_words(b), threshold)


def overlaps(wa: frozenset[str], wb: frozenset[str], threshold: float = 0.5) -> bool:
    if len(wa) < 3 or len(wb) < 3:
        return False
    return len(wa & wb) / min(len(wa), len(wb)) >= threshold


def topic_words(text: str) -> frozenset[str]:
    """Content words minus negations and day or month names: what an event is about."""
    return frozenset(w for w in content_words(_NEGATION.sub(" ", text)) if w not in _DATE_WORDS)


_DATE_WORDS = wordset(
    "monday tuesday wednesday thursday friday saturday sunday mond tuesd wednesd thursd frid saturd sund"
    " jan feb mar apr jun jul aug sep sept oct nov dec january february march april june july august"
    " september october november december"
)


def find_conflict(mine: str, theirs: str) -> Conflict | None:
    """The first disagreement between two sentences already known to be about the same event."""
    return (
        _number_conflict(mine, theirs)
        or _date_conflict(mine, theirs)
        or _negation_conflict(mine, theirs)
    )


def _numbers(text: str) -> dict[str, str]:
    """Figures keyed by what they count ("people", "%", "million"), so only like is compared with like."""
    text = re.sub(
        r"\b(" + "|".join(_WORD_NUMBERS) + r")\b",
        lambda m: _WORD_NUMBERS[m.group().lower()],
        text,
        flags=re.IGNORECASE,
    )
    text = _MONTH_DAY.sub(" ", _YEAR.sub(" ", text))
    found: dict[str, str] = {}
    for match in _NUMBER.finditer(text):
        currency, value, scale, unit = match.groups()
        unit_word = (unit or "").lower()
        key = " ".join(
            part
            for part in (
                currency or "",
                (scale or "").lower(),
                "" if unit_word in _UNITS_TO_SKIP else unit_word,
            )
            if part
        )
        if key:
            found.setdefault(key, value.replace(",", ""))
    return found


def _number_conflict(mine: str, theirs: str) -> Conflict | None:
    a, b = _numbers(mine), _numbers(theirs)
    for key in a.keys() & b.keys():
        if a[key] != b[key]:
            return Conflict("number", f"{a[key]} {key}".strip(), f"{b[key]} {key}".strip())
    return None


def _date_conflict(mine: str, theirs: str) -> Conflict | None:
    for pattern in (_WEEKDAY, _MONTH_DAY, _YEAR):
        a = {normalise(m.group()) for m in pattern.finditer(mine)}
        b = {normalise(m.group()) for m in pattern.finditer(theirs)}
        if a and b and not a & b:
            return Conflict("date", ", ".join(sorted(a)), ", ".join(sorted(b)))
    return None


def _negation_conflict(mine: str, theirs: str) -> Conflict | None:
    neg_a, neg_b = bool(_NEGATION.search(mine)), bool(_NEGATION.search(theirs))
    if neg_a == neg_b or not same_event(mine, theirs, threshold=0.7):
        return None
    word = _NEGATION.search(mine if neg_a else theirs)
    denial = f"denies it (“{word.group() if word else 'not'}”)"
    return Conflict(
        "negation", denial if neg_a else "asserts it", "asserts it" if neg_a else denial
    )
