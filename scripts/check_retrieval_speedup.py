"""Check that the retriever's speed-up changed nothing: the per-query loops over every chunk
(year matching, title terms, MMR) are kept here as they were, and both versions must give
bit-identical fused scores and the same hits on ~170 templated questions (every question kind).

    python scripts/check_retrieval_speedup.py          # uses the committed index/
"""
import json, time, re
import numpy as np
from nttqa.config import load_settings
from nttqa.pipeline import Pipeline
from nttqa.retrieve import Retriever
from nttqa.index import analyze

class OldRetriever(Retriever):
    """_boosts and _mmr exactly as before the speed-up (loops over every chunk)."""
    def _boosts(self, info, question):
        p = self.params
        n = len(self._chunks)
        b = np.zeros(n, np.float64)
        if info.years:
            asked = set(info.years)
            for i, c in enumerate(self._chunks):
                hits = [y for y in asked if re.search(rf"(?<![\d(,]\s)(?<!\d){y}(?![\d,])(?!\s*,\s*\d)", c.text)]
                if hits:
                    b[i] += p.year_boost * len(hits) / len(asked)
        if info.chapters and info.kind in ("section", "summary"):
            b += p.section_boost * np.isin(self._chapter, list(info.chapters))
        if info.sections:
            for i, c in enumerate(self._chunks):
                if any(c.section == s or c.section.startswith(s + ".") for s in info.sections):
                    b[i] += p.section_boost
        if info.section_words:
            words = set(analyze(" ".join(info.section_words)))
            for i, terms in enumerate(self._title_terms):
                if words & terms:
                    b[i] += p.section_boost
        if info.kind == "figure":
            b += p.figure_boost * (self._has_number | self._is_table)
        if info.kind != "summary":
            b -= p.summary_penalty * self._is_abstract
        if p.title_boost and info.kind in ("section", "summary", "list", "definition"):
            q = set(analyze(question + " " + " ".join(self.useful_expansions(info))))
            for i, terms in enumerate(self._title_terms):
                if terms and q & terms:
                    b[i] += p.title_boost * len(q & terms) / len(terms)
        return b

    def _mmr(self, cand, fused, k):
        from nttqa.retrieve import _z
        vecs = self.store.vectors()
        lam = self.params.mmr_lambda
        rel = _z(fused[list(cand)])
        chosen = []
        pool = list(range(len(cand)))
        while pool and len(chosen) < max(k, 1) * 2:
            best, best_val = None, -1e9
            for j in pool:
                i = cand[j]
                red = max((float(vecs[i] @ vecs[c]) for c in chosen), default=0.0)
                val = lam * rel[j] - (1 - lam) * red * 4
                if val > best_val:
                    best, best_val = j, val
            chosen.append(cand[best])
            pool.remove(best)
        rest = [i for i in cand if i not in chosen]
        return chosen + rest

p = Pipeline.load(load_settings(env={}))
new_r = p.retriever
old_r = OldRetriever(p.store, p.embedder, p.glossary, new_r.params)
from nttqa.bench import default_gold
gold = default_gold()
qs = [json.loads(l)["question"] for l in open(gold)] if gold else []
topics = ["IOM", "perdagangan orang", "human trafficking", "korban", "pemerintah NTT", "migrasi", "TKI ilegal", "RAD", "kemiskinan"]
for y in range(2012, 2021):
    qs += [f"Apa yang dilakukan IOM pada tahun {y}?", f"How many victims were there in {y}?", f"What happened in {y} and {y+1}?", f"Kegiatan IOM {y}-{y+3}"]
for t in topics:
    qs += [f"Sebutkan upaya {t}", f"What are the causes of {t}?", f"Apa itu {t}?", f"Bab 3 membahas apa tentang {t}?",
           f"Which section discusses {t}?", f"subbab instrumen {t}", f"Ringkasan tentang {t}", f"What did {t} do?", f"Apa saja faktor {t}?"]
qs += ["Bagian 2.1 berisi apa?", "What does section 3.1.1 say?", "What does chapter IV conclude?", "section on culture", "the section about methods"]
diff = 0; t_old = t_new = 0.0
for q in qs:
    info = new_r.understand(q); qv = new_r.query_vector(q, info)
    for k in (5, 10):
        t=time.perf_counter(); a = old_r.search(q, k, info=info, qvec=qv); t_old += time.perf_counter()-t
        t=time.perf_counter(); b = new_r.search(q, k, info=info, qvec=qv); t_new += time.perf_counter()-t
        if [(h.chunk.id, h.score) for h in a] != [(h.chunk.id, h.score) for h in b]:
            diff += 1; print("DIFF", q, k)
    fo, *_ = old_r.score_all(q, info, qv); fn, *_ = new_r.score_all(q, info, qv)
    if not np.array_equal(fo, fn): diff += 1; print("SCORE DIFF", q, np.abs(fo-fn).max())
kinds = {}
for q in qs: kinds[new_r.understand(q).kind] = kinds.get(new_r.understand(q).kind, 0) + 1
print(len(qs), "questions", kinds, "; differences:", diff, "| retrieval without embedding: old %.2f ms, new %.2f ms per search" % (t_old*1000/len(qs)/2, t_new*1000/len(qs)/2))
