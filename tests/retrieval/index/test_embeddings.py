"""The offline embedding models: they load from their packages and mean what they should."""

from __future__ import annotations

import numpy as np
import pytest

from retrieval.index.embeddings import (
    BackgroundLoaded,
    EmbeddingModelError,
    MiniLMEmbedder,
    WordLlamaEmbedder,
    make_embedder,
    token_batches,
)
from retrieval.index.langchain_embeddings import LangChainEmbeddings


@pytest.mark.parametrize("fixture", ["minilm", "wordllama"])
def test_vectors_are_normalised_and_paraphrases_are_closer(
    fixture: str, request: pytest.FixtureRequest
) -> None:
    model = request.getfixturevalue(fixture)
    vectors = model.embed_batch(
        [
            "The cat sits on the mat.",
            "A kitten is resting on a rug.",
            "Stock markets fell sharply on Monday.",
        ]
    )
    assert vectors.shape == (3, model.dimension)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    similarity = vectors @ vectors.T
    assert similarity[0, 1] > similarity[0, 2] + 0.2


def test_minilm_batches_give_the_same_vectors_as_single_texts(minilm: MiniLMEmbedder) -> None:
    texts = ["short", "a much longer sentence about North Korea and Russia " * 3, "medium text"]
    together = minilm.embed_batch(texts)
    alone = np.vstack([minilm.embed_batch([t]) for t in texts])
    assert np.allclose(together, alone, atol=1e-4)  # padding must not leak into the pooling


def test_token_batches_keep_every_text_once_within_the_budget() -> None:
    lengths = [3, 250, 40, 40, 7, 256, 12, 600]
    order = sorted(range(len(lengths)), key=lambda i: lengths[i])
    batches = list(token_batches(order, lengths, 512, 3))
    assert sorted(i for batch in batches for i in batch) == list(range(len(lengths)))
    for batch in batches:
        padded = len(batch) * max(lengths[i] for i in batch)
        assert len(batch) <= 3
        assert padded <= 512 or len(batch) == 1  # only a text over the budget goes alone past it
    assert [7] in batches  # the 600-token text


def test_a_small_token_budget_changes_memory_not_vectors(minilm: MiniLMEmbedder) -> None:
    texts = [f"Sentence {i} about the summit. " * (1 + i % 9) for i in range(40)]
    tight = MiniLMEmbedder(batch_tokens=64, batch_rows=4)
    assert np.allclose(tight.embed_batch(texts), minilm.embed_batch(texts), atol=1e-4)


def test_empty_input_gives_an_empty_matrix(minilm: MiniLMEmbedder) -> None:
    assert minilm.embed_batch([]).shape == (0, 384)


def test_make_embedder_names_and_errors(wordllama: WordLlamaEmbedder) -> None:
    assert make_embedder("wordllama").name == wordllama.name
    with pytest.raises(EmbeddingModelError, match="use minilm, wordllama"):
        make_embedder("bert-huge")


def test_langchain_adapter_returns_plain_lists(wordllama: WordLlamaEmbedder) -> None:
    adapter = LangChainEmbeddings(wordllama)
    vector = adapter.embed_query("Kim met Putin")
    assert isinstance(vector, list) and len(vector) == wordllama.dimension
    assert isinstance(vector[0], float)


def test_a_background_model_is_named_at_once_and_embeds_like_the_model(
    wordllama: WordLlamaEmbedder,
) -> None:
    loading = make_embedder("wordllama", background=True)
    assert isinstance(loading, BackgroundLoaded)
    assert (loading.name, loading.dimension) == (wordllama.name, wordllama.dimension)
    texts = ["Kim met Putin", "Oil prices rose"]
    assert np.allclose(loading.embed_batch(texts), wordllama.embed_batch(texts))


class _BrokenModel(WordLlamaEmbedder):
    def __init__(self) -> None:
        raise OSError("model file is truncated")


def test_a_model_that_fails_to_load_in_the_background_says_so_when_used() -> None:
    loading = BackgroundLoaded(_BrokenModel)
    with pytest.raises(EmbeddingModelError, match="failed to load: model file is truncated"):
        loading.embed_batch(["anything"])
