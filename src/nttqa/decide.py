"""Answerability as one calibrated decision (pure numpy).

A question's evidence is described by a few numbers that mean the same for any
question (``FEATURES``): how far the best sentence stands above *that
question's own* similarity distribution over every sentence (multilingual-e5
cosines are compressed into 0.75-0.90 for almost anything, so raw cosines say
little), the margin between the best sentences and the rest, how many of the
question's content words the thesis has (after cross-lingual expansion), the
BM25 strength of the best passage, and what the question type needs (a
quantity for "how many", a definition for "what is").  A logistic regression
turns them into P(answerable).

The model is fitted by ``nttqa calibrate`` with k-fold cross-validation whose
folds are grouped by question (an English and an Indonesian wording of one
question share a group), and the figures it reports are the cross-validated
ones.  The weights ship as ``data/answerability.json``; no question or answer
is stored, only standardisation constants, weights and the threshold.
"""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Iterable, Mapping, Sequence

import numpy as np

FEATURES: tuple[str, ...] = (
    "sim_max",         # best sentence cosine (raw)
    "sim_z",           # best sentence cosine as a z-score within the question's own distribution
    "fused_top",       # the retriever's fused score of the best passage
    "bm25_top",        # log(1 + BM25) of the best passage for the question and its expansion
    "cov_corpus",      # share of the question's information whose words the thesis has (or a counterpart)
    "cov_one",         # share of it found in one sentence, the best of the five best: a near miss
                       # often joins two things the thesis says only apart
    "miss_info",       # information of content words the thesis never uses (names aside)
    "missing_names",   # names / acronyms the thesis never mentions, counterparts included
    "needs_missing",   # the type's evidence is absent: no quantity for "how many", no definition for "what is"
    "intent",          # asks for an opinion, a prediction, a made-up quote, or to drop the rules
    # The same coverage weighted by how rare each word is *in the corpus* (every passage says
    # "NTT" and "IOM"; a near miss differs in "Jawa Barat", "sutradara", "dicabut"):
    "spec_best",       # share of the question's specificity found in the three best sentences
    "spec_one",        # ... in one sentence, the best of the five best
    "spec_miss",       # specificity of the words the best sentences lack
    "is_en",           # English question (the thesis is Indonesian: similarities run lower)
)

# The direction each feature may push P(answerable): +1 up, -1 down, 0 either way.  With
# ~200 training questions, correlated features otherwise trade weights and a few end up
# with the absurd sign ("more words the thesis never uses -> more answerable"); a weight
# that wants the wrong sign is held at 0 instead (``fit(..., signs=...)``).
SIGNS: dict[str, int] = {
    "sim_max": 1, "sim_z": 1, "fused_top": 1, "bm25_top": 1, "cov_corpus": 1, "cov_one": 1,
    "miss_info": -1, "missing_names": -1, "needs_missing": -1, "intent": -1, "is_en": 0,
    "spec_best": 1, "spec_one": 1, "spec_miss": -1,
}

# The shipped models: P(answerable) for a question, P(holds the evidence) for a sentence.
_BOOTSTRAP = 256  # resamples behind a threshold
MODEL_FILES = {"answerability": "answerability.json", "quote": "quote_model.json", "rank": "rank_model.json"}


@dataclass(frozen=True)
class Model:
    """Standardised logistic regression: p = sigmoid(w . (x - mean) / scale + b)."""

    features: tuple[str, ...]
    mean: tuple[float, ...]
    scale: tuple[float, ...]
    weights: tuple[float, ...]
    bias: float
    threshold: float  # answer when p >= threshold
    l2: float = 1.0
    note: str = ""
    embedder: str = ""  # the embedder whose similarities it was fitted on ("" = any)

    def probability(self, feats: Mapping[str, float], logit: bool = False) -> float:
        """P(positive) for one row of named features; its log-odds with ``logit``."""
        x = np.fromiter((float(feats.get(f, 0.0)) for f in self.features), float, len(self.features))
        z = float(((x - self._mean) / self._scale) @ self._weights) + self.bias
        return z if logit else float(_sigmoid(z))

    def logits(self, X: np.ndarray) -> np.ndarray:
        """Log-odds for a matrix whose columns are ``features``, in order."""
        return ((X - self._mean) / self._scale) @ self._weights + self.bias

    def __post_init__(self) -> None:
        # numpy copies of the tuples, made once: probability() runs for every candidate sentence.
        object.__setattr__(self, "_mean", np.array(self.mean, float))
        object.__setattr__(self, "_scale", np.array(self.scale, float))
        object.__setattr__(self, "_weights", np.array(self.weights, float))

    def to_json(self) -> str:
        return json.dumps(asdict(self), indent=1)

    @classmethod
    def from_dict(cls, d: Mapping[str, object]) -> "Model":
        return cls(features=tuple(d["features"]), mean=tuple(d["mean"]), scale=tuple(d["scale"]),
                   weights=tuple(d["weights"]), bias=float(d["bias"]), threshold=float(d["threshold"]),
                   l2=float(d.get("l2", 1.0)), note=str(d.get("note", "")), embedder=str(d.get("embedder", "")))


def load_model(path: Path | None = None, kind: str = "answerability") -> Model | None:
    """The shipped model of ``kind`` (or the one at ``path``); None when there is none."""
    try:
        text = Path(path).read_text(encoding="utf-8") if path else \
            resources.files("nttqa.data").joinpath(MODEL_FILES[kind]).read_text(encoding="utf-8")
    except (OSError, FileNotFoundError):
        return None
    return Model.from_dict(json.loads(text))


