"""Where the time of a warm search and a warm ask goes (cProfile, top functions).

    python scripts/profile_queries.py [--rounds 3] [--top 20]

Uses the committed index and the default embedder; questions from the gold file when it exists.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import time

import numpy as np

from nttqa.config import load_settings
from nttqa.pipeline import Pipeline
from nttqa.scale import FALLBACK_QUESTIONS, default_gold


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--top", type=int, default=20)
    args = ap.parse_args()
    gold = default_gold()
    if gold:
        from nttqa.evaluate import read_gold

        questions = [g.question for g in read_gold(gold)]
    else:
        questions = FALLBACK_QUESTIONS
    p = Pipeline.load(load_settings())
    for q in questions[:3]:
        p.ask(q)
    for name, fn in (("search", p.search), ("ask", p.ask), ("embed only", lambda q: p.embedder.embed_queries([q]))):
        ms = []
        for _ in range(args.rounds):
            for q in questions:
                t = time.perf_counter()
                fn(q)
                ms.append((time.perf_counter() - t) * 1000)
        print(f"{name:>10}: p50 {np.percentile(ms, 50):.1f} ms, p95 {np.percentile(ms, 95):.1f} ms (n={len(ms)})")
    for name, fn in (("search", p.search), ("ask", p.ask)):
        pr = cProfile.Profile()
        pr.enable()
        for _ in range(args.rounds):
            for q in questions:
                fn(q)
        pr.disable()
        print(f"\n===== {name}: top {args.top} by own time =====")
        pstats.Stats(pr).sort_stats("tottime").print_stats(args.top)


if __name__ == "__main__":
    main()
