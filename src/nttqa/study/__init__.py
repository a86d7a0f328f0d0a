"""Study tools over the thesis: its cited sources, a timeline, key figures, an
outline reader and practice quizzes.  All pure: chunks in, frozen dataclasses out.
"""

from nttqa.study.figures import Figure, build_figures, parse_number, series
from nttqa.study.quiz import QuizItem, make_quiz, score
from nttqa.study.reader import Abbreviation, Cite, Node, abbreviations, highlight, section_text, section_tree
from nttqa.study.sources import (NO_REFERENCE_LIST, Source, SourceCitation, build_sources, find_source,
                                 reference_list_notice, sources_for_text, sources_supporting)
from nttqa.study.timeline import Event, build_timeline, events_in_year

__all__ = [
    "Abbreviation", "Cite", "Event", "Figure", "NO_REFERENCE_LIST", "Node", "QuizItem", "Source", "SourceCitation",
    "abbreviations", "build_figures", "build_sources", "build_timeline", "events_in_year", "find_source", "highlight",
    "make_quiz", "parse_number", "reference_list_notice", "score", "section_text", "section_tree", "series",
    "sources_for_text", "sources_supporting",
]
