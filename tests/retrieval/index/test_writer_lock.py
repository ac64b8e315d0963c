"""One writer per embedded store, with real processes: who holds it, what a second writer hears."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from retrieval.errors import StoreError
from retrieval.index.writer_lock import WriterLock
from tests.bot.discord.test_runner import WELL_FORMED
from tests.bot.test_cli import _clean_env, _installed
from tests.conftest import REPO, EngineFactory
from tests.retrieval.index.test_server_writers import _incoming

HOLDER = """
import sys
from pathlib import Path
from retrieval.index.writer_lock import WriterLock
lock = WriterLock(Path(sys.argv[1]))
lock.claim("newsbot run")
print("ready", flush=True)
sys.stdin.read()  # held until the test closes stdin (or kills this process)
"""


def _holder(store: Path) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(store)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env={**_clean_env(), "PYTHONPATH": str(REPO)},
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "ready"
    return process


def _newsbot(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_installed(), *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**_clean_env(), **env},
        timeout=300,
    )


@pytest.fixture
def docs(tmp_path: Path) -> Path:
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "note.txt").write_text("Harbour news\n\nThe harbour reopened on Monday.\n")
    return folder


def test_a_second_writer_is_refused_with_who_holds_the_store_and_what_to_do(
    tmp_path: Path, docs: Path
) -> None:
    store = tmp_path / "store"
    holder = _holder(store)
    try:
        refused = _newsbot("ingest", str(docs), "--store", str(store), cwd=tmp_path)
        assert refused.returncode == 1
        message = " ".join(refused.stderr.split())
        assert f"being written by `newsbot run` (pid {holder.pid}" in message
        assert "/sources add" in message and "CHROMA_HOST" in message
        assert "Traceback" not in refused.stderr

        bot = _newsbot("run", "--store", str(store), cwd=tmp_path, DISCORD_TOKEN=WELL_FORMED)
        assert bot.returncode == 1 and "being written by" in bot.stderr  # before connecting
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(timeout=30)
    done = _newsbot("ingest", str(docs), "--store", str(store), cwd=tmp_path)
    assert done.returncode == 0, done.stderr  # released when its holder ended


def test_a_holder_killed_with_sigkill_leaves_no_lock_behind(tmp_path: Path) -> None:
    store = tmp_path / "store"
    holder = _holder(store)
    with pytest.raises(StoreError, match=f"pid {holder.pid}"):
        WriterLock(store).claim("test")  # this process is not the holder
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    lock = WriterLock(store)
    lock.claim("test")
    assert lock.held
    lock.release()


def test_a_reader_during_another_process_write_is_told_who_writes_and_what_to_do(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    store = tmp_path / "store"
    seeded = _newsbot("ingest", str(REPO / "documents"), "--store", str(store), cwd=tmp_path)
    assert seeded.returncode == 0, seeded.stderr
    reader = make_engine(newsbot_store=store)  # reads only: it never takes the lock
    writer = subprocess.Popen(
        [_installed(), "ingest", str(_incoming(tmp_path / "in", 30)), "--store", str(store)],
        cwd=tmp_path,
        env=_clean_env(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    answered, told = 0, []
    while writer.poll() is None:
        try:
            reader.answer("How many rail containers of weapons were shipped?")
            answered += 1
        except StoreError as exc:
            told.append(str(exc))
    assert writer.returncode == 0
    assert answered + len(told) >= 3
    for message in told:  # Chroma's embedded store fails such reads: each says why, and what to do
        assert message.startswith("The store is being written by `newsbot ingest ")
        assert "` (pid " in message
        assert "CHROMA_HOST" in message
