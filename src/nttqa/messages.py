"""Texts in catalogues, one file per catalogue and language (``data/<name>.<lang>.json``).

``messages`` holds the answer texts and refusal reasons, ``ui`` the texts of the
interface (``nttqa.ui.t``) and its starter questions, ``study`` those of the study
tools (``nttqa.study.texts.t``).

Refusal reasons travel through the pipeline as codes with arguments
(``Answer.reason`` / ``Answer.reason_args``) and are put into words only here,
in the language the answer is given in.
"""

from __future__ import annotations

import json
from functools import lru_cache
from importlib import resources
from typing import Sequence

LANGS = ("en", "id")
# The named arguments each reason code takes, in the order of ``Answer.reason_args``.
REASON_ARGS: dict[str, tuple[str, ...]] = {
    # "want": what the answer had to state and no close passage does ("statement", "funder", ...),
    # when that was what failed; it is put into words by the catalogue's "want.<name>".
    "not_covered": ("p", "want"),
    "name_absent": ("names",),
    "about_absent": ("names",),
    "year_absent": ("years", "span"),
    "year_partial": ("years", "near"),
}


CATALOGUES = ("messages", "ui", "study")


@lru_cache(maxsize=None)
def _read(name: str, lang: str) -> dict[str, str]:
    text = resources.files("nttqa.data").joinpath(f"{name}.{lang}.json").read_text(encoding="utf-8")
    return json.loads(text)


def load(name: str, lang: str) -> dict[str, str]:
    """The catalogue ``data/<name>.<lang>.json`` (English for a language it does not have). Read once."""
    return _read(name, lang if lang in LANGS else "en")


def catalogue(lang: str) -> dict[str, str]:
    """The answer texts and refusal reasons in ``lang``."""
    return load("messages", lang)


def message(lang: str, key: str, **args: str) -> str:
    """The text for ``key`` in ``lang`` (English when missing), formatted with ``args``."""
    text = catalogue(lang).get(key) or catalogue("en").get(key, key)
    return text.format(**args) if args else text


def reason_text(lang: str, code: str, args: Sequence[str] = ()) -> str:
    """A refusal reason in words, from its code and arguments; "" for no code."""
    if not code:
        return ""
    names = REASON_ARGS.get(code, ())
    named = dict(zip(names, args))
    want = named.pop("want", "")
    if want and f"want.{want}" in catalogue("en"):
        return message(lang, f"reason.{code}_want", what=message(lang, f"want.{want}"), **named)
    return message(lang, f"reason.{code}", **named)
