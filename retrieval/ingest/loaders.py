"""Files and uploads to cleaned Documents.

Loading a folder must not stop at one bad file: every problem becomes a (name, reason) pair in
``LoadResult.skipped`` so the ingest summary can name it, and the rest of the collection still loads.
Uploads are different: a moderator uploads one file and wants to know at once why it was refused, so
``load_bytes`` raises ``LoadError``.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from retrieval.ingest.cleaning import build_blocks, normalise, strip_boilerplate
from retrieval.ingest.dates import parse_date, split_date_prefix
from retrieval.ingest.decode import NotText, decode_text, gunzip, is_gzip
from retrieval.ingest.frontmatter import split_front_matter, text_field
from retrieval.ingest.hashing import content_hash_for, doc_id_for
from retrieval.ingest.html import decode_html, extract_article
from retrieval.ingest.titles import looks_like_headline, shorten, tidy_title, title_from_text
from retrieval.models import Document
from retrieval.safety import strip_controls, web_url

_log = logging.getLogger(__name__)

_BASE_SUFFIXES = (".txt", ".md", ".markdown", ".html", ".htm", ".jsonl")
SUPPORTED_SUFFIXES: frozenset[str] = frozenset(
    [*_BASE_SUFFIXES, *(suffix + ".gz" for suffix in _BASE_SUFFIXES)]
)
_JSONL_TEXT_FIELDS = (
    "text",
    "body",
    "content",
)  # "body" lets Reuters-21578 records load as they are


class LoadError(Exception):
    """A file that cannot be loaded; the message names the file and the reason."""


class Refused(Exception):
    """A reason without a name; ``parse_bytes`` adds the file name when it becomes a LoadError."""


@dataclass(frozen=True)
class LoadResult:
    documents: list[Document]
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (name, reason)


@dataclass(frozen=True)
class Raw:
    """A document's text and metadata as the format gave them, before cleaning."""

    text: str
    source: str
    origin: str
    title: str | None = None
    url: str | None = None
    date: dt.date | None = None
    headline_first: bool = False  # plain text: a short first line is the headline


def suffix_of(name: str) -> str:
    """``.txt``, or ``.txt.gz`` for a compressed file: the format-deciding part of a name."""
    lower = name.lower()
    for suffix in SUPPORTED_SUFFIXES:
        if lower.endswith(suffix) and suffix.endswith(".gz"):
            return suffix
    return Path(lower).suffix


def is_supported(name: str) -> bool:
    return suffix_of(name) in SUPPORTED_SUFFIXES


def iter_files(paths: Sequence[Path], refused: list[tuple[str, str]] | None = None) -> list[Path]:
    """The files ``named_files`` finds, without their names."""
    return [file for file, _ in named_files(paths, refused)]


def named_files(
    paths: Sequence[Path], refused: list[tuple[str, str]] | None = None
) -> list[tuple[Path, str]]:
    """Expand folders (recursively, sorted) into supported files; explicit files are kept as given.

    An explicitly named file of an unsupported type is kept so that ``load_paths`` can report it;
    inside folders such files are passed over silently (folders hold READMEs and licences). A link
    inside a folder that leads out of it (``news/passwd.txt -> /etc/passwd``) is not followed: it
    goes to ``refused`` with its reason. Naming a file yourself is consent; finding it is not.

    Each file comes with the name its document is known by: its path inside the folder given
    (``business/001.txt``), or its file name when given itself. BBC has 513 names for 2,225 files:
    by bare file name, removing "001.txt" removed five articles.
    """
    files: list[tuple[Path, str]] = []
    seen: set[Path] = set()  # a file named twice (or inside a folder also given) loads once
    for path in paths:
        if path.is_dir():
            root = path.resolve()
            found: list[tuple[Path, str]] = []
            for p in sorted(path.rglob("*")):
                if not (p.is_file() and is_supported(p.name)):
                    continue
                if not p.resolve().is_relative_to(root):
                    if refused is not None:
                        refused.append((str(p), "a link that leads out of the folder"))
                    continue
                found.append((p, p.relative_to(path).as_posix()))
        else:
            found = [(path, path.name)]
        for file, name in found:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                files.append((file, name))
    return files


