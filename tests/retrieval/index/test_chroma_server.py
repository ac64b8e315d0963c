"""The same engine against a real ``chroma run`` server on 127.0.0.1, started by the test."""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from retrieval.errors import StoreError
from tests.conftest import SEEDS, EngineFactory

CHROMA = Path(sys.executable).with_name("chroma")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def chroma_server(tmp_path: Path) -> Iterator[int]:
    if not CHROMA.exists() and shutil.which("chroma") is None:
        pytest.skip("the chroma command is not installed in this environment")
    port = _free_port()
    process = subprocess.Popen(
        [str(CHROMA), "run", "--path", str(tmp_path / "server"), "--host", "127.0.0.1",
         "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/heartbeat", timeout=1)
                break
            except OSError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("chroma run did not start")
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=20)


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
