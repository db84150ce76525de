"""The analyst report's figures, shaped from the published tables (pure: Arrow tables in, pandas
frames out). Whole tables are filtered, deduplicated and counted in Arrow; pandas holds only the
rows and counts a report shows (frames of whole tables cost hundreds of MB at 50,000 articles)."""
from __future__ import annotations

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

FIRST_COUNTRIES = ("US", "CN")  # the race the report is about comes first
UNKNOWN = "unknown"
# Money raised as equity or grants. Debt is borrowed and an acquisition pays the sellers: both are
# reported beside funding, never summed into it.
FUNDING_TYPES = ("ipo", "equity_round", "investment", "grant", "other")
# Funding rows every figure counts: completed events with a figure, aggregates left out.
COMPLETED = ((pc.field("status") == "completed") & ~pc.coalesce(pc.field("is_aggregate"), False)
             & pc.field("amount_usd").is_valid())
# energy_metrics rows that forecast the electricity demand of data centres and AI.
DEMAND_FORECAST = (pc.coalesce(pc.field("is_projection"), False) & pc.field("sector").isin(["data_centers", "ai"])
                   & (pc.field("metric") == "electricity_demand"))


def funding_events(funding: pa.Table, types=FUNDING_TYPES) -> pd.DataFrame:
    """COMPLETED events of these types, one row per event_key: its report with the lowest
    funding_id (the README's examples pick the same one, so totals agree), largest first. Adds
    `month` (the earliest date a report gives the event, else the chosen report's article date)
    and `raiser_country` ("unknown" when null)."""
    kept = COMPLETED & pc.field("event_type").isin(list(types))
    # only the columns that choose the events are copied as they are filtered
    rows = funding.select(["funding_id", "event_key", "event_date", "status", "is_aggregate", "amount_usd",
                           "event_type"]).filter(kept)
    if not rows.num_rows:
        return funding.filter(kept).to_pandas().assign(month=pd.Series(dtype="string"),
                                                       raiser_country=pd.Series(dtype="string"))
    events = rows.group_by("event_key").aggregate([("funding_id", "min"), ("event_date", "min")])
    chosen = funding.filter(pc.field("funding_id").isin(events["funding_id_min"])).to_pandas()
    # from event_key order, so that events of equal amounts always come in the same order
    chosen = chosen.sort_values("event_key").reset_index(drop=True)
    dated = pd.to_datetime(events["event_date_min"].to_pandas()).dt.tz_localize("UTC")
    dated.index = events["event_key"].to_pandas()
    chosen["month"] = chosen["event_key"].map(dated).fillna(chosen["published_at"]).dt.strftime("%Y-%m")
    chosen["raiser_country"] = chosen["country"].fillna(UNKNOWN)
    return chosen.sort_values("amount_usd", ascending=False).reset_index(drop=True)


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


def demand_forecasts(energy: pa.Table) -> pa.Table:
    """Projected electricity demand of data centres and AI (the DEMAND_FORECAST rows)."""
    return energy.filter(DEMAND_FORECAST)


FORECAST_FIGURE = ["year", "region", "sector", "source_org", "value", "value_max", "unit", "comparator"]


def forecast_figures(rows: pa.Table) -> pa.Table:
    """Each distinct figure of demand_forecasts() once: its first report (lowest metric_id), with
    `reports`, how many rows give it."""
    figures = rows.group_by(FORECAST_FIGURE).aggregate([("metric_id", "min"), ([], "count_all")])
    counts = figures.select(["metric_id_min", "count_all"]).rename_columns(["metric_id", "reports"])
    return rows.join(counts, "metric_id", join_type="inner")


def shown_forecasts(figures: pa.Table, n: int) -> pd.DataFrame:
    """The n figures of forecast_figures() given most often, then by target year, region, value
    and metric_id, shown by target year, region and value (a large run holds thousands: a chart
    of every one is unreadable, and drawing it took minutes and gigabytes)."""
    keys = [("reports", "descending")] + [(c, "ascending") for c in ("year", "region", "value", "metric_id")]
    chosen = figures.sort_by(keys).slice(0, n).to_pandas()
    return chosen.sort_values(["year", "region", "value"], na_position="last", kind="stable").reset_index(drop=True)


def energy_by_region_sector(energy: pa.Table) -> pd.DataFrame:
    """How many energy figures each region (rows) gives per sector (columns)."""
    rows = pa.table({"region": pc.fill_null(energy["region"], UNKNOWN), "sector": energy["sector"]})
    counts = rows.filter(pc.field("sector").is_valid()).group_by(["region", "sector"]).aggregate([([], "count_all")])
    if not counts.num_rows:
        return pd.DataFrame()
    table = counts.to_pandas().set_index(["region", "sector"])["count_all"].unstack(fill_value=0)
    order = [r for r in ("US", "CN", "EU", "WORLD") if r in table.index]
    order += table.drop(index=order).sum(axis=1).sort_values(ascending=False).index.tolist()
    return table.reindex(order)


def top_companies(companies: pa.Table, n: int = 15) -> pd.DataFrame:
    """The most mentioned companies."""
    return companies.sort_by([("n_mentions", "descending"), ("n_articles", "descending"),
                              ("name", "ascending")]).slice(0, n).to_pandas()


def top_people(people: pa.Table, n: int = 15) -> pd.DataFrame:
    """The people named in the most articles, with their most frequent organisation (the first by
    name of the most frequent)."""
    named = people.filter(pc.field("name").is_valid())
    counts = named.group_by("name").aggregate([("article_id", "count_distinct")])
    top = counts.sort_by([("article_id_count_distinct", "descending"), ("name", "ascending")]).slice(0, n)
    theirs = named.filter(pc.field("name").isin(top["name"]) & pc.field("organization").is_valid())
    orgs = theirs.group_by(["name", "organization"]).aggregate([([], "count_all")]).to_pandas()
    orgs = orgs.sort_values(["count_all", "organization"], ascending=[False, True]).drop_duplicates("name")
    frame = top.rename_columns(["name", "n_articles"]).to_pandas()
    return frame.assign(organization=frame["name"].map(orgs.set_index("name")["organization"]))


def articles_by_month(articles: pa.Table) -> pd.Series:
    """Articles per month of publication (undated ones left out)."""
    dated = articles["published_at"].to_pandas().dropna()
    return dated.dt.strftime("%Y-%m").value_counts().sort_index()
