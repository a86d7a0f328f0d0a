"""Reading aids: the outline as a tree, a section's passages, quote highlighting,
the citation every study item carries, and abbreviations defined in the text.

All functions are pure; they take chunks / outline entries and return values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from nttqa import locate
from nttqa.textutil import find_refs, roman_value, split_sentences
from nttqa.types import Chunk

# --- the citation carried by every study item ------------------------------------


@dataclass(frozen=True)
class Cite:
    """Where a study item comes from: the passage (chunk) and the sentence in it."""

    doc: str
    chunk_id: int
    chapter: str
    section: str  # number ("2.4") or a part name ("ABSTRAK")
    section_title: str
    pages: str  # printed page label(s), "36" or "36-37"
    pages_estimated: bool
    sentence: str

    @property
    def section_heading(self) -> str:
        if self.section and self.section_title:
            return f"{self.section} {self.section_title}"
        return self.section or self.section_title or self.chapter

    def label(self, lang: str = "en", mark_estimated: bool = False) -> str:
        """Short location in ``lang`` by the project's one formatter (``nttqa.locate``), e.g.
        "§2.4 Sejarah Masuknya IOM di Indonesia, p. 36" / "..., hlm. 36"; an estimated page is
        marked only on request (the label sits inside quiz questions and listings)."""
        return locate.of(self, lang, mark_estimated=mark_estimated)

    def to_dict(self) -> dict[str, Any]:
        return {
            "doc": self.doc,
            "chunk_id": self.chunk_id,
            "chapter": self.chapter,
            "section": self.section_heading,
            "section_number": self.section,
            "section_title": self.section_title,
            "pages": self.pages,
            "pages_estimated": self.pages_estimated,
            "sentence": self.sentence,
        }


def cite(chunk: Chunk, sentence: str) -> Cite:
    return Cite(chunk.doc, chunk.id, chunk.chapter, chunk.section, chunk.section_title, chunk.pages,
                chunk.pages_estimated, sentence)


@lru_cache(maxsize=4096)
def sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    return tuple(split_sentences(text))


def sentence_span_at(text: str, pos: int) -> tuple[int, int]:
    """The span of the sentence of ``text`` holding offset ``pos``."""
    spans = sentence_spans(text)
    for s, e in spans:
        if s <= pos < e:
            return s, e
    for s, e in spans:  # pos in the whitespace between sentences: take the next one
        if pos < s:
            return s, e
    return (spans[-1] if spans else (0, len(text)))


def sentence_at(text: str, pos: int) -> str:
    s, e = sentence_span_at(text, pos)
    return text[s:e]


def clause_span_at(text: str, pos: int, max_chars: int = 300) -> tuple[int, int]:
    """The clause around ``pos``: its sentence cut at ";", list bullets and stray full stops.

    A clause still longer than ``max_chars`` is narrowed to the comma-separated
    parts around ``pos``.
    """
    s, e = sentence_span_at(text, pos)
    cuts = r";\s*|(?:^|\s)[-•]\s+|:\s+(?=[-•])|\.\s+"
    left = max((m.end() for m in re.finditer(cuts, text[s:pos])), default=0)
    m = re.search(r";|\s[-•]\s|\.\s", text[pos:e])
    start, end = s + left, (pos + m.start() if m else e)
    if end - start > max_chars:
        commas = [start] + _top_level_commas(text, start, end) + [end]
        i = max(k for k in range(len(commas)) if commas[k] <= pos)
        j = min(i + 1, len(commas) - 1)
        lo, hi = commas[i], commas[j]
        while hi - lo < max_chars // 2 and (i > 0 or j < len(commas) - 1):
            if j < len(commas) - 1:
                j += 1
                hi = commas[j]
            if hi - lo < max_chars // 2 and i > 0:
                i -= 1
                lo = commas[i]
        start, end = lo, hi
    while start < end and (text[start].isspace() or text[start] in "-•"):
        start += 1
    return start, min(end, e)


def _top_level_commas(text: str, start: int, end: int) -> list[int]:
    """Offsets just after each ", " of ``text[start:end]`` that is outside parentheses."""
    out: list[int] = []
    depth = 0
    for i in range(start, end):
        ch = text[i]
        depth += (ch == "(") - (ch == ")")
        if ch == "," and depth <= 0 and i + 1 < end and text[i + 1].isspace():
            out.append(i + 2)
    return out


# --- outline tree ------------------------------------------------------------------


@dataclass(frozen=True)
class Node:
    level: int
    number: str  # "BAB II", "2.1", "ABSTRAK"
    title: str
    page: str  # page label where it starts
    page_end: str  # page label where the next entry of the same or a higher level starts
    children: tuple["Node", ...] = ()

    @property
    def heading(self) -> str:
        return f"{self.number} {self.title}".strip()

    def to_dict(self) -> dict[str, Any]:
        return {"level": self.level, "number": self.number, "title": self.title, "page": self.page,
                "page_end": self.page_end, "children": [c.to_dict() for c in self.children]}


def _field(entry: Any, name: str) -> Any:
    return entry[name] if isinstance(entry, Mapping) else getattr(entry, name)


def section_tree(outline_entries: Iterable[Any]) -> list[Node]:
    """Chapters with their sections nested by level.

    Accepts ``OutlineEntry`` objects or their dicts (level, number, title, page).
    """
    flat = [(int(_field(e, "level")), str(_field(e, "number")), str(_field(e, "title")), str(_field(e, "page")))
            for e in outline_entries]
    ends: list[str] = []
    for i, (level, _, _, page) in enumerate(flat):
        nxt = next((f[3] for f in flat[i + 1:] if f[0] <= level), "")
        ends.append(nxt or "")

    def build(i: int) -> tuple[Node, int]:
        level, number, title, page = flat[i]
        children: list[Node] = []
        j = i + 1
        while j < len(flat) and flat[j][0] > level:
            child, j = build(j)
            children.append(child)
        # The section runs up to where the next sibling starts (same page when it starts mid-page).
        return Node(level, number, title, page, ends[i] or page, tuple(children)), j

    roots: list[Node] = []
    i = 0
    while i < len(flat):
        node, i = build(i)
        roots.append(node)
    return roots


def walk(nodes: Sequence[Node]) -> Iterable[Node]:
    for n in nodes:
        yield n
        yield from walk(n.children)


def _chapter_number(chapter: str) -> int | None:
    m = re.match(r"^\s*(?:BAB|CHAPTER)\s+([IVXL]+)\b", chapter, re.I)
    return roman_value(m.group(1)) if m else None


def section_text(chunks: Sequence[Chunk], section_number_or_chapter: str) -> list[Chunk]:
    """The passages of a section (with its subsections) or of a whole chapter, in reading order.

    "2.1" gives 2.1, 2.1.1, ...; "BAB II", "II" or "2" give the chapter; "ABSTRAK" a named part.
    """
    key = re.sub(r"\s+", " ", section_number_or_chapter).strip().rstrip(".")
    if not key:
        return []
    if re.fullmatch(r"\d+(?:\.\d+)+", key):
        return [c for c in chunks if c.section == key or c.section.startswith(key + ".")]
    up = key.upper()
    chap_no: int | None = None
    if re.fullmatch(r"\d+", key):
        chap_no = int(key)
    elif re.fullmatch(r"(?:(?:BAB|CHAPTER)\s+)?[IVXL]+", up):
        chap_no = roman_value(up.split()[-1]) or 0
    if chap_no is not None:
        return [c for c in chunks if _chapter_number(c.chapter) == chap_no]
    named = [c for c in chunks if c.chapter.upper() == up or c.section.upper() == up]
    if named:
        return named
    # A section title ("Sejarah Masuknya IOM di Indonesia") or a chapter title.
    return [c for c in chunks if up in c.section_title.upper() or (up in c.chapter.upper() and len(up) > 3)]


# --- highlighting a quote inside its passage ------------------------------------------

_QUOTE_MAP = str.maketrans({"“": '"', "”": '"', "’": "'", "‘": "'"})


def _alnum_index(text: str) -> tuple[str, list[int]]:
    """Lower-cased letters and digits of ``text`` with each one's offset in ``text``."""
    chars: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text.translate(_QUOTE_MAP)):
        if ch.isalnum():
            chars.append(ch.lower())
            where.append(i)
    return "".join(chars), where


