"""The sources the thesis cites, recovered from its in-text references.

The thesis has no reference list, so every "(Goma 2020, 36-37)" or "Arif (2016)"
is parsed, variants of one source are merged ("dan"/"and", hyphenation, page
numbers), and each source lists where it is cited: section, page, the sentence
holding the reference and the claim it supports.

A parenthetical reference at a sentence end usually backs the sentences before
it too (up to the previous reference), so a citation's ``claim`` reaches back a
few sentences within the same section, across passage boundaries.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from nttqa.messages import LANGS
from nttqa.study import texts
from nttqa.study.reader import Cite, cite
from nttqa.textutil import YEAR, Ref, claim_start, find_refs, sentence_runs
from nttqa.types import Chunk

# The notice in each language; the texts live in the catalogue (key "no_reference_list").
NO_REFERENCE_LIST = {lang: texts.t(lang, "no_reference_list") for lang in LANGS}

_REFERENCE_LIST_NAMES = ("DAFTAR PUSTAKA", "BIBLIOGRAPHY", "REFERENCES", "DAFTAR REFERENSI", "REFERENSI")


def has_reference_list(chunks: Sequence[Chunk]) -> bool:
    return any(c.chapter.upper().startswith(_REFERENCE_LIST_NAMES) or c.section_title.upper() in _REFERENCE_LIST_NAMES
               for c in chunks)


def reference_list_notice(chunks: Sequence[Chunk], lang: str = "en") -> str:
    """The no-reference-list notice, or "" when the document does have one; in a library of
    several documents, naming those that have none."""
    by_doc: dict[str, list[Chunk]] = {}
    for c in chunks:
        by_doc.setdefault(c.doc, []).append(c)
    lacking = [d for d, cs in by_doc.items() if not has_reference_list(cs)]
    if not lacking:
        return ""
    if len(by_doc) == 1:
        return texts.t(lang, "no_reference_list")
    return texts.t(lang, "no_reference_list_docs", docs=", ".join(lacking))


@dataclass(frozen=True)
class SourceCitation:
    """One place a source is cited."""

    cite: Cite  # passage and the sentence holding the reference
    cited_pages: str  # the pages of the source the reference gives ("36-37"), "" when none
    as_written: str  # the reference as it stands in the text: "(Goma 2020, 36-37)", "Arif (2016)"
    narrative: bool  # "Arif (2016)" rather than "(Arif 2016)"
    claim: str  # the sentence(s) the reference backs
    claim_chunk_ids: tuple[int, ...]

    def to_dict(self) -> dict[str, Any]:
        return {"cited_pages": self.cited_pages, "as_written": self.as_written, "narrative": self.narrative,
                "claim": self.claim, "claim_chunk_ids": list(self.claim_chunk_ids), "citation": self.cite.to_dict()}


@dataclass(frozen=True)
class Source:
    key: str  # "Daniel, Mulyana and Wibhawa 2017"
    authors: str  # "Daniel, Mulyana and Wibhawa"
    year: str  # "2017", "2017a" or "n.d."
    names: tuple[str, ...]  # ("Daniel", "Mulyana", "Wibhawa")
    pages: tuple[str, ...]  # distinct pages cited, in page order
    count: int  # how many times it is cited
    citations: tuple[SourceCitation, ...]
    variants: tuple[str, ...]  # the distinct ways it is written

    @property
    def sections(self) -> tuple[str, ...]:
        out: list[str] = []
        for c in self.citations:
            h = c.cite.section_heading
            if h not in out:
                out.append(h)
        return tuple(out)

    def to_dict(self) -> dict[str, Any]:
        return {"key": self.key, "authors": self.authors, "year": self.year, "names": list(self.names),
                "pages": list(self.pages), "count": self.count, "sections": list(self.sections),
                "variants": list(self.variants), "citations": [c.to_dict() for c in self.citations]}


# --- merging variants -------------------------------------------------------------


def _norm(text: str) -> str:
    t = text.lower().replace("&", " and ")
    t = re.sub(r"\bdan\b", "and", t)
    t = re.sub(r"\bet\s*al\.?", " etal ", t)
    t = re.sub(r"(\w)-\s+(\w)", r"\1\2", t)  # a name split by a line-break hyphen
    return re.sub(r"[^a-z0-9]+", "", t)


def _names(authors: str) -> tuple[str, ...]:
    parts = re.split(r"\s*,\s*|\s+(?:and|dan|&)\s+", authors)
    return tuple(p.strip() for p in parts if p.strip() and p.strip().lower() not in {"et al", "et al."})


def _page_sort_key(p: str) -> tuple[int, str]:
    m = re.match(r"\d+", p)
    return (int(m.group(0)) if m else 10 ** 9, p)


@dataclass(frozen=True)
class _Occurrence:
    ref: Ref
    citation: SourceCitation


def _occurrences(chunks: Sequence[Chunk]) -> list[_Occurrence]:
    out: list[_Occurrence] = []
    for run in sentence_runs(chunks):
        for i, sent in enumerate(run):
            for ref in sent.refs:
                claim_sents = run[claim_start(run, i, ref):i + 1]
                claim = " ".join(x.text for x in claim_sents)
                ids = tuple(dict.fromkeys(x.chunk.id for x in claim_sents))
                written = sent.chunk.text[ref.start:ref.end]
                out.append(_Occurrence(ref, SourceCitation(cite(sent.chunk, sent.text), ref.pages, written,
                                                           ref.narrative, claim, ids)))
    return out


def build_sources(chunks: Sequence[Chunk]) -> list[Source]:
    """Every source cited in the text, variants merged, sorted by author then year."""
    groups: dict[tuple[str, str], list[_Occurrence]] = {}
    for occ in _occurrences(chunks):
        groups.setdefault((_norm(occ.ref.authors), occ.ref.year), []).append(occ)
    sources: list[Source] = []
    for (_, year), occs in groups.items():
        spellings: dict[str, int] = {}
        for o in occs:
            spellings[o.ref.authors] = spellings.get(o.ref.authors, 0) + 1
        # The spelling used most often names the source; ties go to the first seen.
        authors = max(spellings, key=lambda a: spellings[a])
        pages = tuple(sorted({o.ref.pages for o in occs if o.ref.pages}, key=_page_sort_key))
        variants = tuple(dict.fromkeys(re.sub(r"\s+", " ", o.citation.as_written) for o in occs))
        sources.append(Source(f"{authors} {year}", authors, year, _names(authors), pages, len(occs),
                              tuple(o.citation for o in occs), variants))
    sources.sort(key=lambda s: (s.authors.lower(), s.year))
    return sources


# --- looking sources up -------------------------------------------------------------

_YEAR_Q = re.compile(rf"\b({YEAR}[a-z]?)\b|\bn\.\s?d\.?", re.I)


def _query_parts(text: str) -> tuple[str, str | None]:
    """(name part, year or None) of "Goma 2020, 36-37", "winadya", "Daniel (2017)"."""
    m = _YEAR_Q.search(text)
    if not m:
        return text, None
    year = m.group(1).lower() if m.group(1) else "n.d."
    # Whatever follows the year is its pages ("2020, 36-37"); the name comes before it.
    return text[:m.start()], year


def _name_score(query: str, source: Source) -> float:
    q = _norm(query)
    if not q or not re.search(r"[a-z]", q):
        return 0.0  # a source is named, not only dated
    if q == _norm(source.authors):
        return 1.0
    words = [w for w in re.findall(r"[\w'’\-]+", query.lower()) if w not in {"and", "dan", "et", "al"}]
    src_words = [_norm(w) for w in re.findall(r"[\w'’\-]+", source.authors)]
    if words and all(any(sw == _norm(w) or (len(_norm(w)) >= 4 and sw.startswith(_norm(w))) for sw in src_words)
                     for w in words):
        # "Daniel" or "Daniel Wibhawa" for "Daniel, Mulyana and Wibhawa"; the first author counts most.
        return 0.9 if src_words and src_words[0].startswith(_norm(words[0])) else 0.8
    best = max((difflib.SequenceMatcher(None, q, _norm(n)).ratio() for n in source.names), default=0.0)
    whole = difflib.SequenceMatcher(None, q, _norm(source.authors)).ratio()
    score = max(best, whole)
    return 0.7 * score if score >= 0.8 else 0.0


def match_sources(sources: Sequence[Source], text: str) -> list[Source]:
    """Sources matching a free-text mention ("Winadya 2019", "winadya", "Daniel 2017"), best first."""
    query, year = _query_parts(text.strip().strip("()"))
    scored: list[tuple[float, int, Source]] = []
    for s in sources:
        if year and s.year.lower() != year and not s.year.lower().startswith(year):
            continue
        score = _name_score(query, s)
        if score > 0:
            scored.append((score, s.count, s))
    scored.sort(key=lambda t: (-t[0], -t[1], t[2].authors.lower(), t[2].year))
    return [s for _, _, s in scored]


def find_source(sources: Sequence[Source], text: str) -> Source | None:
    found = match_sources(sources, text)
    return found[0] if found else None


def sources_for_text(sources: Sequence[Source], text: str) -> list[Source]:
    """The sources a passage or answer refers to, in order of appearance.

    Formal references are parsed first; bare mentions ("as Goma 2020 shows") are then
    caught by surname followed by the year.
    """
    by_norm = {(_norm(s.authors), s.year): s for s in sources}
    hits: list[tuple[int, Source]] = []
    for r in find_refs(text):
        s = by_norm.get((_norm(r.authors), r.year))
        if s:
            hits.append((r.start, s))
    for s in sources:
        first = s.names[0] if s.names else s.authors
        year = re.escape(s.year)
        pat = rf"\b{re.escape(first)}\b[^()\d]{{0,60}}?\(?{year}\b" if s.year != "n.d." else \
            rf"\b{re.escape(s.authors)}\b\s*\(?n\.\s?d\."
        for m in re.finditer(pat, text):
            hits.append((m.start(), s))
    hits.sort(key=lambda t: t[0])
    out: list[Source] = []
    for _, s in hits:
        if s not in out:
            out.append(s)
    return out


def without_refs(text: str) -> str:
    """``text`` with its source references cut out."""
    out, pos = [], 0
    for r in find_refs(text):
        if r.start >= pos:
            out.append(text[pos:r.start])
            pos = r.end
    out.append(text[pos:])
    return " ".join(out)


def _keyword_hits(text: str, keywords: Iterable[str]) -> bool:
    """All keywords occur as words of ``text``, its references aside (their years are no match)."""
    low = without_refs(text).lower()
    return all(re.search(rf"(?<!\w){re.escape(k.lower())}(?!\w)", low) for k in keywords if k.strip())


def sources_supporting(sources: Sequence[Source], keywords: Sequence[str]) -> list[tuple[Source, SourceCitation]]:
    """Citations whose claim mentions all ``keywords`` ("605", "2014"), most direct first.

    A citation whose own sentence holds the keywords ranks before one whose claim
    only reaches them in an earlier sentence; shorter claims rank first.
    """
    kws = [k for k in keywords if k.strip()]
    if not kws:
        return []
    found: list[tuple[int, int, int, Source, SourceCitation]] = []
    for si, s in enumerate(sources):
        for c in s.citations:
            if _keyword_hits(c.claim, kws):
                direct = 0 if _keyword_hits(c.cite.sentence, kws) else 1
                found.append((direct, len(c.claim), si, s, c))
    found.sort(key=lambda t: (t[0], t[1], t[2]))
    return [(s, c) for _, _, _, s, c in found]
