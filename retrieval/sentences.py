"""The one sentence splitter for collection text (answers, claim notes and summaries all use it).

A rule-based splitter is enough for news copy and keeps the hot path fast. Every rule here exists
because the collection needs it:

* abbreviations and initials ("U.S.", "Mr.", "Jan.", "John F. Kennedy") do not end a sentence;
* closing quotes and brackets stay with the sentence they close;
* a line break ends a sentence, except a soft wrap: newswire bodies are hard-wrapped at about 70
  characters, so in such text (or before a lowercase word) a line break inside a sentence is just a
  space; a blank line or an indented line always starts a new sentence;
* scraped pages break sentences with a stray full stop after a word no English sentence ends on
  ("reports suggesting that. Russian President ..."); the splitter joins those pieces back and
  records where the stray stops are, so a caller can drop them from the text it shows.

Offsets are exact (``text[s.start:s.end] == s.text``); callers that compare or display sentences
collapse the white space themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


def _wordset(words: str) -> frozenset[str]:
    return frozenset(words.split())


_ABBREVIATIONS = _wordset(
    "mr mrs ms messrs dr prof sen rep gov pres gen col lt sgt capt st mt ft rev jr sr co corp inc"
    " ltd no vs etc approx dept est fig jan feb mar apr jun jul aug sep sept oct nov dec"
    " u.s u.k u.n e.u e.g i.e a.m p.m"
)
# Words after which a full stop cannot really end an English sentence: the scraped pages' broken
# splits. Prepositions are left out on purpose ("what it was made for." is a whole sentence), and so
# is "her", which ends many ("no sign of her.").
_DANGLING = _wordset(
    "a an the that which whose of between among regarding and or nor than his its their our my"
    " your these those such"
)
# "put a stop to that." ends a sentence where "reports suggesting that." does not.
_DEMONSTRATIVES = _wordset("that these those")
_SORT_OF = _wordset("sort kind")
_AFTER_PREPOSITION = _wordset("to of on at with about like for from by in do did")

# A capitalised word that usually opens a sentence: after one, a full stop is a real ending even when
# the word before it could dangle ("I respect that. And ...", "more than that. \"So ...").
_OPENERS = _wordset(
    "the a an and but so or nor yet for it he she they we i you this that these those there here in"
    " on at as if when while after before despite although though still also then now however"
    " meanwhile its his her their our my what why how who"
)
_STOP = re.compile(r"[.!?]+[\"'”’)\]]*(?=\s)")
# A sentence does not start with these: "Dekalb, Ill. — Mike Glass threw ...", "lung. ” But".
_CONTINUATIONS = "—–-,;:…”’)]"
_QUOTES = "\"'“”‘’("
_WINDOW = 200  # characters either side of a full stop that decide whether it ends a sentence
_HARD_WRAP = 80  # newswire bodies are wrapped at about 65-72 characters


@dataclass(frozen=True)
class Sentence:
    """A sentence, where it sits in its text, and the stray full stops it was rejoined across."""

    text: str
    start: int
    end: int
    repairs: tuple[int, ...] = ()  # offsets (in the split text) of stray full stops inside


def split_sentences(text: str, *, wrapped: bool | None = None) -> list[Sentence]:
    """Split ``text`` into sentences; ``text[s.start:s.end] == s.text`` for each.

    ``wrapped`` says whether single line breaks are soft wraps (True: only a blank or indented line
    ends a sentence by itself); ``None`` decides from the line lengths, which is right for a whole
    chunk but not for a short paragraph a caller has already cut out.
    """
    if wrapped is None:
        wrapped = _looks_hard_wrapped(text)
    cuts = set(_line_cuts(text, wrapped))
    repairs: list[int] = []
    for match in _STOP.finditer(text):
        verdict = _stop_verdict(text, match)
        if verdict == "cut":
            cuts.add(match.end())
        elif verdict == "repair":
            repairs.append(match.start())
    sentences: list[Sentence] = []
    begin = 0
    for cut in [*sorted(cuts), len(text)]:
        _append(sentences, text, begin, cut, repairs)
        begin = cut
    return sentences


def _looks_hard_wrapped(text: str) -> bool:
    """Newswire style: nearly all lines short. Forum threads (a comment a line) are not wrapped."""
    lines = text.split("\n")
    short = sum(len(line) <= _HARD_WRAP for line in lines)
    return len(lines) > 2 and short >= 0.8 * len(lines)


def _line_cuts(text: str, wrapped: bool) -> list[int]:
    """Line breaks that end a sentence whatever the punctuation says."""
    cuts: list[int] = []
    lines = text.split("\n")
    offset = 0
    for index, line in enumerate(lines[:-1]):
        offset += len(line)  # offset now points at this line's newline
        following = lines[index + 1]
        previous = line.strip()
        if _is_hard_break(previous, following, wrapped):
            cuts.append(offset)
        offset += 1
    return cuts


def _is_hard_break(previous: str, following: str, wrapped: bool) -> bool:
    if not previous or not following.strip() or following[:1].isspace():
        return True  # a blank line, or an indented one (newswire paragraphs)
    if wrapped:
        return False  # a soft wrap; the punctuation before it decides
    if previous.endswith((".", "!", "?", '"', "”", ":")):
        return True
    return not following.lstrip()[:1].islower()


def _stop_verdict(text: str, match: re.Match[str]) -> str:
    """ "cut", "keep" (not an ending) or "repair" (a stray stop inside a sentence)."""
    # Only a window around the stop is looked at: slicing the whole text per stop is quadratic.
    before = text[max(0, match.start() - _WINDOW) : match.start()].rsplit(None, 1)
    last = before[-1].lower().strip(_QUOTES) if before else ""
    if match.group().startswith(".") and (last in _ABBREVIATIONS or re.fullmatch(r"[a-z]", last)):
        return "keep"
    following = text[match.end() : match.end() + _WINDOW].lstrip()
    if match.group() == "." and last in _DANGLING and not _ends_with_pronoun(before, last):
        if following[:1].islower():
            return "keep"
        if following[:1].isupper() and _first_word(following) not in _OPENERS:
            return "repair"
    return "keep" if following[:1].islower() or following[:1] in _CONTINUATIONS else "cut"


def _first_word(text: str) -> str:
    return re.split(r"[^\w'’-]", text, maxsplit=1)[0].lower()


def _ends_with_pronoun(before: list[str], last: str) -> bool:
    """Whether the dangling-looking word really ends a phrase: "a stop to that.", "sort of."."""
    if len(before) < 2 or not before[0].strip():
        return False
    previous = before[0].rsplit(None, 1)[-1].lower()
    if last == "of":
        return previous in _SORT_OF
    return last in _DEMONSTRATIVES and previous in _AFTER_PREPOSITION


def _append(out: list[Sentence], text: str, begin: int, end: int, repairs: list[int]) -> None:
    piece = text[begin:end]
    stripped = piece.strip()
    if not stripped:
        return
    start = begin + (len(piece) - len(piece.lstrip()))
    stop = start + len(stripped)
    if out and not any(c.isalnum() for c in stripped) and "\n" not in text[out[-1].end : start]:
        # A stray closing quote or "..." after a space belongs to the sentence before it.
        start = out.pop().start
        stripped = text[start:stop]
    inside = tuple(r for r in repairs if start <= r < stop)
    out.append(Sentence(stripped, start, stop, inside))


def plain_text(sentence: Sentence) -> str:
    """The sentence as shown and compared: stray full stops dropped, white space collapsed."""
    chars = list(sentence.text)
    for position in sentence.repairs:
        chars[position - sentence.start] = ""
    return " ".join("".join(chars).split())
