"""Document centroids: the mean of a document's chunk vectors, saved with the revision they reflect."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np

from retrieval.index.sidecars.centroids import CentroidIndex
from retrieval.models import SearchFilters


def _unit(*values: float) -> np.ndarray:
    v = np.array(values, dtype=np.float32)
    return v / np.linalg.norm(v)


def _rows() -> list[tuple[str, str, int, np.ndarray]]:
    return [
        ("a", "a.txt", dt.date(2024, 1, 5).toordinal(), _unit(1, 0, 0)),
        ("a", "a.txt", dt.date(2024, 1, 5).toordinal(), _unit(0, 1, 0)),
        ("b", "b.txt", 0, _unit(0, 0, 1)),
    ]


def test_a_document_is_ranked_by_the_mean_of_its_chunks(tmp_path: Path) -> None:
    index = CentroidIndex(tmp_path / "c")
    index.build(_rows(), revision=3)
    # Halfway between a's two chunks: closer to a's centroid than to any single chunk of it.
    found = index.search(_unit(1, 1, 0.2), k=2)
    assert [d for d, _ in found] == ["a", "b"]
    assert found[0][1] > 0.98


def test_saved_centroids_load_only_for_their_revision(tmp_path: Path) -> None:
    CentroidIndex(tmp_path / "c").build(_rows(), revision=3)
    assert not CentroidIndex(tmp_path / "c").load(4)
    loaded = CentroidIndex(tmp_path / "c")
    assert loaded.load(3)
    assert loaded.search(_unit(0, 0, 1), k=1)[0][0] == "b"
    assert not CentroidIndex(tmp_path / "missing").load(3)


def test_filters_drop_documents_before_ranking(tmp_path: Path) -> None:
    index = CentroidIndex(tmp_path / "c")
    index.build(_rows(), revision=1)
    assert [
        d
        for d, _ in index.search(
            _unit(0, 0, 1), k=5, filters=SearchFilters(since=dt.date(2024, 1, 1))
        )
    ] == ["a"]  # b is undated, so not "since" anything
    only_b = SearchFilters(documents=("b.txt",))
    assert [d for d, _ in index.search(_unit(1, 0, 0), k=5, filters=only_b)] == ["b"]
    assert CentroidIndex(tmp_path / "empty").search(_unit(1, 0, 0), k=5) == []
