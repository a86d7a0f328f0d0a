"""Study tools on the real thesis: sources, timeline, figures, reader, quiz and their CLI."""

from __future__ import annotations

import argparse
import importlib.util
import json
import re
import string
from dataclasses import asdict
from pathlib import Path

import pytest

from nttqa import locate
from nttqa.chunk import chunk_document, outline
from nttqa.messages import load
from nttqa.parse import read_document
from nttqa.study.commands import STUDY_COMMANDS, add_study_commands, run_study_command
from nttqa.study.figures import build_figures, parse_number, series
from nttqa.study.quiz import KINDS, in_passage, make_quiz, score
from nttqa.study.reader import abbreviations, cite, highlight, section_text, section_tree, walk
from nttqa.study.sources import (NO_REFERENCE_LIST, build_sources, find_source, reference_list_notice,
                                 sources_for_text, sources_supporting)
from nttqa.study.timeline import build_timeline, events_in_year

THESIS = Path(__file__).resolve().parents[1] / "corpus" / "peran-iom-perdagangan-manusia-ntt-2014-2018.txt"


@pytest.fixture(scope="module")
def doc():
    return read_document(THESIS)


@pytest.fixture(scope="module")
def chunks(doc):
    return chunk_document(doc)


@pytest.fixture(scope="module")
def raw(doc):
    return doc.text


@pytest.fixture(scope="module")
def sources(chunks):
    return build_sources(chunks)


@pytest.fixture(scope="module")
def events(chunks):
    return build_timeline(chunks)


@pytest.fixture(scope="module")
def figures(chunks):
    return build_figures(chunks)


# --- sources --------------------------------------------------------------------------------


@pytest.mark.parametrize("name, pattern", [
    ("Goma 2020", r"Goma\s*\(?\s*2020"),
    ("Winadya 2019", r"Winadya\s*\(?\s*2019"),
    # "(Daniel, Mulyana and Wibhawa 2017, 26)" and "Daniel, Mulyana, dan Wibhawa (2017)", often across lines
    ("Daniel, Mulyana and Wibhawa 2017", r"Wibhawa\s*\(?\s*2017"),
])
def test_source_counts_match_the_text(sources, raw, name, pattern):
    expected = len(re.findall(pattern, raw))
    assert expected >= 6
    src = find_source(sources, name)
    assert src is not None and src.key == name
    assert src.count == expected == len(src.citations)


def test_source_variants_are_merged(sources):
    daniel = [s for s in sources if s.names and s.names[0] == "Daniel"]
    assert len(daniel) == 1
    written = " | ".join(daniel[0].variants)
    assert "dan Wibhawa (2017)" in written and "and Wibhawa 2017, 26)" in written
    assert daniel[0].pages == ("26", "27", "28")
    assert daniel[0].names == ("Daniel", "Mulyana", "Wibhawa")
    goma = find_source(sources, "Goma 2020")
    assert "36-37" in goma.pages and "40" in goma.pages


def test_sources_cover_every_reference_form(sources):
    keys = {s.key for s in sources}
    for key in ("Arif 2016", "International Organization for Migration n.d.", "IOM 2015", "Kemen PPPA 2018",
                "Gugus Tugas PP-TPPO 2022", "Iskandar and Nursiti 2021"):
        assert key in keys
    assert [s.authors.lower() for s in sources] == sorted(s.authors.lower() for s in sources)


def test_each_citation_quotes_its_sentence(sources, chunks):
    by_id = {c.id: c for c in chunks}
    winadya = find_source(sources, "Winadya 2019")
    for c in winadya.citations:
        passage = by_id[c.cite.chunk_id].text
        assert c.cite.sentence in passage
        assert c.as_written in c.cite.sentence and "Winadya" in c.as_written
        assert c.cite.section_heading and c.cite.pages
    assert {c.cite.section for c in winadya.citations} >= {"2.4", "3.1.1", "3.1.2", "3.1.3"}


@pytest.mark.parametrize("query, key", [
    ("Winadya 2019", "Winadya 2019"), ("winadya", "Winadya 2019"), ("Winadia 2019", "Winadya 2019"),
    ("Daniel 2017", "Daniel, Mulyana and Wibhawa 2017"), ("Daniel, Mulyana dan Wibhawa (2017)",
                                                          "Daniel, Mulyana and Wibhawa 2017"),
    ("(Goma 2020, 36-37)", "Goma 2020"), ("IOM 2015", "IOM 2015"),
])
def test_find_source_is_forgiving(sources, query, key):
    assert find_source(sources, query).key == key


