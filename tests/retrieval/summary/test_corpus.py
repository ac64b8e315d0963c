"""Date filters and latest-N-days summaries on real newswire (Reuters 1987) and undated BBC articles.

The corpus stays outside the repository: samples are written to a temporary JSONL file and ingested
into a temporary store through the real loaders, chunker, Chroma store and hybrid search.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.wiring import build_engine
from retrieval.claims import ClaimAssessor
from retrieval.engine import Engine
from retrieval.index.embeddings import WordLlamaEmbedder
from retrieval.models import Summary, SummaryKind, SummaryRequest
from retrieval.settings import Settings
from retrieval.summary import Summariser
from retrieval.summary.assemble import stated_dates

CORPUS = Path(__file__).resolve().parents[3] / ".." / "shared" / "corpus"
REUTERS = CORPUS / "reuters21578" / "reuters21578.jsonl"
BBC = CORPUS / "bbc"

pytestmark = [
    pytest.mark.shared,
    pytest.mark.slow,
    pytest.mark.skipif(
        not REUTERS.is_file() or not BBC.is_dir(), reason="../shared/corpus is absent"
    ),
]


def _engine(store: Path, records: list[dict[str, str]], wordllama: WordLlamaEmbedder) -> Engine:
    settings = Settings(
        _env_file=None, newsbot_store=store / "store", newsbot_embeddings="wordllama"
    )  # type: ignore[call-arg]
    engine = build_engine(settings, embedder=wordllama, sentence_embedder=wordllama)
    sample = store / "sample.jsonl"
    sample.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    engine.ingest_paths([sample])
    return engine


def _summariser(engine: Engine, wordllama: WordLlamaEmbedder, today: dt.date) -> Summariser:
    return Summariser(
        engine.searcher,
        engine.store,
        wordllama,
        assessor=ClaimAssessor(),
        documents=engine.documents,
        today=lambda: today,
    )


@pytest.fixture(scope="module")
def reuters(
    tmp_path_factory: pytest.TempPathFactory, wordllama: WordLlamaEmbedder
) -> Iterator[Engine]:
    """Every tenth of the first 4,000 records: 400 stories dated 26 Feb - 11 Mar 1987."""
    records = []
    with REUTERS.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines):
            if number >= 4000:
                break
            record = json.loads(line)
            if number % 10 == 0 and (record.get("body") or "").strip():
                records.append(
                    {
                        "source": f"reuters-{record['id']}",
                        "title": record.get("title") or "",
                        "date": record["date"],
                        "text": record["body"],
                    }
                )
    folder = tmp_path_factory.mktemp("reuters-summary")
    yield _engine(folder, records, wordllama)
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def bbc(tmp_path_factory: pytest.TempPathFactory, wordllama: WordLlamaEmbedder) -> Iterator[Engine]:
    records = []
    for path in sorted((BBC / "business").glob("*.txt"))[:40]:
        headline, _, body = path.read_bytes().decode("latin-1").strip().partition("\n")
        records.append({"source": f"business/{path.name}", "title": headline, "text": body})
    folder = tmp_path_factory.mktemp("bbc-summary")
    yield _engine(folder, records, wordllama)
    shutil.rmtree(folder, ignore_errors=True)


def _check_timeline(summary: Summary) -> None:
    dates = {s.n: s.date for s in summary.sources}
    assert [t.date for t in summary.timeline] == sorted(t.date for t in summary.timeline)
    for entry in summary.timeline:
        if entry.text.startswith("Source published: "):
            assert all(dates[n] == entry.date for n in entry.citations)
        else:
            assert entry.date in stated_dates(entry.text)


def test_topic_within_a_date_range(reuters: Engine, wordllama: WordLlamaEmbedder) -> None:
    summariser = _summariser(reuters, wordllama, dt.date(1987, 3, 11))
    since, until = dt.date(1987, 3, 3), dt.date(1987, 3, 5)
    unfiltered = summariser.summarise(SummaryRequest(SummaryKind.TOPIC, query="oil prices"))
    assert any(not since <= s.date <= until for s in unfiltered.sources if s.date)
    ranged = summariser.summarise(
        SummaryRequest(SummaryKind.TOPIC, query="oil prices", since=since, until=until)
    )
    assert not ranged.empty and 3 <= len(ranged.points) <= 7
    assert all(s.date is not None and since <= s.date <= until for s in ranged.sources)
    _check_timeline(ranged)


def test_latest_days_is_relative_to_today(reuters: Engine, wordllama: WordLlamaEmbedder) -> None:
    today = dt.date(1987, 3, 5)
    summary = _summariser(reuters, wordllama, today).summarise(
        SummaryRequest(SummaryKind.LATEST, days=3)
    )
    assert not summary.empty and summary.points
    assert all(
        s.date is not None and dt.date(1987, 3, 3) <= s.date <= today for s in summary.sources
    )
    _check_timeline(summary)
    later = reuters.store.chunks(None)
    assert any(c.date and c.date > today for c in later), "the sample has stories after 'today'"


def test_latest_before_any_story_is_empty(reuters: Engine, wordllama: WordLlamaEmbedder) -> None:
    summary = _summariser(reuters, wordllama, dt.date(1987, 2, 20)).summarise(
        SummaryRequest(SummaryKind.LATEST, days=5)
    )
    assert summary.empty and not summary.sources


def test_undated_articles_are_never_latest_nor_given_dates(
    bbc: Engine, wordllama: WordLlamaEmbedder
) -> None:
    summariser = _summariser(bbc, wordllama, dt.date(2005, 1, 1))
    assert summariser.summarise(SummaryRequest(SummaryKind.LATEST, days=3650)).empty
    ranged = summariser.summarise(
        SummaryRequest(SummaryKind.TOPIC, query="economy growth", since=dt.date(2000, 1, 1))
    )
    assert ranged.empty  # no BBC article states its date, so none is inside any range
    topic = summariser.summarise(SummaryRequest(SummaryKind.TOPIC, query="economy growth"))
    assert not topic.empty and topic.points
    assert all(s.date is None for s in topic.sources)
    assert not any(t.text.startswith("Source published: ") for t in topic.timeline)
    _check_timeline(topic)
