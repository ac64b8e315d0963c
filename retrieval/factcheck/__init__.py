"""``newsbot check``: a pasted text, sentence by sentence, against the collection."""

from retrieval.factcheck.checker import CheckedSentence, ClaimChecker

__all__ = ["CheckedSentence", "ClaimChecker"]
