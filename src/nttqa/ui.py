"""Helpers for the Streamlit app (``app.py``) that do not need Streamlit.

Everything here is pure and testable: interface texts in both languages and
starter questions (read from the catalogues ``data/ui.<lang>.json``), safe
rendering of document text (HTML escaped, Markdown escaped), citation labels,
the Markdown export of a conversation, reader targets for "open in reader",
build-progress arithmetic, Vega-Lite chart specs, and a per-pipeline cache of
the study views.

Rule for rendering: text that comes from the thesis or from the user is never
handed to a renderer as HTML or Markdown.  ``esc`` (HTML) is used for the
app's own small HTML snippets (``st.html``), ``md_escape`` for the places
Streamlit interprets Markdown (labels, captions, expander titles).
"""

from __future__ import annotations

import html
import re
import threading
import weakref
from dataclasses import dataclass, field
from datetime import datetime, timezone
from functools import cached_property
from typing import Any, Iterable, Mapping, Sequence

from nttqa import locate
from nttqa.messages import load
from nttqa.types import Answer, Chunk, Citation

LANGS = ("id", "en")
LANG_CHOICES = ("auto", "id", "en")
PAGES = ("chat", "sources", "glossary", "timeline", "figures", "reader", "quiz")

# --------------------------------------------------------------------------- texts

# The texts live in the catalogues data/ui.<lang>.json (nttqa.messages), the starter
# questions there too, as "starter_1", "starter_2", ... in the language they are asked in.


def t(lang: str, key: str, **fmt: Any) -> str:
    """The interface text ``key`` in ``lang`` (English when missing)."""
    text = load("ui", lang).get(key, load("ui", "en").get(key, key))
    return text.format(**fmt) if fmt else text


def starter_questions(lang: str) -> tuple[str, ...]:
    """The example questions asked in ``lang`` (``starter_1``, ``starter_2``, ...), by their number."""
    found = [(int(m.group(1)), q) for k, q in load("ui", lang).items() if (m := re.fullmatch(r"starter_(\d+)", k))]
    return tuple(q for _, q in sorted(found))


STARTERS: dict[str, tuple[str, ...]] = {lang: starter_questions(lang) for lang in LANGS}


def starters() -> list[tuple[str, str]]:
    """(language, question) for the starter buttons: Indonesian first, then English."""
    return [(lang, q) for lang in LANGS for q in STARTERS[lang]]


def ui_lang(choice: str, last_answer_lang: str | None = None, locale: str | None = None) -> str:
    """The language of the interface: the user's choice, or in "auto" the language of the last
    question (its answer), else the browser's language, else Indonesian."""
    if choice in LANGS:
        return choice
    if last_answer_lang in LANGS:
        return last_answer_lang  # type: ignore[return-value]
    if locale:
        return "en" if locale.lower().startswith("en") else "id"
    return "id"


def ask_lang(choice: str) -> str | None:
    """The reply language passed to ``Pipeline.ask``: None lets the question decide."""
    return choice if choice in LANGS else None


# --------------------------------------------------------------------------- escaping

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:=^\"'&])")
_MARKER = re.compile(r"\\\[(\d{1,2})\\\](?!\\[(\[:])")


def esc(text: Any) -> str:
    """HTML-escape anything (quotes too), for the app's own HTML snippets."""
    return html.escape("" if text is None else str(text), quote=True)


def md_escape(text: Any, keep_markers: bool = False) -> str:
    """``text`` with every Markdown/HTML-significant ASCII character backslash-escaped.

    CommonMark lets any ASCII punctuation be escaped, so the result renders as the
    literal text; ``<script>``, ``**bold**``, ``[x](javascript:...)``, ``$x$`` and
    ``:red[x]`` all stay inert.  Newlines become spaces (no block structure).
    With ``keep_markers`` the citation markers ``[1]`` are left readable.
    """
    s = "" if text is None else str(text)
    s = re.sub(r"\s*\n\s*", " ", s)
    out = _MD_SPECIAL.sub(r"\\\1", s)
    if keep_markers:
        out = _MARKER.sub(r"[\1]", out)
    return out


