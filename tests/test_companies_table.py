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


def test_companies_aggregated_a_part_at_a_time_are_those_of_all_mentions_at_once(tmp_path, monkeypatch):
    # A large data dir's mentions are aggregated a part of the companies at a time.
    import pyarrow as pa

    from flows import publishing

    names = ["Nvidia", "Tiny Start-up", "Lumora Robotics", "Qilin Compute", "Arden Energy"]
    mentions = pa.table({
        "article_id": [f"a{i % 7}" for i in range(60)],
        "company_id": [None if i % 11 == 0 else names[i % 5].lower().replace(" ", "-") for i in range(60)],
        "name": [names[i % 5] for i in range(60)],
        "surface": [names[i % 5] + ("" if i % 3 else " Inc") for i in range(60)],
        "n_mentions": [1 + i % 4 for i in range(60)],
        "country": [None if i % 4 else "CN" if i % 8 else "US" for i in range(60)]})
    articles = pa.table({"article_id": [f"a{i}" for i in range(7)],
                         "published_at": pa.array([None] + [pd.Timestamp(f"2026-0{i}-01", tz="UTC") for i in range(1, 7)]),
                         "ingested_at": pa.array([pd.Timestamp("2026-07-01", tz="UTC")] * 7)})
    ids = [f"a{i}" for i in range(7)]
    whole = publishing.companies_table(str(tmp_path), mentions, articles, ids)
    monkeypatch.setattr(publishing, "MENTIONS_AT_ONCE", 9)
    assert publishing.companies_table(str(tmp_path), mentions, articles, ids).to_pylist() == whole.to_pylist()
    assert whole.num_rows == 5 and whole.column("company_id").to_pylist() == sorted(whole.column("company_id").to_pylist())
