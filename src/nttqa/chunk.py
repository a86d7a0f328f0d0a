"""Documents -> citation-sized Chunks that follow the thesis' structure (pure).

Headings (ABSTRAK/ABSTRACT, BAB n + title, numbered sections) set the current
chapter and section; a chunk never crosses a section.  Inside a section,
paragraphs are packed greedily up to ``target`` characters; a paragraph longer
than ``max_chars`` is cut at sentence boundaries.  Tables (caption ... source
line) are chunks of their own.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nttqa.parse import HEADING_RE, is_heading, is_title
from nttqa.textutil import detect_language, ref_keys, split_sentences, years
from nttqa.types import Chunk, Document, Paragraph

_CHAPTER = re.compile(r"^\s*BAB\s+([IVX]+)\s*$")


@dataclass
class _Section:
    chapter: str
    number: str
    title: str
    paras: list[Paragraph] = field(default_factory=list)


@dataclass(frozen=True)
class OutlineEntry:
    level: int  # 0 = chapter / named part, 1.. = section depth
    number: str
    title: str
    page: str  # printed page label where it starts
    char_start: int


def _sections(doc: Document) -> tuple[list[_Section], list[OutlineEntry]]:
    sections: list[_Section] = []
    outline: list[OutlineEntry] = []
    chapter = ""
    cur = _Section("", "", "")
    pending_chapter: str | None = None
    for para in doc.paragraphs:
        text = para.text.strip()
        if para.kind == "footnote":  # belongs to the section it stands in; never a heading
            cur.paras.append(para)
            continue
        if pending_chapter is not None:
            if (text.isupper() and len(text) <= 250 or is_title(text)) and not HEADING_RE.match(text):
                chapter = f"{pending_chapter} {text}"
                outline[-1] = OutlineEntry(0, pending_chapter, text, outline[-1].page, outline[-1].char_start)
                cur.title = text
                pending_chapter = None
                continue
            pending_chapter = None
        m = HEADING_RE.match(text) if "\n" not in text else None
        if m and is_heading(text):  # not a line ending in a comma, nor a table-of-contents entry
            sections.append(cur)
            label = doc.page(para.page).label
            if m.group("bab"):
                roman = _CHAPTER.match(text).group(1)  # type: ignore[union-attr]
                chapter = f"BAB {roman}"
                pending_chapter = chapter
                cur = _Section(chapter, "", "")
                outline.append(OutlineEntry(0, chapter, "", label, para.start))
            elif m.group("named"):
                name = re.sub(r"\s+", " ", m.group("named"))
                chapter = name
                cur = _Section(name, "", "")
                outline.append(OutlineEntry(0, name, "", label, para.start))
            else:
                num = m.group("num") or m.group("pnum")
                title = re.sub(r"\s+", " ", m.group("title") or m.group("ptitle")).strip()
                cur = _Section(chapter, num, title)
                outline.append(OutlineEntry(num.count("."), num, title, label, para.start))
            continue
        cur.paras.append(para)
    sections.append(cur)
    return [s for s in sections if s.paras], outline


def outline(doc: Document) -> list[OutlineEntry]:
    """The document's chapter and section tree, in reading order."""
    return _sections(doc)[1]


def _char_map(doc_text: str, para: Paragraph) -> list[int]:
    """For each character of ``para.text``, its offset in the original text.

    Paragraph text was re-joined (line breaks -> spaces, some hyphens dropped),
    so we align on non-space characters and skip dropped hyphens.
    """
    out: list[int] = []
    j = para.start
    src = doc_text
    for ch in para.text:
        if ch.isspace():
            out.append(j)
            continue
        while j < para.end and src[j] != ch:
            j += 1
        out.append(min(j, max(para.end - 1, para.start)))
        j += 1
    return out


@dataclass
class _Piece:
    text: str
    start: int
    end: int
    page: int
    page_end: int
    table: bool = False
    note: bool = False  # a footnote: a chunk of its own


