"""nttqa — a bilingual chat over the thesis "Peran IOM dalam penanggulangan
perdagangan manusia di Nusa Tenggara Timur 2014-2018", with study pages.

    streamlit run app.py

Layout and widgets only: retrieval and answering live in ``nttqa.pipeline``,
the study views in ``nttqa.study``, texts, escaping, citation labels and the
Markdown export in ``nttqa.ui``.  Text from the thesis or from the user is
only ever shown escaped (``ui.esc`` inside ``st.html``, ``ui.md_escape`` where
Streamlit reads Markdown).
"""

from __future__ import annotations

import json
import logging

import streamlit as st

from nttqa import locate, ui
from nttqa.config import load_settings
from nttqa.errors import (CorruptIndexError, IndexMissingError, NttqaError, QuestionError,
                          StaleIndexError)

log = logging.getLogger("nttqa.app")
INDEX_ERRORS = (IndexMissingError, StaleIndexError, CorruptIndexError)
t = ui.t
E = ui.md_escape

# "auto": the sidebar starts open on wide screens and closed on phones, where it would cover the chat.
st.set_page_config(page_title=f"nttqa · {t('id', 'app_title')} / {t('en', 'app_title')}",
                   page_icon=":material/menu_book:", initial_sidebar_state="auto")
# Widgets whose option labels follow the interface language (see keep_choices_shown).
LABELLED_WIDGETS = ("ui_lang_choice", "mode", "reader_key", "quiz_lang", "quiz_kinds")
# Each view has its own address (/, /sources, /glossary, ...) and its icon in the navigation.
PAGE_ICONS = {"chat": ":material/chat:", "sources": ":material/format_quote:", "glossary": ":material/dictionary:",
              "timeline": ":material/timeline:", "figures": ":material/bar_chart:", "reader": ":material/menu_book:",
              "quiz": ":material/quiz:"}


# --------------------------------------------------------------------------- loading


@st.cache_resource(show_spinner=False)
def get_pipeline(settings_key: str, _settings):
    """The loaded index, once per settings; errors are not cached, so a fixed index loads next run."""
    from nttqa.pipeline import Pipeline

    pipeline = Pipeline.load(_settings)
    _ = pipeline.answerer  # build the answerer now, not on the first question
    return pipeline


def settings_key(settings) -> str:
    return json.dumps(settings.to_dict(), sort_keys=True, default=str)


def init_state() -> None:
    defaults = {"turns": [], "page": "chat", "goto": None, "ui_lang_choice": "auto", "pending": None,
                "reader_focus": None}
    for k, v in defaults.items():
        if k not in st.session_state:
            st.session_state[k] = v


def current_lang() -> str:
    locale = None
    try:
        locale = st.context.locale
    except Exception:  # noqa: BLE001 - no browser context (tests, bare mode)
        locale = None
    return ui.ui_lang(st.session_state.get("ui_lang_choice", "auto"), ui.last_lang(st.session_state.turns),
                      locale)


def keep_choices_shown(lang: str) -> None:
    """Re-send the choices of widgets whose labels changed language.

    A radio or select box remembers the label it showed; when the labels change
    language that label matches no option, and the browser shows none selected.
    Setting the widget's session-state key sends the choice again with its new label.
    """
    if st.session_state.get("labels_lang") == lang:
        return
    for key in LABELLED_WIDGETS:
        if key in st.session_state:
            st.session_state[key] = st.session_state[key]
    st.session_state.labels_lang = lang


# --------------------------------------------------------------------------- callbacks


def open_reader(target: ui.ReaderTarget) -> None:
    st.session_state.goto = "reader"  # a callback may not switch pages itself: main() does
    st.session_state.reader_key = target.key
    st.session_state.reader_focus = target


def reader_button(lang: str, key: str, target: ui.ReaderTarget) -> None:
    """ "Open in reader" under a citation: the reader opens at its section with the quote highlighted."""
    st.button(t(lang, "open_reader"), key=key, on_click=open_reader, args=(target,), type="tertiary",
              icon=":material/menu_book:")


def ask_starter(question: str) -> None:
    st.session_state.goto = "chat"
    st.session_state.pending = question