def test_find_source_refuses_strangers(sources):
    assert find_source(sources, "Nobody 2019") is None
    assert find_source(sources, "Goma 1999") is None


def test_which_source_supports_the_605_victims(sources):
    found = sources_supporting(sources, ["605", "2014"])
    assert found
    src, citation = found[0]
    assert src.key == "Goma 2020" and citation.cited_pages == "36-37"
    assert "605" in citation.claim and "605" not in citation.cite.sentence  # the list runs over two passages


def test_sources_for_text(sources, chunks):
    passage = next(c.text for c in chunks if "(Goma 2020, 36-37)" in c.text)
    assert [s.key for s in sources_for_text(sources, passage)] == ["Goma 2020"]
    assert [s.key for s in sources_for_text(sources, "as Winadya (2019) and Arif 2016 say")] == \
        ["Winadya 2019", "Arif 2016"]


def test_no_reference_list_notice(chunks):
    assert "daftar pustaka" in reference_list_notice(chunks, "id").lower()
    assert "no reference list" in reference_list_notice(chunks, "en").lower()
    assert set(NO_REFERENCE_LIST) == {"id", "en"}
    for lang in ("en", "id"):  # the notice is the catalogue's, in each language (English for any other)
        notice = load("study", lang)["no_reference_list"]
        assert NO_REFERENCE_LIST[lang] == reference_list_notice(chunks, lang) == notice
    assert reference_list_notice(chunks, "fr") == NO_REFERENCE_LIST["en"]


def test_a_library_notice_names_the_documents_without_a_reference_list(chunks):
    from dataclasses import replace

    # Beside the thesis, an article with a DAFTAR PUSTAKA: the notice names the thesis alone.
    article = [replace(chunks[0], doc="artikel.pdf", chapter="DAFTAR PUSTAKA", id=10_000)]
    notice = reference_list_notice(list(chunks) + article, "en")
    assert chunks[0].doc in notice and "artikel.pdf" not in notice
    assert reference_list_notice(article, "id") == ""


def test_cite_label_page_words_come_from_the_catalogue(chunks):
    one = cite(next(c for c in chunks if c.pages == "36"), "")
    two = cite(next(c for c in chunks if c.section == "2.4" and "-" in c.pages), "")
    assert one.label() == one.label("en") == "§2.4 Sejarah Masuknya IOM di Indonesia, p. 36"
    assert two.label("en") == f"§2.4 Sejarah Masuknya IOM di Indonesia, pp. {two.pages}"
    assert one.label("id").endswith(", hlm. 36") and two.label("id").endswith(f", hlm. {two.pages}")
    # The one location formatter says it: the same words as the answers and the app.
    assert one.label("id") == locate.of(one, "id", mark_estimated=False)
    assert one.pages_estimated and one.label("en", mark_estimated=True) == locate.of(one, "en")
    opening = cite(next(c for c in chunks if c.chapter.startswith("BAB II") and not c.section), "")
    assert opening.label("en").startswith("BAB II FAKTOR"), opening.label("en")  # the chapter, not its bare title
    assert load("messages", "id")["page"] == load("messages", "id")["pages"] == "hlm."


# --- timeline -------------------------------------------------------------------------------


def _one(events, date, word):
    found = [e for e in events if e.date == date and word in e.cite.sentence.lower()]
    assert len(found) == 1, (date, word, found)
    return found[0]


def test_timeline_has_the_dated_events(events):
    festival = _one(events, "2018-12-18", "festival")
    assert festival.precision == "day" and "IOM" in festival.mentions
    assert festival.refs == ("Kemen PPPA 2018",) and festival.cite.section == "3.1.3"
    moratorium = _one(events, "2018-11-14", "moratorium")
    assert moratorium.as_written == "tanggal 14 November 2018" and moratorium.cite.section == "2.3"
    assert _one(events, "1951", "didirikan").precision == "year"
    assert _one(events, "1953-10-19", "konstitusi").day == 19
    assert _one(events, "1979", "hadir").year == 1979
    assert _one(events, "2007-06", "rmim").precision == "month"
    assert "RCA" in _one(events, "2000", "regional cooperation agreement").mentions
    months = {e.month for e in events if e.year == 2018 and "agustus" in e.as_written.lower()}
    assert months == {8, 9}


