"""Retrieval and answer evaluation against a JSONL gold file.

Hit rule: a retrieved chunk is a hit when it contains at least 60% of one
evidence quote, measured as the longest common contiguous run of characters
after normalisation (case-folded, whitespace collapsed, hyphenation undone,
typographic quotes unified) divided by the quote's length.  A quote split over
two chunks therefore counts where one chunk holds 60% of it.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Callable, Iterable, Sequence

from nttqa.errors import NttqaError
from nttqa.textutil import normalize_for_match

HIT_THRESHOLD = 0.6


@dataclass(frozen=True)
class GoldItem:
    id: str
    question: str
    lang: str
    type: str
    evidence: tuple[str, ...]
    answerable: bool
    answer: str = ""
    section: str = ""


def read_gold(path: Path) -> list[GoldItem]:
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except OSError as exc:
        raise NttqaError(f"Cannot read the gold file {path}: {exc.strerror}. Pass --gold PATH to a JSONL file.") from exc
    for n, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            d = json.loads(line)
            items.append(GoldItem(str(d.get("id", n)), d["question"], d.get("lang", ""), d.get("type", ""),
                                  tuple(d.get("evidence") or ()), bool(d.get("answerable", True)),
                                  d.get("answer", ""), d.get("section", "")))
        except (ValueError, KeyError, TypeError) as exc:
            raise NttqaError(f"{path}:{n}: not a gold record ({exc}). Each line needs at least "
                             "'question', 'evidence' and 'answerable'.") from exc
    return items


def coverage(quote: str, text: str) -> float:
    """Share of the quote found as one contiguous run in ``text`` (normalised)."""
    q = normalize_for_match(quote)
    t = normalize_for_match(text)
    if not q:
        return 0.0
    if q in t:
        return 1.0
    sm = SequenceMatcher(None, q, t, autojunk=False)
    m = sm.find_longest_match(0, len(q), 0, len(t))
    return m.size / len(q)


def is_hit(text: str, evidence: Sequence[str], threshold: float = HIT_THRESHOLD) -> bool:
    return any(coverage(e, text) >= threshold for e in evidence)


def first_hit_rank(texts: Sequence[str], evidence: Sequence[str]) -> int | None:
    for rank, t in enumerate(texts, 1):
        if is_hit(t, evidence):
            return rank
    return None


def retrieval_metrics(ranks: Sequence[int | None], ks: Iterable[int] = (1, 3, 5, 10)) -> dict[str, float]:
    n = len(ranks) or 1
    out = {f"R@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
    out["MRR@10"] = sum(1.0 / r for r in ranks if r is not None and r <= 10) / n
    out["n"] = len(ranks)
    return out


def evaluate_retrieval(items: Sequence[GoldItem], search: Callable[[str], Sequence[str]]) -> dict[str, Any]:
    """``search`` returns the texts of the top chunks for a question."""
    per: list[dict[str, Any]] = []
    for it in items:
        if not it.answerable:
            continue
        texts = list(search(it.question))
        per.append({"id": it.id, "lang": it.lang, "type": it.type, "rank": first_hit_rank(texts, it.evidence)})
    groups: dict[str, list[int | None]] = defaultdict(list)
    for row in per:
        groups["all"].append(row["rank"])
        groups[f"lang={row['lang']}"].append(row["rank"])
        groups[f"type={row['type']}"].append(row["rank"])
    return {"groups": {g: retrieval_metrics(r) for g, r in sorted(groups.items())}, "per_question": per}


def format_table(rows: dict[str, dict[str, float]], cols: Sequence[str] = ("n", "R@1", "R@3", "R@5", "R@10", "MRR@10")) -> str:
    head = f"{'group':<22}" + "".join(f"{c:>8}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, m in rows.items():
        cells = "".join(f"{int(m[c]):>8}" if c == "n" else f"{m[c]:>8.3f}" for c in cols)
        lines.append(f"{name:<22}{cells}")
    return "\n".join(lines)


def evaluate_answers(items: Sequence[GoldItem], ask: Callable[[str], Any]) -> dict[str, Any]:
    """Answer-level figures: cited evidence, refusals of answerable and unanswerable items.

    ``ask`` returns an :class:`~nttqa.types.Answer`.  An answer "cites evidence"
    when one of its citations points at a passage that holds an evidence quote.
    """
    per = []
    for it in items:
        a = ask(it.question)
        cites_ev = any(is_hit(c.passage, it.evidence) for c in a.citations) if it.evidence else False
        per.append({"id": it.id, "lang": it.lang, "type": it.type, "answerable": it.answerable,
                    "refused": a.refused, "cites_evidence": cites_ev, "confidence": a.confidence,
                    "notice": a.notice})
    ans = [r for r in per if r["answerable"]]
    una = [r for r in per if not r["answerable"]]
    answered = [r for r in ans if not r["refused"]]
    return {
        "answerable": len(ans),
        "unanswerable": len(una),
        "cites_evidence": sum(r["cites_evidence"] for r in ans) / max(1, len(ans)),
        "cites_evidence_when_answered": sum(r["cites_evidence"] for r in answered) / max(1, len(answered)),
        "refused_answerable": sum(r["refused"] for r in ans) / max(1, len(ans)),
        "refused_unanswerable": sum(r["refused"] for r in una) / max(1, len(una)),
        "per_question": per,
    }
