"""The PostgreSQL + pgvector index against the file index, on a server the tests start
themselves (``pgserver``: PostgreSQL 16 with pgvector, in a temporary folder)."""

from __future__ import annotations

import threading
import uuid

import numpy as np
import pytest

from tests.conftest import CORPUS, GOLD, ROOT

pytestmark = pytest.mark.slow


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    pgserver = pytest.importorskip("pgserver")
    pytest.importorskip("psycopg")
    pytest.importorskip("pgvector")
    server = pgserver.get_server(tmp_path_factory.mktemp("pg"), cleanup_mode="stop")
    yield server


@pytest.fixture()
def pg_url(pg_server) -> str:
    """A fresh, empty database on the test server."""
    name = "t" + uuid.uuid4().hex[:10]
    pg_server.psql(f"CREATE DATABASE {name};")
    return pg_server.get_uri(name)


@pytest.fixture(scope="session")
def file_store(settings):
    from nttqa.index import load_index

    return load_index(settings.index_dir, settings, verify=False)


@pytest.fixture()
def thesis_url(pg_url, file_store) -> str:
    """A database holding the committed index of the thesis (copied, not re-embedded)."""
    from nttqa.pgschema import migrate
    from nttqa.pgstore import import_store

    migrate(pg_url)
    import_store(file_store, pg_url)
    return pg_url


def _count(url: str, sql: str) -> int:
    from nttqa.pgschema import connect

    conn = connect(url, vectors=False)
    try:
        return int(conn.execute(sql).fetchone()[0])
    finally:
        conn.close()


def test_store_holds_the_same_index(thesis_url, file_store, settings):
    from nttqa.index import analyze
    from nttqa.pgstore import load_store

    store = load_store(thesis_url, settings)
    try:
        assert [c.to_dict() for c in store.chunks] == [c.to_dict() for c in file_store.chunks]
        assert store.sentences == [tuple(s) for s in file_store.sentences]
        assert store.sentences_of == file_store.sentences_of
        assert np.array_equal(store.vectors(), file_store.vectors())
        assert np.array_equal(store.sentence_vectors, file_store.sentence_vectors)
        assert store.docs == file_store.docs and store.dim == file_store.dim and store.approximate
        # BM25 in SQL equals bm25s, repeated and unknown terms included.
        for q in ("Apa peran IOM di NTT tahun 2016?", "victims victims of trafficking", "zzqx"):
            terms = analyze(q) + ["zzqx"]
            assert np.allclose(store.lexical_scores(terms), file_store.lexical_scores(terms), atol=1e-5)
        assert store.has_term("iom") and not store.has_term("zzqx")
        q = file_store.vectors()[7]
        assert [i for i, _s in store.dense_search(q, 10)] == [i for i, _s in file_store.dense_search(q, 10)]
    finally:
        store.close()


def test_gold_questions_get_the_same_passages(thesis_url, settings, pipeline):
    if not GOLD.exists():
        pytest.skip(f"no gold file at {GOLD}")
    from nttqa.evaluate import evaluate_retrieval, read_gold
    from nttqa.pipeline import Pipeline

    items = [g for g in read_gold(GOLD) if g.answerable]
    pg = Pipeline.load(settings.with_(database_url=thesis_url))
    try:
        same = sum(1 for g in items if [h.chunk.id for h in pg.search(g.question, 5)] ==
                   [h.chunk.id for h in pipeline.search(g.question, 5)])
        if same < len(items):
            a = evaluate_retrieval(items, lambda q: [h.chunk.text for h in pipeline.search(q, 10)])["groups"]["all"]
            b = evaluate_retrieval(items, lambda q: [h.chunk.text for h in pg.search(q, 10)])["groups"]["all"]
            assert abs(a["R@5"] - b["R@5"]) <= 0.01 and abs(a["MRR@10"] - b["MRR@10"]) <= 0.01, (same, a, b)
        answer = pg.ask("Apa peran IOM di NTT?")
        assert not answer.refused and answer.citations
    finally:
        pg.store.close()


