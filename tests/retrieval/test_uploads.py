"""What an upload must be: checked by the engine before (name, size, type) and after download."""

from __future__ import annotations

import pytest

from retrieval.errors import UploadError
from retrieval.uploads import check_upload, check_upload_bytes


def test_acceptable_files_pass() -> None:
    check_upload("a.HTML", 10, "text/html; charset=utf-8", 100)
    check_upload("a.md", 10, None, 100)
    check_upload_bytes("héllo".encode("latin-1"), 100)  # not UTF-8, still text


@pytest.mark.parametrize(
    ("name", "size", "content_type", "message"),
    [
        ("a.exe", 10, None, ".txt"),
        ("a.txt", 0, "text/plain", "That file is empty."),
        ("a.txt", 101, "text/plain", "the limit is 100 bytes"),
        ("a.txt", 10, "application/pdf", "application/pdf"),
    ],
)
def test_refused_before_download(
    name: str, size: int, content_type: str | None, message: str
) -> None:
    with pytest.raises(UploadError, match=message):
        check_upload(name, size, content_type, 100)


@pytest.mark.parametrize("data", [b"\x00\x01", b"x" * 101])
def test_refused_after_download(data: bytes) -> None:
    with pytest.raises(UploadError):
        check_upload_bytes(data, 100)
