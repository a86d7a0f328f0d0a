"""A bilingual glossary built from the corpus by code (pure).

Three sources of term pairs:

* abbreviations the text defines, "Rencana Aksi Daerah (RAD)" or "TKI (Tenaga
  Kerja Indonesia)" (``reader.definition_at``, the rule the quiz, the timeline and
  query expansion use too);
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

from nttqa.study.reader import ABBR_FORM, words_before, definition_at, sentence_at
from nttqa.textutil import find_refs
from nttqa.types import Chunk

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


def _is_english_gloss(inner: str) -> bool:
    words = inner.split()
    if not 1 <= len(words) <= 5 or any(ch.isdigit() for ch in inner) or find_refs(f"({inner})"):
        return False
    if ABBR_FORM.match(inner) and inner.replace("-", "").replace(" ", "").isupper():
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


def extract_terms(chunks: Sequence[Chunk]) -> list[Term]:
    found: dict[tuple[str, str], Term] = {}
    for c in chunks:
        text = c.text
        for m in re.finditer(r"\(([^()]{1,80})\)", text):
            inner = m.group(1).strip()
            if find_refs(f"({inner})"):
                continue  # "(IOM 2015)" is a citation, not a definition
            where = dict(chunk_id=c.id, chapter=c.chapter, section=c.section, section_title=c.section_title,
                         pages=c.pages, pages_estimated=c.pages_estimated, sentence=sentence_at(text, m.start()))
            pair = definition_at(text, m.start(), m.end())
            if pair is not None:
                _add(found, Term(pair[0], pair[1], "abbreviation", **where))
                continue
            if _is_english_gloss(inner):
                n = len(inner.split())
                words = words_before(text, m.start(), n)
                words = [(w, s) for w, s in words if w[:1].islower() or n > 1]
                if words:
                    term = text[words[0][1]:m.start()].strip()
                    if term and term.lower() != inner.lower():
                        _add(found, Term(term, inner, "translation", **where))
    return sorted(found.values(), key=lambda t: (t.kind, t.term.lower()))


def curated_terms(name: str = "glossary_curated.tsv", kind: str = "curated") -> list[Term]:
    """The curated domain terms, or with ``name="vocab_en_id.tsv"`` the thesis' everyday words
    and their English equivalents, with ``name="synonyms_id.tsv", kind="synonym"`` the other
    Indonesian words for them (both for question expansion only, not shown as glossary terms)."""
    text = resources.files("nttqa.data").joinpath(name).read_text(encoding="utf-8")
    out = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) >= 2:
            out.append(Term(parts[0].strip(), parts[1].strip(), kind))
    return out


def build_glossary(chunks: Sequence[Chunk], include_curated: bool = False) -> list[Term]:
    """Terms the corpus defines (and, on request, the curated domain terms)."""
    terms = extract_terms(chunks)
    return terms + curated_terms() if include_curated else terms


def search(terms: Iterable[Term], text: str) -> list[Term]:
    q = text.strip().lower()
    return [t for t in terms if q in t.term.lower() or q in t.meaning.lower()]
