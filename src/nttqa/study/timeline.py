"""A timeline of what the text dates: "pada tahun 1951", "tanggal 14 November 2018",
"tahun 2018 di bulan Agustus", "periode 2017-2018".

Every dated mention in running text becomes an ``Event`` with its precision
(day, month, year or a period of years), the clause and sentence it comes
from, the acronyms it mentions (long forms count: "International Organization
for Migration" mentions IOM) and the references backing it.  Years inside a
source reference ("(Goma 2020, 36)"), inside a regulation number ("UU Nomor 21
Tahun 2007", reported once as a regulation) or in tables are not events.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from nttqa.study.reader import Abbreviation, Cite, abbreviations, acronyms_in, cite, clause_span_at, sentence_spans
from nttqa.textutil import YEAR, backing_refs, find_refs, refs_at
from nttqa.types import Chunk

MONTHS: dict[str, int] = {
    "januari": 1, "january": 1, "februari": 2, "pebruari": 2, "february": 2, "maret": 3, "march": 3,
    "april": 4, "mei": 5, "may": 5, "juni": 6, "june": 6, "juli": 7, "july": 7, "agustus": 8, "august": 8,
    "september": 9, "sept": 9, "oktober": 10, "october": 10, "november": 11, "nopember": 11,
    "desember": 12, "december": 12,
}
_MONTH = r"(?P<{name}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\b\.?"
_YEAR = r"(?P<{name}>" + YEAR.replace("{", "{{").replace("}", "}}") + r")(?![\d%/])"
_Y = r"(?<![\w.,/$])"  # a year is not the tail of a number, a code ("No. 5/2018") or money

_DAY_FULL = re.compile(
    rf"(?:(?:tanggal|tgl\.?|on)\s+)?(?P<day>[0-3]?\d)\s+{_MONTH.format(name='month')}\s*,?\s+(?:tahun\s+)?{_Y}"
    rf"{_YEAR.format(name='year')}"
    rf"|{_MONTH.format(name='month2')}\s+(?P<day2>[0-3]?\d)(?:st|nd|rd|th)?,?\s+{_Y}{_YEAR.format(name='year2')}", re.I)
_DAY_MONTH = re.compile(rf"(?:(?:tanggal|tgl\.?|on)\s+)?(?<!\d)(?P<day>[0-3]?\d)\s+{_MONTH.format(name='month')}", re.I)
_MONTH_YEAR = re.compile(
    rf"(?:bulan\s+|in\s+)?{_MONTH.format(name='month')}\s+(?:tahun\s+)?{_Y}{_YEAR.format(name='year')}", re.I)
_MONTHS_ONLY = re.compile(
    rf"(?:bulan|in)\s+{_MONTH.format(name='month')}(?P<more>(?:\s*(?:,|dan\s+juga|dan|serta|and|hingga|sampai)\s*"
    rf"(?:bulan\s+)?(?:{'|'.join(sorted(MONTHS, key=len, reverse=True))})\b)*)", re.I)
_RANGE = re.compile(
    rf"{_Y}(?P<a>{YEAR})\s*(?:-|–|—|hingga|sampai(?:\s+dengan)?|s\.d\.|s/d|to|until|through)\s*"
    rf"(?:(?:tahun|year)\s+)?(?P<b>{YEAR})(?![\d%/])", re.I)
_ANY_MONTH = re.compile(r"\b(?:" + "|".join(MONTHS) + r")\b", re.I)
_YEAR_ONLY = re.compile(rf"{_Y}(?P<year>{YEAR})(?![\d%/])")
REGULATION = re.compile(rf"(?:Nomor|No\.)\s*\d+[\w./-]*\s+[Tt]ahun\s+(?P<year>{YEAR})(?!\d)")
# "Masih pada tahun yang sama ..." dates a sentence by the year last written before it.
_SAME_YEAR = re.compile(r"\b(?:(?:pada|di|dalam)\s+)?tahun\s+yang\s+sama\b|\b(?:in\s+)?(?:the|that)\s+same\s+year\b",
                        re.I)
_STATISTIC = re.compile(r"\d+(?:[.,]\d+)?\s*%|\d[\d.,]*\s+(?:ribu\s+|juta\s+)?(?:orang|jiwa|people|persons)\b", re.I)


@dataclass(frozen=True)
class Event:
    date: str  # "2018-12-18", "2018-12", "2018" or "2014/2018" for a period
    year: int
    month: int | None
    day: int | None
    year_end: int | None  # last year of a period
    precision: str  # "day" | "month" | "year" | "period"
    kind: str  # "event" | "statistic" | "regulation"
    as_written: str  # "tanggal 14 November 2018"
    text: str  # the clause holding the date
    mentions: tuple[str, ...]  # acronyms the sentence names, by short or long form ("IOM", "NTT")
    refs: tuple[str, ...]  # references backing the sentence ("Utami 2019, 202")
    cite: Cite

    def covers(self, year: int) -> bool:
        return self.year <= year <= (self.year_end or self.year)

    def to_dict(self) -> dict[str, Any]:
        return {"date": self.date, "year": self.year, "month": self.month, "day": self.day,
                "year_end": self.year_end, "precision": self.precision, "kind": self.kind,
                "as_written": self.as_written, "text": self.text, "mentions": list(self.mentions),
                "refs": list(self.refs), "citation": self.cite.to_dict()}


@dataclass(frozen=True)
class DateMention:
    """A date written in a text: offsets, year, and month/day or the last year of a period."""

    start: int
    end: int
    year: int
    month: int | None = None
    day: int | None = None
    year_end: int | None = None


def mask(text: str, spans: Sequence[tuple[int, int]]) -> str:
    chars = list(text)
    for s, e in spans:
        for i in range(max(0, s), min(len(chars), e)):
            chars[i] = " "
    return "".join(chars)


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")]


def _valid_day(day: int, month: int) -> bool:
    return 1 <= day <= (29 if month == 2 else 30 if month in (4, 6, 9, 11) else 31)


def _nearest_year(years: list[tuple[int, int, int]], pos: int, used: set[int]) -> tuple[int, int, int] | None:
    """The closest not yet used year mention; one before ``pos`` wins a tie."""
    free = [y for y in years if y[0] not in used]
    if not free:
        return None
    return min(free, key=lambda y: (abs(y[0] - pos), y[0] > pos))


def date_mentions(text: str) -> list[DateMention]:
    """Dates written in one sentence, most precise first, no overlaps.

    Mask references and regulation numbers first: every four-digit year counts.
    """
    out: list[DateMention] = []
    taken: list[tuple[int, int]] = []
    if not re.search(YEAR, text):
        return out
    has_month = bool(_ANY_MONTH.search(text))

    def free(s: int, e: int) -> bool:
        return all(e <= a or s >= b for a, b in taken)

    def add(m: DateMention) -> None:
        out.append(m)
        taken.append((m.start, m.end))

    for m in (_DAY_FULL.finditer(text) if has_month else ()):
        mon = _month(m.group("month") or m.group("month2"))
        day = int(m.group("day") or m.group("day2"))
        if _valid_day(day, mon) and free(m.start(), m.end()):
            add(DateMention(m.start(), m.end(), int(m.group("year") or m.group("year2")), mon, day))
    for m in (_MONTH_YEAR.finditer(text) if has_month else ()):
        if free(m.start(), m.end()):
            add(DateMention(m.start(), m.end(), int(m.group("year")), _month(m.group("month"))))
    years = [(m.start(), m.end(), int(m.group("year"))) for m in _YEAR_ONLY.finditer(text) if free(m.start(), m.end())]
    ranges = [m for m in _RANGE.finditer(text) if free(m.start(), m.end()) and
              int(m.group("a")) < int(m.group("b")) <= int(m.group("a")) + 30]
    in_range = {y[0] for y in years if any(r.start() <= y[0] < r.end() for r in ranges)}
    used: set[int] = set(in_range)
    for m in (_DAY_MONTH.finditer(text) if has_month else ()):
        mon = _month(m.group("month"))
        day = int(m.group("day"))
        if not _valid_day(day, mon) or not free(m.start(), m.end()):
            continue
        y = _nearest_year(years, m.start(), used)
        if y:
            used.add(y[0])
            add(DateMention(min(m.start(), y[0]), max(m.end(), y[1]), y[2], mon, day))
    for m in (_MONTHS_ONLY.finditer(text) if has_month else ()):
        if not free(m.start(), m.end()):
            continue
        y = _nearest_year(years, m.start(), used)
        if not y:
            continue
        used.add(y[0])
        names = [m.group("month")] + re.findall("|".join(sorted(MONTHS, key=len, reverse=True)), m.group("more") or "",
                                                 re.I)
        span = (min(m.start(), y[0]), max(m.end(), y[1]))
        for name in dict.fromkeys(n.lower() for n in names):
            out.append(DateMention(span[0], span[1], y[2], _month(name)))
        taken.append(span)
    for r in ranges:
        add(DateMention(r.start(), r.end(), int(r.group("a")), year_end=int(r.group("b"))))
    for s, e, y in years:
        if s not in used and free(s, e):
            add(DateMention(s, e, y))
    return out


def _date(m: DateMention) -> tuple[str, str]:
    if m.year_end:
        return f"{m.year}/{m.year_end}", "period"
    if m.day:
        return f"{m.year:04d}-{m.month:02d}-{m.day:02d}", "day"
    if m.month:
        return f"{m.year:04d}-{m.month:02d}", "month"
    return f"{m.year:04d}", "year"


def _regulation_name(sentence: str, m: re.Match[str], offset: int) -> str:
    """"UU Nomor 21 Tahun 2007": the number with the capitalised words naming the regulation."""
    words = sentence[:m.start() - offset].split()
    lead: list[str] = []
    for k in range(len(words) - 1, max(-1, len(words) - 4), -1):
        w = words[k]
        if not w[:1].isupper() or (k == 0 and not w.isupper()):
            break
        lead.insert(0, w)
    if not lead and words:
        lead = [words[-1].strip("()")]
    return re.sub(r"\s+", " ", " ".join(lead + [m.group(0)])).strip()


def _frequent_acronyms(chunks: Sequence[Chunk], at_least: int = 3) -> set[str]:
    counts: dict[str, int] = {}
    for c in chunks:
        for tok in re.findall(r"\b[A-Z][A-Z0-9]*[A-Z][A-Z0-9]*\b", c.text):
            counts[tok] = counts.get(tok, 0) + 1
    return {t for t, n in counts.items() if n >= at_least and not re.fullmatch(r"[IVXLC]+", t)}


def _mentioned(sentence: str, table: Sequence[Abbreviation], frequent: set[str]) -> tuple[str, ...]:
    named = set(acronyms_in(sentence, table))
    defined = {a.short for a in table}
    return tuple(sorted(t for t in named if t in defined or t in frequent))


def build_timeline(chunks: Sequence[Chunk], abbreviation_table: Sequence[Abbreviation] | None = None) -> list[Event]:
    """All dated mentions of the running text, in date order."""
    table = list(abbreviation_table) if abbreviation_table is not None else abbreviations(chunks)
    backing = backing_refs(chunks)
    events: list[tuple[tuple[Any, ...], Event]] = []
    seen_regulations: set[str] = set()
    frequent = _frequent_acronyms(chunks)
    last_year: int | None = None  # the year last written, within the current section
    section: tuple[str, str, str] | None = None
    for c in chunks:
        if c.kind != "text":
            continue
        if (c.doc, c.chapter, c.section) != section:
            section, last_year = (c.doc, c.chapter, c.section), None
        masked = mask(c.text, [(r.start, r.end) for r in find_refs(c.text)])
        regulations = list(REGULATION.finditer(masked))
        masked = mask(masked, [(m.start(), m.end()) for m in regulations])
        for s, e in sentence_spans(c.text):
            sentence = c.text[s:e]
            mentions = date_mentions(masked[s:e])
            same = _SAME_YEAR.search(masked[s:e])
            if same and last_year is not None and not any(m.year == last_year for m in mentions):
                mentions.append(DateMention(same.start(), same.end(), last_year))
            if mentions:
                latest = max(mentions, key=lambda m: m.start)
                last_year = None if latest.year_end else latest.year
            years_here = {m.year for m in mentions}
            mentions_here = _mentioned(sentence, table, frequent)
            refs = refs_at(backing, c, s)
            for m in mentions:
                date, precision = _date(m)
                cs, ce = clause_span_at(c.text, s + m.start)
                clause = c.text[cs:ce].strip()
                after = c.text[s + m.start:min(e, s + m.end + 160)]
                kind = "statistic" if _STATISTIC.search(clause) or _STATISTIC.search(after) else "event"
                ev = Event(date, m.year, m.month, m.day, m.year_end, precision, kind,
                           re.sub(r"\s+", " ", c.text[s + m.start:s + m.end]).strip(), clause, mentions_here, refs,
                           cite(c, sentence))
                events.append(((m.year, m.month or 0, m.day or 0, 1 if m.year_end else 0, m.year_end or 0, c.id,
                                s + m.start, m.month or 0), ev))
            for rm in regulations:
                if not s <= rm.start() < e:
                    continue
                name = _regulation_name(sentence, rm, s)
                key = re.sub(r"[^a-z0-9]", "", rm.group(0).lower())
                year = int(rm.group("year"))
                if key in seen_regulations or year in years_here:
                    seen_regulations.add(key)
                    continue
                seen_regulations.add(key)
                cs, ce = clause_span_at(c.text, rm.start())
                ev = Event(f"{year:04d}", year, None, None, None, "year", "regulation", name,
                           c.text[cs:ce].strip(), mentions_here, refs, cite(c, sentence))
                events.append(((year, 0, 0, 0, 0, c.id, rm.start(), 0), ev))
    events.sort(key=lambda t: t[0])
    out: list[Event] = []
    seen: set[tuple[str, int, str, str]] = set()
    for _, ev in events:
        k = (ev.date, ev.cite.chunk_id, ev.cite.sentence, ev.as_written if ev.kind == "regulation" else "")
        if k not in seen:
            seen.add(k)
            out.append(ev)
    return out


def _mentions(ev: Event, actor: str) -> bool:
    a = actor.strip()
    return a in ev.mentions or a.lower() in ev.cite.sentence.lower()


def events_in_year(events: Sequence[Event], year: int, actor: str | None = None,
                   include_periods: bool = False) -> list[Event]:
    """Events dated in ``year`` (periods covering it too when asked), optionally only those naming ``actor``."""
    out = [e for e in events
           if (e.year == year and not e.year_end) or (include_periods and e.year_end and e.covers(year))]
    if actor:
        out = [e for e in out if _mentions(e, actor)]
    return out


def events_between(events: Sequence[Event], start: int, end: int, actor: str | None = None) -> list[Event]:
    out = [e for e in events if start <= e.year <= end]
    if actor:
        out = [e for e in out if _mentions(e, actor)]
    return out