def test_schema_versions_give_errors_that_say_what_to_run(pg_url, pg_server, settings):
    from nttqa.errors import DatabaseEmptyError, DatabaseSchemaError
    from nttqa.pgschema import SCHEMA_VERSION, connect, migrate
    from nttqa.pgstore import load_store

    with pytest.raises(DatabaseSchemaError, match="nttqa db migrate"):
        load_store(pg_url, settings)
    migrate(pg_url)
    with pytest.raises(DatabaseEmptyError, match="nttqa build --database-url"):
        load_store(pg_url, settings)
    conn = connect(pg_url, vectors=False)
    with conn.transaction():
        conn.execute("UPDATE nttqa_schema SET version = %s", (SCHEMA_VERSION - 1,))
    with pytest.raises(DatabaseSchemaError, match=rf"schema version {SCHEMA_VERSION - 1}.*nttqa db migrate"):
        load_store(pg_url, settings)
    assert migrate(pg_url)["from_version"] == SCHEMA_VERSION - 1
    with conn.transaction():
        conn.execute("UPDATE nttqa_schema SET app = 'someone-else'")
    with pytest.raises(DatabaseSchemaError, match="of its own"):
        load_store(pg_url, settings)
    with conn.transaction():
        conn.execute("UPDATE nttqa_schema SET app = 'nttqa', version = %s", (SCHEMA_VERSION + 1,))
    with pytest.raises(DatabaseSchemaError, match="Upgrade nttqa"):
        load_store(pg_url, settings)
    conn.close()


def test_remove_and_readd_one_thesis_is_one_transaction(thesis_url, file_store, settings):
    from nttqa.pgschema import insert_document
    from nttqa.pgstore import PgWriter, load_store, rows_from_store

    doc = file_store.docs[0]["doc"]
    rows = rows_from_store(file_store)[0]
    n_chunks, n_sents = len(file_store.chunks), len(file_store.sentences)
    before = load_store(thesis_url, settings)
    q = file_store.vectors()[11]
    expected = before.dense_search(q, 5)
    chunks_sql = "SELECT count(*) FROM nttqa_chunks"
    with PgWriter(thesis_url) as w:
        # Inside an open replacement a reader still sees the whole old thesis, never a part.
        with w.conn.transaction():
            w.conn.execute("DELETE FROM nttqa_documents WHERE doc = %s", (doc,))
            insert_document(w.conn, rows)
            assert _count(thesis_url, chunks_sql) == n_chunks
            assert _count(thesis_url, "SELECT count(*) FROM nttqa_documents") == 1
        # A replacement that fails half-way leaves the old thesis as it was.
        broken = rows.__class__(meta=rows.meta, hashes=rows.hashes, chunks=rows.chunks, vectors=rows.vectors,
                                sentences=rows.sentences + [(10**9, 0, 1)],
                                sentence_vectors=np.vstack([rows.sentence_vectors, rows.sentence_vectors[:1]]))
        with pytest.raises(KeyError):
            w.put(broken)
        assert _count(thesis_url, chunks_sql) == n_chunks
        assert _count(thesis_url, "SELECT count(*) FROM nttqa_sentences") == n_sents
        # Readers polling during remove + re-add see all of it or none of it.
        seen: set[int] = set()
        stop = threading.Event()

        def poll() -> None:
            while not stop.is_set():
                seen.add(_count(thesis_url, chunks_sql))

        t = threading.Thread(target=poll)
        t.start()
        try:
            assert w.remove(doc)
            assert _count(thesis_url, chunks_sql) == 0
            assert _count(thesis_url, "SELECT count(*) FROM nttqa_sentences") == 0
            w.put(rows)
        finally:
            stop.set()
            t.join()
        assert seen <= {0, n_chunks}
    # A snapshot loaded before keeps answering (new rows are not its own); a fresh one is whole again.
    assert before.dense_search(q, 5) == []
    before.close()
    after = load_store(thesis_url, settings)
    try:
        assert after.dense_search(q, 5) == expected
        assert [c.to_dict() for c in after.chunks] == [c.to_dict() for c in file_store.chunks]
    finally:
        after.close()


