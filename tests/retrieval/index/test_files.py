from __future__ import annotations

import threading
from pathlib import Path

import pytest

from retrieval.index.files import replaced_directory


def test_a_finished_build_replaces_the_old_directory_whole(tmp_path: Path) -> None:
    target = tmp_path / "index"
    target.mkdir()
    (target / "old.json").write_text("old")
    with replaced_directory(target) as tmp:
        assert tmp != target and target.exists()  # readers still see the old copy meanwhile
        (tmp / "new.json").write_text("new")
    assert [p.name for p in target.iterdir()] == ["new.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_a_failed_build_leaves_the_old_directory_and_no_litter(tmp_path: Path) -> None:
    target = tmp_path / "index"
    target.mkdir()
    (target / "old.json").write_text("old")
    with pytest.raises(RuntimeError), replaced_directory(target) as tmp:
        (tmp / "half.json").write_text("half")
        raise RuntimeError("disk full")
    assert [p.name for p in target.iterdir()] == ["old.json"]
    assert [p.name for p in tmp_path.iterdir()] == ["index"]


def test_writers_racing_for_one_directory_all_finish_and_one_whole_copy_wins(
    tmp_path: Path,
) -> None:
    target = tmp_path / "index"
    start = threading.Barrier(4)
    errors: list[BaseException] = []

    def build(n: int) -> None:
        try:
            start.wait()
            for _ in range(20):
                with replaced_directory(target) as tmp:
                    for part in ("a", "b", "c"):
                        (tmp / part).write_text(str(n))
        except BaseException as exc:  # any failure is the finding
            errors.append(exc)

    threads = [threading.Thread(target=build, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    contents = {(target / part).read_text() for part in ("a", "b", "c")}
    assert len(contents) == 1  # every file from the same writer
    assert [p.name for p in tmp_path.iterdir()] == ["index"]