def test_timeline_is_sorted(events):
    keys = [(e.year, e.month or 0, e.day or 0) for e in events]
    assert keys == sorted(keys)


def test_years_of_references_are_not_events(events, raw):
    outside = set(re.findall(r"\b(?:19|20)\d\d\b", re.sub(r"\([^()]*\)", " ", raw)))
    inside = set(re.findall(r"\((?:[^()]*?)\b((?:19|20)\d\d)\b[^()]*\)", raw))
    only_in_refs = {int(y) for y in inside - outside}
    assert only_in_refs  # e.g. 2020, 2021, 2022
    assert not [e for e in events if e.year in only_in_refs]


def test_what_iom_did_in_2018(events):
    did = events_in_year(events, 2018, actor="IOM")
    dates = {e.date for e in did}
    assert {"2018-12-18", "2018-12", "2018-08", "2018-09", "2018"} <= dates
    assert all("IOM" in e.mentions for e in did)
    assert "2018-11-14" not in dates  # the moratorium was the governor's decree
    assert all(e.year == 2018 and not e.year_end for e in did)
    with_periods = events_in_year(events, 2018, actor="IOM", include_periods=True)
    assert any(e.date == "2018/2019" for e in with_periods)


# --- figures ----------------------------------------------------------------------------------


def _table_value(figures, table, year):
    found = [f for f in figures if f.table == table and f.year == year]
    assert len(found) == 1
    return found[0]


def test_poverty_and_unemployment_tables(figures):
    poverty = _table_value(figures, "Tabel 1", 2015)
    assert poverty.value == pytest.approx(22.58) and poverty.unit == "%" and poverty.raw == "22,58%"
    assert poverty.source_line.startswith("Sumber:") and "Badan Pusat Statistik" in poverty.source_line
    assert "Kemiskinan" in poverty.measure and poverty.cite.pages == "20"
    unemployment = _table_value(figures, "Tabel 3", 2015)
    assert unemployment.value == pytest.approx(3.83) and unemployment.unit == "%"
    assert [f.year for f in figures if f.table == "Tabel 3"] == [2014, 2015, 2016, 2017, 2018]


def test_education_table(figures):
    rows = {f.label: f for f in figures if f.table == "Tabel 2"}
    assert set(rows) == {"SD", "SMP", "SMA", "Kuliah", "Tidak Memiliki Ijazah"}
    assert rows["SD"].value == 303 and rows["SD"].unit == "orang" and rows["SD"].year == 2018
    assert "1.000" in rows["SD"].measure  # per 1,000 people, from the column header


def test_victims_per_year(figures):
    victims = [s for s in series(figures).values() if [f.value for f in s] == [605, 941, 863, 230]]
    assert len(victims) == 1
    assert [f.years for f in victims[0]] == [(2014,), (2015,), (2016, 2017), (2018,)]
    assert all(f.refs == ("Goma 2020, 36-37",) and f.unit == "orang" for f in victims[0])


def test_officers_trained(figures):
    trained = {f.value: f for f in figures if f.cite.section == "3.1.1" and "aparat" in f.context}
    assert {593, 426, 167} <= set(trained)
    assert "laki-laki" in trained[426].label and "perempuan" in trained[167].label


def test_chart_titles_say_what_is_counted(figures):
    names = list(series(figures))
    # Not "2.1.1 orang" or "1.1 orang: korban (2014–2018)": no title opens with a section number or a bare unit.
    assert not [n for n in names if re.match(r"(\d+(\.\d+)*|orang|Rp|tahun)\b", n)], names
    victims = next(n for n, s in series(figures).items() if [f.value for f in s] == [605, 941, 863, 230])
    assert victims == "Korban (orang), 2014–2018"
    poor = next(n for n, s in series(figures).items() if not s[0].table and s[0].cite.section == "2.1.1")
    assert poor.startswith("Kemiskinan") and "2014–2018" in poor
    trained = next(n for n, s in series(figures).items() if any(f.value == 593 for f in s))
    assert trained.startswith("Aparat hukum")
    for s in series(figures).values():  # money, lengths of time and counts are never on one axis
        kinds = {"money" if f.unit in ("Rp", "US$") else "time" if f.unit in ("tahun", "bulan") else "count"
                 for f in s}
        assert len(kinds) == 1, [f.raw for f in s]


