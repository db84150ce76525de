"""Funding rows linked to what analysts group by: the raiser's company_id and country, the
event's date where its sentence says it, and the article's own date beside it."""
from __future__ import annotations

import re
from datetime import date, datetime

from transforms.event_dates import EventDate, find_event_dates
from transforms.gazetteer import Company, slugify
from transforms.money import find_money
from transforms.rows import FundingRow, with_values

# Where one clause of a sentence ends and the next, which may tell of another event, begins.
_CLAUSE_BREAK = re.compile(r";|,\s(?:and|but|while|whereas|which)\s|\sand\sseparately\s|\swhile\s")


def link_funding(rows: list[FundingRow], companies: list, published_at: datetime | None) -> list[FundingRow]:
    """The rows with event_date (and its precision), published_at, company_id and country set.
    `companies` are the article's company mentions (CompanySpan: start, end, surface, company)."""
    known: dict[str, Company] = {}
    for span in companies:
        known.setdefault(span.company.name, span.company)
    published = published_at.date() if published_at else None
    return [_linked(row, known, companies, published, published_at) for row in rows]


def _linked(row: FundingRow, known: dict[str, Company], spans: list, published: date | None,
            published_at: datetime | None) -> FundingRow:
    raisers = [known.get(name) for name in row.companies]
    countries = {c.country for c in raisers if c is not None}
    when = _event_date(row, spans, published)
    company = known.get(row.company) if row.company else None
    return with_values(
        row,
        event_date=when.date if when else row.event_date,
        event_date_precision=when.precision if when else None,
        published_at=published_at,
        company_id=(company.company_id if company else slugify(row.company)) if row.company else None,
        # Several raisers share a country only when every one is known to be there.
        country=countries.pop() if len(countries) == 1 and None not in raisers else None,
    )


def _event_date(row: FundingRow, spans: list, published: date | None) -> EventDate | None:
    """The date in the clause that tells of this row's event, the nearest to its amount (or,
    without an amount, to its raiser's name)."""
    text = row.evidence
    anchor = _anchor(row, spans)
    if anchor is None:
        return None
    start, end = _clause_around(text, anchor)
    dates = find_event_dates(text[start:end], published, planned=row.status == "planned")
    if not dates:
        return None
    return min(dates, key=lambda d: abs(start + d.start - anchor))


def _anchor(row: FundingRow, spans: list) -> int | None:
    if row.amount is not None:
        for money in find_money(row.evidence):
            if abs(money.amount - row.amount) <= 1e-6 * max(row.amount, 1) and money.currency == row.currency:
                return money.start
    for span in spans:
        if row.char_start <= span.start < row.char_end and span.company.name in row.companies:
            return span.start - row.char_start
    return None


def _clause_around(text: str, position: int) -> tuple[int, int]:
    start, end = 0, len(text)
    for brk in _CLAUSE_BREAK.finditer(text):
        if brk.end() <= position:
            start = brk.end()
        elif brk.start() >= position:
            end = brk.start()
            break
    return start, end
