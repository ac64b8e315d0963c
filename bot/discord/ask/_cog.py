"""Members' questions: ``/ask``, and mentions of the bot (answered in a thread, with context)."""

from __future__ import annotations

import asyncio
import logging
import math
from collections.abc import Awaitable, Callable, Sequence
from typing import Any, Literal

import discord
from discord import app_commands
from discord.ext import commands

from bot.discord.ask.render import answer_messages, draft_embed
from bot.discord.ask.streaming import collect_stream
from bot.discord.ask.threads import strip_mentions, turns_from_history
from bot.discord.ask.views import answer_view
from bot.discord.embeds import Messages, error_embed, notice_messages
from bot.discord.errors import NewsbotCog, Refused
from bot.discord.services import NO_MENTIONS, BotServices, DiscordBot
from bot.discord.textsplit import shorten
from retrieval.answer.citations import answer_id as compute_answer_id
from retrieval.errors import NewsbotError, QuestionError
from retrieval.interfaces import EngineAPI
from retrieval.models import Answer, Turn

log = logging.getLogger(__name__)

THREAD_ARCHIVE_MINUTES: Literal[60, 1440, 4320, 10080] = 1440
HISTORY_MESSAGES = 30


def cooldown_text(seconds: float) -> str:
    return f"You're asking a little fast. Please try again in {max(1, math.ceil(seconds))} s."


