"""What a document may not smuggle in: terminal control sequences, and links that are not web pages.

A document's text reaches terminals (``newsbot ask``) and its URL is rendered into Discord markdown.
An ANSI or OSC sequence in the text can recolour, retitle or hyperlink a moderator's terminal; a URL
such as ``https://ok>) [**OFFICIAL**](https://evil`` closes the masked link and adds one of its own,
and ``javascript:`` is no article. Both are cleaned where documents come in and again where they go
out, since a store may hold documents ingested before.
"""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

# Whole escape sequences first (CSI "ESC[31m", OSC "ESC]8;;url BEL", two-byte "ESC c"), so no
# printable remainder such as "[31m" is left; then every other C0/C1 control except tab and newline.
_SEQUENCES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x1b[@-~]|\x9b[0-?]*[ -/]*[@-~]"
)
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# Kept as they are in a URL; everything else (spaces, brackets, quotes, angle brackets, asterisks,
# backslashes) is percent-encoded, so the URL cannot close or open markdown around it.
_URL_SAFE = ":/?#@!$&+,;=%~-._"
_MAX_URL = 2048


def strip_controls(text: str) -> str:
    """``text`` without terminal control sequences or control characters (tabs and newlines stay)."""
    if "\x1b" not in text and not _CONTROLS.search(text):
        return text
    return _CONTROLS.sub("", _SEQUENCES.sub("", text))


def web_url(value: object) -> str | None:
    """An http(s) URL with a host, encoded so that it is inert in markdown; None for anything else."""
    if not isinstance(value, str):
        return None
    text = value.strip()
    if not text or len(text) > _MAX_URL or _CONTROLS.search(text) or "\x1b" in text:
        return None
    try:
        parts = urlsplit(text)
    except ValueError:  # "http://[::1" and the like
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    return quote(text, safe=_URL_SAFE)
