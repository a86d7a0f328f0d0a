"""The app in a real browser: `streamlit run app.py` as a subprocess, driven by
Debian's Chromium through Playwright.

Saves screenshots under tests/artifacts/ (gitignored); with
NTTQA_UPDATE_DOCS_SCREENSHOT=1 it also refreshes docs/screenshot.png for the README.  Skipped only when no Chromium binary can
be found (CI installs /usr/bin/chromium).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "tests" / "artifacts"
DOCS_SHOT = ROOT / "docs" / "screenshot.png"
QUESTION = "What did IOM do in 2018?"
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium_path() -> str | None:
    if Path("/usr/bin/chromium").exists():
        return "/usr/bin/chromium"
    for name in ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable"):
        found = shutil.which(name)
        if found:
            return found
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(url: str, proc: subprocess.Popen, timeout: float = 90.0) -> None:
    deadline = time.monotonic() + timeout
    last = ""
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"streamlit exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                body = r.read().decode("utf-8", "replace")
                if r.status == 200 and "ok" in body:
                    return
                last = body
        except OSError as exc:
            last = str(exc)
        time.sleep(0.25)
    raise TimeoutError(f"{url} not healthy after {timeout:.0f}s: {last}")


def start_app(log_name: str, extra_env: dict[str, str] | None = None):
    """`streamlit run app.py` on a free localhost port; (url, process, log file)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONUNBUFFERED="1")
    for name in ("NTTQA_INDEX_DIR", "NTTQA_CORPUS_DIR", "NTTQA_EMBEDDER", "NTTQA_LLM_BASE_URL", "NTTQA_LLM_MODEL"):
        env.pop(name, None)
    env.update(extra_env or {})
    log = open(ARTIFACTS / log_name, "w", encoding="utf-8")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],  # an edit during the run must not reload modules under the app
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        wait_healthy(f"http://127.0.0.1:{port}/_stcore/health", proc)
    except BaseException:
        stop_app(proc, log)
        raise
    return f"http://127.0.0.1:{port}/", proc, log


def stop_app(proc: subprocess.Popen, log) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=5)
    log.close()


@pytest.fixture(scope="module")
def server():
    """The app on the committed corpus and index; always terminated."""
    url, proc, log = start_app("streamlit-server.log")
    try:
        yield url
    finally:
        stop_app(proc, log)


@pytest.fixture(scope="module")
def browser():
    exe = chromium_path()
    if exe is None:
        pytest.skip("no Chromium found (/usr/bin/chromium is absent; install it with "
                    "`apt-get install -y chromium`)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright for Python is not installed")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


def ask(page, question: str) -> None:
    box = page.locator('[data-testid="stChatInputTextArea"]')
    box.wait_for(state="visible", timeout=60_000)
    box.fill(question)
    box.press("Enter")


def test_question_in_a_real_browser(server, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 1000}, device_scale_factor=1)
    try:
        t0 = time.monotonic()
        page.goto(server, wait_until="domcontentloaded")
        page.locator('[data-testid="stChatInputTextArea"]').wait_for(state="visible", timeout=60_000)
        ready = time.monotonic() - t0
        t1 = time.monotonic()
        ask(page, QUESTION)
        cite = page.locator(".nttqa-cite").first
        cite.wait_for(state="visible", timeout=90_000)
        answered = time.monotonic() - t1
        first_answer = time.monotonic() - t0
        report = (f"page open -> chat ready: {ready:.2f} s; question -> answer with citation: {answered:.2f} s; "
                  f"total: {first_answer:.2f} s\n")
        (ARTIFACTS / "time_to_first_answer.txt").write_text(report, encoding="utf-8")
        print("time to first answer:", report.strip())

        # The question, the answer with its inline marker, and a citation with section and page.
        assert page.locator('[data-testid="stChatMessage"]').filter(has_text=QUESTION).count() >= 1
        answer = page.locator(".nttqa-answer").first.inner_text()
        assert "[1]" in answer and len(answer) > 40
        head = cite.locator(".nttqa-cite-head").inner_text()
        assert re.search(r"(\d+\.\d+|ABSTRACT|ABSTRAK|BAB [IVX]+)", head), head
        assert re.search(r"\b(p|pp|hlm)\. [0-9ivx]+", head), head
        assert cite.locator("mark").count() >= 1  # the quote highlighted in its passage
        assert page.get_by_role("button", name=re.compile("Open in reader")).count() >= 1
        assert page.locator('[data-testid="stException"]').count() == 0

        page.wait_for_timeout(500)  # let the last layout settle
        # Show the question at the top: question, answer and its first source in one view.
        page.locator('[data-testid="stChatMessage"]').first.evaluate("e => e.scrollIntoView({block: 'start'})")
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "browser-answer.png"), full_page=False)
        assert (ARTIFACTS / "browser-answer.png").stat().st_size > 10_000
        if os.environ.get("NTTQA_UPDATE_DOCS_SCREENSHOT") == "1":  # refresh the README picture on request
            DOCS_SHOT.parent.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(DOCS_SHOT), full_page=False)

        # Open the cited passage in the reader: the quote is highlighted there.
        page.get_by_role("button", name=re.compile("Open in reader")).first.click()
        page.locator(".nttqa-passage mark").first.wait_for(state="visible", timeout=30_000)
        page.screenshot(path=str(ARTIFACTS / "browser-reader.png"), full_page=False)
    finally:
        page.close()


