"""Opinion markers: a voice giving its view, guessing, joking or addressing the reader, not reporting.

A reader comment is opinion whatever it says (the passage kind decides that). Inside articles, the markers
below catch first-person views ("I'd bet", "I think"), casual speculation and jokes ("probably so jealous",
"So sad."), rhetorical questions, direct address ("check out", "let's") and the writer's own editorialising
("one thing is certain", "it is crucial for ... to"). Opinion inside a quotation attributed to a named
speaker ("'I think we can win,' said Smith") is reported speech, and is left to the hedge rules.
"""

from __future__ import annotations

import re

_STRONG: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\bI\s*(?:'d|would|'m|am)?\s*(?:bet|think|believe|guess|reckon|suspect|feel|doubt|hope|suppose|"
        r"imagine|wonder|say|sure|willing\s+to\s+bet|pretty\s+sure|convinced)\b",
        r"\bin\s+my\s+(?:opinion|view|experience|book)\b|\bimo\b|\bimho\b|\bpersonally\b|"
        r"\bmy\s+(?:guess|bet|take)\b",
        r"\b(?:so|how)\s+(?:sad|funny|pathetic|jealous|cute|stupid|dumb|ridiculous|hilarious)\b",
        r"\b(?:lol|lmao|haha+|rofl|smh)\b|[!?]{2,}|:\)|:\(|;\)",
        r"^\W*(?:hopefully|honestly|frankly|thank\s+goodness|thankfully|good\s+luck|great\s+stuff|"
        r"brilliant|fantastic|oh\s+please)\b|\b(?:good|nice|sad|glad|great)\s+to\s+see\b|"
        r"\blet'?s\s+hope\b",
    )
)
_EDITORIAL: tuple[re.Pattern[str], ...] = tuple(
    re.compile(p, re.IGNORECASE)
    for p in (
        r"\byou\s+name\s+it\b|\bcheck\s+out\b|\blet'?s\s+(?:delve|dive|take|look|explore|see|face\s+it)\b",
        r"\bone\s+thing\s+is\s+(?:certain|clear|for\s+sure)\b|\bundoubtedly\b|\bneedless\s+to\s+say\b|"
        r"\bit\s+goes\s+without\s+saying\b|\bmake\s+no\s+mistake\b|\bthere\s+is\s+no\s+doubt\b",
        r"\bit\s+is\s+(?:crucial|vital|essential|imperative)\s+(?:for|to|that)\b",
        r"\b(?:the\s+world|we|everyone|the\s+international\s+community)\s+(?:must|should|needs?\s+to)\b",
        r"\bit\s+(?:is|was)\s+(?:evident|obvious|plain\s+to\s+see)\s+that\b|\bobviously\b|\bclearly,",
        r"\bit\s+(?:really\s+)?is\s+(?:high\s+|about\s+)?time\s+(?:that|to|for)\b",
        r"\b(?:should|ought\s+to)\s+(?:(?:now|immediately|also|just|really)\s+)?(?:resign|step\s+down|"
        r"apologi[sz]e|be\s+ashamed|quit|be\s+sacked|be\s+fired|try\s+to|stop|give\s+up|grow\s+up|"
        r"wake\s+up|listen|be\s+held\s+accountable)\b",
    )
)
# First person singular outside quotations: journalists do not write "I think" in news copy.
_FIRST_PERSON = re.compile(r"(?<![\w'])I(?:'m|'ve|'d|'ll)?\s+(?!(?:and|or|of|in)\b)[a-z]+")
_EXCLAMATION = re.compile(r"(?<!Yahoo)!(?:\s|$)")
_GENRE_URL = re.compile(
    r"/(?:opinion|opinions|commentisfree|comment|columnists?|columns?|editorials?|op-?ed|blogs?|reviews?)/"
    r"|-review\b",
    re.IGNORECASE,
)
_GENRE_TITLE = re.compile(
    r"^(?:Opinion|Column|Editorial|Commentary)\s*[|:]|\|\s*(?:Opinion|Editorial)\b|\breview\b"
)
_QUOTE = re.compile(r"[\"“”]([^\"“”]*)[\"“”]|‘([^’]*)’")
_ATTRIBUTION = re.compile(
    r"\b(?:said|says|say|told|added|according\s+to|wrote|asked|replied|insisted|argued)\b",
    re.IGNORECASE,
)


QUESTION = "a rhetorical question"


def weak_marker(marker: str) -> bool:
    """A marker that is as often news as opinion: a question, or a bare first person ("In my
    research, I found only six"). On annotated news sentences these were opinion 1 time in 3;
    where the classifiers are at hand they decide such a sentence."""
    if marker == QUESTION:
        return True
    return bool(_FIRST_PERSON.fullmatch(marker)) and not any(p.search(marker) for p in _STRONG)


def opinion_markers(sentence: str) -> tuple[str, ...]:
    """Markers of opinion outside attributed quotations, as written in the sentence."""
    text = _without_attributed_quotes(sentence.replace("’", "'"))
    found = list(_voice(text))
    for pattern in _EDITORIAL:
        found.extend(" ".join(m.group().split()) for m in pattern.finditer(text))
    if _is_question(text):
        found.append(QUESTION)
    return tuple(found)


def voice_markers(sentence: str) -> tuple[str, ...]:
    """A personal voice ("I think", "Hopefully"): it makes the whole paragraph opinion."""
    text = _without_attributed_quotes(sentence.replace("’", "'"))
    found: list[str] = []
    for pattern in _STRONG:
        found.extend(" ".join(m.group().split()) for m in pattern.finditer(text))
    found.extend(" ".join(m.group().split()) for m in _FIRST_PERSON.finditer(text))
    return tuple(dict.fromkeys(found))


def _voice(text: str) -> tuple[str, ...]:
    found = list(voice_markers(text))
    if _EXCLAMATION.search(text):
        found.append("an exclamation")
    return tuple(found)


def _without_attributed_quotes(sentence: str) -> str:
    """Blank out quoted words when the sentence says who said them: that is reported speech.

    A quotation left open to the end of the sentence (BBC style: 'Robinson said: "This is ...')
    is blanked too when the attribution comes before it.
    """
    closed = _QUOTE.sub(" ", sentence)
    if not _ATTRIBUTION.search(closed):
        return sentence
    opening = re.search(r"[\"“]", closed)
    if opening and _ATTRIBUTION.search(closed[: opening.start()]):
        closed = closed[: opening.start()]
    return closed


def _is_question(text: str) -> bool:
    """A question is not a claim; in reporting it is the writer's rhetoric."""
    stripped = text.rstrip(" \"'”’)")
    return stripped.endswith("?")


def opinion_genre(title: str = "", url: str | None = None) -> str:
    """ "opinion piece" / "review" when the document's own metadata says it is not news reporting."""
    if (url and _GENRE_URL.search(url)) or _GENRE_TITLE.search(title or ""):
        return "a review" if "review" in f"{url or ''} {title}".lower() else "an opinion piece"
    return ""
