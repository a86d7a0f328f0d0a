"""CLI glue for the study tools: argparse subcommands and their printing.

``add_study_commands`` registers: sources, cite, timeline, figures, outline,
quiz, glossary.  Each subcommand sets ``study_command`` to its name, so the
caller can route ``args`` to ``run_study_command``.  ``--json`` and ``--lang``
default to "not given" so that the same options on a parent parser survive.

Every sentence printed comes from the study catalogues (``data/study.<lang>.json``,
``texts.t``) in the ``--lang`` the command is run in (English by default), and every
location from ``nttqa.locate``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable, Sequence
from typing import Any

from nttqa import locate
from nttqa.study import texts
from nttqa.study.figures import build_figures, series
from nttqa.study.glossary import build_glossary
from nttqa.study.quiz import KINDS, make_quiz
from nttqa.study.reader import Node, section_text, section_tree
from nttqa.study.sources import (build_sources, find_source, match_sources, reference_list_notice,
                                 sources_supporting)
from nttqa.study.timeline import build_timeline, events_in_year
from nttqa.types import Chunk

STUDY_COMMANDS = ("sources", "cite", "timeline", "figures", "outline", "quiz", "glossary")
_QUOTE_CHARS = 180


def _common(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", default=argparse.SUPPRESS, help="print JSON")
    p.add_argument("--lang", choices=("id", "en"), default=argparse.SUPPRESS,
                   help="language of the printed texts and page words (default: en)")


def add_study_commands(subparsers: Any) -> None:
    """Register the study subcommands on an ``argparse`` subparsers object."""
    p = subparsers.add_parser("sources", help="sources the thesis cites, with where and how often")
    _common(p)
    p.set_defaults(study_command="sources")

    p = subparsers.add_parser("cite", help='where a source is cited ("Winadya 2019"), or which source backs a phrase')
    p.add_argument("query", nargs="+", help='a source ("Goma 2020", "winadya") or words of a claim ("605 2014")')
    _common(p)
    p.set_defaults(study_command="cite")

    p = subparsers.add_parser("timeline", help="dated events from the text")
    p.add_argument("--year", type=int, default=None, help="only events in this year")
    p.add_argument("--actor", default=None, help='only events naming this actor, e.g. "IOM"')
    p.add_argument("--periods", action="store_true", help="with --year: add periods covering that year")
    _common(p)
    p.set_defaults(study_command="timeline")

    p = subparsers.add_parser("figures", help="numbers the thesis reports (tables, victims, ...)")
    p.add_argument("--series", default=None, help="only series whose name contains this text")
    _common(p)
    p.set_defaults(study_command="figures")

    p = subparsers.add_parser("outline", help="chapters and sections with pages; --section to read one")
    p.add_argument("--section", default=None, help='a section number ("2.4") or chapter ("BAB II") to print')
    _common(p)
    p.set_defaults(study_command="outline")

    p = subparsers.add_parser("quiz", help="practice questions generated from the text")
    p.add_argument("--n", type=int, default=10)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--kinds", default=None, help=f"comma-separated subset of {','.join(KINDS)}")
    p.add_argument("--answers", action="store_true", help="print the answers and their passages too")
    _common(p)
    p.set_defaults(study_command="quiz")

    p = subparsers.add_parser("glossary", help="terms and abbreviations defined in the text")
    _common(p)
    p.set_defaults(study_command="glossary")


# --- printing helpers -------------------------------------------------------------------


def _dump(obj: Any) -> None:
    print(json.dumps(obj, ensure_ascii=False, indent=2))


def _short(text: str, limit: int = _QUOTE_CHARS) -> str:
    t = " ".join(text.split())
    return t if len(t) <= limit else t[:limit - 1].rsplit(" ", 1)[0] + "…"


def _lang(args: argparse.Namespace, default: str = "en") -> str:
    return "id" if getattr(args, "lang", default) == "id" else "en"


def _source_pages(lang: str, pages: Sequence[str]) -> str:
    """"pp. 32-37, 40" / "hlm. 26": the pages of the cited work a source is cited at."""
    plural = len(pages) > 1 or any("-" in p or "–" in p for p in pages)
    return f"{texts.page_word(lang, plural=plural)} {', '.join(pages)}"


# --- commands ---------------------------------------------------------------------------------


def _sources(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    lang = _lang(args)
    found = build_sources(chunks)
    notice = reference_list_notice(chunks, lang)
    if getattr(args, "json", False):
        _dump({"notice": notice, "count": len(found), "citations": sum(s.count for s in found),
               "sources": [s.to_dict() for s in found]})
        return 0
    if notice:
        print(notice)
        print()
    for s in found:
        pages = f"; {_source_pages(lang, s.pages)}" if s.pages else ""
        times = f"{s.count}×"
        print(f"{s.key} — {times}{pages}")
        print(f"    {', '.join(s.sections)}")
    print()
    print(texts.t(lang, "sources_summary", sources=len(found), citations=sum(s.count for s in found)))
    return 0


def _cite(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    lang = _lang(args)
    query = " ".join(args.query)
    found = build_sources(chunks)
    as_json = getattr(args, "json", False)
    src = find_source(found, query)
    if src:
        if as_json:
            _dump({"query": query, "source": src.to_dict(),
                   "also_matching": [s.key for s in match_sources(found, query)[1:5]]})
            return 0
        if src.pages:
            print(texts.t(lang, "cite_source_pages", source=src.key, count=src.count,
                          pages=_source_pages(lang, src.pages)))
        else:
            print(texts.t(lang, "cite_source", source=src.key, count=src.count))
        for c in src.citations:
            print(f"\n  {c.cite.label(lang)} — {c.as_written}")
            print(f"    {_short(c.claim, 400)}")
        return 0
    backing = sources_supporting(found, query.split())
    if as_json:
        _dump({"query": query, "source": None,
               "supporting": [{"source": s.key, **c.to_dict()} for s, c in backing]})
        return 0 if backing else 1
    if not backing:
        print(texts.t(lang, "cite_none", query=query))
        return 1
    print(texts.t(lang, "cite_backing", query=query))
    for s, c in backing:
        print(f"\n  {s.key} — {c.cite.label(lang)} — {c.as_written}")
        print(f"    {_short(c.claim, 400)}")
    return 0


def _timeline(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    lang = _lang(args)
    events = build_timeline(chunks)
    year = getattr(args, "year", None)
    actor = getattr(args, "actor", None)
    if year is not None:
        shown = events_in_year(events, year, actor, include_periods=getattr(args, "periods", False))
    else:
        shown = [e for e in events if not actor or actor in e.mentions or actor.lower() in e.cite.sentence.lower()]
    if getattr(args, "json", False):
        _dump({"year": year, "actor": actor, "count": len(shown), "events": [e.to_dict() for e in shown]})
        return 0
    if not shown:
        if year is not None and actor:
            print(texts.t(lang, "timeline_none_year_actor", year=year, actor=actor))
        elif year is not None:
            print(texts.t(lang, "timeline_none_year", year=year))
        elif actor:
            print(texts.t(lang, "timeline_none_actor", actor=actor))
        else:
            print(texts.t(lang, "timeline_none"))
        return 1
    for e in shown:
        refs = f"  ({'; '.join(e.refs)})" if e.refs else ""
        print(f"{e.date:<11} {e.cite.label(lang)}: {_short(e.text)}{refs}")
    return 0


def _figures(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    lang = _lang(args)
    figs = build_figures(chunks)
    wanted = (getattr(args, "series", None) or "").lower()
    groups = {k: v for k, v in series(figs).items() if wanted in k.lower()}
    if getattr(args, "json", False):
        _dump({"count": sum(len(v) for v in groups.values()),
               "series": [{"name": k, "figures": [f.to_dict() for f in v]} for k, v in groups.items()]})
        return 0
    if not groups:
        if wanted:
            print(texts.t(lang, "figures_none_series", series=args.series))
        else:
            print(texts.t(lang, "figures_none"))
        return 1
    for name, fs in groups.items():
        first = fs[0]
        print(f"## {name}")
        where = first.source_line or ("; ".join(first.refs) if first.refs else "")
        print(f"   {first.cite.label(lang)}" + (f" — {where}" if where else ""))
        for f in fs:
            print(f"   {f.label:<28} {f.raw}")
        print()
    return 0


def _print_tree(nodes: Sequence[Node], lang: str, indent: int = 0) -> None:
    for n in nodes:
        pages = n.page if n.page_end in ("", n.page) else f"{n.page}–{n.page_end}"
        where = locate.page_text(pages, lang)
        print(f"{'  ' * indent}{n.heading}" + (f"  ({where})" if where else ""))
        _print_tree(n.children, lang, indent + 1)


def _outline(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    lang = _lang(args)
    section = getattr(args, "section", None)
    as_json = getattr(args, "json", False)
    if section:
        passages = section_text(chunks, section)
        if as_json:
            _dump({"section": section, "count": len(passages), "passages": [c.to_dict() for c in passages]})
            return 0 if passages else 1
        if not passages:
            print(texts.t(lang, "outline_no_section", section=section))
            return 1
        last = None
        for c in passages:
            heading = locate.heading_of(c.section, c.section_title, c.chapter)
            if heading != last:
                print(f"\n{heading}")
                last = heading
            where = locate.page_text(c.pages, lang, pdf_pages=c.pdf_pages)
            print(f"[{where}] {c.text}" if where else c.text)
        return 0
    trees = [{"doc": d.get("doc", ""), "title": d.get("title", ""), "tree": section_tree(d.get("outline", []))}
             for d in docs]
    if as_json:
        _dump({"docs": [{"doc": t["doc"], "title": t["title"], "outline": [n.to_dict() for n in t["tree"]]}
                        for t in trees]})
        return 0
    for t in trees:
        print(t["title"] or t["doc"])
        _print_tree(t["tree"], lang, 1)
        print()
    return 0


def _quiz(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    kinds_arg = getattr(args, "kinds", None)
    kinds = [k.strip() for k in kinds_arg.split(",") if k.strip()] if kinds_arg else None
    lang = _lang(args)
    unknown = [k for k in (kinds or []) if k not in KINDS]
    if unknown:
        print(texts.t(lang, "unknown_quiz_kinds", kinds=", ".join(unknown), choices=", ".join(KINDS)))
        return 2
    items = make_quiz(chunks, n=getattr(args, "n", 10), lang=lang, seed=getattr(args, "seed", 1), kinds=kinds)
    if getattr(args, "json", False):
        _dump({"lang": lang, "seed": getattr(args, "seed", 1), "count": len(items),
               "items": [it.to_dict() for it in items]})
        return 0
    if not items:
        print(texts.t(lang, "no_quiz_questions"))
        return 1
    for it in items:
        print(f"{it.n}. {it.question}")
        for k, choice in enumerate(it.choices):
            print(f"   {chr(ord('A') + k)}) {choice}")
        print()
    if getattr(args, "answers", False):
        print(texts.t(lang, "quiz_answer_key"))
        for it in items:
            letter = f"{chr(ord('A') + it.choices.index(it.answer))}) " if it.choices else ""
            print(f"{it.n}. {letter}{it.answer} — {it.cite.label(lang)}")
    return 0


def _glossary(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    entries = [e.to_dict() for e in build_glossary(chunks)]
    if getattr(args, "json", False):
        _dump({"count": len(entries), "entries": entries})
        return 0
    for d in entries:
        term = d.get("term") or d.get("short") or d.get("name") or ""
        meaning = d.get("definition") or d.get("long") or d.get("meaning") or d.get("text") or ""
        print(f"{term}: {_short(str(meaning))}" if meaning else str(term))
    return 0


_RUNNERS: dict[str, Callable[[argparse.Namespace, list[Chunk], list[dict]], int]] = {
    "sources": _sources, "cite": _cite, "timeline": _timeline, "figures": _figures, "outline": _outline,
    "quiz": _quiz, "glossary": _glossary,
}


def run_study_command(args: argparse.Namespace, chunks: list[Chunk], docs: list[dict]) -> int:
    """Print the result of a study subcommand; returns the exit code (0 ok, 1 nothing found, 2 error)."""
    name = getattr(args, "study_command", None) or getattr(args, "command", None)
    runner = _RUNNERS.get(name or "")
    if runner is None:
        lang = _lang(args)
        print(texts.t(lang, "unknown_command", name=repr(name)))
        return 2
    return runner(args, chunks, docs)