def test_markup_question_is_inert_in_the_browser(server, browser) -> None:
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    try:
        page.goto(server, wait_until="domcontentloaded")
        evil = '<img src=x onerror="window.__pwned=1"> <script>window.__pwned=2</script> **bold**'
        ask(page, evil)
        page.locator('[data-testid="stChatMessage"]').nth(1).wait_for(state="visible", timeout=90_000)
        page.wait_for_timeout(1000)
        assert page.evaluate("typeof window.__pwned") == "undefined"
        shown = page.locator(".nttqa-q").first.inner_text()
        assert "<img" in shown and "**bold**" in shown  # displayed as typed, not interpreted
        page.screenshot(path=str(ARTIFACTS / "browser-inert.png"), full_page=False)
    finally:
        page.close()


CHECKED_RADIOS = """() => [...document.querySelectorAll('[data-testid="stSidebar"] [role="radiogroup"]')].map(
    g => [...g.querySelectorAll('input[type="radio"]')].filter(i => i.checked).map(i => i.closest('label').innerText.trim()))"""
# The navigation link of the view shown (its icon's ligature name comes first in innerText).
ACTIVE_VIEW = """() => [...document.querySelectorAll('[data-testid="stSidebarNav"] a[aria-current="page"]')].map(
    a => a.innerText.trim().split('\\n').pop().trim())"""


def test_sidebar_choices_stay_selected_when_the_language_switches(server, browser) -> None:
    """An Indonesian question in an English browser turns the interface Indonesian; the sidebar's
    radios must still show their choice and the navigation its view, now with Indonesian labels."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page.goto(server, wait_until="domcontentloaded")
        page.get_by_text("Interface language").wait_for(timeout=60_000)
        assert page.evaluate(ACTIVE_VIEW) == ["Chat"]
        assert page.evaluate(CHECKED_RADIOS)[:1] == [["Auto (language of the question)"]]
        ask(page, "Apa penyebab perdagangan manusia di NTT?")
        page.get_by_text("Bahasa antarmuka").wait_for(timeout=90_000)  # the rerun in Indonesian
        page.wait_for_timeout(1000)
        checked = page.evaluate(CHECKED_RADIOS)
        page.screenshot(path=str(ARTIFACTS / "browser-language-switch.png"), full_page=False)
        assert checked[:1] == [["Otomatis (bahasa pertanyaan)"]], checked
        assert page.evaluate(ACTIVE_VIEW) == ["Tanya jawab"]
    finally:
        page.close()


def test_each_view_has_its_own_address(server, browser) -> None:
    """/sources opens the Sources view directly (a link a lecturer can hand out), marked in the navigation."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page.goto(server + "sources", wait_until="domcontentloaded")
        page.get_by_role("heading", name="Sources").wait_for(timeout=60_000)
        assert page.evaluate(ACTIVE_VIEW) == ["Sources"]
        page.locator('[data-testid="stSidebarNav"] a[href$="/glossary"]').click()
        page.get_by_role("heading", name="Glossary").wait_for(timeout=30_000)
        assert page.url.endswith("/glossary")
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()


COVERING = """() => { const r = document.querySelector('[data-testid="stChatInputTextArea"]').getBoundingClientRect();
    const e = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);
    return e ? (e.closest('[data-testid]') || e).getAttribute('data-testid') : null; }"""


