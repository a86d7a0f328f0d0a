"""PDF input through pypdf: a PDF made from the thesis text (one page per recovered
page, roman front matter and arabic body labels) ingests with the same structure
and its real page labels; a PDF laid out like a real thesis (cover, table of
contents, running headers and footers, printed page numbers, no /PageLabels)
gives its printed page numbers and only the body's structure."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest

from nttqa.chunk import chunk_document, outline
from nttqa.parse import is_heading, read_document
from nttqa.textutil import roman
from nttqa.pdf import is_toc_page, layout_key, number_alone, page_layout
from nttqa import locate
from nttqa.types import Document, Page, Paragraph

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


# --- A thesis PDF as a word processor lays it out, without /PageLabels -----------------------


def _wrap(text: str, width: int = 80) -> list[str]:
    import textwrap

    return textwrap.wrap(text, width)


def _para(place: str) -> list[str]:
    """A body paragraph, wrapped; each ends differently (identical lines would be running)."""
    return _wrap("Perdagangan manusia di Nusa Tenggara Timur menjadi persoalan yang serius karena banyak "
                 f"warga desa berangkat bekerja ke luar negeri tanpa dokumen, seperti terlihat di {place}.")


_TOC = [  # (entry, page) of the table of contents; the second page has tab leaders (no dots)
    [("KATA PENGANTAR", "i"), ("ABSTRAK", "ii"), ("ABSTRACT", "iii"), ("DAFTAR ISI", "iv"),
     ("BAB I PENDAHULUAN", "1"), ("1.1 Latar Belakang", "1"), ("1.2 Rumusan Masalah", "2"),
     ("1.3 Tujuan Penelitian", "3")],
    [("BAB II", ""), ("KERANGKA KONSEPTUAL", "5"), ("2.1 Organisasi Internasional", "5"),
     ("2.2 Perdagangan Manusia", "6"), ("BAB III", ""), ("PENUTUP", "9"), ("3.1 Kesimpulan", "9"),
     ("DAFTAR PUSTAKA", "10")],
]
_BODY_HEADER = {1: "Bab 1. Pendahuluan", 2: "Bab 2. Kerangka Konseptual"}


def _realistic_pages() -> list[tuple[str, str, str, list[str]]]:
    """One entry a PDF page: (printed number or "", where it is printed, header line, body lines)."""
    cover = ["PERAN INTERNATIONAL ORGANIZATION FOR MIGRATION (IOM)", "DALAM PENANGGULANGAN PERDAGANGAN MANUSIA",
             "DI NUSA TENGGARA TIMUR TAHUN 2014-2018", "SKRIPSI", "Oleh:", "Maria Goreti Bria", "NIM 1503010045",
             "PROGRAM STUDI ILMU HUBUNGAN INTERNASIONAL", "UNIVERSITAS NUSA CENDANA", "KUPANG", "2019"]
    approval = ["LEMBAR PENGESAHAN", "Skripsi ini telah diuji dan dipertahankan di depan Dewan Penguji",
                "pada tanggal 12 Juni 2019.", "Pembimbing I", "Dr. Yohanes Kase, M.Si.", "NIP 19650101 199003 1 002"]
    pages: list[tuple[str, str, str, list[str]]] = [("", "", "", cover), ("", "", "", approval)]
    front = [["KATA PENGANTAR"] + _wrap("Puji syukur penulis panjatkan kepada Tuhan atas penyertaan-Nya."),
             ["ABSTRAK"] + _wrap("Penelitian ini menelaah peran IOM dalam penanggulangan perdagangan manusia."),
             ["ABSTRACT"] + _wrap("This research examines the role of IOM in countering human trafficking."),
             ["DAFTAR ISI"] + [f"{e} {'.' * (70 - len(e))} {n}" for e, n in _TOC[0]],
             [f"{e}\t{n}" if n else e for e, n in _TOC[1]]]
    pages += [(roman, "bottom", "", lines) for roman, lines in zip(["i", "ii", "iii", "iv", "v"], front)]
    chapter1 = [["BAB I", "PENDAHULUAN", "1.1 Latar Belakang"] + _para("Kupang") + _wrap(
                    "Kasus ini mendapat perhatian pemerintah daerah sejak tahun 2014 ketika jumlah korban yang "
                    "dipulangkan dari Malaysia meningkat tajam di"),
                _wrap("wilayah Timor, Sumba dan Flores, sehingga IOM membuka kantor di Kupang.")
                + ["1.2 Rumusan Masalah"] + _para("Atambua"),
                ["1.3 Tujuan Penelitian"] + _para("Ende"),
                _wrap("Penelitian ini juga bertujuan menjelaskan kerja sama IOM dengan pemerintah provinsi.")]
    chapter2 = [["BAB II", "KERANGKA KONSEPTUAL", "2.1 Organisasi Internasional"] + _para("Waingapu"),
                _wrap("Organisasi internasional berperan sebagai instrumen, arena dan aktor yang mandiri."),
                ["2.2 Perdagangan Manusia"] + _para("Maumere"),
                _wrap("Protokol Palermo tahun 2000 mendefinisikan perdagangan orang secara luas.")]
    closing = [["BAB III", "PENUTUP", "3.1 Kesimpulan"] + _para("Larantuka"),
               ["DAFTAR PUSTAKA", "IOM. 2016. Laporan Tahunan IOM Indonesia. Jakarta: IOM."]]
    n = 0
    for chapter, body in ((1, chapter1), (2, chapter2), (3, closing)):
        for k, lines in enumerate(body):
            n += 1
            if chapter == 1 and k:  # the page number in the header line, at the right margin
                pages.append((str(n), "header", _BODY_HEADER[1], lines))
            elif chapter == 2 and k:  # a header line without the number; the number below
                pages.append((str(n), "bottom", _BODY_HEADER[2], lines))
            elif lines[0] == "BAB III":  # this chapter opening has no number printed at all
                pages.append(("", "", "", lines))
            else:  # chapter openings: the number at the bottom
                pages.append((str(n), "bottom", "", lines))
    return pages


# Printed label a page, and the PDF index where none is printed (cover, approval page) or
# where it lies between numbered pages (the unnumbered opening of BAB III is page 9).
REALISTIC_LABELS = ["1", "2", "i", "ii", "iii", "iv", "v"] + [str(n) for n in range(1, 11)]
REALISTIC_OUTLINE = [
    (0, "KATA PENGANTAR", "", "i"), (0, "ABSTRAK", "", "ii"), (0, "ABSTRACT", "", "iii"),
    (0, "BAB I", "PENDAHULUAN", "1"), (1, "1.1", "Latar Belakang", "1"), (1, "1.2", "Rumusan Masalah", "2"),
    (1, "1.3", "Tujuan Penelitian", "3"), (0, "BAB II", "KERANGKA KONSEPTUAL", "5"),
    (1, "2.1", "Organisasi Internasional", "5"), (1, "2.2", "Perdagangan Manusia", "7"),
    (0, "BAB III", "PENUTUP", "9"), (1, "3.1", "Kesimpulan", "9"), (0, "DAFTAR PUSTAKA", "", "10"),
]


def make_realistic_thesis_pdf(path: Path, declared_labels: bool = False) -> Path:
    """Cover, approval page, roman front matter, a two-page table of contents, then chapters
    with running headers, a fixed footer and arabic page numbers from 1; no /PageLabels
    unless ``declared_labels`` (then 1, 2, ... from the first page)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    for k, (number, where, header, lines) in enumerate(_realistic_pages()):
        pdf.add_page()
        if declared_labels and not k:
            pdf.set_page_label("D", None, 1)
        if header:
            pdf.text(20, 12, header)
            if where == "header":
                pdf.text(185, 12, number)
        y = 30
        for ln in lines:
            entry, _, page = ln.partition("\t")  # a tab leader: the page number at the right margin
            pdf.text(20, y, entry)
            if page:
                pdf.text(185, y, page)
            y += 6
        if number.isdigit() or header:
            pdf.text(20, 282, "Universitas Nusa Cendana")  # a fixed footer on body pages
        if where == "bottom":
            pdf.text(104, 290, number)
    pdf.output(str(path))
    return path