def clear_chat() -> None:
    st.session_state.turns = []
    st.session_state.pending = None


# --------------------------------------------------------------------------- index problems


def render_index_problem(err: NttqaError, settings, lang: str) -> None:
    """Say what is wrong with the index and offer to rebuild it with a progress bar."""
    from nttqa.pipeline import build

    st.title(f":material/menu_book: {t(lang, 'app_title')}")
    st.error(f"**{t(lang, 'index_problem')}.** {ui.md_escape_keep_code(err)}")
    st.write(t(lang, "index_fix"))
    if st.button(t(lang, "rebuild"), type="primary", key="rebuild") and \
            run_with_progress(build, settings, lang, "rebuild_failed"):
        st.rerun()


def run_with_progress(change, settings, lang: str, failed_key: str) -> bool:
    """``change(settings, progress)`` (a build, an add, a remove) under a progress bar; then the
    index is loaded anew.  False, with the reason and its fix shown, when it failed."""
    bar = st.progress(0.0, text=t(lang, "rebuilding"))

    def progress(stage: str, done: int, total: int) -> None:
        bar.progress(ui.build_fraction(stage, done, total), text=E(ui.build_message(stage, done, total, lang)))

    try:
        change(settings, progress)
    except (NttqaError, OSError) as exc:  # OSError: a read-only corpus, a full disk
        bar.empty()
        st.error(f"**{t(lang, failed_key)}.** {ui.md_escape_keep_code(exc)}")
        return False
    bar.progress(1.0, text=t(lang, "rebuilt"))
    get_pipeline.clear()
    return True


# --------------------------------------------------------------------------- sidebar


def render_sidebar(pipeline, settings, lang: str) -> dict:
    sb = st.sidebar
    sb.markdown(f"### :material/menu_book: nttqa\n{t(lang, 'app_title')}")
    sb.radio(t(lang, "ui_lang"), ui.LANG_CHOICES, key="ui_lang_choice",
             format_func=lambda c: t(lang, f"lang_{c}"))
    llm_ready = bool(settings.llm_base_url and settings.llm_model)
    if not llm_ready:
        st.session_state.mode = "extractive"
    elif "mode" not in st.session_state:
        st.session_state.mode = settings.answer_mode  # NTTQA_ANSWER_MODE=llm starts in LLM mode
    sb.radio(t(lang, "mode"), ("extractive", "llm"), key="mode", disabled=not llm_ready,
             format_func=lambda m: t(lang, f"mode_{m}"))
    sb.caption(E(t(lang, "llm_on", model=settings.llm_model)) if llm_ready else E(t(lang, "llm_off")))
    top_k = sb.slider(t(lang, "top_k"), 1, 10, int(settings.top_k), key="top_k")
    docs = pipeline.store.docs
    doc = "all"
    if len(docs) > 1:  # a question may be limited to one document
        titles = {str(d.get("doc")): str(d.get("title") or d.get("doc")) for d in docs}
        if st.session_state.get("doc_scope") not in ("all", *titles):
            st.session_state.doc_scope = "all"  # a removed document is no choice any more
        doc = sb.selectbox(t(lang, "doc_scope"), ("all", *titles), key="doc_scope",
                           format_func=lambda d: t(lang, "doc_all") if d == "all" else titles[d])
    render_library(pipeline, settings, lang)
    sb.divider()
    sb.button(t(lang, "clear"), on_click=clear_chat, disabled=not st.session_state.turns,
              width="stretch", key="clear")
    download_slot = sb.empty()
    with sb.expander(t(lang, "index")):
        for label, value in ui.status_rows(pipeline.status(), lang):
            st.markdown(f"**{E(label)}:** {E(value)}")
    return {"top_k": top_k, "mode": st.session_state.mode, "download": download_slot, "doc": doc}