def md_escape_keep_code(text: Any) -> str:
    """Like ``md_escape`` but `code spans` stay code (their content is shown literally anyway).

    For the package's error messages, which name commands as `nttqa build --index ...`."""
    parts = re.split(r"(`[^`\n]+`)", "" if text is None else str(text))
    return "".join(p if i % 2 else md_escape(p) for i, p in enumerate(parts))


def md_export_escape(text: Any) -> str:
    """Lighter escaping for the exported Markdown file: HTML and link/emphasis syntax made inert,
    parentheses and full stops left alone so the file stays readable."""
    s = "" if text is None else str(text)
    s = s.replace("\\", "\\\\")
    s = re.sub(r"([`*_\[\]<>|~$])", r"\\\1", s)
    s = re.sub(r"(?m)^(\s*)([#>+\-=])", r"\1\\\2", s)
    s = re.sub(r"(?m)^(\s*\d+)([.)])", r"\1\\\2", s)
    # Citation markers stay readable: "\[1\]" -> "[1]" unless something could make it a link.
    return re.sub(r"\\\[(\d{1,2})\\\](?![(\[:])", r"[\1]", s)


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text or "").strip()


# --------------------------------------------------------------------------- locations


def page_text(pages: str, estimated: bool, lang: str, pdf_pages: str = "") -> str:
    """"p. 44", "pp. 9-10", "hlm. 44 (halaman perkiraan)" (``locate.page_text``)."""
    return locate.page_text(pages, lang, estimated, pdf_pages)


heading_of = locate.heading_of


def location(section: str, section_title: str, chapter: str, pages: str, estimated: bool, lang: str,
             doc: str = "", pdf_pages: str = "") -> str:
    """"§3.1 Analisis Peran IOM di NTT ..., p. 44 (page estimated)" (``locate.location``)."""
    return locate.location(section, section_title, chapter, pages, lang, estimated, pdf_pages, doc)


def citation_location(c: Citation, lang: str) -> str:
    return locate.of(c, lang)


def chunk_location(c: Chunk, lang: str) -> str:
    return locate.of(c, lang)


def cite_location(cite: Any, lang: str) -> str:
    """For a study item's ``Cite``."""
    return locate.of(cite, lang)


def term_location(term: Any, lang: str) -> str:
    """Where the glossary found a term's definition; "—" for curated terms."""
    return locate.of(term, lang) if term.pages else "—"


def chapter_of(c: Citation | Chunk) -> str:
    """The chapter line under a section heading ("BAB III PERAN ..."), "" when the heading says it already."""
    head = heading_of(c.section, c.section_title, c.chapter)
    return "" if not c.chapter or head == c.chapter or head.startswith(c.chapter + " ") else c.chapter


def refs_text(refs: Sequence[str], lang: str) -> str:
    return "; ".join(refs) if refs else t(lang, "no_ref")


# --------------------------------------------------------------------------- HTML snippets

CSS = """
<style>
.nttqa-q { white-space: pre-wrap; overflow-wrap: anywhere; }
.nttqa-answer { line-height: 1.6; }
.nttqa-answer ul { margin: 0.2rem 0 0.2rem 1.1rem; padding: 0; }
.nttqa-answer li { margin-bottom: 0.35rem; }
.nttqa-marker { display: inline-block; font-size: 0.78em; font-weight: 600; padding: 0 0.35em;
  margin: 0 0.1em; border-radius: 0.6em; background: rgba(255, 75, 75, 0.12); color: #b3261e;
  vertical-align: 0.1em; }
.nttqa-cite-head { font-weight: 600; }
.nttqa-cite-sub { font-size: 0.85em; opacity: 0.75; }
.nttqa-passage { font-size: 0.92em; line-height: 1.55; padding: 0.5rem 0.75rem; margin: 0.35rem 0;
  border-left: 3px solid rgba(128, 128, 128, 0.35); background: rgba(128, 128, 128, 0.06);
  overflow-wrap: anywhere; }
.nttqa-passage.table { white-space: pre-wrap; font-family: ui-monospace, monospace; font-size: 0.85em; }
.nttqa-passage mark { background: #fff3a3; color: inherit; padding: 0 0.1em; border-radius: 0.15em; }
.nttqa-ref { font-size: 0.88em; }
.nttqa-ref b { font-weight: 600; }
.nttqa-notice { font-size: 0.9em; }
.nttqa-tree { line-height: 1.7; font-size: 0.95em; }
.nttqa-tree .lvl1 { padding-left: 1.2rem; } .nttqa-tree .lvl2 { padding-left: 2.4rem; }
.nttqa-tree .pg { opacity: 0.65; font-size: 0.9em; }
.nttqa-tree .lvl0 { font-weight: 600; margin-top: 0.3rem; }
</style>
"""


