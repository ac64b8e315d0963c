"""A scripted ``EngineAPI`` (the service boundary the bot talks to), and spec'd Discord interaction
mocks in the python-discord style.

The fake follows simonw/llm's ``MockModel``: it implements the interface (it does not subclass the
real engine), tests enqueue the results it will return and read back the calls it received. Input
checks are the engine's own functions, so the fake refuses exactly what the engine refuses.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections import deque
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock, create_autospec

import discord
from discord import app_commands

from bot.discord.feedback import FeedbackStore
from bot.discord.services import BotServices
from bot.settings import BotSettings
from retrieval.engine import clean_question
from retrieval.errors import DocumentError
from retrieval.factcheck import CheckedSentence
from retrieval.interfaces import EngineAPI, Engines
from retrieval.models import (
    Answer,
    AnswerSentence,
    Citation,
    DocumentInfo,
    IngestReport,
    Note,
    NoteKind,
    PassageKind,
    SearchFilters,
    SourceDocument,
    Summary,
    SummaryPoint,
    SummaryRequest,
    SummarySource,
    TimelineEntry,
    Turn,
    UnconfirmedItem,
)
from retrieval.stream import AnswerStream
from retrieval.uploads import check_upload, check_upload_bytes


@dataclass
class Call:
    method: str
    args: tuple[Any, ...]
    kwargs: dict[str, Any] = field(default_factory=dict)


class FakeEngine(EngineAPI):
    """Returns what was enqueued, records every call; ``fail_next`` makes the next call raise."""

    def __init__(self, documents: Sequence[DocumentInfo] = ()) -> None:
        self.max_question_chars = 500
        self.max_upload_bytes = 2_000_000
        self.calls: list[Call] = []
        self._answers: deque[tuple[tuple[str, ...], Answer]] = deque()
        self._summaries: deque[Summary] = deque()
        self._documents = list(documents)
        self.ingest_reports: deque[IngestReport] = deque()
        self.fail_next: Exception | None = None
        self.gate: threading.Event | None = None  # when set, stream() waits for it first
        self.lock = threading.Lock()
        self.concurrent = 0
        self.max_concurrent = 0

    def enqueue(self, answer: Answer, drafts: Sequence[str] = ()) -> None:
        self._answers.append((tuple(drafts), answer))

    def enqueue_summary(self, summary: Summary) -> None:
        self._summaries.append(summary)

    def _record(self, method: str, *args: Any, **kwargs: Any) -> None:
        self.calls.append(Call(method, args, kwargs))
        if self.fail_next is not None:
            error, self.fail_next = self.fail_next, None
            raise error

    def check_question(self, question: str) -> str:
        return clean_question(question, max_chars=self.max_question_chars)

    def check_upload(self, name: str, size: int, content_type: str | None) -> None:
        check_upload(name, size, content_type, self.max_upload_bytes)

    def answer(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> Answer:
        self._record("answer", question, history=tuple(history), filters=filters)
        return self._answers.popleft()[1]

    def stream(
        self,
        question: str,
        *,
        history: Sequence[Turn] = (),
        filters: SearchFilters | None = None,
    ) -> AnswerStream:
        self.check_question(question)
        self._record("stream", question, history=tuple(history), filters=filters)
        return AnswerStream(self._produce(*self._answers.popleft()))

    def _produce(self, drafts: tuple[str, ...], answer: Answer) -> Iterator[str | Answer]:
        with self.lock:
            self.concurrent += 1
            self.max_concurrent = max(self.max_concurrent, self.concurrent)
        try:
            if self.gate is not None:
                self.gate.wait(5)
            yield from drafts
            yield answer
        finally:
            with self.lock:
                self.concurrent -= 1

    def summarise(self, request: SummaryRequest) -> Summary:
        self._record("summarise", request)
        return self._summaries.popleft()

    def check(
        self, text: str, *, context: str | None = None, title: str = ""
    ) -> tuple[CheckedSentence, ...]:
        self._record("check", text, context=context, title=title)
        return ()

    def documents(self) -> list[DocumentInfo]:
        self._record("documents")
        return list(self._documents)

    def ensure_documents(self, notify: Callable[[str], None] | None = None) -> None:
        self._record("ensure_documents")

    def ingest_paths(
        self,
        paths: Sequence[Path],
        *,
        prune: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> IngestReport:
        self._record("ingest_paths", tuple(paths), prune=prune)
        return self.ingest_reports.popleft()

    def ingest_bytes(self, name: str, data: bytes) -> IngestReport:
        check_upload_bytes(data, self.max_upload_bytes)
        self._record("ingest_bytes", name, data)
        return self.ingest_reports.popleft()

    def ingest_url(self, url: str) -> IngestReport:
        self._record("ingest_url", url)
        return self.ingest_reports.popleft()

    def find_document(self, name: str, *, removable: bool = False) -> DocumentInfo:
        self._record("find_document", name)
        found = [d for d in self._documents if name in (d.source, d.title, d.doc_id)]
        if len(found) != 1:
            raise DocumentError(f"“{name}” names {len(found)} documents.")
        return found[0]

    def remove_document(self, name: str) -> DocumentInfo:
        self._record("remove_document", name)
        doc = self.find_document(name)
        self._documents = [d for d in self._documents if d.doc_id != doc.doc_id]
        return doc

    def source_document(self, doc_id: str) -> SourceDocument:
        self._record("source_document", doc_id)
        for doc in self._documents:
            if doc.doc_id == doc_id:
                return SourceDocument(doc, "", ())
        raise DocumentError(f"No document has the id {doc_id}.")

    def calls_to(self, method: str) -> list[Call]:
        return [c for c in self.calls if c.method == method]


# --- sample values -------------------------------------------------------------------------------


def citation(n: int, *, url: str | None = "https://example.org/a", **kw: Any) -> Citation:
    values: dict[str, Any] = {
        "document": f"doc{n}.txt",
        "title": f"Title {n}",
        "date": dt.date(2023, 11, 9),
        "quote": f"Passage {n} says **something** important.",
        "start": 0,
        "end": 40,
    }
    values.update(kw)
    return Citation(n=n, url=url, **values)


def sample_answer(question: str = "What happened?", **kw: Any) -> Answer:
    values: dict[str, Any] = {
        "text": "North Korea sent artillery to Russia [1]. A reader thinks it is a bluff [2].",
        "abstained": False,
        "citations": (
            citation(1, url="https://example.org/artillery"),
            citation(2, url=None, kind=PassageKind.COMMENT, title="Comments"),
        ),
        "notes": (
            Note(NoteKind.UNCONFIRMED, "The transfer was reported by one US official.", (1,)),
            Note(NoteKind.OPINION, "This is a reader's comment, not reporting.", (2,)),
        ),
        "sentences": (
            AnswerSentence("North Korea sent artillery to Russia [1].", (1,)),
            AnswerSentence("A reader thinks it is a bluff [2].", (2,)),
        ),
        "answer_id": "0123456789abcdef",
    }
    values.update(kw)
    return Answer(question=question, **values)


def abstention(question: str = "Who won the cup?") -> Answer:
    return Answer(question=question, text="", abstained=True, answer_id="fedcba9876543210")


def sample_summary(**kw: Any) -> Summary:
    values: dict[str, Any] = {
        "headline": "North Korea and Russia draw closer",
        "points": (
            SummaryPoint("Kim and Putin met at a rare summit.", (1,)),
            SummaryPoint("Artillery was reportedly moved to Russia.", (2,)),
        ),
        "unconfirmed": (
            UnconfirmedItem(
                "North Korea may have asked for space technology.", NoteKind.UNCONFIRMED, (1,)
            ),
        ),
        "timeline": (TimelineEntry(dt.date(2023, 9, 13), "Summit at Vostochny.", (1,)),),
        "sources": (
            SummarySource(
                1, "doc1.txt", "Summit report", "https://example.org/summit", dt.date(2023, 9, 14)
            ),
            SummarySource(2, "doc2.txt", "Artillery report", None, None),
        ),
    }
    values.update(kw)
    return Summary(**values)


def document_info(source: str, title: str, day: int = 1) -> DocumentInfo:
    return DocumentInfo(
        doc_id=source,
        source=source,
        title=title,
        url=None,
        date=dt.date(2023, 11, day),
        chunks=3,
        origin=f"/docs/{source}",
    )


# --- Discord mocks -------------------------------------------------------------------------------


def make_settings(**overrides: Any) -> BotSettings:
    return BotSettings(_env_file=None, **overrides)  # type: ignore[call-arg]


def make_services(
    tmp_path: Path, engine: EngineAPI | Engines | None = None, **settings: Any
) -> BotServices:
    settings.setdefault("newsbot_feedback_db", tmp_path / "feedback.sqlite3")
    config = make_settings(**settings)
    engine = engine or FakeEngine()
    if isinstance(engine, FakeEngine):  # the limits the real engine would get from the settings
        engine.max_question_chars = config.newsbot_max_question_chars
        engine.max_upload_bytes = config.newsbot_max_upload_bytes
    services = BotServices.create(config, engine, FeedbackStore(config.newsbot_feedback_db))
    services.draft_interval = 0.0
    return services


def make_user(
    user_id: int = 42, *, roles: Sequence[discord.Role] = (), bot: bool = False
) -> MagicMock:
    user = MagicMock(spec=discord.Member)
    user.id = user_id
    user.bot = bot
    user.roles = list(roles)
    user.mention = f"<@{user_id}>"
    user.__str__.return_value = f"user{user_id}"  # type: ignore[attr-defined]
    return user


def make_role(role_id: int, name: str) -> MagicMock:
    role = MagicMock(spec=discord.Role)
    role.id = role_id
    role.name = name
    return role


def make_interaction(
    services: BotServices | None = None,
    *,
    user: MagicMock | None = None,
    manage_messages: bool = False,
    in_guild: bool = True,
    guild_id: int = 7,
    channel_id: int = 4242,
    interaction_id: int = 555_000_111,
) -> MagicMock:
    """A spec'd interaction whose ``mock_calls`` record, in order, everything sent through it."""
    interaction = MagicMock(spec=discord.Interaction)
    interaction.id = interaction_id
    interaction.user = user or make_user()
    interaction.permissions = discord.Permissions(manage_messages=manage_messages)
    if in_guild:
        guild = MagicMock(spec=discord.Guild)
        guild.id = guild_id
        interaction.guild = guild
        interaction.guild_id = guild_id
    else:
        interaction.guild = None
        interaction.guild_id = None
    # Autospecs: a call with an argument the real method does not take fails the test.
    response = create_autospec(discord.InteractionResponse, instance=True)
    # Done once the interaction was answered or deferred, as on Discord.
    response.is_done.side_effect = lambda: bool(
        response.defer.await_count or response.send_message.await_count
    )
    interaction.attach_mock(response, "response")
    interaction.attach_mock(create_autospec(discord.Webhook, instance=True), "followup")
    interaction.attach_mock(
        create_autospec(discord.Interaction, instance=True).edit_original_response,
        "edit_original_response",
    )
    interaction.attach_mock(create_autospec(discord.TextChannel, instance=True), "channel")
    interaction.channel.id = channel_id
    client = MagicMock()
    client.services = services
    interaction.client = client
    return interaction


