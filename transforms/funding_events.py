"""Reports of one real-world funding event grouped across articles: the funding table's event_key."""
from __future__ import annotations

from datetime import timedelta
from typing import NamedTuple

import pandas as pd

AMOUNT_TOLERANCE = 0.08  # articles convert and round the same deal differently
SAME_ARTICLE_TOLERANCE = 0.01  # within one article two figures that differ are two events
NEAR = timedelta(days=45)  # how far apart two dated reports of one event may put it
LOOKBACK = timedelta(days=365)  # an undated report may tell of an event up to a year before it
_SPAN = {"day": timedelta(days=1), "week": timedelta(days=7), "month": timedelta(days=31),
         "year": timedelta(days=366)}


def event_keys(funding: pd.DataFrame) -> pd.Series:
    """An event key per funding row: rows of one raiser (company_id) and event type whose amounts
    in USD agree within 8 % and whose dates are near share the key, the funding_id of the
    event's first report (the earliest published; undated articles last). A row without an amount joins the event of its raiser and type
    that is near in time when there is exactly one; rows without a raiser (several raise
    together) are events of their own. Needs funding_id, article_id, company_id, event_type,
    amount_usd, event_date, event_date_precision and published_at."""
    if funding.empty:
        return pd.Series([], index=funding.index, dtype="string")
    rows = sorted((_Report(r, *_interval(r)) for r in funding.itertuples()), key=_report_order)
    parent = {x.row.Index: x.row.Index for x in rows}
    groups: dict[tuple, list[_Report]] = {}
    for x in rows:
        if _known(x.row.company_id):
            groups.setdefault((x.row.company_id, x.row.event_type), []).append(x)
    for group in groups.values():
        _cluster(group, parent)
    first: dict = {}
    for x in rows:  # sorted: the earliest report of each event comes first
        first.setdefault(_find(parent, x.row.Index), x.row.funding_id)
    return pd.Series({x.row.Index: first[_find(parent, x.row.Index)] for x in rows},
                     dtype="string").reindex(funding.index)


class _Report(NamedTuple):
    row: tuple
    lo: pd.Timestamp | None
    hi: pd.Timestamp | None


def _report_order(x: _Report) -> tuple:
    published = x.row.published_at
    return (not _known(published), _naive(published) if _known(published) else pd.Timestamp.min,
            x.row.funding_id)


def _naive(value) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(None) if stamp.tzinfo else stamp


def _interval(row) -> tuple:
    """When the event may have happened: the dated span, else up to a year before the article."""
    if _known(row.event_date):
        start = pd.Timestamp(row.event_date)
        return start, start + _SPAN.get(row.event_date_precision or "day", _SPAN["day"])
    if _known(row.published_at):
        published = _naive(row.published_at)
        return published - LOOKBACK, published + timedelta(days=1)
    return None, None


def _known(value) -> bool:
    return value is not None and not pd.isna(value)


def _near(a, b) -> bool:
    if a.lo is None or b.lo is None:
        return True  # an article without a date can be any time
    return a.lo - NEAR <= b.hi and b.lo - NEAR <= a.hi


def _same_amount(a: _Report, b: _Report) -> bool:
    x, y = a.row.amount_usd, b.row.amount_usd
    tolerance = SAME_ARTICLE_TOLERANCE if a.row.article_id == b.row.article_id else AMOUNT_TOLERANCE
    return abs(x - y) <= tolerance * max(x, y)


def _cluster(group: list[_Report], parent: dict) -> None:
    priced = [x for x in group if _known(x.row.amount_usd)]
    unpriced = [x for x in group if not _known(x.row.amount_usd)]
    for i, a in enumerate(priced):
        for b in priced[i + 1:]:
            if _same_amount(a, b) and _near(a, b):
                _union(parent, a.row.Index, b.row.Index)
    for i, a in enumerate(unpriced):
        for b in unpriced[i + 1:]:
            if _near(a, b) and a.row.article_id != b.row.article_id:
                _union(parent, a.row.Index, b.row.Index)
    for x in unpriced:  # joins a priced event only when exactly one is near
        events = {_find(parent, p.row.Index) for p in priced if _near(x, p)}
        if len(events) == 1:
            _union(parent, x.row.Index, events.pop())


def _find(parent: dict, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: dict, a, b) -> None:
    parent[_find(parent, a)] = _find(parent, b)
