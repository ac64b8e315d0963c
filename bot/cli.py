"""The ``newsbot`` command line: ingest, ask, summary, check, remove, documents and run.

Results go to stdout (plain JSON with ``--json``, so scripts can read it); progress and notices go to
stderr. The engine is built here from settings, once per invocation.
"""

from __future__ import annotations

import json
import logging
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.check_lines import run_check
from bot.cli_common import (
    DateOption,
    JsonOption,
    ServerOption,
    StoreOption,
    engine_for,
    fail,
    settings_for,
)
from bot.cli_feeds import feeds_app
from bot.cli_service import run, serve
from bot.discord.feedback import FeedbackStore, feedback_to_json  # plain SQLite, no discord
from bot.terminal import (
    print_documents,
    render_summary,
    shown,
    stream_to_terminal,
)
from retrieval.contract import (
    answer_to_json,
    document_to_json,
    refusal_to_json,
    summary_to_json,
)
from retrieval.errors import DocumentError, FetchError, NewsbotError, QuestionError, StoreError
from retrieval.interfaces import EngineAPI
from retrieval.models import IngestReport, SearchFilters, SummaryKind, SummaryRequest

app = typer.Typer(
    help="newsbot: sourced, claim-checked answers about a collection of news documents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def main_options(
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Log more detail.")] = False,
) -> None:
    # force: wordllama configures the root logger when imported; its handler would print bm25s's
    # debug messages into our stderr.
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
        force=True,
    )
    for noisy in ("bm25s", "chromadb", "httpx", "wordllama"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


@app.command()
def ingest(
    targets: Annotated[
        list[str], typer.Argument(help="Files, folders or http(s) addresses of web pages.")
    ],
    prune: Annotated[
        bool, typer.Option("--prune", help="Also remove documents whose files are gone.")
    ] = False,
    store: StoreOption = None,
    server: ServerOption = None,
) -> None:
    """Ingest .txt, .md, .html/.htm (also .gz) and .jsonl files, and web pages, into the store."""
    err = Console(stderr=True)
    engine = engine_for(settings_for(store), server)
    columns = (TextColumn("ingesting"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=err, transient=True, disable=not err.is_terminal) as bar:
        task = bar.add_task("ingest", total=None)

        def progress(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        urls = [t for t in targets if t.lower().startswith(("http://", "https://"))]
        paths = [Path(t) for t in targets if t not in urls]
        try:
            report = engine.ingest_paths(paths, prune=prune, progress=progress)
            for url in urls:
                report += _fetched(engine, url)
        except NewsbotError as exc:  # the store is another process's to write, or is down
            fail(str(exc), 1)
    for name, reason in report.skipped:
        err.print(f"[yellow]skipped[/] {shown(name)}: {shown(reason)}", highlight=False)
    err.print(
        f"{report.documents} documents ({report.added} new or changed, {report.unchanged} "
        f"unchanged), {report.chunks} chunks, {len(report.skipped)} skipped, "
        f"{report.removed} removed, {report.seconds:.1f} s",
        highlight=False,
    )
    if report.documents == 0:
        # Nothing it was given could be read: a cron job or a script must hear about it.
        why = "every path was skipped" if report.skipped else "no supported files were found"
        err.print(f"[bold red]error:[/] nothing was ingested: {why}", highlight=False)
        raise typer.Exit(1)


def _fetched(engine: EngineAPI, url: str) -> IngestReport:
    """One web page ingested; a page that cannot be fetched is skipped with the reason."""
    try:
        return engine.ingest_url(url)
    except FetchError as exc:
        return IngestReport(documents=0, skipped=((url, str(exc)),))


@app.command()
def ask(
    question: Annotated[str, typer.Argument(help="The question, or - to read one per line.")],
    as_json: JsonOption = False,
    since: DateOption = None,
    until: DateOption = None,
    document: Annotated[
        list[str] | None, typer.Option("--document", help="Only this document (repeatable).")
    ] = None,
    store: StoreOption = None,
) -> None:
    """Answer a question from the documents, with numbered sources and notes."""
    err = Console(stderr=True)
    settings = settings_for(store)
    engine = engine_for(settings)
    engine.ensure_documents(notify=lambda message: err.print(message, highlight=False))
    filters = SearchFilters(
        since=since.date() if since else None,
        until=until.date() if until else None,
        documents=tuple(document or ()),
    )
    questions = _read_questions(question)
    out = Console(highlight=False)
    failed = False
    for text in questions:
        try:
            if as_json:
                answer = engine.answer(text, filters=filters)
                sys.stdout.write(json.dumps(answer_to_json(answer), ensure_ascii=False) + "\n")
                sys.stdout.flush()
            else:
                stream_to_terminal(engine, text, filters, out)
        except (QuestionError, StoreError) as exc:  # this question fails; the batch goes on
            failed = True
            if as_json:
                asked = exc.question if isinstance(exc, QuestionError) and exc.question else text
                sys.stdout.write(json.dumps(refusal_to_json(asked, str(exc))) + "\n")
            else:
                err.print(f"[yellow]{exc}[/]", highlight=False)
        except NewsbotError as exc:
            fail(str(exc))
    if failed and question != "-":
        raise typer.Exit(1)


def _read_questions(question: str) -> Iterator[str]:
    if question != "-":
        yield question
        return
    for line in sys.stdin:
        if line.strip():
            yield line.rstrip("\n")


@app.command()
def summary(
    topic: Annotated[str | None, typer.Argument(help="What to summarise.")] = None,
    document: Annotated[
        str | None, typer.Option("--document", help="Summarise one document (name or title).")
    ] = None,
    latest: Annotated[
        int | None, typer.Option("--latest", help="Summarise what is dated in the last N days.")
    ] = None,
    since: DateOption = None,
    until: DateOption = None,
    as_json: JsonOption = False,
    store: StoreOption = None,
) -> None:
    """Brief on a topic, one document, or the latest N days: key points, caveats, timeline."""
    err = Console(stderr=True)
    chosen = [x is not None for x in (topic, document, latest)]
    if sum(chosen) != 1:
        fail("give exactly one of: a TOPIC, --document NAME, or --latest DAYS")
    if latest is not None and latest < 1:
        fail("--latest needs a number of days of at least 1")
    engine = engine_for(settings_for(store))
    engine.ensure_documents(notify=lambda message: err.print(message, highlight=False))
    kind = SummaryKind.TOPIC if topic else SummaryKind.DOCUMENT if document else SummaryKind.LATEST
    request = SummaryRequest(
        kind=kind,
        query=topic or "",
        document=document or "",
        days=latest or 7,
        since=since.date() if since else None,
        until=until.date() if until else None,
    )
    result = engine.summarise(request)
    if as_json:
        sys.stdout.write(json.dumps(summary_to_json(result), ensure_ascii=False) + "\n")
    else:
        Console(highlight=False).print(render_summary(result))


@app.command()
def check(
    text: Annotated[str, typer.Argument(help="The text to check, or - to read it from stdin.")],
    as_json: Annotated[
        bool,
        typer.Option(
            "--json", help='Print JSON; with -, read JSON lines {"text", "context", "title"}.'
        ),
    ] = False,
    store: StoreOption = None,
) -> None:
    """Check a pasted text sentence by sentence: fact, hedged or opinion, and what the documents say."""
    err = Console(stderr=True)
    engine = engine_for(settings_for(store))
    engine.ensure_documents(notify=lambda message: err.print(message, highlight=False))
    try:
        code = run_check(engine, text, as_json=as_json, out=Console(highlight=False), err=err)
    except NewsbotError as exc:
        fail(str(exc))
    raise typer.Exit(code)


@app.command()
def remove(
    document: Annotated[str, typer.Argument(help="Its name as `documents` lists it, title or id.")],
    store: StoreOption = None,
    server: ServerOption = None,
) -> None:
    """Remove exactly one document; a name several documents share is refused, listing them."""
    try:
        doc = engine_for(settings_for(store), server).remove_document(document)
    except DocumentError as exc:
        Console(stderr=True).print(f"[yellow]{escape(str(exc))}[/]", highlight=False)
        raise typer.Exit(1) from None
    except NewsbotError as exc:
        fail(str(exc))
    title = f" “{shown(doc.title)}”" if doc.title and doc.title != doc.source else ""
    Console(highlight=False).print(f"Removed {shown(doc.source)}{title} ({doc.chunks} passages).")


@app.command()
def documents(
    as_json: JsonOption = False, store: StoreOption = None, server: ServerOption = None
) -> None:
    """List the documents in the store (with --server, those a Discord server's members see)."""
    docs = engine_for(settings_for(store), server).documents()
    if as_json:
        rows = [document_to_json(d) for d in docs]
        sys.stdout.write(json.dumps(rows, ensure_ascii=False) + "\n")
        return
    print_documents(docs, Console(highlight=False), Console(stderr=True))


@app.command()
def feedback(
    as_json: JsonOption = False,
    server: ServerOption = None,
    limit: Annotated[int, typer.Option(min=1, max=1000, help="How many answers to list.")] = 10,
) -> None:
    """How members rated the bot's answers (👍/👎): totals, then the worst-rated answers."""
    path = settings_for(None).newsbot_feedback_db
    if not path.exists():
        fail(
            f"There is no feedback file at {path} (NEWSBOT_FEEDBACK_DB): the bot has not run here.",
            1,
        )
    report = FeedbackStore(path).ratings(server, limit=limit)
    if as_json:
        sys.stdout.write(json.dumps(feedback_to_json(report), ensure_ascii=False) + "\n")
        return
    out = Console(highlight=False)
    out.print(f"{report.up} 👍, {report.down} 👎 over {report.answers} rated answers")
    for r in report.worst:
        out.print(f"\n👍 {r.up} 👎 {r.down}  {shown(r.question)}", style="bold")
        out.print(f"  {shown(' '.join(r.answer.split()))}")


app.command()(run)
app.command()(serve)
app.add_typer(feeds_app, name="feeds")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