@pytest.fixture(scope="module")
def realistic_doc(tmp_path_factory):
    if not FONT.exists():
        pytest.skip("needs a Unicode font (fonts-dejavu-core)")
    return read_document(make_realistic_thesis_pdf(tmp_path_factory.mktemp("pdf") / "skripsi.pdf"))


def test_printed_page_numbers_become_the_labels(realistic_doc):
    assert [p.label for p in realistic_doc.pages] == REALISTIC_LABELS
    assert [p.number for p in realistic_doc.pages] == list(range(1, 18))
    assert not any(p.estimated for p in realistic_doc.pages)


def test_the_outline_is_the_body_once_not_the_table_of_contents(realistic_doc):
    got = [(e.level, e.number, e.title, e.page) for e in outline(realistic_doc)]
    assert got == REALISTIC_OUTLINE
    toc_pages = {6, 7}  # "DAFTAR ISI" and its leaderless continuation make no paragraphs
    assert not [p for p in realistic_doc.paragraphs if p.page in toc_pages]
    assert "Latar Belakang ....." in realistic_doc.text  # still in the text: only not structure


def test_headers_footers_and_page_numbers_are_not_text(realistic_doc):
    chunks = chunk_document(realistic_doc)
    texts = [p.text for p in realistic_doc.paragraphs] + [c.text for c in chunks]
    for layout in ("Bab 1. Pendahuluan", "Bab 2. Kerangka Konseptual", "Universitas Nusa Cendana", "....."):
        assert not [t for t in texts if layout in t], layout
    assert not [t for t in texts if re.search(r"(^|\s)([ivx]+|\d{1,2})$", t)]  # no trailing page number
    # A paragraph broken by the page end goes on after the next page's header.
    assert any("meningkat tajam di wilayah Timor, Sumba dan Flores" in t for t in texts)
    c11 = next(c for c in chunks if c.section == "1.1")
    assert (c11.pages, c11.pdf_pages) == ("1-2", "8-9")
    assert locate.page_text(c11.pages, "en", False, c11.pdf_pages) == "pp. 1-2 (PDF pp. 8-9)"
    assert locate.page_text(c11.pages, "id", False, c11.pdf_pages) == "hlm. 1-2 (hlm. PDF 8-9)"
    c31 = next(c for c in chunks if c.section == "3.1")
    assert (c31.page_start, c31.pages, c31.pdf_pages) == (16, "9", "16")
    assert locate.of(c31, "en").endswith("p. 9 (PDF p. 16)")
    front = next(c for c in chunks if c.chapter == "ABSTRAK")
    assert locate.page_text(front.pages, "en", False, front.pdf_pages) == "p. ii (PDF p. 4)"


