"""Retrieval and answer evaluation against a JSONL gold file.

Hit rule: a retrieved chunk is a hit when it contains at least 60% of one
evidence quote, measured as the longest common contiguous run of characters
after normalisation (case-folded, whitespace collapsed, hyphenation undone,
typographic quotes unified) divided by the quote's length.  A quote split over
two chunks therefore counts where one chunk holds 60% of it.
"""

from __future__ import annotations

import json
import re
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
    kind: str = ""  # for unanswerable items: "off_topic" | "adversarial" | "near_miss" (optional)


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
                                  d.get("answer", ""), d.get("section", ""), d.get("kind", "")))
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


def format_table(rows: dict[str, dict[str, Any]], cols: Sequence[str] = ("n", "R@1", "R@3", "R@5", "R@10", "MRR@10"),
                 group_width: int = 38, width: int = 8) -> str:
    """A plain-text table, a row per group: counts ("n", "n_...") as integers, rates to three
    decimals, a rate with nothing to measure (NaN) as "-"."""
    head = f"{'group':<{group_width}}" + "".join(f"{c:>{width}}" for c in cols)
    lines = [head, "-" * len(head)]
    for name, m in rows.items():
        cells = "".join(f"{int(m[c]):>{width}}" if c == "n" or c.startswith("n_") else
                        (f"{'-':>{width}}" if m[c] != m[c] else f"{m[c]:>{width}.3f}") for c in cols)
        lines.append(f"{name:<{group_width}}{cells}")
    return "\n".join(lines)


def question_groups(items: Sequence[GoldItem]) -> list[str]:
    """A group name per item for cross-validation: items that share an evidence quote (one
    question asked in two languages, or reworded) share a group; the rest stand alone."""
    parent = list(range(len(items)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, it in enumerate(items):
        for e in it.evidence:
            key = normalize_for_match(e)[:60]
            if len(key) < 20:
                continue
            if key in first:
                parent[root(i)] = root(first[key])
            else:
                first[key] = i
    return [f"g{root(i)}" for i in range(len(items))]


_OFF_TOPIC = re.compile(r"^\s*(?:off-topic|di luar topik|small talk|obrolan)", re.I)
_ADVERSARIAL = re.compile(r"\b(?:opinion|opini|pendapat|prediction|prediksi|ramalan|mengarang|make up|made up|"
                          r"invent\w*|ignore\w*|abaikan|disregard|instruction|instruksi)\b", re.I)


def unanswerable_kind(it: GoldItem) -> str:
    """"off_topic", "adversarial" or "near_miss" for an unanswerable item: its own ``kind``
    field when the gold file has one, else read from how its reference answer explains it."""
    if it.kind:
        return it.kind
    if _OFF_TOPIC.search(it.answer):
        return "off_topic"
    if _ADVERSARIAL.search(it.answer) or _ADVERSARIAL.search(it.question):
        return "adversarial"
    return "near_miss"


def quote_holds(quote: str, evidence: Sequence[str], threshold: float = HIT_THRESHOLD) -> bool:
    """The quoted sentence(s) themselves hold >= 60% of an evidence quote."""
    return any(coverage(e, quote) >= threshold for e in evidence)


def evaluate_answers(items: Sequence[GoldItem], ask: Callable[[str], Any]) -> dict[str, Any]:
    """Answer-level figures: cited evidence (passage and quote level), refusals of answerable
    items, refusals of unanswerable items by kind, and the confidence's ROC AUC.

    ``ask`` returns an :class:`~nttqa.types.Answer`.  An answer "cites evidence" when one of
    its citations points at a passage that holds an evidence quote, and "quotes evidence"
    when the quoted sentences of one citation hold 60% of an evidence quote.
    """
    from nttqa.decide import roc_auc

    per = []
    for it in items:
        a = ask(it.question)
        answered = not a.refused
        cites_ev = answered and any(is_hit(c.passage, it.evidence) for c in a.citations) if it.evidence else False
        quotes_ev = answered and any(quote_holds(c.quote, it.evidence) for c in a.citations) if it.evidence else False
        per.append({"id": it.id, "lang": it.lang, "type": it.type, "answerable": it.answerable,
                    "kind": "" if it.answerable else unanswerable_kind(it),
                    "refused": a.refused, "cites_evidence": cites_ev, "quotes_evidence": quotes_ev,
                    "confidence": a.confidence, "reason": getattr(a, "reason", "") or a.notice})
    out = summarize_answers(per)
    out["auc"] = roc_auc([r["confidence"] for r in per], [r["answerable"] for r in per])
    out["per_question"] = per
    return out


def _rate(rows: Sequence[dict[str, Any]], key: str) -> float:
    return sum(bool(r[key]) for r in rows) / len(rows) if rows else float("nan")


def summarize_answers(per: Sequence[dict[str, Any]]) -> dict[str, Any]:
    ans = [r for r in per if r["answerable"]]
    una = [r for r in per if not r["answerable"]]
    answered = [r for r in ans if not r["refused"]]
    groups: dict[str, dict[str, Any]] = {}

    def row(name: str, rows: Sequence[dict[str, Any]]) -> None:
        a = [r for r in rows if r["answerable"]]
        u = [r for r in rows if not r["answerable"]]
        groups[name] = {"n": len(a), "n_unans": len(u), "cites": _rate(a, "cites_evidence"),
                        "quotes": _rate(a, "quotes_evidence"), "refused_ans": _rate(a, "refused"),
                        "refused_unans": _rate(u, "refused")}

    row("all", per)
    for lang in sorted({r["lang"] for r in per}):
        row(f"lang={lang}", [r for r in per if r["lang"] == lang])
    for typ in sorted({r["type"] for r in per if r["answerable"]}):
        row(f"type={typ}", [r for r in per if r["type"] == typ])
    for kind in sorted({r["kind"] for r in una}):
        row(f"unans={kind}", [r for r in una if r["kind"] == kind])
    return {
        "answerable": len(ans),
        "unanswerable": len(una),
        "cites_evidence": _rate(ans, "cites_evidence"),
        "quotes_evidence": _rate(ans, "quotes_evidence"),
        "cites_evidence_when_answered": _rate(answered, "cites_evidence"),
        "quotes_evidence_when_answered": _rate(answered, "quotes_evidence"),
        "refused_answerable": _rate(ans, "refused"),
        "refused_unanswerable": _rate(una, "refused"),
        "groups": groups,
    }


def format_answer_table(groups: dict[str, dict[str, Any]]) -> str:
    return format_table(groups, ("n", "n_unans", "cites", "quotes", "refused_ans", "refused_unans"), 22, 14)