def load_paths(paths: Sequence[Path], *, max_file_bytes: int | None = None) -> LoadResult:
    """Load every file under ``paths``; one bad file is skipped with its reason, never fatal.

    A file over ``max_file_bytes`` is skipped before it is read: one 50 MB text file once took
    3 GB and minutes, for a document nobody can be answered from.
    """
    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    for path, document_name in named_files(paths, skipped):
        name = str(path)
        if not is_supported(path.name):
            skipped.append((name, f"unsupported file type {suffix_of(path.name) or '(none)'}"))
            continue
        try:
            size = path.stat().st_size
            if max_file_bytes is not None and size > max_file_bytes:
                skipped.append(
                    (
                        name,
                        f"too large ({_size(size)}; NEWSBOT_MAX_INGEST_BYTES is "
                        f"{_size(max_file_bytes)})",
                    )
                )
                continue
            data = path.read_bytes()
        except OSError as error:
            reason = "not found" if isinstance(error, FileNotFoundError) else "unreadable"
            skipped.append((name, f"{reason}: {error.strerror or error}"))
            continue
        try:
            result = parse_bytes(document_name, data, origin=str(path.resolve()))
        except LoadError as error:
            skipped.append((name, _reason(error, document_name)))
            continue
        documents.extend(result.documents)
        skipped.extend(
            (f"{name}{label[len(document_name) :]}", why) for label, why in result.skipped
        )
    return LoadResult(documents, skipped)


def _size(n: int) -> str:
    return f"{n / 1e6:.1f} MB" if n >= 1_000_000 else f"{n / 1e3:.0f} kB"


def load_bytes(name: str, data: bytes, *, origin: str) -> list[Document]:
    """Load an upload; raises LoadError when nothing in it can be loaded."""
    return parse_bytes(name, data, origin=origin).documents


def parse_bytes(name: str, data: bytes, *, origin: str) -> LoadResult:
    """Like ``load_bytes`` but also returns the JSONL lines that were skipped, with their reasons."""
    suffix = suffix_of(name)
    if suffix not in SUPPORTED_SUFFIXES:
        supported = ", ".join(sorted(_BASE_SUFFIXES))
        raise LoadError(f"{name}: unsupported file type {suffix or '(none)'} (use {supported})")
    if not data.strip():
        raise LoadError(f"{name}: empty")
    try:
        if suffix.endswith(".gz"):
            if not is_gzip(data):
                raise NotText("not gzip data")
            data = gunzip(data)
            suffix = suffix[: -len(".gz")]
            if not data.strip():
                raise Refused("empty")
        if suffix == ".jsonl":
            result = _load_jsonl(name, decode_text(data), origin)
        else:
            document = build_document(read_raw(name, suffix, data, origin))
            result = LoadResult([document], [])
    except (NotText, Refused) as error:
        raise LoadError(f"{name}: {error}") from error
    if not result.documents:
        reason = "no loadable lines" if suffix == ".jsonl" else "empty"
        raise LoadError(f"{name}: {reason}")
    return result


def _reason(error: LoadError, name: str) -> str:
    message = str(error)
    prefix = f"{name}: "
    return message[len(prefix) :] if message.startswith(prefix) else message


def read_raw(name: str, suffix: str, data: bytes, origin: str) -> Raw:
    if suffix in (".html", ".htm"):
        article = extract_article(decode_html(data))
        return Raw(
            text=article.text,
            source=name,
            origin=origin,
            title=article.title,
            url=article.url,
            date=article.date,
        )
    text = decode_text(data)
    if not text.strip():
        raise Refused("empty")
    if suffix in (".md", ".markdown"):
        return _markdown(name, text, origin)
    date, body = split_date_prefix(text)
    return Raw(text=body, source=name, origin=origin, date=date, headline_first=True)


