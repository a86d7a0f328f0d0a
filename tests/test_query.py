"""Query understanding and the corpus-built glossary (pure, fast)."""

from __future__ import annotations

import json

import pytest

from nttqa.query import (Glossary, abbreviations, analyze_question, chapter_refs, list_size, numbers,
                         population_groups, question_kind, section_refs, section_words, wants)
from nttqa.textutil import detect_language, years

from conftest import GOLD


@pytest.mark.parametrize("text,lang", [
    ("What did IOM do in 2018?", "en"),
    ("apa penyebab perdagangan manusia di NTT?", "id"),
    ("Apa itu RAD?", "id"),
    ("Berapa persen kemiskinan NTT tahun 2015?", "id"),
    ("Which section describes the pocket guide?", "en"),
    ("Siapa saja anggota SATGAS TPPO?", "id"),
    ("人口贩卖的原因是什么？", "other"),
    ("Каковы причины торговли людьми?", "other"),
    # Chat words are the Indonesian words they stand for.
    ("daftar pustaka skripsi dong", "id"),
    ("rangkuman bab dua aja", "id"),
    ("unemployment figures Kupang", "en"),
])
def test_language(text, lang):
    assert detect_language(text) == lang


def test_language_on_gold_questions_is_at_least_95_percent():
    if not GOLD.exists():
        pytest.skip(f"{GOLD} not present")
    rows = [json.loads(line) for line in GOLD.read_text(encoding="utf-8").splitlines() if line.strip()]
    right = sum(detect_language(r["question"]) == r["lang"] for r in rows)
    assert right / len(rows) >= 0.95


def test_years_and_ranges():
    assert years("what did IOM do in 2018?") == (2018,)
    assert years("tahun 2014-2018") == (2014, 2015, 2016, 2017, 2018)
    assert years("between 2016 and 2017") == (2016, 2017)
    assert years("22,58% of 1.000 people") == ()


def test_chapter_and_section_references():
    assert chapter_refs("What does chapter III analyse?") == (3,)
    assert chapter_refs("apa isi bab 2?") == (2,)
    assert chapter_refs("what is in the third chapter") == (3,)
    assert section_refs("see section 2.1.3 please") == ("2.1.3",)
    assert section_refs("subbab 3.1.1 membahas apa") == ("3.1.1",)
    assert section_refs("dari setiap 1.000 penduduk") == ()
    assert section_words("apa isi subbab instrumen?") == ("instrumen",)


def test_numbers_abbreviations_and_list_size():
    assert numbers("berapa dari 1.000 penduduk pada 2018 dan 22,58%?") == ("1.000", "22,58%")
    assert abbreviations("Apa itu RAD dan GT PP-TPPO?") == ("RAD", "GT", "PP-TPPO")
    assert list_size("What three roles can an international organization play?") == 3
    assert list_size("Apa saja tiga strategi IOM?") == 3


@pytest.mark.parametrize("text,kind", [
    ("berapa persen kemiskinan NTT tahun 2015?", "figure"),
    ("How many victims were there in 2014?", "figure"),
    ("apa itu RAD?", "definition"),
    ("What are the causes of trafficking in NTT?", "list"),
    ("what does chapter III analyse?", "section"),
    ("Which source supports the 605 victims in 2014?", "citation"),
    ("Kapan IOM didirikan?", "year"),
    ("What did IOM do in 2018?", "list"),
    ("Apa kesimpulan skripsi ini?", "summary"),
    # A year inside a regulation's name asks for no date.
    ("What does Law No. 21 of 2007 regulate?", "fact"),
    ("Apa yang diatur UU 39/2004?", "fact"),
    ("Kapan UU Nomor 21 Tahun 2007 disahkan?", "year"),
    ("Apa yang terjadi pada tahun 2014?", "year"),
])
def test_question_kind(text, kind):
    assert question_kind(text) == kind


