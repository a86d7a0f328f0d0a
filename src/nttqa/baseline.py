"""The pipeline a user would otherwise copy from a tutorial, for side-by-side figures:
fixed 1000-character chunks with 200 overlap over the raw text, the same
embedder, FAISS inner product only (no BM25, no structure, no boosts)."""

from __future__ import annotations

from typing import Callable

from nttqa.config import Settings


def fixed_chunks(text: str, size: int = 1000, overlap: int = 200) -> list[str]:
    step = size - overlap
    return [text[i:i + size] for i in range(0, max(1, len(text) - overlap), step)]


def baseline_search(settings: Settings, size: int = 1000, overlap: int = 200) -> Callable[[str, int], list[str]]:
    """A search function over the tutorial index (built in memory)."""
    from nttqa.embed import get_embedder
    from nttqa.index import MemoryDenseIndex
    from nttqa.pipeline import parse_corpus

    docs = parse_corpus(settings)
    chunks = [c for d in docs for c in fixed_chunks(d.text, size, overlap)]
    emb = get_embedder(settings.embedder)
    index = MemoryDenseIndex(emb.embed_passages(chunks))

    def search(question: str, k: int = 5) -> list[str]:
        _scores, ids = index.search(emb.embed_queries([question]), k)
        return [chunks[i] for i in ids[0] if i >= 0]

    search.chunk_count = len(chunks)  # type: ignore[attr-defined]
    return search
