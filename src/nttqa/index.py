"""The on-disk index: the only code that reads or writes ``index/``.

Layout (one build = one build id)::

    index/manifest.json           format, embedder, settings fingerprint, corpus
                                  hashes, chunk count, build time, file checksums
    index/chunks-<id>.jsonl       the chunk store
    index/dense-<id>.faiss        FAISS inner-product index of normalised vectors
    index/bm25-<id>/              bm25s index (its own params file inside)
    index/docs-<id>.json          per-document title, metadata, pages, outline

A build writes new ``*-<id>`` files next to the old ones and then replaces
``manifest.json`` atomically (``os.replace``), so a build killed half-way leaves
the previous index working; files no manifest refers to are removed by the next
build.  A lock file stops two builds from writing at once.  This module owns
FAISS and bm25s's index; the terms it indexes come from ``textutil.analyze``.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator, Sequence

import numpy as np

from nttqa.config import INDEX_FORMAT_VERSION, Settings
from nttqa.errors import CorruptIndexError, IndexBusyError, IndexMissingError, StaleIndexError
from nttqa.textutil import ANALYZER_VERSION, analyze
from nttqa.types import Chunk

MANIFEST = "manifest.json"
_FILE_KEYS = ("chunks", "dense", "bm25", "docs", "sentences", "sentvec", "vocab", "vocabvec")
LOCK = ".build.lock"

# --- hashing -----------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _tree_hash(path: Path) -> str:
    if path.is_file():
        return sha256_file(path)
    h = hashlib.sha256()
    for p in sorted(path.rglob("*")):
        if p.is_file():
            h.update(p.relative_to(path).as_posix().encode())
            h.update(sha256_file(p).encode())
    return h.hexdigest()


def corpus_hashes(files: Sequence[Path]) -> dict[str, str]:
    """Content hashes of corpus files and their metadata sidecars."""
    out: dict[str, str] = {}
    for f in files:
        out[f.name] = sha256_file(f)
        for side in (f.with_name(f.name + ".meta.json"), f.with_suffix(".meta.json")):
            if side.exists() and side != f:
                out[side.name] = sha256_file(side)
    return out


# --- locking -----------------------------------------------------------------------


@contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    index_dir.mkdir(parents=True, exist_ok=True)
    path = index_dir / LOCK
    fh = open(path, "a+")
    try:
        try:
            import fcntl

            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise IndexBusyError(str(index_dir)) from None
        except ImportError:  # pragma: no cover - Windows
            import msvcrt

            try:
                msvcrt.locking(fh.fileno(), msvcrt.LK_NBLCK, 1)
            except OSError:
                raise IndexBusyError(str(index_dir)) from None
        yield
    finally:
        fh.close()


# --- writing -----------------------------------------------------------------------


@dataclass(frozen=True)
class BuildInputs:
    chunks: list[Chunk]
    vectors: np.ndarray
    docs: list[dict[str, Any]]
    corpus: dict[str, str]
    embedder_id: str
    sentences: list[tuple[int, int, int]]  # (chunk id, start, end) into the chunk text
    sentence_vectors: np.ndarray
    settings: Settings
    build_seconds: float = 0.0
    vocab_words: Sequence[str] = ()  # the corpus' words, for cross-lingual neighbours
    vocab_vectors: np.ndarray | None = None
    chunker_version: int = 0  # chunk.CHUNKER_VERSION of the chunks: a build reuses only its own


def _write_json_atomic(path: Path, data: Any) -> None:
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as fh:
        json.dump(data, fh, ensure_ascii=False, indent=1)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def write_index(index_dir: Path, inputs: BuildInputs, progress: Callable[[str], None] | None = None) -> dict:
    """Write a new build next to the current one and switch the manifest to it.

    The caller must hold :func:`build_lock`.
    """
    import bm25s
    import faiss

    say = progress or (lambda _msg: None)
    index_dir.mkdir(parents=True, exist_ok=True)
    bid = time.strftime("%Y%m%d%H%M%S") + "-" + uuid.uuid4().hex[:6]
    names = {
        "chunks": f"chunks-{bid}.jsonl",
        "dense": f"dense-{bid}.faiss",
        "bm25": f"bm25-{bid}",
        "docs": f"docs-{bid}.json",
        "sentences": f"sentences-{bid}.json",
        "sentvec": f"sentvec-{bid}.npy",
        "vocab": f"vocab-{bid}.json",
        "vocabvec": f"vocabvec-{bid}.npy",
    }
    say("writing chunk store")
    with open(index_dir / names["chunks"], "w", encoding="utf-8") as fh:
        for c in inputs.chunks:
            fh.write(json.dumps(c.to_dict(), ensure_ascii=False) + "\n")
    say("writing dense index")
    vecs = np.ascontiguousarray(inputs.vectors, dtype=np.float32)
    dense_kind = "ivf" if len(vecs) > inputs.settings.ann_threshold else "flat"
    dense = _dense_index(vecs, dense_kind)
    faiss.write_index(dense, str(index_dir / names["dense"]))
    say("writing lexical index")
    bm = bm25s.BM25()
    bm.index([analyze(lexical_text(c)) for c in inputs.chunks], show_progress=False)
    bm.save(str(index_dir / names["bm25"]), show_progress=False)
    with open(index_dir / names["docs"], "w", encoding="utf-8") as fh:
        json.dump(inputs.docs, fh, ensure_ascii=False)
    with open(index_dir / names["sentences"], "w", encoding="utf-8") as fh:
        json.dump([list(t) for t in inputs.sentences], fh)
    with open(index_dir / names["sentvec"], "wb") as fh:
        np.save(fh, np.ascontiguousarray(inputs.sentence_vectors, dtype=np.float32), allow_pickle=False)
    with open(index_dir / names["vocab"], "w", encoding="utf-8") as fh:
        json.dump(list(inputs.vocab_words), fh, ensure_ascii=False)
    vv = inputs.vocab_vectors if inputs.vocab_vectors is not None else np.zeros((0, vecs.shape[1] if vecs.ndim == 2 else 0))
    with open(index_dir / names["vocabvec"], "wb") as fh:
        np.save(fh, np.ascontiguousarray(vv, dtype=np.float32), allow_pickle=False)
    files = {key: {"name": name, "sha256": _tree_hash(index_dir / name)} for key, name in names.items()}
    manifest = {
        "format_version": INDEX_FORMAT_VERSION,
        "build_id": bid,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
        "build_seconds": round(inputs.build_seconds, 2),
        "embedder": {"id": inputs.embedder_id, "dim": int(vecs.shape[1]) if vecs.size else 0},
        "dense_index": dense_kind,
        "settings_fingerprint": inputs.settings.fingerprint(),
        "analyzer_version": ANALYZER_VERSION,
        "chunker_version": inputs.chunker_version,
        "params": inputs.settings.index_params(),
        "corpus": inputs.corpus,
        "chunk_count": len(inputs.chunks),
        "files": files,
    }
    _write_json_atomic(index_dir / MANIFEST, manifest)
    _remove_unreferenced(index_dir, set(names.values()))
    return manifest


def _dense_index(vecs: np.ndarray, kind: str, nlist: int = 0, direct_map: bool = True) -> Any:
    """Flat inner product, or IVF (``nlist`` lists, sqrt(n) by default); ``direct_map`` lets
    the vectors be read back, which the retriever needs."""
    import faiss

    d = vecs.shape[1] if vecs.size else 1
    if kind == "flat":
        index = faiss.IndexFlatIP(d)
    else:
        nlist = nlist or max(1, int(np.sqrt(len(vecs))))
        index = faiss.IndexIVFFlat(faiss.IndexFlatIP(d), d, nlist, faiss.METRIC_INNER_PRODUCT)
        index.train(vecs)
        if direct_map:
            index.make_direct_map()
    if vecs.size:
        index.add(vecs)
    return index


def _remove_unreferenced(index_dir: Path, keep: set[str]) -> None:
    for p in index_dir.iterdir():
        if p.name in keep or p.name in (MANIFEST, LOCK, ".gitattributes", "README.md"):
            continue
        if re.match(r"^(chunks|dense|bm25|docs|sentences|sentvec|vocab|vocabvec)-", p.name) or p.name.endswith(".tmp"):
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)


def lexical_text(chunk: Chunk) -> str:
    """What BM25 sees: the section title (twice: it is short and telling) and the text."""
    head = f"{chunk.chapter} {chunk.section} {chunk.section_title}".strip()
    return f"{head} {chunk.section_title} {chunk.text}"


# --- reading -----------------------------------------------------------------------


def read_manifest(index_dir: Path) -> dict:
    path = Path(index_dir) / MANIFEST
    if not path.exists():
        raise IndexMissingError(str(index_dir))
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CorruptIndexError(str(index_dir), f"manifest.json is unreadable: {exc}") from exc
    if not isinstance(manifest, dict) or not isinstance(manifest.get("files"), dict):
        raise CorruptIndexError(str(index_dir), "manifest.json lacks its file list")
    for key, entry in manifest["files"].items():
        name = entry.get("name") if isinstance(entry, dict) else None
        if not isinstance(name, str) or not name or Path(name).name != name or \
                not isinstance(entry.get("sha256"), str):
            raise CorruptIndexError(str(index_dir), f"manifest.json has a damaged entry for the {key} file")
    if not isinstance(manifest.get("embedder"), dict) or not isinstance(manifest.get("chunk_count"), int):
        raise CorruptIndexError(str(index_dir), "manifest.json lacks the embedder or chunk count")
    return manifest


def staleness(manifest: dict, settings: Settings, embedder_id: str | None,
              corpus: dict[str, str] | None, shared: bool = False) -> list[str]:
    """Reasons the index no longer matches; empty when it is current."""
    reasons: list[str] = []
    if manifest.get("format_version") != INDEX_FORMAT_VERSION:
        reasons.append(f"index format {manifest.get('format_version')} != {INDEX_FORMAT_VERSION}")
    if manifest.get("analyzer_version") != ANALYZER_VERSION:
        reasons.append("the lexical analyzer changed")
    if manifest.get("settings_fingerprint") != settings.fingerprint():
        reasons.append("chunking/embedder settings changed")
    if embedder_id is not None and manifest.get("embedder", {}).get("id") != embedder_id:
        reasons.append(f"embedder {manifest.get('embedder', {}).get('id')} != {embedder_id}")
    if corpus is not None:
        old = manifest.get("corpus", {})
        added = sorted(set(corpus) - set(old))
        removed = sorted(set(old) - set(corpus))
        changed = sorted(k for k in set(corpus) & set(old) if corpus[k] != old[k])
        if added:
            reasons.append("new corpus files: " + ", ".join(added))
        if removed and not shared:
            # A shared library (the database) holds theses other machines added: only files this
            # machine has and the library lacks, or has otherwise, make it out of date.
            reasons.append("removed corpus files: " + ", ".join(removed))
        if changed:
            reasons.append("changed corpus files: " + ", ".join(changed))
    return reasons


class StoredCorpus:
    """What every index store keeps in memory, wherever the index lives (``IndexStore`` here,
    ``pgstore.PgIndexStore``): the manifest facts, chunks, documents, sentences with their
    vectors, and the corpus vocabulary with its word vectors."""

    def __init__(self, manifest: dict, chunks: list[Chunk], docs: list[dict[str, Any]],
                 sentences: list[tuple[int, int, int]], sentence_vectors: np.ndarray,
                 vocab_words: Sequence[str] = (), vocab_vectors: np.ndarray | None = None) -> None:
        self.manifest = manifest
        self.chunks = chunks
        self.docs = docs
        self.sentences = sentences
        self.sentence_vectors = sentence_vectors
        # The corpus' words and their vectors: an English question word finds its Indonesian
        # counterpart among its nearest neighbours ("police" -> "polisi").
        self.vocab_words = list(vocab_words)
        self.vocab_vectors = vocab_vectors if vocab_vectors is not None else np.zeros((0, self.dim), np.float32)
        # sentence rows of each chunk, for sentence-level scoring
        self.sentences_of: dict[int, list[int]] = {}
        for row, (cid, _s, _e) in enumerate(sentences):
            self.sentences_of.setdefault(cid, []).append(row)

    def sentence_text(self, row: int) -> str:
        """The text of sentence ``row`` (sentences are spans of their chunk's text)."""
        cid, s, e = self.sentences[row]
        return self.chunks[cid].text[s:e]

    @property
    def dim(self) -> int:
        return int(self.manifest["embedder"]["dim"])


class IndexStore(StoredCorpus):
    """A loaded index: chunk store, FAISS and BM25.  Safe for concurrent reads."""

    def __init__(self, index_dir: Path, manifest: dict, chunks: list[Chunk], dense: Any, bm25: Any,
                 docs: list[dict[str, Any]], sentences: list[tuple[int, int, int]],
                 sentence_vectors: np.ndarray, vocab_words: Sequence[str] = (),
                 vocab_vectors: np.ndarray | None = None) -> None:
        super().__init__(manifest, chunks, docs, sentences, sentence_vectors, vocab_words, vocab_vectors)
        self.index_dir = Path(index_dir)
        self._dense = dense
        self._bm25 = bm25
        self._vocab = bm25.vocab_dict
        self._vectors: np.ndarray | None = None

    @property
    def approximate(self) -> bool:
        """True when the dense index is IVF: retrieval then scores candidates only."""
        return self.manifest.get("dense_index", "flat") != "flat"

    def vectors(self) -> np.ndarray:
        """All chunk vectors, reconstructed once from the flat index."""
        if self._vectors is None:
            n = self._dense.ntotal
            self._vectors = self._dense.reconstruct_n(0, n) if n else np.zeros((0, self.dim), np.float32)
        return self._vectors

    def dense_search(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        q = np.ascontiguousarray(qvec.reshape(1, -1), dtype=np.float32)
        n = min(n, self._dense.ntotal)
        if n <= 0:
            return []
        scores, ids = self._dense.search(q, n)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def dense_scores(self, qvec: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """Exact cosine similarity of the query with every chunk, or with chunks ``ids``."""
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        vecs = self.vectors()
        return vecs @ q if ids is None else vecs[ids] @ q

    def has_term(self, term: str) -> bool:
        """Whether an analysed term occurs anywhere in the indexed text."""
        return term in self._vocab

    def lexical_scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 score of every chunk for already-analysed terms (unknown terms ignored)."""
        known = [t for t in terms if t in self._vocab]
        if not known:
            return np.zeros(len(self.chunks), np.float32)
        return np.asarray(self._bm25.get_scores(known), dtype=np.float32)


def load_index(index_dir: Path, settings: Settings, embedder_id: str | None = None,
               corpus: dict[str, str] | None = None, verify: bool = True) -> IndexStore:
    """Load and check an index; raises Stale/Corrupt/Missing errors that say how to fix them."""
    index_dir = Path(index_dir)
    for attempt in range(3):
        manifest = read_manifest(index_dir)
        try:
            return _load_build(index_dir, manifest, settings, embedder_id, corpus, verify)
        except CorruptIndexError:
            # A build that finished while we read switched the manifest and removed the
            # files we were reading: that is no damage, read the new build instead.
            if attempt == 2 or read_manifest(index_dir).get("build_id") == manifest.get("build_id"):
                raise
    raise AssertionError("unreachable")  # pragma: no cover


def _load_build(index_dir: Path, manifest: dict, settings: Settings, embedder_id: str | None,
                corpus: dict[str, str] | None, verify: bool) -> IndexStore:
    import bm25s
    import faiss

    reasons = staleness(manifest, settings, embedder_id, corpus)
    if reasons:
        raise StaleIndexError(str(index_dir), reasons)
    files = manifest["files"]
    for key in _FILE_KEYS:
        entry = files.get(key)
        if not entry:
            raise CorruptIndexError(str(index_dir), f"manifest lists no {key} file")
        path = index_dir / entry["name"]
        if not path.exists():
            raise CorruptIndexError(str(index_dir), f"{entry['name']} is missing")
        if verify and _tree_hash(path) != entry["sha256"]:
            raise CorruptIndexError(str(index_dir), f"{entry['name']} does not match its checksum")
    reading = ""  # the file being read, named in the error
    try:
        reading = files["chunks"]["name"]
        with open(index_dir / reading, encoding="utf-8") as fh:
            chunks = [Chunk.from_dict(json.loads(line)) for line in fh if line.strip()]
        reading = files["dense"]["name"]
        dense = faiss.read_index(str(index_dir / reading))
        if manifest.get("dense_index", "flat") != "flat":
            ivf = faiss.extract_index_ivf(dense)
            ivf.nprobe = max(8, ivf.nlist // 8)  # recall@10 1.000 at 125k chunks (bench --scale)
        reading = files["bm25"]["name"]
        bm = bm25s.BM25.load(str(index_dir / reading), show_progress=False, verbosity=0)
        reading = files["docs"]["name"]
        docs = json.loads((index_dir / reading).read_text(encoding="utf-8"))
        reading = files["sentences"]["name"]
        sentences = [tuple(t) for t in json.loads((index_dir / reading).read_text(encoding="utf-8"))]
        reading = files["sentvec"]["name"]
        sentvec = np.load(index_dir / reading, allow_pickle=False)
        reading = files["vocab"]["name"]
        vocab = json.loads((index_dir / reading).read_text(encoding="utf-8"))
        reading = files["vocabvec"]["name"]
        vocabvec = np.load(index_dir / reading, allow_pickle=False)
    except (OSError, ValueError, TypeError, KeyError, AttributeError, RuntimeError) as exc:
        raise CorruptIndexError(str(index_dir), f"{reading} cannot be read ({type(exc).__name__}: {exc})") from exc
    if len(chunks) != manifest.get("chunk_count"):
        raise CorruptIndexError(str(index_dir), f"{files['chunks']['name']} holds {len(chunks)} chunks, "
                                                f"manifest.json says {manifest.get('chunk_count')}")
    if dense.ntotal != len(chunks):
        raise CorruptIndexError(str(index_dir), f"{files['dense']['name']} holds {dense.ntotal} vectors "
                                                f"for {len(chunks)} chunks")
    if chunks and dense.d != manifest["embedder"].get("dim"):
        raise CorruptIndexError(str(index_dir), f"{files['dense']['name']} has {dense.d}-dimensional vectors, "
                                                f"manifest.json says {manifest['embedder'].get('dim')}")
    if len(sentences) != len(sentvec):
        raise CorruptIndexError(str(index_dir), f"{files['sentences']['name']} and {files['sentvec']['name']} "
                                                "differ in length")
    if len(vocab) != len(vocabvec):
        raise CorruptIndexError(str(index_dir), f"{files['vocab']['name']} and {files['vocabvec']['name']} "
                                                "differ in length")
    return IndexStore(index_dir, manifest, chunks, dense, bm, docs, sentences, sentvec, vocab, vocabvec)


class MemoryDenseIndex:
    """An in-memory FAISS inner-product index (baselines and benchmarks; nothing on disk)."""

    def __init__(self, vectors: np.ndarray, kind: str = "flat", nlist: int = 0) -> None:
        import faiss

        vecs = np.ascontiguousarray(vectors, dtype=np.float32)
        if kind in ("flat", "ivf"):
            self._index = _dense_index(vecs, kind, nlist, direct_map=False)
            if kind == "ivf":
                self._index.nprobe = max(1, self._index.nlist // 8)
        elif kind == "hnsw":
            self._index = faiss.IndexHNSWFlat(vecs.shape[1], 32, faiss.METRIC_INNER_PRODUCT)
            self._index.hnsw.efSearch = 64
            self._index.add(vecs)
        else:
            raise ValueError(f"unknown dense index kind {kind!r}")

    def search(self, qvecs: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        q = np.ascontiguousarray(qvecs.reshape(-1, qvecs.shape[-1]), dtype=np.float32)
        return self._index.search(q, k)

    def size_bytes(self) -> int:
        import faiss

        return int(faiss.serialize_index(self._index).nbytes)
