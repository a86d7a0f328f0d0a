"""Extractive answers on the committed index: grounded, cited, in the question's language."""

from __future__ import annotations

import re

import pytest

from nttqa.errors import QuestionError


def _assert_grounded(pipeline, a):
    assert a.citations, a.text
    by_id = {c.id: c for c in pipeline.chunks}
    for c in a.citations:
        chunk = by_id[c.chunk_id]
        assert c.passage == chunk.text
        for part in re.split(r"(?<=[.!?”\"])\s+", c.quote):
            assert part.strip()[:40] in chunk.text  # quotes are verbatim
        assert c.section == chunk.section and c.pages == chunk.pages
    markers = {int(m) for m in re.findall(r"\[(\d+)\]", a.text)}
    assert markers == {c.n for c in a.citations}


def test_english_question_gets_english_framing_and_indonesian_quote(pipeline):
    a = pipeline.ask("What was the open unemployment rate in NTT in 2015?")
    assert not a.refused and a.language == "en"
    assert a.text.startswith("According to")
    _assert_grounded(pipeline, a)
    assert any("3,83%" in c.passage for c in a.citations)
    assert any(c.section == "2.1.3" for c in a.citations)


def test_indonesian_question_gets_indonesian_answer(pipeline):
    a = pipeline.ask("Apa kepanjangan dari RAD?")
    assert not a.refused and a.language == "id"
    assert a.text.startswith(("Menurut", "Skripsi ini"))
    _assert_grounded(pipeline, a)
    assert any("Rencana Aksi Daerah" in c.quote for c in a.citations)


def test_year_list_question_gathers_every_matching_passage(pipeline):
    a = pipeline.ask("What did IOM do in 2018?")
    assert not a.refused
    _assert_grounded(pipeline, a)
    quotes = " ".join(c.quote for c in a.citations)
    assert "18 Desember" in quotes  # the film festival
    assert len(a.citations) >= 3
    assert all("2018" in c.quote for c in a.citations)
    assert len({c.section for c in a.citations}) >= 2


def test_answer_carries_the_thesis_own_source_reference(pipeline):
    a = pipeline.ask("Berapa orang menjadi korban perdagangan manusia di NTT pada tahun 2014?")
    assert not a.refused
    cite = next(c for c in a.citations if "605" in c.quote)
    assert "Goma 2020, 36-37" in cite.refs or "Goma 2020, 36-37" in pipeline.chunks[cite.chunk_id].refs
    assert cite.pages_estimated


@pytest.mark.parametrize("q", [
    "What did IOM do against human trafficking in Aceh?",
    "Berapa jumlah korban perdagangan manusia di NTT pada tahun 2035?",
    "Who wrote this thesis and at which university?",
    "Bagaimana cara membuat nasi goreng?",
    "What is the capital of France?",
])
def test_out_of_scope_questions_are_refused_with_related_passages(pipeline, q):
    a = pipeline.ask(q)
    assert a.refused, a.text
    assert not a.citations
    assert a.related
    assert ("does not cover" in a.text) or ("tidak membahas" in a.text)


def test_refusal_speaks_the_question_language(pipeline):
    assert "tidak membahas" in pipeline.ask("Apa yang dilakukan IOM di Papua?").text
    assert "does not cover" in pipeline.ask("What did IOM do in Papua?").text


def test_reply_language_can_be_forced(pipeline):
    a = pipeline.ask("Apa itu RAD?", lang="en")
    assert a.language == "en" and a.text.startswith("According to")


@pytest.mark.parametrize("q", ["", "   \n\t ", "x" * 10_000])
def test_empty_or_huge_questions_get_a_clear_error(pipeline, q):
    with pytest.raises(QuestionError) as err:
        pipeline.ask(q)
    assert "question" in str(err.value).lower()


def test_llm_mode_without_endpoint_falls_back_visibly(pipeline):
    a = pipeline.ask("Apa itu RAD?", mode="llm")
    assert a.mode == "extractive" and a.citations
    assert "NTTQA_LLM_BASE_URL" in a.notice or "tidak dipakai" in a.notice


@pytest.mark.parametrize("q", ["Which source supports the 605 victims in 2014?",
                               "Sumber apa yang mendukung data 941 korban pada tahun 2015?"])
