"""Do two sources disagree about the same event? Offline, precision first.

Two sentences conflict when they make the same claim with incompatible values: the same *frame*
(their words, in order, with the values set aside) and a value *slot* that differs. A sentence is
read as a sequence of items: content words, and values (figures keyed by what they count, dates,
weekdays, years, names). The two sequences are aligned; a value that lines up with a value of the
same type and differs is the conflict. Sharing one word ("release") is not a frame.

Values are normalised before they are compared: "Nov. 12" is "November 12"; "$6.04 billion" is
"6,040 million dollars"; "about 6 billion" does not contradict "6.04 billion" (rounding). A year
that differs makes two *events* (the 2018 and the 2019 edition), never a dispute. A name that
differs is a value ("awarded to Peter Handke" vs "to Olga Tokarczuk"), except beside a verb of
saying, where it is only who said it.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from difflib import SequenceMatcher

from retrieval.claims.words import STOPWORDS, content_words, stem, wordset

FRAME = 0.6  # share of the shorter sentence's items aligned with the other's: "the same claim"
NAME_FRAME = 0.7  # names are the loosest values: a stricter frame before one is called a dispute
NEGATION_FRAME = 0.8
_MONTHS = {
    m: i + 1
    for i, names in enumerate(
        ("jan january", "feb february", "mar march", "apr april", "may", "jun june", "jul july",
         "aug august", "sep sept september", "oct october", "nov november", "dec december")
    )
    for m in names.split()
}  # fmt: skip
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_SCALES = {
    "thousand": 1e3, "million": 1e6, "mln": 1e6, "m": 1e6, "billion": 1e9, "bln": 1e9, "bn": 1e9,
    "trillion": 1e12,
}  # fmt: skip
_CURRENCIES = {
    "$": "$", "us$": "$", "£": "£", "€": "€", "dlrs": "$", "dollars": "$", "dollar": "$",
    "pounds": "£", "euros": "€", "yen": "yen",
}  # fmt: skip
_WORD_NUMBERS = {
    "two": "2", "three": "3", "four": "4", "five": "5", "six": "6", "seven": "7", "eight": "8",
    "nine": "9", "ten": "10", "eleven": "11", "twelve": "12", "dozen": "12",
}  # fmt: skip
_TOKEN = re.compile(  # case-sensitive only where case matters: a name starts with a capital
    rf"(?P<md>(?i:\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?\b))"
    rf"|(?P<dm>(?i:\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}(?![a-z])))"
    r"|(?P<weekday>(?i:\b(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b))"
    r"|(?P<year>\b(?:1[89]\d\d|20\d\d)\b(?![.,]?\d|\s*(?:%|per\s*cent)))"
    r"|(?P<num>(?:(?P<cur>(?i:us)?\$|£|€)\s?)?(?P<value>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?i:\s*(?P<scale>thousand|million|mln|billion|bln|bn|trillion|m\b)"
    r"|\s*(?P<pct>%|pct\b|per\s*cent\b|percent\b))?)"
    r"|(?P<name>\b[A-Z][\w'’-]*(?:\s+(?:(?:of|de|van|von|al|bin)\s+)?[A-Z][\w'’-]*)*)"
    r"|(?P<word>[A-Za-z][A-Za-z'’-]*)"
)
_CAPITAL = re.compile(r"[A-Z]")
_NEGATION = re.compile(
    r"\b(?:not|no|never|neither|nor|none|denied|denies|deny|denying|rejected|rejects|dismissed|"
    r"refuted|false|untrue|didn't|hasn't|haven't|wasn't|weren't|isn't|aren't|won't|did\s+not)\b|n't\b",
    re.IGNORECASE,
)
_NEGATION_WORDS = wordset(
    "not no never neither nor none deni deny rejec dismiss refut false untrue didn't hasn't haven't"
    " wasn't weren't isn't aren't won't"
)
# Words that name an edition or a period: where two claims differ in one of these, they are about
# two occurrences of a recurring thing (the first and the second quarter), not one disputed fact.
_EDITIONS = wordset(
    "first second third fourth fifth sixth last next previous final earlier later q1 q2 q3 q4 h1 h2"
    " sequel prequel semi quarterfinal semifinal opener annual monthly weekly"
)
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)$")
_SPEECH = wordset("said say told accord add stat wrote writ report claim insist announc")
_UNITS_TO_SKIP = STOPWORDS | wordset("more than over about around nearly almost some")


@dataclass(frozen=True)
class Conflict:
    """Why two sentences disagree, in words a member can read."""

    kind: str  # "number" | "date" | "name" | "negation"
    mine: str  # the detail as the first source gives it
    theirs: str  # the detail as the other source gives it


@dataclass(frozen=True)
class _Item:
    key: str  # what aligns: a stem, "name:<text>" or a value type ("<num:$ car>", "<date>")
    kind: str  # "word", "name" or a value type: "number", "date", "weekday", "year"
    value: object  # the normalised value (a float, "11-12", "handke") or None for words
    text: str  # as written, for the note


def items(sentence: str) -> list[_Item]:
    """The sentence as a sequence of content words and typed values."""
    text = re.sub(
        r"\b(" + "|".join(_WORD_NUMBERS) + r")\b(?=\s+[a-z])",
        lambda m: _WORD_NUMBERS[m.group().lower()],
        sentence,
        flags=re.IGNORECASE,
    )
    found: list[_Item] = []
    matches = list(_TOKEN.finditer(text))
    for index, m in enumerate(matches):
        found.extend(_item(m, matches[index + 1 :], first=index == 0))
    return found


def _item(m: re.Match[str], rest: list[re.Match[str]], *, first: bool) -> list[_Item]:
    raw = m.group()
    if m.group("md") or m.group("dm"):
        month = next(
            w for w in re.findall(r"[a-z]+", raw.lower()) if w[:3] in _MONTHS or w in _MONTHS
        )
        day = int(re.search(r"\d+", raw).group())  # type: ignore[union-attr]
        return [_Item("<date>", "date", f"{_MONTHS.get(month, _MONTHS.get(month[:3]))}-{day}", raw)]
    if m.group("weekday"):
        return [_Item("<weekday>", "weekday", raw.lower(), raw)]
    if m.group("year"):
        return [_Item("<year>", "year", raw, raw)]
    if m.group("num"):
        return [_number(m, rest)]
    if m.group("name") and _CAPITAL.match(raw):
        words = raw.split()
        if first and len(words) == 1:  # capitalised because it starts the sentence
            return _word(raw)
        if first and words[0].lower() in STOPWORDS:  # "The Nobel Prize": the article is not a name
            return [*_word(words[0]), _name(" ".join(words[1:]))] if len(words) > 1 else []
        return [_name(raw)]
    return _word(raw)


def _word(raw: str) -> list[_Item]:
    lowered = raw.lower().replace("’", "'")
    if lowered in STOPWORDS and lowered not in ("not", "no", "never"):
        return []
    return [_Item(stem(lowered), "word", None, raw)]


def _name(raw: str) -> _Item:
    return _Item(f"name:{raw.lower()}", "name", raw.lower(), raw)


def _number(m: re.Match[str], rest: list[re.Match[str]]) -> _Item:
    value = float(m.group("value").replace(",", ""))
    scale = (m.group("scale") or "").lower()
    value *= _SCALES.get(scale, 1.0)
    currency = _CURRENCIES.get((m.group("cur") or "").lower(), "")
    unit = "%" if m.group("pct") else ""
    shown = m.group().strip()
    for following in rest[:2]:  # what is counted: the next word that is not a filler
        word = following.group().lower()
        if word in _CURRENCIES and not currency:
            currency = _CURRENCIES[word]
            shown = f"{shown} {following.group()}"
            continue
        if not unit and word not in _UNITS_TO_SKIP and following.group("word"):
            unit = stem(word)
            shown = f"{shown} {following.group()}"
        break
    key = " ".join(p for p in (currency, unit) if p)
    digits = len(m.group("value").replace(",", "").replace(".", "").strip("0")) or 1
    return _Item(f"<num:{key}>", "number", (value, digits), shown)


def _same_number(a: object, b: object) -> bool:
    """Equal, or equal at the coarser one's precision ("about 6 billion" and "6.04 billion")."""
    assert isinstance(a, tuple) and isinstance(b, tuple)
    x, xd = float(a[0]), int(a[1])
    y, yd = float(b[0]), int(b[1])
    if x == y:
        return True
    if x == 0 or y == 0:
        return False
    digits = min(xd, yd)
    return _round(x, digits) == _round(y, digits) or abs(x - y) / max(abs(x), abs(y)) < 0.005


