"""``nttqa bench --scale 100,1000``: the dense and BM25 structures over a synthetic library.

:func:`scale_study` replicates the thesis' chunks ``m`` times with perturbations (at the
level BM25 and FAISS see, so no embedding) and measures, per scale, the build time and
size of the flat, HNSW and IVF dense indexes and of BM25, the latency of what the
retriever does per query, and the approximate indexes' recall against exact search;
:func:`format_scale` is its report.  ``nttqa bench`` (:mod:`nttqa.bench`) and the
PostgreSQL study (:mod:`nttqa.pgbench`) both run it.

Also here, as every benchmark shares them: the questions they ask (the dev gold file's,
:func:`default_gold`, or :data:`FALLBACK_QUESTIONS`) and :func:`percentile`.
"""

from __future__ import annotations

import json
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nttqa.config import Settings

# Asked when there is no gold file (latency rounds, the scale study's queries).
FALLBACK_QUESTIONS = [
    "Apa peran IOM dalam menangani perdagangan manusia di NTT?",
    "What are the main causes of human trafficking in NTT?",
    "Berapa jumlah korban perdagangan orang di NTT pada tahun 2016?",
    "Sebutkan program IOM di NTT",
    "What did IOM do in 2018?",
    "Bab mana yang membahas kerangka teori?",
    "Who won the 2022 World Cup?",
]


def default_gold() -> Path | None:
    """The dev gold file beside the checkout (``../shared/eval/gold_dev.jsonl``), or None."""
    from nttqa.config import _repo_root

    path = (_repo_root() / ".." / "shared" / "eval" / "gold_dev.jsonl").resolve()
    return path if path.exists() else None


def percentile(ms: Sequence[float], q: float) -> float:
    """The ``q``-th percentile of some timings (NaN for none)."""
    return float(np.percentile(np.asarray(ms, dtype=np.float64), q)) if len(ms) else float("nan")


