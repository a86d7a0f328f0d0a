"""PDF files -> Documents: reading with pypdf and recovering the page layout.

The only module that imports pypdf (lazily, where a PDF is read).  A PDF is refused
with a ``CorpusError`` saying what to do when it is not a PDF, is truncated (no
%%EOF), is encrypted with a password, has no pages or has no text layer.  Its
pages are real pages (not estimated); their labels are the /PageLabels the PDF
declares, else the page numbers printed on them, else the PDF index.

pypdf gives one text per page with the layout lines (header, page number,
footer) among the text lines, at the page's edges.  The pure functions here
look at the few non-empty lines at each edge of every page (``_EDGE_DEPTH``)
and decide what is layout (``page_layout``):

* running headers/footers: an edge line whose layout key (digits made "#")
  stands at an edge of at least 3 pages that lie within ``_NEAR`` pages of each
  other and make at least half of the pages they span; a line without two letters in a row,
  a heading, a page opening (BAB n, ABSTRAK ...), a caption or a source line is
  never one;
* printed page numbers: an arabic number or well-formed lower-case roman numeral
  alone on an edge line ("37", "- 37 -", "iv"), or leading/ending a short
  header-like edge line (not on a table of contents); a candidate counts only
  when a page within ``_NEAR`` agrees on it (same kind, same offset from the PDF
  index), and unnumbered pages between two numbered pages of one run are
  labelled in sequence;
* tables of contents: a page titled so (DAFTAR ISI, TABLE OF CONTENTS, LIST OF
  TABLES ...) in its first lines, or mostly entries with dot leaders ending in
  a page number; a page right after one continues it when most of its lines end
  in a page number.

Layout lines are peeled from each edge inwards up to the first line of text.
Layout stays in the document text (offsets stay exact) but makes no paragraphs;
a table-of-contents page makes none at all.  A paragraph that runs over a page
break (no sentence end, the next page going on in lower case) is one paragraph.

pypdf's plain text follows the order of the content stream.  A two-column page
written line by line across the page (some converters do) then comes out with
the columns interleaved, even glued mid-word.  So each page's text runs are also
read with their positions (``page_runs``) and, where they form two columns
(``find_gutter``), the page text is rebuilt column by column (``column_text``):
within each stretch between full-width lines (title, abstract, a wide table)
the left column, then the right; the page's top and bottom margin lines
(running header, page number) stay whole at the page edges.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from statistics import median
from typing import TYPE_CHECKING

from nttqa.errors import CorpusError
from nttqa.parse import (
    _CAPTION,
    _PAGE_OPENING,
    _SENTENCE_END,
    _SOURCE_LINE,
    TOC_ENTRY,
    _join,
    _Line,
    _lines,
    _paragraphs,
    is_heading,
    normalize_text,
)
from nttqa.textutil import roman, roman_value
from nttqa.types import Document, Page, Paragraph

if TYPE_CHECKING:  # pypdf itself is imported lazily, where a PDF is read
    from pypdf import PageObject

_EDGE_DEPTH = 3  # non-empty lines looked at on each edge (header, page number, footer)
_NEAR = 3  # pages within which a running line or a page number must recur
_HEADER_WORDS = 12  # a header line that carries the page number is short
_NUMBER_ALONE = re.compile(r"^(?:[-–—]\s*)?(\d{1,4}|[ivxl]{1,7})(?:\s*[-–—])?$")
_TOC_TITLE = re.compile(
    r"^(?:DAFTAR\s+(?:ISI|TABEL|GAMBAR|LAMPIRAN|BAGAN|GRAFIK|SINGKATAN)|TABLE\s+OF\s+CONTENTS|CONTENTS"
    r"|LIST\s+OF\s+(?:TABLES|FIGURES|APPENDICES|ABBREVIATIONS))$", re.I)
_ENDS_IN_PAGE = re.compile(r"\S.*\s(?:\d{1,4}|[ivxlc]{1,7})$", re.I)




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
    value = roman_value(tok)  # only well-formed numerals count
    return ("roman", value) if value else None


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
    notes: dict[int, list[Paragraph]] = {}  # page number -> its footnotes
    for k, ptext in enumerate(page_texts):
        if k:
            text += "\n\n"
        start = len(text)
        text += ptext
        pages.append(Page(doc, k + 1, page_labels[k], start, len(text), estimated=False))
        # Paragraphs inside the page, with offsets shifted into the joined text.
        lines = _lines(ptext)
        skip = set(range(len(lines)) if layout.toc[k] else layout.layout_lines[k])
        starts = {} if layout.toc[k] else footnote_lines([ln.raw for ln in lines], skip)
        if starts:  # the foot of the page from the first footnote on: apart from the body
            notes[k + 1] = _footnotes(_blank(lines, skip), starts, k + 1, start)
            skip |= set(range(min(starts), len(lines)))
        lines = _blank(lines, skip)
        for para in _paragraphs(lines, [k + 1] * len(lines)):
            paras.append(Paragraph(para.text, para.start + start, para.end + start, k + 1, k + 1))
    if not text.strip():
        raise CorpusError(doc, "the PDF has no text layer (it looks scanned)",
                          "Run OCR on it first (e.g. `ocrmypdf in.pdf out.pdf`) and put the OCRed PDF in the corpus")
    paras = _with_footnotes(_merge_across_pages(paras), notes)
    return Document(doc, title or doc, text, tuple(pages), tuple(paras), meta or {})


def _with_footnotes(body: list[Paragraph], notes: dict[int, list[Paragraph]]) -> list[Paragraph]:
    """The body paragraphs with each page's footnotes after the last paragraph that starts on
    that page (a paragraph running over the page break stays whole; its footnotes follow it)."""
    out: list[Paragraph] = []
    pending = sorted(notes.items())
    for para in body:
        while pending and pending[0][0] < para.page:
            out.extend(pending.pop(0)[1])
        out.append(para)
    for _page, ps in pending:
        out.extend(ps)
    return out


_SUPERSCRIPTS = str.maketrans("⁰¹²³⁴⁵⁶⁷⁸⁹", "0123456789")
_NOTE_START = re.compile(r"^(\d{1,3})[.)]?\s+\S")
_NOTE_LINES = 5  # lines one footnote may run to


def _note_marker(body: str, n: int) -> bool:
    """The body calls footnote ``n``: the number glued to the end of a word, or after a word's or
    a bracket's closing punctuation ("manusia1", "(2016).3", a superscript "manusia¹") - not a
    free-standing list number, a decimal ("2.1") or an acronym's digit ("BP3TKI", "DP3A")."""
    after_word = r"(?<=[^\W\d_])|(?<=[^\W\d_][.,;:])"
    after_bracket = r"(?<=[)”\"'])|(?<=[)”\"'][.,;:])"
    return bool(re.search(rf"(?:{after_word}|{after_bracket}){n}(?!\w|[.,]\d)", body))