def test_declared_page_labels_win_over_printed_numbers(tmp_path):
    if not FONT.exists():
        pytest.skip("needs a Unicode font (fonts-dejavu-core)")
    doc = read_document(make_realistic_thesis_pdf(tmp_path / "berlabel.pdf", declared_labels=True))
    assert [p.label for p in doc.pages] == [str(n) for n in range(1, 18)]
    # The layout is still layout, and the outline still the body's.
    assert [(e.level, e.number, e.title) for e in outline(doc)] == [e[:3] for e in REALISTIC_OUTLINE]
    assert not [p for p in doc.paragraphs if "Universitas Nusa Cendana" in p.text or p.text in ("1", "v")]


def test_page_layout_of_page_texts():
    # A short chapter: its header carries the page number ("Bab 2. Teori 4") on two pages only.
    pages = ["Sampul\nUNIVERSITAS\n2019", "BAB I\nPENDAHULUAN\nIsi bab satu.\n1",
             "Bab 1. Pendahuluan 2\nIsi lanjutan.\nTabel 1. Korban\n45",
             "BAB II\nTEORI\nIsi bab dua.\n3", "Bab 2. Teori 4\nIsi teori.", "Bab 2. Teori 5\nIsi akhir."]
    lay = page_layout(pages)
    assert lay.labels == (None, "1", "2", "3", "4", "5")  # "2019" and the table's "45" are no page numbers
    assert [sorted(d) for d in lay.layout_lines] == [[], [3], [0], [3], [0], [0]]
    assert lay.toc == (False,) * 6
    # Roman front matter, then arabic from 1 on the fourth page; an unnumbered page inside a run
    # takes its number from its neighbours, one outside keeps none.
    pages = ["Judul", "Kata pengantar.\ni", "Abstrak.\nii", "Isi.\n1", "Tabel besar.", "Isi.\n3", "Isi.\n4"]
    assert page_layout(pages).labels == (None, "i", "ii", "1", "2", "3", "4")
    # A running header on every page, also where a page has no page number.
    pages = [f"Peran IOM di NTT\nIsi halaman {n}." for n in "abcde"]
    assert [sorted(d) for d in page_layout(pages).layout_lines] == [[0]] * 5


def test_tables_of_contents_are_recognised():
    assert is_toc_page(["DAFTAR ISI", "BAB I PENDAHULUAN ..... 1"], after_toc=False)
    assert is_toc_page(["TABLE OF CONTENTS"], after_toc=False)
    assert is_toc_page(["iv", "DAFTAR ISI", "BAB I PENDAHULUAN 1"], after_toc=False)  # number printed above
    untitled = ["1.1 Latar Belakang ....... 1", "1.2 Rumusan Masalah \u2026\u2026 3", "1.3 Tujuan ____ 4"]
    assert is_toc_page(untitled, after_toc=False)
    leaderless = ["BAB II", "KERANGKA KONSEPTUAL 5", "2.1 Organisasi Internasional 5", "BAB III"]
    assert is_toc_page(leaderless, after_toc=True) and not is_toc_page(leaderless, after_toc=False)
    assert not is_toc_page(["BAB I", "PENDAHULUAN", "1.1 Latar Belakang", "Perdagangan manusia di NTT."],
                           after_toc=True)
    for entry in ("1.1 Latar Belakang ........ 1", "1.1 Latar Belakang \u2026\u2026 1", "1.2 Rumusan ____ 12",
                  "BAB I PENDAHULUAN . . . . . 1", "KATA PENGANTAR ..... iv"):
        assert not is_heading(entry), entry
    assert is_heading("1.1 Latar Belakang") and is_heading("BAB I")
    # Nor does chunk.outline take an entry outside a recognised contents page for a section.
    entry = "1.1 Latar Belakang \u2026\u2026 1"
    lone = Document("x.pdf", "x", entry, (Page("x.pdf", 1, "1", 0, len(entry)),),
                    (Paragraph(entry, 0, len(entry), 1, 1),))
    assert outline(lone) == []


