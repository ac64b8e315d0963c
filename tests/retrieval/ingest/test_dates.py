"""Dates from metadata: every common written form read, nothing partial or absurd accepted."""

from __future__ import annotations

import datetime as dt
import json
import logging
from pathlib import Path

import pytest

from retrieval.ingest.dates import parse_date
from retrieval.ingest.loaders import load_paths


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024-06-19", dt.date(2024, 6, 19)),
        ("June 19, 2024", dt.date(2024, 6, 19)),
        ("19 June 2024", dt.date(2024, 6, 19)),
        ("Wed, 19 Jun 2024 08:00:00 GMT", dt.date(2024, 6, 19)),  # RFC 2822, as feeds send
        ("Wed, 19 Jun 2024 23:30:00 -0500", dt.date(2024, 6, 19)),  # the date as written
        ("26-FEB-1987 15:01:01.79", dt.date(1987, 2, 26)),
        ("2024", None),  # no month, no day: a year is not a date
        ("June 2024", None),
        ("sometime last week", None),
        ("the 5th", None),
        ("3024-01-01", None),  # outside 1900 to next year
        ("1850-05-05", None),
        ("0001-01-01", None),
        ("", None),
        (20240619, None),
    ],
)
def test_metadata_dates_are_read_in_every_common_form(
    value: object, expected: dt.date | None
) -> None:
    assert parse_date(value) == expected


def test_a_file_with_unreadable_dates_warns_once_and_keeps_its_documents(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = tmp_path / "feed.jsonl"
    records = [{"text": f"Story number {i} text.", "date": "soon"} for i in range(5)]
    records.append({"text": "A dated story text.", "date": "June 19, 2024"})
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="retrieval.ingest.loaders"):
        result = load_paths([path])
    assert len(result.documents) == 6 and result.skipped == []
    assert [d.date for d in result.documents].count(None) == 5
    assert result.documents[-1].date == dt.date(2024, 6, 19)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "feed.jsonl: 5 date fields could not be read" in warnings[0] and "'soon'" in warnings[0]
