"""The study views of one loaded pipeline (sources, glossary, timeline, figures,
reader, quiz), each computed once on first use and cached per pipeline.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterable, Mapping
from functools import cached_property
from typing import Any

from nttqa.types import Chunk
from nttqa.ui.places import outline_entries

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