def test_glossary_extracted_from_the_thesis(thesis_chunks):
    from nttqa.study.glossary import build_glossary

    terms = build_glossary(thesis_chunks)
    abbr = {t.term: t.meaning for t in terms if t.kind == "abbreviation"}
    assert abbr["TPPO"] == "Tindak Pidana Perdagangan Orang"
    assert abbr["RAD"] == "Rencana Aksi Daerah"
    assert abbr["Perda"] == "Peraturan Daerah"
    assert abbr["BNP2TKI"].startswith("Badan Nasional Penempatan dan Perlindungan Tenaga")
    assert abbr["Kemen PPPA"] == "Kementerian Pemberdayaan Perempuan dan Perlindungan Anak"
    assert abbr["Gugus Tugas PP-TPPO"].startswith("Gugus Tugas Pencegahan dan Penangan")
    assert abbr["CTU"] == "Counter Trafficking Unit"
    for short in ("RCA", "RCM", "RMIM", "SBMI", "TKI", "PMI"):
        assert short in abbr
    trans = {t.term.lower(): t.meaning.lower() for t in terms if t.kind == "translation"}
    assert trans["perdagangan manusia"] == "human trafficking"
    assert trans["kemiskinan"] == "poverty"
    assert trans["pengangguran"] == "unemployment"
    # citations in parentheses are not definitions
    assert not any(t.term.startswith("IOM 20") for t in terms)
    rad = next(t for t in terms if t.term == "RAD")
    assert rad.section == "3.1.1" and rad.pages and "Rencana Aksi Daerah (RAD)" in rad.sentence


def test_expansion_is_bilingual_and_directional(thesis_chunks):
    from nttqa.study.glossary import build_glossary

    g = Glossary.from_terms(build_glossary(thesis_chunks, include_curated=True))
    en = analyze_question("What are the causes of human trafficking and poverty in NTT?", g)
    assert "perdagangan manusia" in en.expansions
    assert "kemiskinan" in en.expansions
    assert "Nusa Tenggara Timur" in en.expansions
    idq = analyze_question("apa itu RAD?", g)
    assert "Rencana Aksi Daerah" in idq.expansions
    # An Indonesian question is not translated into English (noise for an Indonesian text).
    assert "poverty" not in analyze_question("apa penyebab kemiskinan di NTT?", g).expansions


@pytest.mark.parametrize("q,about", [("What research method does the thesis use?", "method"),
                                     ("Which method did the author use?", "method"),
                                     ("Apa metode penelitian skripsi ini?", "method"),
                                     ("What methods do traffickers use to trap victims?", ""),
                                     ("Cara apa yang dipakai pelaku untuk menjerat korban?", "")])
def test_the_research_method_is_asked_for_only_with_the_research_or_its_author(q, about) -> None:
    from nttqa.query import about_document

    assert about_document(q) == about


@pytest.mark.parametrize("informal,standard", [
    ("gimana IOM nanganin korban perdagangan orang?", "bagaimana IOM menangani korban perdagangan orang?"),
    ("knp org NTT gampang ketipu? krn gak ada kerjaan aja", "kenapa orang NTT gampang ketipu? karena tidak ada kerjaan saja"),
    ("apa yg dibikin pemprov buat ngatasin TPPO", "apa yang dibuat pemprov buat mengatasi TPPO"),
    ("knp susah bgt dapet duit di NTT? cuma sedikit kerjaan", "kenapa sulit sangat dapat uang di NTT? hanya sedikit pekerjaan"),
    ("gampang ga sih ngurus dokumen TKI?", "mudah tidak saja mengurus dokumen TKI?"),
])
def test_chat_spellings_are_read_as_the_standard_words(informal, standard) -> None:
    from nttqa.textutil import analyze

    assert analyze(informal) == analyze(standard)


@pytest.mark.parametrize("forms", [
    ("penelitian", "meneliti", "diteliti", "peneliti"),
    ("peningkatan", "meningkat", "ditingkatkan", "tingkat"),
    ("penanganan", "menangani", "ditangani"),
    ("disahkan", "sah"),  # ("mengesahkan" reads as "kesah", a root of its own)
    ("dipekerjakan", "pekerja", "bekerja", "pekerjaan"),
    ("perekrutan", "merekrut", "direkrut"),
])
def test_the_forms_of_one_indonesian_root_share_a_stem(forms) -> None:
    # Snowball's rules alone left "penelitian" as "eliti" and "diteliti" as "telit", and kept
    # short roots whole ("disahkan"): one root, one term, in the question and the thesis alike.
    from nttqa.textutil import analyze

    assert len({tuple(analyze(f)) for f in forms}) == 1, [analyze(f) for f in forms]


