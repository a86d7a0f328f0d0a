"""``nttqa bench --store postgres --scale 100,1000``: the PostgreSQL index at library scale.

A PostgreSQL 16 + pgvector server is started by ``pgserver`` in a temporary folder
(a Unix socket, no TCP port), filled with ``m`` synthetic theses made from the
committed index (each a copy of the thesis: every chunk's words shuffled, years
swapped, ~10% of words replaced from the thesis' vocabulary; vectors = the real
vectors + Gaussian noise, sigma 0.3 / sqrt(dim), renormalised), each written as one
transaction the way ``nttqa build`` writes a thesis.  Measured per scale: build time,
snapshot load time, database size, HNSW recall@10 against exact search, and p50/p95
latency of the store calls one question makes (``dense_search`` for the retriever's
candidates + ``lexical_scores`` for the question's terms) with 1, 8 and 32 clients
(threads sharing the store's connection pool).  The file index's figures come from
the existing scale study (:func:`nttqa.scale.scale_study`) in the same run.

Every scale has a time budget: a scale that does not finish its inserts in time is
reported as partial and the larger scales are skipped.
"""

from __future__ import annotations

import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any, Callable, Sequence

import numpy as np

from nttqa.config import Settings

CLIENTS = (1, 8, 32)


def _synthetic_theses(store: Any, copies: int, rng: np.random.Generator) -> Any:
    """``copies`` perturbed copies of the thesis, one DocumentRows each (a generator)."""
    from dataclasses import replace

    from nttqa.pgschema import DocumentRows

    base = store.chunks
    vocab = sorted({w for c in base for w in re.findall(r"\S+", c.text)})
    dim = store.dim
    sigma = 0.3 / np.sqrt(dim)
    meta0 = store.docs[0]
    for k in range(copies):
        doc = f"synthetic-{k:05d}.txt"
        chunks = []
        for c in base:
            words = rng.permutation(re.findall(r"\S+", c.text))
            noise = rng.random(len(words)) < 0.10
            words[noise] = rng.choice(vocab, int(noise.sum()))
            text = re.sub(r"\b(19|20)\d\d\b", lambda _m: str(rng.integers(1990, 2024)), " ".join(words))
            chunks.append(replace(c, doc=doc, text=text, char_end=c.char_start + len(text)))

        def jitter(v: np.ndarray) -> np.ndarray:
            out = v + rng.standard_normal(v.shape, dtype=np.float32) * sigma
            return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)

        yield DocumentRows(meta={**meta0, "doc": doc, "title": f"{meta0.get('title', '')} ({k})"},
                           hashes={doc: f"{k:064x}"}, chunks=chunks, vectors=jitter(store.vectors()),
                           sentences=[(cid, min(s, len(chunks[cid].text)), min(e, len(chunks[cid].text)))
                                      for cid, s, e in store.sentences],
                           sentence_vectors=jitter(store.sentence_vectors))


def _pct(ms: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(ms), q)) if ms else 0.0


