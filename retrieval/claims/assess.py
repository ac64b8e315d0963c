"""Claim assessment: for each answer sentence, how well do the sources stand behind it?

Order of precedence, strongest caveat first: opinion (every cited passage is a comment or opinion) >
disputed (another document gives a different number, date, or denies it) > unconfirmed (the cited source
hedges it, and fewer than two other documents report it plainly) > corroborated (two or more documents
report it without hedging) > single source.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from retrieval.claims.analysis import DocumentFacts, SentenceFacts
from retrieval.claims.cues import Cue, CueKind, hedge_cues
from retrieval.claims.disputes import (
    Conflict,
    DisputeJudge,
    find_conflict,
    overlaps,
    topic_words,
    verified,
)
from retrieval.claims.notes import build_notes
from retrieval.claims.opinion import opinion_genre, opinion_markers
from retrieval.claims.types import ClaimAssessment, ClaimStatus
from retrieval.claims.words import content_words
from retrieval.interfaces import Embedder
from retrieval.models import AnswerSentence, Chunk, Citation, Note, Passage, PassageKind

ContextFn = Callable[[Chunk], str]


@dataclass(frozen=True)
class _Evidence:
    """A source sentence behind a claim, with what its document says about it."""

    doc_id: str
    source: str
    kind: PassageKind
    facts: SentenceFacts
    disclaimers: tuple[SentenceFacts, ...]
    genre: str = ""  # "an opinion piece" / "a review" from the document's title or URL

    @property
    def opinion(self) -> bool:
        return self.kind is PassageKind.COMMENT or bool(self.genre) or bool(self.facts.opinion)

    @property
    def hedged(self) -> bool:
        return bool(self.facts.cues) or bool(self.disclaimers)


@dataclass
class _Reader:
    """Reads each document once per call, and finds where a chunk sits in it.

    Only a window of ``window`` characters around the chunk is read: a disclaimer or a comment
    thread that far away is about something else, and a long page must not cost the answer time.
    """

    context: ContextFn | None
    window: int = 20_000
    cache: dict[tuple[str, str], DocumentFacts] = field(default_factory=dict)

    def place(self, chunk: Chunk) -> tuple[DocumentFacts, int, int]:
        text = self.context(chunk) if self.context is not None else chunk.text
        start = _find(text, chunk)
        if start < 0:  # the context does not contain the chunk verbatim: judge the chunk on its own
            text, start = chunk.text, 0
        if len(text) > self.window:
            begin = max(0, start - (self.window - len(chunk.text)) // 2)
            text, start = text[begin : begin + max(self.window, len(chunk.text))], start - begin
        key = (chunk.doc_id, text)
        if key not in self.cache:
            self.cache[key] = DocumentFacts.read(text)
        return self.cache[key], start, start + len(chunk.text)


def _find(text: str, chunk: Chunk) -> int:
    if text[chunk.start : chunk.end] == chunk.text:
        return chunk.start
    return text.find(chunk.text)


class _Similarity:
    """Lexical coverage, plus embedding cosine when an embedder is given."""

    def __init__(self, embedder: Embedder | None, lexical: float, semantic: float) -> None:
        self.embedder = embedder
        self.lexical = lexical
        self.semantic = semantic
        self.vectors: dict[str, np.ndarray] = {}

    def prepare(self, texts: Sequence[str]) -> None:
        if self.embedder is None:
            return
        missing = list(dict.fromkeys(t for t in texts if t not in self.vectors))
        if missing:
            for text, vector in zip(missing, self.embedder.embed_batch(missing), strict=True):
                self.vectors[text] = np.asarray(vector, dtype=np.float32)

    def supports(
        self, claim: str, mine: frozenset[str], other: str, theirs: frozenset[str]
    ) -> bool:
        """Does ``other`` restate ``claim``? (``mine``/``theirs`` are their content words.)"""
        shared = len(mine & theirs) / len(mine) if mine else 0.0
        if shared >= self.lexical and len(mine) >= 3:
            return True
        if self.embedder is None or shared < self.lexical / 2:
            return False
        self.prepare([claim, other])
        return float(self.vectors[claim] @ self.vectors[other]) >= self.semantic


class ClaimAssessor:
    """Assesses answer sentences against their passages; stateless between calls."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        judge: DisputeJudge | None = None,
        *,
        support_overlap: float = 0.6,
        support_cosine: float = 0.8,
        max_judge_calls: int = 3,
        context_window: int = 20_000,
    ) -> None:
        self.embedder = embedder
        self.context_window = context_window
        self.judge = judge
        self.support_overlap = support_overlap
        self.support_cosine = support_cosine
        self.max_judge_calls = max_judge_calls

    # --- single sentence -------------------------------------------------------------------------

    def classify_passage_sentence(
        self,
        sentence: str,
        passage_text: str,
        kind: PassageKind,
        *,
        title: str = "",
        url: str | None = None,
        document: str | None = None,
    ) -> ClaimStatus:
        """Opinion, unconfirmed or (plainly reported) single source, from one passage alone.

        ``title``/``url`` are the document's, when known: an op-ed or a review is opinion
        throughout. ``document`` is the passage's whole document, when known: it lets a
        disclaimer elsewhere in it, or a comment thread it ends with, count (as in ``assess``).
        """
        start = document.find(passage_text) if document and passage_text else -1
        if document is not None and start >= 0:
            facts = DocumentFacts.read(document)
            located = facts.locate(sentence, start, start + len(passage_text))
        else:
            facts = DocumentFacts.read(passage_text)
            located = facts.locate(sentence) if passage_text.strip() else ()
        if (
            kind is PassageKind.COMMENT
            or opinion_genre(title, url)
            or opinion_markers(sentence)
            or any(f.opinion for f in located)
        ):
            return ClaimStatus.OPINION
        if hedge_cues(sentence) or any(f.cues or facts.disclaimers_covering(f) for f in located):
            return ClaimStatus.UNCONFIRMED
        return ClaimStatus.SINGLE_SOURCE

    # --- whole answers ---------------------------------------------------------------------------

    def assess(
        self,
        sentences: Sequence[AnswerSentence],
        citations: Sequence[Citation],
        passages: Sequence[Chunk | Passage],
        *,
        context: ContextFn | None = None,
    ) -> list[ClaimAssessment]:
        chunks = _unique([p.chunk if isinstance(p, Passage) else p for p in passages])
        cited = {c.n: _chunk_for(c, chunks) for c in citations}
        run = _Run(self, _Reader(context, self.context_window), chunks, cited)
        return [run.assess(sentence) for sentence in sentences]

    def notes(
        self,
        question: str,
        sentences: Sequence[AnswerSentence],
        citations: Sequence[Citation],
        passages: Sequence[Chunk | Passage],
        *,
        context: ContextFn | None = None,
    ) -> tuple[Note, ...]:
        assessments = self.assess(sentences, citations, passages, context=context)
        return build_notes(question, assessments, citations)


