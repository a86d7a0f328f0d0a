"""Helpers for the Streamlit app (``app.py``) that do not need Streamlit.

Everything here is pure and testable: interface texts in both languages,
starter questions, safe rendering of document text (HTML escaped, Markdown
escaped), citation labels, the Markdown export of a conversation, reader
targets for "open in reader", build-progress arithmetic, Vega-Lite chart
specs, and a per-pipeline cache of the study views.

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

from nttqa.types import Answer, Chunk, Citation

LANGS = ("id", "en")
LANG_CHOICES = ("auto", "id", "en")
PAGES = ("chat", "sources", "glossary", "timeline", "figures", "reader", "quiz")

# --------------------------------------------------------------------------- texts

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "app_title": "Ask the thesis",
        "thesis": "Thesis",
        "intro": ("Ask in Bahasa Indonesia or English. Every answer quotes the thesis and cites its chapter, "
                  "section, page and the thesis' own source reference. When the thesis does not answer a "
                  "question, the assistant says so."),
        "starters": "Try a question",
        "starters_id": "In Bahasa Indonesia",
        "starters_en": "In English",
        "chat_placeholder": "Ask a question about the thesis…",
        "nav": "Go to",
        "page_chat": "Chat",
        "page_sources": "Sources",
        "page_glossary": "Glossary",
        "page_timeline": "Timeline",
        "page_figures": "Key figures",
        "page_reader": "Outline & reader",
        "page_quiz": "Quiz",
        "settings": "Settings",
        "ui_lang": "Interface language",
        "lang_auto": "Auto (language of the question)",
        "lang_id": "Bahasa Indonesia",
        "lang_en": "English",
        "mode": "Answer mode",
        "mode_extractive": "Extractive (quotes the thesis)",
        "mode_llm": "LLM (writes, cites passages)",
        "llm_off": "LLM mode is off: set NTTQA_LLM_BASE_URL and NTTQA_LLM_MODEL to enable it.",
        "llm_on": "LLM endpoint: {model}",
        "top_k": "Passages to search",
        "clear": "Clear chat",
        "download": "Download this conversation (.md)",
        "index": "Index",
        "documents": "Documents",
        "chunks": "Passages",
        "embedder": "Embedder",
        "built_at": "Built",
        "build_seconds": "Build time",
        "thinking": "Searching the thesis…",
        "loading": "Loading the index…",
        "sources_heading": "Sources",
        "page_word": "p.",
        "pages_word": "pp.",
        "estimated": "page estimated",
        "estimated_note": "Page numbers are estimated from the text layout (the thesis is plain text).",
        "thesis_ref": "Source cited by the thesis",
        "no_ref": "The thesis gives no source reference for this sentence.",
        "open_reader": "Open in reader",
        "related": "Related passages",
        "more_passages": "Other passages that were searched",
        "mode_used": "Mode",
        "confidence": "evidence score",
        "question_error": "This question cannot be asked as it is",
        "error": "Something went wrong while answering",
        "index_problem": "The index cannot be used",
        "index_fix": "Rebuild the index from the corpus. This takes about a minute; nothing in the corpus changes.",
        "rebuild": "Rebuild the index",
        "rebuilding": "Rebuilding the index…",
        "rebuilt": "The index was rebuilt. Loading it…",
        "rebuild_failed": "The rebuild failed",
        "stage_parse": "Reading the thesis",
        "stage_embed passages": "Embedding passages",
        "stage_embed sentences": "Embedding sentences",
        "stage_write index": "Writing the index",
        "load_failed": "The app cannot start",
        # sources page
        "sources_intro": "Every source the thesis cites in its text, how often, and where.",
        "sources_count": "Sources",
        "citations_count": "Citations",
        "filter": "Filter",
        "filter_sources_ph": "author or year, e.g. Goma 2020",
        "cited_times": "cited {n}×",
        "cited_pages": "Pages of the source cited",
        "cited_in": "Cited in",
        "as_written": "As written",
        "claim": "Statement it supports",
        "none_found": "Nothing matches.",
        # glossary
        "glossary_intro": "Abbreviations and terms the thesis defines, with where it defines them.",
        "glossary_search": "Search the glossary",
        "glossary_ph": "e.g. TPPO, IOM, kemiskinan",
        "include_curated": "Include general domain terms (not from the thesis)",
        "term": "Term",
        "meaning": "Meaning",
        "kind": "Kind",
        "where": "Where",
        "kind_abbreviation": "abbreviation",
        "kind_translation": "translation",
        "kind_curated": "general term (not in the thesis)",
        "terms_count": "{n} terms",
        # timeline
        "timeline_intro": "Dated events, regulations and statistics the thesis mentions.",
        "years": "Years",
        "actor": "Only events naming",
        "actor_ph": "e.g. IOM",
        "events_count": "{n} dated items",
        "event": "event",
        "statistic": "statistic",
        "regulation": "regulation",
        "year": "Year",
        "date": "Date",
        "text": "Text",
        "refs": "Source",
        # figures
        "figures_intro": "Numbers the thesis reports, grouped by table or list.",
        "label": "Label",
        "value": "Value",
        "as_written_short": "As written",
        "table_source": "Table source line",
        "no_source_line": "no source line (numbers from the running text)",
        # reader
        "reader_intro": "The chapters and sections of the thesis with their pages. Pick one to read it.",
        "outline": "Outline",
        "section": "Section",
        "cited_passage": "The cited passage (highlighted)",
        "from_citation": "Opened from a citation; the quoted text is highlighted.",
        "passages_in_section": "Passages in this part: {n}",
        "table": "Table",
        # quiz
        "quiz_intro": "Practice questions generated from the thesis. Each answer links back to its passage.",
        "quiz_n": "Number of questions",
        "quiz_seed": "Seed (the same seed gives the same quiz)",
        "quiz_lang": "Quiz language",
        "quiz_kinds": "Kinds of questions",
        "quiz_submit": "Check my answers",
        "quiz_answer": "Your answer",
        "quiz_score": "Score: {correct} of {total} correct",
        "quiz_correct": "Correct",
        "quiz_wrong": "Not quite",
        "quiz_unanswered": "Not answered",
        "quiz_right_answer": "Answer",
        "quiz_your_answer": "You answered",
        "quiz_none": "No questions could be generated for these settings.",
        "kind_year": "year",
        "kind_figure": "figure",
        "kind_definition": "definition",
        "kind_source": "source",
        "values": "Values",
        "you": "You",
        "answer_label": "Answer",
        "quote": "Quote",
        "notice": "Notice",
        "exported": "Exported",
    },
    "id": {
        "app_title": "Tanya skripsi",
        "thesis": "Skripsi",
        "intro": ("Bertanyalah dalam Bahasa Indonesia atau Bahasa Inggris. Setiap jawaban mengutip skripsi dan "
                  "menyebut bab, subbab, halaman, serta sumber yang dirujuk skripsi. Jika skripsi tidak "
                  "membahas pertanyaan itu, asisten akan mengatakannya."),
        "starters": "Coba sebuah pertanyaan",
        "starters_id": "Dalam Bahasa Indonesia",
        "starters_en": "Dalam Bahasa Inggris",
        "chat_placeholder": "Tanyakan sesuatu tentang skripsi…",
        "nav": "Buka",
        "page_chat": "Tanya jawab",
        "page_sources": "Sumber",
        "page_glossary": "Glosarium",
        "page_timeline": "Linimasa",
        "page_figures": "Angka penting",
        "page_reader": "Daftar isi & bacaan",
        "page_quiz": "Kuis",
        "settings": "Pengaturan",
        "ui_lang": "Bahasa antarmuka",
        "lang_auto": "Otomatis (bahasa pertanyaan)",
        "lang_id": "Bahasa Indonesia",
        "lang_en": "English",
        "mode": "Mode jawaban",
        "mode_extractive": "Ekstraktif (mengutip skripsi)",
        "mode_llm": "LLM (menulis, mengutip bagian)",
        "llm_off": "Mode LLM nonaktif: isi NTTQA_LLM_BASE_URL dan NTTQA_LLM_MODEL untuk mengaktifkannya.",
        "llm_on": "Endpoint LLM: {model}",
        "top_k": "Jumlah bagian yang dicari",
        "clear": "Hapus percakapan",
        "download": "Unduh percakapan ini (.md)",
        "index": "Indeks",
        "documents": "Dokumen",
        "chunks": "Bagian teks",
        "embedder": "Embedder",
        "built_at": "Dibangun",
        "build_seconds": "Lama pembangunan",
        "thinking": "Mencari di skripsi…",
        "loading": "Memuat indeks…",
        "sources_heading": "Sumber",
        "page_word": "hlm.",
        "pages_word": "hlm.",
        "estimated": "halaman perkiraan",
        "estimated_note": "Nomor halaman diperkirakan dari tata letak teks (skripsi berupa teks biasa).",
        "thesis_ref": "Sumber yang dirujuk skripsi",
        "no_ref": "Skripsi tidak menyebut sumber untuk kalimat ini.",
        "open_reader": "Buka di pembaca",
        "related": "Bagian terkait",
        "more_passages": "Bagian lain yang ikut dicari",
        "mode_used": "Mode",
        "confidence": "skor bukti",
        "question_error": "Pertanyaan ini tidak dapat diajukan seperti ini",
        "error": "Terjadi kesalahan saat menjawab",
        "index_problem": "Indeks tidak dapat dipakai",
        "index_fix": ("Bangun ulang indeks dari korpus. Prosesnya sekitar satu menit; isi korpus tidak berubah."),
        "rebuild": "Bangun ulang indeks",
        "rebuilding": "Membangun ulang indeks…",
        "rebuilt": "Indeks selesai dibangun ulang. Memuat…",
        "rebuild_failed": "Pembangunan ulang gagal",
        "stage_parse": "Membaca skripsi",
        "stage_embed passages": "Menyematkan bagian teks",
        "stage_embed sentences": "Menyematkan kalimat",
        "stage_write index": "Menulis indeks",
        "load_failed": "Aplikasi tidak dapat dimulai",
        "sources_intro": "Semua sumber yang dirujuk dalam teks skripsi, berapa kali, dan di mana.",
        "sources_count": "Sumber",
        "citations_count": "Rujukan",
        "filter": "Saring",
        "filter_sources_ph": "penulis atau tahun, mis. Goma 2020",
        "cited_times": "dirujuk {n}×",
        "cited_pages": "Halaman sumber yang dirujuk",
        "cited_in": "Dirujuk di",
        "as_written": "Tertulis",
        "claim": "Pernyataan yang didukung",
        "none_found": "Tidak ada yang cocok.",
        "glossary_intro": "Singkatan dan istilah yang didefinisikan skripsi, beserta tempat definisinya.",
        "glossary_search": "Cari di glosarium",
        "glossary_ph": "mis. TPPO, IOM, kemiskinan",
        "include_curated": "Sertakan istilah umum bidang ini (bukan dari skripsi)",
        "term": "Istilah",
        "meaning": "Arti",
        "kind": "Jenis",
        "where": "Letak",
        "kind_abbreviation": "singkatan",
        "kind_translation": "terjemahan",
        "kind_curated": "istilah umum (tidak ada di skripsi)",
        "terms_count": "{n} istilah",
        "timeline_intro": "Peristiwa, peraturan, dan statistik bertanggal yang disebut skripsi.",
        "years": "Tahun",
        "actor": "Hanya yang menyebut",
        "actor_ph": "mis. IOM",
        "events_count": "{n} butir bertanggal",
        "event": "peristiwa",
        "statistic": "statistik",
        "regulation": "peraturan",
        "year": "Tahun",
        "date": "Tanggal",
        "text": "Teks",
        "refs": "Sumber",
        "figures_intro": "Angka yang dilaporkan skripsi, dikelompokkan per tabel atau daftar.",
        "label": "Label",
        "value": "Nilai",
        "as_written_short": "Tertulis",
        "table_source": "Baris sumber tabel",
        "no_source_line": "tanpa baris sumber (angka dari teks)",
        "reader_intro": "Bab dan subbab skripsi beserta halamannya. Pilih salah satu untuk membacanya.",
        "outline": "Daftar isi",
        "section": "Bagian",
        "cited_passage": "Bagian yang dikutip (disorot)",
        "from_citation": "Dibuka dari sebuah kutipan; teks yang dikutip disorot.",
        "passages_in_section": "Jumlah bagian teks: {n}",
        "table": "Tabel",
        "quiz_intro": "Soal latihan yang dibuat dari skripsi. Setiap jawaban terhubung ke bagian teksnya.",
        "quiz_n": "Jumlah soal",
        "quiz_seed": "Seed (seed yang sama memberi kuis yang sama)",
        "quiz_lang": "Bahasa kuis",
        "quiz_kinds": "Jenis soal",
        "quiz_submit": "Periksa jawaban saya",
        "quiz_answer": "Jawaban Anda",
        "quiz_score": "Skor: {correct} dari {total} benar",
        "quiz_correct": "Benar",
        "quiz_wrong": "Belum tepat",
        "quiz_unanswered": "Tidak dijawab",
        "quiz_right_answer": "Jawaban",
        "quiz_your_answer": "Jawaban Anda",
        "quiz_none": "Tidak ada soal yang bisa dibuat dengan pengaturan ini.",
        "kind_year": "tahun",
        "kind_figure": "angka",
        "kind_definition": "definisi",
        "kind_source": "sumber",
        "values": "Nilai",
        "you": "Anda",
        "answer_label": "Jawaban",
        "quote": "Kutipan",
        "notice": "Catatan",
        "exported": "Diekspor",
    },
}


def t(lang: str, key: str, **fmt: Any) -> str:
    """The interface text ``key`` in ``lang`` (English when missing)."""
    table = LABELS.get(lang, LABELS["en"])
    text = table.get(key, LABELS["en"].get(key, key))
    return text.format(**fmt) if fmt else text


STARTERS: dict[str, tuple[str, ...]] = {
    "id": (
        "Apa penyebab perdagangan manusia di NTT?",
        "Apa saja yang dilakukan IOM di NTT?",
        "Berapa persen penduduk miskin NTT pada tahun 2018?",
    ),
    "en": (
        "What did IOM do in 2018?",
        "What training did IOM give in NTT?",
        "What policies did Indonesia adopt against human trafficking?",
    ),
}


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


def page_text(pages: str, estimated: bool, lang: str) -> str:
    """"p. 44", "pp. 9-10", "hlm. 44 (halaman perkiraan)"."""
    if not pages:
        return ""
    word = t(lang, "pages_word") if "-" in pages else t(lang, "page_word")
    out = f"{word} {pages}"
    return f"{out} ({t(lang, 'estimated')})" if estimated else out


def heading_of(section: str, section_title: str, chapter: str) -> str:
    """"3.1 Analisis Peran IOM ...", a chapter's opening text "BAB II FAKTOR ...", or the part ("ABSTRACT")."""
    if section and section_title:
        return f"{section} {section_title}"
    if not section and section_title and chapter and not section_title.startswith(chapter):
        return f"{chapter} {section_title}"  # before the chapter's first section: say which chapter
    return section or section_title or chapter