def test_phone_starts_with_the_sidebar_closed(server, browser) -> None:
    """On a 390×844 phone the sidebar must not open over the chat: the chat input is what a tap reaches."""
    page = browser.new_page(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                            has_touch=True)
    try:
        page.goto(server, wait_until="domcontentloaded")
        box = page.locator('[data-testid="stChatInputTextArea"]')
        box.wait_for(state="visible", timeout=60_000)
        page.wait_for_timeout(1500)  # let the sidebar settle
        page.screenshot(path=str(ARTIFACTS / "browser-phone.png"), full_page=False)
        assert page.evaluate(COVERING) == "stChatInputTextArea"
        side = page.locator('[data-testid="stSidebar"]').bounding_box()
        assert side is None or side["x"] + side["width"] <= 0, side  # off screen
        chat = box.bounding_box()
        assert chat and chat["x"] >= 0 and chat["x"] + chat["width"] <= 390 and chat["y"] + chat["height"] <= 844
    finally:
        page.close()


def _field_notes_pdf(path: Path) -> Path:
    """Two pages of field notes only this PDF holds, with printed page numbers 7 and 8."""
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)  # the page number sits below the bottom margin
    pdf.set_font("Helvetica", size=11)
    pages = [
        "Catatan Lapangan Kupang. Pada bulan Maret, tim mengunjungi rumah singgah Bunda Maria di Kupang. "
        "Rumah singgah itu menampung tujuh belas anak yang dipulangkan dari Malaysia.",
        "Pengelola rumah singgah menyebut bahwa program menjahit diikuti oleh sembilan remaja putri setiap "
        "minggu. Dana program berasal dari sumbangan jemaat setempat.",
    ]
    for number, body in zip((7, 8), pages):
        pdf.add_page()
        pdf.multi_cell(0, 6, body)
        pdf.set_y(-15)
        pdf.cell(0, 5, str(number), align="C")
    pdf.output(str(path))
    return path


def test_a_pdf_added_in_the_app_is_asked_and_cited_by_its_printed_page(browser, tmp_path) -> None:
    """Upload a PDF in the sidebar, ask what only it says, see it cited with its printed page;
    the thesis still answers its own questions.  Runs on copies of corpus/ and index/."""
    pytest.importorskip("fpdf")
    corpus, index = tmp_path / "corpus", tmp_path / "index"
    shutil.copytree(ROOT / "corpus", corpus)
    shutil.copytree(ROOT / "index", index)
    pdf = _field_notes_pdf(tmp_path / "catatan-lapangan.pdf")
    url, proc, log = start_app("streamlit-upload.log", {"NTTQA_CORPUS_DIR": str(corpus), "NTTQA_INDEX_DIR": str(index)})
    page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
    try:
        page.goto(url, wait_until="domcontentloaded")
        page.get_by_text("Documents in the library").click(timeout=60_000)
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(pdf))
        page.get_by_role("button", name="Add to the library").click(timeout=30_000)
        page.get_by_text("Added catatan-lapangan.pdf").wait_for(timeout=120_000)
        assert (corpus / "catatan-lapangan.pdf").exists()
        page.screenshot(path=str(ARTIFACTS / "browser-upload-added.png"), full_page=False)
        ask(page, "How many children does the Bunda Maria shelter in Kupang house?")
        cite = page.locator(".nttqa-cite").first
        cite.wait_for(state="visible", timeout=90_000)
        head = cite.locator(".nttqa-cite-head").inner_text()
        page.screenshot(path=str(ARTIFACTS / "browser-upload-answer.png"), full_page=False)
        assert "catatan-lapangan.pdf" in cite.inner_text() and re.search(r"\bpp?\. 7\b", head), head  # printed, not PDF p. 1
        ask(page, "Apa penyebab perdagangan manusia di NTT?")
        page.locator('[data-testid="stChatMessage"]').nth(3).wait_for(state="visible", timeout=90_000)
        last = page.locator('[data-testid="stChatMessage"]').nth(3)
        last.locator(".nttqa-cite").first.wait_for(state="visible", timeout=90_000)
        # An answer in another language reruns the app in it; until that rerun has drawn the new
        # reply, the fourth message may still be the first answer's copy: read the settled page.
        from playwright.sync_api import expect

        expect(last).to_contain_text("peran-iom-perdagangan-manusia-ntt-2014-2018.txt", timeout=30_000)
        expect(page.locator('[data-testid="stChatMessage"]')).to_have_count(4)
        assert page.locator('[data-testid="stException"]').count() == 0
    finally:
        page.close()
        stop_app(proc, log)