def test_citation_question_names_the_thesis_source(pipeline, q):
    a = pipeline.ask(q)
    assert not a.refused
    assert any("Goma 2020, 36-37" in c.refs for c in a.citations), [c.refs for c in a.citations]


def test_answers_and_the_sources_page_name_the_same_source_for_a_sentence(pipeline):
    """One rule decides which reference backs a sentence (``textutil.backing_refs``): every
    sentence of a claim the Sources page lists under a source is backed by that source in the
    answers too, and every source an answer names is on the Sources page."""
    from nttqa.study.sources import build_sources
    from nttqa.textutil import find_refs

    facts = pipeline.answerer.facts
    store = pipeline.store
    sources = build_sources(list(store.chunks))
    checked = 0
    for src in sources:
        for sc in src.citations:
            for row in range(len(store.sentences)):
                cid = store.sentences[row][0]
                if cid in sc.claim_chunk_ids and store.chunks[cid].kind != "table" and facts.text(row) in sc.claim:
                    named = facts.sentence_refs(row)
                    assert any(src.year in k and any(n in k for n in src.names) for k in named), \
                        (src.key, facts.text(row)[:80], named)
                    checked += 1
    assert checked > 50
    named = {k for row in range(len(store.sentences)) for k in facts.sentence_refs(row)}
    assert all(any(s.year in k and any(n in k for n in s.names) for s in sources) for k in named)
    # a sentence the thesis backs only with a reference after it gets that reference
    bare = [r for r in range(len(store.sentences)) if facts.sentence_refs(r) and not find_refs(facts.text(r))]
    assert len(bare) > 10
    rows = [r for r in range(len(store.sentences)) if "605" in facts.text(r)]
    assert rows and all("Goma 2020, 36-37" in facts.sentence_refs(r) for r in rows)


@pytest.mark.parametrize("text,goes_on", [
    ("Sirih Pinang sendiri mempunyai dua makna yang berbeda.", True),
    ("pada pembuatan buku panduan ini ditujukan kepada masyarakat.", True),
    ("Hal tersebut terjadi karena kemiskinan.", True),
    ("This role was taken up by the province.", True),
    ("IOM didirikan pada tahun 1951 di Jenewa.", False),
    ("Tabel 1 menunjukkan angka kemiskinan di NTT dari tahun ke tahun sejak 2014 sampai itu.", False),
])
def test_a_sentence_that_goes_on_about_the_one_before_is_recognised(text, goes_on):
    from nttqa.answer import _GOES_ON

    assert bool(_GOES_ON.match(text)) == goes_on


def test_the_best_sentence_brings_the_one_that_goes_on_about_it(pipeline):
    # The sentence that names sirih pinang as a custom is followed by "Sirih Pinang sendiri
    # mempunyai dua makna ...": a short answer quotes both, in the order of the text.
    a = pipeline.ask("Sirih pinang itu melambangkan apa bagi orang NTT?")
    quotes = [c.quote for c in a.citations]
    assert not a.refused and any("dua makna" in q for q in quotes)


@pytest.mark.parametrize("q,chapter", [
    ("Apa isi bab 3?", "III"), ("Apa isi BAB III?", "III"), ("What is in chapter four?", "IV"),
    ("Bab dua berisi apa?", "II"), ("what is chapter 1 about", "I"),
])
def test_a_question_about_one_chapter_quotes_what_the_outline_says_of_it(pipeline, q, chapter) -> None:
    # The outline (1.9 Sistematika) gives one sentence per chapter: that sentence answers, not
    # a passage inside the chapter, nor a table that happens to be numbered the same.
    ans = pipeline.answerer.answer(q)
    assert not ans.refused and ans.citations
    assert all(re.match(rf"BAB {chapter}\b", c.quote) for c in ans.citations), [c.quote[:40] for c in ans.citations]


def test_a_chapter_named_with_a_topic_is_no_question_about_the_outline(pipeline) -> None:
    info = pipeline.retriever.understand("What does chapter 3 say about the police?")
    assert info.chapters == (3,) and info.about == ""
    assert not pipeline.answerer.facts.outline_rows(info)
