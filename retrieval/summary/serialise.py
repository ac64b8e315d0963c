"""The summary JSON contract (``newsbot summary --json``): exactly these keys, ISO dates, numbers as n."""

from __future__ import annotations

from typing import Any

from retrieval.models import Summary


def summary_to_json(summary: Summary) -> dict[str, Any]:
    """Plain JSON-ready dict; ``citations`` are source numbers ``n`` into ``sources``."""
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
                "url": s.url,
                "date": s.date.isoformat() if s.date else None,
            }
            for s in summary.sources
        ],
    }
