"""The index in PostgreSQL + pgvector: a second ``IndexStore`` for a library of theses.

Selected by ``NTTQA_DATABASE_URL`` (or ``--database-url``); the file index in
``index/`` stays the default.  Here: writing theses (:class:`PgWriter`,
:func:`import_store`, :func:`build_database`) and reading a snapshot
(:class:`PgIndexStore`, :func:`load_store`).  The tables, connections, schema
versions, a thesis's rows and the SQL literals are in :mod:`nttqa.pgschema`.

Adding, replacing or removing one thesis is one transaction that touches only its
rows (a replacement gets a new document id).  A reader loads a snapshot of the
document ids in one REPEATABLE READ transaction and every later query is limited to
those ids, so it never sees half a document and its BM25 statistics stay consistent.

Lexical search: the ``tsvector`` holds ``nttqa.index.analyze`` terms with their
positions (never PostgreSQL's own parser), so the query and the index share one
analyzer.  BM25 (the Lucene variant bm25s uses, k1 1.5, b 0.75) is computed in one SQL
statement: the GIN index finds the chunks holding any query term, ``unnest`` gives
each term's frequency, document frequencies are counted over that same match set
(every chunk holding a term is in it), N and the mean length come from the snapshot.

Dense search: ``ORDER BY embedding <#> q LIMIT n`` on the HNSW index, with
``hnsw.ef_search`` raised to cover ``n``.  The store reports ``approximate`` so the
retriever scores only candidates (HNSW neighbours + best lexical matches), exactly as
with an approximate file index.  Chunk texts, sentence spans and vectors are held in
memory after loading, as the retriever and answerer read them directly.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nttqa.config import Settings
from nttqa.errors import (
    DatabaseEmptyError,
    DatabaseSchemaError,
    IndexBusyError,
    StaleDatabaseError,
)
from nttqa.index import StoredCorpus, staleness
from nttqa.pgschema import (
    DocumentRows,
    check_schema,
    connect,
    index_facts,
    insert_document,
    library_version,
    open_pool,
    read_facts,
    redact,
    stack_vectors,
    tsquery_literal,
    vector_literal,
    write_facts,
)
from nttqa.types import Chunk

if TYPE_CHECKING:
    from psycopg_pool import ConnectionPool
    from typing_extensions import Self

    from nttqa.index import IndexStore

BM25_K1, BM25_B = 1.5, 0.75  # bm25s' defaults, so scores equal the file index's
_BUILD_LOCK = 0x6E747471  # pg_advisory_lock key for builds ("nttq")


# --- writing -----------------------------------------------------------------------


class PgWriter:
    """Per-document changes, one transaction each: readers see the old thesis or the new one."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.conn = connect(url)
        check_schema(self.conn, url)
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    @contextmanager
    def build_lock(self) -> Iterator[None]:
        got = self.conn.execute("SELECT pg_try_advisory_lock(%s)", (_BUILD_LOCK,)).fetchone()[0]
        self.conn.commit()
        if not got:
            raise IndexBusyError(redact(self.url))
        try:
            yield
        finally:
            self.conn.execute("SELECT pg_advisory_unlock(%s)", (_BUILD_LOCK,))
            self.conn.commit()

    def documents(self) -> dict[str, dict[str, str]]:
        """Stored theses and their content hashes."""
        rows = self.conn.execute("SELECT doc, hashes FROM nttqa_documents").fetchall()
        self.conn.commit()
        return {d: h for d, h in rows}

    def facts(self) -> dict[str, Any]:
        facts = read_facts(self.conn)
        self.conn.commit()
        return facts

    def _check_dim(self, rows: Sequence[DocumentRows]) -> None:
        dim = read_facts(self.conn).get("dim")
        for r in rows:
            if r.vectors.size and dim and r.vectors.shape[1] != dim:
                self.conn.rollback()
                raise DatabaseSchemaError(redact(self.url), f"its vector columns hold {dim} dimensions, the embedder "
                                                            f"gives {r.vectors.shape[1]}", dim=r.vectors.shape[1])

    def put(self, rows: DocumentRows, facts: dict[str, Any] | None = None) -> int:
        """Add or replace one thesis."""
        with self.conn.transaction():
            self._check_dim([rows])
            self.conn.execute("DELETE FROM nttqa_documents WHERE doc = %s", (rows.doc,))
            doc_id = insert_document(self.conn, rows)
            if facts:
                write_facts(self.conn, facts)
        return doc_id

    def put_vocabulary(self, words: Sequence[str], vectors: np.ndarray) -> None:
        """Add corpus words and their vectors (words already stored are kept)."""
        if not len(words):
            return
        with self.conn.transaction():
            cur = self.conn.cursor()
            self.conn.execute("CREATE TEMP TABLE IF NOT EXISTS nttqa_vocab_in (word text, embedding text) "
                              "ON COMMIT DROP")
            with cur.copy("COPY nttqa_vocab_in (word, embedding) FROM STDIN") as cp:
                for w, v in zip(words, vectors):
                    cp.write_row((w, vector_literal(v)))
            self.conn.execute("INSERT INTO nttqa_vocab (word, embedding) SELECT word, embedding::vector "
                              "FROM nttqa_vocab_in ON CONFLICT (word) DO NOTHING")

    def vocabulary(self) -> set[str]:
        return {r[0] for r in self.conn.execute("SELECT word FROM nttqa_vocab").fetchall()}

    def remove(self, doc: str) -> bool:
        """Remove one thesis; False when it was not stored."""
        with self.conn.transaction():
            n = self.conn.execute("DELETE FROM nttqa_documents WHERE doc = %s", (doc,)).rowcount
        return n > 0

    def replace_all(self, docs: Sequence[DocumentRows], facts: dict[str, Any]) -> None:
        """Every thesis anew (the embedder or settings changed): one transaction."""
        with self.conn.transaction():
            self._check_dim(docs)
            self.conn.execute("DELETE FROM nttqa_documents")
            self.conn.execute("DELETE FROM nttqa_vocab")  # the words' vectors belong to the old embedder
            for rows in docs:
                insert_document(self.conn, rows)
            write_facts(self.conn, facts)


