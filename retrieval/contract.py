"""The JSON shapes of results: a contract with scripts that read ``newsbot ask --json``.

The keys are fixed by the issue that introduced them; extra information (notices, sentences) is for
people and stays out of the JSON.
"""

from __future__ import annotations

from typing import Any

from retrieval.models import Answer


def answer_to_json(answer: Answer) -> dict[str, Any]:
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "citations": [
            {
                "n": c.n,
                "document": c.document,
                "title": c.title,
                "url": c.url,
                "date": c.date.isoformat() if c.date else None,
                "quote": c.quote,
            }
            for c in answer.citations
        ],
        "notes": [
            {"kind": note.kind.value, "text": note.text, "citations": list(note.citations)}
            for note in answer.notes
        ],
        "timings_ms": dict(answer.timings_ms),
    }


def refusal_to_json(question: str, message: str) -> dict[str, Any]:
    """A question that could not be asked, in the same shape, so a batch run keeps one line each."""
    return {
        "question": question,
        "answer": message,
        "abstained": True,
        "citations": [],
        "notes": [],
        "timings_ms": {},
    }