def _find_span(passage: str, quote: str) -> tuple[int, int] | None:
    p_norm, p_where = _alnum_index(passage)
    q_norm, _ = _alnum_index(quote)
    if not q_norm:
        return None
    k = p_norm.find(q_norm)
    if k < 0:
        return None
    start = p_where[k]
    end = p_where[k + len(q_norm) - 1] + 1
    # Keep the quote's own closing punctuation (".", ")", "”") when the passage has it too.
    tail = re.match(r"[^\w\s]*", quote.rstrip()[::-1])
    want = len(tail.group(0)) if tail else 0
    while want and end < len(passage) and not passage[end].isalnum() and not passage[end].isspace():
        end += 1
        want -= 1
    return start, end


def highlight(passage: str, quote: str) -> list[tuple[str, bool]]:
    """Segments (text, is_highlighted) that show ``quote`` inside ``passage``.

    Matching ignores case, whitespace, punctuation and hyphenation, so a quote
    re-wrapped or de-hyphenated still lights up.  A quote not found whole is
    tried sentence by sentence; when nothing matches the passage comes back
    unhighlighted.
    """
    spans: list[tuple[int, int]] = []
    whole = _find_span(passage, quote)
    if whole:
        spans.append(whole)
    else:
        for s, e in split_sentences(quote):
            span = _find_span(passage, quote[s:e])
            if span:
                spans.append(span)
    if not spans:
        return [(passage, False)] if passage else []
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        if merged and s <= merged[-1][1] + 1:
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    out: list[tuple[str, bool]] = []
    pos = 0
    for s, e in merged:
        if s > pos:
            out.append((passage[pos:s], False))
        out.append((passage[s:e], True))
        pos = e
    if pos < len(passage):
        out.append((passage[pos:], False))
    return out


