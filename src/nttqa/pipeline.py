"""Wires the stages: build (parse -> chunk -> embed -> index) and load/ask/search."""

from __future__ import annotations

import os
import re
import threading
import time
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Sequence

from nttqa.config import Settings, load_settings
from nttqa.errors import QuestionError
from nttqa.textutil import latin_share
from nttqa.types import Answer, Chunk, Document, Hit

if TYPE_CHECKING:
    import numpy as np

    from nttqa.answer import Answerer
    from nttqa.embed import Embedder
    from nttqa.index import IndexStore
    from nttqa.pgschema import DocumentRows
    from nttqa.pgstore import PgIndexStore

Progress = Callable[[str, int, int], None]  # (stage, done, total)


def _noop(_stage: str, _done: int, _total: int) -> None:
    return None


_LATIN_WORD = re.compile(r"[A-Za-z\u00C0-\u024F]{2,}")


def question_scope(question: str) -> str:
    """Why a question is not looked up at all, as a reason code ("no_words": emoji, punctuation
    or digits only; "not_language": mostly a non-Latin script), or "" when it is."""
    if latin_share(question) < 0.5:
        return "not_language"
    if not _LATIN_WORD.search(question):
        return "no_words"
    return ""


def parse_corpus(settings: Settings) -> list[Document]:
    from nttqa.parse import corpus_files, read_document

    return [read_document(p, max_bytes=settings.max_file_bytes) for p in corpus_files(settings.corpus_dir)]


def chunk_corpus(docs: Sequence[Document], settings: Settings) -> list[Chunk]:
    from nttqa.chunk import chunk_document

    chunks: list[Chunk] = []
    for doc in docs:
        chunks.extend(chunk_document(doc, settings.chunk_target, settings.chunk_max, settings.chunk_min,
                                     first_id=len(chunks)))
    return chunks


def sentence_spans(chunks: Sequence[Chunk]) -> list[tuple[int, int, int]]:
    from nttqa.textutil import split_sentences

    out: list[tuple[int, int, int]] = []
    for c in chunks:
        # A table is quoted whole: its rows are not sentences.
        spans = [(0, len(c.text))] if c.kind == "table" else (split_sentences(c.text) or [(0, len(c.text))])
        out.extend((c.id, s, e) for s, e in spans)
    return out


def embed_chunks(chunks: Sequence[Chunk], embedder: "Embedder", say: Progress = _noop
                 ) -> tuple["np.ndarray", list[tuple[int, int, int]], "np.ndarray"]:
    """Passage vectors, sentence spans and sentence vectors of ``chunks``."""
    from nttqa.chunk import embedding_text

    vectors = _embed_batches([embedding_text(c) for c in chunks], embedder.embed_passages, embedder.dim, 16,
                             "embed passages", say)
    sents = sentence_spans(chunks)
    by_id = {c.id: c for c in chunks}
    svectors = _embed_batches([by_id[cid].text[s:e] for cid, s, e in sents], embedder.embed_passages,
                              embedder.dim, 32, "embed sentences", say)
    return vectors, sents, svectors


def _embed_batches(texts: Sequence[str], embed: Callable[[Sequence[str]], "np.ndarray"], dim: int, step: int,
                   stage: str, say: Progress) -> "np.ndarray":
    """``embed`` over ``texts`` ``step`` at a time, reporting progress as ``stage``."""
    import numpy as np

    vecs = []
    for i in range(0, len(texts), step):
        vecs.append(embed(texts[i:i + step]))
        say(stage, min(i + step, len(texts)), len(texts))
    return np.vstack(vecs) if vecs else np.zeros((0, dim), np.float32)


def document_metadata(d: Document) -> dict:
    """What the index keeps of a document besides its chunks: title, pages, outline."""
    from nttqa.chunk import outline

    return {
        "doc": d.doc, "title": d.title, "meta": d.meta, "pages": len(d.pages),
        "pages_estimated": any(p.estimated for p in d.pages),
        "page_labels": [p.label for p in d.pages],
        "outline": [asdict(o) for o in outline(d)],
    }


def document_rows(doc: Document, hashes: dict[str, str], settings: Settings, embedder: "Embedder",
                  say: Progress = _noop) -> "DocumentRows":
    """One thesis chunked and embedded, ready for the database."""
    from nttqa.pgschema import DocumentRows

    chunks = chunk_corpus([doc], settings)
    vectors, sents, svectors = embed_chunks(chunks, embedder, say)
    return DocumentRows(meta=document_metadata(doc), hashes=hashes, chunks=chunks, vectors=vectors,
                        sentences=sents, sentence_vectors=svectors)


