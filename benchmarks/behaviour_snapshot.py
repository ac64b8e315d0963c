"""Snapshot what the installed ``newsbot`` answers, to prove a refactor changed no behaviour.

It runs the real command line as a subprocess on two stores built by the real ingest (the bundled
seeds, and BBC from ``../shared``): ``documents --json``, ``ask --json`` over the seed questions and
300 BBC headlines, and ``summary --json`` over ten topics. Timings are dropped; everything else is
kept. Take one snapshot before a change and one after, then compare them:

    uv run python -m benchmarks.behaviour_snapshot snapshot --stores /tmp/snap-stores --out before.jsonl
    ... change the code ...
    uv run python -m benchmarks.behaviour_snapshot snapshot --stores /tmp/snap-stores --out after.jsonl
    uv run python -m benchmarks.behaviour_snapshot compare before.jsonl after.jsonl

Existing stores under ``--stores`` are reused (so the second snapshot does not ingest BBC again);
``--fresh`` deletes them first, which also checks that ingest itself is unchanged.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

from benchmarks.common import CORPUS, REPO, require_corpus

SEED_QUESTIONS = [
    "Did Putin ask Kim Jong-un for weapons?",
    "What gifts were exchanged at the summit?",
    "Who called the Kim-Putin meeting a blood alliance?",
    "What does North Korea want from Russia in return?",
    "How many rail containers of weapons were shipped?",
    "Will Russia help North Korea with satellites?",
    "What did Blinken say about the alliance?",
    "Is Russia arming North Korea?",
    "What did the readers think of the summit?",
    "When did Kim Jong-un visit Russia?",
    "What is the capital of France?",
    "",
    "@everyone",
]
TOPICS = [
    ("seeds", "the Kim-Putin summit"),
    ("seeds", "weapons deals between North Korea and Russia"),
    ("seeds", "space technology"),
    ("bbc", "the UK general election"),
    ("bbc", "the Australian Open"),
    ("bbc", "mobile phones"),
    ("bbc", "oil prices"),
    ("bbc", "the budget and Gordon Brown"),
    ("bbc", "film awards"),
    ("bbc", "the Six Nations rugby"),
]
HEADLINES = 300


def _newsbot() -> list[str]:
    found = shutil.which("newsbot", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "bot"]


def _run(args: list[str], stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "NEWSBOT_LLM_BASE_URL": "", "OPENAI_API_KEY": ""}
    return subprocess.run(
        [*_newsbot(), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=REPO,
        check=False,
    )


def headlines() -> list[str]:
    paths = sorted((CORPUS / "bbc").glob("*/*.txt"))
    step = max(1, len(paths) // HEADLINES)
    lines = []
    for path in paths[::step][:HEADLINES]:
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")
        lines.append(text.strip().partition("\n")[0].strip())
    return lines


def _drop_timings(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _drop_timings(v) for k, v in value.items() if k != "timings_ms"}
    if isinstance(value, list):
        return [_drop_timings(v) for v in value]
    return value


def _records(kind: str, store: str, proc: subprocess.CompletedProcess[str]) -> list[dict]:
    lines = [line for line in proc.stdout.splitlines() if line.strip()]
    if not lines:
        return [{"kind": kind, "store": store, "exit": proc.returncode, "output": None}]
    return [
        {
            "kind": kind,
            "store": store,
            "exit": proc.returncode,
            "output": _drop_timings(json.loads(x)),
        }
        for x in lines
    ]


def snapshot(stores: Path, out: Path, fresh: bool) -> None:
    require_corpus()
    if fresh and stores.exists():
        shutil.rmtree(stores)
    paths = {"seeds": REPO / "documents", "bbc": CORPUS / "bbc"}
    records: list[dict] = []
    for name, source in paths.items():
        store = stores / name
        if not store.exists():
            proc = _run(["ingest", str(source), "--store", str(store)])
            if proc.returncode != 0:
                sys.exit(f"ingest of {name} failed: {proc.stderr}")
        records += _records("documents", name, _run(["documents", "--json", "--store", str(store)]))
    for name, questions in (("seeds", SEED_QUESTIONS), ("bbc", headlines())):
        stdin = "".join(q + "\n" for q in questions)
        proc = _run(["ask", "--json", "-", "--store", str(stores / name)], stdin=stdin)
        records += _records("ask", name, proc)
    for name, topic in TOPICS:
        proc = _run(["summary", topic, "--json", "--store", str(stores / name)])
        records += _records("summary", name, proc)
    out.write_text(
        "".join(json.dumps(r, ensure_ascii=False, sort_keys=True) + "\n" for r in records)
    )
    print(f"{len(records)} records written to {out}")


def compare(before: Path, after: Path) -> int:
    old = before.read_text().splitlines()
    new = after.read_text().splitlines()
    differing = [i for i, (a, b) in enumerate(zip(old, new, strict=False)) if a != b]
    result = {
        "records_before": len(old),
        "records_after": len(new),
        "differing": len(differing) + abs(len(old) - len(new)),
    }
    print(json.dumps(result))
    for i in differing[:5]:
        print(f"- {old[i][:400]}\n+ {new[i][:400]}")
    return 0 if result["differing"] == 0 else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    snap = sub.add_parser("snapshot")
    snap.add_argument("--stores", type=Path, required=True)
    snap.add_argument("--out", type=Path, required=True)
    snap.add_argument("--fresh", action="store_true")
    comp = sub.add_parser("compare")
    comp.add_argument("before", type=Path)
    comp.add_argument("after", type=Path)
    args = parser.parse_args()
    if args.command == "snapshot":
        snapshot(args.stores, args.out, args.fresh)
    else:
        sys.exit(compare(args.before, args.after))


if __name__ == "__main__":
    main()