def test_english_words_keep_their_english_stems() -> None:
    # "sees" is no Indonesian "se-" + "es", "mentions" no "men-" + "tions".
    from nttqa.textutil import analyze

    assert analyze("sees seeks lines victims trafficking") == ["see", "seek", "line", "victim", "traffick"]


def test_an_indonesian_question_gets_the_thesis_word_for_its_synonym() -> None:
    from nttqa.study.glossary import curated_terms

    g = Glossary.from_terms(curated_terms("synonyms_id.tsv", kind="synonym"))
    info = analyze_question("Di kota mana markas besar IOM berada?", g)
    assert "kantor pusat" in info.expansions
    assert "kerjasama" in analyze_question("Dengan siapa saja IOM berkolaborasi di NTT?", g).expansions
    # English questions are expanded by translations, not by Indonesian synonyms.
    assert "kantor pusat" not in analyze_question("Where is the markas besar of IOM?", g).expansions


def test_an_informal_question_finds_what_its_standard_wording_finds(pipeline) -> None:
    informal = pipeline.search("gimana IOM bantuin korban yg udah pulang ke NTT?", 3)
    standard = pipeline.search("bagaimana IOM membantu korban yang sudah pulang ke NTT?", 3)
    assert informal[0].chunk.id == standard[0].chunk.id


@pytest.mark.parametrize("q,term", [
    ("How does the thesis define migrant smuggling, and why does it matter?", "migrant smuggling"),
    ("Bagaimana skripsi ini mendefinisikan rehabilitasi korban?", "rehabilitasi korban"),
    ("Apa yang dimaksud dengan organisasi internasional menurut Clive Archer?", "organisasi internasional"),
    ("apa definisi human trafficking", "human trafficking"),
    ("What is the meaning of 'arena' in the framework?", "arena"),
    ("What does TPPO stand for?", ""),           # an expansion, no term to define
    ("What did IOM define as its main task?", ""),  # not a definition question
])
def test_the_term_a_definition_asks_about_is_read_in_both_languages(q, term) -> None:
    from nttqa.query import analyze_question
    assert analyze_question(q).term == term, q


@pytest.mark.parametrize("text,span", [
    ("How many officers were trained between 2014 and 2018?", (2014, 2018)),
    ("Berapa korban antara tahun 2015 dan 2017?", (2015, 2017)),
    ("Tahun 2016 hingga 2017 sebanyak 863 orang", (2016, 2017)),
    ("dari tahun 2014 sampai tahun 2018", (2014, 2018)),
    ("from 2014 to 2018", (2014, 2018)),
    ("2014 s/d 2018", (2014, 2018)),
])
def test_a_range_of_years_written_in_words_is_a_range(text, span) -> None:
    from nttqa.textutil import year_spans, years
    assert year_spans(text) == {span}, text
    assert years(text) == tuple(range(span[0], span[1] + 1))


def test_two_years_joined_by_and_are_no_range() -> None:
    from nttqa.textutil import year_spans, years
    assert not year_spans("What happened in 2014 and 2018?") and years("in 2014 and 2018") == (2014, 2018)


@pytest.mark.parametrize("word,spelling", [
    ("organizations", "organisasi"), ("responsive", "responsif"), ("psychology", "psikologi"),
    ("capacity", "kapasitas"), ("exploitation", "eksploitasi"), ("commission", "komisi"),
    ("national", "nasional"), ("strategies", "strategi"), ("protection", "proteksi"),
])
def test_an_english_word_is_spelled_as_indonesian_borrows_it(word, spelling) -> None:
    from nttqa.textutil import loan_spellings

    assert spelling in loan_spellings(word)


