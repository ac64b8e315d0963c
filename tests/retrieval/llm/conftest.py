"""Fixtures every LLM test module shares: the bundled prompts and five seed passages."""

from __future__ import annotations

import pytest

from retrieval.llm.prompts import PromptLibrary
from retrieval.models import Passage
from retrieval.settings import PROJECT_ROOT
from tests.retrieval.llm.testkit import seed_passages


@pytest.fixture(scope="module")
def prompts() -> PromptLibrary:
    return PromptLibrary(PROJECT_ROOT / "prompts")


@pytest.fixture(scope="module")
def passages() -> list[Passage]:
    return seed_passages()
