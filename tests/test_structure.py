"""Parsing and chunking of the real thesis: outline, pages, sections, metadata."""

from __future__ import annotations

import re
import statistics

from nttqa.chunk import outline

# The thesis' own table of contents (chapters, numbered sections).
EXPECTED_SECTIONS = [
    "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "1.8.1", "1.8.2", "1.8.3", "1.8.4", "1.9",
    "2.1", "2.1.1", "2.1.2", "2.1.3", "2.1.4", "2.2", "2.3", "2.4",
    "3.1", "3.1.1", "3.1.2", "3.1.3",
    "4.1", "4.2",
]


def test_outline_matches_the_thesis(thesis_doc):
    entries = outline(thesis_doc)
    top = [(e.number, e.title) for e in entries if e.level == 0]
    assert [n for n, _ in top] == ["ABSTRAK", "ABSTRACT", "BAB I", "BAB II", "BAB III", "BAB IV"]
    titles = dict(top)
    assert titles["BAB I"] == "PENDAHULUAN"
    assert titles["BAB II"] == "FAKTOR YANG MENDORONG TERJADINYA PERDAGANGAN MANUSIA DI NTT"
    assert titles["BAB III"].startswith("PERAN INTERNATIONAL ORGANIZATION FOR MIGRATION DALAM PENANGGULANGAN")
    assert titles["BAB IV"] == "PENUTUP"
    assert [e.number for e in entries if e.level > 0] == EXPECTED_SECTIONS
    named = {e.number: e.title for e in entries}
    assert named["2.1.3"] == "Pengangguran"
    assert named["3.1.1"] == "Instrumen"
    assert named["1.8.3"] == "Metode Pengumpulan Data"


def test_three_tables_with_their_source_line(thesis_chunks):
    tables = [c for c in thesis_chunks if c.kind == "table"]
    assert [t.text.split(".")[0] for t in tables] == ["Tabel 1", "Tabel 2", "Tabel 3"]
    for t in tables:
        assert t.text.splitlines()[-1].startswith("Sumber: (Badan Pusat Statistik")
    assert "22,58%" in tables[0].text and tables[0].section == "2.1.1"
    assert "269 orang" in tables[1].text and tables[1].section == "2.1.2"
    assert "3,83%" in tables[2].text and tables[2].section == "2.1.3"


def test_no_chunk_crosses_a_section(thesis_doc, thesis_chunks):
    starts = sorted(e.char_start for e in outline(thesis_doc))
    for c in thesis_chunks:
        inside = [s for s in starts if c.char_start < s < c.char_end]
        assert not inside, f"chunk {c.id} ({c.section}) spans a heading at {inside}"
    # and every chunk's section is the one whose heading precedes it
    entries = outline(thesis_doc)
    for c in thesis_chunks:
        before = [e for e in entries if e.char_start <= c.char_start]
        last = before[-1]
        expected = last.number if last.level > 0 else ""
        assert c.section == expected


def test_pages_never_go_backwards_and_printed_numbers_anchor(thesis_doc, thesis_chunks):
    numbers = [p.number for p in thesis_doc.pages]
    assert numbers == list(range(1, len(numbers) + 1))
    body = [int(p.label) for p in thesis_doc.pages if p.label.isdigit()]
    assert body == list(range(1, len(body) + 1))
    assert all(p.estimated for p in thesis_doc.pages)
    starts = [c.page_start for c in thesis_chunks]
    assert starts == sorted(starts)
    for c in thesis_chunks:
        assert c.page_start <= c.page_end
    # The printed "36" and "39" in the text label the pages they stand on.
    text = thesis_doc.text
    for printed in ("36", "39"):
        off = re.search(rf"\n{printed} \n", text).start() + 1
        page = next(p for p in thesis_doc.pages if p.start <= off < p.end)
        assert page.label == printed
    # Chapter I starts on page 1; the abstracts are front matter.
    bab1 = next(c for c in thesis_chunks if c.section == "1.1")
    assert bab1.page_labels[0] == "1"
    assert next(c for c in thesis_chunks if c.chapter == "ABSTRAK").pages == "i"


def test_language_tags(thesis_chunks):
    langs = {c.chapter: c.lang for c in thesis_chunks if c.chapter in ("ABSTRAK", "ABSTRACT")}
    assert langs == {"ABSTRAK": "id", "ABSTRACT": "en"}
    body = [c for c in thesis_chunks if c.chapter.startswith("BAB")]
    assert all(c.lang == "id" for c in body)


def test_chunks_are_citation_sized_and_point_at_their_source(thesis_doc, thesis_chunks):
    sizes = [len(c.text) for c in thesis_chunks]
    assert statistics.mean(sizes) <= 800
    assert max(sizes) <= 1500
    for c in thesis_chunks:
        src = thesis_doc.text[c.char_start:c.char_end]
        src = re.sub(r"\n\s*\d{1,3}\s*\n", "\n", src)  # printed page numbers are layout
        norm = lambda s: re.sub(r"[\s\-]+", "", s)
        assert norm(src) == norm(c.text), f"chunk {c.id} text differs from its source span"


def test_paragraphs_join_lines_and_keep_real_hyphens(thesis_chunks):
    text = " ".join(c.text for c in thesis_chunks)
    assert "imigran-imigran" in text
    assert "isu-isu" in text
    assert "Gugus Tugas PP-TPPO" in text
    assert "2014-2018" in text
    assert "\n\n" not in text


def test_chunk_metadata_years_and_refs(thesis_chunks):
    goma = [c for c in thesis_chunks if "Goma 2020, 36-37" in c.refs]
    assert goma and all(2014 in c.years for c in goma)
    assert any("Daniel, Mulyana and Wibhawa 2017, 26" in c.refs for c in thesis_chunks)
    assert any("International Organization for Migration n.d." in c.refs for c in thesis_chunks)
    assert any("Gugus Tugas PP-TPPO 2022" in c.refs for c in thesis_chunks)
    # a narrative reference: "Arif (2016)"
    assert any(r.startswith("Arif 2016") for c in thesis_chunks for r in c.refs)
    fest = next(c for c in thesis_chunks if "18 Desember" in c.text)
    assert 2018 in fest.years and fest.section == "3.1.3"


def test_section_path_is_embedded(thesis_chunks):
    from nttqa.chunk import embedding_text

    c = next(c for c in thesis_chunks if c.section == "3.1.1")
    assert embedding_text(c).startswith("BAB III PERAN INTERNATIONAL ORGANIZATION")
    assert "3.1.1 Instrumen" in embedding_text(c).splitlines()[0]
