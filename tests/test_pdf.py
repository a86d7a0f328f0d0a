"""PDF input through pypdf: a PDF made from the thesis text (one page per recovered
page, roman front matter and arabic body labels) ingests with the same structure
and its real page labels."""

from __future__ import annotations

from pathlib import Path

import pytest

from nttqa.chunk import chunk_document, outline
from nttqa.parse import read_document

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


def _latin(text: str) -> str:
    table = {"“": '"', "”": '"', "’": "'", "‘": "'", "–": "-", "—": "-", "…": "..."}
    return "".join(table.get(ch, ch) for ch in text).encode("latin-1", "replace").decode("latin-1")


def make_thesis_pdf(doc, path: Path) -> Path:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    if FONT.exists():
        pdf.add_font("DejaVu", fname=str(FONT))
        pdf.set_font("DejaVu", size=7)
        clean = lambda s: s
    else:  # the core fonts are Latin-1 only
        pdf.set_font("Helvetica", size=7)
        clean = _latin
    body_started = False
    for page in doc.pages:
        pdf.add_page()
        if page.label.isdigit() and not body_started:
            pdf.set_page_label("D", None, 1)
            body_started = True
        elif page.number == 1:
            pdf.set_page_label("r", None, 1)
        lines = [ln.rstrip() for ln in doc.text[page.start:page.end].split("\n") if ln.strip()]
        y = 8
        for ln in lines:
            pdf.text(8, y, clean(ln))
            y += 3.1
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def pdf_doc(thesis_doc, tmp_path_factory):
    path = make_thesis_pdf(thesis_doc, tmp_path_factory.mktemp("pdf") / "thesis.pdf")
    return read_document(path)


def test_pdf_has_the_same_sections(thesis_doc, pdf_doc):
    want = [(e.level, e.number, e.title) for e in outline(thesis_doc)]
    got = [(e.level, e.number, e.title) for e in outline(pdf_doc)]
    assert got == want


def test_pdf_pages_are_real_and_labelled(thesis_doc, pdf_doc):
    assert len(pdf_doc.pages) == len(thesis_doc.pages)
    assert not any(p.estimated for p in pdf_doc.pages)
    assert [p.label for p in pdf_doc.pages] == [p.label for p in thesis_doc.pages]
    chunks = chunk_document(pdf_doc)
    assert not any(c.pages_estimated for c in chunks)
    fest = next(c for c in chunks if "18 Desember" in c.text)
    orig = next(c for c in chunk_document(thesis_doc) if "18 Desember" in c.text)
    assert fest.section == orig.section == "3.1.3"
    assert fest.page_labels[0] == orig.page_labels[0]
    tables = [c for c in chunks if c.kind == "table"]
    assert len(tables) == 3
    starts = [c.page_start for c in chunks]
    assert starts == sorted(starts)


@pytest.mark.skipif(not FONT.exists(), reason="needs a Unicode font (fonts-dejavu-core) to write soft hyphens and ligatures")
def test_pdf_text_is_normalised_and_a_title_case_chapter_title_is_kept(tmp_path):
    # A word processor's layout: the chapter title in title case on the line after "BAB I",
    # soft hyphens (U+00AD) at line ends and inside a line, typographic ligatures.
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pdf.add_page()
    y = 20
    for ln in ("BAB I", "Pendahuluan", "1.1 Latar Belakang", "Perdagangan manusia di NTT ber\u00ad",
               "kembang pesat; Un\u00ad tuk itu de\ufb01nisi yang \ufb02eksibel dipakai."):
        pdf.text(20, y, ln)
        y += 6
    path = tmp_path / "word.pdf"
    pdf.output(str(path))
    doc = read_document(path)
    assert [(e.level, e.number, e.title) for e in outline(doc)] == [(0, "BAB I", "Pendahuluan"),
                                                                   (1, "1.1", "Latar Belakang")]
    body = doc.paragraphs[-1].text
    assert "berkembang pesat; Untuk itu definisi yang fleksibel" in body
    assert "\u00ad" not in doc.text and "\ufb01" not in doc.text
    chunks = chunk_document(doc)
    assert chunks and all("\u00ad" not in c.text for c in chunks)
    assert chunks[-1].chapter == "BAB I Pendahuluan"


def test_normalize_text_joins_soft_hyphens_and_expands_ligatures():
    from nttqa.parse import normalize_text

    assert normalize_text("pen\u00ad ting, ber\u00ad\nkembang, e\u0301, \ufb01le\u200b") == "penting, berkembang, \u00e9, file"