def render_library(pipeline, settings, lang: str) -> None:
    """The documents, an upload that adds one (only it is parsed and embedded, with a progress
    bar) and a remove; a file that cannot be added is refused with its fix, nothing changed."""
    sb = st.sidebar
    notice = st.session_state.pop("library_notice", None)
    if notice:
        sb.success(E(notice), icon=":material/check_circle:")
    with sb.expander(t(lang, "library"), expanded=bool(notice)):
        for d in pipeline.store.docs:
            st.markdown(f"- {E(d.get('title') or d.get('doc'))} · {E(d.get('doc'))}")
        mb = float(settings.max_file_mb)  # shown; the check itself is in bytes
        # A new key after each change empties the uploader: the added file is not offered again.
        upload = st.file_uploader(t(lang, "upload"), type=["pdf", "txt", "md"],
                                  key=f"upload-{st.session_state.get('library_changes', 0)}",
                                  help=t(lang, "upload_help", mb=f"{mb:g}"))
        if upload is not None and st.button(t(lang, "upload_add"), key="upload_add", type="primary"):
            if upload.size > settings.max_file_bytes:
                st.error(t(lang, "upload_too_big", size=f"{upload.size / 1e6:.1f}", mb=f"{mb:g}"))
            else:
                from nttqa.pipeline import add_bytes

                change_library(lambda s, say: add_bytes(upload.name, upload.getvalue(), s, say), settings, lang,
                               "upload_added", "upload_failed", upload.name)
        names = pipeline.documents()
        if len(names) > 1:
            gone = st.selectbox(t(lang, "remove_doc"), names, key="remove_pick")
            if st.button(t(lang, "remove_button"), key="remove_doc"):
                from nttqa.pipeline import remove_document

                change_library(lambda s, say: remove_document(gone, s, say), settings, lang, "removed_doc",
                               "remove_failed", gone)


def change_library(change, settings, lang: str, done_key: str, failed_key: str, name: str) -> None:
    """Run an add or a remove with a progress bar; reload the index after it, or say why not."""
    if not run_with_progress(change, settings, lang, failed_key):
        return
    st.session_state.library_changes = st.session_state.get("library_changes", 0) + 1
    st.session_state.library_notice = t(lang, done_key, name=name)
    st.rerun()


def fill_download(slot, pipeline, lang: str) -> None:
    turns = st.session_state.turns
    slot.download_button(t(lang, "download"), data=ui.conversation_markdown(turns, lang, pipeline.status()),
                         file_name=ui.export_filename(), mime="text/markdown", on_click="ignore",
                         disabled=not turns, width="stretch", key="download")


# --------------------------------------------------------------------------- chat


def render_citation(c, idx: int, lang: str, outline) -> None:
    with st.container(border=True):
        st.html(ui.citation_html(c, lang))
        reader_button(lang, f"open-{idx}-{c.n}", ui.reader_target(c, outline))


def render_hit(h, key: str, lang: str, outline, excerpt: int = 320) -> None:
    with st.container(border=True):
        st.html(ui.card_html(head=ui.where(h.chunk, lang)))
        text = ui.squash(h.chunk.text)
        short = text if len(text) <= excerpt else text[:excerpt].rsplit(" ", 1)[0] + " …"
        st.html(ui.highlight_html(short, table=h.chunk.kind == "table"))
        reader_button(lang, key, ui.reader_target(h.chunk, outline))


def render_answer(a, idx: int, outline) -> None:
    lang = a.language
    if a.refused and not a.partial:
        # The reason is part of the refusal text, in the answer's language.
        st.info(E(a.text), icon=":material/search_off:")
        if a.related:
            st.markdown(f"**{t(lang, 'related')}**")
            for j, h in enumerate(a.related):
                render_hit(h, f"rel-{idx}-{j}", lang, outline)
        return
    lead, quotes = ui.lead_and_quotes(a.text)
    if a.partial and lead and quotes:
        # Partly answered: what the thesis lacks stands apart, then what it does have, cited.
        st.info(E(lead), icon=":material/info:")
        st.html(ui.answer_html(quotes))
    else:
        st.html(ui.answer_html(a.text))
    if a.notice:
        st.warning(E(ui.notice_text(a, lang)), icon=":material/warning:")
    st.caption(f"{t(lang, 'mode_used')}: {a.mode} · {t(lang, 'confidence')} {a.confidence:.2f}")
    if a.citations:
        st.markdown(f"**{t(lang, 'sources_heading')}**")
        for c in a.citations:
            render_citation(c, idx, lang, outline)
        if any(c.pages_estimated for c in a.citations):
            st.caption(t(lang, "estimated_note"))
    cited = {c.chunk_id for c in a.citations}
    others = [h for h in a.related if h.chunk.id not in cited]
    if others:
        with st.expander(t(lang, "more_passages")):
            for j, h in enumerate(others):
                render_hit(h, f"more-{idx}-{j}", lang, outline, excerpt=220)


