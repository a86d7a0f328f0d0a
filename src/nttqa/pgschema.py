"""The PostgreSQL + pgvector database underneath ``nttqa.pgstore``: connections, the
schema and its migrations, the rows of one thesis and the SQL literals they are written
with, and the facts table.

Tables (all prefixed ``nttqa_``)::

    nttqa_schema     one row: which application and schema version made the tables
    nttqa_facts      manifest facts: embedder id and dimension, settings fingerprint,
                     analyzer version, index parameters
    nttqa_documents  one row per thesis: its metadata (title, pages, outline) and the
                     content hashes of its file and sidecar
    nttqa_chunks     one row per passage: the chunk fields (jsonb), the analysed terms
                     as a ``tsvector`` (GIN index), their count, and the passage vector
                     (``vector(dim)``, HNSW index with inner-product ops)
    nttqa_sentences  sentence spans inside each chunk and their vectors
    nttqa_vocab      the corpus words and their vectors (cross-lingual neighbours)

``migrate`` creates them or brings an older schema up to date; ``check_schema`` refuses
another application's tables, an older schema and a newer one, each with what to run.
psycopg, psycopg_pool and pgvector are imported only when a connection is opened.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nttqa.config import INDEX_FORMAT_VERSION, Settings
from nttqa.errors import DatabaseSchemaError, DatabaseUnavailableError
from nttqa.index import ANALYZER_VERSION, analyze, lexical_text
from nttqa.types import Chunk

if TYPE_CHECKING:
    from psycopg import Connection
    from psycopg_pool import ConnectionPool

APP = "nttqa"
SCHEMA_VERSION = 2  # 2: nttqa_vocab, the corpus words and their vectors (cross-lingual neighbours)
DEFAULT_DIM = 384  # multilingual-e5-small, the default embedder
_TABLES = ("nttqa_schema", "nttqa_facts", "nttqa_documents", "nttqa_chunks", "nttqa_sentences", "nttqa_vocab")
_MAX_POSITION = 16383  # PostgreSQL's largest tsvector position


def redact(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@?]*):[^@/?]*@", r"\1@", url)


# --- connections -------------------------------------------------------------------


def _psycopg() -> Any:
    try:
        import psycopg
    except ImportError:
        raise DatabaseUnavailableError(
            "", "psycopg is not installed", 'Install the PostgreSQL extra: pip install -e ".[pg]"') from None
    return psycopg


def connect(url: str, vectors: bool = True) -> Connection:
    """One connection (autocommit off); ``vectors`` registers the pgvector types."""
    psycopg = _psycopg()
    try:
        conn = psycopg.connect(url, connect_timeout=10)
    except psycopg.OperationalError as exc:
        raise DatabaseUnavailableError(redact(url), str(exc).strip().splitlines()[0] if str(exc) else "no answer",
                                       "Check the URL and that the server is running.") from exc
    if vectors:
        _register(conn, url)
    return conn


def _register(conn: Connection, url: str) -> None:
    from pgvector.psycopg import register_vector

    try:
        register_vector(conn)
    except Exception as exc:  # psycopg.ProgrammingError: the vector type does not exist
        conn.rollback()
        raise DatabaseSchemaError(redact(url), "the pgvector extension is not installed in this database") from exc
    conn.commit()


def open_pool(url: str, max_size: int = 8) -> ConnectionPool:
    _psycopg()
    from psycopg_pool import ConnectionPool

    pool = ConnectionPool(url, min_size=1, max_size=max_size, open=False, timeout=30,
                          configure=lambda conn: _register(conn, url), kwargs={"connect_timeout": 10})
    try:
        pool.open(wait=True, timeout=15)
    except Exception as exc:  # PoolTimeout: the server did not answer
        pool.close()
        raise DatabaseUnavailableError(redact(url), f"{type(exc).__name__}: {exc}",
                                       "Check the URL and that the server is running.") from exc
    return pool


# --- schema ------------------------------------------------------------------------

# Each step takes the schema from version i to i + 1; `migrate` runs the missing ones.
_MIGRATIONS: list[str] = [
    """
    CREATE TABLE IF NOT EXISTS nttqa_facts (key text PRIMARY KEY, value jsonb NOT NULL);
    CREATE TABLE IF NOT EXISTS nttqa_documents (
        id bigserial PRIMARY KEY,
        doc text NOT NULL UNIQUE,
        meta jsonb NOT NULL,
        hashes jsonb NOT NULL,
        chunk_count integer NOT NULL,
        added_at timestamptz NOT NULL DEFAULT now());
    CREATE TABLE IF NOT EXISTS nttqa_chunks (
        id bigserial PRIMARY KEY,
        document_id bigint NOT NULL REFERENCES nttqa_documents (id) ON DELETE CASCADE,
        ord integer NOT NULL,
        data jsonb NOT NULL,
        lex tsvector NOT NULL,
        lex_len integer NOT NULL,
        embedding vector({dim}) NOT NULL,
        UNIQUE (document_id, ord));
    CREATE INDEX IF NOT EXISTS nttqa_chunks_lex ON nttqa_chunks USING gin (lex);
    CREATE INDEX IF NOT EXISTS nttqa_chunks_embedding ON nttqa_chunks
        USING hnsw (embedding vector_ip_ops) WITH (m = 16, ef_construction = 64);
    CREATE TABLE IF NOT EXISTS nttqa_sentences (
        document_id bigint NOT NULL REFERENCES nttqa_documents (id) ON DELETE CASCADE,
        chunk_ord integer NOT NULL,
        ord integer NOT NULL,
        span_start integer NOT NULL,
        span_end integer NOT NULL,
        embedding vector({dim}) NOT NULL,
        PRIMARY KEY (document_id, chunk_ord, ord));
    """,
    """
    CREATE TABLE IF NOT EXISTS nttqa_vocab (word text PRIMARY KEY, embedding vector({dim}) NOT NULL);
    """,
]


def schema_version(conn: Connection) -> tuple[str, int] | None:
    """(application, version) from the schema table, or None when there are no nttqa tables."""
    row = conn.execute("SELECT to_regclass('nttqa_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return None
    got = conn.execute("SELECT app, version FROM nttqa_schema LIMIT 1").fetchone()
    return (str(got[0]), int(got[1])) if got else ("", 0)


def check_schema(conn: Connection, url: str) -> None:
    """Raise DatabaseSchemaError unless the tables are this nttqa's current schema."""
    found = schema_version(conn)
    shown = redact(url)
    if found is None:
        others = conn.execute("SELECT count(*) FROM pg_tables WHERE tablename = ANY(%s)",
                              (list(_TABLES),)).fetchone()[0]
        why = "nttqa tables without a schema version" if others else "no nttqa tables"
        raise DatabaseSchemaError(shown, why)
    version = _usable_version(found, shown)
    if version < SCHEMA_VERSION:
        raise DatabaseSchemaError(shown, f"schema version {version}, this nttqa needs {SCHEMA_VERSION}")