def footnote_lines(lines: list[str], skip: set[int]) -> dict[int, int]:
    """The footnotes at the foot of a page: {line index: footnote number} for the lines that
    start one, the lines after each (to the foot) belonging to it.  A footnote block is a run
    of lines starting "1 ...", "2 ...", in order, reaching the last text line of the page,
    whose every number the body above calls with a glued marker.  A numbered list at the foot
    of a page is no footnote: the body does not call its numbers."""
    text_rows = [i for i, ln in enumerate(lines) if ln.strip() and i not in skip]
    starts: dict[int, int] = {}
    expected: int | None = None
    since = 0  # lines since the last footnote start, going up: a footnote runs a few lines at most
    for i in reversed(text_rows):  # upwards from the foot
        m = _NOTE_START.match(lines[i].strip())
        if m is None or (expected is not None and int(m.group(1)) != expected):
            since += 1
            if since > _NOTE_LINES:
                break
            continue
        n = int(m.group(1))
        starts[i] = n
        expected, since = n - 1, 0
        if n == 1:
            break
    if not starts or sum(1 for i in text_rows if i > max(starts)) > _NOTE_LINES:
        return {}  # none, or the run does not reach the foot of the page: body text below it
    first = min(starts)
    body = " ".join(lines[i] for i in text_rows if i < first).translate(_SUPERSCRIPTS)
    if not body.strip() or not all(_note_marker(body, n) for n in starts.values()):
        return {}
    return dict(sorted(starts.items()))


def _footnotes(lines: list[_Line], starts: dict[int, int], page: int, offset: int) -> list[Paragraph]:
    """The footnote paragraphs of a page: each from its numbered line to the next one."""
    rows = sorted(starts)
    out: list[Paragraph] = []
    for k, first in enumerate(rows):
        last = (rows[k + 1] if k + 1 < len(rows) else len(lines)) - 1
        parts = [ln for ln in lines[first:last + 1] if ln.text]
        text = ""
        for ln in parts:
            text = _join(text, ln.text) if text else ln.text
        out.append(Paragraph(text, parts[0].start + offset, parts[-1].end + offset, page, page, kind="footnote"))
    return out


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