class _Run:
    """The state of one ``assess`` call: documents read, vectors computed, judge calls spent."""

    def __init__(
        self, owner: ClaimAssessor, reader: _Reader, chunks: list[Chunk], cited: dict[int, Chunk]
    ) -> None:
        self.owner = owner
        self.reader = reader
        self.chunks = chunks
        self.cited = cited
        self.similarity = _Similarity(owner.embedder, owner.support_overlap, owner.support_cosine)
        self.judge_calls = 0
        self.topics: dict[str, frozenset[str]] = {}
        self.others: dict[frozenset[str], list[tuple[Chunk, DocumentFacts, SentenceFacts]]] = {}

    def topic(self, text: str) -> frozenset[str]:
        if text not in self.topics:
            self.topics[text] = topic_words(text)
        return self.topics[text]

    def assess(self, sentence: AnswerSentence) -> ClaimAssessment:
        evidence = self._evidence(sentence)
        own_opinion = opinion_markers(sentence.text)
        refs = sentence.citations
        names = tuple(dict.fromkeys(e.source for e in evidence))
        if own_opinion or (evidence and all(e.opinion for e in evidence)):
            return ClaimAssessment(
                sentence.text,
                ClaimStatus.OPINION,
                _opinion_reason(evidence, own_opinion),
                refs,
                names,
            )
        reporting = [e for e in evidence if not e.opinion]
        plain_docs, hedged_docs, others = self._support(sentence.text, reporting)
        conflict = self._dispute(sentence.text, reporting)
        if conflict is not None:
            other_source, detail = conflict
            return ClaimAssessment(
                sentence.text, ClaimStatus.DISPUTED, _dispute_reason(refs, names, other_source, detail),
                refs, (*names, other_source),
            )  # fmt: skip
        own_cues = hedge_cues(sentence.text)
        cited_hedged = bool(own_cues) or (bool(reporting) and all(e.hedged for e in reporting))
        plain = {e.doc_id: e.source for e in reporting if not e.hedged} | plain_docs
        if cited_hedged and len(plain) < 2:
            reason = _unconfirmed_reason(reporting, own_cues, plain, hedged_docs)
            return ClaimAssessment(sentence.text, ClaimStatus.UNCONFIRMED, reason, refs, names)
        all_names = tuple(dict.fromkeys((*names, *others)))
        if len(plain) >= 2:
            reason = f"reported by {len(plain)} documents: {', '.join(sorted(plain.values()))}"
            return ClaimAssessment(sentence.text, ClaimStatus.CORROBORATED, reason, refs, all_names)
        if not evidence:
            return ClaimAssessment(
                sentence.text, ClaimStatus.SINGLE_SOURCE, "no cited source backs it", refs, ()
            )
        only = next(iter(plain.values()), names[0] if names else "")
        return ClaimAssessment(
            sentence.text,
            ClaimStatus.SINGLE_SOURCE,
            f"reported by one document: {only}",
            refs,
            names,
        )

    def _evidence(self, sentence: AnswerSentence) -> list[_Evidence]:
        found: list[_Evidence] = []
        for n in sentence.citations:
            chunk = self.cited.get(n)
            if chunk is None:
                continue
            document, start, end = self.reader.place(chunk)
            genre = opinion_genre(chunk.title, chunk.url)
            for facts in document.locate(sentence.text, start, end):
                covering = document.disclaimers_covering(facts)
                found.append(
                    _Evidence(chunk.doc_id, chunk.source, chunk.kind, facts, covering, genre)
                )
        return found

    def _other_sentences(
        self, exclude: set[str]
    ) -> list[tuple[Chunk, DocumentFacts, SentenceFacts]]:
        """Reporting sentences of retrieved passages from documents other than ``exclude``."""
        key = frozenset(exclude)
        if key in self.others:
            return self.others[key]
        out: list[tuple[Chunk, DocumentFacts, SentenceFacts]] = []
        for chunk in self.chunks:
            if (
                chunk.doc_id in exclude
                or chunk.kind is PassageKind.COMMENT
                or opinion_genre(chunk.title, chunk.url)
            ):
                continue
            document, start, end = self.reader.place(chunk)
            out.extend(
                (chunk, document, facts)
                for facts in document.within(start, end)
                if not facts.opinion
            )
        self.others[key] = out
        return out

    def _support(
        self, claim: str, reporting: list[_Evidence]
    ) -> tuple[dict[str, str], dict[str, str], tuple[str, ...]]:
        """Other documents restating the claim: (plain doc_id→source, hedged doc_id→source, names)."""
        own_docs = {e.doc_id for e in reporting}
        candidates = self._other_sentences(own_docs)
        mine = content_words(claim)
        if mine:  # embed only what the lexical floor lets through: embedding is the slow part
            floor = self.owner.support_overlap / 2
            near = [
                f.span.text for _, _, f in candidates if len(mine & f.words) / len(mine) >= floor
            ]
            self.similarity.prepare([claim, *near] if near else [])
        plain: dict[str, str] = {}
        hedged: dict[str, str] = {}
        for chunk, document, facts in candidates:
            if not self.similarity.supports(claim, mine, facts.span.text, facts.words):
                continue
            if facts.cues or document.disclaimers_covering(facts):
                hedged.setdefault(chunk.doc_id, chunk.source)
            else:
                plain[chunk.doc_id] = chunk.source
        for doc_id in plain:
            hedged.pop(doc_id, None)
        return plain, hedged, tuple(dict.fromkeys([*plain.values(), *hedged.values()]))

    def _dispute(self, claim: str, reporting: list[_Evidence]) -> tuple[str, str] | None:
        """(other document, what differs) when another document contradicts the claim."""
        if not reporting:
            return None
        own_docs = {e.doc_id for e in reporting}
        mine = [claim, *(e.facts.span.text for e in reporting)]
        topics = [self.topic(m) for m in mine]
        related = [
            (chunk, facts)
            for chunk, _, facts in self._other_sentences(own_docs)
            if any(overlaps(t, self.topic(facts.span.text)) for t in topics)
        ]
        offline = self._first_conflict(mine, related)
        judged = self._judge(claim, reporting, related)
        if judged is not None:
            return judged if judged[1] else None
        return offline

    def _first_conflict(
        self, mine: list[str], related: list[tuple[Chunk, SentenceFacts]]
    ) -> tuple[str, str] | None:
        for chunk, facts in related:
            for text in mine:
                if not overlaps(self.topic(text), self.topic(facts.span.text)):
                    continue
                conflict = find_conflict(text, facts.span.text)
                if conflict is not None:
                    return chunk.source, _describe(conflict)
        return None

    def _judge(
        self, claim: str, reporting: list[_Evidence], related: list[tuple[Chunk, SentenceFacts]]
    ) -> tuple[str, str] | None:
        """Ask the optional judge; returns None to fall back on the offline check."""
        judge = self.owner.judge
        if judge is None or not related or self.judge_calls >= self.owner.max_judge_calls:
            return None
        self.judge_calls += 1
        pairs = [(e.doc_id, e.facts.span.text) for e in reporting]
        pairs += [(chunk.doc_id, chunk.text) for chunk in dict.fromkeys(c for c, _ in related)]
        verdict = judge.judge(claim, [text for _, text in pairs])
        if not verdict.disputed:
            return ("", "")
        if not verified(verdict, pairs):
            return None
        other = next((c.source for c, _ in related), "another source")
        return (other, verdict.reason or "the sources disagree")


