"""The errors whose message is meant for the person who asked, not for a traceback.

Like simonw/llm's ``ModelError``, anything derived from :class:`NewsbotError` is "displayed to the
user": the adapters (CLI, Discord) catch this one base, show ``str(error)`` and carry on, and treat
every other exception as a bug to log with its traceback.
"""

from __future__ import annotations


class NewsbotError(Exception):
    """A problem the user can act on; the message says what happened and what to do."""


class QuestionError(NewsbotError, ValueError):
    """A question the engine will not run (empty, only mentions, too long).

    ``question`` is what was asked, so an adapter can hand it back and nothing typed is lost.
    """

    def __init__(self, message: str, *, question: str = "") -> None:
        super().__init__(message)
        self.question = question


class StoreError(NewsbotError, RuntimeError):
    """The store cannot be used as configured; the message says what to do."""


class EmbeddingMismatchError(StoreError):
    """The collection was built with another embedding model; its vectors would be meaningless."""


class EmbeddingModelError(NewsbotError, RuntimeError):
    """The embedding model could not be loaded (a damaged install, a missing package)."""


class UploadError(NewsbotError, ValueError):
    """An uploaded file that cannot become a document (type, size, not text)."""


class DocumentError(NewsbotError, LookupError):
    """No document, or more than one, goes by the name given; the message lists the candidates."""


class ConfigurationError(NewsbotError, ValueError):
    """A setting or bundled resource (such as the prompts folder) is unusable."""


class FetchError(NewsbotError, ValueError):
    """A web address newsbot will not fetch (not public, too large) or could not (down, slow)."""


class FeedError(NewsbotError, ValueError):
    """An address that is not a readable RSS or Atom feed, or a feed that is not followed."""