def render_turn(turn: ui.Turn, idx: int, outline, lang: str) -> None:
    with st.chat_message("user"):
        st.html(ui.question_html(turn.question))
    with st.chat_message("assistant"):
        if turn.answer is not None:
            render_answer(turn.answer, idx, outline)
        elif turn.error_kind == "question":
            st.warning(f"**{t(lang, 'question_error')}.** {E(turn.error)}")
        else:
            st.error(f"**{t(lang, 'error')}.** {E(turn.error)}")


def answer_question(pipeline, question: str, opts: dict, lang: str) -> ui.Turn:
    """Ask, streaming LLM tokens into the message as they come."""
    turn = ui.Turn(question)
    with st.chat_message("user"):
        st.html(ui.question_html(question))
    with st.chat_message("assistant"):
        live = st.empty()
        pieces: list[str] = []

        def on_token(piece: str) -> None:
            pieces.append(piece)
            live.html(ui.answer_html("".join(pieces) + " ▌"))

        streaming = opts["mode"] == "llm"
        with st.spinner(t(lang, "thinking")):
            try:
                turn.answer = pipeline.ask(question, k=opts["top_k"], mode=opts["mode"],
                                           lang=ui.ask_lang(st.session_state.ui_lang_choice),
                                           on_token=on_token if streaming else None, doc=opts.get("doc"))
            except QuestionError as exc:
                turn.error, turn.error_kind = str(exc), "question"
            except NttqaError as exc:
                turn.error, turn.error_kind = str(exc), "error"
            except Exception as exc:  # noqa: BLE001 - show it, keep the app alive
                log.exception("answering failed")
                turn.error, turn.error_kind = f"{type(exc).__name__}: {exc}", "error"
        live.empty()
        idx = len(st.session_state.turns)
        if turn.answer is not None:
            render_answer(turn.answer, idx, ui.outline_entries(pipeline.store.docs))
        elif turn.error_kind == "question":
            st.warning(f"**{t(lang, 'question_error')}.** {E(turn.error)}")
        else:
            st.error(f"**{t(lang, 'error')}.** {E(turn.error)}")
    return turn


def render_starters(lang: str) -> None:
    st.markdown(f"**{t(lang, 'starters')}**")
    cols = st.columns(2)
    for col, code in zip(cols, ui.LANGS):
        with col:
            st.caption(t(lang, f"starters_{code}"))
            for i, q in enumerate(ui.STARTERS[code]):
                st.button(q, key=f"starter-{code}-{i}", on_click=ask_starter, args=(q,), width="stretch",
                          wrap=True)


def page_chat(pipeline, settings, opts: dict, lang: str) -> None:
    status = pipeline.status()
    st.title(f":material/menu_book: {t(lang, 'app_title')}")
    st.caption(f"{t(lang, 'thesis')}: *{E('; '.join(status.get('titles') or []))}*")
    turns: list[ui.Turn] = st.session_state.turns
    outline = ui.outline_entries(pipeline.store.docs)
    if not turns:
        st.write(t(lang, "intro"))
        render_starters(lang)
    for i, turn in enumerate(turns):
        render_turn(turn, i, outline, lang)
    typed = st.chat_input(t(lang, "chat_placeholder"), max_chars=settings.max_question_chars, key="chat")
    question = typed or st.session_state.pending
    st.session_state.pending = None
    if question:
        before = current_lang()
        turn = answer_question(pipeline, question, opts, lang)
        turns.append(turn)
        if current_lang() != before or len(turns) == 1:
            st.rerun()  # labels follow the question's language; starters disappear


# --------------------------------------------------------------------------- study pages


