"""Finding the document a moderator means by a file name or a title, however they type it."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePath


def _keys(source: str, title: str) -> set[str]:
    return {source.casefold(), PurePath(source).stem.casefold(), title.strip().casefold()}


def resolve_document(name: str, documents: Iterable[tuple[str, str]]) -> str | None:
    """The ``source`` of the one document whose file name, stem or title matches ``name``.

    Exact matches (case-insensitive) win; otherwise a unique title or file name containing ``name`` is
    accepted. Ambiguous or unknown names give None rather than a guess.
    """
    wanted = name.strip().casefold()
    if not wanted:
        return None
    candidates = list(dict.fromkeys(documents))
    exact = {source for source, title in candidates if wanted in _keys(source, title)}
    if len(exact) == 1:
        return exact.pop()
    if exact:
        return None
    partial = {
        source
        for source, title in candidates
        if wanted in source.casefold() or wanted in title.casefold()
    }
    return partial.pop() if len(partial) == 1 else None
