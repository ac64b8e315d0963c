"""Sentences of a model's reply that are not answers, whatever their support scores say.

Support is measured by overlap with a passage, so text copied from one scores high even when it is
a cut fragment ("…between North Korea and Russia has [1]."), a rhetorical question, the model
talking about its task ("It seems like I've got more questions"), a second copy of a sentence
already kept, or a quotation with words changed inside the quotation marks. These are dropped
before scoring; what is left is verified as before.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from retrieval.answer.constraints import unmatched_names

_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")
_QUOTED = re.compile(r"[\"“]([^\"“”]{3,}?)[\"”]")
# The model about itself, its reader or its task; quotations are removed before this is asked.
# "Passage" alone is news too (a bill's passage): only the prompt's passages count.
_META = re.compile(
    r"<\s*/?\s*passage|\bpassages?\s*\[?\d|\bthe (?:provided |given )?passages\b|"
    r"\b(?:in|from|by|to) (?:the |this |that )?(?:provided |given )?passage\b|"
    r"\b(?:I|I'm|I’m|I've|I’ve|me|my|you|your|let's|as an AI|the prompt|"
    r"(?:the provided|this|these) (?:text|context|question|prompt)s?)\b",
    re.IGNORECASE,
)
# A sentence ending on one of these was cut off, not finished.
_DANGLING = frozenset(
    """a an the and or but of to in on at by for with from as that which who whose whom has have
    had is are was were be been will would can could should may might must than including such
    its their his her our this these those""".split()  # noqa: SIM905
)
MIN_WORDS = 3
# "What did Antony Blinken say": the name after the question's verb, capitalised as written.
_SUBJECT = re.compile(
    r"\b(?i:what\s+(?:did|does|do|has|have|had|will|would))\s+"
    r"([A-Z][\w’'-]*(?:\s+(?:of\s+)?[A-Z][\w’'-]*)*)\s+"
    r"(?i:say|tell|announce|claim|warn|state|write|think|believe|call|describe|mean|argue)\b"
)
_PRONOUN = re.compile(
    r"^\W*(?:he|she|they|it|the (?:(?:prime )?minister|president|chancellor|secretary|leader"
    r"|spokes(?:man|woman|person)))\b",
    re.IGNORECASE,
)
_REPEATED = 0.4  # a reply looping on one word: its most frequent word is this share of ten or more


def _normal(text: str) -> str:
    text = text.replace("’", "'").replace("“", '"').replace("”", '"')
    return " ".join(_WORD.findall(text.lower()))


def off_question(question: str, text: str) -> bool:
    """Whether the sentence reports someone else's words under "What did X say?" (or tell,
    announce, claim, ...: a question about someone's words).

    Support only says a passage states it: a correct quotation of a third party (a professor,
    under a question about what Blinken said) is supported and answers nothing.
    """
    match = _SUBJECT.search(question)
    subject = match.group(1).strip() if match else ""
    if not subject:
        return False
    # Asked as part of a question, so the name is not taken for a capitalised first word.
    return bool(unmatched_names(f"about {subject}", [text])) and not _PRONOUN.match(text)


def junk_reason(
    text: str, kept: Sequence[str], sources: Sequence[str], question: str = ""
) -> str | None:
    """Why ``text`` (markers stripped) is not an answer sentence, or None when it may be one.

    ``kept`` are the sentences accepted before it; ``sources`` the passage texts the prompt
    showed; ``question`` what was asked (a summary has none).
    """
    words = _WORD.findall(text)
    if text.rstrip().endswith("?"):
        return "a question"
    if len(words) < MIN_WORDS or text[:1].islower() or words[-1].lower() in _DANGLING:
        return "a fragment"
    if len(words) >= 10:
        top = max(words.count(w) for w in set(words))
        if top / len(words) >= _REPEATED:
            return "a repetition"
    if _META.search(_QUOTED.sub(" ", text)):
        return "about the task, not the news"
    normal = _normal(text)
    if any(_normal(k) == normal for k in kept):
        return "a duplicate"
    haystack = [_normal(s) for s in sources]
    for quoted in _QUOTED.findall(text):
        needle = _normal(quoted)
        if len(needle.split()) >= 3 and not any(needle in h for h in haystack):
            return "a quotation its source does not contain word for word"
    if question and off_question(question, text):
        return "about someone the question did not ask about"
    return None
