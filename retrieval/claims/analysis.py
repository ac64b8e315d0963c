"""One document read once: its sentences, each sentence's cues, and which disclaimers cover what.

Scope rules live here. A cue covers the sentence it is in. A document-level disclaimer ("the
veracity of this report is still a subject of debate ... these allegations") covers the document's
reported claims: the sentences that are themselves attributed or hedged, and sentences restating
them. It never covers an unrelated plain sentence of the same document. A paragraph written in a
personal voice ("I think", "Hopefully") is opinion as a whole, like a reader's comment.

Sentences are analysed lazily: an answer touches a few chunks of long documents, and only those
sentences (plus any disclaimer the document holds) need their cues.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from retrieval.claims.cues import Cue, CueKind, hedge_cues, is_disclaimer
from retrieval.claims.opinion import opinion_markers, voice_markers
from retrieval.claims.words import Span, content_words, normalise, sentence_spans, wordset

RESTATEMENT = 0.6  # share of a sentence's content words found in an allegation: "the same claim"
_DOUBT_HINT = re.compile(
    r"confirm|verif|corroborat|substantiat|veracity|authenticity|accuracy|truth|debate|disput"
)
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n|\n(?=[ \t]{2,}\S)")
_LINE_BREAK = re.compile(r"\n")
# Cheap test before looking for a personal voice: every voice marker contains one of these
# words or phrases (a set lookup is much faster than a regular expression over long pages).
_VOICE_WORDS = wordset(
    "i i'm i've i'd i'll i’m i’ve i’d i’ll my hopefully honestly frankly thank thankfully brilliant"
    " fantastic lol lmao rofl smh imo imho personally haha hahaha"
)
_VOICE_PHRASES = (
    "good luck", "great stuff", "oh please", "to see", "let's hope", "lets hope", "so sad", "so funny",
    "so pathetic", "so jealous", "so cute", "so stupid", "so dumb", "so ridiculous", "so hilarious",
    "how sad", "how funny", "how pathetic", "how stupid", "how ridiculous", "!!", "??", ":)", ":(", ";)",
)  # fmt: skip
_TOKEN = re.compile(r"[a-z'’]+")


def _has_voice_hint(paragraph: str) -> bool:
    lowered = paragraph.lower()
    if any(phrase in lowered for phrase in _VOICE_PHRASES):
        return True
    return not _VOICE_WORDS.isdisjoint(_TOKEN.findall(lowered))


# Quoted words: a closed quotation, or one left open to the end of the paragraph.
_QUOTED = re.compile(r"\"[^\"]*(?:\"|$)|“[^”]*(?:”|$)")
_SPEECH = re.compile(
    r"\b(?:said|says|say|told|tells|added|adds|according\s+to|asked|replied|insisted|wrote|writes|"
    r"testified|explained|stated|declared|continued)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class SentenceFacts:
    span: Span
    cues: tuple[Cue, ...]
    opinion: tuple[str, ...]  # the sentence's own markers, then its paragraph's personal voice
    disclaimer: bool
    words: frozenset[str]

    @property
    def attributed_or_hedged(self) -> bool:
        return any(c.kind in (CueKind.HEDGE, CueKind.UNNAMED) for c in self.cues)


class DocumentFacts:
    """The analysed sentences of one text; build with ``read`` and keep for the call's duration."""

    def __init__(self, text: str) -> None:
        self.text = text
        breaks = _PARAGRAPH_BREAK if _PARAGRAPH_BREAK.search(text) else _LINE_BREAK
        self._paragraphs: list[tuple[int, int]] = []
        begin = 0
        for match in breaks.finditer(text):
            self._paragraphs.append((begin, match.start()))
            begin = match.end()
        self._paragraphs.append((begin, len(text)))
        self._paragraph_starts = [b for b, _ in self._paragraphs]
        self._spans: dict[int, list[Span]] = {}  # by paragraph, split on first use
        self._facts: dict[int, SentenceFacts] = {}  # by sentence start
        self._voices: dict[int, tuple[str, ...]] = {}  # by paragraph
        self._disclaimers: tuple[SentenceFacts, ...] | None = None
        self._allegations: tuple[SentenceFacts, ...] | None = None
        self._thread: int | None = None

    @classmethod
    def read(cls, text: str) -> DocumentFacts:
        return cls(text)

    # --- sentences --------------------------------------------------------------------------

    def _paragraph_spans(self, index: int) -> list[Span]:
        """Sentences of one paragraph (a paragraph break always ends a sentence)."""
        if index not in self._spans:
            begin, stop = self._paragraphs[index]
            self._spans[index] = [
                Span(begin + s.start, begin + s.end, s.text)
                for s in sentence_spans(self.text[begin:stop])
            ]
        return self._spans[index]

    def fact(self, span: Span) -> SentenceFacts:
        if span.start not in self._facts:
            cues = hedge_cues(span.text)
            thread = self.thread_start()
            in_thread = ("part of a comment thread",) if 0 <= thread <= span.start else ()
            voice = (*opinion_markers(span.text), *self._voice(span), *in_thread)
            opinion = tuple(dict.fromkeys(voice))
            self._facts[span.start] = SentenceFacts(
                span, cues, opinion, is_disclaimer(span.text, cues), content_words(span.text)
            )
        return self._facts[span.start]

    @property
    def sentences(self) -> tuple[SentenceFacts, ...]:
        return tuple(
            self.fact(span)
            for index in range(len(self._paragraphs))
            for span in self._paragraph_spans(index)
        )

    def within(self, start: int, end: int) -> tuple[SentenceFacts, ...]:
        """Sentences overlapping a character range (a chunk's place in the document)."""
        first = max(0, bisect.bisect_right(self._paragraph_starts, start) - 1)
        found: list[SentenceFacts] = []
        for index in range(first, len(self._paragraphs)):
            if self._paragraphs[index][0] >= end:
                break
            found.extend(
                self.fact(span)
                for span in self._paragraph_spans(index)
                if span.start < end and span.end > start
            )
        return tuple(found)

    # --- document-level scope ---------------------------------------------------------------

    def disclaimers(self) -> tuple[SentenceFacts, ...]:
        if self._disclaimers is None:
            found: list[SentenceFacts] = []
            if _DOUBT_HINT.search(self.text.lower()):
                for index, (begin, stop) in enumerate(self._paragraphs):
                    if not _DOUBT_HINT.search(self.text[begin:stop].lower()):
                        continue
                    found.extend(
                        self.fact(span)
                        for span in self._paragraph_spans(index)
                        if _DOUBT_HINT.search(span.text.lower()) and self.fact(span).disclaimer
                    )
            self._disclaimers = tuple(found)
        return self._disclaimers

    def allegations(self) -> tuple[SentenceFacts, ...]:
        if self._allegations is None:
            self._allegations = tuple(
                s for s in self.sentences if not s.disclaimer and s.attributed_or_hedged
            )
        return self._allegations

    def disclaimers_covering(self, sentence: SentenceFacts) -> tuple[SentenceFacts, ...]:
        """The document's disclaimers that apply to this sentence (none for unrelated ones)."""
        found = self.disclaimers()
        if not found or sentence.disclaimer:
            return ()
        if sentence.attributed_or_hedged:
            return found
        mine = sentence.words
        if not mine:
            return ()
        restates = any(len(mine & a.words) / len(mine) >= RESTATEMENT for a in self.allegations())
        return found if restates else ()

    def locate(
        self, claim: str, start: int = 0, end: int | None = None
    ) -> tuple[SentenceFacts, ...]:
        """The sentences an answer sentence was taken from, or the closest one by content."""
        end = len(self.text) if end is None else end
        pool = self.within(start, end) or self.sentences
        target = normalise(claim).strip(" .")
        if not target:
            return ()
        exact = tuple(s for s in pool if _contains(normalise(s.span.text), target))
        if exact:
            return exact
        words = content_words(claim)
        if not words:
            return ()
        best = max(pool, key=lambda s: len(words & s.words), default=None)
        return (best,) if best is not None and words & best.words else ()

    # --- paragraphs -------------------------------------------------------------------------

    def _voice(self, span: Span) -> tuple[str, ...]:
        """Personal-voice markers of the paragraph holding ``span``."""
        index = max(0, bisect.bisect_right(self._paragraph_starts, span.start) - 1)
        return self._paragraph_voice(index)

    def _paragraph_voice(self, index: int) -> tuple[str, ...]:
        """Personal-voice markers of one paragraph (empty for reported speech).

        Paragraphs are blank-line or indentation separated, or single lines when the text has
        neither (the forum-thread seed). A paragraph quoting someone (double quotation marks and
        a verb of saying) is reported speech: an "I" there is the speaker's, not the writer's;
        quoted words are left out of the others.
        """
        if index not in self._voices:
            begin, stop = self._paragraphs[index]
            paragraph = self.text[begin:stop]
            if not _has_voice_hint(paragraph) or (
                any(mark in paragraph for mark in '"“”') and _SPEECH.search(paragraph)
            ):
                self._voices[index] = ()
            else:
                self._voices[index] = voice_markers(_QUOTED.sub(" ", paragraph))
        return self._voices[index]

    def thread_start(self) -> int:
        """Where a comment thread begins, or -1: from the first personal-voice paragraph on, when
        at least three paragraphs and half of those from there to the end speak in a personal
        voice (BBC pages append readers' views; forum pages hold them)."""
        if self._thread is None:
            voiced = [
                bool(self._paragraph_voice(i)) if self.text[b:e].strip() else False
                for i, (b, e) in enumerate(self._paragraphs)
            ]
            self._thread = -1
            for i, (start, _) in enumerate(self._paragraphs):
                rest = voiced[i:]
                if voiced[i] and sum(rest) >= 3 and sum(rest) * 2 >= len(rest):
                    self._thread = start
                    break
        return self._thread


def _contains(sentence: str, target: str) -> bool:
    """The claim is (part of) the sentence, or the claim joins this sentence with neighbours."""
    core = sentence.strip(" .")
    return target in sentence or (len(core) >= 20 and core in target)