def location(section: str, section_title: str, chapter: str, pages: str, estimated: bool, lang: str) -> str:
    """"§3.1 Analisis Peran IOM di NTT ..., p. 44 (page estimated)"."""
    head = heading_of(section, section_title, chapter)
    sign = "§" if section and re.match(r"\d", section) else ""
    where = f"{sign}{head}"
    pt = page_text(pages, estimated, lang)
    return f"{where}, {pt}" if pt else where


def citation_location(c: Citation, lang: str) -> str:
    return location(c.section, c.section_title, c.chapter, c.pages, c.pages_estimated, lang)


def chunk_location(c: Chunk, lang: str) -> str:
    return location(c.section, c.section_title, c.chapter, c.pages, c.pages_estimated, lang)


def cite_location(cite: Any, lang: str) -> str:
    """For a study item's ``Cite``."""
    return location(cite.section, cite.section_title, cite.chapter, cite.pages, cite.pages_estimated, lang)


def term_location(term: Any, lang: str) -> str:
    """Where the glossary found a term's definition; "—" for curated terms."""
    if not term.pages:
        return "—"
    return location(term.section, term.section_title, term.chapter, term.pages, term.pages_estimated, lang)


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
        word = t(lang, "pages_word") if "–" in pages else t(lang, "page_word")
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
        language = "Bahasa Indonesia" if a.language == "id" else "English"
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
            word = t(lang, "pages_word") if "–" in pages else t(lang, "page_word")
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