def _markdown(name: str, text: str, origin: str) -> Raw:
    front = split_front_matter(text)
    date = parse_date(front.fields.get("date"))
    if date is None and front.fields.get("date") not in (None, ""):
        _warn_unreadable_dates(name, [front.fields.get("date")])
    body = front.body
    if date is None and "date" not in front.fields:
        date, body = split_date_prefix(body)
    title = text_field(front.fields, "title")
    lines = body.lstrip("\n").split("\n")
    if title is None and lines and lines[0].startswith("# "):
        title = lines[0][2:].strip()
        lines = lines[1:]
    # Heading markers are layout, not words; the heading text itself stays in the body.
    body = "\n".join(line.lstrip("#").strip() if line.startswith("#") else line for line in lines)
    return Raw(
        text=body,
        source=text_field(front.fields, "source") or name,
        origin=origin,
        title=title,
        url=text_field(front.fields, "url"),
        date=date,
        headline_first=title is None,
    )


def _load_jsonl(name: str, text: str, origin: str) -> LoadResult:
    documents: list[Document] = []
    skipped: list[tuple[str, str]] = []
    unreadable: list[object] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        label = f"{name}:{number}"
        try:
            record = json.loads(line)
        except json.JSONDecodeError as error:
            skipped.append((label, f"invalid JSON ({error.msg})"))
            continue
        if not isinstance(record, dict):
            skipped.append((label, "not a JSON object"))
            continue
        try:
            raw = _jsonl_record(record, name, origin, number)
            documents.append(build_document(raw))
        except Refused as error:
            skipped.append((label, str(error)))
            continue
        if raw.date is None and record.get("date") not in (None, ""):
            unreadable.append(record.get("date"))
    if unreadable:
        _warn_unreadable_dates(name, unreadable)
    return LoadResult(documents, skipped)


def _warn_unreadable_dates(name: str, values: Sequence[object]) -> None:
    """One line per file: a feed with a thousand odd dates should not print a thousand lines."""
    count = f"{len(values)} date fields" if len(values) > 1 else "a date field"
    _log.warning(
        "%s: %s could not be read as a date (e.g. %r); those documents are undated",
        name,
        count,
        str(values[0])[:60],
    )


def _jsonl_record(record: dict[str, Any], name: str, origin: str, number: int) -> Raw:
    body = next(
        (record[key] for key in _JSONL_TEXT_FIELDS if isinstance(record.get(key), str)), None
    )
    if body is None or not body.strip():
        raise Refused("no text")
    source = record.get("source")
    url = record.get("url")
    title = record.get("title")
    return Raw(
        text=body,
        source=source.strip() if isinstance(source, str) and source.strip() else f"{name}#{number}",
        origin=f"{origin}#{number}",
        title=title if isinstance(title, str) and title.strip() else None,
        url=url.strip() if isinstance(url, str) and url.strip() else None,
        date=parse_date(record.get("date")),
    )


def build_document(raw: Raw) -> Document:
    """Clean, title and hash one document."""
    cleaned = strip_boilerplate(normalise(strip_controls(raw.text)))
    lines = list(cleaned.lines)
    footer_at = cleaned.footer_at
    title = tidy_title(strip_controls(raw.title)) if raw.title else ""
    url = web_url(raw.url)  # http(s) only, inert in markdown; anything else is no link at all
    if not title and raw.headline_first and len(lines) > 1 and looks_like_headline(lines[0].text):
        title = lines.pop(0).text
        footer_at = None if footer_at is None else max(footer_at - 1, 0)
    text, blocks = build_blocks(lines, footer_at)
    if not text:
        raise Refused("no text left after cleaning")
    title = shorten(title, 200) if title else (title_from_text(text) or raw.source)
    return Document(
        doc_id=doc_id_for(raw.origin),
        source=raw.source,
        title=title,
        url=url,
        date=raw.date,
        text=text,
        blocks=blocks,
        origin=raw.origin,
        content_hash=content_hash_for(
            text=text, title=title, url=url, date=raw.date, blocks=blocks, source=raw.source
        ),
    )
