"""The project's own data types, shared by every stage.

All are frozen dataclasses: stages pass them downward and never mutate them.
Character offsets always point into the *original* file text, so a citation
can be checked against the source byte for byte.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass(frozen=True)
class Page:
    """One page of a document.

    ``number`` is the physical position (1-based) in the document; ``label`` is
    what a reader sees printed on the page ("36", "ii").  For plain-text input
    pages are recovered from the layout and ``estimated`` is True.
    """

    doc: str
    number: int
    label: str
    start: int
    end: int
    estimated: bool = False


@dataclass(frozen=True)
class Paragraph:
    """A logical paragraph (hard-wrapped lines joined) with its source span."""

    text: str
    start: int
    end: int
    page: int  # Page.number of the page the paragraph starts on
    page_end: int  # Page.number of the page it ends on
    kind: str = "text"  # "text" | "footnote" (a PDF page's footnote, kept apart from the body)


@dataclass(frozen=True)
class Document:
    doc: str  # file name inside corpus/, the citation key of the document
    title: str
    text: str  # the original text (for PDFs: the extracted text, pages joined)
    pages: tuple[Page, ...]
    paragraphs: tuple[Paragraph, ...]
    meta: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)

    def page(self, number: int) -> Page:
        return self.pages[number - 1]


@dataclass(frozen=True)
class Chunk:
    """A citation-sized passage that never crosses a section.

    ``section`` is the section number ("2.1.1"), or a name for unnumbered parts
    ("ABSTRAK", "ABSTRACT"); ``path`` is the readable section path that is
    embedded with the text.
    """

    id: int
    doc: str
    chapter: str
    section: str
    section_title: str
    text: str
    char_start: int
    char_end: int
    page_start: int
    page_end: int
    page_labels: tuple[str, ...]
    pages_estimated: bool
    lang: str
    kind: str = "text"  # "text" | "table" | "footnote"
    years: tuple[int, ...] = ()
    refs: tuple[str, ...] = ()

    @property
    def path(self) -> str:
        parts = [p for p in (self.chapter, self.section_heading) if p]
        return " > ".join(parts)

    @property
    def section_heading(self) -> str:
        if self.section and self.section_title:
            return f"{self.section} {self.section_title}"
        return self.section or self.section_title

    @property
    def is_abstract(self) -> bool:
        """Part of ABSTRAK or ABSTRACT (the abstracts restate the whole thesis)."""
        return self.chapter.upper() in ("ABSTRAK", "ABSTRACT")

    @property
    def pages(self) -> str:
        """Printed page label(s), e.g. "36" or "36-37"."""
        if not self.page_labels:
            return ""
        first, last = self.page_labels[0], self.page_labels[-1]
        return first if first == last else f"{first}-{last}"

    @property
    def pdf_pages(self) -> str:
        """The PDF page(s) when the printed numbers differ ("8-9" for printed "1-2"), else "".
        Estimated pages (plain text input) have no PDF pages."""
        if self.pages_estimated or not self.page_start:
            return ""
        pdf = str(self.page_start) if self.page_end in (0, self.page_start) else f"{self.page_start}-{self.page_end}"
        return "" if pdf == self.pages else pdf

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["page_labels"] = list(self.page_labels)
        d["years"] = list(self.years)
        d["refs"] = list(self.refs)
        return d

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> "Chunk":
        d = dict(d)
        d["page_labels"] = tuple(d.get("page_labels", ()))
        d["years"] = tuple(d.get("years", ()))
        d["refs"] = tuple(d.get("refs", ()))
        return cls(**d)


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    rank: int
    dense: float | None = None
    lexical: float | None = None

    def to_dict(self) -> dict[str, Any]:
        c = self.chunk
        return {
            "rank": self.rank,
            "score": round(float(self.score), 6),
            "doc": c.doc,
            "chapter": c.chapter,
            "section": c.section_heading,
            "section_number": c.section,
            "pages": c.pages,
            "pages_estimated": c.pages_estimated,
            "text": c.text,
            "char_start": c.char_start,
            "char_end": c.char_end,
            "refs": list(c.refs),
            "years": list(c.years),
            "lang": c.lang,
            "chunk_id": c.id,
        }


@dataclass(frozen=True)
class Citation:
    n: int  # the inline marker number, [n]
    doc: str
    chapter: str
    section: str  # number, e.g. "3.1.1"
    section_title: str
    pages: str
    pages_estimated: bool
    quote: str  # the exact sentence(s) quoted from the passage
    refs: tuple[str, ...]  # the thesis' own source references for the quote
    chunk_id: int
    passage: str  # the whole passage, to show the quote in context
    lang: str = "id"
    pdf_pages: str = ""  # the PDF page(s) when the printed numbers differ (Chunk.pdf_pages)

    @property
    def section_heading(self) -> str:
        if self.section and self.section_title:
            return f"{self.section} {self.section_title}"
        return self.section or self.section_title

    def to_dict(self) -> dict[str, Any]:
        return {
            "n": self.n,
            "doc": self.doc,
            "chapter": self.chapter,
            "section": self.section_heading,
            "section_number": self.section,
            "pages": self.pages,
            "pages_estimated": self.pages_estimated,
            "pdf_pages": self.pdf_pages,
            "quote": self.quote,
            "refs": list(self.refs),
            "chunk_id": self.chunk_id,
            "lang": self.lang,
        }


@dataclass(frozen=True)
class Answer:
    question: str
    text: str
    language: str  # "id" | "en"
    refused: bool
    citations: tuple[Citation, ...] = ()
    related: tuple[Hit, ...] = ()
    mode: str = "extractive"  # "extractive" | "llm"
    notice: str = ""  # e.g. why the LLM writer fell back
    confidence: float = 0.0  # calibrated P(the thesis answers this), see decide.py
    reason: str = ""  # why it was refused or only partly answered: a message code (messages.py)
    reason_args: tuple[str, ...] = ()  # the code's arguments, e.g. the names never mentioned
    partial: bool = False  # refused as asked, but what the thesis does have is cited

    def to_dict(self) -> dict[str, Any]:
        return {
            "question": self.question,
            "answer": self.text,
            "language": self.language,
            "refused": self.refused,
            "mode": self.mode,
            "notice": self.notice,
            "confidence": round(float(self.confidence), 4),
            "reason": self.reason,
            "reason_args": list(self.reason_args),
            "partial": self.partial,
            "citations": [c.to_dict() for c in self.citations],
            "related": [h.to_dict() for h in self.related],
        }