@dataclass
class _DocRows:
    """One document's part of the file index: chunks numbered from 0, their vectors, sentence
    spans (chunk number, start, end) and sentence vectors, and the document's metadata."""

    chunks: list[Chunk]
    vectors: "np.ndarray"
    sentences: list[tuple[int, int, int]]
    sentence_vectors: "np.ndarray"
    meta: dict


def _own_hashes(path: Path, hashes: dict[str, str]) -> dict[str, str]:
    """The corpus hashes that belong to one document: its file and its metadata sidecar."""
    names = (path.name, path.name + ".meta.json", path.with_suffix(".meta.json").name)
    return {k: hashes[k] for k in names if k in hashes}


def _previous_index(settings: Settings, embedder_id: str) -> "IndexStore | None":
    """The index already built with these settings and embedder, whatever its corpus; None when
    there is none (or it cannot be used), and the build starts from nothing."""
    from nttqa.chunk import CHUNKER_VERSION
    from nttqa.errors import NttqaError
    from nttqa.index import load_index

    try:
        old = load_index(Path(settings.index_dir), settings, embedder_id, corpus=None)
    except NttqaError:
        return None
    return old if old.manifest.get("chunker_version") == CHUNKER_VERSION else None


def _doc_rows(name: str, meta: dict, chunks: Sequence[Chunk], vectors: "np.ndarray",
              sentences: Sequence[tuple[int, int, int]], sentence_vectors: "np.ndarray") -> _DocRows:
    """One document's share of an index's arrays (chunk ids are positions), renumbered from 0."""
    import numpy as np

    ids = [c.id for c in chunks if c.doc == name]
    local = {cid: i for i, cid in enumerate(ids)}
    rows = [r for r, (cid, _s, _e) in enumerate(sentences) if cid in local]
    return _DocRows([replace(chunks[cid], id=local[cid]) for cid in ids], vectors[np.asarray(ids, int)],
                    [(local[sentences[r][0]], sentences[r][1], sentences[r][2]) for r in rows],
                    sentence_vectors[np.asarray(rows, int)].reshape(len(rows), -1), meta)


def _reused_rows(old: "IndexStore", name: str) -> _DocRows:
    """A document's rows taken over from the previous index, nothing re-embedded."""
    meta = next(d for d in old.docs if d.get("doc") == name)
    return _doc_rows(name, meta, old.chunks, old.vectors(), old.sentences, old.sentence_vectors)


def _new_rows(docs: Sequence[Document], settings: Settings, embedder: "Embedder", say: Progress
              ) -> dict[str, _DocRows]:
    """Parsed documents chunked and embedded (in one batch, so progress covers them all)."""
    chunks = chunk_corpus(docs, settings)
    vectors, sents, svectors = embed_chunks(chunks, embedder, say)
    return {d.doc: _doc_rows(d.doc, document_metadata(d), chunks, vectors, sents, svectors) for d in docs}


def _vocabulary(chunks: Sequence[Chunk], old: "IndexStore | None", embedder: "Embedder", say: Progress
                ) -> tuple[list[str], "np.ndarray"]:
    """The corpus' words and their vectors; words the previous index had keep their vectors."""
    import numpy as np

    from nttqa.textutil import vocabulary

    words = vocabulary(c.text for c in chunks)
    known = {w: i for i, w in enumerate(old.vocab_words)} if old is not None else {}
    missing = [w for w in words if w not in known]
    fresh = _embed_batches(missing, embedder.embed_queries, embedder.dim, 64, "embed vocabulary", say)
    at = {w: i for i, w in enumerate(missing)}
    vecs = np.zeros((len(words), embedder.dim), np.float32)
    for i, w in enumerate(words):
        vecs[i] = old.vocab_vectors[known[w]] if w in known else fresh[at[w]]
    return words, vecs


