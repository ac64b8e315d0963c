"""Our embedders seen through LangChain's ``Embeddings`` interface, for langchain-chroma.

A module of its own so that only code that talks to LangChain imports it: langchain-core's import
chain costs about half a second, which a question on an existing store does not need to pay.
"""

from __future__ import annotations

from typing import Any

from langchain_core.embeddings import Embeddings

from retrieval.interfaces import Embedder


class LangChainEmbeddings(Embeddings):
    """Adapts an :class:`Embedder` to LangChain, so langchain-chroma embeds with our model.

    Passing this explicitly whenever a collection is opened also stops chromadb from falling back to
    its own default model, which would try to download at first use.
    """

    def __init__(self, embedder: Embedder) -> None:
        self.embedder = embedder

    def embed_documents(self, texts: list[str]) -> list[list[float]]:
        result: Any = self.embedder.embed_batch(texts).tolist()
        return list(result)

    def embed_query(self, text: str) -> list[float]:
        return self.embed_documents([text])[0]
