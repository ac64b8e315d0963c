"""What kind of thing a question asks for, and whether a sentence holds one.

The issue's list: who asks for a person or an organisation (in news often a group: "by experts"),
when for a date, where for a place, how many or how much for a number or an amount ("What was
the unemployment rate?" too), and "what did X say" for reported words. A sentence holds the kind
only with something the question does not already name: "Who met Putin?" is not answered by "It
met Putin." A "how many" question also says what it counts, and a number next to that ("37
countries", "thousands of rail cargo containers") is the strongest evidence there is.
"""

from __future__ import annotations

import re

_WH = re.compile(r"\b(who|whom|whose|when|where|how many|how much|how long|how old|how big|"
                 r"how large|how far|how fast|how high|how tall|how often|what year|which year|"
                 r"what date|what percentage|what proportion|what share|what rate|what price|"
                 r"what did|what does|what do|what has)\b",
                 re.IGNORECASE)  # fmt: skip
# Capitalised words and runs of them ("Vladimir Putin", "Bank of England"); a sentence's first word
# is capitalised anyway, so it only counts as part of a longer run.
_NAME = re.compile(r"\b[A-Z][\w’'&-]*(?:\s+(?:of\s+|the\s+|de\s+)?[A-Z][\w’'&-]*)*")
_NUMBER = re.compile(
    r"\b\d[\d,.]*\b|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|"
    r"thirty|forty|fifty|hundred|hundreds|thousand|thousands|million|millions|billion|billions|"
    r"dozen|dozens|several|half)\b",
    re.IGNORECASE,
)
_DATE = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b(?:January|February|March|April|May|June|July|August|"
    r"September|October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\b|"
    r"\b(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b|\b\d+(?:st|nd|rd|th)\s+"
    r"century\b|\b(?:yesterday|today|last (?:week|month|year)|earlier this (?:week|month|year))\b",
    re.IGNORECASE,
)
# "Who ..." in news is often answered by a group, not a name: "marked as a blood alliance by experts".
_AGENTS = re.compile(
    r"\b(?:experts?|analysts?|officials?|observers?|critics?|diplomats?|scientists?|researchers?"
    r"|sources?|witnesses|residents|police|authorities|lawmakers|investigators|spokes(?:man|woman))\b",
    re.IGNORECASE,
)
# "What was the US unemployment rate ...?", "What is the population of ...?": a figure.
_AMOUNT_ASKED = re.compile(
    r"\bwhat (?:is|was|are|were|will be) (?:the|its|their|his|her)\s+(?:[\w’'-]+\s+){0,3}?"
    r"(?:rate|price|cost|number|total|figure|amount|percentage|share|size|value|population|"
    r"score|salary|fee|budget|deficit|debt|profit|loss|turnover|revenue|age)s?\b",
    re.IGNORECASE,
)
# "How many Labour MPs could ...", "How many rail containers of weapons ...": the counted noun is
# the last word before the verb or preposition that ends the noun phrase.
_COUNTED = re.compile(r"\bhow\s+(?:many|much)\s+(?:of\s+the\s+)?((?:[\w’'-]+\s*){1,4})", re.I)
_PHRASE_END = frozenset((
    "could", "would", "will", "can", "did", "do", "does", "have", "has", "had", "is", "are", "was",
    "were", "be", "been", "of", "in", "on", "at", "for", "to", "from", "by", "with", "there", "that",
    "who", "which",
))  # fmt: skip
_COUNT_REACH = 5  # words between a number and what it counts ("thousands of rail cargo containers")
_PLACE = re.compile(
    r"\b(?:in|at|near|from|outside|inside|across|throughout)\s+(?:the\s+)?"
    r"([A-Z][\w’'&-]*(?:\s+(?:of\s+)?[A-Z][\w’'&-]*)*)"
)
_AMOUNTS = frozenset(
    ("what percentage", "what proportion", "what share", "what rate", "what price")
)
_ASKS_WORDS = re.compile(
    r"\b(?:say|said|tell|told|announce|announced|claim|claimed|warn|warned|describe|described|"
    r"call|called|think|thinks|believe|believes|argue|argued|report|reported|reveal|revealed)\b",
    re.IGNORECASE,
)
_SPEECH = re.compile(r"[\"“”]|\b(?:said|says|told|stated|added|warned|called|described)\b")
_WORD = re.compile(r"[\w’']+")

KINDS = ("name", "date", "number", "speech", "place")


def expected_kind(question: str) -> str | None:
    """What kind of thing the question asks for, if its wording says."""
    match = _WH.search(question)
    if not match:
        return "number" if _AMOUNT_ASKED.search(question) else None
    wh = match.group(1).lower()
    if wh in ("who", "whom", "whose"):
        return "name"
    if wh in ("when", "what year", "which year", "what date"):
        return "date"
    if wh == "where":
        return "place"
    if wh.startswith("how") or wh in _AMOUNTS or _AMOUNT_ASKED.search(question):
        return "number"
    # "What did X say/announce?" asks for reported words; "What does X want?" for a thing.
    return "speech" if _ASKS_WORDS.search(question) else None


def holds_kind(kind: str, sentence: str, question: str) -> bool:
    """Whether the sentence holds a thing of ``kind`` that the question does not already name."""
    asked = {w.lower() for w in _WORD.findall(question)}
    if kind == "speech":
        return bool(_SPEECH.search(sentence))
    if kind == "place":
        return any(
            not _DATE.fullmatch(m.group(1)) and not _words(m.group(1)) <= asked
            for m in _PLACE.finditer(sentence)
        )
    if kind == "name" and any(m.group(0).lower() not in asked for m in _AGENTS.finditer(sentence)):
        return True
    pattern = {"name": _NAME, "date": _DATE, "number": _NUMBER}[kind]
    for match in pattern.finditer(sentence):
        if kind == "name" and match.start() == 0 and " " not in match.group(0):
            continue  # "The", "North": capitalised only because the sentence starts there
        if kind == "name" and _DATE.fullmatch(match.group(0)):
            continue  # "Saturday", "March": a date, not who
        words = _words(match.group(0))
        if words and not words <= asked:
            return True
    return False


def _words(text: str) -> set[str]:
    return {w.lower() for w in _WORD.findall(text)}


def counted(question: str) -> str | None:
    """What a "how many" question counts ("How many Labour MPs ..." counts MPs), stemmed."""
    match = _COUNTED.search(question)
    if not match:
        return None
    phrase = []
    for word in match.group(1).split():
        if word.lower() in _PHRASE_END:
            break
        phrase.append(word)
    return _crude_stem(phrase[-1]) if phrase else None


def counts_it(sentence: str, noun: str) -> bool:
    """Whether a number in the sentence counts ``noun`` ("37 countries", "thousands of rail
    cargo containers", "two and a half million cars")."""
    words = _WORD.findall(sentence.lower())
    for i, word in enumerate(words):
        if _NUMBER.fullmatch(word) and any(
            _crude_stem(w) == noun for w in words[i + 1 : i + 1 + _COUNT_REACH]
        ):
            return True
    return False


def _crude_stem(word: str) -> str:
    word = word.lower()
    for suffix in ("ies", "es", "s"):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word