def question_html(question: str) -> str:
    """The user's question, inert: every character escaped, line breaks kept."""
    return f'<div class="nttqa-q">{esc(question)}</div>'


_MARK_RE = re.compile(r"\[(\d{1,2})\]")


def _markers(escaped: str) -> str:
    return _MARK_RE.sub(r'<span class="nttqa-marker">[\1]</span>', escaped)


def lead_and_quotes(text: str) -> tuple[str, str]:
    """An answer's opening lines (a partial answer's reason) and its "- " quotes from the first one on."""
    lines = (text or "").split("\n")
    i = next((k for k, line in enumerate(lines) if re.match(r"^\s*[-•*]\s+", line)), len(lines))
    return "\n".join(lines[:i]).strip(), "\n".join(lines[i:]).strip()


def answer_html(text: str) -> str:
    """An answer (its lines and "- " bullets) as escaped HTML with its [n] markers styled.

    A line that does not start a bullet but follows one (a quoted table row) stays in that item.
    """
    lines = (text or "").split("\n")
    out: list[str] = []
    items: list[str] = []

    def flush() -> None:
        if items:
            out.append("<ul>" + "".join(f"<li>{i}</li>" for i in items) + "</ul>")
            items.clear()

    for line in lines:
        m = re.match(r"^\s*[-•*]\s+(.*)$", line)
        if m:
            items.append(_markers(esc(m.group(1))))
        elif items and line.strip():
            items[-1] += "<br>" + _markers(esc(line))
        elif line.strip():
            out.append(f"<div>{_markers(esc(line))}</div>")
    flush()
    return f'<div class="nttqa-answer">{"".join(out)}</div>'


def highlight_segments(passage: str, quote: str) -> list[tuple[str, bool]]:
    from nttqa.study.reader import highlight

    if not quote:
        return [(passage, False)] if passage else []
    return highlight(passage, quote)


def highlight_html(passage: str, quote: str = "", *, window: int | None = None, table: bool = False) -> str:
    """``passage`` with ``quote`` marked (``<mark>``), all text escaped.

    With ``window`` only that many characters of context are kept on either side
    of the highlighted part (ellipses show the cut).
    """
    segs = highlight_segments(passage, quote)
    if window is not None and any(h for _, h in segs):
        first = next(i for i, (_, h) in enumerate(segs) if h)
        last = max(i for i, (_, h) in enumerate(segs) if h)
        trimmed: list[tuple[str, bool]] = []
        for i, (s, h) in enumerate(segs):
            if i < first:
                if i == first - 1 and s:
                    cut = s[-window:]
                    if len(cut) < len(s):
                        cut = "… " + cut[cut.find(" ") + 1:] if " " in cut else "… " + cut
                    trimmed.append((cut, False))
            elif i > last:
                if i == last + 1 and s:
                    cut = s[:window]
                    if len(cut) < len(s):
                        cut = (cut[:cut.rfind(" ")] if " " in cut else cut) + " …"
                    trimmed.append((cut, False))
            else:
                trimmed.append((s, h))
        segs = trimmed
    body = "".join(f"<mark>{esc(s)}</mark>" if h else esc(s) for s, h in segs)
    cls = "nttqa-passage table" if table else "nttqa-passage"
    return f'<div class="{cls}">{body}</div>'


