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
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from nttqa.embed import Embedder
from nttqa.index import IndexStore, analyze
from nttqa.query import Glossary, QueryInfo, analyze_question
from nttqa.types import Chunk, Hit


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


def _rrf(*rankings: np.ndarray, k: int = 60) -> np.ndarray:
    out = np.zeros_like(rankings[0], dtype=np.float64)
    for scores in rankings:
        order = np.argsort(-scores, kind="stable")
        ranks = np.empty_like(order)
        ranks[order] = np.arange(len(order))
        out += 1.0 / (k + ranks + 1)
    return out


# A four-digit number not inside a citation: not "(Goma, 2016)", not "2016, 36", not "2016,5".
_NAMED_YEAR = re.compile(r"(?<![\d(,]\s)(?<!\d)(\d{4})(?![\d,])(?!\s*,\s*\d)")


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
                 params: RetrievalParams | None = None) -> None:
        self.store = store
        self.embedder = embedder
        self.glossary = glossary
        self.params = params or RetrievalParams()
        self._chunks = store.chunks
        self._has_number = np.array([bool(re.search(r"\d+(?:[.,]\d+)?\s*(?:%|orang|persen|ribu)", c.text))
                                     for c in self._chunks], dtype=bool)
        self._is_table = np.array([c.kind == "table" for c in self._chunks], dtype=bool)
        self._chapter = np.array([_chapter_number(c) for c in self._chunks])
        self._is_abstract = np.array([c.chapter.upper() in ("ABSTRAK", "ABSTRACT") for c in self._chunks], dtype=bool)
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
        """The question's embedding; abbreviations are spelled out for the dense model too."""
        qtext = question
        if self.params.use_expansion and info.expansions and info.abbreviations:
            longs = [e for e in self.useful_expansions(info) if len(e) > 6 and e[:1].isupper()][:3]
            qtext = question + (" (" + "; ".join(longs) + ")" if longs else "")
        return self.embedder.embed_queries([qtext])[0]

    def score_all(self, question: str, info: QueryInfo | None = None,
                  qvec: np.ndarray | None = None) -> tuple[np.ndarray, dict[str, np.ndarray], QueryInfo, np.ndarray]:
        """Final score of every chunk, the component scores, the query info and the query vector."""
        p = self.params
        info = info or self.understand(question)
        n = len(self._chunks)
        if n == 0:
            return np.zeros(0), {}, info, np.zeros(0, np.float32)
        if qvec is None:
            qvec = self.query_vector(question, info)
        lex = self.store.lexical_scores(analyze(question))
        exp = np.zeros(n, np.float32)
        phrases = self.useful_expansions(info) if p.use_expansion else []
        if phrases:
            exp = self.store.lexical_scores(analyze(" ".join(phrases)))
        ids = self._candidates(qvec, lex + p.expansion_weight * exp) if self.store.approximate else None
        dense = self.store.dense_scores(qvec, ids)
        refs: dict[str, np.ndarray] = {}
        if ids is not None:
            # Candidates are the best chunks, so their own mean and spread would distort the
            # z-scores: normalise with statistics from a fixed sample of all chunks instead.
            sample = self._sample
            refs = {"dense": self.store.dense_scores(qvec, sample),
                    "lexical": lex + p.expansion_weight * exp}
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

    def _boosts(self, info: QueryInfo, question: str) -> np.ndarray:
        p = self.params
        n = len(self._chunks)
        b = np.zeros(n, np.float64)
        if info.years:
            # A chunk that names the asked year (outside a citation) ranks up.
            asked = set(info.years)
            named = self._term_counts(asked, self._year_chunks)
            hit = named > 0
            b[hit] += p.year_boost * named[hit] / len(asked)
        if info.chapters and info.kind in ("section", "summary"):
            b += p.section_boost * np.isin(self._chapter, list(info.chapters))
        if info.sections:
            for i, c in enumerate(self._chunks):
                if any(c.section == s or c.section.startswith(s + ".") for s in info.sections):
                    b[i] += p.section_boost
        if info.section_words:
            words = set(analyze(" ".join(info.section_words)))
            b[self._term_counts(words, self._title_chunks) > 0] += p.section_boost
        if info.kind == "figure":
            b += p.figure_boost * (self._has_number | self._is_table)
        if info.kind != "summary":
            b -= p.summary_penalty * self._is_abstract
        if p.title_boost and info.kind in ("section", "summary", "list", "definition"):
            q = set(analyze(question + " " + " ".join(self.useful_expansions(info))))
            shared = self._term_counts(q, self._title_chunks)
            hit = shared > 0
            b[hit] += p.title_boost * shared[hit] / self._title_size[hit]
        return b

    def _term_counts(self, terms: set, postings: dict) -> np.ndarray:
        """How many of ``terms`` each chunk has, from a term -> chunk positions map."""
        counts = np.zeros(len(self._chunks), np.float64)
        for t in terms:
            rows = postings.get(t)
            if rows:
                counts[rows] += 1
        return counts

    def search(self, question: str, k: int = 5, info: QueryInfo | None = None,
               diversify: bool | None = None, qvec: np.ndarray | None = None) -> list[Hit]:
        fused, comps, info, _q = self.score_all(question, info, qvec)
        if fused.size == 0:
            return []
        order = list(np.argsort(-fused, kind="stable"))
        if diversify is None:
            diversify = self.params.use_boosts and info.kind == "list"
        if diversify:
            order = self._mmr(order[: self.params.candidates], fused, k)
        hits = []
        for rank, i in enumerate(order[:k], start=1):
            hits.append(Hit(self._chunks[i], float(fused[i]), rank, float(comps["dense"][i]),
                            float(comps["lexical"][i])))
        return hits

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