class AskCog(NewsbotCog):
    """Turns questions into ``EngineAPI.stream`` calls and answers into embeds; nothing else."""

    def __init__(self, bot: DiscordBot, services: BotServices) -> None:
        self.bot = bot
        self.services = services

    # --- shared ----------------------------------------------------------------------------------

    async def interaction_check(self, interaction: discord.Interaction, /) -> bool:
        """/ask answers only where ``NEWSBOT_ALLOWED_CHANNEL_IDS`` lets the bot answer."""
        refusal = self.services.answering_refusal(interaction.channel, interaction.guild)
        if refusal:
            raise Refused(refusal)
        return True

    async def _answer(
        self,
        engine: EngineAPI,
        question: str,
        history: Sequence[Turn],
        on_draft: Callable[[str], Awaitable[None]],
    ) -> Answer:
        async with self.services.in_flight.slot():
            return await collect_stream(
                lambda: engine.stream(question, history=history),
                on_draft,
                interval=self.services.draft_interval,
            )

    async def _prepare(
        self, answer: Answer, community: int | None
    ) -> tuple[Messages, discord.ui.View]:
        """Render, and remember the answer so its buttons work after a restart."""
        answer_id = answer.answer_id or compute_answer_id(answer.question, answer.text)
        store = self.services.store
        await asyncio.to_thread(store.remember_answer, answer, answer_id, community)
        view = answer_view(answer_id, has_sources=bool(answer.citations))
        return answer_messages(answer), view

    # --- /ask ------------------------------------------------------------------------------------

    @app_commands.command(name="ask", description="Ask a question about the news collection")
    @app_commands.describe(question="What you want to know, e.g. What did Kim and Putin agree?")
    async def ask(self, interaction: discord.Interaction, question: str) -> None:
        # Refusals (QuestionError) go to cog_app_command_error, ephemerally, before any deferral.
        engine = self.services.engine_for(interaction.guild_id)
        engine.check_question(question)
        wait = self.services.cooldowns.retry_after(interaction.user.id)
        if wait > 0:
            await interaction.response.send_message(
                cooldown_text(wait), ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        await interaction.response.defer(thinking=True)
        question = question.strip()

        async def on_draft(draft: str) -> None:
            await interaction.edit_original_response(
                embeds=[draft_embed(question, draft)], allowed_mentions=NO_MENTIONS
            )

        answer = await self._answer(engine, question, (), on_draft)
        messages, view = await self._prepare(answer, interaction.guild_id)
        last = len(messages) - 1
        await interaction.edit_original_response(
            content=None,
            embeds=messages[0],
            view=view if last == 0 else None,
            allowed_mentions=NO_MENTIONS,
        )
        for i, embeds in enumerate(messages[1:], start=1):
            extra: dict[str, Any] = {"view": view} if i == last else {}
            await interaction.followup.send(embeds=embeds, allowed_mentions=NO_MENTIONS, **extra)

    # --- mentions and threads --------------------------------------------------------------------

    @commands.Cog.listener()
    async def on_message(self, message: discord.Message) -> None:
        me = self.bot.user
        if me is None or message.author.bot or message.author.id == me.id:
            return
        guild = message.guild
        if guild is None:
            return
        channel = message.channel
        own_thread = isinstance(channel, discord.Thread) and channel.owner_id == me.id
        role_ids = [guild.self_role.id] if guild.self_role else []
        mentioned = any(u.id == me.id for u in message.mentions) or any(
            r.id in role_ids for r in message.role_mentions
        )
        if not (mentioned or own_thread):
            return
        question = strip_mentions(message.content, me.id, role_ids)
        if not mentioned and not question:
            return  # chatter without text (or no message-content intent): not addressed to us
        try:
            refusal = self.services.answering_refusal(channel, guild)
            if refusal:
                raise QuestionError(refusal)
            await self._answer_message(message, question, own_thread=own_thread)
        except Exception as error:
            await self._reply_failure(message, error)

    async def _reply_failure(self, message: discord.Message, error: Exception) -> None:
        """A listener's counterpart of ``cog_app_command_error``: the same two outcomes."""
        if isinstance(error, NewsbotError):
            echo = error.question if isinstance(error, QuestionError) else ""
            replies: Messages = notice_messages(str(error), echo)
        else:
            log.error("mention answer failed (message %s)", message.id, exc_info=error)
            replies = [[error_embed(message.id)]]
        try:
            for embeds in replies:
                await message.reply(
                    embeds=embeds, mention_author=False, allowed_mentions=NO_MENTIONS
                )
        except discord.HTTPException:
            log.exception("could not report the error (message %s)", message.id)

    async def _answer_message(
        self, message: discord.Message, question: str, *, own_thread: bool
    ) -> None:
        engine = self.services.engine_for(message.guild.id if message.guild else None)
        engine.check_question(question)  # a refusal reaches _reply_failure
        wait = self.services.cooldowns.retry_after(message.author.id)
        if wait > 0:
            await message.reply(
                cooldown_text(wait), mention_author=False, allowed_mentions=NO_MENTIONS
            )
            return
        channel = message.channel
        history: list[Turn] = []
        reply_to: discord.Message | None = None
        target: discord.abc.Messageable
        if own_thread and isinstance(channel, discord.Thread):
            target = channel
            history = await self._history(channel, message)
        elif isinstance(channel, discord.TextChannel):
            try:
                target = await message.create_thread(
                    name=shorten(question, 90), auto_archive_duration=THREAD_ARCHIVE_MINUTES
                )
            except discord.HTTPException:
                log.warning("could not open a thread for message %s; replying inline", message.id)
                target, reply_to = channel, message
        else:
            target, reply_to = channel, message

        draft_message: discord.Message | None = None

        async def send(**kwargs: Any) -> discord.Message:
            if reply_to is not None:
                kwargs.update(reference=reply_to, mention_author=False)
            return await target.send(allowed_mentions=NO_MENTIONS, **kwargs)

        async def on_draft(draft: str) -> None:
            nonlocal draft_message
            embed = draft_embed(question, draft)
            if draft_message is None:
                draft_message = await send(embed=embed)
            else:
                await draft_message.edit(embed=embed, allowed_mentions=NO_MENTIONS)

        async with target.typing():
            answer = await self._answer(engine, question, history, on_draft)
        messages, view = await self._prepare(answer, message.guild.id if message.guild else None)
        last = len(messages) - 1
        for i, embeds in enumerate(messages):
            extra: dict[str, Any] = {"view": view} if i == last else {}
            if i == 0 and draft_message is not None:
                await draft_message.edit(embeds=embeds, allowed_mentions=NO_MENTIONS, **extra)
            else:
                await send(embeds=embeds, **extra)

    async def _history(self, thread: discord.Thread, before: discord.Message) -> list[Turn]:
        me = self.bot.user
        if me is None:
            return []
        recent = [m async for m in thread.history(limit=HISTORY_MESSAGES, before=before)]
        recent.reverse()  # history() yields newest first
        return turns_from_history(recent, me.id, max_turns=self.services.history_turns)
