"""Splitting passages into sentences a summary may quote, and refusing the ones it must not.

The ingest already strips site boilerplate, but a summary is posted as-is by a moderator, so this module
keeps its own last line of defence: a sentence that is too short, has no letters, talks to the reader, or
matches a known promo/bot footer never becomes part of a summary. The splitting itself is the shared one
(``retrieval.sentences``); this module only shapes its sentences the way a summary quotes them.
"""

from __future__ import annotations

import re

from retrieval import sentences
from retrieval.sentences import plain_text

_WORD = re.compile(r"[^\W\d_]+(?:[’'][^\W\d_]+)?", re.UNICODE)
_PROMO = re.compile(
    r"i['’]m a bot|share on (?:twitter|facebook)|check out our|click (?:the|here)|download button"
    r"|subscribe to|sign up for our|original article contains \d+ words|\bcookies?\b.*\baccept\b",
    re.IGNORECASE,
)
_READER_ADDRESS = re.compile(
    r"\b(?:you|your|you['’]re|let['’]s|i['’]m|i['’]d|i['’]ve)\b", re.IGNORECASE
)
_ANAPHORIC_START = re.compile(
    r"^(?:this|that|these|those|it|its|they|their|such|however|but|and|which|he|she|also|so|thus"
    r"|furthermore|moreover|meanwhile)\b",
    re.IGNORECASE,
)
# Openings that refer back to something named earlier in the story ("The company said ...").
_CONTEXT_START = re.compile(
    r"^(?:the (?:company|firm|group|bank|agency|official|spokesman|minister|report|deal|move)"
    r"|of (?:the|these|this)|in (?:addition|conclusion|summary)|overall|all in all)\b",
    re.IGNORECASE,
)

# A piece opening like this with no main clause after a comma is a fragment of the sentence before it.
_FRAGMENT_START = re.compile(
    r"^(?:which|including|while|although|though|whereas|because|if)\b", re.I
)
_ALWAYS_FRAGMENT = re.compile(r"^(?:which|including)\b", re.IGNORECASE)
# A sentence whose last word needs more after it was cut ("... reports suggesting that.").
_DANGLING_END = re.compile(r"\b(?:that|the|a|an|of|to|and|has|with)\W*$", re.IGNORECASE)

MIN_WORDS = 5
MAX_WORDS = 70


def quotable_split(text: str) -> list[str]:
    """Sentences of ``text`` in order, as a summary quotes them: stray scraped full stops dropped
    ("communications between. Moscow" reads "between Moscow") and white space collapsed."""
    return [plain_text(s) for s in sentences.split_sentences(text)]


def word_count(sentence: str) -> int:
    return len(_WORD.findall(sentence))


def is_quotable(sentence: str) -> bool:
    """Whether a sentence may appear in a summary at all (points, unconfirmed items or timeline)."""
    stripped = sentence.strip()
    if not stripped or (
        not stripped[0].isupper() and not stripped[0].isdigit() and stripped[0] not in "\"'“‘("
    ):
        return False  # starts mid-sentence: a chunk boundary cut it
    if stripped[-1] not in ".!?\"'”’)":
        return False  # no ending: cut off at a chunk boundary, or a heading
    words = word_count(stripped)
    return MIN_WORDS <= words <= MAX_WORDS and not _PROMO.search(stripped)


def is_point_material(sentence: str) -> bool:
    """Whether a quotable sentence reads as a reported statement: no questions, no talking to the reader."""
    stripped = sentence.strip()
    if is_fragment(stripped):
        return False
    return not stripped.endswith("?") and not addresses_reader(stripped)


def addresses_reader(sentence: str) -> bool:
    """Talks to the reader outside quotation marks: a newsletter's "the news you need to know"."""
    return bool(_READER_ADDRESS.search(_outside_quotes(sentence)))


def is_fragment(sentence: str) -> bool:
    """A piece of a sentence: "While the details remain undisclosed.", "... suggesting that."."""
    stripped = sentence.strip()
    return bool(
        _ALWAYS_FRAGMENT.match(stripped)
        or (_FRAGMENT_START.match(stripped) and "," not in stripped)
        or _DANGLING_END.search(stripped)
    )


def starts_anaphoric(sentence: str) -> bool:
    """A sentence opening with "This", "However", ... leans on the one before it to make sense."""
    return bool(_ANAPHORIC_START.match(sentence.strip().lstrip("\"'“‘(")))


def needs_context(sentence: str) -> bool:
    """Whether a sentence leans on an earlier one: "This ...", "The company said ...", "Of the total"."""
    return starts_anaphoric(sentence) or bool(
        _CONTEXT_START.match(sentence.strip().lstrip("\"'“‘("))
    )


def _outside_quotes(sentence: str) -> str:
    return re.sub(r"[“\"][^”\"]*[”\"]", " ", sentence)
