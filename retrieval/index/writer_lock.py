"""One writer per embedded store: a lock file that names its holder.

Chroma's embedded store is not safe for two writing processes: while ``newsbot ingest`` wrote,
a running bot failed every question ("Error finding id") and kept stale search results until it
restarted. So each embedded store has one writer at a time. ``newsbot run`` holds the lock for its
whole life (it writes through ``/sources add``); other commands take it only while they write and
let it go when they end. A second writer is refused with a message saying who holds the store and
what to do instead: add the files through the running bot, stop it first, or use a Chroma server
(``CHROMA_HOST``), which serialises writers itself.

The lock is a POSIX record lock (``lockf``) on ``<store>/writer.lock``: it belongs to a process,
not to one engine (tests build several engines on one store in one process), and the kernel
releases it when the process dies, so a crash (even kill -9) never leaves a store locked. The
file's text says who holds it.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import os
import struct
import sys
from pathlib import Path
from typing import IO

from retrieval.errors import StoreError

LOCK_NAME = "writer.lock"
_FLOCK = "hhqqi4x"  # struct flock on Linux (64-bit): type, whence, start, len, pid


class WriterLock:
    """The right to write one embedded store; ``claim`` is idempotent within a process."""

    def __init__(self, store_dir: Path, *, holder: str | None = None) -> None:
        self.path = store_dir / LOCK_NAME
        self._holder = holder or _command()
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def claim(self, holder: str | None = None) -> None:
        """Hold the lock, or raise :class:`StoreError` naming the process that does."""
        if self._file is not None:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+", encoding="utf-8")
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            handle.seek(0)
            who = handle.read().strip() or "another newsbot process"
            handle.close()
            raise StoreError(
                f"The store at {self.path.parent} is being written by {who}. One process writes "
                "an embedded store at a time: add the files through the running bot (/sources "
                "add), stop it first, or run a Chroma server (chroma run) and set CHROMA_HOST so "
                "that several processes can share it."
            ) from None
        handle.seek(0)
        handle.truncate()
        since = dt.datetime.now().astimezone().isoformat(timespec="seconds")
        handle.write(f"`{holder or self._holder}` (pid {os.getpid()}, since {since})\n")
        handle.flush()
        self._file = handle

    def elsewhere(self) -> str | None:
        """Who holds the lock, when another process does (None when free or held here).

        Asked with F_GETLK, which takes no lock: taking and dropping one would drop this
        process's own lock too (POSIX record locks belong to the process, and closing any
        descriptor of the file releases them).
        """
        if self._file is not None or not self.path.exists():
            return None
        with self.path.open("r", encoding="utf-8") as handle:
            query = struct.pack(_FLOCK, fcntl.F_WRLCK, os.SEEK_SET, 0, 0, 0)
            answer = fcntl.fcntl(handle, fcntl.F_GETLK, query)
            if struct.unpack(_FLOCK, answer)[0] == fcntl.F_UNLCK:
                return None
            return handle.read().strip() or "another newsbot process"

    def release(self) -> None:
        if self._file is not None:
            self._file.seek(0)
            self._file.truncate()
            fcntl.lockf(self._file, fcntl.LOCK_UN)
            self._file.close()
            self._file = None


class NoLock:
    """A Chroma server takes writes from many clients: nothing to hold."""

    held = False

    def elsewhere(self) -> str | None:
        return None

    def claim(self, holder: str | None = None) -> None:
        return None

    def release(self) -> None:
        return None


def _command() -> str:
    name = Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python"
    words = [a for a in sys.argv[1:3] if not a.startswith("-")]
    return " ".join(["newsbot" if name in ("newsbot", "__main__.py") else name, *words])
