"""``nttqa bench``: speed, memory and retrieval quality, beside the tutorial baseline.

One run measures, for nttqa and for the tutorial baseline (fixed 1000-character
chunks with 200 overlap, the same embedder, FAISS only; ``nttqa.baseline``):

* Recall@5 on the gold file (answerable items);
* build time (nttqa: ``nttqa build`` into a tmp folder; baseline: parse, chunk,
  embed and index in memory, which it redoes at every start);
* warm search and ask latency, p50 and p95 over ``rounds`` calls (ask is the
  extractive answer; the baseline has no answerer);
* cold start to first answer: a fresh ``python`` process that loads the index
  and answers one question, timed from the moment it is spawned;
* peak memory: the peak RSS (``ru_maxrss``) of those processes.

Every figure comes from its own fresh process, so one system's imports or
caches never flatter the other.  ``--scale 100,1000`` adds a synthetic-corpus
study of the dense and BM25 structures (see :func:`scale_study`).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Sequence

import numpy as np

from nttqa.config import Settings

TARGETS = {  # on a 2-core machine
    "search_p50_ms": 30.0,
    "ask_p95_ms": 100.0,
    "build_s": 60.0,
    "cold_start_s": 5.0,
    "peak_rss_mb": 600.0,
}

# Used for latency rounds when there is no gold file.
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
    from nttqa.config import _repo_root

    path = (_repo_root() / ".." / "shared" / "eval" / "gold_dev.jsonl").resolve()
    return path if path.exists() else None


# --------------------------------------------------------------------------- child processes

# A fresh process that starts nttqa (or the baseline) and reports JSON on its last stdout line.
_SERVE = r"""
import json, sys, time
spawned = float(sys.argv[1]); cfg = json.loads(sys.argv[2])
from pathlib import Path
from nttqa.config import load_settings
s = load_settings(corpus_dir=Path(cfg["corpus"]), index_dir=Path(cfg["index"]), embedder=cfg["embedder"])
out = {}
t0 = time.perf_counter()
if cfg["system"] == "nttqa":
    from nttqa.pipeline import Pipeline
    p = Pipeline.load(s)
    p.retriever.cache_size = 0  # every timed question is embedded, as a new one would be
    out["load_s"] = time.perf_counter() - t0
    p.ask(cfg["first"])
    search = lambda q, k: [h.chunk.text for h in p.search(q, k)]
    ask = p.ask
else:
    from nttqa.baseline import baseline_search
    bs = baseline_search(s)
    out["build_s"] = time.perf_counter() - t0
    out["chunks"] = bs.chunk_count
    bs(cfg["first"], 5)
    search = bs
    ask = None
out["cold_start_s"] = time.time() - spawned

if cfg["gold"]:
    from nttqa.evaluate import evaluate_retrieval, read_gold
    g = evaluate_retrieval(read_gold(Path(cfg["gold"])), lambda q: search(q, 10))["groups"]
    out["recall"] = {k: g[k] for k in ("all", "lang=en", "lang=id") if k in g}

qs = cfg["questions"]
def timed(fn):
    for q in qs[:3]:
        fn(q)
    ms = []
    for i in range(cfg["rounds"]):
        t = time.perf_counter(); fn(qs[i % len(qs)]); ms.append((time.perf_counter() - t) * 1000)
    return ms
out["search_ms"] = timed(lambda q: search(q, 5))
if ask is not None:
    out["ask_ms"] = timed(ask)
    out["embed_ms"] = timed(lambda q: p.embedder.embed_queries([q]))
    if cfg["profile"]:
        import cProfile, io, pstats
        pr = cProfile.Profile(); pr.enable()
        for q in qs[: max(10, min(len(qs), 40))]:
            search(q, 5); ask(q)
        pr.disable()
        buf = io.StringIO()
        st = pstats.Stats(pr, stream=buf)
        st.sort_stats("tottime").print_stats(15)
        st.sort_stats("cumulative").print_stats(25)
        out["profile"] = buf.getvalue()
