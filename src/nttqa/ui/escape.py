"""Safe rendering of document and user text.

Text that comes from the thesis or from the user is never handed to a renderer
as HTML or Markdown: ``esc`` (HTML) for the app's own small HTML snippets
(``st.html``), ``md_escape`` where Streamlit interprets Markdown (labels,
captions, expander titles), ``md_export_escape`` for the exported file.
"""

from __future__ import annotations

import html
import re
from typing import Any

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
