"""Row types of the published tables; field names are the contract's columns."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TypeVar

Row = TypeVar("Row")


def with_values(row: Row, **changes) -> Row:
    """A copy of a row with some columns changed, like dataclasses.replace (no row type has
    init=False fields), without the field introspection that costs replace more than the row."""
    return type(row)(**{**vars(row), **changes})


@dataclass(frozen=True, kw_only=True)
class Grounded:
    """Columns every fact row carries: the sentence it rests on and its lineage."""

    article_id: str
    evidence: str
    char_start: int
    char_end: int
    extractor_version: str
    run_id: str


@dataclass(frozen=True, kw_only=True)
class ArticleRow:
    article_id: str
    source: str
    title: str | None
    published_at: datetime | None
    ingested_at: datetime
    n_chars: int
    n_words: int
    language: str | None


@dataclass(frozen=True, kw_only=True)
class CompanyRow:
    company_id: str
    name: str
    aliases: list[str]
    country: str | None
    n_articles: int
    n_mentions: int
    first_seen: datetime | None
    last_seen: datetime | None
    kind: str | None = None  # the gazetteer's sector; null for companies it does not know
    ticker: str | None = None


@dataclass(frozen=True, kw_only=True)
class CompanyMentionRow(Grounded):
    company_id: str
    name: str
    surface: str
    n_mentions: int
    country: str | None = None  # headquarters as the article states it; feeds companies.country


@dataclass(frozen=True, kw_only=True)
class PersonRow(Grounded):
    name: str
    title: str | None
    organization: str | None
    company_id: str | None


@dataclass(frozen=True, kw_only=True)
class FundingRow(Grounded):
    funding_id: str
    company: str | None
    companies: list[str]
    event_type: str
    status: str
    round: str | None
    amount: float | None
    currency: str | None
    amount_usd: float | None
    amount_qualifier: str | None
    is_aggregate: bool
    investors: list[str]
    valuation_usd: float | None
    event_date: date | None
    # Filled after extraction (transforms.funding_links) and at publish (transforms.funding_events),
    # so that the funding extractor need not know of them.
    event_date_precision: str | None = None
    published_at: datetime | None = None
    company_id: str | None = None
    country: str | None = None
    event_key: str | None = None


@dataclass(frozen=True, kw_only=True)
class ForecastRow(Grounded):
    forecast_id: str
    subject: str
    metric: str
    region: str | None
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str
    target_year: int | None
    horizon_min_years: float | None
    horizon_max_years: float | None
    source_person: str | None
    source_org: str | None


@dataclass(frozen=True, kw_only=True)
class EnergyMetricRow(Grounded):
    metric_id: str
    region: str | None
    sector: str
    metric: str
    value: float | None
    value_max: float | None
    unit: str | None
    comparator: str
    year: int | None
    baseline_year: int | None
    is_projection: bool
    source_org: str | None


# Published tables, in publishing order, with their row type and unique key.
TABLES: dict[str, tuple[type, tuple[str, ...]]] = {
    "articles": (ArticleRow, ("article_id",)),
    "company_mentions": (CompanyMentionRow, ("article_id", "company_id")),
    "people": (PersonRow, ("article_id", "name")),
    "funding": (FundingRow, ("funding_id",)),
    "forecasts": (ForecastRow, ("forecast_id",)),
    "energy_metrics": (EnergyMetricRow, ("metric_id",)),
    "companies": (CompanyRow, ("company_id",)),
}
FACT_TABLES = ("company_mentions", "people", "funding", "forecasts", "energy_metrics")
