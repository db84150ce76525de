"""The companies table: one row per company with the gazetteer's kind and ticker."""
from __future__ import annotations

import pandas as pd

from flows.reference import company_facts
from transforms.companies_table import aggregate_companies


def test_companies_carry_kind_and_ticker_from_the_gazetteer():
    mentions = pd.DataFrame([
        {"article_id": "a1", "company_id": "nvidia", "name": "Nvidia", "surface": "Nvidia", "n_mentions": 3,
         "country": "US"},
        {"article_id": "a2", "company_id": "nvidia", "name": "Nvidia", "surface": "Nvidia Corp", "n_mentions": 1,
         "country": "US"},
        {"article_id": "a1", "company_id": "tiny-start-up", "name": "Tiny Start-up", "surface": "Tiny Start-up",
         "n_mentions": 1, "country": None},
    ])
    dates = pd.Series(pd.to_datetime(["2026-01-02", "2026-02-03"], utc=True), index=["a1", "a2"])
    rows = {r.company_id: r for r in aggregate_companies(mentions, dates, company_facts())}
    assert (rows["nvidia"].kind, rows["nvidia"].ticker, rows["nvidia"].n_articles) == ("chips", "NVDA", 2)
    assert (rows["tiny-start-up"].kind, rows["tiny-start-up"].ticker) == (None, None)
