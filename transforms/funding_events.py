"""Reports of one real-world funding event grouped across articles: the funding table's event_key."""
from __future__ import annotations

from collections import namedtuple
from datetime import timedelta
from functools import lru_cache
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
    rows = sorted((_Report(r, *_interval(r)) for r in _rows(funding)), key=_report_order)
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


_COLUMNS = ("funding_id", "article_id", "company_id", "event_type", "amount_usd", "event_date",
            "event_date_precision", "published_at")
_Row = namedtuple("_Row", ("Index", *_COLUMNS))


def _rows(funding: pd.DataFrame):
    """The reports as tuples of the columns clustering reads, as itertuples() gives them (which
    walks Arrow-backed string columns a value at a time: most of the clustering's time)."""
    columns = [funding[name].tolist() for name in _COLUMNS]
    return map(_Row._make, zip(funding.index.tolist(), *columns))


class _Report(NamedTuple):
    row: tuple
    lo: pd.Timestamp | None
    hi: pd.Timestamp | None


def _report_order(x: _Report) -> tuple:
    published = x.row.published_at
    known = _known(published)
    return not known, _naive(published) if known else pd.Timestamp.min, x.row.funding_id


@lru_cache(maxsize=4096)  # an article's reports share its date: converting it per report was most of the sort
def _naive(value) -> pd.Timestamp:
    stamp = pd.Timestamp(value)
    return stamp.tz_localize(None) if stamp.tzinfo else stamp


def _interval(row) -> tuple:
    """When the event may have happened: the dated span, else up to a year before the article."""
    if _known(row.event_date):
        return _span(row.event_date, row.event_date_precision)
    if _known(row.published_at):
        published = _naive(row.published_at)
        return published - LOOKBACK, published + timedelta(days=1)
    return None, None


@lru_cache(maxsize=4096)  # as _naive: reports share dates
def _span(day, precision) -> tuple:
    start = pd.Timestamp(day)
    return start, start + _SPAN.get(precision or "day", _SPAN["day"])


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
    """Union the reports of one raiser and type that tell of one event. Reports with the same
    amount and dates are interchangeable, so pairs are tested between such kinds of report, and
    priced ones only within the amount tolerance of each other: near-linear in the reports of
    a large run (pair by pair it took seconds at 50,000), with the same events."""
    priced = [x for x in group if _known(x.row.amount_usd)]
    unpriced = [x for x in group if not _known(x.row.amount_usd)]
    _cluster_priced(_kinds(priced, lambda x: (x.row.amount_usd, x.lo, x.hi)), parent)
    _cluster_unpriced(_kinds(unpriced, lambda x: (x.lo, x.hi)), parent)
    dates = _kinds(priced, lambda x: (x.lo, x.hi))
    for x in unpriced:  # joins a priced event only when exactly one is near
        events = _events_near(x, dates, parent)
        if len(events) == 1:
            _union(parent, x.row.Index, events.pop())


class _Kind(NamedTuple):
    """Reports alike in what clustering compares (a representative, all of them, their articles)."""

    first: _Report
    reports: list
    articles: set


def _kinds(reports: list[_Report], alike) -> list[_Kind]:
    kinds: dict = {}
    for x in reports:
        kind = kinds.setdefault(alike(x), _Kind(x, [], set()))
        kind.reports.append(x)
        kind.articles.add(x.row.article_id)
    return list(kinds.values())


def _one_article(a: _Kind, b: _Kind) -> bool:
    """Whether every pair of reports of the two kinds comes from one article."""
    return len(a.articles) == 1 and a.articles == b.articles


def _cluster_priced(kinds: list[_Kind], parent: dict) -> None:
    # Reports of one amount and dates are one event (amounts are positive: validated). Two
    # kinds are tested only while their amounts are within the tolerance (and a margin).
    for kind in kinds:
        _union_all(kind.reports, parent)
    kinds.sort(key=lambda k: k.first.row.amount_usd)
    for i, a in enumerate(kinds):
        x = a.first.row.amount_usd
        for j in range(i + 1, len(kinds)):
            b = kinds[j]
            y = b.first.row.amount_usd
            if y - x > 2 * AMOUNT_TOLERANCE * y:
                break
            tolerance = SAME_ARTICLE_TOLERANCE if _one_article(a, b) else AMOUNT_TOLERANCE
            if abs(x - y) <= tolerance * max(x, y) and _near(a.first, b.first):
                _union(parent, a.first.row.Index, b.first.row.Index)


def _cluster_unpriced(kinds: list[_Kind], parent: dict) -> None:
    # Reports of other articles near in time are one event: within a kind of two or more
    # articles all are; reports of one article join when a near kind holds another article.
    kinds.sort(key=lambda k: (k.first.lo is not None, k.first.lo or 0))  # the one undated kind first
    linked = [len(kind.articles) > 1 for kind in kinds]
    for i, a in enumerate(kinds):
        for j in range(i + 1, len(kinds)):
            b = kinds[j]
            if a.first.lo is not None and b.first.lo - NEAR > a.first.hi:
                break  # sorted by start: no later kind is near either
            if not _one_article(a, b) and _near(a.first, b.first):
                linked[i] = linked[j] = True
                _union(parent, a.first.row.Index, b.first.row.Index)
    for kind, joined in zip(kinds, linked):
        if joined:
            _union_all(kind.reports, parent)


def _events_near(x: _Report, dates: list[_Kind], parent: dict) -> set:
    """The events (roots) of the priced reports near x, stopping at two. Each kind keeps one
    report per event it holds (events only merge, so those stand for all its reports)."""
    events = set()
    for n, kind in enumerate(dates):
        if not _near(x, kind.first):
            continue
        roots = {_find(parent, r.row.Index): r for r in kind.reports}
        dates[n] = kind._replace(reports=list(roots.values()))
        events |= roots.keys()
        if len(events) > 1:
            break
    return events


def _union_all(reports: list[_Report], parent: dict) -> None:
    for x in reports[1:]:
        _union(parent, reports[0].row.Index, x.row.Index)


def _find(parent: dict, i):
    while parent[i] != i:
        parent[i] = parent[parent[i]]
        i = parent[i]
    return i


def _union(parent: dict, a, b) -> None:
    parent[_find(parent, a)] = _find(parent, b)