@pytest.mark.parametrize("raw_number, lang, value", [
    ("22,58%", "id", 22.58), ("1.000", "id", 1000), ("1.160,53", "id", 1160.53), ("120.000.000", "id", 120e6),
    ("1,000", "en", 1000), ("3.83", "en", 3.83), ("605", "id", 605),
])
def test_parse_number(raw_number, lang, value):
    assert parse_number(raw_number, lang) == pytest.approx(value)


def test_no_figure_is_a_year_or_a_law_number(figures):
    assert not [f for f in figures if not f.table and 1900 <= f.value <= 2049 and f.unit != "orang"]
    assert not [f for f in figures if f.raw.startswith(("21 ", "296"))]  # "UU Nomor 21", "Pasal 296"


# --- reader ----------------------------------------------------------------------------------


def test_section_tree(doc):
    tree = section_tree(outline(doc))
    assert [n.number for n in tree][:3] == ["ABSTRAK", "ABSTRACT", "BAB I"]
    bab2 = next(n for n in tree if n.number == "BAB II")
    sec21 = next(n for n in bab2.children if n.number == "2.1")
    assert [c.number for c in sec21.children] == ["2.1.1", "2.1.2", "2.1.3", "2.1.4"]
    assert sec21.page == "18" and sec21.page_end == "26"
    # dicts (as the CLI passes them) give the same tree
    assert section_tree([asdict(e) for e in outline(doc)]) == tree
    assert len(list(walk(tree))) == len(outline(doc))


def test_section_text(chunks):
    part = section_text(chunks, "2.1")
    assert {c.section for c in part} == {"2.1", "2.1.1", "2.1.2", "2.1.3", "2.1.4"}
    assert [c.id for c in part] == sorted(c.id for c in part)
    assert section_text(chunks, "BAB II") == section_text(chunks, "2") == section_text(chunks, "II")
    assert all(c.chapter.startswith("BAB II") for c in section_text(chunks, "BAB II"))
    assert [c.section for c in section_text(chunks, "1.2")] == ["1.2"]
    assert section_text(chunks, "ABSTRAK")[0].chapter == "ABSTRAK"


def test_highlight_survives_rewrapping():
    passage = "IOM pada awalnya didirikan pada tahun 1951 dengan kantor pusat di Janewa. Kalimat lain."
    quote = "IOM pada awalnya\n didiri-\nkan  pada tahun 1951 dengan kantor pusat di Janewa."
    segs = highlight(passage, quote)
    assert "".join(t for t, _ in segs) == passage
    assert [t for t, on in segs if on] == ["IOM pada awalnya didirikan pada tahun 1951 dengan kantor pusat di Janewa."]
    assert highlight(passage, "tidak ada") == [(passage, False)]


def test_one_abbreviation_rule_for_glossary_quiz_and_timeline(chunks):
    """The glossary (which feeds query expansion) and the quiz/timeline table read the same
    definitions: the first long form of every short form agrees, syllable forms included."""
    from nttqa.study.glossary import build_glossary

    table = {a.short: a.long for a in abbreviations(chunks)}
    glossary = {t.term: t.meaning for t in build_glossary(chunks) if t.kind == "abbreviation"}
    assert table == {k: v for k, v in glossary.items() if k in table}
    assert set(glossary) - set(table) <= {t.term for t in build_glossary(chunks) if t.chunk_id >= 0 and
                                         next(c for c in chunks if c.id == t.chunk_id).kind != "text"}
    assert table["Pemprov"] == "Pemerintah Provinsi" and table["Mabes Polri"].startswith("Markas Besar")


def test_abbreviations(chunks):
    table = {a.short: a.long for a in abbreviations(chunks)}
    assert table["RAD"] == "Rencana Aksi Daerah"
    assert table["IOM"] == "International Organization for Migration"
    assert table["DP3A"] == "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"
    assert "Human Trafficking" not in table  # a translation, not an abbreviation


# --- quiz ------------------------------------------------------------------------------------


def test_every_answer_is_in_its_cited_passage(chunks):
    by_id = {c.id: c.text for c in chunks}
    for lang in ("en", "id"):
        everything = make_quiz(chunks, n=1000, lang=lang, seed=1)  # every question the text yields
        assert len(everything) > 60 and {it.kind for it in everything} == set(KINDS)
        for it in everything:
            assert it.passage == by_id[it.cite.chunk_id]
            assert in_passage(it.answer, it.passage), it
            assert it.cite.sentence in it.passage