def build(settings: Settings | None = None, progress: Progress | None = None, full: bool = False) -> dict:
    """Build the index for the corpus; the previous index stays usable until the switch.

    Incremental: a document whose file and metadata are unchanged since the previous build
    (same settings, same embedder) keeps its chunks and vectors; only new or changed documents
    are parsed and embedded, and a removed one is dropped (``full``: every document anew).  With
    ``settings.database_url`` the theses go to PostgreSQL instead (only changed ones)."""
    import numpy as np

    from nttqa.chunk import CHUNKER_VERSION
    from nttqa.embed import get_embedder
    from nttqa.index import BuildInputs, build_lock, corpus_hashes, write_index
    from nttqa.parse import corpus_files, read_document

    settings = settings or load_settings()
    if settings.database_url:
        from nttqa.pgstore import build_database

        return build_database(settings, progress)
    say = progress or _noop
    t0 = time.perf_counter()
    with build_lock(Path(settings.index_dir)):
        files = corpus_files(settings.corpus_dir)
        hashes = corpus_hashes(files)
        embedder = get_embedder(settings.embedder)
        old = None if full else _previous_index(settings, embedder.id)
        before = old.manifest.get("corpus", {}) if old is not None else {}
        had = {d.get("doc") for d in old.docs} if old is not None else set()
        # Unchanged: the same file and the same metadata sidecars (one added or deleted is a change).
        kept = {f.name for f in files if f.name in had and _own_hashes(f, before) == _own_hashes(f, hashes)}
        fresh = [f for f in files if f.name not in kept]
        say("parse", 0, len(fresh))
        docs = [read_document(f, max_bytes=settings.max_file_bytes) for f in fresh]  # raises CorpusError before anything is written
        say("parse", len(fresh), len(fresh))
        rows = _new_rows(docs, settings, embedder, say) if docs else {}
        for name in kept:
            rows[name] = _reused_rows(old, name)
        chunks: list[Chunk] = []
        sents: list[tuple[int, int, int]] = []
        vectors, svectors, doc_meta = [], [], []
        for f in files:  # in corpus order, as a full build numbers them
            r = rows[f.name]
            base = len(chunks)
            chunks += [replace(c, id=base + c.id) for c in r.chunks]
            sents += [(base + cid, s, e) for cid, s, e in r.sentences]
            vectors.append(r.vectors)
            svectors.append(r.sentence_vectors)
            doc_meta.append(r.meta)
        words, wvectors = _vocabulary(chunks, old, embedder, say)
        del old  # its files may be removed by the write below
        say("write index", 0, 1)
        dim = embedder.dim
        manifest = write_index(Path(settings.index_dir), BuildInputs(
            chunks=chunks, vectors=np.vstack(vectors) if vectors else np.zeros((0, dim), np.float32), docs=doc_meta,
            corpus=hashes, embedder_id=embedder.id, settings=settings, sentences=sents,
            sentence_vectors=np.vstack(svectors) if svectors else np.zeros((0, dim), np.float32),
            build_seconds=time.perf_counter() - t0, vocab_words=words, vocab_vectors=wvectors,
            chunker_version=CHUNKER_VERSION))
        # No progress call after the switch: a caller interrupted there (a Streamlit rerun) would
        # undo a change the index already holds.
        manifest["reused"] = sorted(kept)
    return manifest


