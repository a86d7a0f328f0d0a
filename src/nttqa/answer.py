"""Hits -> an Answer with inline markers [n] and resolved citations.

Extractive (the offline default): the sentences of the top passages are scored
by a small logistic model (``QUOTE_FEATURES``: similarity to the question
within its own distribution, term overlap after cross-lingual expansion, and
what the question type needs - the defining sentence for "what is", a date for
"when", a quantity for "how many", a reference for "which source"), and 1-5
sentences are quoted in document order, each with a marker that resolves to
document, chapter, section, page(s) and the thesis' own source reference.

Refusal is one calibrated decision (``decide.py``): P(answerable) from
features that mean the same for every question.  Only exact rules stand beside
it: a request no thesis can answer (an opinion, a prediction, a made-up quote,
dropping the rules), a year the running text never names (a partial answer
when it covers a neighbouring year), an acronym or name that occurs nowhere -
not even as a counterpart in the thesis' language - and author metadata the
text lacks.  Questions about the document itself are always answered.

LLM (optional): numbered passages go to an OpenAI-compatible endpoint;
citation numbers the passages did not have are dropped, and an answer with no
valid citation, an error or a timeout falls back to the extractive answer with
a visible notice.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Protocol

import numpy as np

from nttqa.config import Settings, llm_api_key
from nttqa.decide import Model, load_model
from nttqa.evidence import WHEN, SentenceFacts, information, years_text, zipf
from nttqa import locate
from nttqa.messages import message, reason_text
from nttqa.query import QueryInfo, counted_noun, is_part, population_groups, without_parts
from nttqa.textutil import analyze, article_refs, find_refs, month_years, regulation_ids, sentence_initial
from nttqa.types import Answer, Chunk, Citation, Hit

if TYPE_CHECKING:
    from nttqa.embed import Embedder
    from nttqa.index import StoredCorpus
    from nttqa.query import Glossary


# A sentence that only announces what follows: "... diantaranya:", "... dapat disimpulkan.",
# "... sebagai berikut.", "... as follows."
_INTRODUCES = re.compile(r"(?::|\b(?:sebagai berikut|berikut ini|dapat disimpulkan|disimpulkan|as follows|"
                         r"the following|can be concluded))\W*$", re.I)
# A sentence that goes on about the one before: a pointing word among its first words
# ("Sirih Pinang sendiri mempunyai ...", "pada pembuatan buku panduan ini ...", "This role ...").
_GOES_ON = re.compile(r"^(?:\W*\w+\W+){0,5}?(?:ini|tersebut|itu|sendiri|this|these|those|such)\b", re.I)


@dataclass(frozen=True)
class AnswerParams:
    """Sentence selection around the quote model's scores (logits)."""

    max_sentences: int = 3
    margin: float = 3.0  # quote sentences within this many logits of the best
    list_sentences: int = 5
    list_margin: float = 3.5
    year_list_margin: float = 3.0
    long_sentence: int = 350
    distinct_passages: bool = True
    partial_window: int = 3  # "2020" is near a thesis that covers 2018: within this many years
    # What a figure question needs (a quantity, a sum, a name, ...) stands in one of this many best
    # sentences of the body, the ones an answer would quote first.
    need_sentences: int = 2


# Question words and words about the thesis itself: they say what is asked, not about what.
_META = frozenset(analyze(
    "what which who whom when where why how does did do is are was were according thesis skripsi study "
    "research penelitian author penulis chapter section bab subbab bagian part explain describe tell list "
    "name give mention mentioned say says said state states jelaskan sebutkan terangkan uraikan sebut "
    "apa siapa kapan mengapa kenapa bagaimana berapa mana saja menurut disebut dimaksud maksud apakah "
    "please tolong dong ya sih kah english indonesian inggris indonesia many much number jumlah "
    "cite cites cited citation source sources reference references back backs support supports cover covers "
    "covered discuss discusses describe describes find read see mean means kind kinds type types sumber rujukan "
    "referensi kutip mengutip membahas dibahas bahas jenis macam one two three four five satu dua tiga empat lima "
    "isi berisi content contents summarise summarize summary ringkas ringkasan ringkaskan "
    "title titled entitled called nama bernama judul berjudul bertajuk besides except apart other others "
    "page pages halaman hlm"))

# A run of capitalised words ("Victim Assistance Fund").
_CAPITALISED = re.compile(r"(?<![\w-])[A-Z][\w-]*(?:\s+[A-Z][\w-]*)+")
# A term in quotes: the opening quote after a space (not the apostrophe of "IOM's"), the closing
# one before no letter.
_QUOTED = re.compile(r"(?:(?<=\s)|^)['\"‘“]([^'\"‘’“”]{2,80}?)['\"’”](?![A-Za-z])")

QUOTE_FEATURES: tuple[str, ...] = (
    "sim",          # cosine of the sentence with the question
    "sim_z",        # the same within the question's own distribution over every sentence
    "overlap",      # share of the question's content terms (and their counterparts) in the sentence
    "rank",         # rank of the sentence's passage in retrieval (0 = first)
    "year_match",   # names the asked year
    "qty_fig",      # holds a quantity, for a "how many / how much" question
    "def_def",      # a defining sentence, for a "what is" question
    "date_when",    # holds a date, for a "when" question
    "ref_cite",     # carries a source reference, for a "which source" question
    "number_match", # holds a number the question names
    "abstract",     # is an abstract sentence (abstracts restate; the body holds the evidence)
    "abstract_en",  # an English-abstract sentence for an English question (same-language pull)
    "short",        # shorter than 40 characters
    "long",         # how far over 350 characters
    "intro",        # only announces what follows ("... diantaranya:", "... sebagai berikut.")
    "sim_rel",      # cosine minus the best candidate's: sentences compete within one question
    "overlap_rel",  # overlap minus the best candidate's
)
# The direction each quote feature may push a sentence (see decide.SIGNS).
QUOTE_SIGNS: dict[str, int] = {
    "sim": 1, "sim_z": 1, "overlap": 1, "rank": -1, "year_match": 1, "qty_fig": 1, "def_def": 1, "date_when": 1,
    "ref_cite": 1, "number_match": 1, "abstract": -1, "abstract_en": -1, "short": -1, "long": -1, "intro": 0,
    "sim_rel": 1, "overlap_rel": 1,
}


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


