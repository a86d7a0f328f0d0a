"""Shared fixtures.  Everything runs on the real thesis in corpus/.

Tests that need an index either load the committed one (index/, built with the
default embedder) or build their own into a tmp folder with the deterministic
``hash`` embedder, so no model is ever downloaded.
"""

from __future__ import annotations

import hashlib
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


# --- helpers shared by the fault and robustness tests ------------------------------

PROBES = [
    "What did IOM do in NTT?",
    "Apa penyebab perdagangan manusia di NTT?",
    "Berapa jumlah korban perdagangan orang pada tahun 2016?",
    "Sebutkan program IOM di NTT",
    "Who won the 2022 World Cup?",
]


def snapshot(index_dir: Path) -> dict[str, str]:
    """Every file under the index folder (hidden ones too) -> sha256 of its bytes."""
    return {p.relative_to(index_dir).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(index_dir.rglob("*")) if p.is_file()}


def fingerprint(p) -> list:
    """What a user sees for the probe questions: answer text, refusal, cited chunks, search hits."""
    out = []
    for q in PROBES:
        a = p.ask(q)
        out.append((a.text, a.refused, [c.chunk_id for c in a.citations], [h.chunk.id for h in p.search(q)]))
    return out


def private_copy(settings, tmp_path: Path):
    """Settings pointing at private copies of ``settings``' corpus and index folders."""
    shutil.copytree(settings.corpus_dir, tmp_path / "corpus")
    shutil.copytree(settings.index_dir, tmp_path / "index")
    return settings.with_(corpus_dir=tmp_path / "corpus", index_dir=tmp_path / "index")