def test_false_friends_and_short_spellings_are_no_loan_spellings() -> None:
    from nttqa.textutil import loan_spellings

    # "policy" is "kebijakan"; "polisi" is the police.  "city" -> "siti" is a name, not a city.
    assert "polisi" not in loan_spellings("policy") + loan_spellings("policies")
    assert loan_spellings("city") == () and loan_spellings("it") == ()


def test_an_english_word_finds_the_thesis_word_it_is_borrowed_as(pipeline) -> None:
    from nttqa.textutil import analyze

    r = pipeline.retriever
    responsive, rehab, policy = r.loanwords(["responsive", "rehabilitation", "policy"])
    assert set(analyze("responsif")) <= responsive and set(analyze("rehabilitasi")) <= rehab
    assert not policy  # the thesis says "polisi" only of the police
    q = "Is the provincial government responsive to the problem?"
    assert set(analyze("responsif")) <= set(r.neighbour_expansion(q, r.understand(q)))
    cover = pipeline.answerer.counterparts(q, r.understand(q))
    assert set(analyze("responsif")) <= cover["responsive"]


@pytest.mark.parametrize("q,chapters,about", [
    ("What does chapter two cover?", (2,), "structure"), ("Apa isi dari bab tiga?", (3,), "structure"),
    ("Apa isi BAB IV?", (4,), "structure"), ("What's in chapter 1?", (1,), "structure"),
    ("Di bab 2, apa penyebab perdagangan manusia?", (2,), ""), ("What does chapter 3 say about Kupang?", (3,), ""),
    # "the first one" after "chapters" is chapter one; without "chapter"/"bab" it is nothing.
    ("How many chapters are there, and what is in the second one?", (2,), "structure"),
    ("Skripsi ini punya berapa bab, dan apa isi yang pertama?", (1,), "structure"),
])
def test_a_chapter_is_read_in_words_digits_or_roman_numerals(q, chapters, about) -> None:
    info = analyze_question(q)
    assert info.chapters == chapters and info.about == about


def test_the_dense_query_adds_the_translations_the_question_lacks_within_its_room() -> None:
    from nttqa.query import dense_query_text

    assert dense_query_text("Who helps the victims?", ["korban", "bantuan"]) == "Who helps the victims? (korban; bantuan)"
    # Within twice the question's length: a translation that does not fit is left out, a shorter one after it stays.
    assert dense_query_text("Who?", ["pertolongan", "orang"]) == "Who? (orang)"
    assert dense_query_text("What is IOM?", ["IOM"]) == "What is IOM?"
    assert dense_query_text("Who helps the victims?", []) == "Who helps the victims?"


def test_an_english_question_is_embedded_with_its_glossary_translations(pipeline) -> None:
    from nttqa.query import dense_query_text

    q = "Which ministry signed the agreement to help trafficking victims?"
    info = pipeline.retriever.understand(q)
    text = dense_query_text(q, info.expansions)
    assert text.startswith(q + " (") and text.endswith(")")
    added = text[len(q) + 2:-1].split("; ")
    assert "kementerian" in added and sum(map(len, added)) <= 2 * len(q)


def test_a_regulation_is_named_by_its_number_and_year_in_either_language() -> None:
    from nttqa.textutil import regulation_ids

    assert regulation_ids("Apa isi Perda NTT Nomor 7 Tahun 2019?") == {(7, 2019): "Nomor 7 Tahun 2019"}
    assert set(regulation_ids("Law No. 21 of 2007, UU 21/2007 and PP 2/2018")) == {(21, 2007), (2, 2018)}
    assert set(regulation_ids("UU Nomor 39\n tahun 2004")) == {(39, 2004)}
    assert regulation_ids("Nomor berapa Perda tahun 2016?") == {}
    assert regulation_ids("the 2nd of 2016 cases, number 5 in 2016") == {}


