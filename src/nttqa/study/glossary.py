"""A bilingual glossary built from the corpus by code (pure).

Three sources of term pairs:

* abbreviations the text defines, "Rencana Aksi Daerah (RAD)" or "TKI (Tenaga
  Kerja Indonesia)", matched with the Schwartz-Hearst rule (the letters of the
  short form appear in order in the long form, the first one starting a word);
* English glosses the thesis gives for Indonesian terms, "kemiskinan
  (poverty)", "perdagangan manusia (Human Trafficking)";
* a small curated list of common domain terms (``data/glossary_curated.tsv``),
  kept as reviewed data, not in code.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass
from importlib import resources
from typing import Iterable, Sequence

from nttqa.study.reader import FUNCTION_WORDS, expand_digits
from nttqa.textutil import find_refs, split_sentences
from nttqa.types import Chunk

_ABBR = re.compile(r"^[A-Z][A-Za-z0-9]*(?:[-\s][A-Z0-9][A-Za-z0-9]*){0,3}$")
_EN_HINT = re.compile(r"(ing|tion|sion|ty|ment|ness|ism|ed|al|ship|ance|ence|ive|ous|ory|ers|ies|ders|ics)$")
_EN_SMALL = {"of", "the", "and", "for", "in", "on", "to", "world", "crime", "power", "world", "work", "law", "human"}


@dataclass(frozen=True)
class Term:
    term: str  # the short form or the Indonesian term
    meaning: str  # the long form or the English term
    kind: str  # "abbreviation" | "translation" | "curated"
    chunk_id: int = -1
    chapter: str = ""  # "BAB II": with no section, the definition is in the chapter's opening text
    section: str = ""
    section_title: str = ""
    pages: str = ""
    pages_estimated: bool = False
    sentence: str = ""
    count: int = 1  # how often the definition occurs

    def to_dict(self) -> dict:
        return asdict(self)


def _looks_abbreviation(s: str) -> bool:
    """"TPPO", "Kemen PPPA", "GT PP-TPPO", "BNP2TKI"; also short "Perda"-style forms."""
    if not _ABBR.match(s) or len(s) > 24:
        return False
    return bool(re.search(r"\b[A-Z][A-Z0-9]+\b", s)) or (len(s) <= 8 and " " not in s)


def _words_before(text: str, end: int, n: int) -> list[tuple[str, int]]:
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


def _long_form(short: str, words: list[tuple[str, int]]) -> int | None:
    """Index into ``words`` where the long form of ``short`` starts (Schwartz-Hearst)."""
    letters = expand_digits(short)  # "DP3A": the digit repeats the letter before it, "dpppa"
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
    # Map the character position back to a word index.
    pos = 0
    for i, (w, _) in enumerate(words):
        if pos <= start_char < pos + len(w) + 1:
            return None if w.lower() in FUNCTION_WORDS else i  # "dan Perlindungan Anak" is cut short
        pos += len(w) + 1
    return None


def _is_english_gloss(inner: str) -> bool:
    words = inner.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in inner) or find_refs(f"({inner})"):
        return False
    if _ABBR.match(inner) and inner.replace("-", "").replace(" ", "").isupper():
        return False
    low = [w.lower().strip(".,") for w in words]
    hints = sum(1 for w in low if _EN_HINT.search(w) or w in _EN_SMALL)
    # Indonesian giveaways
    if any(w in {"dan", "yang", "di", "ke", "dari", "untuk", "atau"} for w in low):
        return False
    return hints >= max(1, len(words) // 2)


def _add(found: dict[tuple[str, str], Term], term: Term) -> None:
    key = (term.term.lower(), term.meaning.lower())
    if key in found:
        old = found[key]
        found[key] = Term(**{**asdict(old), "count": old.count + 1})
    else:
        found[key] = term


def _sentence_at(text: str, pos: int) -> str:
    for s, e in split_sentences(text):
        if s <= pos < e:
            return text[s:e]
    return text


def extract_terms(chunks: Sequence[Chunk]) -> list[Term]:
    found: dict[tuple[str, str], Term] = {}
    for c in chunks:
        text = c.text
        for m in re.finditer(r"\(([^()]{1,80})\)", text):
            inner = m.group(1).strip()
            if find_refs(f"({inner})"):
                continue  # "(IOM 2015)" is a citation, not a definition
            where = dict(chunk_id=c.id, chapter=c.chapter, section=c.section, section_title=c.section_title,
                         pages=c.pages, pages_estimated=c.pages_estimated, sentence=_sentence_at(text, m.start()))
            if _looks_abbreviation(inner):
                words = _words_before(text, m.start(), len(inner) + 5)
                i = _long_form(inner, words)
                if i is not None and words:
                    long_form = text[words[i][1]:m.start()].strip()
                    if len(long_form.split()) >= 2 or len(long_form) > len(inner) + 3:
                        _add(found, Term(inner, long_form, "abbreviation", **where))
                        continue
            # "TKI (Tenaga Kerja Indonesia)": short form before, long form inside.
            before = _words_before(text, m.start(), 1)
            if before and _ABBR.match(before[0][0]) and sum(ch.isupper() for ch in before[0][0]) >= 2:
                short = before[0][0]
                ws = [(w, 0) for w in inner.split()]
                if len(ws) >= 2 and _long_form(short, ws) == 0:
                    _add(found, Term(short, inner, "abbreviation", **where))
                    continue
            if _is_english_gloss(inner):
                n = len(inner.split())
                words = _words_before(text, m.start(), n)
                words = [(w, s) for w, s in words if w[:1].islower() or n > 1]
                if words:
                    term = text[words[0][1]:m.start()].strip()
                    if term and term.lower() != inner.lower():
                        _add(found, Term(term, inner, "translation", **where))
    return sorted(found.values(), key=lambda t: (t.kind, t.term.lower()))


def curated_terms() -> list[Term]:
    text = resources.files("nttqa.data").joinpath("glossary_curated.tsv").read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2:
            out.append(Term(parts[0].strip(), parts[1].strip(), "curated"))
    return out


def build_glossary(chunks: Sequence[Chunk], include_curated: bool = False) -> list[Term]:
    """Terms the corpus defines (and, on request, the curated domain terms)."""
    terms = extract_terms(chunks)
    return terms + curated_terms() if include_curated else terms


def search(terms: Iterable[Term], text: str) -> list[Term]:
    q = text.strip().lower()
    return [t for t in terms if q in t.term.lower() or q in t.meaning.lower()]