def scale_study(settings: Settings, multipliers: Sequence[int], seed: int = 0,
                say: Callable[[str], None] = lambda _msg: None) -> dict[str, Any]:
    """Dense + BM25 structures over a synthetic corpus of ``m`` x the thesis' chunks.

    The corpus is the committed index's chunks replicated with perturbations, made
    at the level BM25 and FAISS see, so 125,000 chunks take seconds, not hours of
    embedding: each copy's analysed terms are shuffled, its years and numbers
    swapped for others, and ~10% of its terms replaced by random vocabulary; each
    copy's vector is the real chunk vector plus Gaussian noise (sigma 0.3 / sqrt(dim),
    cosine ~0.96 to the original), renormalised.  Queries are the gold/fallback
    questions, embedded for real.  Approximate indexes (HNSW, IVF) are scored by
    recall@10 against exact (flat) search.
    """
    import bm25s

    from nttqa.embed import get_embedder
    from nttqa.index import MemoryDenseIndex, analyze, lexical_text, load_index

    store = load_index(settings.index_dir, settings, verify=False)
    rng = np.random.default_rng(seed)
    base_vecs = store.vectors()
    base_terms = [analyze(lexical_text(c)) for c in store.chunks]
    vocab = np.array(sorted({t for terms in base_terms for t in terms}), dtype=object)
    term_id = {t: i for i, t in enumerate(vocab)}
    base_ids = [np.array([term_id[t] for t in terms], dtype=np.int64) for terms in base_terms]
    is_year = np.array([len(t) == 4 and t.isdigit() and t[:2] in ("19", "20") for t in vocab])
    is_number = np.array([t.isdigit() for t in vocab]) & ~is_year
    year_ids, number_ids = np.flatnonzero(is_year), np.flatnonzero(is_number)
    n0, dim = base_vecs.shape
    sent_per_chunk = len(store.sentences) / max(1, n0)
    chunk_bytes = sum(len(json.dumps(c.to_dict(), ensure_ascii=False).encode()) + 1 for c in store.chunks) / n0

    def perturb(ids: np.ndarray) -> list[str]:
        """A copy of one chunk's terms: order shuffled, years and numbers swapped, ~10% noise."""
        out = rng.permutation(ids)
        years_at = is_year[out]
        if years_at.any() and len(year_ids):
            out[years_at] = rng.choice(year_ids, int(years_at.sum()))
        numbers_at = is_number[out]
        if numbers_at.any() and len(number_ids):
            out[numbers_at] = rng.choice(number_ids, int(numbers_at.sum()))
        noise = rng.random(len(out)) < 0.10
        out[noise] = rng.integers(0, len(vocab), int(noise.sum()))
        return vocab[out].tolist()

    gold = default_gold()
    questions = list(FALLBACK_QUESTIONS)
    if gold:
        from nttqa.evaluate import read_gold

        questions = [g.question for g in read_gold(gold)]
    emb = get_embedder(settings.embedder)
    qvecs = emb.embed_queries(questions)
    qterms = [analyze(q) for q in questions]

    rows: dict[str, Any] = {"base_chunks": n0, "dim": dim, "queries": len(questions), "scales": []}
    for m in [1, *sorted({int(x) for x in multipliers if int(x) > 1})]:
        n = n0 * m
        say(f"scale {m}x: {n:,} chunks")
        if m == 1:
            vecs, corpus_terms = base_vecs, base_terms
        else:
            noise = rng.standard_normal((n, dim), dtype=np.float32) * (0.3 / np.sqrt(dim))
            vecs = np.tile(base_vecs, (m, 1)) + noise
            del noise
            vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
            corpus_terms = base_terms + [perturb(ids) for _ in range(m - 1) for ids in base_ids]
        row: dict[str, Any] = {"multiplier": m, "chunks": n}

        t = time.perf_counter()
        flat = MemoryDenseIndex(vecs, "flat")
        row["flat_build_s"] = time.perf_counter() - t
        row["flat_bytes"] = flat.size_bytes()
        t = time.perf_counter()
        bm = bm25s.BM25()
        bm.index(corpus_terms, show_progress=False)
        row["bm25_build_s"] = time.perf_counter() - t
        with tempfile.TemporaryDirectory() as tmp:
            bm.save(tmp, show_progress=False)
            row["bm25_bytes"] = sum(p.stat().st_size for p in Path(tmp).rglob("*") if p.is_file())
        row["chunk_store_bytes"] = int(chunk_bytes * n)
        row["sentence_vectors_bytes"] = int(sent_per_chunk * n * dim * 4)
        del corpus_terms

        exact_ids = flat.search(qvecs, 10)[1]
        vocab_ids = bm.vocab_dict
        # The functions timed below run at once, inside this scale's iteration: the names they
        # read are this scale's (the `del`s free its structures before the next one is made).
        row["flat_top10_ms"] = _latency(lambda i: flat.search(qvecs[i:i + 1], 10), len(questions))  # noqa: B023, F821
        row["dense_all_scores_ms"] = _latency(lambda i: vecs @ qvecs[i], len(questions))  # noqa: B023, F821

        def bm25_scores(i: int) -> np.ndarray:
            known = [t for t in qterms[i] if t in vocab_ids]  # noqa: B023
            return bm.get_scores(known) if known else np.zeros(n, np.float32)  # noqa: B023, F821

        row["bm25_scores_ms"] = _latency(bm25_scores, len(questions))

        def fused(i: int) -> np.ndarray:  # the retriever's core: exact scores of all chunks, z-sum, top 10
            d = vecs @ qvecs[i]  # noqa: B023, F821
            b = bm25_scores(i)
            z = (d - d.mean()) / (d.std() or 1.0) + 0.7 * (b - b.mean()) / (b.std() or 1.0)
            return np.argpartition(-z, 10)[:10]

        row["fused_all_ms"] = _latency(fused, len(questions))
        del bm

        for kind in ("hnsw", "ivf") if n >= 10_000 else ():
            t = time.perf_counter()
            ann = MemoryDenseIndex(vecs, kind)
            build_s = time.perf_counter() - t
            # HNSW at its default efSearch (64) and a wider one; IVF at nprobe = nlist/8 and nlist/4.
            knobs = [("hnsw", 64), ("hnsw-ef256", 256)] if kind == "hnsw" else [("ivf", 0), ("ivf-np2x", 0)]
            for name, value in knobs:
                if name == "hnsw-ef256":
                    ann._index.hnsw.efSearch = value
                elif name == "ivf-np2x":
                    ann._index.nprobe = min(ann._index.nlist, ann._index.nprobe * 2)
                row[f"{name}_build_s"] = build_s
                row[f"{name}_bytes"] = ann.size_bytes()
                got = ann.search(qvecs, 10)[1]
                row[f"{name}_recall_at_10"] = float(np.mean([len(set(got[i]) & set(exact_ids[i])) / 10
                                                             for i in range(len(questions))]))
                # The copies of one chunk are near-ties, so also: did it find the same source chunks?
                row[f"{name}_source_recall_at_10"] = float(np.mean([
                    len(set(got[i] % n0) & set(exact_ids[i] % n0)) / len(set(exact_ids[i] % n0))
                    for i in range(len(questions))]))
                row[f"{name}_top10_ms"] = _latency(lambda i: ann.search(qvecs[i:i + 1], 10),  # noqa: B023, F821
                                                   len(questions))
            del ann
        del flat, vecs
        rows["scales"].append(row)
    return rows