def _concurrent(fn: Callable[[int], Any], nq: int, clients: int, per_client: int,
                limit_s: float = 30.0) -> dict[str, float]:
    """p50/p95 latency (ms) and throughput with ``clients`` threads, each making up to ``per_client``
    calls (fewer when ``limit_s`` runs out: the bench must stop by itself)."""
    deadline = time.perf_counter() + limit_s
    ms: list[float] = []
    lock = threading.Lock()

    def client(c: int) -> None:
        mine = []
        for j in range(per_client):
            if time.perf_counter() > deadline:
                break
            t = time.perf_counter()
            fn((c * per_client + j) % nq)
            mine.append((time.perf_counter() - t) * 1000)
        with lock:
            ms.extend(mine)

    t0 = time.perf_counter()
    threads = [threading.Thread(target=client, args=(c,)) for c in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.perf_counter() - t0
    return {"p50": _pct(ms, 50), "p95": _pct(ms, 95), "qps": len(ms) / wall if wall else 0.0, "calls": len(ms)}


def pg_scale_study(settings: Settings, multipliers: Sequence[int], questions: Sequence[str],
                   budget_s: float = 900.0, seed: int = 0, say: Callable[[str], None] = lambda _m: None
                   ) -> dict[str, Any]:
    import pgserver

    from nttqa.embed import get_embedder
    from nttqa.index import analyze, load_index
    from nttqa.pgschema import connect, index_facts, migrate
    from nttqa.pgstore import PgWriter, load_store

    file_store = load_index(settings.index_dir, settings, verify=False)
    emb = get_embedder(settings.embedder)
    qvecs = emb.embed_queries(list(questions))
    qterms = [analyze(q) for q in questions]
    n_cand = settings.candidates * 4  # what the retriever asks dense_search for
    rows: dict[str, Any] = {"base_chunks": len(file_store.chunks), "queries": len(questions), "scales": []}
    rng = np.random.default_rng(seed)
    with tempfile.TemporaryDirectory(prefix="nttqa-pgbench-") as tmp:
        server = pgserver.get_server(Path(tmp) / "pg", cleanup_mode="stop")
        try:
            for m in sorted(set(int(x) for x in multipliers if int(x) >= 1)):
                name = f"bench{m}"
                server.psql(f"DROP DATABASE IF EXISTS {name}; CREATE DATABASE {name};")
                url = server.get_uri(name)
                migrate(url, dim=file_store.dim)
                say(f"postgres {m}x: writing {m} theses ({m * len(file_store.chunks):,} chunks), one transaction each")
                row: dict[str, Any] = {"multiplier": m, "chunks": m * len(file_store.chunks)}
                facts = index_facts(settings, file_store.manifest["embedder"]["id"], file_store.dim)
                t0 = time.perf_counter()
                written = 0
                with PgWriter(url) as w:
                    for rows_k in _synthetic_theses(file_store, m, rng):
                        w.put(rows_k, facts)
                        written += 1
                        if time.perf_counter() - t0 > budget_s:
                            break
                row["build_s"] = time.perf_counter() - t0
                row["theses_written"] = written
                row["chunks"] = written * len(file_store.chunks)
                conn = connect(url, vectors=False)
                sizes = conn.execute(
                    "SELECT pg_database_size(current_database()), pg_total_relation_size('nttqa_chunks'), "
                    "pg_total_relation_size('nttqa_sentences'), pg_relation_size('nttqa_chunks_embedding'), "
                    "pg_relation_size('nttqa_chunks_lex')").fetchone()
                conn.close()
                row.update(db_bytes=sizes[0], chunks_table_bytes=sizes[1], sentences_table_bytes=sizes[2],
                           hnsw_bytes=sizes[3], gin_bytes=sizes[4])
                t = time.perf_counter()
                store = load_store(url, settings, pool_size=max(CLIENTS))
                row["load_s"] = time.perf_counter() - t
                try:
                    exact = [set(np.argsort(-(store.vectors() @ q), kind="stable")[:10].tolist()) for q in qvecs]
                    for n, key in ((10, "recall_at_10_ef40"), (n_cand, "recall_at_10_ef320")):
                        got = [[i for i, _s in store.dense_search(q, n)][:10] for q in qvecs]
                        row[key] = float(np.mean([len(set(g) & e) / 10 for g, e in zip(got, exact)]))

                    def one_question(i: int) -> None:
                        store.dense_search(qvecs[i], n_cand)
                        store.lexical_scores(qterms[i])

                    one_question(0)
                    for c in CLIENTS:
                        row[f"clients_{c}"] = _concurrent(one_question, len(questions), c,
                                                          per_client=max(4, 2 * len(questions) // c))
                        say(f"  {c} clients: p50 {row[f'clients_{c}']['p50']:.1f} ms, "
                            f"p95 {row[f'clients_{c}']['p95']:.1f} ms")
                finally:
                    store.close()
                rows["scales"].append(row)
                if written < m:
                    say(f"postgres {m}x: stopped after {written} theses (time budget {budget_s:.0f} s)")
                    break
        finally:
            server.cleanup()
    return rows


def format_pg_scale(s: dict[str, Any]) -> str:
    lines = [f"PostgreSQL 16 + pgvector (pgserver, Unix socket, this machine): synthetic theses of "
             f"{s['base_chunks']} chunks each, one transaction per thesis; {s['queries']} real queries. "
             "Latency = one question's store calls (HNSW candidates + BM25 in SQL), ms p50/p95, and questions/s."]
    head = (f"{'x':>5}{'chunks':>9}{'build s':>9}{'load s':>8}{'DB MB':>8}{'HNSW MB':>9}{'GIN MB':>8}"
            f"{'R@10 ef40':>10}{'R@10 ef320':>11}" + "".join(f"{f'{c} client(s)':>22}" for c in CLIENTS))
    lines += [head, "-" * len(head)]
    for r in s["scales"]:
        lat = "".join(f"{r[f'clients_{c}']['p50']:>9.1f}/{r[f'clients_{c}']['p95']:<6.1f}{r[f'clients_{c}']['qps']:>5.0f}/s"
                      for c in CLIENTS)
        lines.append(f"{r['multiplier']:>5}{r['chunks']:>9,}{r['build_s']:>9.1f}{r['load_s']:>8.1f}"
                     f"{r['db_bytes'] / 1e6:>8.0f}{r['hnsw_bytes'] / 1e6:>9.0f}{r['gin_bytes'] / 1e6:>8.1f}"
                     f"{r['recall_at_10_ef40']:>10.3f}{r['recall_at_10_ef320']:>11.3f}{lat}")
    return "\n".join(lines)


def run_pg_bench(settings: Settings, scale: str, as_json: bool, budget_s: float = 900.0) -> int:
    import json
    import sys

    from nttqa.scale import FALLBACK_QUESTIONS, default_gold, format_scale, scale_study

    multipliers = [int(x) for x in scale.replace(" ", "").split(",") if x] if scale else [1]
    say = (lambda _m: None) if as_json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    questions = list(FALLBACK_QUESTIONS)
    gold = default_gold()
    if gold:
        from nttqa.evaluate import read_gold

        questions = [g.question for g in read_gold(gold)]
    report: dict[str, Any] = {"postgres": pg_scale_study(settings, [1, *multipliers], questions,
                                                         budget_s=budget_s, say=say)}
    if not as_json:  # shown at once: the file study below takes minutes of its own
        print(format_pg_scale(report["postgres"]), flush=True)
    say("file index at the same scales ...")
    report["file"] = scale_study(settings, multipliers, say=say)
    if as_json:
        print(json.dumps(report, indent=2, default=float))
    else:
        print()
        print(format_scale(report["file"]))
    return 0

