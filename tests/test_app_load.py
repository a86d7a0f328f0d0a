"""The Streamlit server under classroom load: 10 browser sessions at once, each asking
questions, against `streamlit run app.py` on 127.0.0.1.  Reports answer latency."""

from __future__ import annotations

import asyncio
import json
import statistics
import time
import urllib.request

import pytest

from test_browser import ARTIFACTS, CHROMIUM_ARGS, chromium_path, server  # noqa: F401  (fixture)

SESSIONS = 10
QUESTIONS = [
    "What did IOM do in 2018?",
    "Apa penyebab perdagangan manusia di NTT?",
    "Apa itu RAD?",
    "How many officers did IOM train?",
    "Kapan IOM didirikan?",
]


# An answer's text; every question below is one the thesis answers (a refusal is an st.info box).
REPLIES = ".nttqa-answer"


async def _settled(page, replies: int) -> None:
    """Wait until the page shows `replies` replies and no script run, and still does a second later.

    After an answer the app may rerun (the labels follow the question's language).  Between the
    two runs Streamlit's running indicator is briefly gone, and during the rerun the old reply
    and its new copy are both on the page; one look at the page can land in either moment."""
    ready = (
        "(n) => !document.querySelector('[data-testid=\"stStatusWidget\"]')"
        f" && document.querySelectorAll('{REPLIES}').length === n"
    )
    deadline = time.monotonic() + 180
    while True:
        await page.wait_for_function(ready, arg=replies, timeout=max(1.0, deadline - time.monotonic()) * 1000)
        await page.wait_for_timeout(1000)
        if await page.evaluate(ready, replies) or time.monotonic() > deadline:
            return


async def _session(browser, url: str, n: int) -> list[float]:
    ctx = await browser.new_context(viewport={"width": 1100, "height": 900})
    page = await ctx.new_page()
    times: list[float] = []
    try:
        await page.goto(url, wait_until="domcontentloaded")
        box = page.locator('[data-testid="stChatInputTextArea"]')
        await box.wait_for(state="visible", timeout=120_000)
        answers = page.locator(REPLIES)
        for k in range(2):
            q = QUESTIONS[(n + k) % len(QUESTIONS)]
            t0 = time.monotonic()
            await box.fill(q)
            await box.press("Enter")
            # The k-th question's reply is the k-th one on the page.  Counting the replies just
            # before asking raced with the rerun that follows an answer, when Streamlit shows
            # the old element and its new copy at once.
            await answers.nth(k).wait_for(state="visible", timeout=180_000)
            times.append(time.monotonic() - t0)
            await _settled(page, k + 1)
            assert await page.locator('[data-testid="stException"]').count() == 0
        assert await answers.count() == 2
        assert await page.locator(".nttqa-cite").count() >= 1
    finally:
        await ctx.close()
    return times


async def _run(url: str, exe: str) -> list[list[float]]:
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            return await asyncio.gather(*(_session(browser, url, n) for n in range(SESSIONS)))
        finally:
            await browser.close()


def test_ten_concurrent_browser_sessions(server) -> None:  # noqa: F811
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium found; install it with `apt-get install -y chromium`")
    pytest.importorskip("playwright.async_api")
    results = asyncio.run(_run(server, exe))
    latencies = sorted(t for session in results for t in session)
    assert len(latencies) == SESSIONS * 2
    with urllib.request.urlopen(server + "_stcore/health", timeout=10) as r:
        assert r.status == 200  # still healthy after the burst
    report = {
        "sessions": SESSIONS,
        "questions": len(latencies),
        "p50_s": round(statistics.median(latencies), 2),
        "p95_s": round(latencies[int(0.95 * (len(latencies) - 1))], 2),
        "max_s": round(latencies[-1], 2),
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "app_load.json").write_text(json.dumps(report), encoding="utf-8")
    print("answer latency under load:", report)
