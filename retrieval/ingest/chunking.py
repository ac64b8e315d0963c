"""Documents to stored chunks.

Chunks are cut per block, so a passage is never half reporting and half reader comment, and they break
preferably at paragraphs, then lines, then sentence ends, so a quoted passage reads as whole sentences.
Offsets point into ``Document.text`` so a citation can show exactly where its quote sits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from retrieval.ingest.hashing import chunk_id_for
from retrieval.models import Chunk, Document

if TYPE_CHECKING:
    from langchain_text_splitters import RecursiveCharacterTextSplitter

SEPARATORS = ["\n\n", "\n", ". ", "? ", "! ", "; ", " ", ""]


def make_splitter(size: int, overlap: int) -> RecursiveCharacterTextSplitter:
    if size <= 0:
        raise ValueError("chunk size must be positive")
    if not 0 <= overlap < size:
        raise ValueError("chunk overlap must be at least 0 and smaller than the chunk size")
    # Imported on first use: langchain-core's import chain (~0.4 s) is not needed to answer.
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    return RecursiveCharacterTextSplitter(
        chunk_size=size,
        chunk_overlap=overlap,
        separators=SEPARATORS,
        keep_separator="end",  # a sentence keeps its full stop; the next chunk starts on a word
        strip_whitespace=True,
    )


def _pieces_with_offsets(text: str, pieces: list[str], overlap: int) -> list[tuple[int, str]]:
    """Locate each piece in ``text``.

    A piece starts after the previous one, at most ``overlap`` characters before the previous one
    ends (the splitter carries over no more than that), and reaches past it (every piece the
    splitter emits covers new text). So a repeated sentence is found at its own place, not at an
    earlier copy inside the overlap: "A." after "A a a. A." is the later "A.", or the text after
    it would never be indexed.
    """
    located: list[tuple[int, str]] = []
    previous_start, previous_end = -1, 0
    for piece in pieces:
        earliest = previous_start + 1
        start = _find_reaching(text, piece, max(earliest, previous_end - overlap), previous_end)
        if start < 0:
            start = text.find(piece, earliest)
        if start < 0:  # the splitter only trims whitespace, so this would be a bug in it
            raise ValueError("chunk text not found in its block")
        located.append((start, piece))
        previous_start, previous_end = start, start + len(piece)
    return located


def _find_reaching(text: str, piece: str, lo: int, previous_end: int) -> int:
    """The first place at or after ``lo`` where ``piece`` ends past ``previous_end``, or -1."""
    start = text.find(piece, lo)
    while start >= 0 and start + len(piece) <= previous_end:
        start = text.find(piece, start + 1)
    return start


def chunk_document(doc: Document, *, size: int = 500, overlap: int = 80) -> list[Chunk]:
    """Split a document into chunks of at most ``size`` characters, ``overlap`` shared between them."""
    splitter = make_splitter(size, overlap)
    chunks: list[Chunk] = []
    for block in doc.blocks:
        for offset, piece in _pieces_with_offsets(
            block.text, splitter.split_text(block.text), overlap
        ):
            start = block.start + offset
            position = len(chunks)
            chunks.append(
                Chunk(
                    chunk_id=chunk_id_for(
                        doc_id=doc.doc_id, position=position, start=start, text=piece
                    ),
                    doc_id=doc.doc_id,
                    source=doc.source,
                    title=doc.title,
                    url=doc.url,
                    date=doc.date,
                    text=piece,
                    kind=block.kind,
                    position=position,
                    start=start,
                    end=start + len(piece),
                )
            )
    return chunks