# --- abbreviations defined in the text: "Rencana Aksi Daerah (RAD)" ------------------


@dataclass(frozen=True)
class Abbreviation:
    short: str  # "RAD"
    long: str  # "Rencana Aksi Daerah"
    count: int  # how often the definition "long (short)" occurs
    cite: Cite  # the first place it is defined

    def to_dict(self) -> dict[str, Any]:
        return {"short": self.short, "long": self.long, "count": self.count, "citation": self.cite.to_dict()}


# Words a long form may contain without contributing a letter ("Dinas ... dan Perlindungan Anak").
FUNCTION_WORDS = {"dan", "and", "of", "for", "the", "di", "ke", "dari", "untuk", "atas", "in", "on", "to", "&",
                   "bagi", "pada", "a", "an", "yang", "serta", "de", "la", "du", "des", "van", "der"}


def expand_digits(short: str) -> str:
    """Letters of an abbreviation; a digit repeats the letter before it ("DP3A" -> "dpppa")."""
    out = ""
    for ch in short:
        if ch.isdigit() and out:
            out += out[-1] * (int(ch) - 1)
        elif ch.isalpha():
            out += ch.lower()
    return out


def _consumable(word: str, letters: str) -> bool:
    """``letters`` can be read from ``word`` in order, starting with its first letter."""
    w = word.lower()
    if not letters or not w or w[0] != letters[0]:
        return False
    i = 1
    for ch in letters[1:]:
        i = w.find(ch, i)
        if i < 0:
            return False
        i += 1
    return True


def _aligns(letters: str, words: Sequence[str]) -> bool:
    @lru_cache(maxsize=None)
    def go(ai: int, wi: int) -> bool:
        if wi == len(words):
            return ai == len(letters)
        word = words[wi]
        if word.lower() in FUNCTION_WORDS and go(ai, wi + 1):
            return True
        for k in range(1, len(letters) - ai + 1):
            if _consumable(word, letters[ai:ai + k]) and go(ai + k, wi + 1):
                return True
        return False

    return go(0, 0)


def long_form(before: str, short: str) -> str | None:
    """The long form ending ``before`` whose words spell ``short``, or None."""
    letters = expand_digits(short)
    if len(letters) < 2:
        return None
    tail = re.split(r"[,;:.()“”\"]", before)[-1]
    words = tail.split()[-(len(letters) + 6):]
    for n in range(1, len(words) + 1):
        cand = words[-n:]
        if cand[0].lower() in FUNCTION_WORDS or not cand[0][:1].isalpha():
            continue
        if _aligns(letters, tuple(cand)):
            return " ".join(cand)
    return None


ABBR_FORM = re.compile(r"^[A-Z][A-Za-z0-9]*(?:[-\s][A-Z0-9][A-Za-z0-9]*){0,3}$")


def looks_abbreviation(s: str) -> bool:
    """"TPPO", "Kemen PPPA", "GT PP-TPPO", "BNP2TKI"; short "Perda"-style forms, and short
    syllable words together ("Mabes Polri")."""
    if not ABBR_FORM.match(s) or len(s) > 24:
        return False
    words = s.split()
    return bool(re.search(r"\b[A-Z][A-Z0-9]+\b", s)) or (len(s) <= 8 and " " not in s) or \
        (len(words) >= 2 and all(len(w) <= 6 for w in words))