print(json.dumps(out))
"""


def _run_child(args: Sequence[str], timeout: float = 1800) -> tuple[float, float, str, str, int]:
    """Run a child process; (wall seconds, its peak RSS in MB, stdout, stderr, exit code).

    The peak RSS is the child's own ``ru_maxrss``, read from ``wait4`` (POSIX; NaN elsewhere).
    """
    import threading

    with tempfile.TemporaryFile("w+", encoding="utf-8") as out, tempfile.TemporaryFile("w+", encoding="utf-8") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(list(args), stdout=out, stderr=err, text=True)
        killer = threading.Timer(timeout, proc.kill)
        killer.start()
        try:
            if hasattr(os, "wait4"):
                _pid, status, usage = os.wait4(proc.pid, 0)
                proc.returncode = os.waitstatus_to_exitcode(status)
                scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, kB on Linux
                rss_mb = usage.ru_maxrss * scale / 1e6
            else:  # pragma: no cover - Windows
                proc.wait()
                rss_mb = float("nan")
        finally:
            killer.cancel()
        wall = time.perf_counter() - t0
        out.seek(0)
        err.seek(0)
        return wall, rss_mb, out.read(), err.read(), int(proc.returncode)


def _serve(system: str, settings: Settings, index_dir: Path, gold: Path | None, questions: list[str],
           rounds: int, profile: bool) -> dict[str, Any]:
    cfg = {"system": system, "corpus": str(settings.corpus_dir), "index": str(index_dir),
           "embedder": settings.embedder, "gold": str(gold) if gold else "", "questions": questions,
           "first": questions[0], "rounds": rounds, "profile": profile}
    spawned = time.time()
    wall, rss, out, err, rc = _run_child([sys.executable, "-c", _SERVE, repr(spawned), json.dumps(cfg)])
    if rc != 0:
        raise RuntimeError(f"the {system} benchmark process failed (exit {rc}):\n{err[-3000:]}")
    data = json.loads(out.strip().splitlines()[-1])
    data["peak_rss_mb"] = rss
    data["wall_s"] = wall
    return data


def build_index(settings: Settings, index_dir: Path) -> dict[str, Any]:
    wall, rss, _out, err, rc = _run_child([
        sys.executable, "-m", "nttqa", "build", "--corpus", str(settings.corpus_dir), "--index", str(index_dir),
        "--embedder", settings.embedder, "--quiet"])
    if rc != 0:
        raise RuntimeError(f"`nttqa build` failed (exit {rc}):\n{err[-3000:]}")
    manifest = json.loads((index_dir / "manifest.json").read_text(encoding="utf-8"))
    return {"build_s": wall, "build_inner_s": manifest.get("build_seconds"), "peak_rss_mb": rss,
            "chunks": manifest.get("chunk_count")}


def _pct(ms: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(ms, dtype=np.float64), q)) if len(ms) else float("nan")


# --------------------------------------------------------------------------- the run


def measure(settings: Settings, gold: Path | None, rounds: int, index_dir: Path, built: dict[str, Any],
            profile: bool = False) -> dict[str, Any]:
    """All figures for nttqa (its index built into ``index_dir``, ``built`` = what :func:`build_index`
    measured) and for the baseline, as a dict (what ``--json`` prints)."""
    from nttqa.evaluate import read_gold

    questions = list(FALLBACK_QUESTIONS)
    if gold:
        questions = [g.question for g in read_gold(gold)] or questions
    report: dict[str, Any] = {"rounds": rounds, "gold": str(gold) if gold else None, "cpus": os.cpu_count(),
                              "embedder": settings.embedder, "targets": TARGETS}
    ours = _serve("nttqa", settings, index_dir, gold, questions, rounds, profile)
    base = _serve("baseline", settings, index_dir, gold, questions, rounds, False)
    nttqa = {
        "recall_at_5": ours.get("recall", {}).get("all", {}).get("R@5"),
        "recall": ours.get("recall"),
        "build_s": built.get("build_s"),
        "build_inner_s": built.get("build_inner_s"),
        "chunks": built.get("chunks"),
        "search_p50_ms": _pct(ours["search_ms"], 50),
        "search_p95_ms": _pct(ours["search_ms"], 95),
        "ask_p50_ms": _pct(ours["ask_ms"], 50),
        "ask_p95_ms": _pct(ours["ask_ms"], 95),
        "embed_p50_ms": _pct(ours["embed_ms"], 50),
        "embed_p95_ms": _pct(ours["embed_ms"], 95),
        "cold_start_s": ours["cold_start_s"],
        "load_s": ours.get("load_s"),
        "peak_rss_mb": max(ours["peak_rss_mb"], built.get("peak_rss_mb", 0.0)),
        "serve_rss_mb": ours["peak_rss_mb"],
        "build_rss_mb": built.get("peak_rss_mb"),
    }
    baseline = {
        "recall_at_5": base.get("recall", {}).get("all", {}).get("R@5"),
        "recall": base.get("recall"),
        "build_s": base["build_s"],
        "chunks": base.get("chunks"),
        "search_p50_ms": _pct(base["search_ms"], 50),
        "search_p95_ms": _pct(base["search_ms"], 95),
        "ask_p50_ms": None,
        "ask_p95_ms": None,
        "cold_start_s": base["cold_start_s"],
        "peak_rss_mb": base["peak_rss_mb"],
    }
    report["nttqa"] = nttqa
    report["baseline"] = baseline
    if profile:
        report["profile"] = ours.get("profile", "")
    return report


def _verdict(value: float | None, target: float) -> str:
    if value is None or value != value:
        return ""
    return "ok" if value <= target else "OVER"


def format_report(r: dict[str, Any]) -> str:
    n, b = r["nttqa"], r["baseline"]

    def f(v: Any, fmt: str) -> str:
        return "—" if v is None or (isinstance(v, float) and v != v) else format(v, fmt)

    rows = [
        ("Recall@5 (gold, answerable)", f(n["recall_at_5"], ".3f"), f(b["recall_at_5"], ".3f"), None, None),
        ("index build (s)", f(n["build_s"], ".1f"), f(b["build_s"], ".1f"), "build_s", n["build_s"]),
        ("search p50 (ms)", f(n["search_p50_ms"], ".1f"), f(b["search_p50_ms"], ".1f"), "search_p50_ms",
         n["search_p50_ms"]),
        ("search p95 (ms)", f(n["search_p95_ms"], ".1f"), f(b["search_p95_ms"], ".1f"), None, None),
        ("ask p50 (ms, extractive)", f(n["ask_p50_ms"], ".1f"), "—", None, None),
        ("ask p95 (ms, extractive)", f(n["ask_p95_ms"], ".1f"), "—", "ask_p95_ms", n["ask_p95_ms"]),
        ("cold start to 1st answer (s)", f(n["cold_start_s"], ".2f"), f(b["cold_start_s"], ".2f"), "cold_start_s",
         n["cold_start_s"]),
        ("peak RSS (MB)", f(n["peak_rss_mb"], ".0f"), f(b["peak_rss_mb"], ".0f"), "peak_rss_mb", n["peak_rss_mb"]),
    ]
    head = f"{'':<30}{'nttqa':>10}{'baseline':>10}{'target':>10}  "
    lines = [
        f"nttqa bench: embedder {r['embedder']}, {r['cpus']} CPUs, {r['rounds']} timed calls each, "
        f"gold {r['gold'] or '(none: recall not measured)'}",
        head, "-" * (len(head) + 4)]
    for name, ours, theirs, key, value in rows:
        target = TARGETS.get(key) if key else None
        tcell = f"<= {target:g}" if target is not None else ""
        lines.append(f"{name:<30}{ours:>10}{theirs:>10}{tcell:>10}  {_verdict(value, target) if target else ''}")
    lines.append("")
    lines.append(f"nttqa: {n['chunks']} chunks; build {f(n['build_s'], '.1f')} s end to end "
                 f"({f(n['build_inner_s'], '.1f')} s inside the process), peak RSS build "
                 f"{f(n['build_rss_mb'], '.0f')} MB / serving {f(n['serve_rss_mb'], '.0f')} MB; index load "
                 f"{f(n['load_s'], '.2f')} s.")
    if n.get("embed_p50_ms") == n.get("embed_p50_ms") and n.get("embed_p50_ms") is not None:
        lines.append(f"nttqa: embedding the question alone takes p50 {f(n['embed_p50_ms'], '.1f')} ms / p95 "
                     f"{f(n['embed_p95_ms'], '.1f')} ms (timed separately), so search spends about "
                     f"{f(max(0.0, n['search_p50_ms'] - n['embed_p50_ms']), '.1f')} ms and ask about "
                     f"{f(max(0.0, n['ask_p50_ms'] - n['embed_p50_ms']), '.1f')} ms (p50) on everything else.")
    lines.append(f"baseline: {b['chunks']} chunks of 1000 characters (200 overlap), FAISS only; it keeps no "
                 "index on disk, so its cold start includes its build.")
    for who, d in (("nttqa", n), ("baseline", b)):
        rec = d.get("recall") or {}
        if rec:
            parts = ", ".join(f"{g} R@5 {m['R@5']:.3f} (n={int(m['n'])})" for g, m in rec.items())
            lines.append(f"{who} recall: {parts}")
    if r.get("profile"):
        lines.append("")
        lines.append("Profile of warm search + ask (cProfile):")
        lines.append(r["profile"].rstrip())
    return "\n".join(lines)


# --------------------------------------------------------------------------- scale study


def scale_study(settings: Settings, multipliers: Sequence[int], seed: int = 0,
                say=lambda _msg: None) -> dict[str, Any]:
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
    for m in [1, *sorted(set(int(x) for x in multipliers if int(x) > 1))]:
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
        row["flat_top10_ms"] = _latency(lambda i: flat.search(qvecs[i:i + 1], 10), len(questions))
        row["dense_all_scores_ms"] = _latency(lambda i: vecs @ qvecs[i], len(questions))

        def bm25_scores(i: int) -> np.ndarray:
            known = [t for t in qterms[i] if t in vocab_ids]
            return bm.get_scores(known) if known else np.zeros(n, np.float32)

        row["bm25_scores_ms"] = _latency(bm25_scores, len(questions))

        def fused(i: int) -> np.ndarray:  # the retriever's core: exact scores of all chunks, z-sum, top 10
            d = vecs @ qvecs[i]
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
                row[f"{name}_top10_ms"] = _latency(lambda i: ann.search(qvecs[i:i + 1], 10), len(questions))
            del ann
        del flat, vecs
        rows["scales"].append(row)
    return rows


def _latency(fn, nq: int, reps: int = 3) -> dict[str, float]:
    """p50/p95 of single queries, each on one thread (as a server thread runs it): no OpenMP or
    OpenBLAS threads spinning against each other, or against other processes, in the figures."""
    import faiss

    before = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        from threadpoolctl import threadpool_limits  # optional (it comes with scikit-learn)
    except ImportError:  # pragma: no cover
        from contextlib import nullcontext as threadpool_limits  # type: ignore[assignment]
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
    return {"p50": _pct(ms, 50), "p95": _pct(ms, 95)}


def format_scale(s: dict[str, Any]) -> str:
    base = s["scales"][0]
    lines = [f"Scale study: synthetic corpus of the thesis' {s['base_chunks']} chunks replicated with perturbations "
             f"(vectors = real chunk vectors + Gaussian noise, renormalised; {s['queries']} real queries)."]
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
    lines += ["", "Approximate dense indexes (faiss; searches on one thread; HNSW M=32, efSearch 64 or 256; "
              "IVF nlist=sqrt(n), nprobe nlist/8 or nlist/4). 'same sources': share of the exact top 10's source "
              "chunks found (a chunk's copies are near-ties, so plain recall@10 undersells HNSW here):",
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


# --------------------------------------------------------------------------- entry point


def run_bench(settings: Settings, gold: Path | None, as_json: bool, rounds: int, scale: str,
              profile: bool = False) -> int:
    gold = gold or default_gold()
    multipliers = [int(x) for x in scale.replace(" ", "").split(",") if x] if scale else []
    say = (lambda _m: None) if as_json else (lambda msg: print(msg, file=sys.stderr, flush=True))
    with tempfile.TemporaryDirectory(prefix="nttqa-bench-") as tmp:
        index_dir = Path(tmp) / "index"
        say(f"building the index into {index_dir} ...")
        built = build_index(settings, index_dir)
        say("measuring nttqa and the baseline in fresh processes ...")
        report = measure(settings, gold, max(1, rounds), index_dir, built, profile=profile)
        if multipliers:
            report["scale"] = scale_study(settings.with_(index_dir=index_dir), multipliers, say=say)
    if as_json:
        print(json.dumps(report, indent=2, default=float))
    else:
        print(format_report(report))
        if multipliers:
            print()
            print(format_scale(report["scale"]))
    return 0
