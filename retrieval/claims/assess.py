"""Claim assessment: for each answer sentence, how well do the sources stand behind it?

Order of precedence, strongest caveat first: opinion (every cited passage is a comment or opinion) >
disputed (another document gives a different number, date, or denies it) > unconfirmed (the cited source
hedges it, and fewer than two other documents report it plainly) > corroborated (two or more documents
report it without hedging) > single source.
"""

from __future__ import annotations

from collections.abc import Sequence

from retrieval.claims.analysis import DocumentFacts, SentenceFacts
from retrieval.claims.cues import CueKind, hedge_cues
from retrieval.claims.disputes import Conflict, find_conflict, overlaps, topic_words
from retrieval.claims.evidence import (
    ContextFn,
    DocumentReader,
    Evidence,
    Similarity,
    chunk_for,
    display_name,
    unique_chunks,
)
from retrieval.claims.learned import Judgement, SentenceJudge
from retrieval.claims.notes import build_notes
from retrieval.claims.opinion import opinion_genre, opinion_markers, weak_marker
from retrieval.claims.reasons import (
    dispute_reason,
    documents_phrase,
    opinion_reason,
    unconfirmed_reason,
)
from retrieval.claims.types import ClaimAssessment, ClaimStatus
from retrieval.claims.words import content_words
from retrieval.interfaces import Embedder
from retrieval.models import AnswerSentence, Chunk, Citation, Note, Passage, PassageKind


class ClaimAssessor:
    """Assesses answer sentences against their passages; stateless between calls but for caches.

    ``judge`` adds the learned hedge and subjectivity classifiers to the rules (without it, the
    rules alone decide, as in tests with fake embeddings).
    """

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        judge: SentenceJudge | None = None,
        support_overlap: float = 0.6,
        support_cosine: float = 0.8,
        context_window: int = 20_000,
    ) -> None:
        self.embedder = embedder
        self.judge = judge
        self.context_window = context_window
        self.support_overlap = support_overlap
        self.support_cosine = support_cosine

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
        strict: bool = True,
    ) -> ClaimStatus:
        """Opinion, unconfirmed or (plainly reported) single source, from one passage alone.

        ``title``/``url`` are the document's, when known: an op-ed or a review is opinion
        throughout. ``document`` is the passage's whole document, when known: it lets a
        disclaimer elsewhere in it, or a comment thread it ends with, count (as in ``assess``).
        ``strict``: the learned opinion classifier at its note threshold (notes, summaries)
        rather than its balanced one (``check``, which reports every sentence's kind).
        """
        start = document.find(passage_text) if document and passage_text else -1
        if document is not None and start >= 0:
            facts = DocumentFacts.read(document)
            located = facts.locate(sentence, start, start + len(passage_text))
        else:
            facts = DocumentFacts.read(passage_text)
            located = facts.locate(sentence) if passage_text.strip() else ()
        markers = [*opinion_markers(sentence), *(m for f in located for m in f.opinion)]
        if kind is PassageKind.COMMENT or opinion_genre(title, url):
            return ClaimStatus.OPINION
        if markers and (self.judge is None or not all(weak_marker(m) for m in markers)):
            return ClaimStatus.OPINION
        verdict = self._verdict(sentence) if markers else None
        if verdict is not None and verdict.opinion:  # a question or a bare "I": the classifier
            return ClaimStatus.OPINION
        cues = [*hedge_cues(sentence), *(c for f in located for c in f.cues)]
        # What no training data labels: unnamed sources, "unconfirmed", a disclaimer in force.
        unlabelled = any(c.kind is not CueKind.HEDGE for c in cues) or any(
            facts.disclaimers_covering(f) for f in located
        )
        ruled = bool(cues) or unlabelled
        if self.judge is None or (ruled and (strict or unlabelled)):
            return ClaimStatus.UNCONFIRMED if ruled else ClaimStatus.SINGLE_SOURCE
        verdict = verdict or self._verdict(sentence)  # embedded only when the rules left it open
        if verdict is None:
            return ClaimStatus.UNCONFIRMED if ruled else ClaimStatus.SINGLE_SOURCE
        if strict:  # answer notes: the rules' hedges as they are, the classifiers' strict points
            if verdict.opinion_note:
                return ClaimStatus.OPINION
            hedged = verdict.hedged and not verdict.possibility
            return ClaimStatus.UNCONFIRMED if hedged else ClaimStatus.SINGLE_SOURCE
        # check: a source's own hedge ("reportedly") outranks the opinion classifier unless that
        # is sure (its strict point); between the two classifiers, the trained policy decides.
        policy = self.judge.classifiers
        if verdict.opinion_note:
            return ClaimStatus.OPINION
        if ruled and verdict.hedge >= policy.rule_hedge_floor:
            return ClaimStatus.UNCONFIRMED
        if verdict.opinion and (policy.opinion_first or not verdict.hedged):
            return ClaimStatus.OPINION
        return ClaimStatus.UNCONFIRMED if verdict.hedged else ClaimStatus.SINGLE_SOURCE

    def _verdict(self, sentence: str) -> Judgement | None:
        if self.judge is None or not sentence.strip():
            return None
        return self.judge.judge([" ".join(sentence.split())])[0]

    # --- whole answers ---------------------------------------------------------------------------

    def assess(
        self,
        sentences: Sequence[AnswerSentence],
        citations: Sequence[Citation],
        passages: Sequence[Chunk | Passage],
        *,
        context: ContextFn | None = None,
    ) -> list[ClaimAssessment]:
        chunks = unique_chunks([p.chunk if isinstance(p, Passage) else p for p in passages])
        cited = {c.n: chunk_for(c, chunks) for c in citations}
        run = _Run(self, DocumentReader(context, self.context_window), chunks, cited)
        evidence = [run.evidence(sentence) for sentence in sentences]
        run.judge_all([e for found in evidence for e in found])
        return [run.assess(s, found) for s, found in zip(sentences, evidence, strict=True)]

    def notes(
        self,
        question: str,
        sentences: Sequence[AnswerSentence],
        citations: Sequence[Citation],
        passages: Sequence[Chunk | Passage],
        *,
        context: ContextFn | None = None,
        dated_collection: bool = True,
    ) -> tuple[Note, ...]:
        assessments = self.assess(sentences, citations, passages, context=context)
        return build_notes(question, assessments, citations, dated_collection=dated_collection)