def test_quiz_shape(chunks):
    items = make_quiz(chunks, n=10, lang="en", seed=1)
    assert len(items) == 10 and [it.n for it in items] == list(range(1, 11))
    assert {it.kind for it in items} == set(KINDS)  # every kind when there is room for all
    for it in items:
        if it.format == "mc":
            assert it.answer in it.choices and len(it.choices) == len(set(it.choices)) >= 2
            assert set(it.choices) - {it.answer} == set(it.distractors)
        else:
            assert it.choices == ()
        if it.kind in ("year", "definition") and it.format == "fill":
            assert "_____" in it.question


def test_quiz_is_deterministic_per_seed(chunks):
    a = [it.to_dict() for it in make_quiz(chunks, n=10, seed=7)]
    b = [it.to_dict() for it in make_quiz(chunks, n=10, seed=7)]
    c = [it.to_dict() for it in make_quiz(chunks, n=10, seed=8)]
    assert a == b and a != c


def test_quiz_languages_and_kinds(chunks):
    en = make_quiz(chunks, n=6, lang="en", seed=2, kinds=["year"])
    id_ = make_quiz(chunks, n=6, lang="id", seed=2, kinds=["year"])
    assert {it.kind for it in en} == {"year"}
    assert [it.answer for it in en] == [it.answer for it in id_]
    assert all(re.fullmatch(r"(19|20)\d\d", it.answer) for it in en)
    assert all("year" in it.question.lower() for it in en)
    assert all("tahun" in it.question.lower() for it in id_)


def _template_pattern(template: str) -> re.Pattern[str]:
    """A catalogue text as a regex: its wording literally, each ``{placeholder}`` as anything."""
    return re.compile("".join(re.escape(part) + (".+?" if name is not None else "")
                              for part, name, _, _ in string.Formatter().parse(template)), re.S)


def test_quiz_questions_are_worded_by_the_catalogue(chunks):
    for lang in ("en", "id"):
        texts = {k: v for k, v in load("study", lang).items() if k.startswith("quiz_")}
        templates = {k: _template_pattern(v) for k, v in texts.items()}
        used: set[str] = set()
        for it in make_quiz(chunks, n=1000, lang=lang, seed=1):
            keys = {k for k, pat in templates.items()
                    if k.startswith(f"quiz_{it.kind}_") and pat.fullmatch(it.question)}
            assert keys, (lang, it.kind, it.question)
            assert not re.search(r"\{\w+\}", it.question), it.question  # every placeholder filled in
            if any("{cite}" in texts[k] for k in keys):
                assert it.cite.label(lang) in it.question
            used |= keys
        assert {k for k in templates if k != "quiz_answer_key"} == used  # every wording is in use


def test_score(chunks):
    items = make_quiz(chunks, n=8, seed=3)
    perfect = score(items, {it.n: it.answer for it in items})
    assert perfect["correct"] == perfect["total"] == 8 and perfect["score"] == 1.0
    mc = next(it for it in items if it.format == "mc")
    letter = "ABCD"[mc.choices.index(mc.answer)]
    wrong = next(ch for ch in mc.choices if ch != mc.answer)
    assert score(items, {mc.n: letter})["correct"] == 1
    assert score(items, {mc.n: wrong})["correct"] == 0
    assert score(items, {})["answered"] == 0
    tables = make_quiz(chunks, n=20, seed=1, kinds=["figure"])
    pct = next(it for it in tables if it.answer.endswith("%"))
    assert score(tables, {pct.n: pct.answer.rstrip("%").replace(",", ".")})["correct"] == 1


# --- CLI glue --------------------------------------------------------------------------------


def _run(argv, chunks, doc, capsys):
    ap = argparse.ArgumentParser(prog="nttqa")
    add_study_commands(ap.add_subparsers(dest="command"))
    args = ap.parse_args(argv)
    docs = [{"doc": doc.doc, "title": doc.title, "outline": [asdict(e) for e in outline(doc)]}]
    rc = run_study_command(args, chunks, docs)
    return rc, capsys.readouterr().out