def _usable_version(found: tuple[str, int] | None, shown: str) -> int:
    """The schema version found (0 for none); raises for another application's or a newer schema."""
    if found is None:
        return 0
    app, version = found
    if app != APP:
        raise DatabaseSchemaError(shown, f"its nttqa_schema table belongs to {app or 'an unknown application'!r}",
                                  foreign=True)
    if version > SCHEMA_VERSION:
        raise DatabaseSchemaError(shown, f"schema version {version} is newer than this nttqa's "
                                         f"({SCHEMA_VERSION})", newer=True)
    return version


def migrate(url: str, dim: int = DEFAULT_DIM) -> dict[str, Any]:
    """Create the extension and tables, or bring an older schema up to date; idempotent."""
    conn = connect(url, vectors=False)
    try:
        with conn.transaction():
            start = _usable_version(schema_version(conn), redact(url))
            if conn.execute("SELECT count(*) FROM pg_extension WHERE extname = 'vector'").fetchone()[0] == 0:
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
            for step in _MIGRATIONS[start:]:
                conn.execute(step.format(dim=int(dim)).encode())
            conn.execute("CREATE TABLE IF NOT EXISTS nttqa_schema (app text NOT NULL, version integer NOT NULL, "
                         "migrated_at timestamptz NOT NULL DEFAULT now())")
            conn.execute("DELETE FROM nttqa_schema")
            conn.execute("INSERT INTO nttqa_schema (app, version) VALUES (%s, %s)", (APP, SCHEMA_VERSION))
            conn.execute("INSERT INTO nttqa_facts (key, value) VALUES ('dim', %s) ON CONFLICT (key) DO NOTHING",
                         (json.dumps(int(dim)),))
            dim_now = conn.execute("SELECT value FROM nttqa_facts WHERE key = 'dim'").fetchone()[0]
    finally:
        conn.close()
    return {"database": redact(url), "schema_version": SCHEMA_VERSION, "from_version": start, "dim": int(dim_now)}


# --- literals and vectors ----------------------------------------------------------


def _quote(term: str) -> str:
    return "'" + term.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector_literal(terms: Sequence[str]) -> str:
    """A tsvector of already-analysed terms with their positions (term frequency = positions)."""
    where: dict[str, list[int]] = {}
    for i, t in enumerate(terms):
        where.setdefault(t, []).append(min(i + 1, _MAX_POSITION))
    # PostgreSQL keeps at most 256 positions of a lexeme; a chunk (<= 1,400 characters) never has that many.
    return " ".join(f"{_quote(t)}:{','.join(map(str, sorted(set(p))[:256]))}" for t, p in where.items())


