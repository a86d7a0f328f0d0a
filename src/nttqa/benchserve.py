"""The fresh process ``nttqa bench`` measures: it starts nttqa (or the tutorial baseline),
answers, and reports its figures.

    python -m nttqa.benchserve SPAWNED CONFIG

``SPAWNED`` is the parent's ``time.time()`` at the moment it spawned this process (the
cold start is timed from it); ``CONFIG`` is a JSON object: ``system`` ("nttqa" or
"baseline"), ``corpus``, ``index``, ``embedder``, ``gold`` (a path, or "" for none),
``questions``, ``first`` (the question of the cold start), ``rounds`` and ``profile``.
The figures are printed as one JSON object on the last stdout line: ``load_s`` (nttqa)
or ``build_s`` and ``chunks`` (baseline), ``cold_start_s``, ``recall`` (with a gold
file), ``search_ms``, and for nttqa ``ask_ms``, ``embed_ms`` and ``profile`` (when
asked).  nttqa's modules are imported inside :func:`main`, after the clock started.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any


def _timed(fn: Callable[[str], Any], questions: Sequence[str], rounds: int) -> list[float]:
    """Milliseconds of ``rounds`` calls, cycling through the questions, after three warm-up calls."""
    for q in questions[:3]:
        fn(q)
    ms = []
    for i in range(rounds):
        t = time.perf_counter()
        fn(questions[i % len(questions)])
        ms.append((time.perf_counter() - t) * 1000)
    return ms


def _profile(search: Callable[[str, int], Any], ask: Callable[[str], Any], questions: Sequence[str]) -> str:
    """cProfile of warm searches and asks: the top functions by own time, then by cumulative time."""
    import cProfile
    import io
    import pstats

    pr = cProfile.Profile()
    pr.enable()
    for q in questions[: max(10, min(len(questions), 40))]:
        search(q, 5)
        ask(q)
    pr.disable()
    buf = io.StringIO()
    st = pstats.Stats(pr, stream=buf)
    st.sort_stats("tottime").print_stats(15)
    st.sort_stats("cumulative").print_stats(25)
    return buf.getvalue()


def main(argv: Sequence[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    spawned = float(args[0])
    cfg = json.loads(args[1])
    from nttqa.config import load_settings

    s = load_settings(corpus_dir=Path(cfg["corpus"]), index_dir=Path(cfg["index"]), embedder=cfg["embedder"])
    out: dict[str, Any] = {}
    t0 = time.perf_counter()
    search: Callable[[str, int], list[str]]
    ask: Callable[[str], Any] | None
    if cfg["system"] == "nttqa":
        from nttqa.pipeline import Pipeline

        p = Pipeline.load(s)
        p.retriever.cache_size = 0  # every timed question is embedded, as a new one would be
        out["load_s"] = time.perf_counter() - t0
        p.ask(cfg["first"])

        def passages(q: str, k: int) -> list[str]:
            return [h.chunk.text for h in p.search(q, k)]

        search = passages
        ask = p.ask
    else:
        from nttqa.baseline import baseline_search

        bs = baseline_search(s)
        out["build_s"] = time.perf_counter() - t0
        out["chunks"] = bs.chunk_count  # type: ignore[attr-defined]
        bs(cfg["first"], 5)
        search = bs
        ask = None
    out["cold_start_s"] = time.time() - spawned

    if cfg["gold"]:
        from nttqa.evaluate import evaluate_retrieval, read_gold

        g = evaluate_retrieval(read_gold(Path(cfg["gold"])), lambda q: search(q, 10))["groups"]
        out["recall"] = {k: g[k] for k in ("all", "lang=en", "lang=id") if k in g}

    qs = cfg["questions"]
    out["search_ms"] = _timed(lambda q: search(q, 5), qs, cfg["rounds"])
    if ask is not None:
        out["ask_ms"] = _timed(ask, qs, cfg["rounds"])
        out["embed_ms"] = _timed(lambda q: p.embedder.embed_queries([q]), qs, cfg["rounds"])
        if cfg["profile"]:
            out["profile"] = _profile(search, ask, qs)
    print(json.dumps(out))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