def rows_from_store(store: IndexStore) -> list[DocumentRows]:
    """Split a file index into per-thesis rows (no re-embedding)."""
    corpus = store.manifest.get("corpus", {})
    out = []
    for meta in store.docs:
        name = meta["doc"]
        ids = [c.id for c in store.chunks if c.doc == name]
        keep = set(ids)
        srows = [r for r, (cid, _s, _e) in enumerate(store.sentences) if cid in keep]
        stem = Path(name).stem
        hashes = {k: v for k, v in corpus.items() if k == name or k in (name + ".meta.json", stem + ".meta.json")}
        out.append(DocumentRows(meta=meta, hashes=hashes, chunks=[store.chunks[i] for i in ids],
                                vectors=store.vectors()[ids], sentences=[store.sentences[r] for r in srows],
                                sentence_vectors=store.sentence_vectors[srows]))
    return out


def import_store(store: IndexStore, url: str) -> dict[str, Any]:
    """Copy a file index into the database (all theses and the facts, one transaction)."""
    m = store.manifest
    facts = {k: m[k] for k in ("format_version", "embedder", "settings_fingerprint", "analyzer_version", "params",
                               "build_seconds") if k in m}
    rows = rows_from_store(store)
    with PgWriter(url) as w, w.build_lock():
        w.replace_all(rows, facts)
        w.put_vocabulary(store.vocab_words, store.vocab_vectors)
    return {"documents": len(rows), "chunks": len(store.chunks), "database": redact(url)}


# --- reading -----------------------------------------------------------------------


