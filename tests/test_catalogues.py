"""The text catalogues (``src/nttqa/data/<name>.<lang>.json``): complete in every language,
no empty texts, the same ``{placeholders}`` in each language, and every key the code asks for present."""

from __future__ import annotations

import json
import re
import string
from pathlib import Path

import pytest

from nttqa import ui
from nttqa.messages import CATALOGUES, LANGS, load

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "src" / "nttqa" / "data"
CATALOGUE_FILE = re.compile(r"(?P<name>[\w-]+)\.(?P<lang>[a-z]{2})\.json")
# t(lang, "key", ...) / ui.t("en", 'key'): a literal key; f-strings and variables are checked below by family.
LITERAL_KEY = re.compile(r"\bt\(\s*[^,()]+,\s*([\"'])([^\"'\\{}]+)\1\s*[,)]")
STUDY = ROOT / "src" / "nttqa" / "study"
# A quiz question's wording in the study catalogue: _stem("quiz_year_fill", ...), _same_stem("quiz_source_mc", ...).
STEM_KEY = re.compile(r"\b_(?:same_)?stem\(\s*([\"'])([^\"'\\{}]+)\1\s*[,)]")
# A table of texts keyed by language ({"en": ..., "id": ...}): texts belong in a catalogue.
LANG_KEYED = re.compile(r"[\"'](?:en|id)[\"']\s*:")


def catalogue_files() -> dict[str, dict[str, Path]]:
    found: dict[str, dict[str, Path]] = {}
    for path in sorted(DATA.glob("*.json")):
        m = CATALOGUE_FILE.fullmatch(path.name)
        if m:
            found.setdefault(m["name"], {})[m["lang"]] = path
    return found


def placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field is not None}


def test_every_catalogue_is_known_and_in_every_language() -> None:
    files = catalogue_files()
    assert set(files) == set(CATALOGUES)
    for name, by_lang in files.items():
        assert set(by_lang) == set(LANGS), name


@pytest.mark.parametrize("name", CATALOGUES)
def test_catalogue_languages_agree(name: str) -> None:
    texts = {lang: json.loads((DATA / f"{name}.{lang}.json").read_text(encoding="utf-8")) for lang in LANGS}
    assert set(texts["en"]) == set(texts["id"]), f"{name}: keys differ between en and id"
    for lang, table in texts.items():
        assert table, f"{name}.{lang} is empty"
        for key, text in table.items():
            assert isinstance(text, str) and text.strip(), f"{name}.{lang}: {key!r} is empty"
    for key in texts["en"]:
        assert placeholders(texts["en"][key]) == placeholders(texts["id"][key]), f"{name}: {key!r} placeholders"


def test_every_literal_key_the_interface_asks_for_exists() -> None:
    keys = set(load("ui", "en"))
    asked: set[str] = set()
    for path in (ROOT / "app.py", *sorted((ROOT / "src" / "nttqa" / "ui").glob("*.py"))):
        found = {m.group(2) for m in LITERAL_KEY.finditer(path.read_text(encoding="utf-8"))}
        assert not found - keys, f"{path.name} asks for keys missing from ui.en.json: {sorted(found - keys)}"
        asked |= found
    assert asked, "no t(...) calls found: has the pattern changed?"
    assert len(asked) >= 100  # the regex still sees the calls


def test_every_literal_key_the_study_tools_ask_for_exists() -> None:
    keys = set(load("study", "en"))
    asked: dict[str, str] = {}
    for path in sorted(STUDY.glob("*.py")):
        code = path.read_text(encoding="utf-8")
        for m in [*LITERAL_KEY.finditer(code), *STEM_KEY.finditer(code)]:
            asked.setdefault(m.group(2), path.name)
    missing = {key: name for key, name in asked.items() if key not in keys}
    assert not missing, f"study code asks for keys missing from study.en.json: {missing}"
    assert set(asked) == keys, f"study.en.json has texts no code asks for: {sorted(keys - set(asked))}"
    assert {"quiz_answer_key", "no_reference_list", "quiz_year_fill"} <= set(asked)  # the regexes still see the calls
    # The page abbreviations (texts.page_word) are shared with the answers: the messages catalogue.
    assert {"page", "pages"} <= set(load("messages", "en"))


def test_study_code_holds_no_texts_keyed_by_language() -> None:
    found = [f"{path.name}:{n}" for path in sorted(STUDY.glob("*.py"))
             for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if LANG_KEYED.search(line)]
    assert not found, f"per-language texts in code, move them to data/study.<lang>.json: {found}"


def test_every_key_family_built_at_run_time_exists() -> None:
    from nttqa.study.quiz import KINDS
    from nttqa.ui import text as ui_text

    keys = set(load("ui", "en"))
    families = {
        "page_": ui.PAGES,
        "lang_": ui.LANG_CHOICES,
        "mode_": ("extractive", "llm"),
        "starters_": ui.LANGS,
        "stage_": tuple(name for name, _, _ in ui_text._STAGES),
        "kind_": KINDS + ("abbreviation", "translation", "curated"),  # quiz kinds, glossary kinds
        "": ("event", "statistic", "regulation"),  # timeline kinds, t(lang, e.kind)
    }
    missing = [prefix + v for prefix, values in families.items() for v in values if prefix + v not in keys]
    assert not missing


def test_starters_come_from_the_catalogue() -> None:
    for lang in ui.LANGS:
        assert len(ui.STARTERS[lang]) >= 3
        assert ui.STARTERS[lang] == tuple(load("ui", lang)[f"starter_{i}"] for i in range(1, len(ui.STARTERS[lang]) + 1))


def test_t_falls_back_to_english_and_formats() -> None:
    assert ui.t("xx", "app_title") == ui.t("en", "app_title") == "Ask the thesis"
    assert ui.t("id", "no-such-key") == "no-such-key"
    assert ui.t("id", "quiz_score", correct=2, total=5) == "Skor: 2 dari 5 benar"