@dataclass(frozen=True)
class Assessment:
    """Everything the decision and the answer are made from, for one question."""

    info: QueryInfo
    qvec: np.ndarray
    hits: tuple[Hit, ...]
    cands: tuple[_Cand, ...]
    features: Mapping[str, float]
    missing_names: tuple[str, ...] = ()
    quote_features: tuple[Mapping[str, float], ...] = field(default=(), repr=False)
    number_rows: frozenset[int] = frozenset()  # sentences stating a number or name the question names, which few do
    docs: tuple[str, ...] | None = None  # the documents the question is limited to (None: all)
    cover: Mapping[str, set[str]] = field(default_factory=dict, repr=False)  # each content word's counterparts


# Words that name no topic of their own: a verb saying only that something was done ("what did
# IOM do", "apa yang dilakukan IOM"), and the word for the year a question names (the year itself
# is for the year rules).
_NO_TOPIC = frozenset(analyze("do does did done doing lakukan dilakukan melakukan year years tahun"))


def where(chunk: Chunk, lang: str) -> str:
    """"§3.1.1 Instrumen, p. 45" in the reply language (estimated pages are marked in the
    sources, not inside the answer's sentences)."""
    return locate.of(chunk, lang, mark_estimated=False)


def _for_embedder(model: Model | None, embedder_id: str) -> Model | None:
    return model if model is not None and model.embedder in ("", embedder_id) else None


class Searcher(Protocol):
    """What the answerer asks of retrieval, and all it asks: the question understood, its
    vector, the best passages, glossary counterparts, loan spellings and embedding neighbours of its words
    (``retrieve.Retriever`` is one).  The answerer reads no retriever internals."""

    store: StoredCorpus
    glossary: Glossary
    embedder: Embedder  # its id says which shipped models fit these similarities

    def understand(self, question: str) -> QueryInfo: ...
    def query_vector(self, question: str, info: QueryInfo) -> np.ndarray: ...
    def search(self, question: str, k: int = 5, info: QueryInfo | None = None,
               diversify: bool | None = None, qvec: np.ndarray | None = None,
               docs: Collection[str] | None = None) -> list[Hit]: ...
    def neighbours(self, words: Sequence[str]) -> list[frozenset[str]]: ...
    def loanwords(self, words: Sequence[str]) -> list[frozenset[str]]: ...


