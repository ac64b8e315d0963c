"""The store: idempotent ingest, edits, prune, model mismatch, the lexical sidecar staying in step."""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path

import pytest

from retrieval.engine import Engine
from retrieval.errors import DocumentError, EmbeddingMismatchError, StoreError
from retrieval.index.chroma import make_client
from retrieval.index.embeddings import WordLlamaEmbedder
from retrieval.index.sidecars.lexical import LexicalIndex
from retrieval.index.store import ChunkStore
from retrieval.ingest.loaders import LoadError
from retrieval.models import Chunk, PassageKind, SearchFilters
from tests.conftest import SEEDS, EngineFactory


def _copy_seeds(target: Path) -> Path:
    target.mkdir()
    for seed in sorted(SEEDS.glob("*.txt")):
        (target / seed.name).write_bytes(seed.read_bytes())
    return target


def test_reingesting_the_same_files_changes_nothing(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    engine = make_engine()
    first = engine.ingest_paths([docs])
    ids_before = sorted(c.chunk_id for c in engine.store.chunks())
    second = engine.ingest_paths([docs])
    assert (first.added, first.documents) == (5, 5)
    assert first.chunks == len(ids_before) > 5
    assert (second.added, second.unchanged, second.chunks) == (0, 5, 0)
    assert sorted(c.chunk_id for c in engine.store.chunks()) == ids_before


def test_an_edited_file_replaces_its_old_chunks(make_engine: EngineFactory, tmp_path: Path) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    engine = make_engine()
    engine.ingest_paths([docs])
    edited = docs / "000_4521cd7ed207620f.txt"
    edited.write_text("date 2023-11-10 Pyongyang announced a new fishing festival on the coast.\n")
    report = engine.ingest_paths([docs])
    assert (report.added, report.unchanged) == (1, 4)
    texts = [c.text for c in engine.store.chunks(SearchFilters(documents=(edited.name,)))]
    assert texts == ["Pyongyang announced a new fishing festival on the coast."]
    # The old passages are gone from both the dense and the lexical side.
    lexical = engine.store.lexical("gifts firearms memorabilia", k=5)
    assert all(c.source != edited.name for c, _ in lexical)
    assert engine.store.lexical("fishing festival", k=1)[0][0].source == edited.name


def test_prune_removes_documents_whose_files_are_gone(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    docs = _copy_seeds(tmp_path / "docs")
    engine = make_engine()
    engine.ingest_paths([docs])
    (docs / "004_61a07403e512a970.txt").unlink()
    report = engine.ingest_paths([docs], prune=True)
    assert report.removed == 1
    sources = {d.source for d in engine.documents()}
    assert sources == {p.name for p in docs.glob("*.txt")}


def test_opening_a_store_with_another_embedding_model_is_refused(
    make_engine: EngineFactory, tmp_path: Path, wordllama: WordLlamaEmbedder
) -> None:
    engine = make_engine(newsbot_store=tmp_path / "store")
    engine.ingest_paths([SEEDS])
    client = make_client(tmp_path / "store")
    with pytest.raises(EmbeddingMismatchError, match="all-MiniLM-L6-v2"):
        ChunkStore(client, wordllama, collection="newsbot", sidecar_dir=tmp_path / "lex")


def _reader_and_writer(make_engine: EngineFactory, store_dir: Path) -> tuple[Engine, Engine]:
    """Two engines on one store, as two processes would be; the writer has ingested the seeds."""
    reader = make_engine(newsbot_store=store_dir)
    writer = make_engine(newsbot_store=store_dir)
    writer.ingest_paths([SEEDS])
    return reader, writer


def test_lexical_index_is_rebuilt_when_the_collection_changed_elsewhere(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    reader, writer = _reader_and_writer(make_engine, tmp_path / "store")
    assert reader.store.lexical("Ushakov itinerary", k=1)[0][0].source.startswith("003_")
    extra = tmp_path / "extra.txt"
    extra.write_text("The zoo in Pyongyang welcomed a baby giraffe named Ushakov-the-tall.\n")
    writer.ingest_paths([extra])
    assert reader.store.lexical("giraffe", k=1)[0][0].source == "extra.txt"


def test_date_and_document_filters_apply_to_both_retrievers(seed_engine) -> None:  # type: ignore[no-untyped-def]
    dated = SearchFilters(since=__import__("datetime").date(2023, 11, 1))
    for chunk, _ in seed_engine.store.dense("North Korea Russia", k=20, filters=dated):
        assert chunk.date is not None and chunk.date.year == 2023
    for chunk, _ in seed_engine.store.lexical("North Korea Russia", k=20, filters=dated):
        assert chunk.date is not None
    only = SearchFilters(documents=("003_a5450687eba11f7a.txt",))
    found = seed_engine.searcher.search("Russia", k=8, filters=only)
    assert found and {p.chunk.source for p in found} == {"003_a5450687eba11f7a.txt"}


def test_a_store_that_is_down_is_a_clear_error() -> None:
    with pytest.raises(StoreError, match=r"127\.0\.0\.1:9"):
        client = make_client(None, host="127.0.0.1", port=9)
        ChunkStore(client, WordLlamaEmbedder(), collection="x", sidecar_dir=Path("lex"))


def test_uploads_are_kept_survive_prune_and_can_be_removed(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine(newsbot_store=tmp_path / "store")
    upload = (
        b"---\ntitle: Harbour festival\ndate: 2024-06-01\n---\nPyongyang held a harbour festival.\n"
    )
    report = engine.ingest_bytes("../../festival.md", upload)
    kept = tmp_path / "store" / "uploads" / "festival.md"  # the name cannot escape the folder
    assert report.added == 1 and kept.read_bytes() == upload
    assert engine.ingest_paths([], prune=True).removed == 0  # an upload is not a vanished file
    assert [d.title for d in engine.documents()] == ["Harbour festival"]

    with pytest.raises(LoadError, match=r"broken\.md"):
        engine.ingest_bytes("broken.md", b"")
    assert not (tmp_path / "store" / "uploads" / "broken.md").exists()

    with pytest.raises(DocumentError, match="No document is called “no such document”"):
        engine.remove_document("no such document")
    assert engine.remove_document("harbour festival").title == "Harbour festival"
    assert engine.documents() == [] and not kept.exists()


def test_whole_document_rankings_follow_ingest_and_see_titles(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    reader, writer = _reader_and_writer(make_engine, tmp_path / "store")
    feed = tmp_path / "feed.jsonl"
    feed.write_text(
        '{"source": "zoo-1", "title": "Giraffe born in Pyongyang", "date": "2023-10-02", '
        '"text": "Keepers at the city zoo welcomed a tall calf on Monday. Visitors queued for '
        'hours to see the newborn animal take its first steps."}\n'
    )
    writer.ingest_paths([feed])
    zoo = next(d.doc_id for d in reader.documents() if d.source == "zoo-1")
    # The title is indexed at document level only: no chunk contains the word.
    assert reader.store.lexical("giraffe", k=5) == []
    assert reader.store.lexical_documents("giraffe", k=5)[0][0] == zoo
    assert reader.store.dense_documents("a baby animal at the zoo", k=1)[0][0] == zoo
    # Filters hold at document level too.
    assert (
        reader.store.lexical_documents(
            "giraffe", k=5, filters=SearchFilters(documents=("001_x.txt",))
        )
        == []
    )
    late = SearchFilters(since=__import__("datetime").date(2023, 10, 3))
    assert zoo not in [d for d, _ in reader.store.dense_documents("zoo calf", k=50, filters=late)]
    writer.remove_document("zoo-1")
    assert zoo not in [d for d, _ in reader.store.dense_documents("zoo calf", k=50)]


def test_ingest_leaves_the_sidecars_built_for_the_next_question(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    store_dir = tmp_path / "store"
    engine = make_engine(newsbot_store=store_dir)
    engine.ingest_paths([SEEDS])
    sidecar = store_dir / "lexical" / "newsbot"
    saved = json.loads((sidecar / "revision.json").read_text())["revision"]
    assert (store_dir / "lexical" / "newsbot.centroids" / "centroids.npy").is_file()
    # A second process finds them current and loads rather than rebuilds them.
    other = make_engine(newsbot_store=store_dir)
    before = (sidecar / "chunks.json").stat().st_mtime_ns
    assert other.store.lexical("Ushakov", k=1)
    assert (sidecar / "chunks.json").stat().st_mtime_ns == before
    engine.ingest_bytes("note.txt", b"The museum in Vladivostok reopened after repairs.\n")
    # One upload: announced in the change log, then done.
    assert json.loads((sidecar / "revision.json").read_text())["revision"] == saved + 2


def test_a_few_documents_are_looked_up_by_id(make_engine: EngineFactory, tmp_path: Path) -> None:
    engine = make_engine(newsbot_store=tmp_path / "store")
    engine.ingest_paths([_copy_seeds(tmp_path / "docs")])
    everything = engine.store.document_states()
    assert len(everything) == 5
    one = next(iter(everything))
    assert engine.store.document_states({one}) == {one: everything[one]}
    assert engine.store.document_states({"no-such-document"}) == {}
    assert engine.store.document_states(set()) == {}
    # An upload reads only its own state, and still knows when nothing changed.
    data = b"The museum in Vladivostok reopened after repairs.\n"
    assert engine.ingest_bytes("note.txt", data).added == 1
    again = engine.ingest_bytes("note.txt", data)
    assert (again.added, again.unchanged) == (0, 1)


def test_either_sidecar_rebuilt_alone_matches_the_one_built_with_the_other(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    store_dir = tmp_path / "store"
    engine = make_engine(newsbot_store=store_dir)
    engine.ingest_paths([SEEDS])  # both sidecars from one pass over Chroma
    query = "Kim Jong Un visit to Russia"
    expected = engine.store.dense_documents(query, k=5)
    shutil.rmtree(store_dir / "lexical" / "newsbot.centroids")
    other = make_engine(newsbot_store=store_dir)
    rebuilt = other.store.dense_documents(query, k=5)
    assert [d for d, _ in rebuilt] == [d for d, _ in expected]
    assert [s for _, s in rebuilt] == pytest.approx([s for _, s in expected], abs=1e-5)
    assert (store_dir / "lexical" / "newsbot.centroids" / "centroids.npy").is_file()
    # And the other way round: the BM25 sidecar alone.
    lexical_expected = engine.store.lexical_documents(query, k=5)
    shutil.rmtree(store_dir / "lexical" / "newsbot")
    third = make_engine(newsbot_store=store_dir)
    assert third.store.lexical_documents(query, k=5) == lexical_expected
    assert (store_dir / "lexical" / "newsbot" / "revision.json").is_file()


def test_documents_are_found_by_source_title_or_id_in_any_case(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine(newsbot_store=tmp_path / "store")
    engine.ingest_paths([_copy_seeds(tmp_path / "docs")])
    engine.ingest_bytes(
        "feed.jsonl", b'{"source": "zoo-1", "title": "Giraffe Born", "text": "A calf."}\n'
    )
    zoo = engine.store.find_documents("ZOO-1")
    assert [d.source for d in zoo] == ["zoo-1"]
    assert engine.store.find_documents("  giraffe born ") == zoo
    assert engine.store.find_documents(zoo[0].doc_id) == zoo
    assert zoo[0].origin.endswith("feed.jsonl#1") and zoo[0].chunks == 1
    assert engine.store.find_documents("giraffe") == []  # a name, not a search
    assert engine.store.documents({zoo[0].doc_id}) == zoo
    assert engine.store.documents(set()) == []
    assert engine.remove_document("Giraffe Born")
    assert engine.store.find_documents("zoo-1") == []
    assert len(engine.documents()) == 5


def test_a_jsonl_upload_is_deleted_with_its_last_document(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    engine = make_engine(newsbot_store=tmp_path / "store")
    feed = (
        b'{"source": "zoo-1", "text": "A giraffe calf was born at the zoo."}\n'
        b'{"source": "zoo-2", "text": "The zoo opened a new aquarium hall."}\n'
    )
    assert engine.ingest_bytes("zoo.jsonl", feed).added == 2
    kept = tmp_path / "store" / "uploads" / "zoo.jsonl"
    assert engine.remove_document("zoo-1")
    assert kept.exists()  # zoo-2 still comes from it, and must keep surviving prune
    assert engine.ingest_paths([], prune=True).removed == 0
    assert engine.remove_document("zoo-2")
    assert not kept.exists() and engine.documents() == []


def test_questions_during_uploads_and_removals_see_one_whole_index(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    """Questions run on threads beside moderators' changes (the bot uses asyncio.to_thread)."""
    engine = make_engine(newsbot_store=tmp_path / "store")
    engine.ingest_paths([SEEDS])
    stop = threading.Event()
    problems: list[str] = []
    # Every document that ever was in the store. A document can live only between a reader's two
    # listings (added after the first, removed before the second): ranked then, it was real. A
    # ghost is an id that never was.
    ever = {d.doc_id for d in engine.documents()}

    def ask() -> None:
        while not stop.is_set():
            try:
                for chunk, _ in engine.store.lexical("giraffe calf", k=5):
                    if "giraffe" not in chunk.text.lower() and "calf" not in chunk.text.lower():
                        problems.append(f"a BM25 hit without the words: {chunk.text[:60]!r}")
                before = {d.doc_id for d in engine.documents()}
                ranked = engine.store.dense_documents("zoo animals", k=10)
                known = before | {d.doc_id for d in engine.documents()}
                known |= ever  # read after the listing: a removal comes after its record
                for doc_id, _ in ranked:
                    if doc_id not in known:
                        problems.append(f"a document not in the store ranked: {doc_id}")
            except Exception as exc:  # any failure is the finding
                problems.append(repr(exc))

    readers = [threading.Thread(target=ask) for _ in range(3)]
    for reader in readers:
        reader.start()
    try:
        for i in range(4):
            engine.ingest_bytes(f"zoo{i}.txt", f"A giraffe calf number {i} was born.\n".encode())
            ever.update(d.doc_id for d in engine.documents())
            assert engine.remove_document(f"zoo{i}.txt")
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    assert problems == []


def test_a_blank_name_names_no_document_not_every_untitled_one(tmp_path: Path) -> None:
    untitled = Chunk(
        "c1", "d1", "notes.txt", "", None, None, "Plain text.", PassageKind.ARTICLE, 0, 0, 11
    )
    index = LexicalIndex(tmp_path / "lexical")
    index.build([untitled], revision=1)
    assert index.documents_named("NOTES.TXT") == ["d1"]
    assert index.documents_named("") == [] and index.documents_named("  ") == []


def test_a_document_cut_off_mid_write_is_not_unchanged_and_is_repaired(
    make_engine: EngineFactory, tmp_path: Path
) -> None:
    docs = tmp_path / "docs"
    docs.mkdir()
    paragraphs = [
        f"Paragraph {i} of the port report says the berth {i} reopened after repairs to the crane."
        for i in range(60)
    ]
    (docs / "port.txt").write_text("Port report\n\n" + "\n\n".join(paragraphs) + "\n")
    store_dir = tmp_path / "store"
    engine = make_engine(newsbot_store=store_dir, newsbot_chunk_size=120, newsbot_chunk_overlap=0)
    first = engine.ingest_paths([docs])
    total = engine.store.count()
    assert first.added == 1 and total >= 50
    # What a kill -9 during the write leaves: the first pages of the document are stored, the
    # rest never were. Made here by deleting the later records from Chroma itself.
    collection = make_client(store_dir).get_collection("newsbot")
    stored = collection.get(include=["metadatas"])
    later = [i for i, m in zip(stored["ids"], stored["metadatas"] or [], strict=True)
             if int((m or {})["position"]) >= total // 3]  # fmt: skip
    collection.delete(ids=later)
    assert engine.store.count() < total
    again = make_engine(
        newsbot_store=store_dir, newsbot_chunk_size=120, newsbot_chunk_overlap=0
    ).ingest_paths([docs])
    assert again.added == 1 and again.unchanged == 0  # it was not whole, so it is rewritten
    assert make_client(store_dir).get_collection("newsbot").count() == total
    settled = make_engine(
        newsbot_store=store_dir, newsbot_chunk_size=120, newsbot_chunk_overlap=0
    ).ingest_paths([docs])
    assert settled.unchanged == 1 and settled.added == 0


def test_documents_in_folders_are_named_by_their_path_and_removed_one_at_a_time(
    tmp_path: Path, make_engine: EngineFactory
) -> None:
    """BBC's 2,225 articles go by 513 bare file names: ``001.txt`` was five documents."""
    corpus = tmp_path / "bbc"
    for section, text in (("business", "Oil prices rose sharply."), ("sport", "City won the cup.")):
        (corpus / section).mkdir(parents=True)
        (corpus / section / "001.txt").write_text(f"{section.title()} news\n\n{text}\n")
    engine = make_engine()
    engine.ingest_paths([corpus])
    assert sorted(d.source for d in engine.documents()) == ["business/001.txt", "sport/001.txt"]

    with pytest.raises(DocumentError) as ambiguous:
        engine.remove_document("001.txt")
    message = str(ambiguous.value)
    assert "names 2 documents" in message and "business/001.txt" in message
    assert "sport/001.txt" in message and "id " in message
    assert len(engine.documents()) == 2  # nothing removed

    gone = engine.remove_document("sport/001.txt")
    assert gone.source == "sport/001.txt"
    assert [d.source for d in engine.documents()] == ["business/001.txt"]
    only = SearchFilters(documents=("business/001.txt",))
    assert {p.chunk.source for p in engine.searcher.search("oil prices", filters=only)} == {
        "business/001.txt"
    }


def test_a_store_named_by_bare_file_names_is_renamed_by_ingesting_again(
    tmp_path: Path, make_engine: EngineFactory
) -> None:
    corpus = tmp_path / "news"
    (corpus / "a").mkdir(parents=True)
    (corpus / "a" / "x.txt").write_text("Harbour news\n\nThe harbour reopened on Monday.\n")
    engine = make_engine()
    engine.ingest_paths([corpus / "a" / "x.txt"])  # given by itself: named x.txt
    assert [d.source for d in engine.documents()] == ["x.txt"]
    again = engine.ingest_paths([corpus])  # found in a folder: named by its path there
    assert again.added == 1 and [d.source for d in engine.documents()] == ["a/x.txt"]