def citation_html(c: Citation, lang: str, window: int | None = 220) -> str:
    """One source under an answer: marker, location, chapter, the quote in its passage, the thesis' reference."""
    chapter = chapter_of(c)
    sub = f'<div class="nttqa-cite-sub">{esc(chapter)} · {esc(c.doc)}</div>' if chapter else \
        f'<div class="nttqa-cite-sub">{esc(c.doc)}</div>'
    ref = (f'<div class="nttqa-ref"><b>{esc(t(lang, "thesis_ref"))}:</b> {esc("; ".join(c.refs))}</div>'
           if c.refs else f'<div class="nttqa-ref"><i>{esc(t(lang, "no_ref"))}</i></div>')
    passage = highlight_html(c.passage, c.quote, window=window, table="\n" in c.passage)
    return (f'<div class="nttqa-cite" data-n="{int(c.n)}">'
            f'<div class="nttqa-cite-head"><span class="nttqa-marker">[{int(c.n)}]</span> '
            f'{esc(citation_location(c, lang))}</div>{sub}'
            f'{passage}{ref}</div>')


def chunk_html(c: Chunk, quote: str = "", window: int | None = None) -> str:
    return highlight_html(c.text, quote, window=window, table=c.kind == "table")


def tree_html(nodes: Sequence[Any], lang: str) -> str:
    """The outline as an indented list with page ranges (escaped)."""
    from nttqa.study.reader import walk

    rows = []
    for n in walk(nodes):
        pages = n.page if not n.page_end or n.page_end == n.page else f"{n.page}–{n.page_end}"
        word = locate.page_word(lang, "–" in pages)
        rows.append(f'<div class="lvl{min(int(n.level), 2)}">{esc(n.heading)} '
                    f'<span class="pg">· {esc(word)} {esc(pages)}</span></div>')
    return f'<div class="nttqa-tree">{"".join(rows)}</div>'


# --------------------------------------------------------------------------- conversation


@dataclass
class Turn:
    """One question and what came back: an Answer, or an error message."""

    question: str
    answer: Answer | None = None
    error: str = ""
    error_kind: str = ""  # "question" | "error"
    asked_at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC"))

    @property
    def lang(self) -> str | None:
        return self.answer.language if self.answer else None


def last_lang(turns: Sequence[Turn]) -> str | None:
    for turn in reversed(turns):
        if turn.lang:
            return turn.lang
    return None