class Answerer:
    def __init__(self, retriever: Searcher, settings: Settings, params: AnswerParams | None = None,
                 model: Model | None = None, quote_model: Model | None = None) -> None:
        self.params = params or AnswerParams()
        self.retriever = retriever
        self.store = retriever.store
        self.settings = settings
        eid = retriever.embedder.id
        # The shipped models were fitted on one embedder's similarities: another needs its own
        # (``nttqa calibrate --write``); until then sentences rank by similarity, nothing by model.
        self.model = model if model is not None else _for_embedder(load_model(), eid)
        self.quote_model = quote_model if quote_model is not None else _for_embedder(load_model(kind="quote"), eid)

        self.facts = SentenceFacts(self.store)
        # Each document's title words, in its language and in English when the corpus gives it.
        self._title_terms: dict[str, frozenset[str]] = {}
        for d in self.store.docs:
            meta = d.get("meta") if isinstance(d.get("meta"), dict) else {}
            self._title_terms[d["doc"]] = frozenset(analyze(f"{d.get('title', '')} {meta.get('title_en', '')}"))
        # Those of every document: "IOM" and "NTT" stand behind every passage, naming nothing new.
        self._any_title: frozenset[str] = frozenset().union(*self._title_terms.values())

    # --- the question's content words --------------------------------------------

    def content_words(self, question: str) -> list[str]:
        """The words that say what is asked about (not question words, stop words or numbers)."""
        out = []
        for w in re.findall(r"[A-Za-z\u00C0-\u024F][\w\u00C0-\u024F'-]*", question):
            w = w.rstrip("'-")  # a closing quote ("the 'recruitment monitoring' strategy") is no part of the word
            terms = analyze(w)
            if terms and not (set(terms) <= _META) and not w.isdigit() and (len(w) > 2 or w.isupper()):
                out.append(w)
        return out

    def counterparts(self, question: str, info: QueryInfo) -> dict[str, set[str]]:
        """Analysed terms the thesis may use for each content word: the word's own stem, its
        glossary counterparts (translations for English, abbreviation spellings both ways), and
        for an English word its Indonesian loan spelling and, when the thesis has none of these,
        its embedding neighbours."""
        words = self.content_words(question)
        glossary = self._glossary_terms(question, words, info.lang)
        out = {w: set(analyze(w)) | glossary[w] for w in words}
        if info.lang != "id":
            for w, terms in zip(words, self.retriever.loanwords(words)):
                out[w] |= terms
            lost = [w for w in words if not self.facts.known(w, out[w])]
            for w, terms in zip(lost, self.retriever.neighbours(lost)):
                out[w] |= terms
        return out

    def _glossary_terms(self, text: str, words: Sequence[str], lang: str) -> dict[str, set[str]]:
        """The analysed glossary counterparts of each of ``words`` within ``text``: those of every
        glossary phrase found in ``text`` that holds the word."""
        out: dict[str, set[str]] = {w: set() for w in words}
        for phrase, alts in self.retriever.glossary.pairs(text, lang):
            alt_terms = set().union(*(set(analyze(a)) for a in alts)) if alts else set()
            for w in words:
                if re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", phrase, re.I):
                    out[w] |= alt_terms
        return out

    def quoted_rows(self, question: str, cover: Mapping[str, set[str]]) -> frozenset[int]:
        """The sentences holding a term the question puts in quotes ("what does the 'recruitment
        monitoring' strategy involve?"), every word of it or a counterpart, when at most three do:
        the question names that thing as exactly as a rare name does."""
        out: set[int] = set()
        terms = [m.group(1) for m in _QUOTED.finditer(question)]
        # A name of several capitalised words names a thing as exactly ("Victim Assistance Fund",
        # "Dana Bantuan Korban"); the question's opening word is no part of it.
        for m in _CAPITALISED.finditer(question):
            words = m.group().split()
            if sentence_initial(question, m.start()):
                words = words[1:]
            if len(words) >= 2:
                terms.append(" ".join(words))
        for term in terms:
            words = [w for w in self.content_words(term) if w in cover]
            if not words:
                continue
            rows = [r for r, held in enumerate(self.facts.terms) if all(cover[w] & held for w in words)]
            if len(rows) <= 3:
                out.update(rows)
        return frozenset(out)

    def missing_names(self, question: str, info: QueryInfo,
                      cover: Mapping[str, set[str]] | None = None,
                      docs: Collection[str] | None = None) -> list[str]:
        """Names and acronyms the question asks about that the thesis never mentions, in any
        language: an acronym absent from the text, a capitalised word that is absent with
        all its counterparts and is no ordinary English word ("Police" is; "Papua" is not), or
        a regulation's number and year.
        ``cover``: the question's counterparts when already found (``counterparts``); ``docs``:
        the documents the question is limited to (a name another document gives is absent)."""
        found = []
        cps = cover if cover is not None else self.counterparts(question, info)
        # An acronym with a number after a hyphen is one name ("COVID-19", "G-20").
        for m in re.finditer(r"(?<![\w-])([A-Z]{2,}-\d+|[A-Z][A-Za-z]{1,}|[A-Z]{2,}[a-z]?)(?![\w-])", question):
            w = m.group(1)
            terms = set(analyze(w))
            if not terms and not w.isupper():
                continue  # a stop word ("Apa", "What") is no name
            if terms and terms <= _META:
                continue
            # Its number alone ("19") is no sign the thesis has the name.
            if self.facts.mentions(w, {t for t in cps.get(w, terms) if not t.isdigit()}, docs):
                continue
            acronym = w.isupper() and len(w) >= 2
            if not acronym:
                if sentence_initial(question, m.start()):
                    continue  # a sentence starts with a capital anyway (the second one of a question too)
                en = zipf(w.lower(), "en")
                if en >= 3.5 and en >= zipf(w.lower(), "id") and not self.retriever.glossary.lookup(w):
                    # An ordinary English word: its Indonesian counterpart may be there unseen.
                    # One the glossary translates ("Japan" -> Jepang) is absent for certain.
                    continue
            found.append(w)
        # A regulation is named by its number and year: "Perda Nomor 7 Tahun 2019" is another
        # regulation than the thesis' "Nomor 7 Tahun 2016", though it has both numbers.
        asked_regs = regulation_ids(question)
        found += [words for reg, words in asked_regs.items() if not self.facts.names_regulation(reg, docs)]
        # An article is named with its law: the thesis quotes "UU Nomor 18 Tahun 2017 Pasal (2)",
        # so "Pasal 3 UU Nomor 18 Tahun 2017" (or a "Pasal 3" of no law it names) is absent.
        regs = [reg for reg in asked_regs if self.facts.names_regulation(reg, docs)] or [None]
        for n, words in article_refs(question).items():
            if not any(self.facts.names_article(n, reg, docs) for reg in regs):
                found.append(words)
                continue
            # What the article belongs to, the words after it ("Pasal 1 konstitusi IOM", "Article
            # 1 of the IOM constitution"), stands in a sentence quoting that article: the thesis
            # quotes article 1 of two laws, not of IOM's constitution.
            m = re.search(rf"{re.escape(words)}\s+(?:(?:of|the|dari|dalam)\s+)*([\w-]+)(?:\s+([\w-]+))?", question)
            owner = [w for w in (m.groups() if m and not regs[0] else ()) if w]
            terms = {t for w in owner for t in (cps.get(w) or analyze(w))}
            if terms and not any(terms & self.facts.terms[r] for r in self.facts.article_rows.get(n, ())):
                found.append(m.group(0))
        # A month of a year is named when one sentence names both: "March 2016" is absent from a
        # thesis that gives its figures per September of each year.
        found += [words for my, words in month_years(question).items() if not self.facts.names_month(my, docs)]
        # A work is cited by its author and year: "Arif (2019)" is another work than the thesis'
        # "Arif (2016)", though the author is there.  (An author the thesis never cites is a
        # name it never mentions, found above.)
        works = {(name, year[:4]) for name, year in self.facts.cited}
        authors = {name for name, _year in works}
        for name, year in info.sources:
            if name in authors and (name, str(year)) not in works:
                said = re.search(rf"\b{re.escape(name)}\b", question, re.I)
                found.append(f"{said.group() if said else name} ({year})")
        # A word of a longer name found too is said once, in the longer one ("Mei 2018", not "Mei").
        return [w for w in dict.fromkeys(found) if not any(w != o and w in o.split() for o in found)]

    # --- evidence -------------------------------------------------------------

    def _rows_for(self, info: QueryInfo, hits: Sequence[Hit], near: Sequence[int] = (),
                  number_rows: frozenset[int] = frozenset(),
                  docs: Collection[str] | None = None) -> dict[int, tuple[int, list[int]]]:
        rows_of: dict[int, tuple[int, list[int]]] = {}
        for h in hits:
            rows_of[h.chunk.id] = (h.rank, list(self.store.sentences_of.get(h.chunk.id, [])))
        extra: list[int] = []
        if info.years and info.kind in ("list", "year"):
            # "What did IOM do in 2018?": every sentence naming the year is a candidate; not for
            # the year of a source ("What forms does Arif (2016) list?" asks nothing of 2016).
            cited = self.facts.cited_years(info.text, info.years)
            extra = [r for y in info.years if y not in cited for r in self.facts.year_rows.get(y, [])]
        if info.about:
            extra += self.facts.about_rows.get(info.about, [])
        # An asked year the thesis lacks: the sentences of the nearest years it has, for a partial answer.
        extra += [r for y in near for r in self.facts.year_rows.get(y, [])]
        extra += sorted(number_rows)
        for row in extra:
            cid = self.store.sentences[row][0]
            if docs and self.store.chunks[cid].doc not in docs:
                continue  # the question is limited to other documents
            rank, rows = rows_of.setdefault(cid, (len(hits) + 1, []))
            if row not in rows:
                rows.append(row)
        return rows_of

    def _quote_features(self, row: int, sim: float, sim_z: float, rank: int, info: QueryInfo,
                        cover: Mapping[str, set[str]]) -> dict[str, float]:
        cid, s, e = self.store.sentences[row]
        text = self.facts.text(row)
        hit = sum(1 for w, ts in cover.items() if self.facts.holds(w, ts, row))
        length = e - s
        kind = info.kind
        return {
            "sim": sim, "sim_z": sim_z, "overlap": hit / max(1, len(cover)), "rank": float(min(rank - 1, 8)),
            "year_match": float(self.facts.names_year(row, info)),
            "qty_fig": float(kind == "figure" and self.facts.states_measure(row, info)),
            "def_def": float(kind == "definition" and self.facts.defines[row]),
            "date_when": float(kind == "year" and self.facts.states_date(row, info)),
            "ref_cite": float(kind == "citation" and bool(self.facts.sentence_refs(row))),
            "number_match": float(any(n in text for n in info.numbers if len(n) > 1)),
            "abstract": float(cid in self.facts.abstract),
            "abstract_en": float(cid in self.facts.abstract_en and info.lang == "en"),
            "short": float(length < 40),
            "long": max(0.0, (length - self.params.long_sentence) / self.params.long_sentence),
            "intro": float(bool(_INTRODUCES.search(text))),
        }

    def assess(self, question: str, k: int = 5, docs: Collection[str] | None = None) -> Assessment:
        """Retrieve, score candidate sentences and compute the decision features; ``docs``
        limits the question to those documents."""
        info = self.retriever.understand(question)
        qvec = self.retriever.query_vector(question, info)
        hits = tuple(self.retriever.search(question, max(k, 6), info=info, qvec=qvec, docs=docs))
        sv = self.store.sentence_vectors
        all_sims = sv @ qvec if len(sv) else np.zeros(0, np.float32)
        mu, sd = (float(all_sims.mean()), float(all_sims.std()) or 1.0) if len(all_sims) else (0.0, 1.0)
        cover = self.counterparts(question, info)
        rows: list[tuple[int, int, int, dict[str, float]]] = []
        docs = tuple(docs) if docs else None
        near = self.facts.near_years(self.facts.absent_years(question, info, docs), self.params.partial_window,
                                     docs) if info.years else []
        # An English word capitalised in a name ("Law No. 18", "the Social Ministry") whose
        # Indonesian counterpart the thesis writes in lower case ("hukum") is a common noun: it
        # does not point at the few sentences that hold it in an English name ("International Law").
        common = {w.lower() for w, ts in cover.items()
                  if info.lang != "id" and w[:1].isupper() and (ts - set(analyze(w))) & self.facts.common_terms}
        # "Apa isi BAB III?": the outline's sentence on chapter III is the exact answer ("BAB III"
        # read as a capitalised name would pin any sentence naming it).
        number_rows = self.facts.outline_rows(info) or (
            self.facts.rare_number_rows(info) | self.facts.rare_name_rows(question, common)
            | self.quoted_rows(question, cover))
        seen: set[str] = set()
        for cid, (rank, srows) in self._rows_for(info, hits, near, number_rows, docs).items():
            for row in srows:
                # The same sentence in a second document (a thesis added twice, a copy) is no
                # second piece of evidence: it would crowd the best sentences the decision weighs.
                text = self.facts.text(row)
                if text in seen:
                    continue
                seen.add(text)
                sim = float(all_sims[row])
                rows.append((cid, row, rank, self._quote_features(row, sim, (sim - mu) / sd, rank, info, cover)))
        top_sim = max((f["sim"] for *_x, f in rows), default=0.0)
        top_overlap = max((f["overlap"] for *_x, f in rows), default=0.0)
        cands: list[_Cand] = []
        qfeats: list[dict[str, float]] = []
        for cid, row, rank, f in rows:
            f["sim_rel"] = f["sim"] - top_sim
            f["overlap_rel"] = f["overlap"] - top_overlap
            _cid, s, e = self.store.sentences[row]
            score = self.quote_model.probability(f, logit=True) if self.quote_model else 10 * f["sim"]
            cands.append(_Cand(row, self.store.chunks[cid], s, e, score, f["sim"], rank))
            qfeats.append(f)
        # Sentences stating the rare number or name the question gives come first: they are
        # quoted first, so the decision weighs them as the best sentences too.
        order = sorted(range(len(cands)), key=lambda i: (cands[i].row not in number_rows, -cands[i].score))
        cands = [cands[i] for i in order]
        qfeats = [qfeats[i] for i in order]
        missing = self.missing_names(question, info, cover, docs)
        feats = self._features(question, info, hits, cands, all_sims, cover, missing, number_rows)
        return Assessment(info, qvec, hits, tuple(cands), feats, tuple(missing), tuple(qfeats), number_rows, docs,
                          cover)

    def _features(self, question: str, info: QueryInfo, hits: Sequence[Hit], cands: Sequence[_Cand],
                  all_sims: np.ndarray, cover: Mapping[str, set[str]], missing: Sequence[str],
                  pinned: frozenset[int] = frozenset()) -> dict[str, float]:
        top = np.sort(all_sims)[::-1] if len(all_sims) else np.zeros(1)
        sd = float(all_sims.std()) if len(all_sims) else 1.0
        best = cands[:3]
        words = list(cover)
        lang = info.lang if info.lang in ("en", "id") else "en"
        info_of = {w: information(w, lang) for w in words}
        total = sum(info_of.values()) or 1.0
        known = [w for w in words if self.facts.known(w, cover[w])]

        def has(w: str, row: int) -> bool:
            return self.facts.holds(w, cover[w], row)

        def covered(row: int, weight: Mapping[str, float] = info_of) -> float:
            return sum(weight[w] for w in words if has(w, row))

        in_best = [w for w in words if any(has(w, c.row) for c in best)]
        names = set(missing)
        absent = [w for w in words if w not in known and w not in names]
        needs = self._needs(info, pinned, cover)
        # An abstract restates the thesis without the figures, names and sources it draws on:
        # what the type needs is looked for among the best sentences of the body.
        body = [c for c in cands if c.chunk.id not in self.facts.abstract][:3] or best
        if info.wants or info.kind == "figure":
            body = body[:self.params.need_sentences]
        spec = {w: self.facts.specificity(w, cover[w]) for w in words}
        # A part of the thesis asked about ("what is meant by the framework?", "apa yang dimaksud
        # subjek penelitian") is answered by what that part says, not by a sentence defining its words.
        part = info.parts or (info.term and self.facts.titles_section(info.term))
        term = [w for w in self.content_words(info.term) if w in cover] if info.term and not part else []
        if term and not info.wants:
            # A definition defines the term asked about: "How does the thesis define people
            # smuggling?" is not answered by its definition of trafficking.  The term's most
            # specific word, or a counterpart in either language (a term is often English inside
            # an Indonesian question), stands in the defining sentence.
            # An acronym the thesis has names the term most exactly ("IOM as an intergovernmental
            # organisation (IGO)" is defined where "IGO" is, spelled out in other words).
            acronyms = [w for w in term if w.isupper() and len(w) >= 2 and self.facts.known(w, cover[w])]
            key = max(acronyms or term, key=lambda w: spec[w])
            terms = cover[key] | self._glossary_terms(info.term, [key], "en")[key]
            # An acronym's spelling-out defines that acronym, not the words around it.
            defines = self.facts.defines if key.isupper() else self.facts.defines_in_words
            needs = lambda r: defines[r] and bool(terms & self.facts.terms[r])  # noqa: E731
        lacking = needs is not None and not any(needs(c.row) for c in body)
        bm25 = max((h.lexical or 0.0 for h in hits), default=0.0)
        spec_total = sum(spec.values()) or 1.0
        return {
            "sim_max": float(top[0]),
            "sim_z": float((top[0] - all_sims.mean()) / (sd or 1.0)) if len(all_sims) else 0.0,
            "fused_top": float(hits[0].score) if hits else 0.0,
            "bm25_top": float(np.log1p(max(0.0, bm25))),
            "cov_corpus": sum(info_of[w] for w in known) / total if words else 1.0,
            "cov_one": max((covered(c.row) for c in cands[:5]), default=0.0) / total if words else 1.0,
            "miss_info": sum(info_of[w] for w in absent),
            "missing_names": float(len(missing)),
            "needs_missing": float(lacking),
            "intent": float(bool(info.intent)),
            "spec_best": sum(spec[w] for w in in_best) / spec_total if words else 1.0,
            "spec_one": max((covered(c.row, spec) for c in cands[:5]), default=0.0) / spec_total if words else 1.0,
            "spec_miss": sum(spec[w] for w in words if w not in in_best),
            "is_en": float(info.lang == "en"),
        }

    def _needs(self, info: QueryInfo, pinned: frozenset[int] = frozenset(),
               cover: Mapping[str, set[str]] | None = None) -> Callable[[int], object] | None:
        """What a sentence must state to answer this type of question (a quantity in the asked
        measure, a definition, a date, a source, a person's name, a place); None when any sentence
        may.  ``cover``: the question's words and their counterparts (none of them a new place; a
        quantity asked of a name stands in a passage naming it)."""
        cover = cover or {}
        given = {t for terms in cover.values() for t in terms}
        # A rare name or number the question gives: "Berapa lama hukuman bagi pelaku kasus X?" is
        # answered in a sentence about X, not by a duration said of something else.  The passage
        # goes on about X for a few sentences after naming it once ("... bernama X." "Ibu dari
        # sang anak ... menerima ... Rp 1,5 juta"): those count as about X too.
        about = self.facts.following(pinned, 3)

        def on_topic(r: int) -> bool:
            return not about or r in about

        def anchored(r: int) -> bool:
            # For a year the question names, what it asks for must stand in a sentence naming it:
            # "Who was the head of IOM in 2015?" is not answered by a name given for 2001.
            return on_topic(r) and (not info.years or self.facts.names_year(r, info))

        if info.wants == "contact":
            return lambda r: self.facts.states_contact(r) and anchored(r)
        if info.wants == "statement":
            return lambda r: self.facts.states_statement(r) and anchored(r)
        if info.wants == "end":
            return lambda r: self.facts.states_date(r, info) and self.facts.states_end(r) and anchored(r)
        if info.wants == "title":
            return lambda r: self.facts.states_title(r) and anchored(r)
        if info.wants == "funder":
            return lambda r: self.facts.states_funder(r) and anchored(r)
        if info.wants == "person":
            return lambda r: self.facts.states_person(r, info) and anchored(r)
        if info.wants == "place":
            return lambda r: self.facts.states_place(r, info, given) and anchored(r)
        if info.wants == "organisation":
            # "IOM" and "NTT" stand in every passage: no answer to "which NGO ...?".
            return lambda r: self.facts.states_organisation(r, info, given | self._any_title) and anchored(r)
        if info.wants == "page":
            # The page a cited work says it on: the thesis cites "(Goma 2020, 40)" with one and
            # "(Archer 2001)" without.  A question naming no source the thesis cites asks for the
            # thesis' own page, which every citation gives.
            authors = {name for name, _year in self.facts.cited} & {w.lower() for w in re.findall(r"[A-Z][\w-]+", info.text)}
            if not authors:
                return None
            return lambda r: any(ref.split()[0].lower().strip(",") in authors and "," in ref
                                 for ref in self.facts.sentence_refs(r)) and anchored(r)
        if info.wants == "number":
            return lambda r: self.facts.states_number(r, info) and anchored(r)
        if info.wants == "rank":
            return lambda r: self.facts.states_rank(r) and anchored(r)
        # A name the question gives stands in the passage that answers: "the poverty rate in
        # Kupang district" is not the province's rate, and "When did IOM open its office in
        # Kupang?" is not answered by the year IOM was founded in Geneva.
        names = self._qualifying_names(info, cover)

        def named(r: int) -> bool:
            return all(terms & self.facts.chunk_terms[self.store.sentences[r][0]] for _w, terms in names)

        if info.wants or info.kind == "figure":
            # A share, a sum of money, a duration or a count, even in "what was the budget in
            # 2017?"; for a year the question names, in a sentence (or table) that names it, and in
            # a list, in the item that names it.
            # A group of people the question asks the figure of stands in the sentence stating
            # it: "how many of the victims were men?" is not answered by the victims' total.
            groups = [frozenset(t for w in said for t in analyze(w)) for said in population_groups(info.text)]
            noun = counted_noun(info.text) if info.wants in ("count", "") else ""
            counted = frozenset(cover.get(noun) or analyze(noun)) if noun else frozenset()
            return lambda r: (self.facts.states_measure(r, info, in_year=bool(info.years), groups=groups,
                                                        counted=counted) and on_topic(r) and named(r))
        # A year named without "when" asks what happened then, in a sentence naming it or going
        # on from one ("Dimana, pada pembuatan buku panduan ini ..." after "pada tahun 2016 ..."):
        # "What did the 2019 village regulation regulate?" is not answered by the 2018 one.
        then = (self.facts.following(frozenset(r for y in info.years for r in self.facts.year_rows.get(y, ())), 2)
                if info.years and not WHEN.search(info.text) else None)
        return {"definition": self.facts.defines.__getitem__,
                "year": lambda r: (self.facts.states_date(r, info) and on_topic(r) and named(r)
                                   and (then is None or r in then or self.facts.names_year(r, info))),
                "citation": self.facts.sentence_refs}.get(info.kind)

    def _unsaid_names(self, info: QueryInfo, cover: Mapping[str, set[str]], rows: Collection[int]) -> list[str]:
        """The names the question gives (``_qualifying_names``) that none of ``rows`` holds."""
        if not rows:
            return []
        return [w for w, terms in self._qualifying_names(info, cover)
                if not any(terms & self.facts.terms[r] for r in rows)]

    def _qualifying_names(self, info: QueryInfo, cover: Mapping[str, set[str]]) -> list[tuple[str, set[str]]]:
        """Each name the question gives (a capitalised word that does not open it and that the
        corpus never writes in lower case), as written, with its counterparts; not the words of a
        document's title ("NTT", "IOM" stand behind every passage)."""
        out: list[tuple[str, set[str]]] = []
        for m in re.finditer(r"(?<![\w-])[A-Z][\w-]*", info.text):
            terms = cover.get(m.group())
            if (terms and not sentence_initial(info.text, m.start()) and not terms & self._any_title
                    and m.group().lower() not in self.facts.common):  # "Nomor", "Pasal" are no names
                # A name the corpus writes as it stands is looked for as written: "Bakamla", not
                # any word of "Badan Keamanan Laut" ("badan" stands in every other passage).  Not an
                # English word ("Union", "Workers"): the thesis has it in its English abstract and
                # its counterpart ("serikat") where it speaks of the thing.
                own = set(analyze(m.group()))
                exact = own and all(self.facts.term_df.get(t, 0) for t in own) and zipf(m.group().lower(), "en") < 3.0
                out.append((m.group(), own if exact else terms))
        return out

    def _select(self, cands: Sequence[_Cand], info: QueryInfo, pinned: frozenset[int] = frozenset()) -> list[_Cand]:
        """The sentences to quote; ``pinned`` ones (stating a number or a rare name the question names) first."""
        if not cands:
            return []
        p = self.params
        if pinned:
            named = [c for c in cands if c.row in pinned]
            # "What does the thesis say about Malaysia?" is answered by what it says of Malaysia alone,
            # "Apa isi bab 3?" by what the outline says of chapter 3 alone.
            alone = info.what_is_said or (info.about == "structure" and bool(info.chapters))
            cands = named if named and alone else named + [c for c in cands if c.row not in pinned]
        sv = self.store.sentence_vectors
        asked = set(info.years)
        many = info.kind in ("list", "summary") or info.list_size > 1 or bool(info.about)
        limit = p.list_sentences if many else p.max_sentences
        margin = p.list_margin if many else p.margin
        if info.about and not info.parts and info.kind not in ("section", "citation"):
            # A question about the document itself is answered from the sections that say it
            # (its conclusion from the conclusion, its method from the method), not from any
            # sentence that happens to say "skripsi ini".  Not when it asks where that is said or
            # its source, or names the part to answer from ("the conclusion of the framework").
            about = set(self.facts.about_rows.get(info.about, ()))
            if any(c.row in about for c in cands):
                cands = [c for c in cands if c.row in about]
        if pinned and not many:
            # "How much did X's mother receive?": the sentence about X that states the amount
            # comes first, before the one that only names X.
            needs = self._needs(info, pinned)
            stating = [c for c in cands if needs(c.row)] if needs is not None else []
            if stating:
                cands = stating + [c for c in cands if c not in stating]
        if asked and info.kind in ("list", "year", "figure"):
            # A question about a year is answered by sentences that name that year.
            named = [c for c in cands if self.facts.names_year(c.row, info)]
            if named:
                cands = named
                margin = max(margin, p.year_list_margin)
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
        # A sentence that introduces a definition or a list ("... diantaranya:") brings what follows;
        # so does the best sentence whose next one goes on about it ("Sirih pinang sendiri ...").
        have = {c.row for c in chosen}
        ordered: list[_Cand] = []
        for k, c in enumerate(chosen):
            ordered.append(c)
            after = [r for r in self.store.sentences_of.get(c.chunk.id, []) if r > c.row]
            if _INTRODUCES.search(c.text):
                brings = self._list_after(c.chunk, after, 4)
            elif k == 0 and not many and after and _GOES_ON.match(self.facts.text(after[0])):
                brings = [(after[0], c.chunk)]
            else:
                continue
            for r, chunk in brings:
                if r not in have:
                    have.add(r)
                    _cid, s, e = self.store.sentences[r]
                    ordered.append(_Cand(r, chunk, s, e, c.score, c.sim, c.rank))
        if many:
            # A list or a summary reads in the document's order; a short answer puts its best
            # sentence first (a name asked for is not hidden behind an abstract sentence).
            ordered.sort(key=lambda c: (c.chunk.id, c.start))
        return ordered

    def _list_after(self, chunk: Chunk, after: Sequence[int], n: int) -> list[tuple[int, Chunk]]:
        """Up to ``n`` sentences after an introducing one (rows ``after`` it in ``chunk``), with
        their passages: a list that runs past the passage's end ("... diantaranya:" closing one
        passage, "A. ...; B." and "C. ..." opening the next two) goes on into the next passage of
        the section while its last item ends on ";"."""
        out = [(r, chunk) for r in after[:n]]
        while len(out) < n and (not out or self.facts.text(out[-1][0]).rstrip().endswith((";", ":"))):
            chunk, rows = self._next_in_section(chunk)
            if not rows:
                break
            out += [(r, chunk) for r in rows[:n - len(out)]]
        return out

    def _next_in_section(self, chunk: Chunk) -> tuple[Chunk, list[int]]:
        """The passage after ``chunk`` in the same section and its sentence rows; ``chunk`` and
        no rows when the section ends there."""
        chunks = self.store.chunks
        nxt = chunk.id + 1
        if nxt >= len(chunks) or chunks[nxt].doc != chunk.doc or chunks[nxt].section != chunk.section:
            return chunk, []
        return chunks[nxt], list(self.store.sentences_of.get(nxt, []))

    # --- the decision ---------------------------------------------------------------

    def probability(self, a: Assessment) -> float:
        """Calibrated P(the thesis answers the question); the best similarity when no model ships."""
        if self.model is None:
            return float(a.features.get("sim_max", 0.0))
        return self.model.probability(a.features)

    def decide(self, question: str, a: Assessment) -> tuple[str, tuple[str, ...], float]:
        """(reason code, its arguments, P(answerable)); the code is "" when the thesis answers."""
        p = self.probability(a)
        ruled = self.rule(question, a)
        if ruled is None:
            if p < self.threshold:
                # Say what was missing when it was what the question asks for (a person's words,
                # who paid, a place, a figure, ...), not merely that the topic is not covered.
                info = a.info
                want = info.wants or (info.kind if info.kind in ("definition", "year", "citation") else "")
                return "not_covered", ((f"{p:.0%}", want) if want and a.features["needs_missing"] else (f"{p:.0%}",)), p
            return "", (), p
        code, args = ruled
        if not code:
            return "", (), max(p, self.threshold)
        # A rule's refusal is certain: its confidence stays below the model's threshold.
        return code, args, min(p, 0.99 * self.threshold)

    def rule(self, question: str, a: Assessment) -> tuple[str, tuple[str, ...]] | None:
        """What the exact rules decide: (reason code, arguments), the code "" for a question
        that is always answered; None leaves the question to the model."""
        info = a.info
        if not a.cands:
            return "no_passage", ()
        if info.intent:
            return f"intent_{info.intent}", ()
        if self._meta_gap(question):
            return "meta_absent", ()
        if info.about and not a.features["miss_info"]:
            # The document always answers questions about itself, unless they name what it never
            # mentions ("rekomendasi laptop" is not about the thesis' recommendations), or a name
            # the part that answers never gives: "rekomendasi untuk pemerintah Malaysia" (the
            # recommendations address the province and the central government only).
            unsaid = self._unsaid_names(info, a.cover, self.facts.about_rows.get(info.about, ()))
            if unsaid and not a.missing_names:
                return "about_absent", (", ".join(unsaid),)
            return "", ()
        if info.parts and not self.content_words(without_parts(question)) and any(
                is_part(f"{h.chunk.chapter} {h.chunk.section_title}".lower(), info.parts) for h in a.hits[:1]):
            # "What is the theoretical framework?", "Apa isi tinjauan pustaka?": a question that
            # asks for a part of the thesis and nothing within it is answered by that part.
            return "", ()
        absent = self.facts.absent_years(question, info, a.docs)
        if info.what_is_said and not absent and not a.missing_names and any(
                not a.docs or self.store.chunks[self.store.sentences[r][0]].doc in a.docs for r in a.number_rows):
            # "What does the thesis say about Malaysia?": the few sentences naming it are the answer.
            return "", ()
        if absent:
            near = self.facts.near_years(absent, self.params.partial_window, a.docs)
            if near:
                return "year_partial", (years_text(absent), years_text(near))
            return "year_absent", (years_text(absent), years_text(self.facts.span(a.docs)))
        if a.missing_names:
            return "name_absent", (", ".join(a.missing_names),)
        if info.parts and not a.features["needs_missing"] and any(
                is_part(f"{h.chunk.chapter} {h.chunk.section_title}".lower(), info.parts) for h in a.hits[:1]):
            # "Di tinjauan pustaka, IOM digambarkan sebagai apa?": a question that names a part of
            # the thesis is answered from it, as one about the document itself is, when it names
            # nothing the thesis lacks (the rules above) and what it asks for is there.
            return "", ()
        if a.hits and self._asks_the_title(question, a):
            # "Apa peran IOM di NTT?" is what the whole thesis answers: its words are in every
            # passage, so no passage stands out and the scores read low, yet it is always answered.
            return "", ()
        return None

    def _asks_the_title(self, question: str, a: Assessment) -> bool:
        """Every word the question asks about is a word of a document's title (in either language,
        counterparts included): it asks what the thesis itself is about."""
        # "What did IOM do in 2018?", "Apa yang dilakukan IOM pada tahun 2018?" ask about IOM alone.
        words = [w for w in self.content_words(question) if not set(analyze(w)) <= _NO_TOPIC]
        if not words:
            return False
        return any(all(a.cover.get(w, set(analyze(w))) & terms for w in words)
                   for d, terms in self._title_terms.items() if not a.docs or d in a.docs)

    @property
    def threshold(self) -> float:
        if self.settings.refuse_below:
            return float(self.settings.refuse_below)
        return self.model.threshold if self.model is not None else 0.0

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
                group = sorted(by_chunk[c.chunk.id], key=lambda g: g.start)  # a passage's sentences in its order
                quote = " ".join(g.text for g in group)
                refs = tuple(dict.fromkeys(r for g in group for r in self.facts.sentence_refs(g.row)))
                cites.append(_citation(num[c.chunk.id], c.chunk, quote, refs))
            markers.append(num[c.chunk.id])
        return cites, markers

    def _compose(self, chosen: Sequence[_Cand], markers: Sequence[int], lang: str, info: QueryInfo,
                 lead: str = "") -> str:
        if len(chosen) == 1 and not lead:
            c = chosen[0]
            return f"{message(lang, self._says('according'))} ({where(c.chunk, lang)}): \u201c{c.text}\u201d [{markers[0]}]"
        intro = lead or (message(lang, self._says("list_intro")) if info.kind in ("list", "summary") or info.about
                         else f"{message(lang, self._says('according'))}:")
        lines = [intro]
        for c, m in zip(chosen, markers):
            lines.append(f"- \u201c{c.text}\u201d [{m}] ({where(c.chunk, lang)})")
        return "\n".join(lines)

    def _says(self, key: str) -> str:
        """ "According to the thesis" for one document; "... the documents" for a library."""
        return f"{key}_docs" if len(self.store.docs) > 1 else key

    def _refusal(self, question: str, lang: str, a: Assessment, code: str, args: tuple[str, ...],
                 p: float) -> Answer:
        text = " ".join([message(lang, self._says("refuse")), reason_text(lang, code, args), message(lang, "refuse_tail")])
        return Answer(question=question, text=text, language=lang, refused=True, related=a.hits[:3],
                      confidence=p, reason=code, reason_args=args)

    def _partial(self, question: str, lang: str, a: Assessment, args: tuple[str, ...], p: float) -> Answer:
        """The asked year is not covered but a neighbouring one is: say so, and quote what is there."""
        near = {int(y) for y in re.findall(r"\d{4}", args[1])}
        rows = [r for y in sorted(near) for r in self.facts.year_rows.get(y, [])]
        scored = {c.row: c for c in a.cands}
        pool = [scored[r] for r in rows if r in scored]
        if not pool:
            return self._refusal(question, lang, a, "year_partial", args, p)
        chosen = self._select(sorted(pool, key=lambda c: -c.score), replace(a.info, kind="list", years=()),
                              a.number_rows)
        cites, markers = self._citations(chosen, lang)
        lead = " ".join([reason_text(lang, "year_partial", args), message(lang, "partial_tail")])
        text = self._compose(chosen, markers, lang, a.info, lead=lead)
        return Answer(question=question, text=text, language=lang, refused=True, citations=tuple(cites),
                      related=a.hits[:3], confidence=p, reason="year_partial", reason_args=args, partial=True)

    def answer(self, question: str, k: int = 5, mode: str = "extractive", lang: str | None = None,
               on_token: Callable[[str], None] | None = None, docs: Collection[str] | None = None) -> Answer:
        a = self.assess(question, k, docs)
        info = a.info
        reply_lang = lang if lang in ("id", "en") else (info.lang if info.lang in ("id", "en") else "en")
        code, args, p = self.decide(question, a)
        if code == "year_partial":
            return self._partial(question, reply_lang, a, args, p)
        if code:
            return self._refusal(question, reply_lang, a, code, args, p)
        chosen = self._select(a.cands, info, a.number_rows)
        cites, markers = self._citations(chosen, reply_lang)
        text = self._compose(chosen, markers, reply_lang, info)
        extractive = Answer(question=question, text=text, language=reply_lang, refused=False,
                            citations=tuple(cites), related=a.hits[:k], confidence=p)
        if mode == "llm":
            return self._llm(question, reply_lang, a.hits[:k], info, a.qvec, extractive, on_token)
        return extractive

    def _meta_gap(self, question: str) -> str:
        """Questions about the document's author, university or supervisor that its metadata cannot answer."""
        if not _ABOUT_AUTHOR.search(question):
            return ""
        for d in self.store.docs:
            meta = d.get("meta") or {}
            if meta.get("author") or meta.get("institution"):
                return ""
        return "meta_absent"

    # --- LLM writer -------------------------------------------------------------

    def _llm(self, question: str, lang: str, hits: Sequence[Hit], info: QueryInfo, qvec: np.ndarray,
             fallback: Answer, on_token: Callable[[str], None] | None) -> Answer:
        from nttqa.llm import LLMConfig, Passage, write_answer

        s = self.settings
        if not (s.llm_base_url and s.llm_model):
            return _with_notice(fallback, message(
                lang, "fallback", why="no endpoint configured (set NTTQA_LLM_BASE_URL and NTTQA_LLM_MODEL)"))
        config = LLMConfig(s.llm_base_url, s.llm_model, api_key=llm_api_key(), timeout=s.llm_timeout)
        passages = [Passage(i, h.chunk.text, where(h.chunk, lang)) for i, h in enumerate(hits, 1)]
        result = write_answer(question, lang, passages, config, on_token=on_token)
        if result.error:
            return _with_notice(fallback, message(lang, "fallback", why=result.error))
        if result.refused:
            return Answer(question=question, text=" ".join([message(lang, self._says("refuse")), message(lang, "refuse_tail")]),
                          language=lang, refused=True, related=tuple(hits[:3]), mode="llm",
                          confidence=fallback.confidence)
        if not result.cited:
            return _with_notice(fallback, message(lang, "fallback", why=message(lang, "nocite")))
        cites = []
        for n in result.cited:
            chunk = hits[n - 1].chunk
            quote = self._best_sentence(chunk, qvec)
            cites.append(_citation(n, chunk, quote, tuple(r.key for r in find_refs(quote))))
        return Answer(question=question, text=result.text, language=lang, refused=False, citations=tuple(cites),
                      related=tuple(hits), mode="llm", confidence=fallback.confidence)

    def _best_sentence(self, chunk: Chunk, qvec: np.ndarray) -> str:
        rows = self.store.sentences_of.get(chunk.id, [])
        if not rows:
            return chunk.text
        sims = self.store.sentence_vectors[rows] @ qvec
        _cid, s, e = self.store.sentences[rows[int(np.argmax(sims))]]
        return chunk.text[s:e]


_ABOUT_AUTHOR = re.compile(
    r"\b(who (?:wrote|is the author|authored|supervised)|author of (?:this|the) (?:thesis|study)|author's name|"
    r"which university|what university|supervisor|advis[oe]r|siapa (?:penulis|pengarang|yang menulis)|"
    r"penulis skripsi|nama penulis|ditulis oleh|universitas (?:mana|apa)|nama universitas|dosen pembimbing|"
    r"pembimbing skripsi)\b", re.I)



def _citation(n: int, chunk: Chunk, quote: str, refs: tuple[str, ...]) -> Citation:
    return Citation(n=n, doc=chunk.doc, chapter=chunk.chapter, section=chunk.section,
                    section_title=chunk.section_title, pages=chunk.pages, pages_estimated=chunk.pages_estimated,
                    quote=quote, refs=refs, chunk_id=chunk.id, passage=chunk.text, lang=chunk.lang,
                    pdf_pages=chunk.pdf_pages)


def _with_notice(a: Answer, notice: str) -> Answer:
    return replace(a, notice=notice)
