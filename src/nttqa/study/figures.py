"""The numbers the text reports, as a small dataset.

Tables (chunks of kind "table": caption, header row, value rows, "Sumber: ..."
line) are read in either layout: a header of years over rows of values, or
rows of "label value [unit]".  In running text, a number followed by what it
counts ("605 orang", "593 aparat hukum", "Rp 120.000.000") is a figure too,
dated by the year written closest before it in its clause.  Numbers that are
years, dates, page or regulation numbers, or parts of codes are not figures.
Percentages in running text are left out: they restate the tables.

Indonesian number formats are read as such ("22,58%" -> 22.58, "1.000" -> 1000);
English passages use English formats.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from nttqa.study.reader import Cite, cite, clause_span_at, sentence_span_at
from nttqa.study.timeline import MONTHS, REGULATION, date_mentions, mask
from nttqa.textutil import YEAR, backing_refs, find_refs, ref_keys, refs_at, years
from nttqa.types import Chunk


@dataclass(frozen=True)
class Figure:
    label: str  # what is counted: "2015", "SD", "aparat hukum"
    value: float
    raw: str  # as written: "22,58%", "1.160,53 ribu orang"
    unit: str  # "%", "orang", "Rp", ...
    year: int | None  # the single year it refers to
    years: tuple[int, ...]  # every year it refers to ((2016, 2017) for "2016 hingga 2017")
    series: str  # the table or list it belongs to
    table: str  # "Tabel 1", "" for running text
    measure: str  # the table caption / column header it measures
    source_line: str  # the table's "Sumber: ..." line
    refs: tuple[str, ...]  # references backing it
    cite: Cite  # the row (tables) or the sentence (text) it comes from
    context: str = ""  # the table caption, or the clause holding the number

    def to_dict(self) -> dict[str, Any]:
        return {"label": self.label, "value": self.value, "raw": self.raw, "unit": self.unit, "year": self.year,
                "years": list(self.years), "series": self.series, "table": self.table, "measure": self.measure,
                "source_line": self.source_line, "refs": list(self.refs), "context": self.context,
                "citation": self.cite.to_dict()}


# --- numbers ---------------------------------------------------------------------------

_MULTIPLIERS = {"ribu": 1e3, "rb": 1e3, "juta": 1e6, "jt": 1e6, "miliar": 1e9, "milyar": 1e9, "triliun": 1e12,
                "thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}


def parse_number(raw: str, lang: str = "id") -> float:
    """"22,58" -> 22.58, "1.000" -> 1000, "1.160,53" -> 1160.53; English formats when ``lang`` is "en"."""
    s = re.sub(r"[^\d.,]", "", raw)
    if not s:
        raise ValueError(f"no number in {raw!r}")
    if "," in s and "." in s:
        dec = "," if s.rfind(",") > s.rfind(".") else "."
    elif "," in s:
        dec = "" if lang == "en" and re.fullmatch(r"\d{1,3}(?:,\d{3})+", s) else ","
    elif "." in s:
        dec = "" if lang != "en" and re.fullmatch(r"\d{1,3}(?:\.\d{3})+", s) else "."
    else:
        dec = ""
    thousands = {",": ".", ".": ","}.get(dec, "")
    if dec == "":
        s = s.replace(",", "").replace(".", "")
    else:
        s = s.replace(thousands, "").replace(dec, ".")
    return float(s)


_NUM = r"\d{1,3}(?:[.,]\d{3})+(?:[.,]\d+)?|\d+(?:[.,]\d+)?"

# --- tables ------------------------------------------------------------------------------

_CAPTION = re.compile(r"^\s*(?P<name>(?:Tabel|Table)\s+\d+(?:\.\d+)*)\.?\s*(?P<title>.*)$", re.I)
_SOURCE = re.compile(r"^\s*(?:Sumber|Source)\s*:", re.I)
_YEAR_TOKEN = re.compile(rf"^{YEAR}$")
_VALUE_TOKEN = re.compile(rf"^(?P<num>{_NUM})(?P<pct>%)?$")
_ROW = re.compile(rf"^(?P<label>.*?\D)\s+(?P<num>{_NUM})\s*(?P<unit>%|[^\d\s][^\d]*)?$")


def _table_figures(chunk: Chunk) -> list[Figure]:
    lines = [ln.strip() for ln in chunk.text.split("\n") if ln.strip()]
    if not lines:
        return []
    cap = _CAPTION.match(lines[0])
    name, title = (cap.group("name"), cap.group("title").strip()) if cap else ("", lines[0])
    source_line = next((ln for ln in lines if _SOURCE.match(ln)), "")
    body = [ln for ln in lines[1:] if not _SOURCE.match(ln)]
    series = f"{name}. {title}".strip(". ") if name else title
    caption_years = years(title)
    refs = ref_keys(source_line) or chunk.refs
    lang = "en" if chunk.lang == "en" else "id"
    rows = {ln: _ROW.match(ln) for ln in body}
    units = [(m.group("unit") or "").strip().lower() for m in rows.values()
             if m and not re.search(r"\d", m.group("label"))]
    main_unit = max(dict.fromkeys(units), key=units.count) if units else ""
    out: list[Figure] = []
    header_years: list[int] = []
    headers: list[str] = []
    for ln in body:
        toks = ln.split()
        if len(toks) >= 2 and all(_YEAR_TOKEN.match(t) for t in toks):
            header_years = [int(t) for t in toks]
            continue
        if header_years:
            # "19,60% 22,58% ..." under the years, perhaps after a row label.
            vals = toks[-len(header_years):] if len(toks) >= len(header_years) else []
            if vals and all(_VALUE_TOKEN.match(v) for v in vals):
                row_label = " ".join(toks[:-len(header_years)])
                for y, v in zip(header_years, vals):
                    unit = "%" if v.endswith("%") else ""
                    out.append(Figure(str(y) if not row_label else f"{row_label} {y}", parse_number(v, lang), v,
                                      unit, y, (y,), series if not row_label else f"{series}: {row_label}", name,
                                      title, source_line, refs, cite(chunk, ln), lines[0]))
                continue
        m = rows.get(ln)
        # A row of another unit than the table's rows is a column header ("... Diantara 1.000 Penduduk").
        if m and not re.search(r"\d", m.group("label")) and (m.group("unit") or "").strip().lower() == main_unit:
            unit = (m.group("unit") or "").strip()
            measure = "; ".join([title] + headers) if headers else title
            y = caption_years[0] if len(caption_years) == 1 else None
            out.append(Figure(m.group("label").strip(), parse_number(m.group("num"), lang),
                              f"{m.group('num')}{(' ' + unit) if unit and unit != '%' else unit}", unit, y,
                              caption_years, series, name, measure, source_line, refs, cite(chunk, ln), lines[0]))
            continue
        headers.append(ln)
    return out


# --- running text ------------------------------------------------------------------------

_CURRENCIES = {"Rp", "US$", "USD", "IDR", "$", "€", "£"}
_TEXT_NUMBER = re.compile(
    rf"(?<![\w.,/\-])(?:(?P<cur>Rp\.?|US\$|USD|IDR|\$|€|£)\s*)?(?P<num>{_NUM})(?![\w/%]|[.,]\d)"
    rf"(?:\s+(?P<mult>{'|'.join(_MULTIPLIERS)})\b)?")
# Words after which a number names something rather than counts it.
_IDENTIFIER_BEFORE = re.compile(
    r"(?:\b(?:nomor|no|pasal|ayat|angka|kelas|bab|tabel|table|gambar|figure|hlm|hal|halaman|page|pp|p|"
    r"article|chapter|section|jilid|vol|volume|edisi|ke)\.?\s*\(?)\s*$", re.I)
# Words meaning "now": a date written before them does not date what follows.
_NOW = re.compile(r"\b(?:saat ini|sekarang|kini|dewasa ini|hingga kini|currently|now|today|at present)\b", re.I)
_STOP = {"yang", "dan", "serta", "atau", "dengan", "dari", "di", "ke", "pada", "untuk", "dalam", "sebagai", "oleh",
         "dimana", "sehingga", "namun", "tetapi", "karena", "bahwa", "menjadi", "sebanyak", "sebesar", "atas",
         "hingga", "sampai", "which", "who", "and", "or", "of", "in", "to", "for", "with", "as", "by", "from",
         "that", "than", "baik", "itu", "ini", "tersebut", "lebih", "kurang", "the", "a", "an", "per"}
_COUNT_NOUNS = {"orang", "jiwa", "people", "persons", "persen", "percent"}
# A clause opening with its year: an item of a dated list ("- Tahun 2015 terdapat 941 orang ...").
_LIST_ITEM_YEAR = re.compile(r"\s*(?:[-•]\s*)?(?:pada\s+|in\s+)?(?:tahun|year)\s+\d{4}", re.I)
_DURATION = {"tahun", "bulan", "minggu", "hari", "jam", "years", "year", "months", "month", "weeks", "days", "hours"}


def _label_after(text: str) -> str:
    words: list[str] = []
    for m in re.finditer(r"[^\s,;:.()\"“”]+|[,;:.()\"“”]", text):
        w = m.group(0)
        if not re.match(r"[\w\-]", w) or re.search(r"\d", w) or w.lower() in _STOP:
            break
        words.append(w)
        if len(words) >= 8:
            break
    return " ".join(words)


def _year_context(masked_sentence: str, pos: int, clause: tuple[int, int]) -> tuple[int, ...]:
    """Years a number at ``pos`` (sentence offsets) refers to: the closest date before it in its clause,
    else before it in its sentence, else after it in its clause."""
    ms = date_mentions(masked_sentence)

    def span_years(m: Any) -> tuple[int, ...]:
        return tuple(range(m.year, (m.year_end or m.year) + 1))

    before = [m for m in ms if m.end <= pos and not _NOW.search(masked_sentence[m.end:pos])]
    in_clause = [m for m in before if m.start >= clause[0]]
    if in_clause or before:
        return span_years(max(in_clause or before, key=lambda m: m.end))
    after = [m for m in ms if m.start >= pos and m.end <= clause[1]]
    return span_years(min(after, key=lambda m: m.start)) if after else ()


def _text_figures(chunk: Chunk, backing: dict[tuple[int, int], tuple[str, ...]]) -> list[tuple[Figure, bool]]:
    """Figures in a text passage; the flag tells whether the figure opens a dated list item."""
    text = chunk.text
    lang = "en" if chunk.lang == "en" else "id"
    masked = mask(text, [(r.start, r.end) for r in find_refs(text)])
    masked = mask(masked, [(m.start(), m.end()) for m in REGULATION.finditer(masked)])
    out: list[tuple[Figure, bool]] = []
    for m in _TEXT_NUMBER.finditer(masked):
        num, cur, mult = m.group("num"), m.group("cur"), m.group("mult")
        after = masked[m.end():]
        next_word = (re.match(r"\s*([^\s,;:.()]+)", after) or [None, ""])[1].lower()
        if next_word.rstrip(".") in MONTHS:
            continue  # a day of a date
        if not cur and _YEAR_TOKEN.match(num) and next_word not in _COUNT_NOUNS:
            continue  # a year
        if _IDENTIFIER_BEFORE.search(masked[max(0, m.start() - 14):m.start()]):
            continue
        label = _label_after(after)
        if not cur and not label:
            continue
        unit = cur.rstrip(".") if cur else label.split()[0]
        value = parse_number(num, lang) * (_MULTIPLIERS[mult.lower()] if mult else 1.0)
        s, e = sentence_span_at(text, m.start())
        cs, ce = clause_span_at(text, m.start())
        ys = _year_context(masked[s:e], m.start() - s, (cs - s, ce - s))
        if unit.lower() in _DURATION and not cur:
            ys = ()  # "selama 3 tahun" is a length of time, not a dated figure
        raw = re.sub(r"\s+", " ", text[m.start():m.end()] + (f" {unit}" if not cur and unit else "")).strip()
        opens_list_item = bool(_LIST_ITEM_YEAR.match(text[cs:m.start()]))
        if (not label or label.lower() == unit.lower()) and ys:
            label = _years_label(ys)  # "orang" says less than the year it counts for
        fig = Figure(label or unit, value, raw, unit, ys[0] if len(ys) == 1 else None, ys, "", "", "", "",
                     refs_at(backing, chunk, m.start()), cite(chunk, text[s:e]), text[cs:ce].strip())
        out.append((fig, opens_list_item))
    return out


def _with_series(fig: Figure, series: str, label: str | None = None) -> Figure:
    return replace(fig, series=series, label=fig.label if label is None else label)


_WORD = re.compile(r"[A-Za-z\u00C0-\u024F][\w\-]*")
_LIST_FILLER = {"tahun", "year", "terdapat", "sempat", "ada", "there", "were", "was"}


def _shared_words(figs: Sequence[Figure]) -> str:
    """What every item of a dated list counts: the words their clauses share ("korban")."""
    def clause_words(f: Figure) -> list[str]:
        return [w.lower() for w in _WORD.findall(f.context)]
    shared = set(clause_words(figs[0]))
    for f in figs[1:]:
        shared &= set(clause_words(f))
    ordered = [w for w in dict.fromkeys(clause_words(figs[0])) if w in shared and w not in _STOP
               and w not in _LIST_FILLER and w != figs[0].unit.lower()]
    return " ".join(ordered[:4])


def _series_title(figs: Sequence[Figure], is_list: bool) -> str:
    """A chart title that says what the numbers are, never a section number.

    "Korban (orang), 2014–2018" for a dated list; "Aparat hukum (3.1.1 Instrumen)" when the
    first number names what it counts; else the section's title with the unit and years,
    "Kemiskinan: orang, 2014–2018".  The section number stays in the figures' citations.
    """
    first = figs[0]
    units = list(dict.fromkeys(f.unit for f in figs if f.unit))
    all_years = sorted({y for f in figs for y in f.years})
    span = _years_label((all_years[0], all_years[-1])) if len(all_years) > 1 else _years_label(all_years)
    topic = first.cite.section_title or first.cite.chapter
    what = _shared_words(figs) if is_list else ""
    if not what and first.label.lower() not in {u.lower() for u in units} and first.label != _years_label(first.years):
        what = first.label  # "aparat hukum", "kantor regional"
    measured = ", ".join(units[:3])
    if what:
        unit_part = "" if what.lower().startswith(first.unit.lower()) else f" ({measured})"
        title = f"{what[:1].upper()}{what[1:]}{unit_part}" + (f", {span}" if span else "")
        return title if is_list or not topic else f"{title} — {topic}"
    return f"{topic}: {measured}" + (f", {span}" if span else "")


def build_figures(chunks: Sequence[Chunk]) -> list[Figure]:
    """Table figures and figures in running text, in reading order, each with its series.

    A table is a series.  In running text, consecutive dated list items that count
    the same unit in one section ("Tahun 2015 ... 941 orang; Tahun 2016 ... 863 orang")
    form a series even across passages; other figures are grouped by sentence.
    """
    backing = backing_refs(chunks)
    items: list[tuple[Figure, tuple[Any, ...]]] = []
    list_no = 0
    last_list_key: tuple[str, str, str] | None = None
    for c in chunks:
        if c.kind == "table":
            items.extend((f, ("table", c.id)) for f in _table_figures(c))
            last_list_key = None
            continue
        for fig, opens_item in _text_figures(c, backing):
            key = (c.doc, c.section, fig.unit)
            if opens_item and fig.years:
                if key != last_list_key:
                    list_no += 1
                    last_list_key = key
                items.append((fig, ("list", list_no)))
            else:
                last_list_key = None
                items.append((fig, ("sentence", c.id, fig.cite.sentence, _kind(fig))))
    groups: dict[tuple[Any, ...], list[Figure]] = {}
    for fig, g in items:
        groups.setdefault(g, []).append(fig)
    # Sentences of one section that count the same thing (and one-item lists) form one series.
    series_of: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    for g, figs in groups.items():
        f = figs[0]
        if g[0] == "table" or (g[0] == "list" and len(figs) >= 2):
            series_of[g] = g
        else:
            what = f.unit if f.label in ("", _years_label(f.years)) else f.label
            series_of[g] = ("text", f.cite.doc, f.cite.chapter, f.cite.section, _kind(f), what)
    members: dict[tuple[Any, ...], list[Figure]] = {}
    for fig, g in items:
        members.setdefault(series_of[g], []).append(fig)
    names: dict[tuple[Any, ...], str] = {}
    for key, figs in members.items():
        name = figs[0].series if key[0] == "table" else _series_title(figs, key[0] == "list")
        n = 2
        while name in names.values():  # a series name is also its key: keep series apart
            name = f"{name.rsplit(' #', 1)[0]} #{n}"
            n += 1
        names[key] = name
    out: list[Figure] = []
    for f, g in items:
        key = series_of[g]
        if key[0] == "table":
            out.append(f)
        elif key[0] == "list":
            out.append(_with_series(f, names[key], _years_label(f.years)))  # a list item is named by its years
        else:
            out.append(_with_series(f, names[key]))
    return out


def _kind(f: Figure) -> str:
    """Money, a length of time or a count: one chart never mixes them."""
    if f.unit in _CURRENCIES:
        return "money"
    return "time" if f.unit.lower() in _DURATION else "count"


def _years_label(ys: Sequence[int]) -> str:
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}" if ys else ""


def series(figures: Sequence[Figure]) -> dict[str, list[Figure]]:
    """Figures grouped by table or list, in reading order (for charts)."""
    out: dict[str, list[Figure]] = {}
    for f in figures:
        out.setdefault(f.series, []).append(f)
    return out
