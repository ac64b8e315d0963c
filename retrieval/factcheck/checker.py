"""Checking a pasted text against the collection: each sentence's kind, and who backs or contradicts it.

A member pastes a claim or forwards a message; a moderator wants to know, sentence by sentence,
whether it is given as fact, hedged or opinion, and what the documents say about it. The kind comes
from the same rules and classifiers as answer notes, at the classifiers' balanced operating point
(every sentence gets a kind, and a miss is as costly as a false alarm). Backing and contradiction
come from the passages retrieved for the sentence: a passage sentence that restates it corroborates;
one about the same event with an incompatible number, date or a denial disputes it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from retrieval.claims import ClaimAssessor, ClaimStatus
from retrieval.claims.analysis import DocumentFacts
from retrieval.claims.cues import hedge_cues
from retrieval.claims.disputes import find_conflict, overlaps, topic_words
from retrieval.claims.evidence import Similarity
from retrieval.claims.opinion import opinion_genre, opinion_markers
from retrieval.claims.words import content_words
from retrieval.errors import QuestionError
from retrieval.interfaces import Embedder, Searcher
from retrieval.models import Chunk, Citation, PassageKind
from retrieval.sentences import plain_text, split_sentences

STRICT_OVERLAP = 0.8
KINDS = {ClaimStatus.OPINION: "opinion", ClaimStatus.UNCONFIRMED: "unconfirmed"}


@dataclass(frozen=True)
class CheckedSentence:
    """One sentence of a checked text; ``kind`` is "unconfirmed", "opinion" or "reported"."""

    text: str
    kind: str
    cues: tuple[str, ...]
    corroborated_by: tuple[Citation, ...]
    disputed_by: tuple[Citation, ...]


class ClaimChecker:
    """Splits a text into sentences and checks each one; stateless between calls."""

    def __init__(
        self,
        searcher: Searcher,
        assessor: ClaimAssessor,
        *,
        embedder: Embedder | None = None,
        paraphrase: float = 0.8,
        top_k: int = 6,
        max_chars: int = 4000,
        max_sentences: int = 20,
    ) -> None:
        self._searcher = searcher
        self._assessor = assessor
        self._embedder = embedder  # the precise model (MiniLM): a check is a handful of sentences
        self._paraphrase = paraphrase
        self._top_k = top_k
        self._max_chars = max_chars
        self._max_sentences = max_sentences

    def check(
        self, text: str, *, context: str | None = None, title: str = ""
    ) -> tuple[CheckedSentence, ...]:
        """Check ``text``; ``context`` is the document it comes from, when the member has it.

        Raises :class:`QuestionError` for an empty text, a text over the limit, or one with more
        sentences than a reply can show (the message says what to shorten).
        """
        body = " ".join(text.split())
        if not body:
            raise QuestionError("There is nothing to check: the text is empty.", question=text)
        if len(body) > self._max_chars:
            raise QuestionError(
                f"The text is {len(body):,} characters long; the limit is {self._max_chars:,}. "
                "Please paste the part you want checked.",
                question=text,
            )
        sentences = [" ".join(plain_text(s).split()) for s in split_sentences(body)]
        sentences = [s for s in sentences if s]
        if len(sentences) > self._max_sentences:
            raise QuestionError(
                f"The text has {len(sentences)} sentences; at most {self._max_sentences} can be "
                "checked at once. Please paste the part you want checked.",
                question=text,
            )
        numbers: dict[tuple[str, int], Citation] = {}
        return tuple(self._one(s, context, title, numbers) for s in sentences)

    def _one(
        self,
        sentence: str,
        context: str | None,
        title: str,
        numbers: dict[tuple[str, int], Citation],
    ) -> CheckedSentence:
        # Each pasted sentence is judged on its own words: a forwarded message is not a document
        # whose one "I think" makes every sentence opinion. A given context is a document.
        status = self._assessor.classify_passage_sentence(
            sentence, sentence, PassageKind.ARTICLE, title=title, document=context, strict=False
        )
        kind = KINDS.get(status, "reported")
        corroborating, disputing = self._evidence(sentence, numbers)
        return CheckedSentence(sentence, kind, self._cues(sentence, kind), corroborating, disputing)

    def _cues(self, sentence: str, kind: str) -> tuple[str, ...]:
        """The words behind the kind (none for a plain report): the rules' cues of that kind,
        else what the classifiers point at."""
        if kind == "reported":
            return ()
        if kind == "unconfirmed":
            found = [c.phrase for c in hedge_cues(sentence)]
        else:
            found = list(opinion_markers(sentence))
        judge = self._assessor.judge
        if not found and judge is not None:
            (verdict,) = judge.judge([sentence])
            found = [c.phrase for c in verdict.cues] if kind == "unconfirmed" else []
            found = found or [
                "uncertain wording" if kind == "unconfirmed" else "subjective wording"
            ]
        return tuple(dict.fromkeys(found))

    def _evidence(
        self, sentence: str, numbers: dict[tuple[str, int], Citation]
    ) -> tuple[tuple[Citation, ...], tuple[Citation, ...]]:
        mine = content_words(sentence)
        if len(mine) < 2:  # "Wow." or "Really?": nothing to look up
            return (), ()
        passages = self._searcher.search(sentence, k=self._top_k)
        # Stricter than an answer's corroboration (there the sentence was retrieved for the same
        # question): most of the claim's words, or many of them and the same meaning.
        similarity = Similarity(self._embedder, STRICT_OVERLAP, self._paraphrase)
        topic = topic_words(sentence)
        backing: dict[str, tuple[Chunk, int, int]] = {}  # first passage sentence per document
        against: dict[str, tuple[Chunk, int, int]] = {}
        for passage in passages:
            chunk = passage.chunk
            if chunk.kind is PassageKind.COMMENT or opinion_genre(chunk.title, chunk.url):
                continue  # a reader's view neither corroborates nor disputes a report
            for facts in DocumentFacts.read(chunk.text).sentences:
                if facts.opinion:
                    continue
                other, place = facts.span.text, (chunk, facts.span.start, facts.span.end)
                # A different figure first: "sold 800 cars" restates "sold 500 cars" word for word.
                if overlaps(topic, topic_words(other)) and _differs(sentence, other):
                    against.setdefault(chunk.doc_id, place)
                elif similarity.supports(sentence, mine, other, facts.words) and not facts.cues:
                    backing.setdefault(chunk.doc_id, place)
        for doc_id in backing:
            against.pop(doc_id, None)  # a document that says it and also differs is not against it
        return (
            tuple(_cite(*place, numbers) for place in backing.values()),
            tuple(_cite(*place, numbers) for place in against.values()),
        )


def _differs(mine: str, theirs: str) -> bool:
    """A different number or date for the same event. A bare negation is not enough here: in a
    pasted sentence set against a whole passage sentence, the "not" is too often in another
    clause ("details were not made public") to call it a dispute."""
    conflict = find_conflict(mine, theirs)
    return conflict is not None and conflict.kind != "negation"


def _cite(chunk: Chunk, start: int, end: int, numbers: dict[tuple[str, int], Citation]) -> Citation:
    """A citation quoting one sentence of a chunk, numbered in first-seen order for the whole text."""
    key = (chunk.chunk_id, start)
    if key not in numbers:
        cited = Citation.of(len(numbers) + 1, chunk, start, end)
        numbers[key] = replace(cited, quote=" ".join(cited.quote.split()))
    return numbers[key]