def tsquery_literal(terms: Sequence[str]) -> str:
    return " | ".join(_quote(t) for t in dict.fromkeys(terms))


def vector_literal(v: np.ndarray) -> str:
    # nine significant digits give the same float32 back through pgvector's text input
    values = np.asarray(v, dtype=np.float32).tolist()
    return "[" + ",".join(["%.9g"] * len(values)) % tuple(values) + "]"


def stack_vectors(values: Sequence[Any], dim: int) -> np.ndarray:
    """One float32 matrix from pgvector values (numpy arrays or ``Vector``, by pgvector version)."""
    if not values:
        return np.zeros((0, dim), np.float32)
    return np.vstack([v.to_numpy() if hasattr(v, "to_numpy") else v for v in values]).astype(np.float32)


# --- a thesis's rows ---------------------------------------------------------------


@dataclass(frozen=True)
class DocumentRows:
    """Everything stored for one thesis."""

    meta: dict[str, Any]  # title, pages, outline, ... ("doc" is the key)
    hashes: dict[str, str]  # content hashes of its file and sidecar
    chunks: list[Chunk]
    vectors: np.ndarray
    sentences: list[tuple[int, int, int]]  # (chunk id, start, end), chunk ids as in ``chunks``
    sentence_vectors: np.ndarray

    @property
    def doc(self) -> str:
        return str(self.meta["doc"])


def insert_document(conn: Connection, rows: DocumentRows) -> int:
    """Insert one thesis (inside the caller's transaction); returns its document id."""
    doc_id = conn.execute(
        "INSERT INTO nttqa_documents (doc, meta, hashes, chunk_count) VALUES (%s, %s, %s, %s) RETURNING id",
        (rows.doc, json.dumps(rows.meta, ensure_ascii=False), json.dumps(rows.hashes), len(rows.chunks))).fetchone()[0]
    ord_of = {c.id: i for i, c in enumerate(rows.chunks)}
    cur = conn.cursor()
    # Text COPY: the fastest path that takes a tsvector literal without a binary dumper.
    with cur.copy("COPY nttqa_chunks (document_id, ord, data, lex, lex_len, embedding) FROM STDIN") as cp:
        for c, v in zip(rows.chunks, rows.vectors):
            terms = analyze(lexical_text(c))
            data = {k: val for k, val in c.to_dict().items() if k not in ("id", "doc")}
            cp.write_row((doc_id, ord_of[c.id], json.dumps(data, ensure_ascii=False), tsvector_literal(terms),
                          len(terms), vector_literal(v)))
    within: dict[int, int] = {}
    with cur.copy("COPY nttqa_sentences (document_id, chunk_ord, ord, span_start, span_end, embedding) "
                  "FROM STDIN") as cp:
        for (cid, s, e), v in zip(rows.sentences, rows.sentence_vectors):
            k = within[cid] = within.get(cid, -1) + 1
            cp.write_row((doc_id, ord_of[cid], k, s, e, vector_literal(v)))
    return int(doc_id)


# --- facts and the library version -------------------------------------------------


def write_facts(conn: Connection, facts: dict[str, Any]) -> None:
    for key, value in facts.items():
        conn.execute("INSERT INTO nttqa_facts (key, value) VALUES (%s, %s) "
                     "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value", (key, json.dumps(value)))


def read_facts(conn: Connection) -> dict[str, Any]:
    return {k: v for k, v in conn.execute("SELECT key, value FROM nttqa_facts").fetchall()}


_VERSION_SQL = ("SELECT count(*), coalesce(sum(id), 0), coalesce(max(added_at)::text, '') FROM nttqa_documents")


def library_version(conn: Connection) -> str:
    """What changes whenever a thesis is added, replaced or removed: every write gives a
    document new row ids (a replacement deletes and inserts) or removes some."""
    n, ids, last = conn.execute(_VERSION_SQL).fetchone()
    return f"{n}:{ids}:{last}"


def index_facts(settings: Settings, embedder_id: str, dim: int, build_seconds: float = 0.0) -> dict[str, Any]:
    """What a loaded store compares with the running settings (the file manifest's facts)."""
    return {"format_version": INDEX_FORMAT_VERSION, "embedder": {"id": embedder_id, "dim": int(dim)},
            "settings_fingerprint": settings.fingerprint(), "analyzer_version": ANALYZER_VERSION,
            "params": settings.index_params(), "build_seconds": round(build_seconds, 2)}
