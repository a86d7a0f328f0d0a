"""Shared fixtures.  Everything runs on the real thesis in corpus/.

Tests that need an index either load the committed one (index/, built with the
default embedder) or build their own into a tmp folder with the deterministic
``hash`` embedder, so no model is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus"
THESIS = CORPUS / "peran-iom-perdagangan-manusia-ntt-2014-2018.txt"
GOLD = ROOT.parent / "shared" / "eval" / "gold_dev.jsonl"

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")


@pytest.fixture(scope="session")
def thesis_doc():
    from nttqa.parse import read_document

    return read_document(THESIS)


@pytest.fixture(scope="session")
def thesis_chunks(thesis_doc):
    from nttqa.chunk import chunk_document

    return chunk_document(thesis_doc)


@pytest.fixture(scope="session")
def settings():
    from nttqa.config import load_settings

    return load_settings(env={}, corpus_dir=CORPUS, index_dir=ROOT / "index")


@pytest.fixture(scope="session")
def pipeline(settings):
    """The committed index with the default embedder, as users get it."""
    from nttqa.pipeline import Pipeline

    return Pipeline.load(settings)


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    d = tmp_path / "corpus"
    d.mkdir()
    for p in CORPUS.iterdir():
        shutil.copy(p, d / p.name)
    return d


@pytest.fixture(scope="session")
def hash_index(tmp_path_factory):
    """A full build of the thesis with the fast deterministic embedder."""
    from nttqa.config import load_settings
    from nttqa.pipeline import build

    tmp = tmp_path_factory.mktemp("hashidx")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    s = load_settings(env={}, corpus_dir=corpus, index_dir=tmp / "index", embedder="hash:256")
    build(s)
    return s
