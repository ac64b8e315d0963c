"""``newsbot remove`` through the installed command: exactly one document, or a refusal naming them."""

from __future__ import annotations

import json
import subprocess
from collections.abc import Callable
from pathlib import Path

from tests.bot.test_cli import _clean_env, _installed


def _newsbot(
    *args: str, cwd: Path, preexec_fn: Callable[[], None] | None = None
) -> subprocess.CompletedProcess[str]:
    """The installed command on the store in ``cwd``; ``preexec_fn`` runs in the child first."""
    return subprocess.run(
        [_installed(), *args, "--store", str(cwd / "store")],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_clean_env(),
        timeout=300,
        preexec_fn=preexec_fn,
    )


def test_remove_refuses_a_shared_name_and_removes_exactly_one_document(tmp_path: Path) -> None:
    corpus = tmp_path / "bbc"
    for section in ("business", "sport"):
        (corpus / section).mkdir(parents=True)
        (corpus / section / "001.txt").write_text(f"{section} headline\n\nSome {section} news.\n")
    assert _newsbot("ingest", str(corpus), cwd=tmp_path).returncode == 0

    shared = _newsbot("remove", "001.txt", cwd=tmp_path)
    assert shared.returncode == 1
    assert "names 2 documents" in shared.stderr
    assert "business/001.txt" in shared.stderr and "sport/001.txt" in shared.stderr
    assert "Traceback" not in shared.stderr

    done = _newsbot("remove", "sport/001.txt", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("Removed sport/001.txt")
    listed = json.loads(_newsbot("documents", "--json", cwd=tmp_path).stdout)
    assert [d["document"] for d in listed] == ["business/001.txt"]

    missing = _newsbot("remove", "nothing.txt", cwd=tmp_path)
    assert missing.returncode == 1 and "No document is called" in missing.stderr


def test_the_operator_manages_one_servers_collection_with_server(tmp_path: Path) -> None:
    (tmp_path / "shared.txt").write_text("Shared headline\n\nNews every server reads.\n")
    (tmp_path / "local.txt").write_text("Local headline\n\nNews of one server only.\n")
    assert _newsbot("ingest", str(tmp_path / "shared.txt"), cwd=tmp_path).returncode == 0
    into = _newsbot("ingest", str(tmp_path / "local.txt"), "--server", "7", cwd=tmp_path)
    assert into.returncode == 0, into.stderr

    def listed(*server: str) -> list[str]:
        done = _newsbot("documents", "--json", *server, cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        return [d["document"] for d in json.loads(done.stdout)]

    assert listed() == ["shared.txt"]  # the operator's collection
    assert listed("--server", "7") == ["local.txt", "shared.txt"]  # what server 7 sees
    assert listed("--server", "8") == ["shared.txt"]

    shared = _newsbot("remove", "shared.txt", "--server", "7", cwd=tmp_path)
    assert shared.returncode == 1
    assert "only the bot's operator can remove it" in " ".join(shared.stderr.split())
    assert _newsbot("remove", "local.txt", cwd=tmp_path).returncode == 1  # not the operator's
    done = _newsbot("remove", "local.txt", "--server", "7", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert listed("--server", "7") == ["shared.txt"]