@pytest.mark.parametrize("q,want", [
    ("In which city was the first meeting held?", "place"),
    ("Which airport in NTT do traffickers use?", "place"),
    ("Which hotel hosted the seminar?", "place"),
    ("Where is IOM headquartered?", "place"),
    ("Di kota mana kantor IOM berada?", "place"),
    ("Bandara mana yang dipakai para perekrut?", "place"),
    ("Pelatihan itu diadakan di mana?", "place"),
    ("Di mana pelatihan itu diselenggarakan?", "place"),
    # Where someone was taken, found or went.
    ("Where were the rescued victims taken?", "place"), ("Ke mana para korban dikirim?", "place"),
    ("Di mana anak itu ditemukan?", "place"), ("Where did the recruiter go after the arrest?", "place"),
    ("Where's the working hypothesis?", ""),  # a noun, not the verb "work"
    # The noun heads another one; "where" asks where in the thesis or where data came from.
    ("What village regulation did IOM help issue?", ""),
    ("Where in the thesis is the hypothesis?", ""),
    ("Where did the author get the data?", ""),
    ("Di bagian mana dibahas RAD?", ""),
    # A count, unless the question asks for a rate, a sum or a span of time.
    ("How many traffickers were convicted in 2015?", "count"), ("Berapa jumlah korban tahun 2016?", "count"),
    ("How many percent of the victims were children?", "share"), ("How many years did the programme run?", "duration"),
    ("trafficking victims NTT 2015 total", "count"),
    # An organisation: the noun heads its phrase.
    ("Which NGO ran the shelter?", "organisation"), ("Kementerian apa saja yang bekerja sama dengan IOM?", "organisation"),
    ("Apa nama perusahaan perekrut itu?", "organisation"), ("Which agency regulation applies?", ""),
    ("Apa nama restoran tempat korban bekerja?", "organisation"), ("Which plantation hired them?", "organisation"),
])
def test_a_place_asked_for_is_wanted_in_either_language(q, want) -> None:
    assert analyze_question(q).wants == want


def test_a_month_of_a_year_is_read_in_either_language() -> None:
    from nttqa.textutil import month_years

    assert month_years("What happened in March 2016?") == {(3, 2016): "March 2016"}
    assert month_years("pada bulan Desember tahun 2018 dan Juni 2007") == {(12, 2018): "Desember tahun 2018",
                                                                          (6, 2007): "Juni 2007"}
    assert month_years("in September, 2015") == {(9, 2015): "September 2015"}
    assert month_years("what may 2016 bring") == {} and month_years("pada tahun 2016") == {}


def test_a_spelling_key_many_words_share_is_lengthened() -> None:
    from nttqa.evidence import ambiguous_keys, spelling_key

    words = ["internasional", "interaksi", "intervensi", "interest", "organisasi", "polisi"]
    amb = ambiguous_keys(words)
    assert amb == {"inter"}
    # "interview" met every "inter-" word on five letters; on seven it meets none of them.
    assert spelling_key("interview", amb) not in {spelling_key(w, amb) for w in words}
    assert spelling_key("international", amb) == spelling_key("internasional", amb)
    assert spelling_key("organization", amb) == spelling_key("organisasi", amb)
    assert spelling_key("police", amb) == spelling_key("polisi", amb)


def test_counts_of_participants_bodies_and_more_than_n_are_quantities() -> None:
    from nttqa.evidence import quantities

    assert quantities("dihadiri sebanyak 76 peserta dari kurang lebihnya 40 Lembaga Swadaya Masyarakat") == (
        ("76", "count"), ("40", "count"))
    assert quantities("terdapat 80 lebih baik itu aktor non-negara") == (("80", "count"),)
    assert quantities("pertemuan dengan total sebanyak tiga kali") == (("tiga", "count"),)
    assert quantities("pada tahun 2014 lebih banyak korban") == ()  # a year is no count


def test_a_cited_works_year_dates_the_source_not_an_event() -> None:
    info = analyze_question("Apa saja bentuk perdagangan manusia menurut Arif (2016)?")
    assert info.years == () and info.sources == (("arif", 2016),) and info.kind == "list"
    info = analyze_question("What do Daniel, Mulyana and Wibhawa (2017) say about NTT in 2018?")
    assert info.years == (2018,) and info.sources == (("daniel", 2017),)
    assert analyze_question("Menurut (Goma 2020, 36), berapa korban?").sources == (("goma", 2020),)
    # An acronym before a year in brackets is a place or a body, and the year a time.
    info = analyze_question("What happened in NTT (2014)?")
    assert info.years == (2014,) and info.sources == ()


