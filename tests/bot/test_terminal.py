from __future__ import annotations

from rich.console import Console

from bot.terminal import render_answer
from retrieval.models import Note, NoteKind, PassageKind
from tests.bot.fakes import citation, sample_answer


def plain(renderable: object) -> str:
    console = Console(width=200, no_color=True, record=True)
    console.print(renderable)
    return console.export_text()


def test_answer_lists_each_document_once_with_all_its_markers() -> None:
    answer = sample_answer(
        citations=(
            citation(1, document="a.txt", title="Alliance", url=None),
            citation(2, document="b.txt", title="Visit", url="https://example.org/v"),
            citation(3, document="a.txt", title="Alliance", url=None),
            citation(4, document="a.txt", title="Alliance", url=None, kind=PassageKind.COMMENT),
        ),
        notes=(Note(NoteKind.UNCONFIRMED, "Reported, not confirmed.", (1, 3)),),
    )
    lines = plain(render_answer(answer)).splitlines()
    sources = lines[lines.index("Sources") + 1 :]
    assert [line.strip() for line in sources if line.strip()] == [
        "[1][3] Alliance - 2023-11-09  (a.txt)",
        "[2] Visit - 2023-11-09  https://example.org/v  (b.txt)",
        "[4] Alliance - 2023-11-09 · reader comment  (a.txt)",
    ]
    assert "Unconfirmed: Reported, not confirmed. [1][3]" in lines


def test_with_source_pages_each_source_line_gives_its_passage_page() -> None:
    page = "https://newsbot.example/sources/" + "a" * 24 + "#c1"
    answer = sample_answer(
        citations=(
            citation(1, document="a.txt", title="Alliance", url=None, page=page),
            citation(2, document="b.txt", title="Visit", url="https://example.org/v", page=page),
        ),
        notes=(),
    )
    lines = plain(render_answer(answer)).splitlines()
    sources = [line.strip() for line in lines[lines.index("Sources") + 1 :] if line.strip()]
    assert sources == [
        f"[1] Alliance - 2023-11-09  {page}  (a.txt)",
        f"[2] Visit - 2023-11-09  https://example.org/v  {page}  (b.txt)",
    ]
