"""Forecasts: forward-looking quantitative statements, and dated predictions."""
from __future__ import annotations

import re

from transforms.dates import find_horizon, find_years
from transforms.figures import Figure
from transforms.rows import ForecastRow

_SUBJECT_STOP = re.compile(r"\b(?:is|are|was|were|will|would|could|should|has|have|had|to|expects?|"
                           r"projected|set|on|sees|puts|said|says)\b", re.IGNORECASE)
# A prediction that is a date, not a number: "AGI within ten years", "superintelligence by 2030".
_DATED = re.compile(r"\b(?:superintelligence|artificial general intelligence|AGI|human-level)\b", re.IGNORECASE)
_DATED_CUE = re.compile(r"\b(?:arrive|away|by|before|within|pencilled|reach|achiev\w*)\b", re.IGNORECASE)


def _subject(f: Figure) -> str:
    """A short description of what is forecast: the clause's words before its verb."""
    head = f.clause[:f.position]
    words = _SUBJECT_STOP.split(head, maxsplit=1)[0].strip(" ,;:—-")
    return (words or f.clause).strip()[:120]


def _metric(f: Figure) -> str:
    unit = f.quantity.unit
    words = f.clause.lower()
    for name in ("probability", "chance", "revenue", "capital", "spending", "investment", "demand",
                 "consumption", "capacity", "share", "emissions", "growth", "valuation"):
        if name in words:
            return "probability" if name == "chance" else name
    return {"USD": "amount", "percent": "percentage", "x": "multiple"}.get(unit, "quantity")


def find_forecasts(ctx, figures: list[Figure], excluded: set[tuple[int, int]]) -> list[ForecastRow]:
    """Forecast rows: projected figures (not money raised), plus dated predictions."""
    rows = []
    for f in figures:
        key = (f.sentence.start, f.quantity.start)
        if not f.is_projection or key in excluded:
            continue
        q = f.quantity
        low, high = f.horizon
        rows.append(ForecastRow(
            forecast_id=ctx.row_id("forecast", *key), subject=_subject(f), metric=_metric(f),
            region=f.region, value=q.value, value_max=q.value_max, unit=q.unit, comparator=q.comparator,
            target_year=f.year, horizon_min_years=low, horizon_max_years=high,
            source_person=f.source_person, source_org=f.source_org, **ctx.grounding(f.sentence)))
    covered = {f.sentence.start for f in figures}
    return rows + _dated_predictions(ctx, covered)


def _dated_predictions(ctx, covered: set[int]) -> list[ForecastRow]:
    rows = []
    for sentence in ctx.sentences:
        m = _DATED.search(sentence.text)
        if not m or sentence.start in covered or not _DATED_CUE.search(sentence.text):
            continue
        years = [y for y in find_years(sentence.text, ctx.year) if y.kind == "year"]
        low, high = find_horizon(sentence.text)
        if not years and low is None:
            continue
        comparator = ">" if re.search(r"more than|over", sentence.text) else \
            "<=" if re.search(r"\bby\b|before|within", sentence.text) else "="
        rows.append(ForecastRow(
            forecast_id=ctx.row_id("forecast", sentence.start, m.start()), subject=m.group(0),
            metric="arrival", region=None, value=None, value_max=None, unit=None, comparator=comparator,
            target_year=years[0].year if years else None, horizon_min_years=low,
            horizon_max_years=high if high != low or comparator != ">" else None,
            source_person=None, source_org=None, **ctx.grounding(sentence)))
    return rows