class Pipeline:
    """A loaded index with its embedder, retriever and answerer.  Thread-safe for queries."""

    def __init__(self, settings: Settings, store: "IndexStore | PgIndexStore", embedder: "Embedder") -> None:
        self.settings = settings
        self.embedder = embedder
        self._lock = threading.Lock()
        self._checked = 0.0
        self._retired: list[Any] = []
        self._attach(store)

    def _attach(self, store: "IndexStore | PgIndexStore") -> None:
        """Serve from ``store``: its glossary, retriever and (lazily) answerer.  Each attribute
        is swapped whole, so a question already under way finishes on the objects it holds."""
        from nttqa.query import Glossary
        from nttqa.retrieve import RetrievalParams, Retriever
        from nttqa.study.glossary import build_glossary, curated_terms

        settings = self.settings
        terms = build_glossary(store.chunks)
        glossary = Glossary.from_terms(terms + curated_terms() + curated_terms("vocab_en_id.tsv")
                                       + curated_terms("synonyms_id.tsv", kind="synonym"))
        retriever = Retriever(store, self.embedder, glossary, RetrievalParams(
            candidates=settings.candidates, use_expansion=settings.use_expansion,
            use_boosts=settings.use_query_boosts, use_sentences=settings.rerank))
        self.store, self.terms, self.glossary, self.retriever = store, terms, glossary, retriever
        self._answerer: Answerer | None = None

    def refresh(self, every: float = 2.0) -> bool:
        """With a database store: when another process has added, replaced or removed a thesis
        since this snapshot was loaded, load the database anew and serve from it (True).  Checks
        at most once per ``every`` seconds (one small query); a file index never changes under a
        running process (``nttqa build`` writes a new folder), so it is never reloaded here."""
        if not hasattr(self.store, "current_version") or time.monotonic() - self._checked < every:
            return False
        with self._lock:
            self._checked = time.monotonic()
            # Asked of the store served now: another thread may have reloaded while this one waited.
            if self.store.current_version() == self.store.version:
                return False
            from nttqa.pgstore import load_store

            # The database is the library: what another process wrote there is served, whether
            # or not this machine's corpus folder has the file.
            for stale in self._retired:
                stale.close()
            # The old snapshot closes at the next reload, not now: a question already under
            # way may still be reading through its connections.
            self._retired = [self.store]
            self._attach(load_store(self.settings.database_url, self.settings, self.embedder.id))
        return True

    @classmethod
    def load(cls, settings: Settings | None = None, check_corpus: bool = True, verify: bool = True) -> "Pipeline":
        """Load the index; raises StaleIndexError / CorruptIndexError / IndexMissingError with a fix."""
        from nttqa.embed import get_embedder
        from nttqa.index import corpus_hashes, load_index, read_manifest
        from nttqa.parse import corpus_files

        settings = settings or load_settings()
        corpus = corpus_hashes(corpus_files(settings.corpus_dir)) if check_corpus else None
        store: "IndexStore | PgIndexStore"
        if settings.database_url:
            from nttqa.pgstore import load_store

            store = load_store(settings.database_url, settings, corpus=corpus)
        else:
            manifest = read_manifest(settings.index_dir)
            store = load_index(settings.index_dir, settings, manifest.get("embedder", {}).get("id"), corpus, verify)
        embedder = get_embedder(settings.embedder)
        if embedder.id != store.manifest["embedder"]["id"]:
            from nttqa.errors import StaleIndexError

            raise StaleIndexError(str(store.index_dir),
                                  [f"embedder {store.manifest['embedder']['id']} != {embedder.id}"])
        return cls(settings, store, embedder)

    @property
    def chunks(self) -> list[Chunk]:
        return self.store.chunks

    def status(self) -> dict:
        m = self.store.manifest
        return {
            "documents": [d["doc"] for d in self.store.docs],
            "titles": [d.get("title", d["doc"]) for d in self.store.docs],
            "chunks": m.get("chunk_count"),
            "embedder": m.get("embedder", {}).get("id"),
            "built_at": m.get("built_at"),
            "build_seconds": m.get("build_seconds"),
            "index_dir": str(self.store.index_dir),
        }

    def check_question(self, question: str) -> str:
        q = "".join(ch for ch in (question or "") if ch.isprintable() or ch in "\n\t").strip()
        if not q:
            raise QuestionError("The question is empty. Type a question about the thesis, e.g. "
                                "\"What did IOM do in 2018?\" / \"Apa penyebab perdagangan manusia di NTT?\"")
        if len(q) > self.settings.max_question_chars:
            raise QuestionError(f"The question is {len(q):,} characters long; the limit is "
                                f"{self.settings.max_question_chars:,}. Ask one shorter question at a time.")
        return q

    def documents(self) -> list[str]:
        """The documents of the index (their file names), in corpus order."""
        return [str(d.get("doc")) for d in self.store.docs]

    def check_doc(self, doc: str | None) -> tuple[str, ...] | None:
        """The documents a question is limited to: ``doc`` (a file name, or a title), or every
        document when None or "all"."""
        if not doc or doc == "all":
            return None
        for d in self.store.docs:
            if doc in (d.get("doc"), d.get("title")):
                return (str(d.get("doc")),)
        raise QuestionError(f"No document named {doc!r} in the index. Its documents: "
                            + "; ".join(self.documents()) + ". Pass one of them, or none to ask across all.")

    def search(self, question: str, k: int | None = None, doc: str | None = None) -> list[Hit]:
        q = self.check_question(question)
        docs = self.check_doc(doc)
        if question_scope(q) == "no_words":
            return []  # nothing to match: closest passages would be random
        return self.retriever.search(q, k or self.settings.top_k, docs=docs)

    @property
    def answerer(self) -> "Answerer":
        if self._answerer is None:
            with self._lock:
                if self._answerer is None:
                    from nttqa.answer import Answerer

                    self._answerer = Answerer(self.retriever, self.settings)
        return self._answerer

    def ask(self, question: str, k: int | None = None, mode: str | None = None, lang: str | None = None,
            on_token: Callable[[str], None] | None = None, doc: str | None = None) -> Answer:
        """Answer with citations; ``doc`` limits the question to one document (None: all)."""
        q = self.check_question(question)
        docs = self.check_doc(doc)
        scope = question_scope(q)
        if scope:
            # Refused before retrieval: passages found for emoji or another script are noise.
            reply = lang if lang in ("id", "en") else "en"
            from nttqa.messages import reason_text

            return Answer(question=q, text=reason_text(reply, scope), language=reply, refused=True, reason=scope)
        return self.answerer.answer(q, k=k or self.settings.top_k, mode=mode or self.settings.answer_mode,
                                    lang=lang, on_token=on_token, docs=docs)


