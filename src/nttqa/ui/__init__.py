"""What the Streamlit app (``app.py``) needs that does not need Streamlit.

Everything here is pure and testable, one concern per module:

- ``text``: interface texts in both languages (catalogues ``data/ui.<lang>.json``),
  the interface language, starter questions, build-progress and status lines;
- ``escape``: safe rendering of document and user text (HTML and Markdown);
- ``places``: location labels and the reader targets "open in reader" jumps to;
- ``html``: the app's HTML snippets and style sheet, every text escaped;
- ``export``: the conversation and its Markdown export;
- ``charts``: Vega-Lite specs of the timeline and the key figures;
- ``study``: the study views of a loaded pipeline, computed once.

The app imports the package (``from nttqa import ui``) and uses the names below.
"""

from nttqa.ui.charts import figure_spec, timeline_spec
from nttqa.ui.escape import esc, md_escape, md_escape_keep_code, md_export_escape, squash
from nttqa.ui.export import Turn, conversation_markdown, export_filename, last_lang
from nttqa.ui.html import (CSS, answer_html, card_html, chunk_html, citation_html, highlight_html,
                           highlight_segments, lead_and_quotes, question_html, tree_html)
from nttqa.ui.places import (ReaderTarget, chapter_of, cite_target, outline_entries, outline_key, outline_options,
                             reader_target, term_location, where)
from nttqa.ui.study import Study, study
from nttqa.ui.text import (LANG_CHOICES, LANGS, LIBRARY, PAGES, STARTERS, ask_lang, build_fraction, build_message,
                           notice_text, starter_questions, starters, status_rows, t, ui_lang)

__all__ = [
    "CSS", "LANGS", "LANG_CHOICES", "LIBRARY", "PAGES", "STARTERS", "ReaderTarget", "Study", "Turn", "answer_html", "ask_lang",
    "build_fraction", "build_message", "card_html", "chapter_of", "chunk_html", "citation_html", "cite_target",
    "conversation_markdown", "esc", "export_filename", "figure_spec", "highlight_html", "highlight_segments",
    "last_lang", "lead_and_quotes", "md_escape", "md_escape_keep_code", "md_export_escape", "notice_text",
    "outline_entries", "outline_key", "outline_options", "question_html", "reader_target", "squash",
    "starter_questions", "starters", "status_rows", "study", "t", "term_location", "timeline_spec", "tree_html",
    "ui_lang", "where",
]
