"""PDF input through pypdf: a PDF made from the thesis text (one page per recovered
page, roman front matter and arabic body labels) ingests with the same structure
and its real page labels; a PDF laid out like a real thesis (cover, table of
contents, running headers and footers, printed page numbers, no /PageLabels)
gives its printed page numbers and only the body's structure."""

from __future__ import annotations

import re
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