def page_sources(pipeline, lang: str) -> None:
    s = ui.study(pipeline)
    st.header(t(lang, "page_sources"))
    notice = s.reference_notice(lang)
    if notice:
        st.info(E(notice), icon=":material/info:")
    st.caption(t(lang, "sources_intro"))
    c1, c2 = st.columns(2)
    c1.metric(t(lang, "sources_count"), len(s.sources))
    c2.metric(t(lang, "citations_count"), sum(x.count for x in s.sources))
    query = st.text_input(t(lang, "filter"), placeholder=t(lang, "filter_sources_ph"), key="sources_filter")
    found = s.filter_sources(query)
    if not found:
        st.write(t(lang, "none_found"))
    for si, src in enumerate(found):
        with st.expander(f"**{E(src.key)}** · {t(lang, 'cited_times', n=src.count)}"):
            if src.pages:
                st.markdown(f"**{t(lang, 'cited_pages')}:** {E(', '.join(src.pages))}")
            st.markdown(f"**{t(lang, 'as_written')}:** {E(' · '.join(src.variants))}")
            st.markdown(f"**{t(lang, 'cited_in')}:**")
            for ci, sc in enumerate(src.citations):
                with st.container(border=True):
                    st.html(ui.card_html(ui.where(sc.cite, lang), sc.as_written,
                                         ui.highlight_html(sc.claim, sc.cite.sentence)))
                    reader_button(lang, f"src-{si}-{ci}-{src.key}", ui.cite_target(sc.cite, s.outline))


def page_glossary(pipeline, lang: str) -> None:
    s = ui.study(pipeline)
    st.header(t(lang, "page_glossary"))
    st.caption(t(lang, "glossary_intro"))
    query = st.text_input(t(lang, "glossary_search"), placeholder=t(lang, "glossary_ph"), key="glossary_q")
    curated = st.checkbox(t(lang, "include_curated"), key="glossary_curated")
    terms = s.glossary_search(query, include_curated=curated)
    st.caption(t(lang, "terms_count", n=len(terms)))
    if not terms:
        st.write(t(lang, "none_found"))
        return
    rows = [{t(lang, "term"): x.term, t(lang, "meaning"): x.meaning, t(lang, "kind"): t(lang, f"kind_{x.kind}"),
             t(lang, "where"): ui.term_location(x, lang)}
            for x in terms]
    st.dataframe(rows, hide_index=True, width="stretch")
    if query.strip() and len(terms) <= 8:
        for i, x in enumerate(terms):
            if not x.sentence:
                continue
            with st.container(border=True):
                st.html(ui.card_html(f"{x.term} — {x.meaning}", ui.term_location(x, lang),
                                     ui.highlight_html(x.sentence, x.term)))
                chunk = s.by_id.get(x.chunk_id)
                if chunk is not None:
                    reader_button(lang, f"gl-{i}-{x.term}", ui.reader_target(chunk, s.outline, x.sentence))


def page_timeline(pipeline, lang: str) -> None:
    from nttqa.study.timeline import events_between

    s = ui.study(pipeline)
    st.header(t(lang, "page_timeline"))
    st.caption(t(lang, "timeline_intro"))
    years = sorted({e.year for e in s.timeline})
    if not years:
        st.write(t(lang, "none_found"))
        return
    default = (max(years[0], 2014), years[-1]) if years[-1] >= 2014 else (years[0], years[-1])
    c1, c2 = st.columns([3, 2])
    start, end = c1.select_slider(t(lang, "years"), options=years, value=default, key="tl_years")
    actor = c2.text_input(t(lang, "actor"), placeholder=t(lang, "actor_ph"), key="tl_actor")
    events = events_between(s.timeline, start, end, actor.strip() or None)
    st.caption(t(lang, "events_count", n=len(events)))
    if not events:
        st.write(t(lang, "none_found"))
        return
    st.vega_lite_chart(spec=ui.timeline_spec(events, lang), width="stretch")
    for i, ev in enumerate(events):
        with st.container(border=True):
            st.html(ui.card_html(f"{ev.date} · {t(lang, ev.kind)}", ui.where(ev.cite, lang),
                                 ui.highlight_html(ev.cite.sentence, ev.text, window=260), ev.refs, t(lang, "refs")))
            reader_button(lang, f"tl-{i}-{ev.cite.chunk_id}-{ev.date}", ui.cite_target(ev.cite, s.outline, ev.text))