# --- Two-column pages -----------------------------------------------------------------------

_COLUMN_LINES = 5  # lines each column must have before a page counts as two columns
_MIDDLE = (0.3, 0.7)  # where the right column may start, as a share of the text's width
_GUTTER = 1.0  # the least white between two columns, in font sizes (a word space is ~0.3)
_SAME_LINE = 0.5  # runs whose baselines differ by less (in font sizes) stand on one line
_WORD_GAP = 0.15  # white between two runs that makes a space, in font sizes
_FILLED = 0.5  # a column of prose: its median line fills at least this share of its width
_EDGE_GAP = 2.5  # baseline distance (in font sizes) setting a header/footer apart from the body
_SAME_CHARS = 0.02  # share of characters the column text may differ by from pypdf's plain text


@dataclass(frozen=True)
class TextRun:
    """A piece of text as the page shows it: from ``x0`` to ``x1`` on the baseline ``y``
    (PDF points; y grows upwards), in a font ``size`` points high."""

    text: str
    x0: float
    x1: float
    y: float
    size: float


def page_runs(page: PageObject) -> list[TextRun] | None:
    """The text runs of a pypdf page with their extents, or None when they cannot be had.

    Plain extraction gives no widths, so this borrows the content-stream parse of pypdf's
    layout mode (pypdf 7: ``text_show_operations``, one group per line of each BT/ET
    block).  That is a private pypdf API: any failure means the page keeps its plain text."""
    try:
        from pypdf._text_extraction._layout_mode import text_show_operations
        from pypdf.generic import ArrayObject, ContentStream, StreamObject

        contents = page.get("/Contents")
        contents = contents.get_object() if contents is not None else None
        if not isinstance(contents, (ArrayObject, StreamObject)):
            return []
        ops = iter(ContentStream(contents, page.pdf, "bytes").operations)
        groups = text_show_operations(ops, page._layout_mode_fonts(), True, None)
        return [TextRun(g["text"], float(g["tx"]), float(g["displaced_tx"]), float(g["ty"]) * g["flip_sort"],
                        float(g["font_height"] or g["font_size"]))
                for g in groups if g["text"].strip() and g["displaced_tx"] >= g["tx"]]
    except Exception:  # noqa: BLE001 - pypdf internals changed, or a damaged stream: no positions
        return None


def text_lines(runs: list[TextRun]) -> list[list[TextRun]]:
    """Runs grouped into lines, top to bottom, each left to right: a run joins a line when its
    baseline is within half a font size of the line's first run (a superscript stays on it)."""
    lines: list[list[TextRun]] = []
    for run in sorted(runs, key=lambda r: (-r.y, r.x0)):
        first = lines[-1][0] if lines else None
        if first is not None and first.y - run.y < _SAME_LINE * max(first.size, run.size):
            lines[-1].append(run)
        else:
            lines.append([run])
    return [sorted(line, key=lambda r: r.x0) for line in lines]


def run_text(runs: list[TextRun]) -> str:
    """The runs of one line joined left to right, a space where white separates them."""
    text = ""
    for prev, run in zip([None, *runs], runs):
        if prev is not None and run.x0 - prev.x1 > _WORD_GAP * max(prev.size, run.size):
            text += " "
        text += run.text
    return " ".join(text.split())


def _split(line: list[TextRun], middle: float) -> tuple[list[TextRun], list[TextRun]] | None:
    """A line's runs left and right of the gutter's middle; None when a run crosses it, or
    white too narrow for a gutter separates the two sides (a full-width line that happens to
    have a word space there)."""
    left = [r for r in line if r.x1 <= middle]
    right = [r for r in line if r.x0 >= middle]
    if len(left) + len(right) < len(line):
        return None
    if left and right and right[0].x0 - max(r.x1 for r in left) < _GUTTER * max(r.size for r in line):
        return None
    return left, right