def test_printed_numbers_and_page_refs():
    assert [number_alone(s) for s in ("37", "- 12 -", "iv", "xiv", "iiii", "0", "a", "12a")] == [
        ("arabic", 37), ("arabic", 12), ("roman", 4), ("roman", 14), None, None, None, None]
    assert [roman(n) for n in (1, 4, 9, 14, 40)] == ["i", "iv", "ix", "xiv", "xl"]
    assert layout_key("2 Bab 1. Pendahuluan") == "# Bab #. Pendahuluan"
    assert locate.page_text("37", "en", pdf_pages="52") == "p. 37 (PDF p. 52)"
    assert locate.page_text("37-38", "en", pdf_pages="52-53") == "pp. 37-38 (PDF pp. 52-53)"
    assert locate.page_text("52", "en", pdf_pages="52") == "p. 52"
    assert locate.page_text("44", "id", estimated=True) == "hlm. 44 (halaman perkiraan)"


def make_footnoted_pdf(path: Path) -> Path:
    """Three pages: a paragraph that runs from page 1 onto page 2 over page 1's two footnotes
    (called with superscript markers), and a numbered list at the foot of page 2 (no footnote)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pdf.set_font("DejaVu", size=10)
    pages = [
        (["BAB I", "PENDAHULUAN", "1.1 Latar Belakang",
          "Perdagangan manusia\u00b9 menjadi perhatian organisasi internasional seperti IOM\u00b2 yang",
          "bekerja bersama pemerintah daerah dalam menangani korban yang berasal dari"],
         ["1 Lihat Undang-Undang Nomor 21 Tahun 2007 tentang Pemberantasan Tindak Pidana",
          "Perdagangan Orang.", "2 International Organization for Migration, berdiri tahun 1951."], "1"),
        (["wilayah Nusa Tenggara Timur dan daerah lain di Indonesia.",
          "Faktor pendorong yang dibahas dalam bab berikutnya adalah:"],
         ["1. Kemiskinan", "2. Pengangguran"], "2"),
        (["1.2 Rumusan Masalah", "Bagaimana peran IOM dalam menangani perdagangan manusia di NTT?"], [], "3"),
    ]
    for body, foot, number in pages:
        pdf.add_page()
        y = 30
        for line in body:
            pdf.text(20, y, line)
            y += 7
        y = 250
        for line in foot:
            pdf.text(20, y, line)
            y += 6
        pdf.text(104, 290, number)
    pdf.output(str(path))
    return path


def test_footnotes_are_kept_apart_from_the_body(tmp_path):
    if not FONT.exists():
        pytest.skip("needs a Unicode font (fonts-dejavu-core)")
    doc = read_document(make_footnoted_pdf(tmp_path / "catatan-kaki.pdf"))
    notes = [p for p in doc.paragraphs if p.kind == "footnote"]
    assert [n.text for n in notes] == [
        "1 Lihat Undang-Undang Nomor 21 Tahun 2007 tentang Pemberantasan Tindak Pidana Perdagangan Orang.",
        "2 International Organization for Migration, berdiri tahun 1951."]
    assert all(n.page == 1 for n in notes)
    body = [p.text for p in doc.paragraphs if p.kind == "text"]
    # The paragraph runs on over the footnotes to page 2; the numbered list is body text.
    assert any("yang berasal dari wilayah Nusa Tenggara Timur" in t for t in body), body
    assert any(t.startswith("1. Kemiskinan") for t in body) and not any("Lihat Undang" in t for t in body)
    chunks = chunk_document(doc)
    foot = [c for c in chunks if c.kind == "footnote"]
    assert len(foot) == 2 and all(c.section == "1.1" and c.pages == "1" for c in foot)
    assert not any("Lihat Undang" in c.text for c in chunks if c.kind == "text")
    assert [e.number for e in outline(doc) if e.level] == ["1.1", "1.2"]


def test_numbered_lines_are_footnotes_only_at_the_foot_and_when_the_body_calls_them():
    from nttqa.pdf import footnote_lines

    body = ["Perdagangan manusia\u00b9 menjadi perhatian IOM\u00b2 yang", "bekerja bersama pemerintah."]
    notes = ["1 Lihat UU Nomor 21 Tahun 2007 tentang", "Pemberantasan.", "2 IOM berdiri 1951."]
    assert footnote_lines(body + notes, set()) == {2: 1, 4: 2}
    # A numbered list in mid-page, under decimals a marker test could mistake for calls
    mid = ["Lihat Tabel 2.1 dan Gambar 2.2 berikut.", "1. Kemiskinan", "2. Pengangguran"]
    assert footnote_lines(mid + ["Paragraf berikutnya berlanjut di sini."] * 8, set()) == {}
    # A wrapped line that starts with a number, on a page naming an acronym with a digit
    assert footnote_lines(["Data BP3TKI Kupang mencatat bahwa", "3 orang korban berasal dari Belu dan",
                           "sisanya dari Kupang."], set()) == {}
    # The body does not call them: a numbered list at the foot of the page
    assert footnote_lines(["Faktor pendorongnya adalah:", "1. Kemiskinan", "2. Pengangguran"], set()) == {}


# --- A two-column journal article -------------------------------------------------------------
# Title, authors and abstract across the page, then the body in two columns; a running header
# (journal at the left, volume at the right) and the page number at the outer margin of the
# footer, from 101.  The body is made of distinct sentences (one village each), so that a test
# can tell where each one went.

_VILLAGES = (
    "Oesao", "Baumata", "Penfui", "Oebobo", "Naikoten", "Fatululi", "Liliba", "Oesapa", "Lasiana", "Tarus",
    "Noelbaki", "Oebelo", "Babau", "Naibonat", "Camplong", "Takari", "Oelamasi", "Sulamu", "Bipolo", "Amarasi",
    "Baun", "Oekabiti", "Buraen", "Tablolong", "Bolok", "Semau", "Soe", "Kapan", "Oinlasi", "Boking", "Kolbano",
    "Kefamenanu", "Eban", "Maubesi", "Insana", "Wini", "Atambua", "Atapupu", "Halilulik", "Nenuk", "Weliman",
    "Betun", "Besikama", "Kobalima", "Haekesak", "Motaain", "Kalabahi", "Baranusa", "Lewoleba", "Balauring",
    "Larantuka", "Waiwerang", "Maumere", "Nita", "Magepanda", "Ende", "Detusoko", "Wolowaru", "Maurole",
    "Bajawa", "Aimere", "Golewa", "Mbay", "Nangaroro", "Ruteng", "Reo", "Iteng", "Borong", "Lembor", "Waingapu",
    "Melolo", "Lewa", "Nggongi", "Waikabubak", "Anakalang", "Waitabula", "Tambolaka", "Waibakul", "Busalangga",
    "Seba", "Raijua", "Naimata", "Oepura", "Fatukoa", "Manulai", "Batuplat", "Alak", "Nunhila", "Namosain",
    "Sikumana", "Kolhua", "Belo", "Oenesu", "Oeletsala", "Nekamese", "Taebenu", "Oenoni", "Nualain", "Lamaknen",
    "Fatumean", "Raimanuk", "Tasifeto", "Biboki", "Noemuti", "Miomaffo", "Mollo", "Amanatun", "Kuanfatu",
    "Fatuleu", "Amfoang", "Oelbiteno"
)
_SENTENCES = (
    "Di {v}, perekrut datang menjelang musim paceklik dan menawarkan pekerjaan di perkebunan sawit Malaysia.",
    "Data dinas sosial mencatat {n} korban asal {v} yang dipulangkan pada tahun {y} (Goma 2020, 36).",
    "Warga {v} umumnya berangkat tanpa dokumen resmi karena biaya pengurusan paspor dianggap terlalu mahal.",
    "Menurut tokoh adat di {v}, utang keluarga menjadi alasan utama anak muda menerima tawaran perekrut.",
    "Kantor IOM mendampingi {n} penyintas dari {v} selama pemulihan dan reintegrasi (IOM 2016, 12).",
    "Pemerintah desa {v} membentuk gugus tugas yang memantau keberangkatan warganya ke luar daerah.",
    "Penelitian lapangan di {v} menunjukkan bahwa informasi tentang migrasi aman belum sampai ke keluarga petani.",
    "Sebagian besar korban dari {v} adalah perempuan berusia di bawah dua puluh lima tahun (Bria 2019, 54).",
    "Pelatihan aparat kepolisian di {v} mempercepat penanganan laporan keluarga korban sejak tahun {y}.",
    "Kasus di {v} memperlihatkan jaringan perekrut memanfaatkan hubungan kekerabatan untuk meyakinkan calon pekerja.",
)
JOURNAL = ("Jurnal Ilmu Sosial Nusantara", "Vol. 12, No. 2, Juli 2021")


def journal_article() -> list[tuple[str, list[list[str]]]]:
    """(heading, paragraphs as lists of sentences) a section; 111 villages (prime to the 10
    sentence patterns) make every sentence distinct."""
    sentences = (_SENTENCES[k % 10].format(v=_VILLAGES[k % len(_VILLAGES)], n=12 + k * 7 % 60, y=2014 + k % 5)
                 for k in range(10 ** 4))

    def take(*sizes: int) -> list[list[str]]:
        return [[next(sentences) for _ in range(n)] for n in sizes]

    return [("1. Pendahuluan", take(5, 7, 6, 4, 8)), ("2. Metode", take(6, 5, 7)),
            ("3. Hasil dan Pembahasan", take(4)), ("3.1 Pola Perekrutan di Pedesaan", take(6, 8, 5, 7, 6)),
            ("3.2 Peran IOM dan Pemerintah Daerah", take(7, 5, 8, 6, 7)), ("4. Kesimpulan", take(6, 5))]


_TITLE = ["PERAN INTERNATIONAL ORGANIZATION FOR MIGRATION DALAM",
          "PENANGGULANGAN PERDAGANGAN MANUSIA DI NUSA TENGGARA TIMUR"]
_AUTHORS = ["Maria Goreti Bria¹, Yohanes Kase²",
            "¹ ² Program Studi Ilmu Hubungan Internasional, Universitas Nusa Cendana", "Surel: maria.bria@undana.ac.id"]
_ABSTRACT = ("Artikel ini menelaah peran International Organization for Migration dalam penanggulangan perdagangan "
             "manusia di Nusa Tenggara Timur pada tahun 2014 sampai 2018. Penelitian kualitatif ini memakai wawancara "
             "dengan staf IOM, aparat pemerintah daerah dan penyintas, serta dokumen resmi. Hasilnya menunjukkan bahwa "
             "IOM berperan sebagai fasilitator yang memperkuat kapasitas pemerintah daerah, bukan sebagai pelaksana "
             "tunggal. Kerja sama itu terhambat oleh data korban yang tersebar dan anggaran daerah yang terbatas.")
_REFERENCES = ["Bria, M. G. (2019). Migrasi dan Kerentanan di Timor Barat. Kupang: Undana Press.",
               ("Goma, E. I. (2020). Jaringan perekrut tenaga kerja di Nusa Tenggara Timur. Jurnal Kependudukan, "
                "15(1), 30-45."), "IOM. (2016). Laporan Tahunan IOM Indonesia. Jakarta: IOM."]


@dataclass(frozen=True)
class _Item:
    """A line on a journal page: where it goes, its font size, and its place in the layout."""

    x: float
    y: float
    text: str
    size: float
    role: str  # "header" | "full" (across the page) | "left" | "right" (a column) | "number"
    justify: float = 0.0  # > 0: each word placed apart, the line stretched to this width


_MARGIN, _GUTTER, _WIDTH = 20.0, 8.0, 170.0  # mm on A4
_COL = (_WIDTH - _GUTTER) / 2
_BODY, _LEAD, _TOP, _BOTTOM = 9.5, 4.6, 28.0, 272.0


def _wrap_mm(pdf, text: str, width: float) -> list[str]:
    lines = [""]
    for word in text.split():
        if lines[-1] and pdf.get_string_width(f"{lines[-1]} {word}") > width:
            lines.append(word)
        else:
            lines[-1] = f"{lines[-1]} {word}".strip()
    return lines


def journal_layout(pdf) -> list[list[_Item]]:
    """The article laid out, one list of lines a page: page 1 opens with the title block and
    the abstract across the page; the body flows down the left column, the right column, then
    the next page; a heading takes a line and a bit more; paragraphs are justified."""
    first: list[_Item] = []
    y = _TOP

    def centred(text: str, size: float, step: float) -> None:
        nonlocal y
        pdf.set_font("DejaVu", size=size)
        first.append(_Item((210 - pdf.get_string_width(text)) / 2, y, text, size, "full"))
        y += step

    for line in _TITLE:
        centred(line, 13, 6.5)
    y += 3
    for line in _AUTHORS:
        centred(line, 9.5, 5)
    y += 5
    centred("ABSTRAK", 9.5, 6)
    pdf.set_font("DejaVu", size=8.5)
    abstract = _wrap_mm(pdf, _ABSTRACT, _WIDTH)
    for k, line in enumerate(abstract):
        first.append(_Item(_MARGIN, y, line, 8.5, "full", _WIDTH if k < len(abstract) - 1 else 0.0))
        y += 4.2
    first.append(_Item(_MARGIN, y + 1.5, "Kata kunci: IOM, perdagangan manusia, migrasi, Nusa Tenggara Timur", 8.5, "full"))
    pages, top = [first], y + 11.5
    col, y = 0, top
    pdf.set_font("DejaVu", size=_BODY)

    def place(text: str, gap: float = 0.0, justify: bool = False, indent: float = 0.0) -> None:
        nonlocal col, y, top
        y += gap if y > top else 0.0
        if y > _BOTTOM:  # the column is full: the next one, or the next page
            col, y = col + 1, top
            if col == 2:
                pages.append([])
                col, y = 0, _TOP
                top = _TOP
        pages[-1].append(_Item(_MARGIN + col * (_COL + _GUTTER) + indent, y, text, _BODY, ("left", "right")[col],
                               _COL - indent if justify else 0.0))
        y += _LEAD

    for heading, paras in journal_article():
        place(heading, gap=0.6 * _LEAD)
        for para in paras:
            lines = _wrap_mm(pdf, " ".join(para), _COL - 4)  # the first line is indented
            lines[1:] = _wrap_mm(pdf, " ".join(lines[1:]), _COL) if len(lines) > 1 else []
            for k, line in enumerate(lines):
                place(line, justify=k < len(lines) - 1, indent=4.0 if k == 0 else 0.0)
    place("DAFTAR PUSTAKA", gap=0.6 * _LEAD)
    for ref in _REFERENCES:
        for k, line in enumerate(_wrap_mm(pdf, ref, _COL - 5)):
            place(line, indent=5.0 if k else 0.0)  # a hanging indent
    for k, items in enumerate(pages):
        number = str(101 + k)
        pdf.set_font("DejaVu", size=8)
        items.insert(0, _Item(_MARGIN, 14, JOURNAL[0], 8, "header"))
        items.insert(1, _Item(_MARGIN + _WIDTH - pdf.get_string_width(JOURNAL[1]), 14, JOURNAL[1], 8, "header"))
        outer = _MARGIN + _WIDTH - pdf.get_string_width(number) if k % 2 == 0 else _MARGIN
        items.append(_Item(outer, 287, number, 8, "number"))
    return pages


def journal_reading_order(items: list[_Item]) -> list[str]:
    """A page's lines as they are read: the header as one line, the full-width lines (all above
    the columns here), the left column, the right column, the page number."""
    header = " ".join(it.text for it in items if it.role == "header")
    body = [it.text for role in ("full", "left", "right", "number") for it in items if it.role == role]
    return [header] + [" ".join(t.split()) for t in body]


def make_journal_pdf(path: Path, stream: str) -> tuple[Path, list[list[_Item]]]:
    """The article as a PDF.  ``stream`` is the order of the text in the content stream:
    "columns" writes column after column (as LaTeX and word processors do, and pypdf's plain
    text then comes out right); "rows" writes across the page, top to bottom, the two columns'
    lines interleaved (as some converters do)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("DejaVu", fname=str(FONT))
    pages = journal_layout(pdf)
    for items in pages:
        pdf.add_page()
        for it in sorted(items, key=lambda it: (round(it.y, 1), it.x)) if stream == "rows" else items:
            pdf.set_font("DejaVu", size=it.size)
            if not it.justify:
                pdf.text(it.x, it.y, it.text)
                continue
            words = it.text.split()
            space = (it.justify - sum(pdf.get_string_width(w) for w in words)) / max(1, len(words) - 1)
            x = it.x
            for word in words:
                pdf.text(x, it.y, word)
                x += pdf.get_string_width(word) + space
    pdf.output(str(path))
    return path, pages


