"""The analyst report's figures, shaped from the published tables (pure: frames in, frames out)."""
from __future__ import annotations

import pandas as pd

FIRST_COUNTRIES = ("US", "CN")  # the race the report is about comes first
UNKNOWN = "unknown"
# Money raised as equity or grants. Debt is borrowed and an acquisition pays the sellers: both are
# reported beside funding, never summed into it.
FUNDING_TYPES = ("ipo", "equity_round", "investment", "grant", "other")


def funding_events(funding: pd.DataFrame, types=FUNDING_TYPES) -> pd.DataFrame:
    """Completed events of these types with a figure, aggregates left out, one row per event_key:
    its report with the lowest funding_id (the README's examples pick the same one, so totals
    agree). Adds `month` (the earliest date a report gives the event, else the chosen report's
    article date) and `raiser_country` ("unknown" when null)."""
    rows = funding[(funding["status"] == "completed") & ~funding["is_aggregate"].astype(bool)
                   & funding["amount_usd"].notna() & funding["event_type"].isin(types)]
    if rows.empty:
        return rows.assign(month=pd.Series(dtype="string"), raiser_country=pd.Series(dtype="string"))
    dated = pd.to_datetime(rows["event_date"]).dt.tz_localize("UTC").groupby(rows["event_key"]).min()
    rows = rows.sort_values(["event_key", "funding_id"]).drop_duplicates("event_key").copy()
    rows["month"] = rows["event_key"].map(dated).fillna(rows["published_at"]).dt.strftime("%Y-%m")
    rows["raiser_country"] = rows["country"].fillna(UNKNOWN)
    return rows.sort_values("amount_usd", ascending=False).reset_index(drop=True)


def country_order(countries) -> list[str]:
    """US and China first, then the others by name, unknown last."""
    present = set(countries)
    rest = sorted(c for c in present if c not in FIRST_COUNTRIES and c != UNKNOWN)
    return [c for c in FIRST_COUNTRIES if c in present] + rest + ([UNKNOWN] if UNKNOWN in present else [])


def funding_by_month(events: pd.DataFrame) -> pd.DataFrame:
    """USD per month (rows) and country group (columns: US, CN, other)."""
    if events.empty:
        return pd.DataFrame()
    group = events["raiser_country"].where(events["raiser_country"].isin(FIRST_COUNTRIES), "other")
    table = events.assign(group=group).pivot_table(index="month", columns="group", values="amount_usd",
                                                   aggfunc="sum", fill_value=0.0)
    return table[[c for c in (*FIRST_COUNTRIES, "other") if c in table.columns]].sort_index()


def funding_by_country(events: pd.DataFrame) -> pd.DataFrame:
    """USD per raiser country (rows, US and China first) and event type (columns)."""
    if events.empty:
        return pd.DataFrame()
    table = events.pivot_table(index="raiser_country", columns="event_type", values="amount_usd",
                               aggfunc="sum", fill_value=0.0)
    return table.reindex(country_order(table.index))


def largest(events: pd.DataFrame, types=("ipo", "equity_round"), n: int = 10) -> pd.DataFrame:
    """The n largest events of these types."""
    return events[events["event_type"].isin(types)].head(n)


def demand_forecasts(energy: pd.DataFrame) -> pd.DataFrame:
    """Projected electricity demand of data centres and AI, by target year, region and source."""
    rows = energy[energy["is_projection"].astype(bool) & energy["sector"].isin(["data_centers", "ai"])
                  & (energy["metric"] == "electricity_demand")]
    return rows.sort_values(["year", "region", "value"], na_position="last").reset_index(drop=True)


FORECAST_FIGURE = ["year", "region", "sector", "source_org", "value", "value_max", "unit", "comparator"]


def shown_forecasts(rows: pd.DataFrame, n: int) -> pd.DataFrame:
    """The forecasts a report can show of demand_forecasts(): each distinct figure once (its
    first report by metric_id) with `reports`, how many rows give it; the n most reported, then
    by target year, region and value (a large run holds thousands: a chart of every one is
    unreadable, and drawing it took minutes and gigabytes)."""
    if rows.empty:
        return rows.assign(reports=pd.Series(dtype="int64"))
    figure = rows.groupby(FORECAST_FIGURE, dropna=False, sort=False).ngroup()
    counted = rows.assign(reports=figure.map(figure.value_counts()), _figure=figure)
    first = counted.sort_values("metric_id").drop_duplicates("_figure").drop(columns="_figure")
    chosen = first.sort_values(["reports", "year", "region", "value"], ascending=[False, True, True, True],
                               na_position="last", kind="stable").head(n)
    return chosen.sort_values(["year", "region", "value"], na_position="last", kind="stable").reset_index(drop=True)


def energy_by_region_sector(energy: pd.DataFrame) -> pd.DataFrame:
    """How many energy figures each region (rows) gives per sector (columns)."""
    if energy.empty:
        return pd.DataFrame()
    regions = energy["region"].fillna(UNKNOWN)
    table = energy.assign(region=regions).pivot_table(index="region", columns="sector", aggfunc="size",
                                                      fill_value=0)
    order = [r for r in ("US", "CN", "EU", "WORLD") if r in table.index]
    order += table.drop(index=order).sum(axis=1).sort_values(ascending=False).index.tolist()
    return table.reindex(order)


def top_companies(companies: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The most mentioned companies."""
    return companies.sort_values(["n_mentions", "n_articles", "name"], ascending=[False, False, True]).head(n)


def top_people(people: pd.DataFrame, n: int = 15) -> pd.DataFrame:
    """The people named in the most articles, with their most frequent organisation."""
    if people.empty:
        return pd.DataFrame(columns=["name", "n_articles", "organization"])
    grouped = people.groupby("name").agg(
        n_articles=("article_id", "nunique"),
        organization=("organization", lambda s: s.dropna().mode().iloc[0] if s.notna().any() else None))
    return grouped.reset_index().sort_values(["n_articles", "name"], ascending=[False, True]).head(n)


def articles_by_month(articles: pd.DataFrame) -> pd.Series:
    """Articles per month of publication (undated ones left out)."""
    dated = articles["published_at"].dropna()
    return dated.dt.strftime("%Y-%m").value_counts().sort_index()