def find_gutter(lines: list[list[TextRun]]) -> float | None:
    """The middle of the white between the two columns of a two-column page; None for a page
    in one column.

    The right column's left edge is a position in the middle of the page where at least
    ``_COLUMN_LINES`` lines start a run after a gutter's width of white (word starts in
    single-column prose never line up like that).  Its white band must keep apart more lines
    than run across it, and both columns must be prose - their median line filling most of
    the column: the narrow cells of a table are no page columns."""
    runs = [r for line in lines for r in line]
    if not runs:
        return None
    lo, hi = min(r.x0 for r in runs), max(r.x1 for r in runs)
    band = (lo + _MIDDLE[0] * (hi - lo), lo + _MIDDLE[1] * (hi - lo))
    starts: Counter[int] = Counter()  # rounded x -> lines that start a run there after white
    for line in lines:
        for prev, run in zip([None, *line], line):
            if band[0] < run.x0 < band[1] and (prev is None or run.x0 - prev.x1 >= _GUTTER * run.size):
                starts[round(run.x0)] += 1
    size = median(r.size for r in runs)
    for edge, count in starts.most_common():
        if count < _COLUMN_LINES:
            break
        # The gutter's middle: halfway from the furthest a run reaches short of it to the edge.
        reach = [r.x1 for r in runs if r.x1 <= edge - _GUTTER * size]
        middle = (max(reach, default=edge) + edge) / 2
        if _two_columns(lines, middle, lo, hi):
            return middle
    return None


def _two_columns(lines: list[list[TextRun]], middle: float, lo: float, hi: float) -> bool:
    """Whether a gutter at ``middle`` parts two columns of prose (see ``find_gutter``)."""
    split = [s for s in (_split(line, middle) for line in lines) if s is not None]
    left = [max(r.x1 for r in s[0]) - lo for s in split if s[0]]
    right = [max(r.x1 for r in s[1]) - middle for s in split if s[1]]
    across = len(lines) - len(split)
    return (len(left) >= _COLUMN_LINES and len(right) >= _COLUMN_LINES and across < len(split)
            and median(left) >= _FILLED * (middle - lo) and median(right) >= _FILLED * (hi - middle))


def _edge_lines(lines: list[list[TextRun]]) -> set[int]:
    """The lines of the page's top and bottom margins (running header, page number): those
    before the first wide white gap from each edge, at most ``_EDGE_DEPTH`` a side.  A header
    that prints the journal at the left and the volume at the right stays one line, at the top."""
    def gap(i: int) -> bool:  # wide white between line i and line i + 1
        size = max(r.size for r in lines[i] + lines[i + 1])
        return lines[i][0].y - lines[i + 1][0].y > _EDGE_GAP * size

    out: set[int] = set()
    n = len(lines)
    for i in range(min(_EDGE_DEPTH, n - 1)):
        if gap(i):
            out |= set(range(i + 1))
            break
    for i in range(min(_EDGE_DEPTH, n - 1)):
        if gap(n - 2 - i):
            out |= set(range(n - 1 - i, n))
            break
    return out


def column_text(runs: list[TextRun]) -> str | None:
    """The page's text read column by column, or None when the page is not in two columns.

    Going down the page, lines that cross the gutter (title, author block, abstract, a
    full-width table) and the margin lines stay whole, in place; between two of them, the
    left halves of the lines come first, then the right halves - the reading order even
    where the two columns' baselines do not line up."""
    lines = text_lines(runs)
    middle = find_gutter(lines)
    if middle is None:
        return None
    edges = _edge_lines(lines)
    out: list[str] = []
    left: list[str] = []
    right: list[str] = []
    for i, line in enumerate(lines):
        parts = None if i in edges else _split(line, middle)
        if parts is None:
            out += left + right + [run_text(line)]
            left, right = [], []
            continue
        left += [run_text(parts[0])] if parts[0] else []
        right += [run_text(parts[1])] if parts[1] else []
    return "\n".join(out + left + right)


def _same_characters(a: str, b: str) -> bool:
    """Whether two texts hold the same characters but for a few, whatever their order and
    spacing (the column text only reorders pypdf's plain text)."""
    ca, cb = Counter(a), Counter(b)
    for ch in " \t\n":
        ca.pop(ch, None)
        cb.pop(ch, None)
    total = max(1, sum(ca.values()), sum(cb.values()))
    return sum(((ca - cb) + (cb - ca)).values()) <= _SAME_CHARS * total


def page_text(page: PageObject) -> str:
    """A pypdf page's text: pypdf's plain text, or - on a two-column page - the same text
    read column by column (unless the two disagree on what characters the page holds, a
    sign pypdf's layout parse misread a font: then the plain text)."""
    plain = page.extract_text() or ""
    runs = page_runs(page)
    columns = column_text(runs) if runs else None
    return columns if columns is not None and _same_characters(columns, plain) else plain


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
        texts = [page_text(p) for p in reader.pages]
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
