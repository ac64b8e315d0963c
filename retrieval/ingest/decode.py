"""Bytes to text, refusing what is not text.

UTF-8 is tried first because nearly everything is UTF-8. For the rest we prefer Windows-1252 when the text
is almost all ASCII: charset detectors are unreliable on a handful of high bytes (charset-normalizer reads
the single ``£`` of BBC ``sport/199.txt`` as Japanese cp932), while a Western news file with a few accented
letters or currency signs is by far the likelier case. Texts with many high bytes go to charset-normalizer.
"""

from __future__ import annotations

import codecs
import re
import zlib

from charset_normalizer import from_bytes

MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024  # refuses gzip bombs; far above any real article file
_ASCII_SHARE_FOR_CP1252 = 0.97
_MAX_CONTROL_SHARE = 0.01
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f]")  # C0 controls other than tab, newlines, form feed


class NotText(ValueError):
    """The data cannot be read as text; the message is the reason shown to the user."""


def gunzip(data: bytes) -> bytes:
    """Decompress with a size cap, so one hostile upload cannot exhaust memory."""
    decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    try:
        out = decompressor.decompress(data, MAX_DECOMPRESSED_BYTES + 1)
    except zlib.error as error:
        raise NotText(f"corrupt gzip data ({error})") from error
    if len(out) > MAX_DECOMPRESSED_BYTES:
        raise NotText("too large once decompressed")
    if not decompressor.eof:
        raise NotText("truncated gzip data")
    return out


def is_gzip(data: bytes) -> bool:
    return data[:2] == b"\x1f\x8b"


def _looks_binary(text: str) -> bool:
    if not text:
        return False
    if _CONTROL.search(text) is None:
        return False
    return "\x00" in text or len(_CONTROL.findall(text)) / len(text) > _MAX_CONTROL_SHARE


def decode_text(data: bytes) -> str:
    """Decode file contents; raises NotText with ``binary file`` for data that is not text."""
    if data.startswith(codecs.BOM_UTF8):
        return ensure_text(data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"))
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return ensure_text(data.decode("utf-16", errors="replace"))
    if b"\x00" in data:
        raise NotText("binary file")
    try:
        return ensure_text(data.decode("utf-8"))
    except UnicodeDecodeError:
        pass
    ascii_share = sum(1 for byte in data if byte < 0x80) / len(data)
    if ascii_share >= _ASCII_SHARE_FOR_CP1252:
        try:
            return ensure_text(data.decode("cp1252"))
        except UnicodeDecodeError:
            pass  # the five bytes cp1252 leaves undefined: let the detector decide
    best = from_bytes(data).best()
    if best is None:
        raise NotText("binary file")
    return ensure_text(str(best))


def ensure_text(text: str) -> str:
    """Refuse decoded text that is really binary data (control characters throughout)."""
    if _looks_binary(text):
        raise NotText("binary file")
    return text
