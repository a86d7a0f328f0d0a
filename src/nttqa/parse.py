"""Files -> Documents (pages + paragraphs with offsets into the source text).

The only module that imports pypdf.  Plain text comes from a PDF-to-text
extraction: every line is hard-wrapped and followed by a blank line, a page
usually starts with a line indented by a space directly after a text line,
and a few printed page numbers stand alone between pages.  From these cues we
recover pages (marked ``estimated``) and paragraphs.

PDFs come page by page; there the layout is recognised and kept out of the
paragraphs (never out of the text, so offsets stay exact): running headers and
footers, printed page numbers (the page labels when the PDF declares none) and
tables of contents (see ``page_layout``).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path

from nttqa.errors import CorpusError
from nttqa.types import Document, Page, Paragraph

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")

_ROMAN = ["i", "ii", "iii", "iv", "v", "vi", "vii", "viii", "ix", "x", "xi", "xii", "xiii",
          "xiv", "xv", "xvi", "xvii", "xviii", "xix", "xx"]

# Lines that open a new page in a thesis whatever the layout says.
_PAGE_OPENING = re.compile(r"^\s*(ABSTRAK|ABSTRACT|BAB\s+[IVX]+|DAFTAR\s+PUSTAKA)\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
HEADING_RE = re.compile(
    r"^\s*(?:(?P<bab>BAB\s+[IVX]+)|(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<title>[A-Z][^.!?]{2,90}?)"
    r"|(?P<named>ABSTRAK|ABSTRACT|DAFTAR\s+PUSTAKA|KATA\s+PENGANTAR))\s*$"
)
_LIST_ITEM = re.compile(r"^\s*(?:[-•*]\s|[A-Ha-h][.)]\s|\d{1,2}[.)]\s(?!\d)|\(\w\)\s)")
_CAPTION = re.compile(r"^\s*(Tabel|Table|Gambar|Figure|Grafik)\s+\d+", re.I)
_SOURCE_LINE = re.compile(r"^\s*(Sumber|Source)\s*:", re.I)
_SENTENCE_END = re.compile(r"[.!?:;\"”)]$")
# A hyphen at a line end is kept when it is part of the word ("isu-isu",
# "2014-2018", "PP-TPPO", "anti-perdagangan"); only a word split by the line
# break loses it.
_KEEP_HYPHEN_PREFIXES = {"anti", "pra", "non", "pasca", "pro", "multi", "semi", "sub",
                         "neo", "ex", "co", "self", "cross", "post", "pre", "inter"}


@dataclass(frozen=True)
class _Line:
    text: str  # stripped
    start: int  # offset of first non-space char
    end: int  # offset after last non-space char
    raw: str


def _lines(text: str) -> list[_Line]:
    out: list[_Line] = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        lead = len(raw) - len(raw.lstrip())
        start = pos + lead
        out.append(_Line(stripped, start, start + len(stripped), raw))
        pos += len(raw) + 1
    return out


# Typographic ligatures PDF makers emit as one character ("de\ufb01nisi").
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff]")


def normalize_text(text: str) -> str:
    """Text as it comes out of a PDF or a file, made plain: Unicode NFC, ligatures expanded,
    soft hyphens (U+00AD, a PDF's line-end hyphen) joined with the rest of their word wherever
    the line break or a space fell, and invisible zero-width characters dropped."""
    import unicodedata

    text = unicodedata.normalize("NFC", text)
    text = "".join(_LIGATURES.get(ch, ch) for ch in text) if any(ch in text for ch in _LIGATURES) else text
    # "ber\u00ad\nkembang" / "ber\u00ad kembang" -> "berkembang"; a stray one inside a word goes too.
    text = re.sub(r"\u00ad[ \t]*\n?[ \t]*(?=\w)", "", text).replace("\u00ad", "")
    return _INVISIBLE.sub("", text)


def is_heading(line: str) -> bool:
    # A table-of-contents entry ("1.1 Latar Belakang …… 1") names a heading but is not one.
    return bool(HEADING_RE.match(line)) and not line.rstrip().endswith(",") and not TOC_ENTRY.match(line.strip())


def _page_starts(lines: list[_Line]) -> list[tuple[int, str | None]]:
    """(line index, printed label or None) for every recovered page start."""
    starts: list[tuple[int, str | None]] = []
    seen_text = False
    for i, ln in enumerate(lines):
        if not ln.text:
            continue
        prev = lines[i - 1] if i > 0 else None
        num = _PAGE_NUMBER.match(ln.raw)
        if num and seen_text and (prev is None or not prev.text):
            nxt = lines[i + 1] if i + 1 < len(lines) else None
            if nxt is None or not nxt.text:
                starts.append((i, num.group(1)))
                continue
        if not seen_text:
            starts.append((i, None))
        elif _PAGE_OPENING.match(ln.raw):
            if not starts or starts[-1][0] != i:
                starts.append((i, None))
        elif ln.raw[:1].isspace() and prev is not None and prev.text and not _PAGE_NUMBER.match(prev.raw):
            starts.append((i, None))
        seen_text = True
    # A printed number right after a recovered start is that page's own label.
    merged: list[tuple[int, str | None]] = []
    for idx, label in starts:
        if merged and label is None and merged[-1][1] is not None and \
                all(not lines[j].text for j in range(merged[-1][0] + 1, idx)):
            continue
        merged.append((idx, label))
    return merged


def _body_start(lines: list[_Line], starts: list[tuple[int, str | None]]) -> int | None:
    """Index into ``starts`` of the page where chapter one begins."""
    for k, (idx, _) in enumerate(starts):
        if re.match(r"^\s*BAB\s+I\s*$", lines[idx].raw):
            return k
    return None


def _labels(lines: list[_Line], starts: list[tuple[int, str | None]]) -> list[str]:
    """Printed page labels: anchored on printed numbers, else chapter one = 1."""
    n = len(starts)
    anchors = [(k, int(lbl)) for k, (_, lbl) in enumerate(starts) if lbl is not None]
    body = _body_start(lines, starts)
    if not anchors:
        anchors = [(body if body is not None else 0, 1)]
    numbers: list[int] = []
    for k in range(n):
        before = [a for a in anchors if a[0] <= k]
        ak, av = before[-1] if before else anchors[0]
        numbers.append(av + (k - ak))
    labels: list[str] = []
    front = sum(1 for v in numbers if v < 1)
    for k, v in enumerate(numbers):
        if v >= 1:
            labels.append(str(v))
        else:  # front matter before page 1: roman numerals
            labels.append(_ROMAN[k] if k < len(_ROMAN) and front <= len(_ROMAN) else f"p{k + 1}")
    return labels


def _ends_paragraph(prev: _Line, nxt: _Line, width: int) -> bool:
    if not _SENTENCE_END.search(prev.text):
        return False
    trailing = len(prev.raw) - len(prev.raw.rstrip(" "))
    short = len(prev.raw.rstrip()) < 0.85 * width
    starts_new = nxt.text[:1].isupper() or nxt.text[:1].isdigit() or nxt.text[:1] in "\"“("
    return starts_new and (trailing >= 2 or short)


def _join(a: str, b: str) -> str:
    if a.endswith("-") and b[:1].isalpha():
        frag = re.search(r"(\w+)-$", a)
        word = frag.group(1) if frag else ""
        nxt = re.match(r"\w+", b)
        nword = nxt.group(0) if nxt else ""
        keep = (
            not word
            or word[-1:].isdigit()
            or b[:1].isupper()
            or word.lower() in _KEEP_HYPHEN_PREFIXES
            or nword.lower().startswith(word.lower()[:3])
        )
        return a + b if keep else a[:-1] + b
    if a.endswith("-") and b[:1].isdigit():
        return a + b
    return a + " " + b


def _paragraphs(lines: list[_Line], page_of_line: list[int]) -> list[Paragraph]:
    text_lines = [ln for ln in lines if ln.text]
    widths = sorted(len(ln.raw.rstrip()) for ln in text_lines) or [80]
    width = widths[int(len(widths) * 0.9)]
    paras: list[Paragraph] = []
    cur: list[int] = []
    in_table = False

    def flush() -> None:
        nonlocal cur
        if not cur:
            return
        first, last = lines[cur[0]], lines[cur[-1]]
        if in_table:
            body = "\n".join(re.sub(r"\s+", " ", lines[i].text) for i in cur)
        else:
            body = ""
            for i in cur:
                piece = re.sub(r"\s+", " ", lines[i].text)
                body = _join(body, piece) if body else piece
        paras.append(Paragraph(body, first.start, last.end, page_of_line[cur[0]], page_of_line[cur[-1]]))
        cur = []

    prev: _Line | None = None
    prev_title = False
    for i, ln in enumerate(lines):
        if not ln.text:
            continue
        if _PAGE_NUMBER.match(ln.raw) and (i == 0 or not lines[i - 1].text) and \
                (i + 1 >= len(lines) or not lines[i + 1].text):
            continue  # a printed page number is layout, not text
        text = ln.text
        if in_table:
            cur.append(i)
            if _SOURCE_LINE.match(text):
                flush()
                in_table = False
                prev = None
                continue
            if len(cur) > 40:  # a caption without a source line: stop the table
                flush()
                in_table = False
            prev = ln
            continue
        if _CAPTION.match(text):
            flush()
            in_table = True
            cur.append(i)
            prev = ln
            continue
        heading = is_heading(text) or _PAGE_OPENING.match(ln.raw)
        title = _chapter_title_line(lines, i)
        if title:
            # A chapter title may wrap over several all-caps lines: one paragraph.
            if not (prev is not None and prev_title):
                flush()
            cur.append(i)
            prev, prev_title = ln, True
            continue
        if (
            heading
            or prev is None
            or prev_title
            or is_heading(prev.text)
            or _LIST_ITEM.match(text)
            or _SOURCE_LINE.match(text)
            or _ends_paragraph(prev, ln, width)
        ):
            flush()
        cur.append(i)
        prev, prev_title = ln, False
        if heading:
            flush()
    flush()
    return paras


def _chapter_title_line(lines: list[_Line], i: int) -> bool:
    """All-caps lines right after "BAB n" are that chapter's title, and so is one short
    title-case line ("BAB I" / "Pendahuluan", as word processors lay it out)."""
    ln = lines[i]
    j = i - 1
    while j >= 0 and not lines[j].text:
        j -= 1
    if j >= 0 and re.match(r"^\s*BAB\s+[IVX]+\s*$", lines[j].raw) and is_title(ln.text):
        # ... unless it is the first line of a paragraph that wraps on.
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if not nxt or is_heading(nxt) or _PAGE_OPENING.match(nxt):
            return True
    j = i
    while True:
        ln = lines[j]
        if not ln.text or not ln.text.isupper() or len(ln.text) > 90 or is_heading(ln.text):
            return False
        j -= 1
        while j >= 0 and not lines[j].text:
            j -= 1
        if j < 0:
            return False
        if re.match(r"^\s*BAB\s+[IVX]+\s*$", lines[j].raw):
            return True


def is_title(text: str) -> bool:
    """A line that can be a chapter title: short, capitalised, no sentence, no section heading."""
    return (bool(text) and text[:1].isupper() and len(text) <= 90 and len(text.split()) <= 12
            and not _SENTENCE_END.search(text.rstrip('"”)')) and not is_heading(text))


def parse_text(text: str, doc: str, title: str = "", meta: dict | None = None) -> Document:
    """Parse extracted plain text; pages are recovered and marked estimated."""
    text = normalize_text(text)
    if not text.strip():
        raise CorpusError(doc, "the file has no text", "Remove it from the corpus or replace it with the document's text")
    lines = _lines(text)
    starts = _page_starts(lines)
    labels = _labels(lines, starts)
    pages: list[Page] = []
    page_of_line = [1] * len(lines)
    for k, (idx, _) in enumerate(starts):
        nxt = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        start = lines[idx].start if k else 0
        end = lines[nxt].start if nxt < len(lines) else len(text)
        pages.append(Page(doc, k + 1, labels[k], start, end, estimated=True))
        for j in range(idx if k else 0, nxt):
            page_of_line[j] = k + 1
    paras = _paragraphs(lines, page_of_line)
    return Document(doc, title or doc, text, tuple(pages), tuple(paras), meta or {})


# --- PDF page layout: printed page numbers, running headers/footers, tables of contents ---
#
# pypdf gives one text per page with the layout lines (header, page number,
# footer) among the text lines, at the page's edges.  These pure functions look at
# the few non-empty lines at each edge of every page and decide what is layout.

_EDGE_DEPTH = 3  # non-empty lines looked at on each edge (header, page number, footer)
_NEAR = 3  # pages within which a running line or a page number must recur
_HEADER_WORDS = 12  # a header line that carries the page number is short
_NUMBER_ALONE = re.compile(r"^(?:[-–—]\s*)?(\d{1,4}|[ivxl]{1,7})(?:\s*[-–—])?$")
_TOC_TITLE = re.compile(
    r"^(?:DAFTAR\s+(?:ISI|TABEL|GAMBAR|LAMPIRAN|BAGAN|GRAFIK|SINGKATAN)|TABLE\s+OF\s+CONTENTS|CONTENTS"
    r"|LIST\s+OF\s+(?:TABLES|FIGURES|APPENDICES|ABBREVIATIONS))$", re.I)
# A table-of-contents entry: dot (or ellipsis, underscore) leaders, then a page number.
TOC_ENTRY = re.compile(r"\S.*?(?:(?:\.\s?){3,}|\u2026+|[_·]{3,})\s*(?:\d{1,4}|[ivxlc]{1,7})$", re.I)
_ENDS_IN_PAGE = re.compile(r"\S.*\s(?:\d{1,4}|[ivxlc]{1,7})$", re.I)


def roman(n: int) -> str:
    """1 -> "i", 14 -> "xiv" (lower case, as front matter is numbered)."""
    out = ""
    for value, digits in ((50, "l"), (40, "xl"), (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")):
        while n >= value:
            out, n = out + digits, n - value
    return out


_ROMAN_VALUES = {roman(n): n for n in range(1, 60)}  # only well-formed numerals count


@dataclass(frozen=True)
class PrintedNumber:
    """A page number printed on a page: ``line`` is the index of its line in the page text."""

    kind: str  # "arabic" | "roman"
    value: int
    line: int

    def offset(self, page: int) -> tuple[str, int]:
        """What a run of pages numbered alike shares: the kind and PDF index minus the number."""
        return self.kind, page - self.value

    @property
    def label(self) -> str:
        return str(self.value) if self.kind == "arabic" else roman(self.value)


def number_alone(text: str) -> tuple[str, int] | None:
    """("arabic", 37) for "37" or "- 37 -", ("roman", 4) for "iv"; None for anything else."""
    m = _NUMBER_ALONE.match(text.strip())
    if not m:
        return None
    tok = m.group(1)
    if tok.isdigit():
        return ("arabic", int(tok)) if int(tok) > 0 else None
    return ("roman", _ROMAN_VALUES[tok]) if tok in _ROMAN_VALUES else None


def layout_key(line: str) -> str:
    """A line with its numbers made alike: "2 Bab 1. Pendahuluan" -> "# Bab #. Pendahuluan"."""
    return re.sub(r"\d+", "#", " ".join(line.split()))


def edge_lines(lines: list[str]) -> tuple[list[int], list[int]]:
    """Indices of the first and of the last few non-empty lines, each from the edge inwards."""
    filled = [i for i, ln in enumerate(lines) if ln.strip()]
    return filled[:_EDGE_DEPTH], filled[::-1][:_EDGE_DEPTH]


def _runs(pages: list[int]) -> list[list[int]]:
    """Sorted page indices cut where two are more than _NEAR pages apart."""
    runs: list[list[int]] = []
    for k in pages:
        if runs and k - runs[-1][-1] <= _NEAR:
            runs[-1].append(k)
        else:
            runs.append([k])
    return runs


def _can_be_running(line: str) -> bool:
    # Structure and content that may well recur at a page edge are never layout.
    return bool(re.search(r"[^\W\d_]{2}", line)) and not (
        is_heading(line) or _PAGE_OPENING.match(line) or _CAPTION.match(line) or _SOURCE_LINE.match(line))


def running_keys(page_lines: list[list[str]]) -> list[set[str]]:
    """Per page, the layout keys of its running headers/footers: a key that stands at an edge
    of at least 3 pages which are close together and at least half of the pages they span
    (a book-wide header, or one chapter's)."""
    where: dict[str, list[int]] = {}
    for k, lines in enumerate(page_lines):
        top, bottom = edge_lines(lines)
        for key in {layout_key(lines[i]) for i in top + bottom if _can_be_running(lines[i])}:
            where.setdefault(key, []).append(k)
    out: list[set[str]] = [set() for _ in page_lines]
    for key, pages in where.items():
        for run in _runs(pages):
            if len(run) >= 3 and len(run) >= 0.5 * (run[-1] - run[0] + 1):
                for k in run:
                    out[k].add(key)
    return out


def _number_candidates(lines: list[str], toc: bool) -> list[PrintedNumber]:
    """Numbers standing alone on an edge line, or leading/ending a short header-like edge line
    ("Bab 2. Kerangka Konseptual 6"; not on a table of contents, whose entries end in page
    numbers too); only those consistent across pages are kept later."""
    top, bottom = edge_lines(lines)
    out: list[PrintedNumber] = []
    for i in dict.fromkeys(top + bottom):
        words = lines[i].split()
        found = [number_alone(lines[i])]
        if not toc and 1 < len(words) <= _HEADER_WORDS and _can_be_running(lines[i]) \
                and not TOC_ENTRY.match(lines[i].strip()):
            found += [number_alone(words[0]), number_alone(words[-1])]
        out += [PrintedNumber(kind, value, i) for kind, value in filter(None, found)]
    return out


def _consistent(cands: list[list[PrintedNumber]]) -> list[PrintedNumber | None]:
    """Per page the candidate that a nearby page agrees with (same kind, same offset from the
    PDF index), the best supported one where several do; None where none does."""
    def support(k: int, c: PrintedNumber) -> int:
        near = range(max(0, k - _NEAR), min(len(cands), k + _NEAR + 1))
        return sum(any(o.offset(j) == c.offset(k) for o in cands[j]) for j in near if j != k)

    chosen: list[PrintedNumber | None] = []
    for k, page in enumerate(cands):
        scored = [(support(k, c), c) for c in page]
        best = max(scored, key=lambda sc: sc[0], default=(0, None))
        chosen.append(best[1] if best[0] > 0 else None)
    return chosen


def _fill_gaps(chosen: list[PrintedNumber | None]) -> list[str | None]:
    """Labels of the numbered pages, and of unnumbered ones (a chapter's first page, a
    full-page table) lying between two numbered pages of the same run."""
    labels: list[str | None] = [c.label if c else None for c in chosen]
    numbered = [k for k, c in enumerate(chosen) if c]
    for a, b in pairwise(numbered):
        ca, cb = chosen[a], chosen[b]
        assert ca is not None and cb is not None
        if b - a > 1 and ca.offset(a) == cb.offset(b):
            for k in range(a + 1, b):
                labels[k] = PrintedNumber(ca.kind, ca.value + k - a, -1).label
    return labels


def _peel(lines: list[str], removable: set[int]) -> set[int]:
    """The removable lines met from each edge inwards before the first line of text."""
    out: set[int] = set()
    for side in edge_lines(lines):
        for i in side:
            if i not in removable:
                break
            out.add(i)
    return out


def is_toc_page(lines: list[str], after_toc: bool) -> bool:
    """A table of contents (or list of tables/figures): titled so (under a header or page
    number, perhaps), or mostly entries ending in a page number after dot leaders; a page
    right after one continues it when most of its lines end in a page number."""
    text = [ln.strip() for ln in lines if ln.strip()]
    if not text:
        return False
    if any(_TOC_TITLE.match(ln) for ln in text[:_EDGE_DEPTH]):
        return True
    leaders = sum(bool(TOC_ENTRY.match(ln)) for ln in text)
    numbered = sum(bool(_ENDS_IN_PAGE.match(ln)) for ln in text)
    return (leaders >= 3 and leaders >= 0.5 * len(text)) or (after_toc and numbered >= 0.5 * len(text))


@dataclass(frozen=True)
class PageLayout:
    """What the layout of a PDF's pages says: each page's printed label (None where no
    consistent number is printed), the lines that are layout (headers, footers, page
    numbers) per page, and which pages are a table of contents."""

    labels: tuple[str | None, ...]
    layout_lines: tuple[frozenset[int], ...]
    toc: tuple[bool, ...]


def page_layout(page_texts: list[str]) -> PageLayout:
    """Printed page numbers, running headers/footers and tables of contents of a PDF's pages
    (line indices count the lines of each page text split on "\\n")."""
    page_lines = [t.split("\n") for t in page_texts]
    running = running_keys(page_lines)
    toc: list[bool] = []
    for lines in page_lines:
        toc.append(is_toc_page(lines, bool(toc and toc[-1])))
    chosen = _consistent([_number_candidates(lines, t) for lines, t in zip(page_lines, toc)])
    drop: list[frozenset[int]] = []
    for lines, run, num in zip(page_lines, running, chosen):
        removable = {i for i, ln in enumerate(lines) if ln.strip() and layout_key(ln) in run}
        removable |= {num.line} if num else set()
        drop.append(frozenset(_peel(lines, removable)))
    return PageLayout(tuple(_fill_gaps(chosen)), tuple(drop), tuple(toc))


def parse_pdf_pages(page_texts: list[str], page_labels: list[str] | None, doc: str, title: str = "",
                    meta: dict | None = None) -> Document:
    """Build a Document from per-page PDF text: real pages, not estimated.  ``page_labels``
    None means the PDF declares none: a page is labelled with the number printed on it where
    one is found, else with its PDF index.  Running headers/footers, printed page numbers and
    tables of contents stay in the text but make no paragraphs."""
    page_texts = [normalize_text(t) for t in page_texts]
    layout = page_layout(page_texts)
    if page_labels is None:
        page_labels = [label or str(k + 1) for k, label in enumerate(layout.labels)]
    text = ""
    pages: list[Page] = []
    paras: list[Paragraph] = []
    for k, ptext in enumerate(page_texts):
        if k:
            text += "\n\n"
        start = len(text)
        text += ptext
        pages.append(Page(doc, k + 1, page_labels[k], start, len(text), estimated=False))
        # Paragraphs inside the page, with offsets shifted into the joined text.
        lines = _lines(ptext)
        skip = range(len(lines)) if layout.toc[k] else layout.layout_lines[k]
        lines = _blank(lines, set(skip))
        for para in _paragraphs(lines, [k + 1] * len(lines)):
            paras.append(Paragraph(para.text, para.start + start, para.end + start, k + 1, k + 1))
    if not text.strip():
        raise CorpusError(doc, "the PDF has no text layer (it looks scanned)",
                          "Run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and put the OCRed PDF in the corpus")
    paras = _merge_across_pages(paras)
    return Document(doc, title or doc, text, tuple(pages), tuple(paras), meta or {})


def _blank(lines: list[_Line], skip: set[int]) -> list[_Line]:
    """``lines`` with those in ``skip`` made empty: no paragraph text, offsets unchanged."""
    return [_Line("", ln.start, ln.start, "") if i in skip else ln for i, ln in enumerate(lines)]


def _merge_across_pages(paras: list[Paragraph]) -> list[Paragraph]:
    """A paragraph that runs over a page break continues on the next page."""
    out: list[Paragraph] = []
    for p in paras:
        if out and p.page != out[-1].page_end and not _SENTENCE_END.search(out[-1].text) \
                and not is_heading(out[-1].text) and not is_heading(p.text) \
                and "\n" not in out[-1].text and "\n" not in p.text and p.text[:1].islower():
            last = out[-1]
            out[-1] = Paragraph(_join(last.text, p.text), last.start, p.end, last.page, p.page)
        else:
            out.append(p)
    return out


def decode(data: bytes, path: str) -> str:
    """UTF-8 (with or without BOM), else Latin-1/cp1252 when the bytes look like text."""
    if not data.strip():
        raise CorpusError(path, "the file is empty", "Remove it from the corpus or put the document's text in it")
    if b"\x00" in data[:4096]:
        raise CorpusError(path, "the file is binary, not text",
                          "Save the document as UTF-8 text (.txt/.md) or as a PDF")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    text = data.decode("cp1252", errors="replace")
    controls = sum(1 for ch in text if (ord(ch) < 32 and ch not in "\n\r\t\f") or ch == "\ufffd")
    if controls > max(2, len(text) // 200):
        raise CorpusError(path, "the bytes are not readable text in UTF-8 or Latin-1",
                          "Save the document as UTF-8 text (.txt/.md) or as a PDF")
    return text


def _declared_page_labels(reader) -> list[str] | None:
    """The page labels the PDF declares, or None.  Without /PageLabels in the catalog pypdf
    still answers "1", "2", ...: the PDF index, not what is printed on the pages."""
    try:
        if "/PageLabels" not in reader.trailer["/Root"]:
            return None
        labels = list(reader.page_labels)
    except Exception:  # noqa: BLE001 - a damaged /PageLabels tree: read the printed numbers instead
        return None
    return labels if len(labels) == len(reader.pages) else None


def read_pdf(path: Path, doc: str, title: str = "", meta: dict | None = None) -> Document:
    from pypdf import PdfReader

    try:
        with open(path, "rb") as fh:
            head = fh.read(1024)
            fh.seek(0, 2)
            fh.seek(max(0, fh.tell() - 2048))
            tail = fh.read()
    except OSError as exc:
        raise CorpusError(str(path), f"the file cannot be read ({exc.strerror})", "Check the path and permissions") from exc
    if b"%PDF-" not in head:
        raise CorpusError(str(path), "the file is not a PDF (it has no %PDF- header)",
                          "Replace it with the real PDF, or give a text file the .txt extension")
    if b"%%EOF" not in tail:
        # pypdf would silently recover what it can: a partial document, pages missing.
        raise CorpusError(str(path), "the PDF is truncated (its end-of-file marker is missing)",
                          "Re-download or re-export the complete PDF and put that in the corpus")
    try:
        reader = PdfReader(str(path))
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except Exception:
                ok = 0
            if not ok:
                raise CorpusError(str(path), "the PDF is encrypted with a password",
                                  "Save an unencrypted copy (e.g. `qpdf --decrypt in.pdf out.pdf`) and put that in the corpus")
        texts = [(p.extract_text() or "") for p in reader.pages]
        labels = _declared_page_labels(reader)
    except CorpusError:
        raise
    except Exception as exc:  # pypdf raises assorted errors on damaged files
        raise CorpusError(str(path), f"the PDF cannot be read ({type(exc).__name__}: {exc})",
                          "Check that the file is a complete, valid PDF (re-download or re-export it)") from exc
    if not texts:
        raise CorpusError(str(path), "the PDF has no pages", "Re-export the document as a PDF with its pages")
    if sum(len(t.strip()) for t in texts) < 20 * len(texts) and sum(len(t.strip()) for t in texts) < 200:
        raise CorpusError(str(path), "the PDF has no text layer (it looks scanned)",
                          "Run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and put the OCRed PDF in the corpus")
    return parse_pdf_pages(texts, labels, doc, title, meta)


def read_meta(path: Path) -> dict:
    """Optional sidecar metadata: ``<file>.meta.json`` beside the document."""
    side = path.with_name(path.name + ".meta.json")
    if not side.exists():
        side = path.with_suffix(".meta.json")
    if side.exists() and side != path:
        try:
            return json.loads(side.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise CorpusError(str(side), f"the metadata file is not valid JSON ({exc})",
                              "Fix or delete the .meta.json file") from exc
    return {}


def read_document(path: Path, max_bytes: int | None = None) -> Document:
    path = Path(path)
    doc = path.name
    if path.suffix.lower() not in SUPPORTED_SUFFIXES:
        raise CorpusError(str(path), f"unsupported file type {path.suffix!r}",
                          "Use .txt, .md or .pdf files in the corpus")
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CorpusError(str(path), f"the file cannot be read ({exc.strerror})", "Check the path and permissions") from exc
    if size == 0:
        raise CorpusError(str(path), "the file is empty", "Remove it from the corpus or put the document's text in it")
    if max_bytes is not None and size > max_bytes:
        raise CorpusError(str(path), f"the file is {size / 1e6:.1f} MB, over the {max_bytes / 1e6:.0f} MB limit",
                          "Split the document, or raise the limit with NTTQA_MAX_FILE_MB")
    meta = read_meta(path)
    title = str(meta.get("title", "")) or path.stem
    if path.suffix.lower() == ".pdf":
        return read_pdf(path, doc, title, meta)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CorpusError(str(path), f"the file cannot be read ({exc.strerror})", "Check the path and permissions") from exc
    if data[:5] == b"%PDF-":
        raise CorpusError(str(path), "the file is a PDF named as text", "Rename it to .pdf")
    text = decode(data, str(path))
    try:
        return parse_text(text, doc, title, meta)
    except CorpusError as exc:
        raise CorpusError(str(path), exc.problem, exc.fix) from None


def corpus_files(corpus_dir: Path) -> list[Path]:
    corpus_dir = Path(corpus_dir)
    if not corpus_dir.is_dir():
        raise CorpusError(str(corpus_dir), "the corpus folder does not exist",
                          "Create it and put the thesis (.txt, .md or .pdf) in it, or pass --corpus DIR")
    files = sorted(p for p in corpus_dir.iterdir()
                   if p.is_file() and p.suffix.lower() in SUPPORTED_SUFFIXES and not p.name.startswith("."))
    if not files:
        raise CorpusError(str(corpus_dir), "the corpus folder holds no .txt, .md or .pdf file",
                          "Put the thesis in it (see README, 'Adding documents')")
    return files