def _round(x: float, digits: int) -> float:
    exponent = math.floor(math.log10(abs(x))) - digits + 1
    return round(x / 10**exponent) * 10**exponent


def _same_name(a: str, b: str) -> bool:
    """ "Handke" is "Peter Handke"; "Mr Putin" is "Vladimir Putin"."""
    wa, wb = a.split(), b.split()
    return a in b or b in a or wa[-1] == wb[-1]


def _aligned(mine: list[_Item], theirs: list[_Item]) -> tuple[float, SequenceMatcher[str]]:
    matcher = SequenceMatcher(None, [i.key for i in mine], [i.key for i in theirs], autojunk=False)
    shared = sum(block.size for block in matcher.get_matching_blocks())
    return shared / max(1, min(len(mine), len(theirs))), matcher


def find_conflict(mine: str, theirs: str) -> Conflict | None:
    """What makes two sentences incompatible, when they make the same claim; else None."""
    a, b = items(mine), items(theirs)
    if min(len(a), len(b)) < 4:
        return None
    frame, matcher = _aligned(a, b)
    if frame < FRAME:
        return None
    slots: list[Conflict] = []
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            for k, (x, y) in enumerate(zip(a[i1:i2], b[j1:j2], strict=True)):
                if k == 0 and i1 > 0 and j1 > 0 and x.kind != "year":
                    # What comes before differs ("cancelled 120 flights" vs "added 40 flights"):
                    # the figure fills another claim's slot, not this one's.
                    continue
                if x.kind == "year" and x.value != y.value:
                    return None  # another year is another event (an edition), not a dispute
                if x.kind == "number" and not _same_number(x.value, y.value):
                    slots.append(Conflict("number", x.text, y.text))
                elif x.kind in ("date", "weekday") and x.value != y.value:
                    slots.append(Conflict("date", x.text, y.text))
        elif op in ("replace", "delete", "insert") and _other_edition(a[i1:i2], b[j1:j2]):
            return None
        if op == "replace" and frame >= NAME_FRAME:
            slots.extend(_name_slot(a, b, i1, i2, j1, j2))
    if slots:
        return slots[0]
    return _negation_conflict(mine, theirs, a, b)


