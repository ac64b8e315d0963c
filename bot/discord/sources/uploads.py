"""Checks on files uploaded with ``/sources add``: type, size, and that the bytes are text."""

from __future__ import annotations

from pathlib import PurePath

from charset_normalizer import from_bytes

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


def upload_problem(
    filename: str, size: int, content_type: str | None, max_bytes: int
) -> str | None:
    """Why this attachment is refused before downloading it, or None."""
    suffix = PurePath(filename).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        return "Please attach a text (.txt), Markdown (.md) or HTML (.html) file."
    if content_type:
        base = content_type.split(";")[0].strip().lower()
        if base not in ALLOWED_CONTENT_TYPES:
            return f"That file is {base}, not text, Markdown or HTML."
    if size > max_bytes:
        return f"That file is {human_size(size)}; the limit is {human_size(max_bytes)}."
    if size == 0:
        return "That file is empty."
    return None


def content_problem(data: bytes, max_bytes: int) -> str | None:
    """Why the downloaded bytes are refused (binary, or larger than announced), or None."""
    if len(data) > max_bytes:
        return f"That file is {human_size(len(data))}; the limit is {human_size(max_bytes)}."
    if b"\x00" in data:
        return "That file does not look like text."
    try:
        data.decode("utf-8")
        return None
    except UnicodeDecodeError:
        pass
    return None if from_bytes(data).best() is not None else "That file does not look like text."
