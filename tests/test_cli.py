"""The command line, end to end in subprocesses (as users run it)."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from conftest import GOLD, ROOT


def run(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    e = {**os.environ, "HF_HUB_OFFLINE": "1", **(env or {})}
    return subprocess.run([sys.executable, "-m", "nttqa", *args], cwd=ROOT, capture_output=True, text=True,
                          env=e, timeout=300)


def test_help_is_fast_and_lists_commands():
    r = run("--help")
    assert r.returncode == 0
    for cmd in ("build", "search", "ask", "eval", "sources", "timeline", "figures", "quiz"):
        assert cmd in r.stdout


def test_search_json_fields():
    r = run("search", "apa penyebab perdagangan manusia di NTT?", "-k", "3", "--json")
    assert r.returncode == 0, r.stderr
    hits = json.loads(r.stdout)
    assert [h["rank"] for h in hits] == [1, 2, 3]
    for h in hits:
        for key in ("rank", "score", "doc", "chapter", "section", "pages", "text", "char_start", "char_end", "refs"):
            assert key in h
        assert h["doc"].endswith(".txt")
    src = (ROOT / "corpus" / hits[0]["doc"]).read_text(encoding="utf-8")
    span = src[hits[0]["char_start"]:hits[0]["char_end"]]
    assert hits[0]["text"][:30].split()[0] in span


def test_ask_json_fields():
    r = run("ask", "What did IOM do in 2018?", "--json")
    assert r.returncode == 0, r.stderr
    a = json.loads(r.stdout)
    assert a["language"] == "en" and a["refused"] is False and a["answer"]
    for c in a["citations"]:
        for key in ("doc", "section", "pages", "quote", "refs"):
            assert key in c


def test_ask_text_output_and_error_exit_code(tmp_path):
    r = run("ask", "Apa itu TPPO?")
    assert r.returncode == 0 and "[1]" in r.stdout and "Tindak Pidana Perdagangan Orang" in r.stdout
    r = run("ask", "Apa itu TPPO?", "--index", str(tmp_path / "nothing"))
    assert r.returncode == 2
    assert "nttqa build" in r.stderr and "Traceback" not in r.stderr


def test_build_with_progress_into_a_temp_index(tmp_path):
    r = run("build", "--index", str(tmp_path / "idx"), "--embedder", "hash:64")
    assert r.returncode == 0, r.stderr
    assert "Built" in r.stdout and "embed passages" in r.stderr
    r = run("search", "Kupang", "--index", str(tmp_path / "idx"), "--embedder", "hash:64", "--json")
    assert r.returncode == 0 and json.loads(r.stdout)


def test_env_vars_choose_folders(tmp_path):
    r = run("status", env={"NTTQA_INDEX_DIR": str(tmp_path / "missing")})
    assert r.returncode != 0 and str(tmp_path / "missing") in (r.stderr + r.stdout)


def test_eval_reports_recall_by_language_and_type():
    if not GOLD.exists():
        import pytest

        pytest.skip("no gold file beside the checkout")
    r = run("eval", "--gold", str(GOLD), "--json")
    assert r.returncode == 0, r.stderr
    rep = json.loads(r.stdout)
    groups = rep["retrieval"]
    assert {"all", "lang=en", "lang=id"} <= set(groups)
    assert any(g.startswith("type=") for g in groups)
    for key in ("R@1", "R@3", "R@5", "R@10", "MRR@10"):
        assert 0.0 <= groups["all"][key] <= 1.0
    assert "refused_unanswerable" in rep["answers"]


def test_build_json_prints_the_manifest(tmp_path):
    r = run("build", "--index", str(tmp_path / "idx"), "--embedder", "hash:64", "--json", "--quiet")
    assert r.returncode == 0, r.stderr
    m = json.loads(r.stdout)
    assert m["chunk_count"] > 100 and m["embedder"]["id"] == "hash:64"