class PgIndexStore(StoredCorpus):
    """A loaded snapshot of the database: the same calls as the file ``IndexStore``."""

    def __init__(self, url: str, pool: ConnectionPool, manifest: dict, doc_ids: list[int],
                 chunks: list[Chunk], chunk_keys: np.ndarray, vectors: np.ndarray, lex_total: int,
                 docs: list[dict[str, Any]], sentences: list[tuple[int, int, int]],
                 sentence_vectors: np.ndarray, vocab_words: Sequence[str] = (),
                 vocab_vectors: np.ndarray | None = None, version: str = "") -> None:
        super().__init__(manifest, chunks, docs, sentences, sentence_vectors, vocab_words, vocab_vectors)
        self.url = url
        self.version = version  # library_version of the snapshot this store holds
        self.index_dir = redact(url)  # where messages say the index lives
        self._pool = pool
        self._doc_ids = doc_ids
        self._vectors = vectors
        self._position = {int(k): i for i, k in enumerate(chunk_keys)}  # database chunk id -> position
        self._avgdl = lex_total / len(chunks) if chunks else 1.0
        self._terms: dict[str, bool] = {}
        self._terms_lock = threading.Lock()

    def current_version(self) -> str:
        """The database's library version now (one small query): differs from ``version``
        once another process has added, replaced or removed a thesis."""
        with self._pool.connection() as conn:
            return library_version(conn)

    @property
    def approximate(self) -> bool:
        """Always: dense search is HNSW, so the retriever scores candidates."""
        return True

    def close(self) -> None:
        self._pool.close()

    def vectors(self) -> np.ndarray:
        return self._vectors

    def dense_scores(self, qvec: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        return self._vectors @ q if ids is None else self._vectors[ids] @ q

    def dense_search(self, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        n = min(n, len(self.chunks))
        if n <= 0:
            return []
        q = np.asarray(qvec, dtype=np.float32).reshape(-1)
        with self._pool.connection() as conn, conn.transaction():
            # HNSW returns at most ef_search rows; pgvector allows up to 1000.
            conn.execute(f"SET LOCAL hnsw.ef_search = {max(40, min(1000, 2 * n))}")
            rows = conn.execute("SELECT id, embedding <#> %s FROM nttqa_chunks ORDER BY embedding <#> %s LIMIT %s",
                                (q, q, n)).fetchall()
        # Chunks added after this snapshot was loaded are not ours.
        return [(self._position[int(i)], -float(d)) for i, d in rows if int(i) in self._position]

    def has_term(self, term: str) -> bool:
        known = self._terms.get(term)
        if known is None:
            with self._pool.connection() as conn:
                known = conn.execute("SELECT EXISTS (SELECT 1 FROM nttqa_chunks WHERE lex @@ %s::tsquery "
                                     "AND document_id = ANY(%s))",
                                     (tsquery_literal([term]), self._doc_ids)).fetchone()[0]
            with self._terms_lock:
                if len(self._terms) < 100_000:
                    self._terms[term] = bool(known)
        return bool(known)

    def lexical_scores(self, terms: Sequence[str]) -> np.ndarray:
        """BM25 of every chunk for already-analysed terms (a repeated term counts again, as in bm25s)."""
        out = np.zeros(len(self.chunks), np.float32)
        terms = [t for t in terms if t]
        if not terms or not self.chunks:
            return out
        with self._pool.connection() as conn:
            rows = conn.execute(_BM25_SQL, {
                "terms": list(terms), "tsq": tsquery_literal(terms), "docs": self._doc_ids,
                "n": float(len(self.chunks)), "avgdl": float(self._avgdl), "k1": BM25_K1, "b": BM25_B}).fetchall()
        for key, score in rows:
            pos = self._position.get(int(key))
            if pos is not None:
                out[pos] = score
        return out


_BM25_SQL = """
WITH q AS (SELECT term, count(*) AS mult FROM unnest(%(terms)s::text[]) AS term GROUP BY term),
m AS (
    SELECT c.id, c.lex_len, u.lexeme, cardinality(u.positions) AS tf
    FROM nttqa_chunks c
    -- setweight marks the question's lexemes and ts_filter keeps only them, in C: unnesting a
    -- chunk's whole tsvector in SQL cost 3x as much (nttqa bench --store postgres).
    CROSS JOIN LATERAL unnest(ts_filter(setweight(c.lex, 'A', %(terms)s::text[]), '{a}')) AS u
    WHERE c.lex @@ %(tsq)s::tsquery AND c.document_id = ANY(%(docs)s)),
d AS (SELECT lexeme, count(*) AS df FROM m GROUP BY lexeme)
SELECT m.id, sum(q.mult * ln(1 + (%(n)s - d.df + 0.5) / (d.df + 0.5))
                 * m.tf / (m.tf + %(k1)s * (1 - %(b)s + %(b)s * m.lex_len / %(avgdl)s)))
FROM m JOIN d USING (lexeme) JOIN q ON q.term = m.lexeme
GROUP BY m.id
"""


def load_store(url: str, settings: Settings, embedder_id: str | None = None,
               corpus: dict[str, str] | None = None, pool_size: int = 8) -> PgIndexStore:
    """Load a consistent snapshot; raises schema, staleness and emptiness errors that say what to run."""
    first_conn = connect(url, vectors=False)  # the schema first: the pool's connections need pgvector's types
    try:
        check_schema(first_conn, url)
    finally:
        first_conn.close()
    pool = open_pool(url, pool_size)
    try:
        with pool.connection() as conn:
            conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")
            version = library_version(conn)
            facts = read_facts(conn)
            docs = conn.execute("SELECT id, doc, meta, hashes, added_at FROM nttqa_documents ORDER BY doc").fetchall()
            cur = conn.cursor(binary=True)
            crow = cur.execute(
                "SELECT c.id, d.doc, c.data, c.lex_len, c.embedding FROM nttqa_chunks c "
                "JOIN nttqa_documents d ON d.id = c.document_id ORDER BY d.doc, c.ord").fetchall()
            srow = cur.execute(
                "SELECT s.document_id, s.chunk_ord, s.span_start, s.span_end, s.embedding FROM nttqa_sentences s "
                "JOIN nttqa_documents d ON d.id = s.document_id ORDER BY d.doc, s.chunk_ord, s.ord").fetchall()
            vrow = cur.execute("SELECT word, embedding FROM nttqa_vocab ORDER BY word").fetchall()
        shown = redact(url)
        if not docs or "embedder" not in facts:
            raise DatabaseEmptyError(shown)
        corpus_stored = {k: v for _i, _d, _m, hashes, _a in docs for k, v in hashes.items()}
        manifest = {**facts, "dense_index": "hnsw", "corpus": corpus_stored, "chunk_count": len(crow),
                    "built_at": max(a for *_r, a in docs).strftime("%Y-%m-%dT%H:%M:%S%z"), "database": shown}
        reasons = staleness(manifest, settings, embedder_id, corpus, shared=True)
        if reasons:
            raise StaleDatabaseError(shown, reasons)
        chunks = [Chunk.from_dict({**data, "id": i, "doc": doc}) for i, (_k, doc, data, _l, _e) in enumerate(crow)]
        # Positions follow (doc, ord): a document's chunks start after those of the documents before it.
        counts: dict[str, int] = {}
        for c in chunks:
            counts[c.doc] = counts.get(c.doc, 0) + 1
        first: dict[int, int] = {}  # document id -> position of its first chunk
        pos = 0
        for doc_id, doc, *_r in docs:
            first[doc_id] = pos
            pos += counts.get(doc, 0)
        dim = int(facts["embedder"]["dim"])
        vectors = stack_vectors([e for *_r, e in crow], dim)
        sentences = [(first[d] + o, s, e) for d, o, s, e, _v in srow]
        svecs = stack_vectors([v for *_r, v in srow], dim)
        return PgIndexStore(url, pool, manifest, [i for i, *_r in docs], chunks, np.array([k for k, *_r in crow]),
                            vectors, sum(int(length) for *_r, length, _e in crow), [m for _i, _d, m, _h, _a in docs],
                            sentences, svecs, [w for w, _v in vrow], stack_vectors([v for _w, v in vrow], dim),
                            version=version)
    except BaseException:
        pool.close()
        raise


# --- building from the corpus --------------------------------------------------------


def build_database(settings: Settings, progress: Callable[[str, int, int], None] | None = None) -> dict:
    """Bring the database up to the corpus: only new or changed theses are parsed and embedded,
    each written in its own transaction.  The database is a shared library: a thesis this
    machine's corpus lacks was added by another machine and stays (``kept``); it goes only by
    name, with ``nttqa remove`` or ``nttqa db remove``."""
    from nttqa.embed import get_embedder
    from nttqa.index import corpus_hashes
    from nttqa.parse import corpus_files, read_document
    from nttqa.pipeline import document_rows

    say = progress or (lambda _s, _d, _t: None)
    url = settings.database_url
    t0 = time.perf_counter()
    with PgWriter(url) as w, w.build_lock():
        files = corpus_files(settings.corpus_dir)
        stored = w.documents()
        embedder = get_embedder(settings.embedder)
        facts = index_facts(settings, embedder.id, embedder.dim)
        old = w.facts()
        full = any(old.get(k) != facts[k] for k in ("format_version", "embedder", "settings_fingerprint",
                                                    "analyzer_version"))
        wanted = {f.name: corpus_hashes([f]) for f in files}
        todo = [f for f in files if full or stored.get(f.name) != wanted[f.name]]
        say("parse", 0, len(todo))
        docs = [read_document(f, max_bytes=settings.max_file_bytes) for f in todo]  # raises CorpusError before anything is written
        say("parse", len(todo), len(todo))
        rows = [document_rows(d, wanted[d.doc], settings, embedder, say) for d in docs]
        facts["build_seconds"] = round(time.perf_counter() - t0, 2)
        say("write database", 0, 1)
        if full:
            w.replace_all(rows, facts)
        else:
            for r in rows:
                w.put(r, facts)
        from nttqa.textutil import vocabulary

        known = w.vocabulary()
        new_words = [x for x in vocabulary(c.text for r in rows for c in r.chunks) if x not in known]
        if new_words:
            w.put_vocabulary(new_words, embedder.embed_queries(new_words))
        say("write database", 1, 1)
        n = w.conn.execute("SELECT coalesce(sum(chunk_count), 0) FROM nttqa_documents").fetchone()[0]
        w.conn.commit()
    corpus = {k: v for h in wanted.values() for k, v in h.items()}
    return {**facts, "corpus": corpus, "chunk_count": int(n), "database": redact(url),
            "written": [r.doc for r in rows], "removed": [], "kept": sorted(set(stored) - set(wanted)), "full": full}
