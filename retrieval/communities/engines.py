"""One engine per community, built when the community first needs it.

The models (embeddings, claim classifiers, the language model) are loaded once per process and
shared; what a community gets of its own is a collection, its sidecars and its uploads folder.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from retrieval.interfaces import EngineAPI


def community_collection(base: str, community: int) -> str:
    """The Chroma collection of one community: ``newsbot-server-<id>`` beside ``newsbot``."""
    return f"{base}-server-{community}"


class CommunityEngines:
    """The operator's engine, and each community's (implements ``Engines``).

    Without ``build`` every community shares the operator's engine: one collection for all, as
    a bot that serves a single community may prefer (``NEWSBOT_COMMUNITY_COLLECTIONS=false``).
    """

    def __init__(
        self, operator: EngineAPI, build: Callable[[int], EngineAPI] | None = None
    ) -> None:
        self._operator = operator
        self._build = build
        self._engines: dict[int, EngineAPI] = {}
        self._lock = threading.Lock()  # cogs ask from the event loop and from worker threads

    @property
    def operator(self) -> EngineAPI:
        return self._operator

    @property
    def separate(self) -> bool:
        """Whether each community has a collection of its own."""
        return self._build is not None

    def for_community(self, community: int | None) -> EngineAPI:
        """The engine that answers in ``community``; direct messages (None) get the operator's."""
        if community is None or self._build is None:
            return self._operator
        with self._lock:
            engine = self._engines.get(community)
            if engine is None:
                engine = self._engines[community] = self._build(community)
            return engine