def _other_edition(x: list[_Item], y: list[_Item]) -> bool:
    """An edition or period word on one side only ("first" quarter vs "second" quarter)."""

    def editions(found: list[_Item]) -> set[str]:
        return {i.key for i in found if i.key in _EDITIONS or _ORDINAL.match(i.key)}

    return editions(x) != editions(y)


def _name_slot(
    a: list[_Item], b: list[_Item], i1: int, i2: int, j1: int, j2: int
) -> list[Conflict]:
    """One name where the other sentence has another: a value, unless it only says who spoke."""
    x, y = a[i1:i2], b[j1:j2]
    if len(x) != 1 or len(y) != 1 or x[0].kind != "name" or y[0].kind != "name":
        return []
    near = {i.key for i in a[max(0, i1 - 2) : i2 + 2]} | {i.key for i in b[max(0, j1 - 2) : j2 + 2]}
    if near & _SPEECH or _same_name(str(x[0].value), str(y[0].value)):
        return []
    return [Conflict("name", x[0].text, y[0].text)]


def _negation_conflict(mine: str, theirs: str, a: list[_Item], b: list[_Item]) -> Conflict | None:
    neg_a, neg_b = bool(_NEGATION.search(mine)), bool(_NEGATION.search(theirs))
    if neg_a == neg_b:
        return None
    plain_a = [i for i in a if i.key not in _NEGATION_WORDS]
    plain_b = [i for i in b if i.key not in _NEGATION_WORDS]
    if _aligned(plain_a, plain_b)[0] < NEGATION_FRAME:
        return None
    word = _NEGATION.search(mine if neg_a else theirs)
    denial = f"denies it (“{word.group() if word else 'not'}”)"
    return Conflict(
        "negation", denial if neg_a else "asserts it", "asserts it" if neg_a else denial
    )


def overlaps(wa: frozenset[str], wb: frozenset[str], threshold: float = 0.5) -> bool:
    """A cheap first test before aligning: enough content words in common to be worth it."""
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
