"""Prompt text lives in ``prompts/*.txt`` so it can be read and tuned without touching code.

File format: sections that start with a line ``[system]``, ``[human]`` or ``[ai]``; each becomes one
message of a LangChain ``ChatPromptTemplate`` (f-string variables such as ``{question}``; a literal
brace is written ``{{``). Lines starting with ``#`` before the first section are comments.
"""

from __future__ import annotations

import re
from pathlib import Path
from types import MappingProxyType

from langchain_core.prompts import ChatPromptTemplate

from retrieval.errors import ConfigurationError

_SECTION = re.compile(r"^\[(system|human|ai)\]\s*$")

# The variables each prompt the code fills in must declare; a prompt edited to lose one fails at
# load, not halfway through a member's question.
REQUIRED_VARIABLES = MappingProxyType(
    {
        "answer": frozenset({"question", "passages"}),
        "rewrite": frozenset({"question", "history"}),
        "summary_map": frozenset({"topic", "passages"}),
        "summary_reduce": frozenset({"topic", "points"}),
    }
)


class PromptError(ConfigurationError):
    """A prompt file is missing, malformed, or lacks a variable the code fills in."""


def parse_prompt(text: str, *, name: str = "<prompt>") -> ChatPromptTemplate:
    """Turn the sectioned text of one prompt file into a chat prompt template."""
    messages: list[tuple[str, str]] = []
    role: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        match = _SECTION.match(line)
        if match:
            if role is not None:
                messages.append((role, "\n".join(lines).strip()))
            role, lines = match.group(1), []
        elif role is None:
            if line.strip() and not line.startswith("#"):
                raise PromptError(f"{name}: text before the first [system]/[human] section")
        else:
            lines.append(line)
    if role is not None:
        messages.append((role, "\n".join(lines).strip()))
    if not messages:
        raise PromptError(f"{name}: no [system]/[human] section")
    return ChatPromptTemplate.from_messages(messages)


class PromptLibrary:
    """The prompts of one directory, parsed and checked when the library is built."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)
        if not self.directory.is_dir():
            raise PromptError(f"prompt directory {self.directory} does not exist")
        templates: dict[str, ChatPromptTemplate] = {}
        for path in sorted(self.directory.glob("*.txt")):
            template = parse_prompt(path.read_text(encoding="utf-8"), name=path.name)
            missing = REQUIRED_VARIABLES.get(path.stem, frozenset()) - set(template.input_variables)
            if missing:
                raise PromptError(f"{path.name} lacks the variable(s) {sorted(missing)}")
            templates[path.stem] = template
        self._templates = templates

    def names(self) -> list[str]:
        return sorted(self._templates)

    def get(self, name: str) -> ChatPromptTemplate:
        try:
            return self._templates[name]
        except KeyError:
            raise PromptError(f"no prompt {name!r} in {self.directory}") from None

    @property
    def answer(self) -> ChatPromptTemplate:
        return self.get("answer")

    @property
    def rewrite(self) -> ChatPromptTemplate:
        return self.get("rewrite")
