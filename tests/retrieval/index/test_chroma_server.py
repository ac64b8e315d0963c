"""The same engine against a real ``chroma run`` server on 127.0.0.1, started by the test."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.wiring import SERVER_REVISION_TTL
from retrieval.errors import StoreError
from tests.conftest import SEEDS, EngineFactory

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _start_server(path: Path, port: int) -> subprocess.Popen[bytes]:
    if not CHROMA.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma command is not installed in this environment")
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 60
    while True:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
            return process
        except OSError:
            if time.monotonic() > deadline or process.poll() is not None:
                process.kill()
                pytest.fail("chroma run did not start")
            time.sleep(0.2)


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    process.wait(timeout=20)


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    port = _free_port()
    process = _start_server(tmp_path / "server", port)
    try:
        yield port
    finally:
        _stop(process)


def test_engine_on_a_chroma_server(chroma_server: int, make_engine: EngineFactory) -> None:
    engine = make_engine(chroma_host="127.0.0.1", chroma_port=chroma_server)
    report = engine.ingest_paths([SEEDS])
    assert report.added == 5 and engine.store.count() == report.chunks
    answer = engine.answer("What gifts were exchanged at the summit?")
    assert not answer.abstained and "memorabilia" in answer.text
    # A second client (another bot process) sees the same collection and stays in step.
    other = make_engine(chroma_host="127.0.0.1", chroma_port=chroma_server)
    assert {d.source for d in other.documents()} == {p.name for p in SEEDS.glob("*.txt")}
    assert other.ingest_paths([SEEDS]).unchanged == 5


def test_a_server_that_is_not_there_is_a_clear_error(make_engine: EngineFactory) -> None:
    with pytest.raises(StoreError, match=r"unavailable|cannot reach"):
        make_engine(chroma_host="127.0.0.1", chroma_port=_free_port())


def test_a_server_that_dies_fails_questions_clearly_and_is_used_again_when_back(
    tmp_path: Path, make_engine: EngineFactory
) -> None:
    port = _free_port()
    server = _start_server(tmp_path / "server", port)
    try:
        engine = make_engine(chroma_host="127.0.0.1", chroma_port=port)
        engine.ingest_paths([SEEDS])
        assert not engine.answer("What gifts were exchanged at the summit?").abstained
    finally:
        _stop(server)
    with pytest.raises(StoreError, match=r"document store is unavailable.*not answered"):
        engine.answer("What gifts were exchanged at the summit?")
    # The document list comes from memory as of the last revision check, asked at most once a
    # second through a server; past that the dead server is met and said.
    time.sleep(SERVER_REVISION_TTL + 0.1)
    with pytest.raises(StoreError, match="document store is unavailable"):
        engine.documents()
    # Installed CLI against the dead server: it checks the store as it starts, one line, exit 2.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_"))}
    env.update({"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)})
    installed = shutil.which("newsbot", path=str(Path(sys.executable).parent))
    assert installed
    done = subprocess.run(
        [installed, "ask", "--json", "-"], input="Who met?\nWhat gifts?\n",
        capture_output=True, text=True, env=env, timeout=300,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        f"error: cannot reach the Chroma server at 127.0.0.1:{port} (Could not connect to a "
        "Chroma server. Are you sure it is running?)"
    ]
    server = _start_server(tmp_path / "server", port)  # back, same data
    try:
        answer = engine.answer("What gifts were exchanged at the summit?")
        assert not answer.abstained and "memorabilia" in answer.text  # no restart needed
    finally:
        _stop(server)


def test_a_server_that_dies_mid_batch_fails_only_the_questions_after_it(
    tmp_path: Path, make_engine: EngineFactory
) -> None:
    port = _free_port()
    server = _start_server(tmp_path / "server", port)
    try:
        make_engine(chroma_host="127.0.0.1", chroma_port=port).ingest_paths([SEEDS])
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSBOT_", "OPENAI_"))}
        env.update({"CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(port)})
        installed = shutil.which("newsbot", path=str(Path(sys.executable).parent))
        assert installed
        batch = subprocess.Popen(
            [installed, "ask", "--json", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
            stderr=subprocess.PIPE, text=True, env=env,
        )  # fmt: skip
        assert batch.stdin is not None and batch.stdout is not None
        batch.stdin.write("What gifts were exchanged at the summit?\n")
        batch.stdin.flush()
        first = json.loads(batch.stdout.readline())
    finally:
        _stop(server)  # the server dies between two questions of one batch
    batch.stdin.write("Did Putin ask Kim Jong-un for weapons?\n")
    batch.stdin.close()
    rest = batch.stdout.read()
    stderr = batch.stderr.read() if batch.stderr else ""
    batch.wait(timeout=120)
    assert not first["abstained"] and "memorabilia" in first["answer"]
    (second,) = [json.loads(line) for line in rest.splitlines()]
    assert second["abstained"] and "document store is unavailable" in second["answer"]
    assert "Traceback" not in stderr and batch.returncode == 0
