"""The companies table: one row per company, aggregated over all mentions."""
from __future__ import annotations

import pandas as pd

from transforms.rows import CompanyRow


def _first_valid(series: pd.Series):
    valid = series.dropna()
    return valid.mode().iloc[0] if not valid.empty else None


def aggregate_companies(mentions: pd.DataFrame, article_dates: pd.Series,
                        facts: dict[str, tuple[str | None, str | None]] | None = None) -> list[CompanyRow]:
    """Companies from company_mentions; article_dates maps article_id to its date, facts a
    company_id to its (kind, ticker) in the gazetteer."""
    facts = facts or {}
    if mentions.empty:
        return []
    frame = mentions.assign(seen=mentions["article_id"].map(article_dates))
    rows = []
    for company_id, group in frame.groupby("company_id", sort=True):
        seen = group["seen"].dropna()
        rows.append(CompanyRow(
            company_id=str(company_id),
            name=str(_first_valid(group["name"])),
            aliases=sorted(set(group["surface"].dropna()) | set(group["name"].dropna())),
            country=_first_valid(group["country"]),
            n_articles=int(group["article_id"].nunique()),
            n_mentions=int(group["n_mentions"].sum()),
            first_seen=seen.min().to_pydatetime() if not seen.empty else None,
            last_seen=seen.max().to_pydatetime() if not seen.empty else None,
            kind=facts.get(str(company_id), (None, None))[0],
            ticker=facts.get(str(company_id), (None, None))[1],
        ))
    return rows