def _sigmoid(z: np.ndarray | float) -> np.ndarray | float:
    return 1.0 / (1.0 + np.exp(-np.clip(z, -30, 30)))


def fit(X: np.ndarray, y: np.ndarray, l2: float = 1.0, iters: int = 50,
        signs: Sequence[int] | None = None) -> tuple[np.ndarray, float, np.ndarray, np.ndarray]:
    """L2-regularised logistic regression by Newton's method on standardised features.

    ``signs`` (+1, -1 or 0 per feature) constrains each weight's sign: the feature whose
    weight most violates its sign is dropped (weight 0) and the rest refitted, until none
    does (an active-set method).  Returns (weights, bias, mean, scale).  Deterministic.
    """
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-9] = 1.0
    active = np.ones(X.shape[1], dtype=bool)
    while True:
        w, b = _newton((X[:, active] - mean[active]) / scale[active], y, l2, iters)
        full = np.zeros(X.shape[1])
        full[active] = w
        if signs is None:
            return full, b, mean, scale
        wrong = np.array([s * v < 0 for s, v in zip(signs, full)])
        if not wrong.any():
            return full, b, mean, scale
        active[int(np.argmax(np.where(wrong, np.abs(full), -1.0)))] = False


def _newton(Z: np.ndarray, y: np.ndarray, l2: float, iters: int) -> tuple[np.ndarray, float]:
    A = np.hstack([Z, np.ones((len(Z), 1))])
    w = np.zeros(A.shape[1])
    reg = np.full(A.shape[1], l2)
    reg[-1] = 0.0  # the bias is not shrunk
    for _ in range(iters):
        p = _sigmoid(A @ w)
        grad = A.T @ (p - y) + reg * w
        H = (A * (p * (1 - p))[:, None]).T @ A + np.diag(reg) + 1e-9 * np.eye(len(w))
        step = np.linalg.solve(H, grad)
        w -= step
        if float(np.abs(step).max()) < 1e-8:
            break
    return w[:-1], float(w[-1])


def predict(X: np.ndarray, weights: np.ndarray, bias: float, mean: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return np.asarray(_sigmoid(((X - mean) / scale) @ weights + bias))


def grouped_folds(groups: Sequence[str], k: int = 5, seed: int = 0) -> list[np.ndarray]:
    """Indices of ``k`` test folds; every member of a group lands in the same fold.

    Groups are dealt to folds in a seeded shuffled order, largest first, each to the
    currently smallest fold, so folds are balanced and reproducible.
    """
    members: dict[str, list[int]] = {}
    for i, g in enumerate(groups):
        members.setdefault(g, []).append(i)
    rng = np.random.default_rng(seed)
    names = list(members)
    rng.shuffle(names)
    names.sort(key=lambda g: -len(members[g]))  # stable: ties keep the shuffled order
    folds: list[list[int]] = [[] for _ in range(k)]
    for g in names:
        min(folds, key=len).extend(members[g])
    return [np.array(sorted(f), dtype=np.int64) for f in folds]


def cross_val_probabilities(X: np.ndarray, y: np.ndarray, groups: Sequence[str], k: int = 5, l2: float = 1.0,
                            seeds: Iterable[int] = (0,), signs: Sequence[int] | None = None) -> np.ndarray:
    """Out-of-fold P(answerable) for every row, averaged over the seeds' fold splits."""
    out = np.zeros(len(y))
    seeds = list(seeds)
    for seed in seeds:
        for test in grouped_folds(groups, k, seed):
            train = np.setdiff1d(np.arange(len(y)), test)
            w, b, m, s = fit(X[train], y[train], l2, signs=signs)
            out[test] += predict(X[test], w, b, m, s)
    return out / len(seeds)


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """Area under the ROC curve (probability a positive outranks a negative; ties count half)."""
    s = np.asarray(scores, dtype=float)
    lab = np.asarray(labels, dtype=bool)
    pos, neg = s[lab], s[~lab]
    if not len(pos) or not len(neg):
        return math.nan
    greater = (pos[:, None] > neg[None, :]).sum()
    ties = (pos[:, None] == neg[None, :]).sum()
    return float((greater + 0.5 * ties) / (len(pos) * len(neg)))


def threshold_for(probs: np.ndarray, y: np.ndarray, max_false_refusal: float,
                  free: np.ndarray | None = None) -> float:
    """The highest threshold that refuses at most ``max_false_refusal`` of the answerable rows,
    smoothed over bootstrap resamples.

    ``free`` marks the rows the exact rules leave to the model; the others are answered or
    refused whatever the threshold, so only free answerable rows can be refused by it (the
    rate is still of all answerable rows)."""
    free = np.ones(len(y), bool) if free is None else np.asarray(free, bool)
    allowed = int(math.floor(max_false_refusal * int((y == 1).sum())))
    pos = np.sort(probs[(y == 1) & free])
    if not len(pos):
        return 0.5
    # Refused when p < threshold: the threshold may sit just above the `allowed` lowest. One
    # order statistic of a hundred probabilities jumps with the few rows around it, so the cut
    # is its mean over bootstrap resamples of the rows (fixed seed: the same rows give the same
    # cut), and never above the rows' own: it still refuses no more than allowed.
    k = min(allowed, len(pos) - 1)
    rows = np.random.default_rng(0).integers(0, len(pos), size=(_BOOTSTRAP, len(pos)))
    cut = min(float(pos[k]), float(np.partition(pos[rows], k, axis=1)[:, k].mean()))
    return float(max(1e-6, cut - 1e-9))