def _describe(conflict: Conflict) -> str:
    if conflict.kind == "negation":
        return f"one {conflict.mine}, the other {conflict.theirs}"
    return f"{conflict.mine} vs {conflict.theirs}"


def _unique(chunks: list[Chunk]) -> list[Chunk]:
    seen: dict[tuple[str, str, int], Chunk] = {}
    for chunk in chunks:
        seen.setdefault((chunk.chunk_id, chunk.doc_id, chunk.start), chunk)
    return list(seen.values())


def _chunk_for(citation: Citation, chunks: list[Chunk]) -> Chunk:
    """The retrieved chunk a citation quotes; rebuilt from the citation when it was not passed in."""
    for chunk in chunks:
        if citation.chunk_id and chunk.chunk_id == citation.chunk_id:
            return chunk
    for chunk in chunks:
        if chunk.source == citation.document and (
            citation.quote in chunk.text or chunk.text in citation.quote
        ):
            return chunk
    return Chunk(
        chunk_id=citation.chunk_id, doc_id=citation.document, source=citation.document, title=citation.title,
        url=citation.url, date=citation.date, text=citation.quote, kind=citation.kind, position=0,
        start=citation.start, end=citation.end,
    )  # fmt: skip


# --- reasons a member reads ---------------------------------------------------------------------


