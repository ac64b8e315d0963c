"""The bot's own small SQLite file: answers as sent, votes on them, and summaries awaiting a post.

Buttons outlive the process (persistent, ``custom_id``-based), but a ``custom_id`` holds at most 100
characters: it carries only an id, and everything a click needs after a restart (the question
behind a vote, the passages behind "Sources", the embeds behind "Post to channel") is recovered
from here.
Each call opens its own connection, so the store is safe to use from worker threads.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from retrieval.contract import stored_citation_from_json, stored_citation_to_json
from retrieval.models import Answer, Citation

_SCHEMA = """
CREATE TABLE IF NOT EXISTS answers (
    answer_id TEXT PRIMARY KEY,
    question TEXT NOT NULL,
    text TEXT NOT NULL,
    citations TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS votes (
    answer_id TEXT NOT NULL,
    user_id INTEGER NOT NULL,
    question TEXT NOT NULL,
    vote INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    voted_at TEXT NOT NULL,
    PRIMARY KEY (answer_id, user_id)
);
CREATE TABLE IF NOT EXISTS summaries (
    summary_id TEXT PRIMARY KEY,
    requested_by INTEGER NOT NULL,
    messages TEXT NOT NULL,
    created_at TEXT NOT NULL
);
"""


@dataclass(frozen=True)
class StoredAnswer:
    answer_id: str
    question: str
    text: str
    citations: tuple[Citation, ...]


@dataclass(frozen=True)
class Vote:
    answer_id: str
    user_id: int
    question: str
    vote: int  # +1 or -1
    voted_at: dt.datetime


@dataclass(frozen=True)
class Rating:
    answer_id: str
    question: str
    answer: str
    community: int | None
    up: int
    down: int


@dataclass(frozen=True)
class FeedbackReport:
    """Votes over the answers that got any: totals, and the worst-rated answers."""

    answers: int
    up: int
    down: int
    worst: tuple[Rating, ...]


def feedback_to_json(report: FeedbackReport) -> dict[str, Any]:
    """``newsbot feedback --json``."""
    return {
        "answers": report.answers,
        "up": report.up,
        "down": report.down,
        "worst": [
            {
                "answer_id": r.answer_id,
                "question": r.question,
                "answer": r.answer,
                "server": r.community,
                "up": r.up,
                "down": r.down,
            }
            for r in report.worst
        ],
    }


def _utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


class FeedbackStore:
    """Answers sent, votes cast and pending summaries, in one SQLite file."""

    def __init__(self, path: Path, *, clock: Callable[[], dt.datetime] = _utcnow) -> None:
        self._path = path
        self._clock = clock
        path.parent.mkdir(parents=True, exist_ok=True)
        with self._connect() as db:
            db.executescript(_SCHEMA)
            columns = {row[1] for row in db.execute("PRAGMA table_info(answers)")}
            if "community" not in columns:  # a file from before /feedback: its answers stay
                db.execute("ALTER TABLE answers ADD COLUMN community INTEGER")

    @contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        db = sqlite3.connect(self._path, timeout=10)
        try:
            with db:
                yield db
        finally:
            db.close()

    # --- answers ---------------------------------------------------------------------------------

    def remember_answer(self, answer: Answer, answer_id: str, community: int | None = None) -> None:
        """``community``: the Discord server it was asked in (None: a direct message), so each
        server's moderators read only their own server's feedback."""
        citations = json.dumps([stored_citation_to_json(c) for c in answer.citations])
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO answers (answer_id, question, text, citations, created_at,"
                " community) VALUES (?, ?, ?, ?, ?, ?)",
                (
                    answer_id,
                    answer.question,
                    answer.text,
                    citations,
                    self._clock().isoformat(),
                    community,
                ),
            )

    def answer(self, answer_id: str) -> StoredAnswer | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT answer_id, question, text, citations FROM answers WHERE answer_id = ?",
                (answer_id,),
            ).fetchone()
        if row is None:
            return None
        citations = tuple(stored_citation_from_json(d) for d in json.loads(row[3]))
        return StoredAnswer(answer_id=row[0], question=row[1], text=row[2], citations=citations)

    # --- votes -----------------------------------------------------------------------------------

    def record_vote(self, answer_id: str, user_id: int, vote: int) -> Vote:
        """Store (or change) one member's vote; the question is taken from the answers table."""
        if vote not in (-1, 1):
            raise ValueError("vote must be +1 or -1")
        stored = self.answer(answer_id)
        question = stored.question if stored else ""
        now = self._clock()
        with self._connect() as db:
            db.execute(
                "INSERT INTO votes VALUES (?, ?, ?, ?, ?) ON CONFLICT(answer_id, user_id) "
                "DO UPDATE SET vote = excluded.vote, voted_at = excluded.voted_at",
                (answer_id, user_id, question, vote, now.isoformat()),
            )
        return Vote(answer_id, user_id, question, vote, now)

    def votes(self, answer_id: str | None = None) -> list[Vote]:
        query = "SELECT answer_id, user_id, question, vote, voted_at FROM votes"
        params: Sequence[Any] = ()
        if answer_id is not None:
            query += " WHERE answer_id = ?"
            params = (answer_id,)
        with self._connect() as db:
            rows = db.execute(query + " ORDER BY voted_at", params).fetchall()
        return [
            Vote(r[0], int(r[1]), r[2], int(r[3]), dt.datetime.fromisoformat(r[4])) for r in rows
        ]

    def ratings(self, community: int | None = None, *, limit: int = 10) -> FeedbackReport:
        """The votes per answer, worst-rated first (most 👎 over 👍, then most votes, then the
        newest); ``community`` None: every server's."""
        where, params = ("", ()) if community is None else ("WHERE a.community = ?", (community,))
        with self._connect() as db:
            rows = db.execute(
                "SELECT a.answer_id, a.question, a.text, a.community, "
                "SUM(v.vote = 1), SUM(v.vote = -1), MAX(v.voted_at) "
                f"FROM answers a JOIN votes v ON v.answer_id = a.answer_id {where} "
                "GROUP BY a.answer_id",
                params,
            ).fetchall()
        rated = [
            Rating(r[0], r[1], r[2], None if r[3] is None else int(r[3]), int(r[4]), int(r[5]))
            for r in sorted(rows, key=lambda r: r[6], reverse=True)
        ]
        rated.sort(key=lambda r: (r.up - r.down, -(r.up + r.down)))
        return FeedbackReport(
            answers=len(rated),
            up=sum(r.up for r in rated),
            down=sum(r.down for r in rated),
            worst=tuple(rated[:limit]),
        )

    # --- summaries -------------------------------------------------------------------------------

    def remember_summary(
        self, summary_id: str, requested_by: int, messages: list[list[dict[str, Any]]]
    ) -> None:
        """Keep the rendered summary (embed dicts): "Post to channel" works after a restart."""
        with self._connect() as db:
            db.execute(
                "INSERT OR REPLACE INTO summaries VALUES (?, ?, ?, ?)",
                (summary_id, requested_by, json.dumps(messages), self._clock().isoformat()),
            )

    def summary(self, summary_id: str) -> list[list[dict[str, Any]]] | None:
        with self._connect() as db:
            row = db.execute(
                "SELECT messages FROM summaries WHERE summary_id = ?", (summary_id,)
            ).fetchone()
        return None if row is None else json.loads(row[0])
