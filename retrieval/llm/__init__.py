"""Abstractive answers from any OpenAI-compatible chat model, verified sentence by sentence."""

from retrieval.llm.answerer import AbstractiveAnswerer, heuristic_rewrite
from retrieval.llm.client import build_chat_model
from retrieval.llm.prompts import PromptLibrary

__all__ = ["AbstractiveAnswerer", "PromptLibrary", "build_chat_model", "heuristic_rewrite"]