@pytest.fixture(scope="module", params=["columns", "rows"])
def journal(request, tmp_path_factory):
    if not FONT.exists():
        pytest.skip("needs a Unicode font (fonts-dejavu-core)")
    path, pages = make_journal_pdf(tmp_path_factory.mktemp("jurnal") / f"jurnal-{request.param}.pdf", request.param)
    return read_document(path), pages


def _sentences() -> list[str]:
    return [s for _, paras in journal_article() for para in paras for s in para]


def test_two_column_pages_are_read_column_by_column(journal):
    doc, pages = journal
    assert len(doc.pages) == len(pages) == 4
    for page, items in zip(doc.pages, pages):
        lines = [" ".join(ln.split()) for ln in doc.text[page.start:page.end].split("\n") if ln.strip()]
        # Every line is one line of the page, whole: never a left-column line and a right-column
        # line run together; the left column before the right; the full-width lines in place.
        assert lines == journal_reading_order(items), page.number


def test_two_column_sentences_are_whole_and_in_order(journal):
    doc, _ = journal
    body = [p.text for p in doc.paragraphs if p.kind == "text"]
    joined = "\n".join(body)
    at = []
    for sentence in _sentences():
        # Whole in one paragraph, also where the column (or the page) breaks inside it.
        assert sum(sentence in t for t in body) == 1, sentence
        at.append(joined.index(sentence))
    assert at == sorted(at)
    assert "Kata kunci: IOM, perdagangan manusia" in joined and joined.index("Artikel ini menelaah") < at[0]


