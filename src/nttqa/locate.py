"""Where a passage stands, in words: one formatter for answers, the app, the CLI and the
study views ("§3.1.1 Instrumen, p. 45", "§1.1 Latar Belakang, hlm. 1-2 (hlm. PDF 8-9)").

The words come from the ``messages`` catalogue, so every view says "hlm." or "pp." the same
way; a printed page that differs from the PDF page also names the PDF page, and pages
recovered from a plain-text layout can be marked as estimated.
"""

from __future__ import annotations

import re
from typing import Any

from nttqa.messages import message


def page_word(lang: str, plural: bool) -> str:
    """"p." / "pp." in English, "hlm." in Indonesian."""
    return message(lang, "pages" if plural else "page")


def page_text(pages: str, lang: str, estimated: bool = False, pdf_pages: str = "") -> str:
    """"p. 44", "pp. 9-10", "hlm. 37 (hlm. PDF 52)", "p. 44 (page estimated)"; "" for no page."""
    if not pages:
        return ""
    out = f"{page_word(lang, '-' in pages or '–' in pages)} {pages}"
    if pdf_pages and pdf_pages != pages:
        out += f" ({message(lang, 'pdf_pages' if '-' in pdf_pages else 'pdf_page', pages=pdf_pages)})"
    if estimated:
        out += f" ({message(lang, 'page_estimated')})"
    return out


def heading_of(section: str, section_title: str, chapter: str) -> str:
    """"3.1 Analisis Peran IOM ...", a chapter's opening text "BAB II FAKTOR ...", or the part ("ABSTRACT")."""
    if section and section_title:
        return f"{section} {section_title}"
    if not section and section_title and chapter and not section_title.startswith(chapter):
        return f"{chapter} {section_title}"  # before the chapter's first section: say which chapter
    return section or section_title or chapter


def location(section: str, section_title: str, chapter: str, pages: str, lang: str, estimated: bool = False,
             pdf_pages: str = "", doc: str = "") -> str:
    """A section and its pages; a passage outside any chapter or section (a short note with no
    headings) is named by its document."""
    head = heading_of(section, section_title, chapter) or doc
    sign = "§" if section and re.match(r"\d", section) else ""
    return ", ".join(p for p in (f"{sign}{head}" if head else "", page_text(pages, lang, estimated, pdf_pages)) if p)


def of(item: Any, lang: str, mark_estimated: bool = True) -> str:
    """The location of a chunk, a citation or a study item (anything with section, section_title,
    chapter, pages and pages_estimated; doc and pdf_pages when it has them)."""
    return location(item.section, item.section_title, item.chapter, item.pages, lang,
                    bool(item.pages_estimated) and mark_estimated, getattr(item, "pdf_pages", ""),
                    getattr(item, "doc", ""))
