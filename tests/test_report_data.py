"""The report's figures from Arrow tables: each event once, counts per region and sector, the most
named people, the most given forecasts."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pyarrow as pa

from flows import report_data as shape

JAN = datetime(2026, 1, 12, tzinfo=timezone.utc)


def _funding(rows: list[tuple]) -> pa.Table:
    names = ["funding_id", "event_key", "event_type", "status", "is_aggregate", "amount_usd", "event_date",
             "published_at", "country", "company"]
    columns = list(zip(*rows))
    types = [pa.string(), pa.string(), pa.string(), pa.string(), pa.bool_(), pa.float64(), pa.date32(),
             pa.timestamp("us", tz="UTC"), pa.string(), pa.string()]
    return pa.table([pa.array(c, t) for c, t in zip(columns, types)], names=names)


def test_funding_events_keep_each_completed_event_once_from_its_first_report():
    events = shape.funding_events(_funding([
        ("f2", "f1", "ipo", "completed", False, 1.1e9, None, JAN, "CN", "Alpha"),          # a later report
        ("f1", "f1", "ipo", "completed", False, 1.0e9, date(2025, 12, 30), JAN, None, "Alpha"),
        ("f3", "f3", "equity_round", "completed", False, 2.0e9, None, JAN, "US", "Beta"),
        ("f4", "f4", "ipo", "planned", False, 5.0e9, None, JAN, "US", "Gamma"),            # not yet
        ("f5", "f5", "ipo", "completed", True, 6.0e9, None, JAN, "US", "Delta"),           # several together
        ("f6", "f6", "ipo", "completed", False, None, None, JAN, "US", "Eta"),             # no figure
        ("f7", "f7", "debt", "completed", False, 9.0e9, None, JAN, "US", "Beta"),          # borrowed
    ]))
    assert events["funding_id"].tolist() == ["f3", "f1"]  # largest first
    assert events["month"].tolist() == ["2026-01", "2025-12"]  # the event's date, else the article's
    assert events["raiser_country"].tolist() == ["US", "unknown"]


def test_funding_events_of_no_completed_row_is_empty_with_its_columns():
    events = shape.funding_events(_funding([("f1", "f1", "ipo", "planned", False, 1e9, None, JAN, "US", "A")]))
    assert events.empty and {"amount_usd", "month", "raiser_country"} <= set(events.columns)


def test_energy_counts_by_region_and_sector_put_the_race_first():
    energy = pa.table({"region": ["JP", "JP", "JP", "IN", None, "CN", "US", "US"],
                       "sector": ["solar", "wind", "solar", "coal", "wind", "solar", "coal", None]})
    counts = shape.energy_by_region_sector(energy)
    assert counts.index.tolist() == ["US", "CN", "JP", "IN", "unknown"]
    assert counts.columns.tolist() == ["coal", "solar", "wind"]
    assert counts.loc["JP"].tolist() == [0, 2, 1] and counts.loc["US"].tolist() == [1, 0, 0]


def test_top_people_by_articles_with_their_most_frequent_organisation():
    people = pa.table({"article_id": ["a1", "a2", "a2", "a3", "a1", "a2", "a4", "a1"],
                       "name": ["Ann Lee", "Ann Lee", "Ann Lee", "Ann Lee", "Bo Chen", "Bo Chen", "Cy Wu", None],
                       "organization": ["Beta", "Alpha", "Alpha", "Beta", None, None, "Gamma", "Delta"]})
    top = shape.top_people(people, n=2)
    assert top["name"].tolist() == ["Ann Lee", "Bo Chen"] and top["n_articles"].tolist() == [3, 2]
    assert top["organization"].iloc[0] == "Alpha" and not isinstance(top["organization"].iloc[1], str)
    tie = pa.table({"article_id": ["a1", "a2"], "name": ["Di Ma", "Di Ma"], "organization": ["Zeta", "Eta"]})
    assert shape.top_people(tie)["organization"].tolist() == ["Eta"]  # a tie: the first by name


def _forecasts(rows: list[tuple]) -> pa.Table:
    names = ["metric_id", "article_id", "region", "sector", "value", "value_max", "unit", "comparator", "year",
             "source_org"]
    return pa.table([pa.array(c) for c in zip(*rows)], names=names)


def test_forecast_figures_count_the_rows_giving_each_and_show_the_most_given():
    rows = _forecasts([
        ("m3", "a3", "US", "ai", 100.0, None, "TWh", "=", 2030, "Agency"),
        ("m1", "a1", "US", "ai", 100.0, None, "TWh", "=", 2030, "Agency"),   # the same figure again
        ("m2", "a2", None, "ai", 50.0, 60.0, "TWh", "=", 2028, None),
        ("m4", "a4", "CN", "ai", 80.0, None, "TWh", "=", 2035, "Lab"),
    ])
    figures = shape.forecast_figures(rows)
    assert figures.num_rows == 3
    shown = shape.shown_forecasts(figures, n=2)
    assert shown["metric_id"].tolist() == ["m2", "m1"]  # the twice given, then by year; shown by year
    assert shown["reports"].tolist() == [1, 2]