def test_two_column_layout_lines_and_sections(journal):
    doc, pages = journal
    assert [p.label for p in doc.pages] == ["101", "102", "103", "104"]
    assert not any(p.estimated for p in doc.pages)
    chunks = chunk_document(doc)
    texts = [p.text for p in doc.paragraphs] + [c.text for c in chunks]
    for layout in JOURNAL:
        assert not [t for t in texts if layout in t], layout
    assert not [t for t in texts if re.search(r"(^|\s)10[1-4]$", t)]  # no page number left in the text
    page_of = {it.text: k + 1 for k, items in enumerate(pages) for it in items}
    def at(heading: str) -> str:
        return str(100 + page_of[heading])

    assert [(e.level, e.number, e.title, e.page) for e in outline(doc)] == [
        (0, "ABSTRAK", "", "101"),
        (0, "1", "Pendahuluan", at("1. Pendahuluan")), (0, "2", "Metode", at("2. Metode")),
        (0, "3", "Hasil dan Pembahasan", at("3. Hasil dan Pembahasan")),
        (1, "3.1", "Pola Perekrutan di Pedesaan", at("3.1 Pola Perekrutan di Pedesaan")),
        (1, "3.2", "Peran IOM dan Pemerintah Daerah", at("3.2 Peran IOM dan Pemerintah Daerah")),
        (0, "4", "Kesimpulan", at("4. Kesimpulan")),
        (0, "DAFTAR PUSTAKA", "", at("DAFTAR PUSTAKA"))]
    # The text under a heading is that section's: the first sentence of 3.1, the last of 3.2.
    sections = {s: c.section for c in chunks for s in _sentences() if s in c.text}
    (h31, paras31), (h32, paras32) = journal_article()[3:5]
    assert (h31[:3], h32[:3]) == ("3.1", "3.2")
    assert sections[paras31[0][0]] == "3.1" and sections[paras32[-1][-1]] == "3.2"


