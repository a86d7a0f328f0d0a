"""Wires the stages: build (parse -> chunk -> embed -> index) and load/ask/search."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import asdict
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

    limit = int(settings.max_file_mb * 1_000_000)
    return [read_document(p, max_bytes=limit) for p in corpus_files(settings.corpus_dir)]


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


def embed_vocabulary(chunks: Sequence[Chunk], embedder: "Embedder", say: Progress = _noop
                     ) -> tuple[list[str], "np.ndarray"]:
    """The corpus' content words and their vectors (embedded as queries, as question words are)."""
    from nttqa.textutil import vocabulary

    words = vocabulary(c.text for c in chunks)
    return words, _embed_batches(words, embedder.embed_queries, embedder.dim, 64, "embed vocabulary", say)


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


def build(settings: Settings | None = None, progress: Progress | None = None) -> dict:
    """Build the index for the corpus; the previous index stays usable until the switch.
    With ``settings.database_url`` the theses go to PostgreSQL instead (only changed ones)."""
    from nttqa.embed import get_embedder
    from nttqa.index import BuildInputs, build_lock, corpus_hashes, write_index
    from nttqa.parse import corpus_files

    settings = settings or load_settings()
    if settings.database_url:
        from nttqa.pgstore import build_database

        return build_database(settings, progress)
    say = progress or _noop
    t0 = time.perf_counter()
    with build_lock(Path(settings.index_dir)):
        files = corpus_files(settings.corpus_dir)
        hashes = corpus_hashes(files)
        say("parse", 0, len(files))
        docs = parse_corpus(settings)  # raises CorpusError before anything is written
        say("parse", len(files), len(files))
        chunks = chunk_corpus(docs, settings)
        embedder = get_embedder(settings.embedder)
        vectors, sents, svectors = embed_chunks(chunks, embedder, say)
        words, wvectors = embed_vocabulary(chunks, embedder, say)
        doc_meta = [document_metadata(d) for d in docs]
        say("write index", 0, 1)
        manifest = write_index(Path(settings.index_dir), BuildInputs(
            chunks=chunks, vectors=vectors, docs=doc_meta, corpus=hashes, embedder_id=embedder.id,
            settings=settings, sentences=sents, sentence_vectors=svectors,
            build_seconds=time.perf_counter() - t0, vocab_words=words, vocab_vectors=wvectors))
        say("write index", 1, 1)
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
        glossary = Glossary.from_terms(terms + curated_terms())
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

    def search(self, question: str, k: int | None = None) -> list[Hit]:
        q = self.check_question(question)
        if question_scope(q) == "no_words":
            return []  # nothing to match: closest passages would be random
        return self.retriever.search(q, k or self.settings.top_k)

    @property
    def answerer(self) -> "Answerer":
        if self._answerer is None:
            with self._lock:
                if self._answerer is None:
                    from nttqa.answer import Answerer

                    self._answerer = Answerer(self.retriever, self.settings)
        return self._answerer

    def ask(self, question: str, k: int | None = None, mode: str | None = None, lang: str | None = None,
            on_token: Callable[[str], None] | None = None) -> Answer:
        q = self.check_question(question)
        scope = question_scope(q)
        if scope:
            # Refused before retrieval: passages found for emoji or another script are noise.
            reply = lang if lang in ("id", "en") else "en"
            from nttqa.messages import reason_text

            return Answer(question=q, text=reason_text(reply, scope), language=reply, refused=True, reason=scope)
        return self.answerer.answer(q, k=k or self.settings.top_k, mode=mode or self.settings.answer_mode,
                                    lang=lang, on_token=on_token)
