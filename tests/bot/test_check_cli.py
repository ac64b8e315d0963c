"""``newsbot check`` through the installed command: the JSON-lines contract, bad lines, exit codes."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.bot.test_cli import CITATION_KEYS, _clean_env, _installed

SENTENCE_KEYS = {"text", "kind", "cues", "corroborated_by", "disputed_by"}


def _check(*args: str, stdin: str | None, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_installed(), "check", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_clean_env(),
        timeout=300,
    )


def test_json_lines_in_one_object_per_line_out_and_bad_lines_do_not_stop_the_batch(
    tmp_path: Path,
) -> None:
    lines = [
        json.dumps({"text": "Kim greeted Putin at Pyongyang International Airport."}),
        "{not json",
        json.dumps({"context": "no text here"}),
        "",
        json.dumps({"text": "   "}),
        json.dumps(["a", "list"]),
        json.dumps(
            {"text": "Trump is probably so jealous. Putin reportedly wants shells.", "title": "x"}
        ),
    ]
    done = _check("--json", "-", stdin="\n".join(lines) + "\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    rows = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(rows) == 6  # every non-blank input line, in order
    first, bad_json, no_text, empty, not_object, last = rows
    for row in (bad_json, no_text, empty, not_object):
        assert row["sentences"] == [] and row["error"]
    assert [r.get("line") for r in (bad_json, no_text, empty, not_object)] == [2, 3, 5, 6]
    assert "JSON" in bad_json["error"] and '"text"' in no_text["error"]
    for row in (first, last):
        assert set(row) == {"sentences"}
        for sentence in row["sentences"]:
            assert set(sentence) == SENTENCE_KEYS
            assert sentence["kind"] in {"unconfirmed", "opinion", "reported"}
            for c in sentence["corroborated_by"] + sentence["disputed_by"]:
                assert set(c) == CITATION_KEYS
    (greeting,) = first["sentences"]
    assert greeting["kind"] == "reported"
    assert greeting["corroborated_by"], "the seeds report Kim greeting Putin at the airport"
    assert [s["kind"] for s in last["sentences"]] == ["opinion", "unconfirmed"]
    assert "reportedly" in last["sentences"][1]["cues"]


def test_readable_check_and_a_text_that_cannot_be_checked(tmp_path: Path) -> None:
    done = _check(
        "Putin reportedly wants artillery shells from North Korea.", stdin=None, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "unconfirmed" in done.stdout and "reportedly" in done.stdout
    empty = _check("  ", stdin=None, cwd=tmp_path)
    assert empty.returncode == 1
    assert "nothing to check" in empty.stderr
    assert "Traceback" not in empty.stderr