class _Run:
    """The state of one ``assess`` call: documents read, vectors computed."""

    def __init__(
        self,
        owner: ClaimAssessor,
        reader: DocumentReader,
        chunks: list[Chunk],
        cited: dict[int, Chunk],
    ) -> None:
        self.owner = owner
        self.reader = reader
        self.chunks = chunks
        self.cited = cited
        self.similarity = Similarity(owner.embedder, owner.support_overlap, owner.support_cosine)
        self.topics: dict[str, frozenset[str]] = {}
        self.others: dict[frozenset[str], list[tuple[Chunk, DocumentFacts, SentenceFacts]]] = {}
        self.learned: dict[str, Judgement] = {}

    def topic(self, text: str) -> frozenset[str]:
        if text not in self.topics:
            self.topics[text] = topic_words(text)
        return self.topics[text]

    def judge_all(self, evidence: list[Evidence]) -> None:
        """The learned verdicts on every cited source sentence, in one embedding batch."""
        judge = self.owner.judge
        texts = list(dict.fromkeys(" ".join(e.facts.span.text.split()) for e in evidence))
        if judge is not None and texts:
            self.learned = dict(zip(texts, judge.judge(texts), strict=True))

    def assess(self, sentence: AnswerSentence, evidence: list[Evidence]) -> ClaimAssessment:
        evidence = [
            e.judged(self.learned.get(" ".join(e.facts.span.text.split()))) for e in evidence
        ]
        own_opinion = opinion_markers(sentence.text)
        refs = sentence.citations
        names = tuple(dict.fromkeys(e.source for e in evidence))
        if own_opinion or (evidence and all(e.opinion for e in evidence)):
            return ClaimAssessment(
                sentence.text,
                ClaimStatus.OPINION,
                opinion_reason(evidence, own_opinion),
                refs,
                names,
            )
        reporting = [e for e in evidence if not e.opinion]
        plain_docs, hedged_docs, others = self._support(sentence.text, reporting)
        found = self._dispute(sentence.text, reporting)
        if found is not None:
            other, conflict = found
            other_name = display_name(other.title, other.url)
            return ClaimAssessment(
                sentence.text, ClaimStatus.DISPUTED,
                dispute_reason(refs, names, other_name, conflict),
                refs, (*names, other_name), against=other,
            )  # fmt: skip
        own_cues = hedge_cues(sentence.text)
        cited_hedged = bool(own_cues) or (bool(reporting) and all(e.hedged for e in reporting))
        plain = {e.doc_id: e.source for e in reporting if not e.hedged} | plain_docs
        if cited_hedged and len(plain) < 2:
            reason = unconfirmed_reason(reporting, own_cues, plain, hedged_docs)
            return ClaimAssessment(sentence.text, ClaimStatus.UNCONFIRMED, reason, refs, names)
        all_names = tuple(dict.fromkeys((*names, *others)))
        if len(plain) >= 2:
            reason = f"reported by {len(plain)} documents: {documents_phrase(list(plain.values()))}"
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

    def evidence(self, sentence: AnswerSentence) -> list[Evidence]:
        found: list[Evidence] = []
        for n in sentence.citations:
            chunk = self.cited.get(n)
            if chunk is None:
                continue
            document, start, end = self.reader.place(chunk)
            genre = opinion_genre(chunk.title, chunk.url)
            for facts in document.locate(sentence.text, start, end):
                covering = document.disclaimers_covering(facts)
                found.append(
                    Evidence(
                        chunk.doc_id,
                        display_name(chunk.title, chunk.url),
                        chunk.kind,
                        facts,
                        covering,
                        genre,
                    )
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
        self, claim: str, reporting: list[Evidence]
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
                hedged.setdefault(chunk.doc_id, display_name(chunk.title, chunk.url))
            else:
                plain[chunk.doc_id] = display_name(chunk.title, chunk.url)
        for doc_id in plain:
            hedged.pop(doc_id, None)
        return plain, hedged, tuple(dict.fromkeys([*plain.values(), *hedged.values()]))

    def _dispute(self, claim: str, reporting: list[Evidence]) -> tuple[Chunk, Conflict] | None:
        """(the other document's passage, what differs) when another document contradicts it."""
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
        return self._first_conflict(mine, related)

    def _first_conflict(
        self, mine: list[str], related: list[tuple[Chunk, SentenceFacts]]
    ) -> tuple[Chunk, Conflict] | None:
        for chunk, facts in related:
            for text in mine:
                if not overlaps(self.topic(text), self.topic(facts.span.text)):
                    continue
                conflict = find_conflict(text, facts.span.text)
                if conflict is not None:
                    return chunk, conflict
        return None