def test_cli_migrate_build_and_search(pg_url, tmp_path):
    import shutil
    import subprocess
    import sys

    corpus = tmp_path / "corpus"
    shutil.copytree(CORPUS, corpus)
    base = [sys.executable, "-m", "nttqa"]
    common = ["--database-url", pg_url, "--corpus", str(corpus), "--embedder", "hash:64"]

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*base, *args], capture_output=True, text=True, cwd=ROOT, timeout=300)

    r = run("search", "IOM", *common)
    assert r.returncode == 2 and "nttqa db migrate" in r.stderr
    assert run("db", "migrate", "--dim", "64", *common).returncode == 0
    r = run("build", "--quiet", "--json", *common)
    assert r.returncode == 0, r.stderr
    assert '"full": true' in r.stdout
    r = run("build", "--quiet", "--json", *common)  # nothing changed: nothing re-embedded
    assert r.returncode == 0 and '"written": []' in r.stdout
    r = run("search", "Apa peran IOM di NTT?", "--json", *common)
    assert r.returncode == 0 and "peran-iom" in r.stdout
    (corpus / "extra.txt").write_text("BAB I\n\nSebuah tesis kecil tentang Kupang dan migrasi.\n" * 20)
    r = run("search", "Kupang", *common)
    assert r.returncode == 2 and "nttqa build --database-url" in r.stderr
    r = run("build", "--quiet", "--json", *common)
    assert r.returncode == 0 and '"written": [\n    "extra.txt"\n  ]' in r.stdout, r.stdout
    assert run("search", "Kupang", *common).returncode == 0
    # Another machine's corpus lacks extra.txt: its build leaves the shared library's thesis alone.
    other = tmp_path / "other-corpus"
    other.mkdir()
    for f in CORPUS.iterdir():
        (other / f.name).write_bytes(f.read_bytes())
    r = run("build", "--quiet", "--json", "--database-url", pg_url, "--corpus", str(other), "--embedder", "hash:64")
    assert r.returncode == 0 and '"kept": [\n    "extra.txt"\n  ]' in r.stdout, r.stdout
    assert _count(pg_url, "SELECT count(*) FROM nttqa_documents") == 2
    r = run("remove", "extra.txt", "--quiet", *common)  # removed by name, on purpose
    assert r.returncode == 0, r.stderr
    assert _count(pg_url, "SELECT count(*) FROM nttqa_documents") == 1


def test_a_thesis_added_by_another_process_is_served_after_refresh(thesis_url, file_store, settings):
    # Two app processes on one database: the second loaded its snapshot before the first
    # added a thesis; its next refresh serves the new one, and a replaced thesis (new row ids,
    # which an old snapshot can no longer search) is served again too.
    import dataclasses

    from nttqa.pgstore import PgWriter, rows_from_store
    from nttqa.pipeline import Pipeline

    pg = dataclasses.replace(settings, database_url=thesis_url)
    other = Pipeline.load(pg, check_corpus=False)
    assert other.refresh(every=0) is False  # nothing changed yet
    rows = rows_from_store(file_store)[0]
    name = "salinan-skripsi.txt"
    copy = dataclasses.replace(rows, meta={**rows.meta, "doc": name, "title": "Salinan"},
                               hashes={name: "0" * 64},
                               chunks=[dataclasses.replace(c, doc=name) for c in rows.chunks])
    with PgWriter(thesis_url) as w:
        w.put(copy)
    assert other.status()["documents"] == [rows.doc]
    assert other.refresh(every=0) is True
    assert sorted(other.status()["documents"]) == sorted([rows.doc, name])
    hits = other.search("Apa penyebab perdagangan manusia di NTT?", 10)
    assert {h.chunk.doc for h in hits} == {rows.doc, name}
    assert not other.ask("Apa penyebab perdagangan manusia di NTT?").refused
    with PgWriter(thesis_url) as w:
        w.remove(name)
        w.put(rows)  # replaced: new row ids
    assert other.refresh(every=0) is True
    assert other.status()["documents"] == [rows.doc]
    assert other.search("Apa penyebab perdagangan manusia di NTT?", 5)
    assert other.refresh(every=3600) is False  # checked at most once per interval