def test_a_regulations_number_and_year_is_no_quantity() -> None:
    from nttqa.evidence import quantities

    assert quantities("penetapan perda Nomor 7 Tahun 2016 mengenai pengawasan TKI") == ()
    assert quantities("UU No. 21 of 2007 dan penjara 3 tahun") == (("3", "duration"),)
    assert quantities("dipenjara selama 7 tahun") == (("7", "duration"),)


def test_an_ordinal_without_a_chapter_names_none() -> None:
    assert chapter_refs("What is the first one about?") == () and chapter_refs("Siapa korban yang pertama?") == ()


@pytest.mark.parametrize("q,live", [
    ("Siapa presiden Indonesia sekarang?", True), ("Who is the current governor of NTT?", True),
    ("What is IOM doing now?", True), ("Siapa gubernur NTT saat ini?", True),
    # The thesis' own time, and "the current study", are no live information.
    ("What does the current study conclude?", False), ("Apa yang saat ini dilakukan IOM di NTT?", False),
    ("What did IOM do in 2018?", False),
])
def test_a_question_about_today_asks_for_live_information(q, live) -> None:
    from nttqa.query import intent

    assert (intent(q) == "current") is live, q


def test_a_group_of_people_is_read_in_either_language() -> None:
    men, = population_groups("How many of the victims were men?")
    assert {"laki", "pria"} <= men
    assert population_groups("Berapa korban anak-anak dan perempuan?") == population_groups(
        "How many children and women were victims?")
    assert population_groups("How many human trafficking victims were there?") == []  # "man" in "human" is no group
    assert population_groups("Apa peran IOM?") == []


@pytest.mark.parametrize("q, want", [
    ("What is the phone number of the IOM office in Kupang?", "contact"),
    ("Berapa nomor telepon hotline BP2MI?", "contact"),
    ("What is IOM Kupang's address?", "contact"),
    ("Apa situs resmi IOM?", "contact"),
    ("How did IOM address trafficking in NTT?", ""),  # the verb
    ("What does the thesis say about the address of the governor?", ""),  # a speech
])
def test_a_contact_detail_is_read_as_what_the_answer_must_state(q, want) -> None:
    assert wants(q, question_kind(q)) == want


@pytest.mark.parametrize("q, want", [
    ("What did the governor of NTT say about the moratorium?", "statement"),
    ("What did the head of the task force announce in 2017?", "statement"),
    ("What did the minister stress in her speech?", "statement"),
    ("Apa yang disampaikan gubernur NTT tentang moratorium?", "statement"),
    ("Apa kata kepala BP3TKI Kupang soal TKI ilegal?", "statement"),
    ("Apa isi pidato bupati Timor Tengah Utara?", "statement"),
    ("What does the thesis say about Malaysia?", ""),  # the text's own words
    ("What does Law 21/2007 say about victims?", ""),  # a law's content
    ("What does Goma say about the red zone?", ""),  # a cited source
    ("Apa yang dikatakan skripsi ini tentang Malaysia?", ""),
    ("Who funded the shelter in Kupang?", "funder"), ("Which embassy paid for the campaign?", "funder"),
    ("Siapa yang membiayai pemulangan korban?", "funder"), ("Pelatihan itu didanai oleh siapa?", "funder"),
    ("Apa sumber dana Gugus Tugas?", "funder"), ("Who provided the funding for the film festival?", "funder"),
    ("How much did IOM spend on the campaign?", "money"),  # a sum, not who paid it
    ("What film did IOM show at the festival?", "title"), ("What is the title of the guidebook?", "title"),
    ("What was the campaign backed by Norway called?", "title"), ("Apa judul buku saku itu?", "title"),
    ("Apa nama program IOM untuk korban?", "title"), ("Film apa yang diputar IOM?", "title"),
    ("Buku panduan itu bertajuk apa?", "title"),
    ("What is the title of this thesis?", ""), ("Apa judul skripsi ini?", ""),  # the document's own title
    ("Which programme did IOM set up?", ""), ("Program apa yang dijalankan IOM?", ""),  # described, not named
    ("Which Indonesian NGO manages the shelter?", "organisation"), ("Which NGO works with IOM?", "organisation"),
    ("When did the RMIM programme end?", "end"), ("Kapan moratorium itu dicabut?", "end"),
    ("Sampai kapan program itu berjalan?", "end"), ("Until what year does the study run?", "end"),
    ("Kapan IOM menutup program bantuan itu?", "end"), ("Kapan pemerintah mencabut moratorium?", "end"),
    ("Kapan IOM membuka kantor untuk menutup celah perekrutan?", ""),  # a purpose, not an end
    ("In which other cities besides Kupang was the festival held?", "place"),
    ("Which NGOs except SBMI worked with IOM?", "organisation"),
    ("When was the task force set up to stop trafficking?", ""),  # a purpose, not an end
    ("When did IOM start the programme?", ""),
    ("Who signed the agreement on behalf of Australia?", "person"), ("Siapa yang hadir mewakili Australia?", "person"),
    ("Who signed the agreement?", ""),
    ("What is the name of the head of IOM?", "person"),
])
def test_words_of_someone_in_office_who_paid_and_titles_are_read_as_what_the_answer_must_state(q, want) -> None:
    assert wants(q, question_kind(q)) == want


