"""Where the bot answers: ``NEWSBOT_ALLOWED_CHANNEL_IDS``, when set, is the whole list.

A thread counts as its parent channel, so follow-ups in a thread the bot opened in an allowed
channel keep working. Moderator commands are not limited: moderators manage the collection from
wherever they are.
"""

from __future__ import annotations

from collections.abc import Collection

import discord


def channel_ids(channel: object) -> set[int]:
    """The channel's id and, for a thread, its parent's."""
    ids = {getattr(channel, "id", 0)}
    parent = getattr(channel, "parent_id", None)
    if isinstance(parent, int):
        ids.add(parent)
    return ids


def channel_refusal(
    allowed: Collection[int], channel: object, guild: discord.Guild | None
) -> str | None:
    """Why the bot does not answer in ``channel``, or None when it does.

    The reply names this server's allowed channels (as channel links, which ping nobody).
    """
    if not allowed or channel_ids(channel) & set(allowed):
        return None
    here = [cid for cid in allowed if guild is not None and guild.get_channel(cid) is not None]
    if not here:
        return "I don't answer questions in this server's channels."
    links = ", ".join(f"<#{cid}>" for cid in here)
    return f"I answer questions only in {links}."
