"""Where a passage sits, for people and for the reader page: location labels
(``nttqa.locate`` formats them, one formatter per language) and the reader
targets that "open in reader" jumps to.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nttqa import locate
from nttqa.types import Chunk, Citation
from nttqa.ui.escape import squash

def where(item: Any, lang: str) -> str:
    """"§3.1.1 Instrumen, p. 45" for a Citation, a Chunk or a study item's Cite (``locate.of``)."""
    return locate.of(item, lang)


def term_location(term: Any, lang: str) -> str:
    """Where the glossary found a term's definition; "—" for curated terms."""
    return locate.of(term, lang) if term.pages else "—"


def chapter_of(c: Citation | Chunk) -> str:
    """The chapter line under a section heading ("BAB III PERAN ..."), "" when the heading says it already."""
    head = locate.heading_of(c.section, c.section_title, c.chapter)
    return "" if not c.chapter or head == c.chapter or head.startswith(c.chapter + " ") else c.chapter


@dataclass(frozen=True)
class ReaderTarget:
    key: str  # the outline entry to open ("3.1.2", "BAB II", "ABSTRACT")
    chunk_id: int
    quote: str
    label: str = ""


def outline_entries(docs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for d in docs:
        out.extend(d.get("outline") or [])
    return out


def outline_key(section: str, chapter: str, outline: Sequence[Mapping[str, Any]]) -> str:
    """The outline entry that holds a passage: its section, else its chapter / named part."""
    numbers = [str(e["number"]) for e in outline]
    if section and section in numbers:
        return section
    sec = section
    while sec and "." in sec:  # 3.1.2.1 -> 3.1.2 -> 3.1
        sec = sec.rsplit(".", 1)[0]
        if sec in numbers:
            return sec
    chap = squash(chapter).upper()
    for e in outline:
        head = squash(f"{e['number']} {e.get('title', '')}").upper()
        if chap and (chap == head or chap == str(e["number"]).upper() or chap.startswith(str(e["number"]).upper() + " ")):
            return str(e["number"])
    return section or chapter


def reader_target(c: Citation | Chunk, outline: Sequence[Mapping[str, Any]], quote: str = "") -> ReaderTarget:
    if isinstance(c, Citation):
        return ReaderTarget(outline_key(c.section, c.chapter, outline), c.chunk_id, c.quote, f"[{c.n}]")
    return ReaderTarget(outline_key(c.section, c.chapter, outline), c.id, quote)


def cite_target(cite: Any, outline: Sequence[Mapping[str, Any]], quote: str | None = None) -> ReaderTarget:
    """A study item's Cite -> where to open the reader (its sentence highlighted)."""
    return ReaderTarget(outline_key(cite.section, cite.chapter, outline), cite.chunk_id,
                        cite.sentence if quote is None else quote)


def outline_options(docs: Sequence[Mapping[str, Any]], lang: str) -> tuple[list[str], dict[str, str]]:
    """Keys of the outline entries in order and their labels ("    2.1.1 Kemiskinan · p. 18")."""
    from nttqa.study.reader import section_tree, walk

    keys: list[str] = []
    labels: dict[str, str] = {}
    for d in docs:
        for n in walk(section_tree(d.get("outline") or [])):
            if n.number in labels:
                continue
            pages = n.page if not n.page_end or n.page_end == n.page else f"{n.page}–{n.page_end}"
            word = locate.page_word(lang, "–" in pages)
            keys.append(n.number)
            indent = "\u2003" * int(n.level)
            labels[n.number] = f"{indent}{n.heading} · {word} {pages}"
    return keys, labels
