"""Practice questions generated from the text.

Five kinds, each built from what the other study modules recover:
  year          a dated event with its year blanked            (timeline)
  figure        a table value or a counted number              (figures)
  abbreviation  what an abbreviation stands for, or the reverse (reader.abbreviations)
  definition    the term a "X merupakan/adalah ..." sentence defines
  source        which source the thesis cites for a statement  (sources)

Items are multiple choice ("mc", distractors of the same kind from the same
text) or fill-in-the-blank ("fill").  English stems quote the Indonesian
sentence.  The answer always occurs in the cited passage; the same seed gives
the same quiz.  The wording of the questions is in the catalogues
``data/study.<lang>.json`` ("quiz_<kind>_..."); the text only fills it in.
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from nttqa.study import texts
from nttqa.study.figures import Figure, build_figures, parse_number
from nttqa.study.reader import Abbreviation, Cite, abbreviations, cite, sentence_spans
from nttqa.study.sources import Source, build_sources, without_refs
from nttqa.study.timeline import Event, build_timeline
from nttqa.types import Chunk

KINDS = ("year", "figure", "abbreviation", "definition", "source")
BLANK = "_____"
_N_CHOICES = 4
_WINDOW = 260  # characters of a quoted sentence shown around its blank


@dataclass(frozen=True)
class QuizItem:
    n: int  # 1-based number within the quiz; ``score`` answers are keyed by it
    kind: str  # one of KINDS
    format: str  # "mc" | "fill"
    question: str
    answer: str
    choices: tuple[str, ...]  # the shuffled options for "mc", () for "fill"
    distractors: tuple[str, ...]
    lang: str
    cite: Cite
    passage: str  # the whole cited passage

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "kind": self.kind, "format": self.format, "question": self.question,
                "answer": self.answer, "choices": list(self.choices), "distractors": list(self.distractors),
                "lang": self.lang, "citation": self.cite.to_dict(), "passage": self.passage}


# A question's wording: its key in the study catalogue and the words from the text that fill it in.
Stem = tuple[str, Mapping[str, str]]


def _stem(key: str, **args: str) -> Stem:
    return key, args


def _same_stem(key: str, **args: str) -> dict[str, Stem]:
    """One wording for both formats (a "fill" item only when no distractors are found)."""
    stem = _stem(key, **args)
    return {"mc": stem, "fill": stem}


@dataclass(frozen=True)
class _Candidate:
    kind: str
    answer: str
    pool: str  # distractors come from candidates of the same kind and pool
    stems: Mapping[str, Stem]  # format -> the question's wording and what fills it in
    cite: Cite
    passage: str
    near: float | None = None  # numeric answers: distractors are drawn near this value
    formats: tuple[str, ...] = ("mc", "fill")

    def question(self, fmt: str, lang: str) -> str:
        """The question in ``lang``; ``{cite}`` in its wording is where the item comes from."""
        key, args = self.stems[fmt]
        return texts.t(lang, key, cite=self.cite.label(lang), **args)


# --- helpers ----------------------------------------------------------------------------


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def in_passage(answer: str, passage: str) -> bool:
    """``answer`` occurs in ``passage`` (case and whitespace aside)."""
    return _squash(answer).lower() in _squash(passage).lower()


def _blank(text: str, answer: str) -> str | None:
    """``text`` with every ``answer`` blanked, cut to a window around the first blank."""
    pat = re.compile(rf"(?<![\w.,]){re.escape(answer)}(?![\w]|[.,]\d)", re.I)
    if not pat.search(text):
        return None
    out = _squash(pat.sub(BLANK, text))
    k = out.find(BLANK)
    if len(out) > _WINDOW:
        lo = max(0, k - _WINDOW // 2)
        hi = min(len(out), lo + _WINDOW)
        lo = max(0, hi - _WINDOW)
        lo = out.rfind(" ", 0, lo) + 1 if lo > 0 else 0
        hi_sp = out.find(" ", hi)
        hi = len(out) if hi_sp < 0 else hi_sp
        out = ("… " if lo > 0 else "") + out[lo:hi].strip() + (" …" if hi < len(out) else "")
    return out


def _chunk_map(chunks: Sequence[Chunk]) -> dict[int, Chunk]:
    return {c.id: c for c in chunks}


# --- candidates per kind ----------------------------------------------------------------


def _year_candidates(events: Sequence[Event], by_id: Mapping[int, Chunk]) -> list[_Candidate]:
    out: list[_Candidate] = []
    seen: set[tuple[int, str]] = set()
    for ev in events:
        if ev.kind != "event" or ev.year_end or (ev.cite.chunk_id, ev.text) in seen:
            continue
        chunk = by_id.get(ev.cite.chunk_id)
        answer = str(ev.year)
        # The reference would give the year away ("(IOM 2018)") and says nothing about the event.
        blanked = _blank(re.sub(r"\s+([.,;])", r"\1", without_refs(ev.text)), answer)
        if not chunk or not blanked or not in_passage(answer, chunk.text):
            continue
        seen.add((ev.cite.chunk_id, ev.text))
        stems = {"fill": _stem("quiz_year_fill", blanked=blanked), "mc": _stem("quiz_year_mc", blanked=blanked)}
        out.append(_Candidate("year", answer, "year", stems, ev.cite, chunk.text, float(ev.year)))
    return out


def _number_part(raw: str) -> str:
    m = re.search(r"\d[\d.,]*\d%?|\d%?", raw)
    return m.group(0) if m else raw


def _figure_candidates(figures: Sequence[Figure], by_id: Mapping[int, Chunk]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for f in figures:
        chunk = by_id.get(f.cite.chunk_id)
        if not chunk or f.unit.lower() in {"tahun", "bulan", "hari", "years", "months", "days"}:
            continue
        if f.table:
            answer = f.raw
            title = f.measure or f.series
            stems = _same_stem("quiz_figure_table", table=f.table, title=title, label=f.label)
        else:
            answer = _number_part(f.raw)
            blanked = _blank(f.context or f.cite.sentence, answer)
            if not blanked:
                continue
            stems = {"fill": _stem("quiz_figure_fill", blanked=blanked),
                     "mc": _stem("quiz_figure_mc", blanked=blanked)}
        if not in_passage(answer, chunk.text):
            continue
        pool = f"figure:{f.unit.lower()}:{'%' if answer.endswith('%') else ''}"
        out.append(_Candidate("figure", answer, pool, stems, f.cite, chunk.text, f.value))
    return out


def _abbreviation_candidates(table: Sequence[Abbreviation], by_id: Mapping[int, Chunk]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for ab in table:
        chunk = by_id.get(ab.cite.chunk_id)
        if not chunk:
            continue
        if in_passage(ab.long, chunk.text):
            stems = _same_stem("quiz_abbreviation_long", short=ab.short)
            out.append(_Candidate("abbreviation", ab.long, "abbreviation:long", stems, ab.cite, chunk.text,
                                  formats=("mc",)))
        if in_passage(ab.short, chunk.text):
            stems = _same_stem("quiz_abbreviation_short", long=ab.long)
            out.append(_Candidate("abbreviation", ab.short, "abbreviation:short", stems, ab.cite, chunk.text))
    return out


_COPULA = r"(?:merupakan|adalah|ialah|is|are|refers\s+to|means)"
_DEFINITION = re.compile(
    rf"^(?P<term>[A-Z][\w\-]*(?:\s+(?:[\w\-]+|\([A-Z][A-Za-z]+\))){{0,5}}?)\s+{_COPULA}\s+(?P<rest>.{{30,}})$", re.S)
_NOT_A_TERM = {"ini", "itu", "tersebut", "yang", "hal", "dalam", "lain", "lainnya", "dimana", "mana", "ia", "mereka",
               "kami", "kita", "saya", "this", "that", "these", "those", "it", "which", "there", "dan", "serta",
               "pada", "di", "dari", "untuk", "bahwa", "sehingga", "namun", "kemudian", "selanjutnya", "the",
               "sebagaimana", "seperti", "diketahui", "sendiri", "juga", "pula", "telah", "sudah", "akan", "also"}


@dataclass(frozen=True)
class Definition:
    term: str
    definition: str  # the rest of the sentence after the copula
    cite: Cite

    def to_dict(self) -> dict[str, Any]:
        return {"term": self.term, "definition": self.definition, "citation": self.cite.to_dict()}


def definitions(chunks: Sequence[Chunk]) -> list[Definition]:
    """Sentences that open by defining a term: "Studi pustaka adalah ...", "X (ABBR) merupakan ..."."""
    out: list[Definition] = []
    for c in chunks:
        if c.kind != "text":
            continue
        for s, e in sentence_spans(c.text):
            sent = c.text[s:e]
            m = _DEFINITION.match(sent)
            if not m:
                continue
            term = m.group("term")
            words = [w.strip("()").lower() for w in term.split()]
            if any(w in _NOT_A_TERM for w in words):
                continue
            out.append(Definition(term, m.group("rest").strip(), cite(c, sent)))
    return out


def _definition_candidates(defs: Sequence[Definition], by_id: Mapping[int, Chunk]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for d in defs:
        chunk = by_id.get(d.cite.chunk_id)
        blanked = _blank(d.cite.sentence, d.term)
        if not chunk or not blanked or not in_passage(d.term, chunk.text):
            continue
        stems = {"fill": _stem("quiz_definition_fill", blanked=blanked),
                 "mc": _stem("quiz_definition_mc", blanked=blanked)}
        out.append(_Candidate("definition", d.term, "definition", stems, d.cite, chunk.text))
    return out


def _source_candidates(sources: Sequence[Source], by_id: Mapping[int, Chunk]) -> list[_Candidate]:
    out: list[_Candidate] = []
    for s in sources:
        for c in s.citations:
            chunk = by_id.get(c.cite.chunk_id)
            answer = f"{s.authors} {s.year}"
            if c.narrative or not chunk or not in_passage(answer, chunk.text):
                continue
            statement = _squash(c.cite.sentence.replace(c.as_written, ""))
            statement = re.sub(r"\s+([.,;])", r"\1", statement)
            if len(statement) < 40:
                continue
            if len(statement) > _WINDOW:
                statement = "… " + statement[-_WINDOW:].split(" ", 1)[-1]
            stems = _same_stem("quiz_source_mc", statement=statement)
            out.append(_Candidate("source", answer, "source", stems, c.cite, chunk.text, formats=("mc",)))
    return out


# --- assembling a quiz -------------------------------------------------------------------


def _norm_answer(text: str) -> str:
    return re.sub(r"[^0-9a-z%]+", "", text.lower())


def _distractors(cand: _Candidate, pool: Sequence[_Candidate], stem: str, rng: random.Random, k: int) -> list[str]:
    """``k`` other answers of the same kind, none of them visible in the question itself."""
    seen = {_norm_answer(cand.answer)}
    options: list[str] = []
    for other in pool:
        key = _norm_answer(other.answer)
        if key in seen or re.search(rf"(?<![\w.,]){re.escape(other.answer)}(?![\w]|[.,]\d)", stem):
            continue
        seen.add(key)
        options.append(other.answer)
    if cand.near is not None:
        # Numbers: pick among the closest values so the choice is not given away by scale.
        values = {o.answer: o.near for o in pool if o.near is not None}
        options.sort(key=lambda a: (abs((values.get(a) or 0.0) - (cand.near or 0.0)), a))
        options = options[:k * 2]
    else:
        options.sort()
    return rng.sample(options, min(k, len(options)))


def _candidates(chunks: Sequence[Chunk], kinds: Iterable[str]) -> dict[str, list[_Candidate]]:
    by_id = _chunk_map(chunks)
    wanted = set(kinds)
    table = abbreviations(chunks)
    builders: dict[str, Callable[[], list[_Candidate]]] = {
        "year": lambda: _year_candidates(build_timeline(chunks, table), by_id),
        "figure": lambda: _figure_candidates(build_figures(chunks), by_id),
        "abbreviation": lambda: _abbreviation_candidates(table, by_id),
        "definition": lambda: _definition_candidates(definitions(chunks), by_id),
        "source": lambda: _source_candidates(build_sources(chunks), by_id),
    }
    return {k: builders[k]() for k in KINDS if k in wanted}


def make_quiz(chunks: Sequence[Chunk], n: int = 10, lang: str = "en", seed: int = 1,
              kinds: Iterable[str] | None = None) -> list[QuizItem]:
    """``n`` questions mixing the requested kinds (all by default), the same for the same seed."""
    lang = "id" if lang == "id" else "en"
    chosen_kinds = [k for k in (kinds or KINDS) if k in KINDS]
    pools = _candidates(chunks, chosen_kinds)
    rng = random.Random(seed)
    order = {k: rng.sample(pools[k], len(pools[k])) for k in pools}
    kind_cycle = [k for k in rng.sample(list(pools), len(pools)) if order[k]]
    picked: list[_Candidate] = []
    used_sentences: set[tuple[int, str]] = set()
    used_answers: set[tuple[str, str]] = set()
    while len(picked) < n and any(order[k] for k in kind_cycle):
        for k in kind_cycle:
            while order[k]:
                cand = order[k].pop()
                where = (cand.cite.chunk_id, cand.cite.sentence)
                said = (cand.kind, _norm_answer(cand.answer))
                if where in used_sentences or (cand.kind != "year" and said in used_answers):
                    continue
                used_sentences.add(where)
                used_answers.add(said)
                picked.append(cand)
                break
            if len(picked) >= n:
                break
    items: list[QuizItem] = []
    for i, cand in enumerate(picked, start=1):
        same = [c for c in pools[cand.kind] if c.pool == cand.pool]
        fmt = rng.choice(cand.formats) if len(cand.formats) > 1 else cand.formats[0]
        question = cand.question(fmt, lang)
        distractors = _distractors(cand, same, question, rng, _N_CHOICES - 1)
        if fmt == "mc" and not distractors:
            fmt, question = "fill", cand.question("fill", lang)
        choices: tuple[str, ...] = ()
        if fmt == "mc":
            opts = distractors + [cand.answer]
            rng.shuffle(opts)
            choices = tuple(opts)
        items.append(QuizItem(i, cand.kind, fmt, question, cand.answer, choices, tuple(distractors), lang,
                              cand.cite, cand.passage))
    return items


# --- scoring -------------------------------------------------------------------------------


def _as_number(text: str) -> float | None:
    t = text.strip().rstrip("%").strip()
    if not re.fullmatch(r"\d[\d.,]*", t):
        return None
    try:
        return parse_number(t, "id")
    except ValueError:
        return None


def is_correct(item: QuizItem, given: str) -> bool:
    g = given.strip()
    if not g:
        return False
    if item.choices:
        m = re.fullmatch(r"\(?([A-Za-z])[.)]?", g)
        if m:
            k = ord(m.group(1).lower()) - ord("a")
            if 0 <= k < len(item.choices):
                return item.choices[k] == item.answer
        m = re.fullmatch(r"\d+", g)
        if m and item.kind not in {"year", "figure"} and 1 <= int(g) <= len(item.choices):
            return item.choices[int(g) - 1] == item.answer
    if _norm_answer(g) == _norm_answer(item.answer):
        return True
    a, b = _as_number(g), _as_number(item.answer)
    return a is not None and b is not None and abs(a - b) < 1e-9


def score(items: Sequence[QuizItem], answers: Mapping[int, str]) -> dict[str, Any]:
    """Marks answers keyed by item number; a choice may be given by letter ("B") or text."""
    results = []
    for it in items:
        given = answers.get(it.n, "")
        results.append({"n": it.n, "given": given, "answer": it.answer, "correct": is_correct(it, given),
                        "answered": bool(str(given).strip()), "citation": it.cite.to_dict()})
    correct = sum(1 for r in results if r["correct"])
    total = len(items)
    return {"total": total, "answered": sum(1 for r in results if r["answered"]), "correct": correct,
            "score": round(correct / total, 4) if total else 0.0, "results": results}
