"""What an uploaded file must be before it becomes a document: its type, its size, and text.

Checked by the engine, so every adapter refuses the same files with the same words; the checks on
name, size and content type need no bytes, so an adapter can run them before downloading.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from pathlib import Path, PurePath

from charset_normalizer import from_bytes

from retrieval.errors import UploadError

ALLOWED_SUFFIXES = frozenset({".txt", ".md", ".markdown", ".html", ".htm"})
ALLOWED_CONTENT_TYPES = frozenset(
    {"text/plain", "text/markdown", "text/x-markdown", "text/html", "application/xhtml+xml"}
)


def human_size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    return f"{size / (1024 * 1024):.1f} MB"


def check_upload(filename: str, size: int, content_type: str | None, max_bytes: int) -> None:
    """Raise :class:`UploadError` for an attachment to refuse before downloading it."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise UploadError("Please attach a text (.txt), Markdown (.md) or HTML (.html) file.")
    if content_type:
        base = content_type.split(";")[0].strip().lower()
        if base not in ALLOWED_CONTENT_TYPES:
            raise UploadError(f"That file is {base}, not text, Markdown or HTML.")
    if size > max_bytes:
        raise UploadError(f"That file is {human_size(size)}; the limit is {human_size(max_bytes)}.")
    if size == 0:
        raise UploadError("That file is empty.")


def check_upload_bytes(data: bytes, max_bytes: int) -> None:
    """Raise :class:`UploadError` for downloaded bytes that are binary or larger than announced."""
    if len(data) > max_bytes:
        raise UploadError(
            f"That file is {human_size(len(data))}; the limit is {human_size(max_bytes)}."
        )
    if b"\x00" in data:
        raise UploadError("That file does not look like text.")
    try:
        data.decode("utf-8")
        return
    except UnicodeDecodeError:
        pass
    if from_bytes(data).best() is None:
        raise UploadError("That file does not look like text.")


def drop_unused_uploads(
    uploads: Path, origins: set[str], stored_origins: Callable[[], Iterable[str]]
) -> None:
    """Delete uploaded files that no stored document comes from any more.

    A JSONL upload holds several documents (origins ``file#line``): its file stays until the
    last of them is removed, so what is left keeps surviving ``ingest --prune``.
    """
    folder = uploads.resolve()
    files = {Path(o.split("#", 1)[0]) for o in origins}
    files = {f for f in files if f.parent == folder}
    if files and any("#" in o for o in origins):
        files -= {Path(origin.split("#", 1)[0]) for origin in stored_origins()}
    for path in files:
        path.unlink(missing_ok=True)
