"""Hedge, weasel and attribution cues: what makes a source's own sentence fall short of a plain report.

The lists follow the CoNLL-2010 shared task on hedge cue detection (epistemic modals in perfect or
progressive form, "believed", "apparently", "suggest") and Wikipedia's "Words to watch" (unsupported
attributions such as "some people say", "experts say", "it is believed"; expressions of doubt such as
"alleged", "purported", "supposed"). Cues are regular expressions over one sentence: a cue's scope is the
sentence it sits in, never its neighbours.

Deliberately *not* cues: named attribution ("said Tuesday", "according to the state-run Korean Central
News Agency", "a company spokesman said") is reporting; bare future modals ("could lead to", "may appeal")
state a possibility rather than hedge a fact; "could have" + participle is usually counterfactual ("could
have won").
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from enum import StrEnum


class CueKind(StrEnum):
    """Why a sentence is not a plain report; each kind reads differently in a note."""

    HEDGE = "hedge"  # the writer signals uncertainty: "it is believed", "may have", "reportedly"
    UNNAMED = (
        "unnamed"  # attributed to unnamed or vague parties: "intelligence sources", "experts say"
    )
    UNCONFIRMED = "unconfirmed"  # the source says it is unconfirmed, unverified or disputed


@dataclass(frozen=True)
class Cue:
    kind: CueKind
    phrase: str  # the words that matched, as written in the sentence


_PARTICIPLES = (
    "been|done|gone|seen|taken|given|made|sent|known|shown|thrown|sold|bought|brought|told|held|left|"
    "lost|won|paid|met|hit|put|set|built|begun|broken|chosen|driven|fallen|flown|got|gotten|grown|hidden|"
    "kept|led|meant|run|said|shot|spent|stolen|struck|sought|taught|thought|understood|written|fought|"
    "[a-z]+ed"
)
_AGENTS = (
    "experts?|analysts?|observers|critics|commentators|economists|diplomats|insiders|sources|"
    "officials|people|scientists|researchers|historians|pundits|traders|dealers|bankers"
)
_VAGUE_VERBS = (
    "say|says|said|suggest|suggests|suggested|believe|believes|believed|argue|argued|claim|claimed|"
    "think|thought|fear|feared|speculate|speculated|warn|warned|estimate|estimated|allege|alleged|contend|"
    "predict|predicted|expect|expected"
)
_UNNAMED_PERSON = (
    r"(?:official|source|insider|diplomat|person|general|aide|officer|executive|banker|analyst|trader|"
    r"dealer|expert|observer|figure|member|employee|investigator)"
)

_PATTERNS: tuple[tuple[CueKind, re.Pattern[str]], ...] = tuple(
    (kind, re.compile(pattern))  # matched against the lower-cased sentence: much faster
    for kind, pattern in (
        # --- expressions of doubt (Wikipedia) and hearsay adverbs (CoNLL-2010) ----------------------
        (
            CueKind.HEDGE,
            r"\b(?:reportedly|allegedly|purportedly|supposedly|ostensibly|apparently|presumably|"
            r"seemingly|possibly|probably|perhaps|maybe|conceivably|rumou?red(?:ly)?)\b",
        ),
        (
            CueKind.HEDGE,
            r"\b(?:the|a|an|its|his|her|their)\s+(?:reported|alleged|purported|suspected|supposed|rumou?red)\b",
        ),
        (
            CueKind.HEDGE,
            r"\bit(?:\s+is|'s|\s+was|\s+has\s+been|\s+had\s+been)\s+(?:widely\s+|generally\s+|now\s+)?"
            r"(?:believed|thought|understood|said|reported|rumou?red|alleged|claimed|suspected|feared|"
            r"assumed|speculated|suggested|presumed)\b",
        ),
        (
            CueKind.HEDGE,
            r"\b(?:is|are|was|were|being)\s+(?:widely\s+|also\s+|now\s+)?(?:believed|thought|said|reported|"
            r"rumou?red|alleged|understood|suspected|presumed|claimed)\s+to\s+(?:be|have)\b",
        ),
        (CueKind.HEDGE, r",\s*(?:believed|thought|said|reported|alleged)\s+to\s+(?:be|have)\b"),
        (
            CueKind.HEDGE,
            rf"\b(?:may|might|must)\s+(?:well\s+)?(?:not\s+)?have\s+(?:{_PARTICIPLES})\b",
        ),
        (
            CueKind.HEDGE,
            r"\b(?:may|might|could)\s+(?:well\s+|now\s+|also\s+|still\s+|already\s+)?(?:be\s+(?:[a-z]+ing|behind|responsible|linked|involved|"
            r"connected|tied|to\s+blame))\b",
        ),
        (
            CueKind.HEDGE,
            r"\b(?:appears?|appeared|seems?|seemed)\s+to\s+[a-z]+\b",
        ),
        (
            CueKind.HEDGE,
            r"\b(?:suggests|suggesting)\b|\b(?:suggest|suggested)\s+(?:that\b|[a-z]+\s+(?:is|are|was|were|"
            r"has|have|may|might|could)\b)",
        ),
        (CueKind.HEDGE, r"\bhints?\s+at\b|\bhinted\s+(?:at|that)\b|\balleged\b"),
        (
            CueKind.HEDGE,
            r"\b(?:amid|amidst)\s+(?:growing\s+|widespread\s+)?(?:speculation|rumou?rs|reports)\b",
        ),
        (
            CueKind.HEDGE,
            r"\bthere\s+(?:are|were|is|was|have\s+been|has\s+been|had\s+been)\s+(?:growing\s+|widespread\s+|"
            r"persistent\s+|some\s+|also\s+|newspaper\s+|media\s+|press\s+)?(?:concerns?|fears?|claims?|reports?|rumou?rs?|suggestions?|speculation|"
            r"allegations?|indications?|signs?)\s+that\b",
        ),
        (
            CueKind.HEDGE,
            r"\bclaims?\s+of\s+(?![$£€\d])|\ballegations?\s+(?:that|of)\b|\bclaims?\s+that\b|\bsuggestions?\s+(?:that|there)\b",
        ),
        (
            CueKind.HEDGE,
            r"\brumou?rs?\b|\bspeculation\s+that\b|\b(?:newspaper|media|press)\s+speculation\b",
        ),
        (CueKind.HEDGE, r"\bspeculat(?:es|ed|ing)?\s+that\b|\bunsure\b"),
        (
            CueKind.HEDGE,
            r"\b(?:it\s+is|it's|it\s+was|it\s+seems)\s+(?:likely|possible|probable|unlikely|conceivable)\s+that\b",
        ),
        (
            CueKind.HEDGE,
            r"\b(?:not|n't)\s+(?:entirely\s+|yet\s+|immediately\s+|quite\s+)?(?:sure|certain|clear)\s+"
            r"(?:whether|if|why|how|what|when|yet|that)?",
        ),
        # --- unsupported or anonymous attribution (Wikipedia "weasel words") ------------------------
        (
            CueKind.UNNAMED,
            r"\breports?\s+(?:have\s+|had\s+|has\s+)?(?:emerged|surfaced|circulated|suggest|suggested|"
            r"suggesting|indicate|indicated|say|said|claim|claimed)\b",
        ),
        (
            CueKind.UNNAMED,
            r"\breports?\s+from\s+[^,.;]{1,60}?\b(?:indicate|suggest|say|said|claim|show)\b",
        ),
        (
            CueKind.UNNAMED,
            r"\b(?:media|press|news|unconfirmed|unverified|local|some|other|several)\s+reports?\b",
        ),
        (
            CueKind.UNNAMED,
            r"\baccording\s+to\s+(?:unnamed\s+|anonymous\s+|unidentified\s+|some\s+|several\s+|"
            r"informed\s+)?(?:reports?|sources?|people|persons|insiders|officials\s+familiar|"
            r"a\s+source|an?\s+(?:[a-z]+\s+){0,2}(?:official|source|insider|diplomat|person))\b",
        ),
        (
            CueKind.UNNAMED,
            r"\bintelligence\s+(?:sources?|reports?|officials|assessments?|suggests?|indicates?)\b",
        ),
        (
            CueKind.UNNAMED,
            r"\bsources?\s+(?:close\s+to|familiar\s+with|say|says|said|told|quoted|cited|indicated|"
            r"suggested|claimed|revealed)\b",
        ),
        (
            CueKind.UNNAMED,
            r"\b(?:people|persons|officials|sources)\s+(?:familiar\s+with|close\s+to|with\s+knowledge|"
            r"briefed\s+on|who\s+asked\s+not|who\s+declined)\b",
        ),
        (
            CueKind.UNNAMED,
            r"\b(?:speaking\s+on\s+(?:the\s+)?condition\s+of\s+anonymity|(?:asked|declined)\s+not\s+to\s+be\s+"
            r"(?:named|identified)|declined\s+to\s+be\s+(?:named|identified)|not\s+authori[sz]ed\s+to\s+speak|"
            r"unnamed|anonymous\s+(?:source|official|person|insider)s?)\b",
        ),
        (
            CueKind.UNNAMED,
            rf"\b(?:a|an|one)\s+(?:(?:former|senior|top|high-ranking|retired|western|foreign|local|"
            rf"government|military|administration|industry|company|bank|u\.?s\.?|us|american|european|"
            rf"russian|chinese|korean|british|japanese)\s+){{0,3}}{_UNNAMED_PERSON}\s*"
            rf"(?:,?\s*who\s+(?:revealed|said|says|told|claimed|disclosed|spoke)|said|says|told|revealed|"
            rf"disclosed|claimed)\b",
        ),
        (
            CueKind.UNNAMED,
            rf"\b(?:disclosed|revealed|claimed)\s+by\s+(?:a|an|one)\s+(?:[a-z.]+\s+){{0,3}}{_UNNAMED_PERSON}\b",
        ),
        (
            CueKind.UNNAMED,
            rf"\b(?:(?:some|many|most|several|other|certain)\s+(?:{_AGENTS})|(?<!the\s)(?:experts|analysts|"
            rf"observers|critics|commentators|insiders|dealers|traders|economists|bankers|diplomats|"
            rf"scientists|researchers|delegates|sources))\s+(?:have\s+|had\s+|has\s+)?(?:{_VAGUE_VERBS})\b",
        ),
        (CueKind.UNNAMED, r"\bsome\s+(?:say|believe|argue|claim|suggest|fear|think)\b"),
        (
            CueKind.UNNAMED,
            r"\b(?:senior|leading|some|many|several|most|other)\s+[a-z]+s\s+(?:believe|believed|think|"
            r"thought|fear|feared|suspect|suspected|claim|claimed|suggest|suggested)\b",
        ),
        (
            CueKind.UNNAMED,
            r"\bby\s+(?:some\s+|many\s+)?(?:experts|analysts|observers|critics|commentators)\b",
        ),
        (
            CueKind.UNNAMED,
            r"\b(?:research|studies|evidence)\s+(?:has\s+|have\s+)?(?:shown|shows|suggests?|indicates?)\b",
        ),
        # --- the source itself says it is not established -------------------------------------------
        (
            CueKind.UNCONFIRMED,
            r"\b(?:unconfirmed|unverified|unsubstantiated|uncorroborated)\b",
        ),
        (
            CueKind.UNCONFIRMED,
            r"\bnot\s+(?:been\s+|yet\s+been\s+|yet\s+|officially\s+|independently\s+|publicly\s+){0,3}"
            r"(?:confirmed|verified|corroborated|substantiated)(?:\s+or\s+denied)?\b",
        ),
        (CueKind.UNCONFIRMED, r"\bneither\s+(?:confirmed|verified)\s+nor\s+denied\b"),
        (
            CueKind.UNCONFIRMED,
            r"\bcould\s+not\s+(?:be\s+)?(?:independently\s+)?(?:confirm|verify)(?:ed)?\b",
        ),
        (
            CueKind.UNCONFIRMED,
            r"\b(?:veracity|authenticity|accuracy|truth)\s+of\s+(?:this|these|the|that|those|such)\s+"
            r"(?!matter\b)[a-z]+\b",
        ),
        (
            CueKind.UNCONFIRMED,
            r"\b(?:subject\s+of\s+(?:debate|dispute)|remains?\s+disputed|has\s+been\s+disputed)\b",
        ),
    )
)

# A document-level disclaimer points back at "this report" / "these allegations": it covers the
# document's reported claims, not every sentence in it.
_ANAPHORIC_TARGET = re.compile(
    r"\b(?:this|these|the|that|those|such)\s+(?:reports?|allegations?|claims?|accounts?|stor(?:y|ies)|"
    r"revelations?|rumou?rs?)\b",
    re.IGNORECASE,
)

# Phrases that look like cues but name their source: "according to the state-run Korean Central News Agency".
_NAMED_ACCORDING = re.compile(r"\baccording\s+to\s+(?:the\s+)?(?:[a-z-]+\s+){0,2}[A-Z]")


@functools.lru_cache(maxsize=16384)
def hedge_cues(sentence: str) -> tuple[Cue, ...]:
    """All cues in one sentence, in order of appearance, each phrase once.

    Cached: the same passages come back question after question, and the ~80 patterns are the
    most expensive step of claim assessment.
    """
    found: list[tuple[int, Cue]] = []
    seen: set[str] = set()
    sentence = sentence.replace("’", "'")  # same length: offsets and phrases stay aligned
    lowered = sentence.lower()
    if len(lowered) != len(sentence):  # a rare character whose lower case is longer
        lowered, sentence = sentence.lower(), sentence.lower()
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(lowered):
            phrase = " ".join(sentence[match.start() : match.end()].strip(" ,").split())
            key = phrase.lower()
            if key in seen or _named(sentence, match):
                continue
            seen.add(key)
            found.append((match.start(), Cue(kind, phrase)))
    found.sort(key=lambda item: item[0])
    return tuple(cue for _, cue in found)


def _named(sentence: str, match: re.Match[str]) -> bool:
    """True when an "according to" cue actually names who is speaking."""
    if not match.group().lower().startswith("according"):
        return False
    return bool(_NAMED_ACCORDING.match(sentence, match.start()))


def is_disclaimer(sentence: str, cues: tuple[Cue, ...]) -> bool:
    """A sentence casting doubt on "this report"/"these allegations" as a whole."""
    return any(c.kind is CueKind.UNCONFIRMED for c in cues) and bool(
        _ANAPHORIC_TARGET.search(sentence)
    )