def words_before(text: str, end: int, n: int) -> list[tuple[str, int]]:
    """Up to ``n`` (word, start) pairs ending at ``end``, stopping at punctuation."""
    out: list[tuple[str, int]] = []
    for m in reversed(list(re.finditer(r"[\w'’-]+|[.,;:!?()\"“”]", text[max(0, end - 400):end]))):
        w = m.group(0)
        if not re.match(r"[\w]", w):
            break
        out.append((w, max(0, end - 400) + m.start()))
        if len(out) >= n:
            break
    return list(reversed(out))


def _schwartz_hearst(short: str, words: list[tuple[str, int]]) -> int | None:
    """Index into ``words`` where the long form of ``short`` starts (Schwartz-Hearst: the short
    form's letters appear in order, the first one starting a word) - for syllable abbreviations
    ("Kemensos", "Pemprov") that do not spell one letter group per word."""
    letters = expand_digits(short)
    if not letters:
        return None
    long_text = " ".join(w for w, _ in words).lower()
    s, li = len(letters) - 1, len(long_text) - 1
    while s >= 0:
        ch = letters[s]
        while li >= 0 and (long_text[li] != ch or (s == 0 and li > 0 and long_text[li - 1].isalnum())):
            li -= 1
        if li < 0:
            return None
        s -= 1
        li -= 1
    start_char = li + 1
    pos = 0
    for i, (w, _) in enumerate(words):
        if pos <= start_char < pos + len(w) + 1:
            return None if w.lower() in FUNCTION_WORDS else i  # "dan Perlindungan Anak" is cut short
        pos += len(w) + 1
    return None


def definition_at(text: str, start: int, end: int) -> tuple[str, str] | None:
    """(short, long) when the parentheses ``text[start:end]`` define an abbreviation:
    "Rencana Aksi Daerah (RAD)" or "TKI (Tenaga Kerja Indonesia)"; None otherwise.
    The one rule for the glossary, the quiz, the timeline and query expansion."""
    inner = text[start + 1:end - 1].strip()
    if looks_abbreviation(inner):
        lf = long_form(text[:start], inner)
        if lf is None:
            words = words_before(text, start, len(inner) + 5)
            i = _schwartz_hearst(inner, words)
            lf = text[words[i][1]:start].strip() if i is not None and words else None
        # A form with no capital run ("Perda", "Mabes Polri") names something only when its long
        # form is a name too ("Peraturan Daerah"): "aktivis lokal di Kupang (Ali)" defines nothing.
        syllabic = not re.search(r"\b[A-Z][A-Z0-9]+\b", inner)
        if lf and (len(lf.split()) >= 2 or len(lf) > len(inner) + 3) and (lf[:1].isupper() or not syllabic) and \
                lf.replace(" ", "").lower() != inner.replace(" ", "").lower():
            return inner, lf
    before = words_before(text, start, 1)  # "TKI (Tenaga Kerja Indonesia)": short form before
    if before and ABBR_FORM.match(before[0][0]) and sum(ch.isupper() for ch in before[0][0]) >= 2:
        short = before[0][0]
        ws = inner.split()
        if len(ws) >= 2 and (_aligns(expand_digits(short), tuple(ws)) or
                             _schwartz_hearst(short, [(w, 0) for w in ws]) == 0):
            return short, inner
    return None


_PARENS = re.compile(r"\(([^()]{1,80})\)")


def abbreviations(chunks: Sequence[Chunk]) -> list[Abbreviation]:
    """Abbreviations the text defines (``definition_at``), sorted by the short form; the long
    form of their first definition, how often they are defined, and where first."""
    found: dict[str, tuple[str, int, Cite]] = {}
    for c in chunks:
        if c.kind != "text":
            continue
        for m in _PARENS.finditer(c.text):
            if find_refs(m.group(0)):
                continue  # "(IOM 2015)" is a citation, not a definition
            pair = definition_at(c.text, m.start(), m.end())
            if pair is None:
                continue
            short, lf = pair
            if short in found:
                long, n, where = found[short]
                found[short] = (long, n + 1, where)
            else:
                found[short] = (lf, 1, cite(c, sentence_at(c.text, m.start())))
    return [Abbreviation(k, v[0], v[1], v[2]) for k, v in sorted(found.items(), key=lambda kv: kv[0].lower())]


def acronyms_in(text: str, table: Sequence[Abbreviation] = ()) -> tuple[str, ...]:
    """Acronyms a sentence mentions: written ones ("IOM", "NTT") and those named by their long form."""
    names = set(re.findall(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*\b", text))
    low = text.lower()
    for ab in table:
        if ab.long.lower() in low or ab.short in text:
            names.add(ab.short)
    return tuple(sorted(names))
