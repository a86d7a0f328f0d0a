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

Every figure comes from its own fresh process (``python -m nttqa.benchserve``, see
:mod:`nttqa.benchserve`), so one system's imports or caches never flatter the other.
``--scale 100,1000`` adds a synthetic-corpus study of the dense and BM25 structures
(:mod:`nttqa.scale`).
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from nttqa.config import Settings
from nttqa.scale import (
    FALLBACK_QUESTIONS,
    default_gold,
    format_scale,
    percentile,
    scale_study,
)

TARGETS = {  # on a 2-core machine
    "search_p50_ms": 30.0,
    "ask_p95_ms": 100.0,
    "build_s": 60.0,
    "cold_start_s": 5.0,
    "peak_rss_mb": 600.0,
}

# --------------------------------------------------------------------------- child processes


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
    wall, rss, out, err, rc = _run_child([sys.executable, "-m", "nttqa.benchserve", repr(spawned), json.dumps(cfg)])
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


# --------------------------------------------------------------------------- one more document


def synthetic_document(path: Path, source: str, pages: int = 40, chars_per_page: int = 1500) -> Path:
    """A ``pages``-page document made of ``source``'s sentences in reverse order (text a build
    must really embed; 1500 characters a page, the thesis' own density), as a PDF with a page number at the foot of each page when fpdf2 is
    installed (the test extra), else as Markdown with the same text."""
    import re

    sentences = [x.strip() for x in re.split(r"(?<=[.!?])\s+", " ".join(source.split())) if len(x.strip()) > 20]
    sentences.reverse()
    text = " ".join(sentences)[: pages * chars_per_page]
    page_texts = [text[i:i + chars_per_page] for i in range(0, len(text), chars_per_page)]
    try:
        from fpdf import FPDF
    except ImportError:
        path = path.with_suffix(".md")
        path.write_text("# Dokumen pembanding\n\n" + "\n\n".join(page_texts) + "\n", encoding="utf-8")
        return path
    pdf = FPDF(format="A4")
    pdf.set_font("Helvetica", size=10)
    for k, body in enumerate(page_texts, 1):
        pdf.add_page()
        pdf.multi_cell(0, 5, body.encode("latin-1", "replace").decode("latin-1"))
        pdf.set_y(-15)
        pdf.cell(0, 5, str(k), align="C")
    pdf.output(str(path.with_suffix(".pdf")))
    return path.with_suffix(".pdf")


def add_and_remove(settings: Settings, index_dir: Path, work: Path, pages: int = 40) -> dict[str, Any]:
    """``nttqa add`` of a ``pages``-page document to the built index, then ``nttqa remove``,
    each in a fresh process on copies of the corpus and the index."""
    import shutil

    corpus, index = work / "corpus", work / "index"
    shutil.copytree(settings.corpus_dir, corpus, ignore=shutil.ignore_patterns(".*"))
    shutil.copytree(index_dir, index)
    source = "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(corpus.glob("*.txt")))
    doc = synthetic_document(work / "pembanding", source, pages)
    base = [sys.executable, "-m", "nttqa"]
    where = ["--corpus", str(corpus), "--index", str(index), "--embedder", settings.embedder, "--quiet"]
    add_s, _rss, _o, err, rc = _run_child([*base, "add", str(doc), *where])
    if rc != 0:
        raise RuntimeError(f"`nttqa add` failed (exit {rc}):\n{err[-3000:]}")
    chunks = json.loads((index / "manifest.json").read_text(encoding="utf-8")).get("chunk_count")
    remove_s, _rss, _o, err, rc = _run_child([*base, "remove", doc.name, *where])
    if rc != 0:
        raise RuntimeError(f"`nttqa remove` failed (exit {rc}):\n{err[-3000:]}")
    return {"add_s": add_s, "remove_s": remove_s, "pages": pages, "kind": doc.suffix.lstrip("."),
            "chunks_after_add": chunks}


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
        "search_p50_ms": percentile(ours["search_ms"], 50),
        "search_p95_ms": percentile(ours["search_ms"], 95),
        "ask_p50_ms": percentile(ours["ask_ms"], 50),
        "ask_p95_ms": percentile(ours["ask_ms"], 95),
        "embed_p50_ms": percentile(ours["embed_ms"], 50),
        "embed_p95_ms": percentile(ours["embed_ms"], 95),
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
        "search_p50_ms": percentile(base["search_ms"], 50),
        "search_p95_ms": percentile(base["search_ms"], 95),
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
    if value is None or math.isnan(value):
        return ""
    return "ok" if value <= target else "OVER"


def format_report(r: dict[str, Any]) -> str:
    n, b = r["nttqa"], r["baseline"]

    def f(v: Any, fmt: str) -> str:
        return "—" if v is None or (isinstance(v, float) and math.isnan(v)) else format(v, fmt)

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
        (f"nttqa bench: embedder {r['embedder']}, {r['cpus']} CPUs, {r['rounds']} timed calls each, "
         f"gold {r['gold'] or '(none: recall not measured)'}"),
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
    ar = r.get("add_remove")
    if ar:
        lines.append(f"nttqa add of a {ar['pages']}-page {ar['kind'].upper()} to this index: {f(ar['add_s'], '.1f')} s "
                     f"(only it parsed and embedded; {ar['chunks_after_add']} chunks after), nttqa remove: "
                     f"{f(ar['remove_s'], '.1f')} s; a full build: {f(n['build_s'], '.1f')} s.")
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
        say("adding and removing a 40-page document ...")
        report["add_remove"] = add_and_remove(settings, index_dir, Path(tmp) / "more")
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
