"""The command line as a user runs it: a real process, real stdout/stderr, the JSON contract."""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from tests.conftest import REPO, SEEDS

ANSWER_KEYS = {
    *("question", "answer", "abstained", "citations", "notes", "timings_ms"),
    *("mode", "fallback_reason"),
}
CITATION_KEYS = {"n", "document", "title", "url", "date", "quote"}
NOTE_KINDS = {"unconfirmed", "opinion", "disputed", "single_source", "undated"}


def _newsbot(*args: str, stdin: str | None = None, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = _clean_env()
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**env, "PYTHONPATH": str(REPO)},
        timeout=300,
    )


def _installed() -> str:
    """The ``newsbot`` command of this environment, as a user runs it."""
    installed = shutil.which("newsbot", path=str(Path(sys.executable).parent))
    assert installed, "the newsbot command is not installed in this environment"
    return installed


def _clean_env() -> dict[str, str]:
    """This process's environment without any newsbot or model setting of the developer's."""
    return {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_"))}


def _check_contract(obj: dict[str, object]) -> None:
    assert set(obj) == ANSWER_KEYS
    assert isinstance(obj["abstained"], bool)
    for citation in obj["citations"]:  # type: ignore[attr-defined]
        assert set(citation) == CITATION_KEYS
        assert isinstance(citation["n"], int)
    for note in obj["notes"]:  # type: ignore[attr-defined]
        assert set(note) == {"kind", "text", "citations"}
        assert note["kind"] in NOTE_KINDS
    assert all(isinstance(v, float) for v in obj["timings_ms"].values())  # type: ignore[attr-defined]
    assert obj["mode"] in {"extractive", "llm", "llm_fallback"}
    assert (obj["fallback_reason"] is None) == (obj["mode"] != "llm_fallback")


def test_first_ask_ingests_the_bundled_documents_and_prints_clean_json(tmp_path: Path) -> None:
    done = _newsbot("ask", "--json", "What gifts were exchanged at the summit?", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "ingesting the bundled documents" in done.stderr
    answer = json.loads(done.stdout)  # stdout is exactly one JSON object, nothing else
    _check_contract(answer)
    assert answer["abstained"] is False
    assert "memorabilia" in answer["answer"]
    assert answer["citations"][0]["document"] == "000_4521cd7ed207620f.txt"
    assert answer["citations"][0]["date"] == "2023-11-09"


def test_json_from_stdin_answers_one_line_per_question(tmp_path: Path) -> None:
    questions = "What did Blinken say?\n\nWhat is the recipe for lasagna?\n" + "y" * 900 + "\n"
    done = _newsbot("ask", "--json", "-", stdin=questions, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    assert len(lines) == 3
    for obj in lines:
        _check_contract(obj)
    assert [o["abstained"] for o in lines] == [False, True, True]
    assert "limit is 500" in lines[2]["answer"]  # too long: a clear message, the line is kept


def test_readable_output_lists_sources_and_ingest_reports_a_summary_line(tmp_path: Path) -> None:
    runner = CliRunner()
    store = str(tmp_path / "store")
    ingest = runner.invoke(app, ["ingest", str(SEEDS), "--store", store])
    assert ingest.exit_code == 0, ingest.output
    assert "5 documents (5 new or changed, 0 unchanged)" in ingest.output
    broken = tmp_path / "broken.txt"
    broken.write_bytes(b"\x00\x01\x02binary\x00")
    again = runner.invoke(app, ["ingest", str(SEEDS), str(broken), "--store", store])
    flat = " ".join(again.output.split())
    assert "broken.txt: binary file" in flat and "0 new or changed, 5 unchanged" in flat
    asked = runner.invoke(app, ["ask", "Did Putin ask Kim Jong-un for weapons?", "--store", store])
    assert asked.exit_code == 0, asked.output
    assert "Sources" in asked.output and "[1]" in asked.output


@pytest.mark.parametrize(
    "command",
    [[], ["ingest"], ["ask"], ["summary"], ["check"], ["remove"], ["documents"], ["run"]],
)
def test_help_everywhere(command: list[str]) -> None:
    result = CliRunner().invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage" in result.output


@pytest.mark.parametrize("token", [None, "bogus"])
def test_run_with_a_missing_or_bogus_token_is_a_one_line_error(
    tmp_path: Path, token: str | None
) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "DISCORD_"))}
    if token:
        env["DISCORD_TOKEN"] = token
    done = subprocess.run(
        [sys.executable, "-m", "bot", "run"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**env, "PYTHONPATH": str(REPO)},
        timeout=120,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert "DISCORD_TOKEN" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("options", "reason"),
    [(["--shard-ids", "3", "--shard-count", "2"], "from 0 to 1"), (["--shard-ids", "0"], "needs")],
)
def test_run_refuses_impossible_shards_in_one_line(options: list[str], reason: str) -> None:
    env = {**_clean_env(), "DISCORD_TOKEN": "x" * 24 + "." + "y" * 6 + "." + "z" * 27}
    done = subprocess.run(
        [_installed(), "run", *options], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert reason in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_quick_commands_exit_cleanly_through_the_installed_command(tmp_path: Path) -> None:
    """Quick commands used to abort at exit (134, "terminate called without an active
    exception") while the embedding models were still loading on their threads."""
    installed = _installed()
    env = _clean_env()
    env["NEWSBOT_STORE"] = str(tmp_path / "store")
    runs = [["documents", "--json"], ["ask", "--json", ""], ["documents", "--json"]]
    for args in runs:
        done = subprocess.run(
            [installed, *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=120
        )
        assert done.returncode in (0, 1), (args, done.returncode, done.stderr[-500:])
        assert "terminate called" not in done.stderr


def test_terminal_escapes_in_a_document_never_reach_the_terminal(tmp_path: Path) -> None:
    installed = _installed()
    docs = tmp_path / "docs"
    docs.mkdir()
    body = "The harbour \x1b]8;;https://evil.example\x07reopened\x1b]8;;\x07 on Monday. " + (
        "Ferries to the islands run again after the storm damaged the pier last week. " * 10
    )
    (docs / "harbour.md").write_text(
        f"---\ntitle: 'Harbour \x1b[31m[bold]reopens[/bold]\x1b[0m'\n---\n\n{body}\n"
    )
    env = _clean_env()
    env["NEWSBOT_STORE"] = str(tmp_path / "store")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [installed, *args], capture_output=True, text=True, cwd=tmp_path, env=env, timeout=300
        )

    assert run("ingest", str(docs)).returncode == 0
    for done in (run("ask", "When did the harbour reopen?"), run("documents")):
        assert done.returncode == 0, done.stderr[-500:]
        assert "\x1b" not in done.stdout and "\x07" not in done.stdout
    listed = run("documents").stdout
    assert "Harbour [bold]reopens[/bold]" in " ".join(listed.split())  # shown, not interpreted


def test_a_question_that_is_not_utf8_gets_its_own_error_and_the_batch_goes_on(
    tmp_path: Path,
) -> None:
    installed = _installed()
    env = _clean_env()
    env["NEWSBOT_STORE"] = str(tmp_path / "store")
    batch = b"What gifts were exchanged at the summit?\n\xff\xfe bad bytes\nWho is Kim Jong-un?\n"
    done = subprocess.run(
        [installed, "ask", "--json", "-"], input=batch, capture_output=True, env=env, timeout=300
    )
    assert done.returncode == 0 and b"Traceback" not in done.stderr
    lines = [json.loads(line) for line in done.stdout.decode().splitlines()]
    assert len(lines) == 3
    assert not lines[0]["abstained"] and not lines[2]["abstained"]
    assert (
        lines[1]["question"] == "\ufffd\ufffd bad bytes" and "not valid UTF-8" in lines[1]["answer"]
    )
    one = subprocess.run(
        [installed, "ask", "--json", b"\xff\xfe?"], capture_output=True, env=env, timeout=300
    )
    assert one.returncode == 1 and b"Traceback" not in one.stderr
    assert "not valid UTF-8" in json.loads(one.stdout)["answer"]


@pytest.mark.parametrize(
    ("setting", "named"),
    [
        ("NEWSBOT_MAX_QUESTION_CHARS=-5", "NEWSBOT_MAX_QUESTION_CHARS=-5"),
        ("NEWSBOT_TOP_K=0", "NEWSBOT_TOP_K=0"),
        ("NEWSBOT_CHUNK_OVERLAP=900", "NEWSBOT_CHUNK_OVERLAP must be smaller"),
        ("CHROMA_PORT=70000", "CHROMA_PORT=70000"),
        ("NEWSBOT_MAX_IN_FLIGHT=0", "NEWSBOT_MAX_IN_FLIGHT=0"),
    ],
)
def test_a_setting_out_of_range_is_named_at_start_up(
    tmp_path: Path, setting: str, named: str
) -> None:
    installed = _installed()
    env = _clean_env()
    key, value = setting.split("=")
    env.update({"NEWSBOT_STORE": str(tmp_path / "store"), key: value})
    done = subprocess.run(
        [installed, "documents"], capture_output=True, text=True, env=env, timeout=120
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert named in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_an_ingest_that_could_read_nothing_exits_non_zero(tmp_path: Path) -> None:
    installed = _installed()
    env = _clean_env()
    env["NEWSBOT_STORE"] = str(tmp_path / "store")
    (tmp_path / "empty").mkdir()
    for target in (tmp_path / "no" / "such" / "path", tmp_path / "empty"):
        done = subprocess.run(
            [installed, "ingest", str(target)], capture_output=True, text=True, env=env, timeout=120
        )
        assert done.returncode == 1 and "Traceback" not in done.stderr
        assert "nothing was ingested" in done.stderr
    ok = subprocess.run(
        [installed, "ingest", str(SEEDS)], capture_output=True, text=True, env=env, timeout=300
    )
    assert ok.returncode == 0, ok.stderr[-300:]


def test_run_logs_newsbot_info_lines_without_verbose(monkeypatch: pytest.MonkeyPatch) -> None:
    """The audit trail ("moderator action: ... by ...", log-in, sync, ready) is INFO."""
    monkeypatch.setenv("DISCORD_TOKEN", "hunter2")  # refused before any model loads
    ours = [logging.getLogger(name) for name in ("bot", "retrieval")]
    before = [logger.level for logger in ours]
    try:
        for logger in ours:
            logger.setLevel(logging.NOTSET)
        result = CliRunner().invoke(app, ["run"])
        assert result.exit_code == 2
        assert logging.getLogger("bot.discord.summary._cog").isEnabledFor(logging.INFO)
        assert logging.getLogger("retrieval.llm.answerer").isEnabledFor(logging.INFO)
        assert not logging.getLogger("chromadb").isEnabledFor(logging.INFO)
    finally:
        for logger, level in zip(ours, before, strict=True):
            logger.setLevel(level)


def _chunk_ids(store: Path) -> set[str]:
    from retrieval.index.chroma import make_client

    return set(make_client(store).get_collection("newsbot").get(include=[])["ids"])


@pytest.mark.slow
def test_an_ingest_killed_midway_and_run_again_ends_as_a_clean_ingest(tmp_path: Path) -> None:
    installed = _installed()
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(400):
        body = " ".join(
            f"Story {i} sentence {j}: the council of town {i % 37} met about road {j}."
            for j in range(30)
        )
        (docs / f"{i:03d}.txt").write_text(f"Town {i} council report\n\n{body}\n")
    env = _clean_env()
    env["NEWSBOT_EMBEDDINGS"] = "wordllama"  # fast: the point is the interruption, not the model

    def ingest(store: Path) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [installed, "ingest", str(docs), "--store", str(store)],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    began = time.monotonic()
    assert ingest(tmp_path / "clean").wait(timeout=600) == 0
    took = time.monotonic() - began
    killed = ingest(tmp_path / "killed")
    time.sleep(took * 0.6)  # past start-up, while documents are written (1,560 of 2,000 chunks)
    killed.send_signal(signal.SIGKILL)
    killed.wait(timeout=60)
    assert ingest(tmp_path / "killed").wait(timeout=600) == 0

    def listing(store: Path) -> list[dict[str, object]]:
        done = subprocess.run(
            [installed, "documents", "--json", "--store", str(store)],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert done.returncode == 0, done.stderr[-300:]
        return sorted(json.loads(done.stdout), key=lambda d: str(d["document"]))

    assert listing(tmp_path / "killed") == listing(tmp_path / "clean")
    assert _chunk_ids(tmp_path / "killed") == _chunk_ids(tmp_path / "clean")


def test_a_file_over_the_ingest_cap_is_skipped_with_the_setting_named(tmp_path: Path) -> None:
    installed = _installed()
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "huge.txt").write_text("Huge file\n\n" + "A long sentence about the harbour. " * 4000)
    (docs / "small.txt").write_text("Harbour reopens\n\nThe harbour reopened on Monday.\n")
    env = _clean_env()
    env.update({"NEWSBOT_STORE": str(tmp_path / "store"), "NEWSBOT_MAX_INGEST_BYTES": "100000"})
    done = subprocess.run(
        [installed, "ingest", str(docs)], capture_output=True, text=True, env=env, timeout=300
    )
    assert done.returncode == 0, done.stderr[-300:]
    flat = " ".join(done.stderr.split())
    assert "huge.txt: too large (140 kB; NEWSBOT_MAX_INGEST_BYTES is 100 kB)" in flat
    assert "1 documents (1 new or changed" in flat