def page_figures(pipeline, lang: str) -> None:
    s = ui.study(pipeline)
    st.header(t(lang, "page_figures"))
    st.caption(t(lang, "figures_intro"))
    for i, (name, figs) in enumerate(s.figures.items()):
        st.subheader(E(name))
        st.vega_lite_chart(spec=ui.figure_spec(figs, lang), width="stretch")
        line = next((f.source_line for f in figs if f.source_line), "")
        where = ui.where(figs[0].cite, lang)
        st.caption(f"{E(line) if line else t(lang, 'no_source_line')} — {E(where)}")
        with st.expander(t(lang, "values")):
            rows = [{t(lang, "label"): f.label, t(lang, "as_written_short"): f.raw, t(lang, "year"): str(f.year) if f.year else "",
                     t(lang, "where"): ui.where(f.cite, lang), t(lang, "refs"): "; ".join(f.refs)}
                    for f in figs]
            st.dataframe(rows, hide_index=True, width="stretch")
        reader_button(lang, f"fig-{i}", ui.cite_target(figs[0].cite, s.outline))


def page_reader(pipeline, lang: str) -> None:
    s = ui.study(pipeline)
    st.header(t(lang, "page_reader"))
    st.caption(t(lang, "reader_intro"))
    keys, labels = ui.outline_options(s.docs, lang)
    if not keys:
        st.write(t(lang, "none_found"))
        return
    if st.session_state.get("reader_key") not in keys:
        st.session_state.reader_key = keys[0]
    focus: ui.ReaderTarget | None = st.session_state.reader_focus
    with st.expander(t(lang, "outline"), expanded=focus is None):
        st.html(ui.tree_html(s.tree, lang))
    key = st.selectbox(t(lang, "section"), keys, format_func=lambda k: labels.get(k, k), key="reader_key")
    passages = s.section(key)
    if focus is not None and (focus.key != key or focus.chunk_id not in s.by_id):
        focus = None
    if focus is not None:
        st.info(t(lang, "from_citation"), icon=":material/ink_highlighter:")
        if len(passages) > 1:  # show it first; it is highlighted in place below too
            st.markdown(f"**{t(lang, 'cited_passage')}** · {E(ui.where(s.by_id[focus.chunk_id], lang))}")
            st.html(ui.chunk_html(s.by_id[focus.chunk_id], focus.quote))
            st.divider()
    st.caption(t(lang, "passages_in_section", n=len(passages)))
    heading = None
    for c in passages:
        h = locate.heading_of(c.section, c.section_title, c.chapter)
        if h != heading:
            st.markdown(f"#### {E(h)}")
            heading = h
        st.caption(E(locate.page_text(c.pages, lang, c.pages_estimated, c.pdf_pages)) + (f" · {t(lang, 'table')}" if c.kind == "table" else ""))
        quote = focus.quote if focus is not None and c.id == focus.chunk_id else ""
        st.html(ui.chunk_html(c, quote))