def _split_paragraph(doc: Document, para: Paragraph, target: int, max_chars: int) -> list[_Piece]:
    # A paragraph well over the target is cut at sentences; one near it stays whole.
    if para.kind == "footnote":
        return [_Piece(para.text, para.start, para.end, para.page, para.page_end, note=True)]
    if len(para.text) <= min(max_chars, int(target * 1.5)):
        return [_Piece(para.text, para.start, para.end, para.page, para.page_end, para.text.startswith(("Tabel", "Table")))]
    cmap = _char_map(doc.text, para)
    spans = split_sentences(para.text)
    # Sentences that are themselves too long are cut at clause boundaries.
    fine: list[tuple[int, int]] = []
    for s, e in spans:
        while e - s > max_chars:
            cut = para.text.rfind(", ", s, s + target)
            if cut <= s:
                cut = para.text.rfind(" ", s, s + target)
            if cut <= s:
                cut = s + target
            fine.append((s, cut + 1))
            s = cut + 1
            while s < e and para.text[s].isspace():
                s += 1
        fine.append((s, e))
    groups: list[tuple[int, int]] = []
    gs, ge = fine[0]
    for s, e in fine[1:]:
        if e - gs <= target or ge - gs < target // 3:
            ge = e
        else:
            groups.append((gs, ge))
            gs, ge = s, e
    groups.append((gs, ge))
    # Never leave a tiny tail: merge it back when the result still fits.
    if len(groups) > 1 and groups[-1][1] - groups[-1][0] < target // 3 and groups[-1][1] - groups[-2][0] <= max_chars:
        groups[-2:] = [(groups[-2][0], groups[-1][1])]
    pieces = []
    for s, e in groups:
        start = cmap[s]
        end = cmap[e - 1] + 1
        pieces.append(_Piece(para.text[s:e], start, end, _page_at(doc, start), _page_at(doc, end - 1)))
    return pieces


def _page_at(doc: Document, offset: int) -> int:
    lo, hi = 0, len(doc.pages) - 1
    while lo < hi:
        mid = (lo + hi + 1) // 2
        if doc.pages[mid].start <= offset:
            lo = mid
        else:
            hi = mid - 1
    return doc.pages[lo].number


# Bump when parsing or chunking gives other chunks for the same file (the footnotes of PDFs: 2; two-column pages and
# a journal's "1. Pendahuluan" headings: 3; a range of years written in words, "2016 hingga 2017": 4; a line
# ending in an acronym's bracket, "Rencana Aksi Daerah (RAD)", no longer ends its paragraph: 5):
# an incremental build then re-parses every document instead of reusing its chunks.
CHUNKER_VERSION = 5


def chunk_document(doc: Document, target: int = 700, max_chars: int = 1400, min_chars: int = 200,
                   first_id: int = 0) -> list[Chunk]:
    sections, _ = _sections(doc)
    chunks: list[Chunk] = []
    next_id = first_id

    def emit(sec: _Section, group: list[_Piece], kind: str) -> None:
        nonlocal next_id
        text = "\n".join(p.text for p in group) if kind == "table" else " ".join(p.text for p in group)
        p0, p1 = group[0].page, max(p.page_end for p in group)
        labels = tuple(doc.page(n).label for n in range(p0, p1 + 1))
        lang = doc.meta.get("section_languages", {}).get(sec.chapter) or detect_language(text)
        chunks.append(Chunk(
            id=next_id, doc=doc.doc, chapter=sec.chapter, section=sec.number, section_title=sec.title,
            text=text, char_start=group[0].start, char_end=group[-1].end, page_start=p0, page_end=p1,
            page_labels=labels, pages_estimated=any(doc.page(n).estimated for n in range(p0, p1 + 1)),
            lang=lang if lang in ("id", "en") else "id", kind=kind, years=years(text), refs=ref_keys(text),
        ))
        next_id += 1

    for sec in sections:
        pieces: list[_Piece] = []
        for para in sec.paras:
            pieces.extend(_split_paragraph(doc, para, target, max_chars))
        group: list[_Piece] = []
        size = 0
        for piece in pieces:
            if piece.table or piece.note:
                if group:
                    emit(sec, group, "text")
                    group, size = [], 0
                emit(sec, [piece], "table" if piece.table else "footnote")
                continue
            added = len(piece.text) + (1 if group else 0)
            if group and size + added > target and (size >= min_chars or size + added > max_chars):
                emit(sec, group, "text")
                group, size = [], 0
                added = len(piece.text)
            group.append(piece)
            size += added
        if group:
            # A short tail joins the previous chunk of the same section when it fits.
            if chunks and size < min_chars and chunks[-1].section == sec.number and chunks[-1].chapter == sec.chapter \
                    and chunks[-1].kind == "text" and len(chunks[-1].text) + size + 1 <= max_chars \
                    and chunks[-1].doc == doc.doc:
                prev = chunks.pop()
                next_id -= 1
                merged = [_Piece(prev.text, prev.char_start, prev.char_end, prev.page_start, prev.page_end)] + group
                emit(sec, merged, "text")
            else:
                emit(sec, group, "text")
    return chunks


def embedding_text(chunk: Chunk) -> str:
    """What gets embedded: the section path, then the passage."""
    return f"{chunk.path}\n{chunk.text}" if chunk.path else chunk.text
