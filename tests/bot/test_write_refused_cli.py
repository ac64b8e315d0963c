"""A store whose writes the file system refuses, as a full disk does, through the installed CLI.

The refusal is made with RLIMIT_FSIZE (writes past the limit fail with EFBIG, SIGXFSZ ignored):
like a full disk it fails Chroma's writes midway, and it needs no root and no spare partition.
"""

from __future__ import annotations

import json
import resource
import signal
import subprocess
from pathlib import Path

from tests.bot.test_remove_cli import _newsbot as run_newsbot
from tests.conftest import SEEDS

LIMIT = 400_000  # bytes: the seeds' store needs about 900 kB, so the ingest fails midway


def _newsbot(*args: str, cwd: Path, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    def refuse_big_writes() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)

    return run_newsbot(*args, cwd=cwd, preexec_fn=None if limit is None else refuse_big_writes)


def test_a_refused_write_is_one_line_and_the_store_stays_usable(tmp_path: Path) -> None:
    failed = _newsbot("ingest", str(SEEDS), cwd=tmp_path, limit=LIMIT)
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    (line,) = [text for text in failed.stderr.splitlines() if text.strip()]
    assert line.startswith("error: The document store is unavailable")
    assert "run the ingest again" in " ".join(failed.stderr.split())

    listed = _newsbot("documents", "--json", cwd=tmp_path)  # readable after the failed write
    assert listed.returncode == 0, listed.stderr
    assert isinstance(json.loads(listed.stdout), list)

    again = _newsbot("ingest", str(SEEDS), cwd=tmp_path)  # space again: the run repairs it
    assert again.returncode == 0, again.stderr
    docs = json.loads(_newsbot("documents", "--json", cwd=tmp_path).stdout)
    assert len(docs) == 5
    assert all(d["chunks"] > 0 for d in docs)
    asked = _newsbot(
        "ask", "--json", "How many rail containers of weapons were shipped?", cwd=tmp_path
    )
    assert asked.returncode == 0, asked.stderr
    assert json.loads(asked.stdout)["citations"]

    during = _newsbot(
        "ask", "--json", "Who called the meeting a blood alliance?", cwd=tmp_path, limit=LIMIT
    )
    assert during.returncode in (0, 1) and "Traceback" not in during.stderr