def conversation_markdown(turns: Sequence[Turn], lang: str = "en", status: Mapping[str, Any] | None = None) -> str:
    """The conversation as a Markdown document with every answer's citations.

    Questions and document text are escaped so the file renders them as text.
    """
    status = status or {}
    title = "; ".join(status.get("titles") or []) or "—"
    lines = [f"# nttqa — {t(lang, 'app_title')}", ""]
    lines.append(f"**{t(lang, 'thesis')}:** {md_export_escape(title)}  ")
    if status.get("documents"):
        lines.append(f"**{t(lang, 'documents')}:** {md_export_escape(', '.join(status['documents']))}  ")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    lines.append(f"**{t(lang, 'exported')}:** {stamp}  ")
    if status.get("embedder"):
        lines.append(f"**{t(lang, 'index')}:** {md_export_escape(status.get('embedder'))}, "
                     f"{md_export_escape(status.get('built_at') or '')}")
    lines.append("")
    if any(a.answer and a.answer.citations and any(c.pages_estimated for c in a.answer.citations) for a in turns):
        lines += [f"_{t(lang, 'estimated_note')}_", ""]
    for i, turn in enumerate(turns, 1):
        a = turn.answer
        tl = a.language if a else lang
        lines += [f"## {i}. {md_export_escape(squash(turn.question))[:200]}", ""]
        lines += ["> " + md_export_escape(line) if line.strip() else ">" for line in turn.question.splitlines()]
        lines.append("")
        if a is None:
            label = t(tl, "question_error") if turn.error_kind == "question" else t(tl, "error")
            lines += [f"**{label}:** {md_export_escape(turn.error)}", ""]
            continue
        language = t(tl, "lang_id" if a.language == "id" else "lang_en")
        lines += [f"**{t(tl, 'answer_label')}** ({a.mode}, {language}):", ""]
        for line in a.text.split("\n"):
            m = re.match(r"^\s*-\s+(.*)$", line)
            if m:  # the answer's own bullets stay a list; their text is escaped
                lines.append("- " + md_export_escape(m.group(1)))
            elif line.strip():
                lines.append(md_export_escape(line) + "  ")  # hard line break: table rows stay rows
        lines.append("")
        if notice_text(a, tl):
            lines += [f"_{t(tl, 'notice')}: {md_export_escape(notice_text(a, tl))}_", ""]
        if a.citations:
            lines += [f"**{t(tl, 'sources_heading')}:**", ""]
            for c in a.citations:
                lines.append(f"- [{c.n}] {md_export_escape(citation_location(c, tl))}"
                             + (f" — {md_export_escape(c.chapter)}" if chapter_of(c) else "")
                             + f" — {md_export_escape(c.doc)}")
                lines.append(f"  - {t(tl, 'quote')}: “{md_export_escape(squash(c.quote))}”")
                lines.append(f"  - {t(tl, 'thesis_ref')}: "
                             + (md_export_escape("; ".join(c.refs)) if c.refs else f"_{t(tl, 'no_ref')}_"))
            lines.append("")
        if a.refused and a.related:
            lines += [f"**{t(tl, 'related')}:**", ""]
            for h in a.related:
                lines.append(f"- {md_export_escape(chunk_location(h.chunk, tl))}: "
                             f"“{md_export_escape(squash(h.chunk.text)[:240])}…”")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export_filename(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"nttqa-conversation-{now.strftime('%Y%m%d-%H%M')}.md"


def notice_text(a: Answer, lang: str) -> str:
    """The visible notice under an answer (why the LLM writer fell back), in the answer language.
    A refusal's reason is part of the answer text itself (``messages.reason_text``)."""
    return "" if a.refused else a.notice


# --------------------------------------------------------------------------- reader targets


@dataclass(frozen=True)
class ReaderTarget:
    key: str  # the outline entry to open ("3.1.2", "BAB II", "ABSTRACT")
    chunk_id: int
    quote: str
    label: str = ""


def outline_entries(docs: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    out: list[Mapping[str, Any]] = []
    for d in docs:
        out.extend(d.get("outline") or [])
    return out


def outline_key(section: str, chapter: str, outline: Sequence[Mapping[str, Any]]) -> str:
    """The outline entry that holds a passage: its section, else its chapter / named part."""
    numbers = [str(e["number"]) for e in outline]
    if section and section in numbers:
        return section
    sec = section
    while sec and "." in sec:  # 3.1.2.1 -> 3.1.2 -> 3.1
        sec = sec.rsplit(".", 1)[0]
        if sec in numbers:
            return sec
    chap = squash(chapter).upper()
    for e in outline:
        head = squash(f"{e['number']} {e.get('title', '')}").upper()
        if chap and (chap == head or chap == str(e["number"]).upper() or chap.startswith(str(e["number"]).upper() + " ")):
            return str(e["number"])
    return section or chapter


def reader_target(c: Citation | Chunk, outline: Sequence[Mapping[str, Any]], quote: str = "") -> ReaderTarget:
    if isinstance(c, Citation):
        return ReaderTarget(outline_key(c.section, c.chapter, outline), c.chunk_id, c.quote, f"[{c.n}]")
    return ReaderTarget(outline_key(c.section, c.chapter, outline), c.id, quote)


def cite_target(cite: Any, outline: Sequence[Mapping[str, Any]], quote: str | None = None) -> ReaderTarget:
    """A study item's Cite -> where to open the reader (its sentence highlighted)."""
    return ReaderTarget(outline_key(cite.section, cite.chapter, outline), cite.chunk_id,
                        cite.sentence if quote is None else quote)


def outline_options(docs: Sequence[Mapping[str, Any]], lang: str) -> tuple[list[str], dict[str, str]]:
    """Keys of the outline entries in order and their labels ("    2.1.1 Kemiskinan · p. 18")."""
    from nttqa.study.reader import section_tree, walk

    keys: list[str] = []
    labels: dict[str, str] = {}
    for d in docs:
        for n in walk(section_tree(d.get("outline") or [])):
            if n.number in labels:
                continue
            pages = n.page if not n.page_end or n.page_end == n.page else f"{n.page}–{n.page_end}"
            word = locate.page_word(lang, "–" in pages)
            keys.append(n.number)
            indent = "\u2003" * int(n.level)
            labels[n.number] = f"{indent}{n.heading} · {word} {pages}"
    return keys, labels


# --------------------------------------------------------------------------- build progress

_STAGES = (("parse", 0.0, 0.05), ("embed passages", 0.05, 0.35), ("embed sentences", 0.35, 0.95),
           ("write index", 0.95, 1.0))


def build_fraction(stage: str, done: int, total: int) -> float:
    """Overall progress 0..1 of ``nttqa build`` from its (stage, done, total) callback."""
    for name, lo, hi in _STAGES:
        if name == stage:
            part = (done / total) if total else 1.0
            return max(0.0, min(1.0, lo + (hi - lo) * max(0.0, min(1.0, part))))
    return 0.0


def build_message(stage: str, done: int, total: int, lang: str) -> str:
    name = t(lang, f"stage_{stage}")
    return f"{name} ({done}/{total})" if total else name


# --------------------------------------------------------------------------- charts (Vega-Lite specs)


def _decimal_year(e: Any) -> float:
    """2018-12-18 -> 2018.96; a year alone sits mid-year; a period starts at its first year."""
    if e.month:
        return e.year + (e.month - 1 + ((e.day or 15) - 1) / 31) / 12
    return e.year + 0.5


def timeline_spec(events: Sequence[Any], lang: str) -> dict[str, Any]:
    """A strip chart: one point per dated item along the years, a row per kind, the text in the tooltip."""
    rows = []
    for i, e in enumerate(events):
        text = squash(e.text)
        rows.append({
            "x": round(_decimal_year(e), 3), "date": e.date, "kind": t(lang, e.kind), "lane": i % 5,
            "text": text[:160] + ("…" if len(text) > 160 else ""), "where": cite_location(e.cite, lang),
        })
    years = [e.year for e in events] + [e.year_end or e.year for e in events]
    lo, hi = (min(years), max(years) + 1) if years else (0, 1)
    return {
        "data": {"values": rows},
        "mark": {"type": "circle", "size": 110, "opacity": 0.8, "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": t(lang, "year"),
                  "scale": {"domain": [lo, hi], "nice": False},
                  "axis": {"format": "d", "tickMinStep": 1, "grid": True}},
            "y": {"field": "kind", "type": "nominal", "title": None},
            "yOffset": {"field": "lane", "type": "ordinal"},
            "color": {"field": "kind", "type": "nominal", "legend": None},
            "tooltip": [{"field": "date", "title": t(lang, "date")}, {"field": "text", "title": t(lang, "text")},
                        {"field": "where", "title": t(lang, "where")}],
        },
        "height": 220,
    }


def figure_spec(figs: Sequence[Any], lang: str) -> dict[str, Any]:
    """Bars for one series (a table or a list of numbers), in reading order."""
    rows = []
    seen: dict[str, int] = {}
    for i, f in enumerate(figs):
        label = f.label or str(i + 1)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        rows.append({"label": label, "value": f.value, "raw": f.raw, "order": i,
                     "where": cite_location(f.cite, lang)})
    units = {f.unit for f in figs if f.unit}
    unit = units.pop() if len(units) == 1 else ""
    return {
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True, "cornerRadiusEnd": 2},
        "encoding": {
            "x": {"field": "label", "type": "nominal", "sort": {"field": "order"}, "title": None,
                  "axis": {"labelAngle": 0, "labelLimit": 140}},
            "y": {"field": "value", "type": "quantitative", "title": unit or t(lang, "value")},
            "tooltip": [{"field": "label", "title": t(lang, "label")}, {"field": "raw", "title": t(lang, "as_written_short")},
                        {"field": "where", "title": t(lang, "where")}],
        },
        "height": 220,
    }


