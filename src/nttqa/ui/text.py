"""Interface texts in both languages, the interface language, starter questions,
build-progress and index-status lines.

The texts live in the catalogues ``data/ui.<lang>.json`` (``nttqa.messages``),
the starter questions there too, as "starter_1", "starter_2", ... in the
language they are asked in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from contextvars import ContextVar
from typing import Any

from nttqa.messages import load
from nttqa.types import Answer

LANGS = ("id", "en")
LANG_CHOICES = ("auto", "id", "en")
PAGES = ("chat", "sources", "glossary", "timeline", "figures", "reader", "quiz")



# The texts live in the catalogues data/ui.<lang>.json (nttqa.messages), the starter
# questions there too, as "starter_1", "starter_2", ... in the language they are asked in.


# Whether the library holds several documents: "Ask the documents", not "Ask the thesis".
# A context variable, set by each script run: Streamlit runs every session in its own thread.
LIBRARY: ContextVar[bool] = ContextVar("library", default=False)


def t(lang: str, key: str, **fmt: Any) -> str:
    """The interface text ``key`` in ``lang`` (English when missing); with several documents
    in the library (``LIBRARY``) its ``key_docs`` wording where the catalogue has one."""
    texts, en = load("ui", lang), load("ui", "en")
    if LIBRARY.get() and f"{key}_docs" in en:
        key = f"{key}_docs"
    text = texts.get(key, en.get(key, key))
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



def notice_text(a: Answer, lang: str) -> str:
    """The visible notice under an answer (why the LLM writer fell back), in the answer language.
    A refusal's reason is part of the answer text itself (``messages.reason_text``)."""
    return "" if a.refused else a.notice




_STAGES = (("parse", 0.0, 0.05), ("embed passages", 0.05, 0.35), ("embed sentences", 0.35, 0.85),
           ("embed vocabulary", 0.85, 0.95), ("write index", 0.95, 1.0))


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
