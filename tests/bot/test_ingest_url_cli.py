"""``newsbot ingest URL`` through the installed command: a page is stored under its address, a
refused one is one line with the reason and a non-zero exit, and files beside it still load."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.bot.test_cli import _clean_env, _installed
from tests.retrieval.web.site import LoopbackSite, story_site


@pytest.fixture
def site() -> Iterator[LoopbackSite]:
    with story_site() as running:
        yield running


def _newsbot(tmp_path: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_installed(), *args, "--store", str(tmp_path / "store")],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={**_clean_env(), "NEWSBOT_EMBEDDINGS": "wordllama", **env},
        timeout=300,
    )


def test_a_page_and_a_file_ingest_in_one_run(site: LoopbackSite, tmp_path: Path) -> None:
    note = tmp_path / "note.txt"
    note.write_text("Council notes\n\nThe council met on Friday to discuss the harbour budget.")
    url = site.url("/story")

    done = _newsbot(tmp_path, "ingest", str(note), url, NEWSBOT_FETCH_ALLOW="127.0.0.1")

    assert done.returncode == 0, done.stderr
    assert "2 documents (2 new or changed" in done.stderr
    listed = json.loads(_newsbot(tmp_path, "documents", "--json").stdout)
    page = next(row for row in listed if row["document"] == url)
    assert page["url"] == url and page["title"] == "Port reopens" and page["date"] == "2024-06-19"
    asked = _newsbot(tmp_path, "ask", "--json", "When did the port reopen?")
    answer = json.loads(asked.stdout)
    assert answer["citations"][0]["url"] == url


def test_a_refused_address_is_one_line_and_exit_1(site: LoopbackSite, tmp_path: Path) -> None:
    done = _newsbot(tmp_path, "ingest", site.url("/story"))

    assert done.returncode == 1
    assert "loopback address" in done.stderr and "Traceback" not in done.stderr
    assert "nothing was ingested" in done.stderr
    assert site.requests == []