# --------------------------------------------------------------------------- study data per pipeline


class Study:
    """The study views of one loaded pipeline, each computed once on first use."""

    def __init__(self, pipeline: Any) -> None:
        self.pipeline = pipeline
        self.chunks: list[Chunk] = list(pipeline.chunks)
        self.docs = list(pipeline.store.docs)
        self._lock = threading.Lock()
        self._quizzes: dict[tuple, list] = {}

    @cached_property
    def outline(self) -> list[Mapping[str, Any]]:
        return outline_entries(self.docs)

    @cached_property
    def tree(self) -> list[Any]:
        from nttqa.study.reader import section_tree

        return section_tree(self.outline)

    @cached_property
    def sources(self) -> list[Any]:
        from nttqa.study.sources import build_sources

        return build_sources(self.chunks)

    @cached_property
    def timeline(self) -> list[Any]:
        from nttqa.study.timeline import build_timeline

        return build_timeline(self.chunks)

    @cached_property
    def figures(self) -> dict[str, list[Any]]:
        from nttqa.study.figures import build_figures, series

        return series(build_figures(self.chunks))

    @cached_property
    def glossary(self) -> list[Any]:
        terms = list(getattr(self.pipeline, "terms", None) or [])
        if not terms:
            from nttqa.study.glossary import build_glossary

            terms = build_glossary(self.chunks)
        return terms

    @cached_property
    def curated(self) -> list[Any]:
        from nttqa.study.glossary import curated_terms

        return curated_terms()

    @cached_property
    def by_id(self) -> dict[int, Chunk]:
        return {c.id: c for c in self.chunks}

    def reference_notice(self, lang: str) -> str:
        from nttqa.study.sources import reference_list_notice

        return reference_list_notice(self.chunks, lang)

    def section(self, key: str) -> list[Chunk]:
        from nttqa.study.reader import section_text

        return section_text(self.chunks, key)

    def quiz(self, n: int, lang: str, seed: int, kinds: Iterable[str] | None = None) -> list[Any]:
        from nttqa.study.quiz import make_quiz

        kinds_t = tuple(kinds) if kinds else None
        key = (n, lang, seed, kinds_t)
        with self._lock:
            if key not in self._quizzes:
                self._quizzes[key] = make_quiz(self.chunks, n=n, lang=lang, seed=seed, kinds=kinds_t)
            return self._quizzes[key]

    def glossary_search(self, text: str, include_curated: bool = False) -> list[Any]:
        from nttqa.study.glossary import search

        terms = self.glossary + (self.curated if include_curated else [])
        return search(terms, text) if text.strip() else list(terms)

    def filter_sources(self, text: str) -> list[Any]:
        from nttqa.study.sources import match_sources

        q = text.strip()
        if not q:
            return list(self.sources)
        found = match_sources(self.sources, q)
        if found:
            return found
        low = q.lower()
        return [s for s in self.sources if low in s.key.lower()]


_STUDIES: "weakref.WeakKeyDictionary[Any, Study]" = weakref.WeakKeyDictionary()
_STUDIES_LOCK = threading.Lock()


def study(pipeline: Any) -> Study:
    """The (cached) study views of ``pipeline``."""
    with _STUDIES_LOCK:
        s = _STUDIES.get(pipeline)
        if s is None:
            s = Study(pipeline)
            _STUDIES[pipeline] = s
        return s


def status_rows(status: Mapping[str, Any], lang: str) -> list[tuple[str, str]]:
    """(label, value) lines of the index status for the sidebar."""
    secs = status.get("build_seconds")
    built = str(status.get("built_at") or "—").replace("T", " ").replace("+0000", " UTC")
    return [
        (t(lang, "documents"), "; ".join(status.get("titles") or status.get("documents") or []) or "—"),
        (t(lang, "chunks"), str(status.get("chunks") or 0)),
        (t(lang, "embedder"), str(status.get("embedder") or "—")),
        (t(lang, "built_at"), built),
        (t(lang, "build_seconds"), f"{float(secs):.0f} s" if secs is not None else "—"),
    ]
