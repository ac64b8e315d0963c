"""``newsbot remove`` through the installed command: exactly one document, or a refusal naming them."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from tests.bot.test_cli import _clean_env, _installed


def _newsbot(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [_installed(), *args, "--store", str(cwd / "store")],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_clean_env(),
        timeout=300,
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
