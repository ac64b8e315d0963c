"""``newsbot serve`` through the installed command: the links ``ask --json`` prints open on the
served source pages, /healthz answers, SIGTERM stops it with 0, a taken port is one line and 1."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from tests.bot.test_cli import _clean_env, _installed

PUBLIC = "http://newsbot.test"


def _env() -> dict[str, str]:
    return {**_clean_env(), "NEWSBOT_EMBEDDINGS": "wordllama", "NEWSBOT_PUBLIC_URL": PUBLIC}


def _start(tmp_path: Path, port: int = 0) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [_installed(), "serve", "--port", str(port), "--store", str(tmp_path / "store")],
        stderr=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        text=True,
        cwd=tmp_path,
        env=_env(),
    )
    assert process.stderr is not None
    deadline = time.monotonic() + 240
    for line in process.stderr:
        found = re.search(r"on (http://127\.0\.0\.1:\d+)", line)
        if found:
            return process, found.group(1)
        assert time.monotonic() < deadline, "newsbot serve did not start"
    raise AssertionError(f"newsbot serve exited with {process.wait()}")


def test_ask_links_open_on_the_served_pages_and_sigterm_stops_it(tmp_path: Path) -> None:
    asked = subprocess.run(
        [_installed(), "ask", "--json", "--store", str(tmp_path / "store"),
         "What gifts were exchanged at the summit?"],
        capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=300,
    )  # fmt: skip
    assert asked.returncode == 0, asked.stderr
    link = json.loads(asked.stdout)["citations"][0]["url"]
    parts = urlsplit(link)
    assert link.startswith(f"{PUBLIC}/sources/") and parts.fragment.startswith("c")

    server, base = _start(tmp_path)
    try:
        page = httpx.get(base + parts.path, timeout=30)
        assert page.status_code == 200 and f"id='{parts.fragment}'" in page.text
        health = httpx.get(f"{base}/healthz", timeout=30)
        assert health.status_code == 200 and health.json()["checks"] == {"store": {"ok": True}}
        assert "newsbot_questions_total" in httpx.get(f"{base}/metrics", timeout=30).text

        port = int(base.rsplit(":", 1)[1])
        taken = subprocess.run(
            [_installed(), "serve", "--port", str(port), "--store", str(tmp_path / "store")],
            capture_output=True, text=True, cwd=tmp_path, env=_env(), timeout=300,
        )  # fmt: skip
        assert taken.returncode == 1 and "Traceback" not in taken.stderr
        assert f"could not listen on 127.0.0.1:{port}" in taken.stderr
    finally:
        server.send_signal(signal.SIGTERM)
        code = server.wait(timeout=60)
    assert code == 0
