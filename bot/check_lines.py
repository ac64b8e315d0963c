"""``newsbot check``; with ``--json -``, one JSON object per input line in, one per line out.

Each input line is ``{"text": "...", "context": "...", "title": "..."}`` (only ``text`` required).
A line that is not such an object, or whose text cannot be checked, gets an error object in its
place, so line N of the output always answers line N of the input and the batch goes on.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Iterator
from typing import Any

from rich.console import Console
from rich.markup import escape

from bot.terminal import render_check
from retrieval.contract import check_error_to_json, check_to_json
from retrieval.errors import QuestionError, StoreError
from retrieval.interfaces import EngineAPI


def parse_line(line: str) -> tuple[str, str | None, str]:
    """(text, context, title) of one input line; ValueError with a readable reason otherwise."""
    try:
        row = json.loads(line)
    except json.JSONDecodeError as exc:
        raise ValueError(f"not valid JSON ({exc.msg} at column {exc.colno})") from None
    if not isinstance(row, dict):
        raise ValueError('each line must be a JSON object such as {"text": "..."}')
    text, context, title = row.get("text"), row.get("context"), row.get("title", "")
    if not isinstance(text, str):
        raise ValueError('the line has no "text" string to check')
    if context is not None and not isinstance(context, str):
        raise ValueError('"context" must be a string when given')
    if not isinstance(title, str):
        raise ValueError('"title" must be a string when given')
    return text, context, title


def run_check(engine: EngineAPI, text: str, *, as_json: bool, out: Console, err: Console) -> int:
    """``newsbot check``: prints the result, returns the exit code (1: the text was refused)."""
    if as_json and text == "-":
        for row, _failed in check_lines(engine, sys.stdin):  # a bad line's error is its row
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return 0
    try:
        sentences = engine.check(sys.stdin.read() if text == "-" else text)
    except (QuestionError, StoreError) as exc:
        if as_json:
            sys.stdout.write(json.dumps(check_error_to_json(str(exc), 1)) + "\n")
        else:
            err.print(f"[yellow]{escape(str(exc))}[/]", highlight=False)
        return 1
    if as_json:
        sys.stdout.write(json.dumps(check_to_json(sentences), ensure_ascii=False) + "\n")
    else:
        out.print(render_check(sentences))
    return 0


def check_lines(engine: EngineAPI, lines: Iterable[str]) -> Iterator[tuple[dict[str, Any], bool]]:
    """(output object, whether it failed) for every non-blank input line, in order."""
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            text, context, title = parse_line(line)
            yield check_to_json(engine.check(text, context=context, title=title)), False
        except (ValueError, QuestionError, StoreError) as exc:
            yield check_error_to_json(str(exc), number), True
