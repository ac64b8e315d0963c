"""Writing a sidecar directory so that readers, and other writers, never see half of one."""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

log = logging.getLogger(__name__)


@contextmanager
def replaced_directory(target: Path) -> Iterator[Path]:
    """Yield a private empty directory that takes ``target``'s place when the block succeeds.

    The name is unique per build because two processes (the bot and a CLI ingest) can rebuild the
    same sidecar at once; a shared ``.tmp`` name made one of them fail. If the other one's build
    lands between our delete and our rename, theirs is kept: both reflect Chroma as it was read.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f"{target.name}.tmp-", dir=target.parent))
    try:
        yield tmp
        shutil.rmtree(target, ignore_errors=True)
        try:
            tmp.rename(target)
        except OSError:
            log.info("another process saved %s first; keeping its copy", target.name)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
