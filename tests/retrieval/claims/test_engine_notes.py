"""The notes members read on the bundled seeds, through the real engine (issue targets)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.models import NoteKind
from tests.conftest import EngineFactory

FILE_NAME = re.compile(r"\b[\w-]+\.(?:txt|html?|md|gz)\b")


@pytest.mark.parametrize(
    ("question", "unconfirmed"),
    [
        ("What weapons did Putin ask North Korea for?", True),
        ("What gifts were exchanged at the summit?", False),
        ("What did Putin offer North Korea in developing satellites?", False),
    ],
)
def test_seed_answers_carry_the_notes_they_should(
    seed_engine: Engine, question: str, unconfirmed: bool
) -> None:
    answer = seed_engine.answer(question)
    assert not answer.abstained
    kinds = [n.kind for n in answer.notes]
    assert (NoteKind.UNCONFIRMED in kinds) is unconfirmed, answer.notes
    assert kinds.count(NoteKind.UNDATED) <= 1  # at most one date notice per answer
    for note in answer.notes:
        assert not FILE_NAME.search(note.text), note.text  # titles, never file names


def test_an_undated_collection_gets_no_date_note_on_every_answer(
    tmp_path: Path, make_engine: EngineFactory
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.txt").write_text(
        "Harbour strike\n\nDock workers in Port Elm went on strike on Monday over pay, "
        "the union said. About 900 workers joined the walkout.",
        encoding="utf-8",
    )
    undated = make_engine()
    undated.ingest_paths([docs])
    answer = undated.answer("Why did the dock workers in Port Elm strike?")
    assert not answer.abstained
    assert all(n.kind is not NoteKind.UNDATED for n in answer.notes)

    (docs / "b.md").write_text(
        "---\ntitle: Port Elm talks\ndate: 2024-03-02\n---\n"
        "Talks between the Port Elm dock union and the port authority resumed on Friday.",
        encoding="utf-8",
    )
    mixed = make_engine()
    mixed.ingest_paths([docs])
    answer = mixed.answer("Why did the dock workers in Port Elm strike?")
    (note,) = [n for n in answer.notes if n.kind is NoteKind.UNDATED]
    assert note.text == "“Harbour strike” has no date."


def test_a_dispute_cites_both_sides_and_says_what_each_says(
    tmp_path: Path, make_engine: EngineFactory
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "a.md").write_text(
        "---\ntitle: Harbour strike ends\ndate: 2024-03-01\n---\n"
        "About 900 dock workers in Port Elm joined the strike over pay, the union said.",
        encoding="utf-8",
    )
    (docs / "b.md").write_text(
        "---\ntitle: Port authority figures\ndate: 2024-03-02\n---\n"
        "About 400 dock workers in Port Elm joined the strike over pay, the port authority said.",
        encoding="utf-8",
    )
    engine = make_engine()
    engine.ingest_paths([docs])
    answer = engine.answer("How many dock workers in Port Elm joined the strike?")
    (note,) = [n for n in answer.notes if n.kind is NoteKind.DISPUTED]
    assert "900" in note.text and "400" in note.text
    assert "“Harbour strike ends”" in note.text and "“Port authority figures”" in note.text
    cited = {c.n: c.title for c in answer.citations}
    assert {cited[n] for n in note.citations} == {"Harbour strike ends", "Port authority figures"}