def test_a_right_column_sentence_is_found_whole(journal):
    doc, pages = journal
    # A sentence wholly inside the right column of page 2, away from its top and bottom.
    right = " ".join(it.text for it in pages[1] if it.role == "right")
    sentence = [s for s in _sentences() if s in right][3]
    village = next(v for v in _VILLAGES if re.search(rf"\b{v}\b", sentence))
    question = f"Apa yang terjadi di {village}?"
    chunks = chunk_document(doc)
    words = [set(re.findall(r"\w+", c.text.lower())) for c in chunks]
    asked = set(re.findall(r"\w+", question.lower()))
    df = {w: sum(w in ws for ws in words) for w in asked}
    best = max(range(len(chunks)), key=lambda k: sum(1 / df[w] for w in asked & words[k]))  # a rare word weighs more
    assert sentence in chunks[best].text
    assert "102" in chunks[best].page_labels


def test_one_level_numbered_headings_are_sections(journal):
    doc, _ = journal
    titles = [e.title for e in outline(doc)]
    assert {"Pendahuluan", "Metode", "Kesimpulan"} <= set(titles)


def test_column_text_of_text_runs():
    from nttqa.pdf import TextRun, column_text

    def line(y: float, x: float, text: str, size: float = 10.0) -> TextRun:
        return TextRun(text, x, x + 4.5 * len(text), y, size)  # ~4.5 pt a character

    left = [f"kiri baris {k} dari kolom kiri halaman ini" for k in range(8)]  # 40 chars: x 60-240
    right = [f"kanan baris {k} dari kolom kanan halaman" for k in range(8)]
    runs = [line(800, 60, "Jurnal Ilmu Sosial"), line(800, 470, "Vol. 12"),  # the header, at both margins
            line(760, 60, "JUDUL ARTIKEL YANG MEMBENTANG DI SELURUH LEBAR HALAMAN INI"),  # across the gutter
            *[line(720 - 13 * k, 60, t) for k, t in enumerate(left)],
            *[line(713 - 13 * k, 270, t) for k, t in enumerate(right)],  # baselines not in line with the left
            line(40, 60, "102")]  # the page number at the outer (left) margin
    assert column_text(runs).split("\n") == [
        "Jurnal Ilmu Sosial Vol. 12", "JUDUL ARTIKEL YANG MEMBENTANG DI SELURUH LEBAR HALAMAN INI",
        *left, *right, "102"]
    # A table's narrow columns are no page columns; nor is one column of prose.
    table = [r for k in range(8) for r in (line(700 - 13 * k, 60, f"Desa {k}"), line(700 - 13 * k, 270, f"{k} korban"))]
    assert column_text(table) is None
    words = ["Perdagangan", "manusia", "di", "Nusa", "Tenggara", "Timur", "menjadi", "persoalan", "serius"]
    prose = []  # one run a word, as word processors write justified text
    for k in range(12):
        x = 60.0 + 3 * k  # lines that end differently: no word starts in line with another's
        for word in words:
            prose.append(line(700 - 13 * k, x, word))
            x += 4.5 * len(word) + 4.5
    assert column_text(prose) is None


