"""Every JSON shape newsbot writes, in one place: a contract with the scripts that read them.

``newsbot ask --json``, ``summary --json`` and ``documents --json`` print these; the bot's feedback
file stores citations in the same record shape. The keys are fixed by the issues that introduced
them; extra information (notices, sentences) is for people and stays out of the answer JSON.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from retrieval.models import Answer, Citation, DocumentInfo, PassageKind, Summary

if TYPE_CHECKING:
    from retrieval.factcheck import CheckedSentence


def _date(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def citation_to_json(c: Citation) -> dict[str, Any]:
    """A citation as ``ask --json`` shows it; ``url`` is the bot's source page for a document
    that has no address of its own, when ``NEWSBOT_PUBLIC_URL`` is set."""
    return {
        "n": c.n,
        "document": c.document,
        "title": c.title,
        "url": c.url or c.page,
        "date": _date(c.date),
        "quote": c.quote,
    }


def answer_to_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [citation_to_json(c) for c in answer.citations],
        "notes": [
            {"kind": note.kind.value, "text": note.text, "citations": list(note.citations)}
            for note in answer.notes
        ],
        "timings_ms": dict(answer.timings_ms),
        "mode": answer.mode,
        "fallback_reason": answer.fallback_reason or None,
    }


def check_to_json(sentences: Sequence[CheckedSentence]) -> dict[str, Any]:
    """One input line of ``newsbot check --json``."""
    return {
        "sentences": [
            {
                "text": s.text,
                "kind": s.kind,
                "cues": list(s.cues),
                "corroborated_by": [citation_to_json(c) for c in s.corroborated_by],
                "disputed_by": [citation_to_json(c) for c in s.disputed_by],
            }
            for s in sentences
        ]
    }


def check_error_to_json(message: str, line: int) -> dict[str, Any]:
    """A line of ``check --json -`` that could not be checked: said, and the batch goes on."""
    return {"sentences": [], "error": message, "line": line}


def refusal_to_json(question: str, message: str) -> dict[str, Any]:
    """A question that could not be asked, in the same shape, so a batch run keeps one line each."""
    return {
        "question": question,
        "answer": message,
        "abstained": True,
        "citations": [],
        "notes": [],
        "timings_ms": {},
        "mode": "extractive",  # nothing was asked of any model
        "fallback_reason": None,
    }


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """``newsbot summary --json``; ``citations`` are source numbers ``n`` into ``sources``."""
    return {
        "headline": summary.headline,
        "points": [{"text": p.text, "citations": list(p.citations)} for p in summary.points],
        "unconfirmed": [
            {"text": u.text, "kind": u.kind.value, "citations": list(u.citations)}
            for u in summary.unconfirmed
        ],
        "timeline": [
            {"date": t.date.isoformat(), "text": t.text, "citations": list(t.citations)}
            for t in summary.timeline
        ],
        "sources": [
            {
                "n": s.n,
                "document": s.document,
                "title": s.title,
                "url": s.url or s.page,
                "date": _date(s.date),
            }
            for s in summary.sources
        ],
        "mode": summary.mode,
        "fallback_reason": summary.fallback_reason or None,
    }


def document_to_json(d: DocumentInfo) -> dict[str, Any]:
    """One row of ``newsbot documents --json``."""
    return {
        "document": d.source,
        "title": d.title,
        "url": d.url,
        "date": _date(d.date),
        "chunks": d.chunks,
    }


def stored_citation_to_json(c: Citation) -> dict[str, Any]:
    """A citation with what a Sources button needs after a restart (offsets, kind, chunk id)."""
    return {
        **citation_to_json(c),
        "url": c.url,
        "page": c.page,
        "doc_id": c.doc_id,
        "start": c.start,
        "end": c.end,
        "kind": c.kind.value,
        "chunk_id": c.chunk_id,
    }


def stored_citation_from_json(d: dict[str, Any]) -> Citation:
    return Citation(
        n=int(d["n"]),
        document=d["document"],
        title=d["title"],
        url=d["url"],
        date=dt.date.fromisoformat(d["date"]) if d["date"] else None,
        quote=d["quote"],
        start=int(d["start"]),
        end=int(d["end"]),
        kind=PassageKind(d["kind"]),
        chunk_id=d.get("chunk_id", ""),
        doc_id=d.get("doc_id", ""),
        page=d.get("page"),
    )
