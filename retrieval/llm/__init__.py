"""Abstractive answers from any OpenAI-compatible chat model, verified sentence by sentence.

Import from the submodules; this package imports nothing so that its light helpers (context,
sentences, support, verify) can be used without loading LangChain's chat stack.
"""