# --- adding and removing one document -------------------------------------------------


def add_document(source: Path, settings: Settings | None = None, progress: Progress | None = None,
                 replace_existing: bool = False, name: str | None = None) -> dict:
    """Copy ``source`` into the corpus and update the index: only this document is parsed and
    embedded.  The file is read first (type by content, size limit, encrypted, scanned or
    damaged files refused with the fix); if anything fails, the corpus and the index are as
    they were.  ``name``: the file name in the corpus (an upload's own name)."""
    import shutil

    from nttqa.errors import CorpusError
    from nttqa.parse import read_document

    settings = settings or load_settings()
    source = Path(source)
    target = Path(settings.corpus_dir) / (name or source.name)
    if target.name.startswith(".") or target.name != Path(target.name).name:
        raise CorpusError(target.name, "the file name is not usable", "Rename the file (no leading dot, no folders)")
    read_document(source, max_bytes=settings.max_file_bytes)  # refuses with the fix
    if target.exists():
        if source.resolve() == target.resolve():
            raise CorpusError(str(target), "the file is already in the corpus", "Run nttqa build to index it")
        if not replace_existing:
            raise CorpusError(str(target), "the corpus already holds a document of this name",
                              "Remove it first (nttqa remove), rename the new file, or pass --replace")
    previous = target.with_name(f".{target.name}.previous")
    staged = target.with_name(f".{target.name}.adding")
    replaced = placed = False
    try:
        shutil.copyfile(source, staged)  # a full disk fails here, before the corpus changes
        if target.exists():
            os.replace(target, previous)
            replaced = True
        os.replace(staged, target)
        placed = True
        manifest = build(settings, progress)
    except BaseException:
        staged.unlink(missing_ok=True)
        if placed:
            target.unlink(missing_ok=True)
        if replaced:
            os.replace(previous, target)
        raise
    if replaced:
        previous.unlink(missing_ok=True)
    return manifest


def add_bytes(name: str, data: bytes, settings: Settings | None = None, progress: Progress | None = None) -> dict:
    """``add_document`` for an upload: its bytes go to a private temporary file first, so the
    corpus only ever sees a file that was read and accepted."""
    import tempfile

    with tempfile.TemporaryDirectory(prefix="nttqa-upload-") as tmp:
        staged = Path(tmp) / Path(name).name
        staged.write_bytes(data)
        return add_document(staged, settings, progress, name=Path(name).name)


def remove_document(name: str, settings: Settings | None = None, progress: Progress | None = None) -> dict:
    """Take the document ``name`` (its file name in the corpus) and its metadata out of the
    corpus and update the index without re-embedding anything; on failure nothing changes."""
    from nttqa.errors import CorpusError
    from nttqa.parse import corpus_files

    settings = settings or load_settings()
    corpus = Path(settings.corpus_dir)
    if settings.database_url:  # a shared library: the thesis may come from another machine's corpus
        path = corpus / name
        files = {name: path} if path.is_file() else {}
    else:
        files = {p.name: p for p in corpus_files(corpus)}
        if name not in files:
            raise CorpusError(name, "the corpus holds no document of this name",
                              "See the names with `nttqa status` (documents)")
        if len(files) == 1:
            raise CorpusError(name, "it is the only document in the corpus",
                              "Add another document first; an index needs at least one")
    path = files.get(name)
    own = [] if path is None else [path] + [
        side for side in (path.with_name(path.name + ".meta.json"), path.with_suffix(".meta.json"))
        if side.exists()]
    moved = [(p, p.with_name(f".{p.name}.removing")) for p in own]
    for src, dst in moved:
        os.replace(src, dst)
    try:
        if settings.database_url:  # a shared library keeps what this machine lacks: remove it by name
            from nttqa.pgstore import PgWriter

            with PgWriter(settings.database_url) as w:
                if not w.remove(name):
                    raise CorpusError(name, "the library holds no thesis of this name",
                                      "See the names with `nttqa db status`")
            manifest = {"removed": [name]}
        else:
            manifest = build(settings, progress)
    except BaseException:
        for src, dst in moved:
            os.replace(dst, src)
        raise
    for _src, dst in moved:
        dst.unlink(missing_ok=True)
    return manifest