@pytest.mark.parametrize("argv", [
    ["sources", "--json"], ["cite", "Winadya", "2019", "--json"], ["cite", "605", "--json"],
    ["timeline", "--year", "2018", "--json"], ["timeline", "--json"], ["figures", "--json"],
    ["outline", "--json"], ["outline", "--section", "2.4", "--json"],
    ["quiz", "--n", "10", "--lang", "en", "--seed", "1", "--json"], ["quiz", "--lang", "id", "--json"],
])
def test_cli_prints_json(argv, chunks, doc, capsys):
    rc, out = _run(argv, chunks, doc, capsys)
    assert rc == 0
    data = json.loads(out)
    assert isinstance(data, dict) and data


def test_cli_json_content(chunks, doc, capsys):
    rc, out = _run(["cite", "Winadya 2019", "--json"], chunks, doc, capsys)
    assert json.loads(out)["source"]["count"] == 7
    rc, out = _run(["quiz", "--n", "3", "--lang", "id", "--seed", "4", "--json"], chunks, doc, capsys)
    data = json.loads(out)
    assert data["count"] == 3 and data["lang"] == "id"
    rc, out = _run(["outline", "--json"], chunks, doc, capsys)
    assert json.loads(out)["docs"][0]["outline"][2]["number"] == "BAB I"


def test_cli_text_output(chunks, doc, capsys):
    rc, out = _run(["timeline", "--year", "2018", "--actor", "IOM"], chunks, doc, capsys)
    assert rc == 0 and "2018-12-18" in out
    rc, out = _run(["cite", "Nobody", "1900"], chunks, doc, capsys)
    assert rc == 1
    rc, out = _run(["sources"], chunks, doc, capsys)
    assert rc == 0 and out.startswith(NO_REFERENCE_LIST["en"])
    rc, out = _run(["quiz", "--kinds", "nonsense"], chunks, doc, capsys)
    assert rc == 2
    rc, out = _run(["sources", "--lang", "id"], chunks, doc, capsys)
    assert rc == 0 and out.startswith(NO_REFERENCE_LIST["id"]) and "Goma 2020 — 6×; hlm. 32-37" in out
    assert re.search(r"^\d+ sumber, \d+ kutipan$", out, re.M)  # the summary line in the asker's language
    rc, out = _run(["sources", "--lang", "en"], chunks, doc, capsys)
    assert "Goma 2020 — 6×; pp. 32-37" in out and re.search(r"^\d+ sources, \d+ citations$", out, re.M)
    for lang, heading, page in (("id", "Kunci jawaban:", "hlm."), ("en", "Answers:", "p")):
        rc, out = _run(["quiz", "--n", "3", "--lang", lang, "--answers"], chunks, doc, capsys)
        assert rc == 0 and f"\n{heading}\n1. " in out, out
        assert re.search(rf"^3\. .+ — .+, {page}\S* \d", out, re.M), out
    assert set(STUDY_COMMANDS) == {"sources", "cite", "timeline", "figures", "outline", "quiz", "glossary"}


INDEX = Path(__file__).resolve().parents[1] / "index"
ENGLISH_WORDS = re.compile(r"\b(?:cited|No|source|sources|matches|named|events|figures|section|p\.|pp\.)\b")


def _main(argv, capsys):
    """A study command through the ``nttqa`` entry point, on the committed index."""
    from nttqa.cli import main

    rc = main([*argv, "--index", str(INDEX)])
    return rc, capsys.readouterr().out


@pytest.mark.parametrize("argv, english, indonesian", [
    (["cite", "Nobody", "1900"], 'No source matches "Nobody 1900", and no cited claim mentions it.',
     'Tidak ada sumber yang cocok dengan "Nobody 1900"'),
    (["timeline", "--year", "2030", "--actor", "IOM"], "No dated events in 2030 naming IOM.",
     "Tidak ada peristiwa bertanggal pada tahun 2030 yang menyebut IOM."),
    (["figures", "--series", "zzz"], 'No figures in a series matching "zzz".',
     'Tidak ada angka dalam seri yang cocok dengan "zzz".'),
    (["outline", "--section", "9.9"], 'No section "9.9".', 'Bagian "9.9" tidak ditemukan.'),
])
def test_cli_no_match_in_the_language_asked(argv, english, indonesian, capsys):
    rc, out = _main([*argv, "--lang", "id"], capsys)
    assert rc == 1 and out.startswith(indonesian) and not ENGLISH_WORDS.search(out), out
    for lang in ([], ["--lang", "en"]):  # English by default and on request
        rc, out = _main([*argv, *lang], capsys)
        assert rc == 1 and out.strip() == english, out


