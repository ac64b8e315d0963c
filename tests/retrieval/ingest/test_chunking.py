"""Chunking: offsets that point back into the document, block boundaries, sizes and stable ids."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from retrieval.ingest.chunking import chunk_document
from retrieval.ingest.loaders import load_bytes, load_paths
from retrieval.models import Chunk, Document, PassageKind

REPO = Path(__file__).resolve().parents[3]
SEEDS = REPO / "documents"
CORPUS = REPO / ".." / "shared" / "corpus"
needs_corpus = pytest.mark.skipif(
    not CORPUS.is_dir(), reason="../shared/corpus is not present next to the repository"
)


def _check_chunks(doc: Document, chunks: list[Chunk], size: int) -> None:
    """The invariants every chunking must keep, whatever the text."""
    assert [chunk.position for chunk in chunks] == list(range(len(chunks)))
    starts = [chunk.start for chunk in chunks]
    assert starts == sorted(starts) and len(set(starts)) == len(starts)
    for chunk in chunks:
        assert doc.text[chunk.start : chunk.end] == chunk.text
        assert 0 < len(chunk.text) <= size
        assert chunk.text == chunk.text.strip()
        (block,) = [
            b for b in doc.blocks if b.start <= chunk.start and chunk.end <= b.start + len(b.text)
        ]  # inside exactly one block: never straddles two
        assert chunk.kind is block.kind
        assert (chunk.doc_id, chunk.source, chunk.title, chunk.url, chunk.date) == (
            doc.doc_id,
            doc.source,
            doc.title,
            doc.url,
            doc.date,
        )
    covered = bytearray(len(doc.text))
    for chunk in chunks:
        covered[chunk.start : chunk.end] = b"\x01" * (chunk.end - chunk.start)
    lost = [ch for ch, hit in zip(doc.text, covered, strict=True) if not hit and not ch.isspace()]
    assert lost == []  # no text falls between chunks


def test_seed_chunks_point_back_into_their_documents() -> None:
    for doc in load_paths([SEEDS]).documents:
        for size, overlap in ((500, 80), (200, 40), (120, 0)):
            _check_chunks(doc, chunk_document(doc, size=size, overlap=overlap), size)


def test_long_paragraphs_are_split_at_sentence_ends() -> None:
    (doc,) = [d for d in load_paths([SEEDS]).documents if d.source.startswith("000_")]
    chunks = chunk_document(doc, size=300, overlap=80)
    assert len(chunks) > len(doc.text) // 300
    for chunk in chunks:
        ends_block = chunk.end == len(doc.text) or doc.text[chunk.end : chunk.end + 1] == "\n"
        assert ends_block or chunk.text[-1] in ".?!”", chunk.text


def test_neighbouring_chunks_share_up_to_overlap_characters() -> None:
    sentences = " ".join(f"Item {n} is on the list." for n in range(60))
    doc = load_bytes("list.txt", f"Inventory\n\n{sentences}".encode(), origin="/x/list.txt")[0]
    chunks = chunk_document(doc, size=100, overlap=40)
    _check_chunks(doc, chunks, 100)
    shared = [a.end - b.start for a, b in itertools.pairwise(chunks)]
    assert all(0 < n <= 40 for n in shared)


def test_repeated_sentences_are_located_at_their_own_place() -> None:
    doc = load_bytes("r.txt", b"Echo\n\n" + b"Same line again. " * 30, origin="/x/r.txt")[0]
    for overlap in (0, 10):
        chunks = chunk_document(doc, size=40, overlap=overlap)
        _check_chunks(doc, chunks, 40)
        assert chunks[-1].end == len(doc.text)


def test_thread_chunks_keep_comments_apart_from_reporting() -> None:
    (doc,) = [d for d in load_paths([SEEDS]).documents if d.source.startswith("003_")]
    chunks = chunk_document(doc)
    _check_chunks(doc, chunks, 500)
    kinds = {chunk.kind for chunk in chunks}
    assert kinds == {PassageKind.ARTICLE, PassageKind.COMMENT}
    bet = [chunk for chunk in chunks if "I'd bet" in chunk.text]
    assert bet and all(chunk.kind is PassageKind.COMMENT for chunk in bet)
    blinken = [chunk for chunk in chunks if "Antony Blinken" in chunk.text]
    assert blinken and all(chunk.kind is PassageKind.ARTICLE for chunk in blinken)
    for chunk in chunks:
        if chunk.kind is PassageKind.ARTICLE:
            assert "So sad." not in chunk.text and "I'd bet" not in chunk.text


def test_chunk_ids_are_stable_across_runs_and_unique() -> None:
    first = [c for d in load_paths([SEEDS]).documents for c in chunk_document(d)]
    second = [c for d in load_paths([SEEDS]).documents for c in chunk_document(d)]
    assert [c.chunk_id for c in first] == [c.chunk_id for c in second]
    assert len({c.chunk_id for c in first}) == len(first)


def test_same_text_in_two_documents_gets_different_chunk_ids() -> None:
    data = b"Short headline\n\nThe same body text in two files."
    one = chunk_document(load_bytes("a.txt", data, origin="/x/a.txt")[0])
    two = chunk_document(load_bytes("b.txt", data, origin="/x/b.txt")[0])
    assert one[0].text == two[0].text and one[0].chunk_id != two[0].chunk_id


@pytest.mark.parametrize(("size", "overlap"), [(0, 0), (-5, 0), (100, 100), (100, -1)])
def test_invalid_sizes_are_refused(size: int, overlap: int) -> None:
    doc = load_bytes("a.txt", b"Some text here.", origin="/x/a.txt")[0]
    with pytest.raises(ValueError):
        chunk_document(doc, size=size, overlap=overlap)


@needs_corpus
def test_bbc_chunks_point_back_into_their_documents() -> None:
    folders = sorted(p for p in (CORPUS / "bbc").iterdir() if p.is_dir())
    paths = [path for folder in folders for path in sorted(folder.glob("*.txt"))[:15]]
    paths.append(CORPUS / "bbc" / "sport" / "199.txt")
    result = load_paths(paths)
    assert result.skipped == [] and len(result.documents) == len(paths)
    for doc in result.documents:
        _check_chunks(doc, chunk_document(doc), 500)


_WORD = st.text(alphabet="abcdefghijklmnopqrstuvwxyzéü", min_size=1, max_size=12)
_SENTENCE = st.builds(
    lambda words, end: " ".join(words).capitalize() + end,
    st.lists(_WORD, min_size=1, max_size=30),
    st.sampled_from([".", "?", "!", "", ","]),
)
_PARAGRAPH = st.builds(
    lambda sentences, joiner: joiner.join(sentences),
    st.lists(_SENTENCE, min_size=1, max_size=8),
    st.sampled_from([" ", "  ", "\n", " \t"]),
)
_TEXT = st.builds(
    lambda paragraphs, joiner: joiner.join(paragraphs),
    st.lists(_PARAGRAPH, min_size=1, max_size=6),
    st.sampled_from(["\n\n", "\n", "\n \n\n"]),
)


@pytest.mark.slow
# derandomize: the same examples on every run, so CI is reproducible; @example pins the text whose
# last paragraph was once never indexed (its "A." found at the earlier copy inside the overlap).
@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(text=_TEXT, size=st.integers(min_value=20, max_value=400), share=st.floats(0.0, 0.5))
@example(text="A a a a a a a. A.\n\nA.", size=20, share=0.5)
def test_chunk_invariants_hold_for_any_text(text: str, size: int, share: float) -> None:
    (doc,) = load_bytes("gen.txt", ("Headline\n\n" + text).encode(), origin="/gen.txt")
    _check_chunks(doc, chunk_document(doc, size=size, overlap=int(size * share)), size)