def test_a_regulations_year_and_number_ask_for_no_events_of_that_year() -> None:
    # "Law No. 18 of 2017" names a law: its year is no year the question asks about, and its
    # number no figure to look for.
    for q in ("What principles does Law No. 18 of 2017 set for protecting migrant workers?",
              "Apa asas UU Nomor 18 Tahun 2017 tentang perlindungan pekerja migran?"):
        info = analyze_question(q)
        assert info.years == () and info.numbers == (), info
    assert analyze_question("What did IOM do in 2017 under Law No. 18 of 2017?").years == (2017,)


def test_an_article_of_a_law_is_read_in_either_language() -> None:
    from nttqa.textutil import article_refs

    assert article_refs("Apa isi Pasal 3 UU Nomor 18 Tahun 2017?") == {3: "Pasal 3"}
    assert article_refs("UU Nomor 18 Tahun 2017 Pasal (2) mempunyai asas") == {2: "Pasal (2)"}
    assert set(article_refs("memuat pasal 1 dan pasal 2, pasal ke-3")) == {1, 2, 3}
    assert article_refs("What does Article 2 of Law 18/2017 say?") == {2: "Article 2"}
    assert article_refs("the articles of the law, 18/2017") == {}


@pytest.mark.parametrize("word,meaning", [("preventively", "pencegahan"), ("funded", "dana"),
                                          ("rescued", "pertolongan"), ("recruiters", "perekrutan")])
def test_an_inflected_english_word_is_translated_as_its_dictionary_form(pipeline, word, meaning) -> None:
    info = pipeline.retriever.understand(f"What does the thesis say about those {word} in NTT?")
    assert meaning in info.expansions


def test_a_derived_english_word_is_not_translated_as_its_base() -> None:
    # "author" is no form of "authority", nor "site" a form of "sits".
    g = Glossary([("berwenang", "authority"), ("lokasi", "site")])
    assert g.expand_kinds("Who is the author?") == [] and g.expand_kinds("Where he sits") == []
    assert g.expand_kinds("the authorities") == [("berwenang", "translation")]



def test_a_year_after_after_or_before_before_asks_for_the_years_beyond_it() -> None:
    assert analyze_question("How much did the number of victims in NTT fall after 2018?").years == (2019,)
    assert analyze_question("Berapa korban sebelum tahun 2014?").years == (2013,)
    assert analyze_question("Apa yang dilakukan IOM setelah 2016?").years == (2017,)
    assert analyze_question("What did IOM do in 2018?").years == (2018,)
    assert analyze_question("Before IOM came, who handled trafficking?").years == ()


def test_a_count_asked_for_after_the_years_the_thesis_covers_is_refused(pipeline) -> None:
    a = pipeline.ask("How much did the number of trafficking victims in NTT fall after 2018?")
    assert a.refused, a.text
