"""The app's HTML snippets and style sheet: every text inside is escaped
(``ui.escape.esc``), so a passage or a question can never become markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from nttqa import locate
from nttqa.types import Chunk, Citation
from nttqa.ui.escape import esc
from nttqa.ui.places import chapter_of, where
from nttqa.ui.text import t

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
            f'{esc(where(c, lang))}</div>{sub}'
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


def card_html(head: str = "", sub: str = "", body: str = "", refs: Sequence[str] = (), refs_label: str = "") -> str:
    """A study card: a bold head line, a small sub line, ``body`` (HTML already made safe, e.g.
    ``highlight_html``) and the thesis' references.  ``head``, ``sub`` and the references are text."""
    out = []
    if head:
        out.append(f'<div class="nttqa-cite-head">{esc(head)}</div>')
    if sub:
        out.append(f'<div class="nttqa-cite-sub">{esc(sub)}</div>')
    out.append(body)
    if refs:
        out.append(f'<div class="nttqa-ref"><b>{esc(refs_label)}:</b> {esc("; ".join(refs))}</div>')
    return "".join(out)
