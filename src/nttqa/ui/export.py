"""The conversation: its turns, and its Markdown export with every answer's citations.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from nttqa.types import Answer
from nttqa.ui.escape import md_export_escape, squash
from nttqa.ui.places import chapter_of, where
from nttqa.ui.text import notice_text, t

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
                lines.append(f"- [{c.n}] {md_export_escape(where(c, tl))}"
                             + (f" — {md_export_escape(c.chapter)}" if chapter_of(c) else "")
                             + f" — {md_export_escape(c.doc)}")
                lines.append(f"  - {t(tl, 'quote')}: “{md_export_escape(squash(c.quote))}”")
                lines.append(f"  - {t(tl, 'thesis_ref')}: "
                             + (md_export_escape("; ".join(c.refs)) if c.refs else f"_{t(tl, 'no_ref')}_"))
            lines.append("")
        if a.refused and a.related:
            lines += [f"**{t(tl, 'related')}:**", ""]
            for h in a.related:
                lines.append(f"- {md_export_escape(where(h.chunk, tl))}: "
                             f"“{md_export_escape(squash(h.chunk.text)[:240])}…”")
            lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def export_filename(now: datetime | None = None) -> str:
    now = now or datetime.now()
    return f"nttqa-conversation-{now.strftime('%Y%m%d-%H%M')}.md"