def _quote(phrases: list[str], limit: int = 2) -> str:
    unique = list(dict.fromkeys(phrases))[:limit]
    return ", ".join(f"“{p}”" for p in unique)


def _opinion_reason(evidence: list[_Evidence], own: tuple[str, ...]) -> str:
    if any(e.kind is PassageKind.COMMENT for e in evidence):
        return "it comes from a reader's comment, not from reporting"
    genre = next((e.genre for e in evidence if e.genre), "")
    if genre:
        return f"it comes from {genre}, not from news reporting"
    markers = [m for e in evidence for m in e.facts.opinion] + list(own)
    return (
        f"the source gives it as opinion or speculation ({_quote(markers)}), not as reported fact"
    )


def _unconfirmed_reason(
    reporting: list[_Evidence],
    own: tuple[Cue, ...],
    plain: dict[str, str],
    hedged_elsewhere: dict[str, str],
) -> str:
    cues: list[Cue] = list(own)
    for e in reporting:
        cues.extend(e.facts.cues)
        for disclaimer in e.disclaimers:
            cues.extend(c for c in disclaimer.cues if c.kind is CueKind.UNCONFIRMED)
    parts = []
    by_kind = {kind: [c.phrase for c in cues if c.kind is kind] for kind in CueKind}
    if by_kind[CueKind.UNNAMED]:
        parts.append(
            f"attributes it to unnamed or vague sources ({_quote(by_kind[CueKind.UNNAMED])})"
        )
    if by_kind[CueKind.HEDGE]:
        parts.append(f"hedges it ({_quote(by_kind[CueKind.HEDGE])})")
    if by_kind[CueKind.UNCONFIRMED]:
        doubts = sorted(by_kind[CueKind.UNCONFIRMED], key=lambda p: "confirm" not in p.lower())
        parts.append(f"says it is not confirmed ({_quote(doubts)})")
    subject = "the sources" if len({e.doc_id for e in reporting}) > 1 else "the source"
    reason = f"{subject} {_join(parts) or 'hedges it'}"
    if plain:
        reason += f"; only {', '.join(sorted(plain.values()))} reports it plainly"
    elif hedged_elsewhere:
        reason += (
            f"; {', '.join(sorted(hedged_elsewhere.values()))} also reports it only with caveats"
        )
    return reason


def _join(parts: list[str]) -> str:
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


def _dispute_reason(refs: tuple[int, ...], names: tuple[str, ...], other: str, detail: str) -> str:
    mine = "".join(f"[{n}]" for n in refs) or ", ".join(names) or "the cited source"
    return f"sources disagree: {mine} and {other} differ ({detail})"
