"""Screenshots of every page of the app, for review and for the README.

    python3 scripts/screenshot.py [--out tests/artifacts/pages] [--docs]

Starts `streamlit run app.py` on a free localhost port, drives Chromium
(/usr/bin/chromium) with Playwright, asks one question per language, opens
each study page, and saves PNGs.  With --docs it also writes
docs/screenshot.png (the chat with a cited answer).  The server is always
terminated.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
PAGES = [("Sources", "sources"), ("Glossary", "glossary"), ("Timeline", "timeline"),
         ("Key figures", "figures"), ("Outline & reader", "reader"), ("Quiz", "quiz")]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    raise SystemExit(f"{url} not healthy after {timeout:.0f}s")


def settle(page, ms: int = 800, timeout: float = 60.0) -> None:
    """Wait until Streamlit has finished the run: no stale element left for a moment, then ``ms`` more."""
    deadline = time.monotonic() + timeout
    calm = 0
    while time.monotonic() < deadline and calm < 4:
        page.wait_for_timeout(250)
        running = page.locator('[data-stale="true"], [data-testid="stStatusWidget"] button').count()
        calm = calm + 1 if running == 0 else 0
    page.wait_for_timeout(ms)


def ask(page, question: str) -> None:
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.wait_for(state="visible", timeout=60_000)
    box.fill(question)
    box.press("Enter")
    page.locator(".nttqa-cite, .nttqa-answer, [data-testid='stAlert']").last.wait_for(timeout=90_000)
    settle(page)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--out", default=str(ROOT / "tests" / "artifacts" / "pages"))
    ap.add_argument("--docs", action="store_true", help="also write docs/screenshot.png")
    ap.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    args = ap.parse_args(argv)
    from playwright.sync_api import sync_playwright

    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 1000})
            page.goto(f"http://127.0.0.1:{port}/")
            page.locator('[data-testid="stChatInputTextArea"]').wait_for(timeout=60_000)
            settle(page)
            page.screenshot(path=str(out / "00-start.png"))
            ask(page, "What did IOM do in 2018?")
            page.locator('[data-testid="stChatMessage"]').first.evaluate("e => e.scrollIntoView({block: 'start'})")
            page.wait_for_timeout(300)
            page.screenshot(path=str(out / "01-answer-en.png"))
            if args.docs:
                (ROOT / "docs").mkdir(exist_ok=True)
                page.screenshot(path=str(ROOT / "docs" / "screenshot.png"))
            ask(page, "Apa penyebab perdagangan manusia di NTT?")
            page.screenshot(path=str(out / "02-answer-id.png"), full_page=True)
            ask(page, "What did IOM do in Papua?")
            page.screenshot(path=str(out / "03-refusal.png"))
            # The interface is in English after the English question; pick English to be sure.
            page.get_by_text("English", exact=True).first.click()
            settle(page)
            for i, (label, name) in enumerate(PAGES, start=4):
                page.locator('[data-testid="stSidebar"]').get_by_text(label, exact=True).click()
                settle(page, 1800)
                page.screenshot(path=str(out / f"{i:02d}-{name}.png"))
            browser.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
    print(f"screenshots in {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
