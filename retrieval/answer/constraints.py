"""What a question pins down, and whether the retrieved passages are about that and not a sibling.

A question about the 2019 final answered from the 2018 article, or one about Japan's loan answered
from a sentence about China's, reads as an answer and is wrong. The years, ordinals and quarters
of a question must appear in what answers it, or the answer says which ones the documents cover
instead; a name the passages never mention is said to be missing rather than silently swapped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

# Years, ordinals, quarters, figures, and capitalised names past the question's first word (which
# is capitalised anyway). An answer about another year or another name is not one.
_CONSTRAINT = re.compile(
    r"\b(?:1[0-9]{3}|20[0-9]{2})\b|\b\d+(?:st|nd|rd|th)\b|\bQ[1-4]\b|\b\d[\d,.]*\b"
    r"|(?<=\s)[A-Z][\w’'&-]+"
)
_QUESTION_CAPITALS = frozenset(
    [
        "I",
        "What",
        "Who",
        "Whom",
        "Whose",
        "When",
        "Where",
        "Why",
        "How",
        "Which",
        "Did",
        "Does",
        "Do",
        "Is",
    ]
)
_EDITION = re.compile(r"\b(?:1[89][0-9]{2}|20[0-9]{2})\b|\b\d+(?:st|nd|rd|th)\b|\bQ[1-4]\b", re.I)
# A run of capitalised words after the first word ("Capital Radio", "Bank of England").
_NAME_RUN = re.compile(r"(?<=\s)[A-Z][\w&]*(?:['’]s)?(?:\s+(?:of\s+|the\s+)?[A-Z][\w&]*)*")
_POSSESSIVE = re.compile(r"['’]s$")
_LINKS = frozenset(("of", "the", "and", "de"))
# Adjectives of places that share no first letters with them; either word mentions the place.
_KIN = {
    "french": "france", "irish": "ireland", "dutch": "netherlands holland", "swiss": "switzerland",
    "british": "britain uk", "welsh": "wales", "scottish": "scotland scots", "english": "england",
    "german": "germany", "spanish": "spain", "greek": "greece", "danish": "denmark",
    "swedish": "sweden", "finnish": "finland", "polish": "poland", "turkish": "turkey",
    "thai": "thailand", "israeli": "israel", "iraqi": "iraq", "pakistani": "pakistan",
    "afghan": "afghanistan", "filipino": "philippines", "portuguese": "portugal",
    "norwegian": "norway", "peruvian": "peru", "argentine": "argentina", "american": "america us",
}  # fmt: skip
_KIN.update({place: adjective for adjective, places in _KIN.items() for place in places.split()})
# Words that open a question, or ask for a yes or no: what a request for a fact starts with.
_QUESTION_START = re.compile(
    r"^\s*(?:who|whom|whose|what|when|where|which|why|how|did|does|do|is|are|was|were|will|"
    r"would|can|could|should|has|have|had)\b",
    re.IGNORECASE,
)


def asks_question(text: str) -> bool:
    """Whether ``text`` asks for something specific, rather than naming a topic.

    "Iranian MPs threaten mobile deal" asks to hear about a topic: a passage about it answers.
    "Who won the Australian Open?" asks for a fact: only a sentence that states it answers.
    """
    return text.rstrip().endswith("?") or bool(_QUESTION_START.match(text))


def constraints(question: str) -> list[str]:
    """The years, ordinals, figures and names a question pins down, lower-cased."""
    found = [m.group(0) for m in _CONSTRAINT.finditer(question)]
    # "the Kim-Putin meeting" pins Kim and Putin; no text spells the pair that way.
    parts = [p for c in found for p in (c.split("-") if c[0].isupper() else [c]) if p]
    return [c.lower() for c in parts if c not in _QUESTION_CAPITALS]


def editions(text: str) -> list[str]:
    """Years, ordinals and quarters in ``text``: what tells one edition of an event from another."""
    return list(dict.fromkeys(m.group(0).lower() for m in _EDITION.finditer(text)))


def other_editions(question: str, passages: Sequence[str]) -> tuple[str, list[str]] | None:
    """(asked, covered) when the question pins a year, ordinal or quarter that none of the passages
    mentions while they mention others of the same kind: they are about another edition."""
    texts = [t.lower() for t in passages]
    for asked in editions(question):
        if any(re.search(rf"\b{re.escape(asked)}\b", t) for t in texts):
            continue
        same_kind = [
            e for t in texts for e in editions(t) if _edition_kind(e) == _edition_kind(asked)
        ]
        covered = sorted(dict.fromkeys(same_kind))
        if covered:
            return _shown(asked), [_shown(c) for c in covered]
    return None


def unmatched_names(question: str, passages: Sequence[str]) -> list[str]:
    """The names the question asks about that no passage mentions, as the question spells them.

    Hyphenated pairs ("the Kim-Putin meeting") count as their parts, a possessive as its name; a
    name matches wherever its words stand together, in any case ("Capital Radio" is not matched
    by "Virgin Radio" nor by "the capital").
    """
    texts = _searchable(passages)
    missing = []
    for run in _runs(question):
        for part in run.lower().split("-"):
            # one word: it or its kin, anywhere; several: together, as the question has them
            if " " in part:
                found = bool(re.search(rf"\b{re.escape(_stem(_plain(part)))}", texts))
            else:
                found = _mentioned(part, texts)
            if not found:
                missing.append(run)
                break
    return list(dict.fromkeys(missing))


def absent_names(question: str, passages: Sequence[str]) -> list[str]:
    """The names of which some word appears nowhere in the passages: not a sibling ("Capital
    Radio" beside "Virgin Radio"), a stranger ("the Beatles" among Nirvana stories).

    Looser than :func:`unmatched_names`, because a question is declined on it: the words of a
    run may stand apart ("the French House of Guise"), and a word's first letters are enough
    ("Buddhist" finds Buddhism, "Victorian" Victoria).
    """
    texts = _searchable(passages)
    absent = []
    for run in _runs(question):
        for word in re.split(r"[\s-]+", _plain(run.lower())):
            if word in _LINKS or len(word) < 3:
                continue
            if not _mentioned(word, texts):
                absent.append(run)
                break
    return list(dict.fromkeys(absent))


def _runs(question: str) -> list[str]:
    runs = []
    for match in _NAME_RUN.finditer(question):
        run = _POSSESSIVE.sub("", match.group(0))
        if run not in _QUESTION_CAPITALS:
            runs.append(run)
    return runs


def _searchable(passages: Sequence[str]) -> str:
    """Passages as one lower-case text without accents, hyphens read as spaces ("Hervé",
    "Norman-Arab" are found by "Herve", "Norman Arab")."""
    return _plain(" ".join(" ".join(t.split()) for t in passages).lower()).replace("-", " ")


def _mentioned(word: str, texts: str) -> bool:
    """Whether one word of a name, or a word of its kin ("French", "France"), is in ``texts``."""
    word = _plain(word)
    kin = [word, *_KIN.get(word, "").split()]
    return any(re.search(rf"\b{re.escape(_head(_stem(w)))}", texts) for w in kin if w)


def _head(word: str) -> str:
    """A word's first letters, enough to find its kin ("Buddhist" finds Buddhism)."""
    return word[: max(4, len(word) - 3)]


def _plain(text: str) -> str:
    if text.isascii():  # nearly every text, and the character walk below costs a millisecond
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def _stem(name: str) -> str:
    """A name's stem, so that "Chinese" finds China, "Russian" Russia and "Oscars" Oscar.

    Saying that the documents don't mention something they do mention would be a false claim:
    when unsure, a name counts as mentioned.
    """
    for suffix in ("ese", "ian", "ish", "an", "s"):
        if name.endswith(suffix) and len(name) - len(suffix) >= 4:
            return name[: -len(suffix)]
    return name


def _shown(value: str) -> str:
    return value.upper() if value.startswith("q") else value


def _edition_kind(value: str) -> str:
    if value.startswith("q"):
        return "quarter"
    return "year" if value.isdigit() else "ordinal"