def sent_kwargs(mock: MagicMock) -> list[dict[str, Any]]:
    """Keyword arguments of every call made through ``mock`` and its children."""
    return [dict(c.kwargs) for c in mock.mock_calls if c.kwargs]


def call_names(mock: MagicMock) -> list[str]:
    return [c[0] for c in mock.mock_calls]


def pings_nobody(mentions: object) -> bool:
    """True for ``AllowedMentions.none()`` (the class has no equality of its own)."""
    return isinstance(mentions, discord.AllowedMentions) and not any(
        (mentions.everyone, mentions.users, mentions.roles, mentions.replied_user)
    )


async def invoke(command: Any, cog: object, interaction: Any, **options: Any) -> None:
    """Run an app command as discord.py's command tree does: the checks (the cog's
    ``interaction_check``), the callback with ``options``, and on failure the error handlers (the
    cog's ``cog_app_command_error``). Typed loosely: discord.py's decorator types do not describe
    the bound command."""
    assert getattr(command, "binding", None) is cog, "pass the cog's own (bound) command"
    interaction.command = command
    try:
        if not await command._check_can_run(interaction):
            raise app_commands.CheckFailure(f"the checks of {command.name!r} failed")
        await command._do_call(interaction, options)
    except app_commands.AppCommandError as error:
        await command._invoke_error_handlers(interaction, error)


def shown_text(interaction: MagicMock) -> str:
    """Everything the member was shown through ``interaction``, as plain text."""
    parts: list[str] = []
    for call in interaction.mock_calls:
        parts.extend(str(a) for a in call.args if isinstance(a, str))
        content = call.kwargs.get("content")
        if isinstance(content, str):
            parts.append(content)
        embeds = list(call.kwargs.get("embeds") or [])
        if call.kwargs.get("embed") is not None:
            embeds.append(call.kwargs["embed"])
        parts.extend(e.description or "" for e in embeds if isinstance(e, discord.Embed))
    return "\n".join(parts)
