"""Vega-Lite specs of the timeline and the key figures (pure dictionaries).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from nttqa.ui.escape import squash
from nttqa.ui.places import where
from nttqa.ui.text import t

def _decimal_year(e: Any) -> float:
    """2018-12-18 -> 2018.96; a year alone sits mid-year; a period starts at its first year."""
    if e.month:
        return e.year + (e.month - 1 + ((e.day or 15) - 1) / 31) / 12
    return e.year + 0.5


def timeline_spec(events: Sequence[Any], lang: str) -> dict[str, Any]:
    """A strip chart: one point per dated item along the years, a row per kind, the text in the tooltip."""
    rows = []
    for i, e in enumerate(events):
        text = squash(e.text)
        rows.append({
            "x": round(_decimal_year(e), 3), "date": e.date, "kind": t(lang, e.kind), "lane": i % 5,
            "text": text[:160] + ("…" if len(text) > 160 else ""), "where": where(e.cite, lang),
        })
    years = [e.year for e in events] + [e.year_end or e.year for e in events]
    lo, hi = (min(years), max(years) + 1) if years else (0, 1)
    return {
        "data": {"values": rows},
        "mark": {"type": "circle", "size": 110, "opacity": 0.8, "stroke": "white", "strokeWidth": 0.5},
        "encoding": {
            "x": {"field": "x", "type": "quantitative", "title": t(lang, "year"),
                  "scale": {"domain": [lo, hi], "nice": False},
                  "axis": {"format": "d", "tickMinStep": 1, "grid": True}},
            "y": {"field": "kind", "type": "nominal", "title": None},
            "yOffset": {"field": "lane", "type": "ordinal"},
            "color": {"field": "kind", "type": "nominal", "legend": None},
            "tooltip": [{"field": "date", "title": t(lang, "date")}, {"field": "text", "title": t(lang, "text")},
                        {"field": "where", "title": t(lang, "where")}],
        },
        "height": 220,
    }


def figure_spec(figs: Sequence[Any], lang: str) -> dict[str, Any]:
    """Bars for one series (a table or a list of numbers), in reading order."""
    rows = []
    seen: dict[str, int] = {}
    for i, f in enumerate(figs):
        label = f.label or str(i + 1)
        seen[label] = seen.get(label, 0) + 1
        if seen[label] > 1:
            label = f"{label} ({seen[label]})"
        rows.append({"label": label, "value": f.value, "raw": f.raw, "order": i,
                     "where": where(f.cite, lang)})
    units = {f.unit for f in figs if f.unit}
    unit = units.pop() if len(units) == 1 else ""
    return {
        "data": {"values": rows},
        "mark": {"type": "bar", "tooltip": True, "cornerRadiusEnd": 2},
        "encoding": {
            "x": {"field": "label", "type": "nominal", "sort": {"field": "order"}, "title": None,
                  "axis": {"labelAngle": 0, "labelLimit": 140}},
            "y": {"field": "value", "type": "quantitative", "title": unit or t(lang, "value")},
            "tooltip": [{"field": "label", "title": t(lang, "label")}, {"field": "raw", "title": t(lang, "as_written_short")},
                        {"field": "where", "title": t(lang, "where")}],
        },
        "height": 220,
    }
