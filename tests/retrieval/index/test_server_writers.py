"""Two processes on one ``chroma run`` server: one ingests, the other keeps answering."""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from retrieval.errors import StoreError
from tests.bot.test_cli import _clean_env, _installed
from tests.conftest import EngineFactory
from tests.retrieval.communities.test_communities import HARBOUR
from tests.retrieval.index.test_chroma_server import chroma_server  # noqa: F401 (fixture)

TOWNS = ["Arden", "Bexley", "Corran", "Dunmore", "Elstow", "Fenwick", "Garrow", "Hollin"]


def _incoming(folder: Path, count: int) -> Path:
    """Enough small articles that the ingest runs for a while; one of them the question's."""
    folder.mkdir()
    for i in range(count):
        town = TOWNS[i % len(TOWNS)]
        body = " ".join(
            f"The {town} council met on day {i * 7 + j} to discuss road {j} and budget line {i}."
            for j in range(25)
        )
        (folder / f"council-{i:03d}.txt").write_text(f"{town} council report {i}\n\n{body}\n")
    (folder / "harbour.txt").write_text(HARBOUR)
    return folder


def test_a_running_engine_never_fails_while_another_process_ingests_and_then_sees_it(
    chroma_server: int,  # noqa: F811
    make_engine: EngineFactory,
    tmp_path: Path,
) -> None:
    engine = make_engine(
        chroma_host="127.0.0.1", chroma_port=chroma_server, newsbot_store=tmp_path / "bot"
    )
    engine.ensure_documents()
    marker = tmp_path / "bot" / "lexical" / "newsbot" / "revision.json"
    loaded = marker.read_bytes()
    env = {**_clean_env(), "CHROMA_HOST": "127.0.0.1", "CHROMA_PORT": str(chroma_server)}
    writer = subprocess.Popen(
        [_installed(), "ingest", str(_incoming(tmp_path / "in", 60))],
        cwd=tmp_path,
        env={**env, "NEWSBOT_STORE": str(tmp_path / "cli")},  # its own sidecars, as on another host
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    asked = failed = 0
    while writer.poll() is None:
        try:
            engine.answer("How many rail containers of weapons were shipped?")
            asked += 1
        except StoreError:
            failed += 1
    assert writer.returncode == 0, writer.stderr.read() if writer.stderr else ""
    assert asked >= 3 and failed == 0

    finished = time.monotonic()
    while True:
        answer = engine.answer("When did the Lisbon night ferries stop?")
        if any(c.document == "harbour.txt" for c in answer.citations):
            break
        assert time.monotonic() - finished < 5, "the other process's document was not seen in 5 s"
        time.sleep(0.2)
    assert "3 March 2024" in answer.sentences[0].text
    # Followed through the change log (the ingest's batches are named there), not rebuilt from
    # the whole collection: a rebuild saves its sidecars at once.
    assert marker.read_bytes() == loaded
