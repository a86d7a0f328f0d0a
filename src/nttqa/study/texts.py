"""The study tools' texts in each language, from the catalogues ``data/study.<lang>.json``.

The study package sits below ``nttqa.ui`` and does not import it; it reads its own
catalogue through ``nttqa.messages`` and takes the page abbreviations ("p.", "pp.",
"hlm.") from the ``messages`` catalogue, where the answers take them from too.
"""

from __future__ import annotations

from typing import Any

from nttqa import locate
from nttqa.messages import load


def t(lang: str, key: str, **fmt: Any) -> str:
    """The study text ``key`` in ``lang`` (English when missing), formatted with ``fmt``."""
    text = load("study", lang).get(key) or load("study", "en").get(key, key)
    return text.format(**fmt) if fmt else text


page_word = locate.page_word  # "p." / "pp." in English, "hlm." in Indonesian