def _latency(fn: Callable[[int], Any], nq: int, reps: int = 3) -> dict[str, float]:
    """p50/p95 of single queries, each on one thread (as a server thread runs it): no OpenMP or
    OpenBLAS threads spinning against each other, or against other processes, in the figures."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    from threadpoolctl import threadpool_limits
    try:
        with threadpool_limits(1):
            fn(0)
            ms = []
            for _ in range(reps):
                for i in range(nq):
                    t = time.perf_counter()
                    fn(i)
                    ms.append((time.perf_counter() - t) * 1000)
    finally:
        faiss.omp_set_num_threads(before)
    return {"p50": percentile(ms, 50), "p95": percentile(ms, 95)}


def format_scale(s: dict[str, Any]) -> str:
    base = s["scales"][0]
    lines = [(f"Scale study: synthetic corpus of the thesis' {s['base_chunks']} chunks replicated with perturbations "
              f"(vectors = real chunk vectors + Gaussian noise, renormalised; {s['queries']} real queries).")]
    head = (f"{'x':>5}{'chunks':>9}{'flat+bm25 build s':>19}{'index MB':>10}{'+sent.vec MB':>13}"
            f"{'flat top10 ms':>14}{'all-scores+bm25 ms':>20}{'growth':>8}")
    lines += [head, "-" * len(head)]
    for r in s["scales"]:
        size = (r["flat_bytes"] + r["bm25_bytes"] + r["chunk_store_bytes"]) / 1e6
        growth = r["fused_all_ms"]["p50"] / max(base["fused_all_ms"]["p50"], 1e-9)
        lines.append(f"{r['multiplier']:>5}{r['chunks']:>9,}{r['flat_build_s'] + r['bm25_build_s']:>19.2f}"
                     f"{size:>10.1f}{r['sentence_vectors_bytes'] / 1e6:>13.0f}"
                     f"{r['flat_top10_ms']['p50']:>8.2f}/{r['flat_top10_ms']['p95']:<5.1f}"
                     f"{r['fused_all_ms']['p50']:>12.2f}/{r['fused_all_ms']['p95']:<7.1f}{growth:>7.0f}x")
    lines.append("")
    lines.append("  (ms as p50/p95; 'all-scores+bm25' = exact cosine of every chunk + BM25 of every chunk + z-sum + "
                 "top 10, what the retriever does per query; bm25 alone and the dense matvec:)")
    for r in s["scales"]:
        lines.append(f"  {r['multiplier']:>5}x  bm25 {r['bm25_scores_ms']['p50']:.2f}/{r['bm25_scores_ms']['p95']:.1f} ms, "
                     f"dense all-scores {r['dense_all_scores_ms']['p50']:.2f}/{r['dense_all_scores_ms']['p95']:.1f} ms; "
                     f"build flat {r['flat_build_s']:.2f} s, bm25 {r['bm25_build_s']:.2f} s")
    head = (f"{'x':>5}{'index':>11}{'build s':>9}{'MB':>8}{'top10 ms p50/p95':>18}{'recall@10 vs flat':>19}"
            f"{'same sources':>14}")
    lines += ["", ("Approximate dense indexes (faiss; searches on one thread; HNSW M=32, efSearch 64 or 256; "
                   "IVF nlist=sqrt(n), nprobe nlist/8 or nlist/4). 'same sources': share of the exact top 10's "
                   "source chunks found (a chunk's copies are near-ties, so plain recall@10 undersells HNSW here):"),
              head, "-" * len(head)]
    for r in s["scales"]:
        lines.append(f"{r['multiplier']:>5}{'flat':>11}{r['flat_build_s']:>9.2f}{r['flat_bytes'] / 1e6:>8.1f}"
                     f"{r['flat_top10_ms']['p50']:>11.2f}/{r['flat_top10_ms']['p95']:<6.2f}{1.0:>19.3f}{1.0:>14.3f}")
        for kind in ("hnsw", "hnsw-ef256", "ivf", "ivf-np2x"):
            if kind + "_build_s" not in r:
                continue
            lines.append(f"{'':>5}{kind:>11}{r[kind + '_build_s']:>9.2f}{r[kind + '_bytes'] / 1e6:>8.1f}"
                         f"{r[kind + '_top10_ms']['p50']:>11.2f}/{r[kind + '_top10_ms']['p95']:<6.2f}"
                         f"{r[kind + '_recall_at_10']:>19.3f}{r[kind + '_source_recall_at_10']:>14.3f}")
    return "\n".join(lines)
