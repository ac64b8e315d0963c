"""Links to the bot's own source pages (``NEWSBOT_PUBLIC_URL``), so that every citation opens on
the passage it cites, including the documents that came without an address of their own."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import TYPE_CHECKING
from urllib.parse import quote

from retrieval.models import Answer, Citation, Summary, SummarySource

if TYPE_CHECKING:
    from retrieval.factcheck import CheckedSentence


class SourceLinks:
    """Source-page addresses under ``base`` for one community's documents.

    A community's own uploads live in its own collection, so the page is asked for with
    ``?server=<id>``; documents of the shared collection are found there too.
    """

    def __init__(self, base: str, community: int | None = None) -> None:
        self.base = base.rstrip("/")
        self.community = community

    def page(self, doc_id: str, chunk_id: str = "") -> str | None:
        if not doc_id:
            return None  # a citation stored before documents had ids in citations
        address = f"{self.base}/sources/{quote(doc_id, safe='')}"
        if self.community is not None:
            address += f"?server={self.community}"
        return f"{address}#c{quote(chunk_id, safe='')}" if chunk_id else address

    def citation(self, c: Citation) -> Citation:
        return dataclasses.replace(c, page=self.page(c.doc_id, c.chunk_id))

    def citations(self, cs: Sequence[Citation]) -> tuple[Citation, ...]:
        return tuple(self.citation(c) for c in cs)

    def answer(self, answer: Answer) -> Answer:
        return dataclasses.replace(answer, citations=self.citations(answer.citations))

    def summary(self, summary: Summary) -> Summary:
        return dataclasses.replace(summary, sources=tuple(self._source(s) for s in summary.sources))

    def _source(self, s: SummarySource) -> SummarySource:
        return dataclasses.replace(s, page=self.page(s.doc_id))

    def checked(self, sentences: Sequence[CheckedSentence]) -> tuple[CheckedSentence, ...]:
        return tuple(
            dataclasses.replace(
                s,
                corroborated_by=self.citations(s.corroborated_by),
                disputed_by=self.citations(s.disputed_by),
            )
            for s in sentences
        )