def page_quiz(pipeline, lang: str) -> None:
    from nttqa.study.quiz import KINDS, score

    s = ui.study(pipeline)
    st.header(t(lang, "page_quiz"))
    st.caption(t(lang, "quiz_intro"))
    c1, c2, c3 = st.columns(3)
    n = c1.number_input(t(lang, "quiz_n"), 1, 20, 5, key="quiz_n")
    seed = c2.number_input(t(lang, "quiz_seed"), 0, 10_000, 1, key="quiz_seed")
    if "quiz_lang" not in st.session_state:  # the interface language at first; an index would be ignored later
        st.session_state.quiz_lang = lang
    qlang = c3.selectbox(t(lang, "quiz_lang"), ui.LANGS, key="quiz_lang", format_func=lambda c: t(lang, f"lang_{c}"))
    if "quiz_kinds" not in st.session_state:
        st.session_state.quiz_kinds = list(KINDS)
    kinds = st.multiselect(t(lang, "quiz_kinds"), KINDS, key="quiz_kinds",
                           format_func=lambda k: t(lang, f"kind_{k}"))
    items = s.quiz(int(n), qlang, int(seed), kinds or None)
    if not items:
        st.write(t(lang, "quiz_none"))
        return
    quiz_id = f"{int(n)}-{qlang}-{int(seed)}-{'.'.join(kinds)}"
    with st.form(f"quiz-{quiz_id}"):
        answers: dict[int, str] = {}
        for it in items:
            st.markdown(f"**{it.n}.** {E(it.question)}")
            if it.choices:
                pick = st.radio(t(lang, "quiz_answer"), list(it.choices), index=None, key=f"q-{quiz_id}-{it.n}",
                                format_func=E, label_visibility="collapsed")
                answers[it.n] = pick or ""
            else:
                answers[it.n] = st.text_input(t(lang, "quiz_answer"), key=f"q-{quiz_id}-{it.n}")
        submitted = st.form_submit_button(t(lang, "quiz_submit"), type="primary", key="quiz_submit")
    if submitted:
        st.session_state.quiz_result = (quiz_id, score(items, answers))
    result = st.session_state.get("quiz_result")
    if not result or result[0] != quiz_id:
        return
    res = result[1]
    st.subheader(t(lang, "quiz_score", correct=res["correct"], total=res["total"]))
    for it, r in zip(items, res["results"]):
        verdict = t(lang, "quiz_correct") if r["correct"] else (
            t(lang, "quiz_wrong") if r["answered"] else t(lang, "quiz_unanswered"))
        icon = ":material/check_circle:" if r["correct"] else ":material/cancel:"
        with st.container(border=True):
            st.markdown(f"{icon} **{it.n}. {verdict}** · {t(lang, 'quiz_right_answer')}: **{E(it.answer)}**"
                        + (f" · {t(lang, 'quiz_your_answer')}: {E(r['given'])}" if r["answered"] and not r["correct"] else ""))
            st.html(ui.card_html(sub=ui.where(it.cite, lang),
                                 body=ui.highlight_html(it.passage, it.cite.sentence, window=220)))
            reader_button(lang, f"quiz-open-{quiz_id}-{it.n}", ui.cite_target(it.cite, s.outline))


# --------------------------------------------------------------------------- main


def main() -> None:
    init_state()
    st.html(ui.CSS)
    lang = current_lang()
    try:
        settings = load_settings()
    except NttqaError as exc:
        st.error(f"**{t(lang, 'load_failed')}.** {ui.md_escape_keep_code(exc)}")
        st.stop()
    try:
        with st.spinner(t(lang, "loading")):
            pipeline = get_pipeline(settings_key(settings), settings)
            pipeline.refresh()  # a database another app process has changed is served anew
    except INDEX_ERRORS as exc:
        render_index_problem(exc, settings, lang)
        st.stop()
    except NttqaError as exc:
        st.error(f"**{t(lang, 'load_failed')}.** {ui.md_escape_keep_code(exc)}")
        st.stop()
    ui.LIBRARY.set(len(pipeline.store.docs) > 1)  # "the documents", not "the thesis"
    keep_choices_shown(lang)
    opts = render_sidebar(pipeline, settings, lang)
    views = {
        "chat": lambda: page_chat(pipeline, settings, opts, lang),
        "sources": lambda: page_sources(pipeline, lang),
        "glossary": lambda: page_glossary(pipeline, lang),
        "timeline": lambda: page_timeline(pipeline, lang),
        "figures": lambda: page_figures(pipeline, lang),
        "reader": lambda: page_reader(pipeline, lang),
        "quiz": lambda: page_quiz(pipeline, lang),
    }
    pages = {name: st.Page(view, title=t(lang, f"page_{name}"), icon=PAGE_ICONS[name], default=name == "chat",
                           url_path="" if name == "chat" else name)
             for name, view in views.items()}
    current = st.navigation(list(pages.values()), position="sidebar")
    goto = st.session_state.goto
    st.session_state.goto = None
    if goto in pages and pages[goto].url_path != current.url_path:
        st.switch_page(pages[goto])  # "open in reader", a starter question: another view asked for
    st.session_state.page = next(name for name, p in pages.items() if p.url_path == current.url_path)
    current.run()
    fill_download(opts["download"], pipeline, current_lang())


main()
