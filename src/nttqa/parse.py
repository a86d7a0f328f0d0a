"""Files -> Documents: plain-text parsing and the per-file dispatch.

Plain text comes from a PDF-to-text extraction: every line is hard-wrapped and
followed by a blank line, a page usually starts with a line indented by a space
directly after a text line, and a few printed page numbers stand alone between
pages.  From these cues we recover pages (marked ``estimated``) and paragraphs.

The line and paragraph helpers here (``normalize_text``, ``is_heading``,
``_lines``, ``_paragraphs`` ...) serve PDFs too: ``read_document`` hands a .pdf
to ``nttqa.pdf`` (imported there, lazily, so that module can build on this one),
which reads it with pypdf and keeps its page layout out of the paragraphs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

from nttqa.errors import CorpusError
from nttqa.textutil import roman
from nttqa.types import Document, Page, Paragraph

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf")

_FRONT_LABELS = 20  # recovered front-matter pages are labelled i ... xx, else p1, p2, ...

# Lines that open a new page in a thesis whatever the layout says.
_PAGE_OPENING = re.compile(r"^\s*(ABSTRAK|ABSTRACT|BAB\s+[IVX]+|DAFTAR\s+PUSTAKA)\s*$")
_PAGE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")
# The parts of a journal article, numbered on one level ("1. Pendahuluan", "III. HASIL DAN
# PEMBAHASAN"): a lone "1. Kemiskinan" stays a list item, so only these names are headings.
_PART_NAMES = (r"pendahuluan|latar\s+belakang|tinjauan\s+pustaka|kajian\s+(?:pustaka|teori)|landasan\s+teori|"
               r"kerangka\s+(?:teori|konseptual|pemikiran)|metode(?:\s+penelitian)?|metodologi(?:\s+penelitian)?|"
               r"hasil(?:\s+penelitian)?(?:\s+dan\s+pembahasan)?|pembahasan|(?:ke)?simpulan(?:\s+dan\s+saran)?|"
               r"penutup|saran|introduction|background|literature\s+review|theoretical\s+framework|methods?|"
               r"methodology|materials\s+and\s+methods|results?(?:\s+and\s+discussion)?|discussion|"
               r"conclusions?(?:\s+and\s+recommendations?)?")
HEADING_RE = re.compile(
    r"^\s*(?:(?P<bab>BAB\s+[IVX]+)|(?P<num>\d{1,2}(?:\.\d{1,2}){1,3})\.?\s+(?P<title>[A-Z][^.!?]{2,90}?)"
    rf"|(?P<pnum>\d{{1,2}}|[IVX]{{1,4}})\.\s+(?P<ptitle>(?i:{_PART_NAMES}))"
    r"|(?P<named>ABSTRAK|ABSTRACT|DAFTAR\s+PUSTAKA|KATA\s+PENGANTAR))\s*$"
)
# A table-of-contents entry: dot (or ellipsis, underscore) leaders, then a page number.
TOC_ENTRY = re.compile(r"\S.*?(?:(?:\.\s?){3,}|\u2026+|[_·]{3,})\s*(?:\d{1,4}|[ivxlc]{1,7})$", re.I)
_LIST_ITEM = re.compile(r"^\s*(?:[-•*]\s|[A-Ha-h][.)]\s|\d{1,2}[.)]\s(?!\d)|\(\w\)\s)")
_CAPTION = re.compile(r"^\s*(Tabel|Table|Gambar|Figure|Grafik)\s+\d+", re.I)
_SOURCE_LINE = re.compile(r"^\s*(Sumber|Source)\s*:", re.I)
_SENTENCE_END = re.compile(r"[.!?:;\"”)]$")
_DATED_BRACKET = re.compile(r"\((?:[^()]*\b(?:1[89]|20)\d\d[a-z]?\b|[^()]*\bn\.d\.)[^()]*\)$")
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
            labels.append(roman(k + 1) if k < _FRONT_LABELS and front <= _FRONT_LABELS else f"p{k + 1}")
    return labels


def _ends_paragraph(prev: _Line, nxt: _Line, width: int) -> bool:
    if not _SENTENCE_END.search(prev.text):
        return False
    if prev.text.endswith(")") and not _DATED_BRACKET.search(prev.text):
        # "... Rencana Aksi Daerah (RAD)" goes on below ("Anti Perdagangan Manusia ..."); only a
        # bracket that dates a source ("Sumber: (BPS 2018)") may close a paragraph without a stop.
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
        from nttqa.pdf import read_pdf  # lazily: nttqa.pdf imports this module

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