def test_cli_text_in_the_language_asked(capsys):
    rc, out = _main(["cite", "Winadya", "2019", "--lang", "id"], capsys)
    assert rc == 0 and out.startswith("Winadya 2019 — dikutip 7× (hlm. 1036, "), out
    assert "§2.4 Sejarah Masuknya IOM di Indonesia, hlm. 37 — (Winadya 2019, 1036)" in out
    assert not re.search(r"\b(?:cited|pp?\.)\s", out), out
    rc, out = _main(["cite", "Winadya", "2019"], capsys)
    assert rc == 0 and out.startswith("Winadya 2019 — cited 7× (pp. 1036, ")
    assert "§2.4 Sejarah Masuknya IOM di Indonesia, p. 37 — (Winadya 2019, 1036)" in out
    rc, out = _main(["cite", "605", "2014", "--lang", "id"], capsys)
    assert rc == 0 and out.startswith('Tidak ada sumber bernama "605 2014"; kutipan berikut') and "hlm. " in out
    assert not ENGLISH_WORDS.search(out.splitlines()[0] + out.splitlines()[2]), out
    rc, out = _main(["timeline", "--year", "2018", "--actor", "IOM", "--lang", "id"], capsys)
    assert rc == 0 and re.search(r"^2018-12 +§3\.1\.1 Instrumen, hlm\. 48: ", out, re.M), out
    rc, out = _main(["outline", "--lang", "id"], capsys)
    assert rc == 0 and "  1.1 Latar Belakang  (hlm. 1–6)" in out and "(p. " not in out, out
    rc, out = _main(["outline", "--section", "2.4", "--lang", "id"], capsys)
    assert rc == 0 and "\n[hlm. 36] " in out and "[p. " not in out
    rc, out = _main(["outline", "--section", "2.4"], capsys)
    assert rc == 0 and "\n[p. 36] " in out
    rc, out = _main(["quiz", "--kinds", "nonsense", "--lang", "id"], capsys)
    assert rc == 2 and out.startswith("Jenis soal tidak dikenal: nonsense; pilih dari year, ")


def test_the_location_formatter_does_not_import_the_study_tools():
    import ast

    import nttqa.locate
    import nttqa.messages

    for module in (nttqa.locate, nttqa.messages):  # what locate imports, and what that imports
        tree = ast.parse(Path(module.__file__).read_text(encoding="utf-8"))
        names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        names |= {f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names}
        assert not [n for n in names if n.startswith("nttqa.study") or n.startswith("nttqa.ui")], names


@pytest.mark.skipif(importlib.util.find_spec("nttqa.study.glossary") is None, reason="glossary not written yet")
def test_cli_glossary_json(chunks, doc, capsys):
    rc, out = _run(["glossary", "--json"], chunks, doc, capsys)
    assert rc == 0 and json.loads(out)["count"] > 0


# --- glossary ---------------------------------------------------------------------------------


def test_glossary_long_forms_with_digits(chunks):
    from nttqa.study.glossary import build_glossary

    terms = {x.term: x for x in build_glossary(chunks) if x.kind == "abbreviation"}
    assert terms["DP3A"].meaning == "Dinas Pemberdayaan Perempuan dan Perlindungan Anak"  # not "dan Perlindungan Anak"
    assert terms["BNP2TKI"].meaning == "Badan Nasional Penempatan dan Perlindungan Tenaga Kerja Indonesia"
    assert not [x.meaning for x in terms.values() if x.meaning.split()[0] in ("dan", "serta", "and", "of")]


def test_glossary_where_names_the_section(chunks):
    from nttqa import ui
    from nttqa.study.glossary import build_glossary

    where = {x.term: ui.term_location(x, "en") for x in build_glossary(chunks)}
    # The opening text of BAB II is not a section: say the chapter, not its bare title.
    assert where["GAATW"].startswith("BAB II FAKTOR YANG MENDORONG"), where["GAATW"]
    assert where["IOM"].startswith("ABSTRAK, p. i"), where["IOM"]  # not ", p. i"
    assert where["DP3A"].startswith("§3.1.2 Arena, p. 53")
    bad = {k: w for k, w in where.items() if not re.match(r"(§\d+(\.\d+)* \w|BAB [IVX]+ \w|ABSTRA(K|CT), )", w)}
    assert not bad, bad
    assert ui.term_location(build_glossary(chunks, include_curated=True)[-1], "id") == "—"
