"""Stable identifiers for ingested material.

Ids are content hashes rather than counters so that re-ingesting the same files on another run, or on
another machine, yields the same ids: the store can then skip unchanged documents and replace changed ones.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

from retrieval.models import Block

_SEP = "\x1f"  # unit separator: cannot occur in cleaned text, so field boundaries stay unambiguous


def _digest(parts: Iterable[str], length: int) -> str:
    return hashlib.sha256(_SEP.join(parts).encode("utf-8")).hexdigest()[:length]


def doc_id_for(origin: str) -> str:
    """A document is identified by where it came from, so an edited file keeps its id."""
    return _digest([origin], 24)


def content_hash_for(
    *,
    text: str,
    title: str,
    url: str | None,
    date: dt.date | None,
    blocks: Iterable[Block] = (),
    source: str = "",
) -> str:
    """Changes whenever anything a chunk carries changes, including where comment blocks begin
    and the name the document is known by (a store written when documents were named by bare
    file name is rewritten with their unique names on the next ingest of the same folders)."""
    layout = ",".join(f"{block.kind.value}@{block.start}" for block in blocks)
    return _digest(
        [text, title, url or "", date.isoformat() if date else "", layout, source],
        64,
    )


def chunk_id_for(*, doc_id: str, position: int, start: int, text: str) -> str:
    """The same passage at the same place of the same document gets the same id on every run."""
    return _digest([doc_id, str(position), str(start), text], 32)