@pytest.mark.parametrize("line,heading", [
    ("1. Pendahuluan", True), ("III. HASIL DAN PEMBAHASAN", True), ("4. Kesimpulan dan Saran", True),
    ("1. Introduction", True), ("II. METHODS", True), ("5. Conclusions and Recommendations", True),
    ("1. Kemiskinan", False), ("2. Pengangguran", False), ("1. The police", False), ("a. Pendahuluan", False),
])
def test_a_journals_one_level_headings_are_its_named_parts_only(line, heading):
    # "1. Kemiskinan" is an item of a numbered list in the thesis; a journal's parts have set names.
    from nttqa.parse import is_heading

    assert is_heading(line) == heading


def test_a_line_ending_in_an_acronyms_bracket_does_not_end_its_paragraph(thesis_chunks):
    # "... penyusunan Rencana Aksi Daerah (RAD)" / "Anti Perdagangan Manusia yang dilakukan ..."
    # is one sentence over two lines; "Sumber: (BPS ... 2018)" still closes its table.
    from nttqa.textutil import split_sentences

    text = next(c.text for c in thesis_chunks if "Rencana Aksi Daerah (RAD) Anti" in c.text)
    sentences = [text[s:e] for s, e in split_sentences(text)]
    assert any(s.startswith("Hal lainnya") and "Anti Perdagangan Manusia yang dilakukan" in s for s in sentences)
    assert any("(TPPO) (Gugus Tugas PP-TPPO 2022)." in c.text for c in thesis_chunks)
    assert not any(c.text.rstrip().endswith("(RAD)") for c in thesis_chunks)
    assert any(c.kind == "table" and "Sumber" in c.text for c in thesis_chunks)
