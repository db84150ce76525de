"""The analyst report: one self-contained HTML file (inline SVG charts, no network resource)
from the published tables."""
from __future__ import annotations

import html
import io
import re
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ai_race_tables import storage
from flows import report_data as shape
from transforms.rows import TABLES

COLORS = {"US": "#1f5fa8", "CN": "#c0392b", "other": "#8a8f98", "EU": "#2e8b57", "WORLD": "#6c4f9e"}
TYPE_COLORS = {"ipo": "#1f5fa8", "equity_round": "#e08e0b", "investment": "#2e8b57", "debt": "#8a8f98",
               "grant": "#6c4f9e", "acquisition": "#c0392b", "other": "#b5b5b5"}
PALETTE = ["#1f5fa8", "#c0392b", "#2e8b57", "#e08e0b", "#6c4f9e", "#17a2b8", "#8a8f98", "#d35400", "#f1c40f",
           "#8e5a2b", "#2c3e50", "#e377c2"]


def write_report(data_dir: str, out: str | Path | None = None) -> Path:
    """Write the report of the tables under data_dir (to DIR/reports/report.html by default; for
    an object-store data dir, under the folder its runs keep on this machine)."""
    from flows.pipeline import local_dir

    target = Path(out) if out else local_dir(str(data_dir)) / "reports" / "report.html"
    target.parent.mkdir(parents=True, exist_ok=True)
    page = render_report(load_tables(data_dir), str(data_dir), lambda table, ids: _evidence(data_dir, table, ids),
                         row_counts(data_dir))
    staged = target.with_suffix(".html.tmp")
    staged.write_text(page, encoding="utf-8")
    staged.replace(target)  # a reader never sees half a report
    return target


# What the report reads, by name: (table, columns, rows kept), as Arrow. It counts, sums and ranks
# whole tables there and makes pandas frames of the rows it shows. Lists, offsets and evidence of
# every row would cost memory in proportion to the tables; the evidence of the rows it shows is read
# once they are chosen.
READS = {"articles": ("articles", ["article_id", "source", "title", "published_at"], None),
         "people": ("people", ["article_id", "name", "organization"], None),
         "funding": ("funding", ["funding_id", "article_id", "company", "country", "event_type", "status", "round",
                                 "amount_usd", "is_aggregate", "event_date", "event_date_precision", "published_at",
                                 "event_key"], shape.COMPLETED),
         "energy_metrics": ("energy_metrics", ["region", "sector"], None),
         "demand_forecasts": ("energy_metrics", ["metric_id", "article_id", "region", "sector", "value", "value_max",
                                                 "unit", "comparator", "year", "source_org"], shape.DEMAND_FORECAST),
         "companies": ("companies", ["name", "country", "n_articles", "n_mentions"], None)}
KEYS = {"funding": "funding_id", "energy_metrics": "metric_id"}  # tables whose rows the report lists


class _Reads(Mapping):
    """The report's READS of the tables published under a data dir, each read when asked for and
    not kept: the report holds the rows of one section at a time, not of every table."""

    def __init__(self, data_dir: str):
        self.data_dir = data_dir
        self.names = [name for name, (table, _, _) in READS.items() if storage.open_table(data_dir, table) is not None]

    def __getitem__(self, name: str) -> pa.Table:
        if name not in self.names:
            raise KeyError(name)
        table, columns, rows = READS[name]
        present = {f.name for f in storage.open_table(self.data_dir, table).schema().fields}
        # a column newer than the table is left out
        return storage.read_lean(table, self.data_dir, [c for c in columns if c in present], rows)

    def __contains__(self, name) -> bool:
        return name in self.names

    def __iter__(self):
        return iter(self.names)

    def __len__(self) -> int:
        return len(self.names)


def load_tables(data_dir: str) -> Mapping[str, pa.Table]:
    """What the report reads of every published table (READS; `demand_forecasts`: energy_metrics'
    demand forecasts), each read when looked up; tables not published yet are left out."""
    return _Reads(data_dir)


def row_counts(data_dir: str) -> dict[str, int]:
    """How many rows every published table holds (no column is read)."""
    return {table: storage.load_table(table, data_dir, arrow=True, columns=[]).num_rows for table in TABLES
            if storage.open_table(data_dir, table) is not None}


def _evidence(data_dir: str, table: str, ids: list[str]) -> dict[str, str]:
    """The evidence of some rows of a table, by row key."""
    if not ids:
        return {}
    rows = storage.read_lean(table, data_dir, [KEYS[table], "evidence"], pc.field(KEYS[table]).isin(ids))
    return dict(zip(rows[KEYS[table]].to_pylist(), rows["evidence"].to_pylist()))


def render_report(tables: Mapping[str, pa.Table], data_dir: str = "", evidence=None,
                  counts: dict[str, int] | None = None) -> str:
    """The report's HTML from the tables (some of their columns and rows); `demand_forecasts` may
    hold the forecast rows of energy_metrics apart, `evidence(table, ids)` gives the evidence of
    the rows it lists when the tables hold none (a dict by row key), and `counts` the rows of
    every table when the tables hold only some (by default, theirs)."""
    articles = tables.get("articles")
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    head = f"<h1>AI race tables: analyst report</h1><p class=meta>Data: {_e(data_dir)} &middot; written {stamp}</p>"
    if articles is None or not articles.num_rows:
        body = "<p class=empty>No articles have been published in this data directory yet: run " \
               "<code>python -m flows run --data-dir DIR</code> first.</p>"
        return _page(head + body)
    counts = counts if counts is not None else {name: tables[name].num_rows for name in TABLES if name in tables}
    links = _Links(articles, evidence)
    sections = [_overview(counts), _funding(tables.get("funding"), counts.get("funding", 0), links),
                _forecasts(_demand_forecasts(tables), links), _energy(tables.get("energy_metrics")),
                _mentions(tables.get("companies"), tables.get("people")), _articles(articles)]
    return _page(head + "".join(sections))


# ---- sections -------------------------------------------------------------------------------

def _overview(counts: dict[str, int]) -> str:
    items = "".join(f"<li><b>{n:,}</b> {_e(name.replace('_', ' '))}</li>" for name, n in counts.items())
    return f"<section><h2>What is in the tables</h2><ul class=counts>{items}</ul>" \
           "<p>Funding figures count completed events with a figure, each real-world event once " \
           "(one row per <code>event_key</code>), and leave out figures that cover several raisers " \
           "or rounds together. Amounts are in US dollars.</p></section>"


def _funding(funding: pa.Table | None, published: int, links: _Links) -> str:
    """`funding` may hold only the completed rows of the `published` ones."""
    if funding is None or not published:
        return "<section><h2>Funding</h2><p class=empty>No funding events yet.</p></section>"
    events = shape.funding_events(funding)
    if events.empty:
        return "<section><h2>Funding</h2><p class=empty>No completed IPO, round, investment or grant with a " \
               "figure yet.</p></section>"
    apart = {kind: shape.funding_events(funding, (kind,))["amount_usd"].sum() for kind in ("debt", "acquisition")}
    del funding  # the table's rows: not held while the charts are drawn and the evidence read
    by_month, by_country = shape.funding_by_month(events), shape.funding_by_country(events)
    total = events["amount_usd"].sum()
    per_country = ", ".join(f"{_e(c)} {_usd(v)}" for c, v in by_country.sum(axis=1).items())
    month_chart = _stacked_bars(by_month, "Completed funding by month (USD bn), by country of the raiser",
                                {c: COLORS.get(c) for c in by_month.columns}, ylabel="USD bn", scale=1e9)
    country_chart = _stacked_bars(by_country, "Completed funding by country of the raiser (USD bn), by event type",
                                  {c: TYPE_COLORS.get(c) for c in by_country.columns}, ylabel="USD bn",
                                  scale=1e9, horizontal=True)
    top = shape.largest(events)
    top_chart = _bars(top["company"].fillna("(several)") + " (" + top["event_type"].str.replace("_", " ") + ")",
                      top["amount_usd"] / 1e9, "Largest completed IPOs and rounds (USD bn)",
                      [COLORS.get(c, COLORS["other"]) for c in top["raiser_country"]])
    table = _table(top, links, [("company", "Raiser"), ("raiser_country", "Country"), ("event_type", "Type"),
                                ("round", "Round"), ("amount_usd", "USD"), ("event_date", "Date"),
                                ("published_at", "Article date")], "funding")
    return (f"<section><h2>Funding</h2><p><b>{len(events)}</b> completed events with a figure "
            f"(IPOs, equity rounds, investments, grants), <b>{_usd(total)}</b> in all: {per_country}. "
            f"Not counted here: debt raised, {_usd(apart['debt'])}; acquisitions, {_usd(apart['acquisition'])}.</p>"
            f"{month_chart}{country_chart}<h3>Largest IPOs and rounds</h3>{_KEY}{top_chart}{table}</section>")


_KEY = "<p class=key>Bars by country of the raiser: <b style='color:#1f5fa8'>US</b>, " \
       "<b style='color:#c0392b'>China</b>, <b style='color:#8a8f98'>elsewhere</b>.</p>"


FORECASTS_SHOWN = 40  # distinct forecasts charted and listed: a chart of thousands cannot be read


def _demand_forecasts(tables: Mapping[str, pa.Table]) -> pa.Table | None:
    """The rows of shape.demand_forecasts(): read apart, else found in energy_metrics."""
    if "demand_forecasts" in tables:
        return tables["demand_forecasts"]
    return shape.demand_forecasts(tables["energy_metrics"]) if "energy_metrics" in tables else None


def _forecasts(found: pa.Table | None, links: _Links) -> str:
    if found is None or not found.num_rows:
        return "<section><h2>Electricity demand forecasts</h2><p class=empty>No forecast of data-centre or " \
               "AI electricity demand yet.</p></section>"
    figures = shape.forecast_figures(found)
    rows, counted, distinct = shape.shown_forecasts(figures, FORECASTS_SHOWN), found.num_rows, figures.num_rows
    del found, figures  # the whole table's rows: not held while the chart is drawn and the evidence read
    twh = rows[(rows["unit"] == "TWh") & rows["year"].notna()]
    labels = twh["year"].astype(int).astype(str) + " · " + twh["region"].fillna("no region") + " · " + \
        twh["sector"].str.replace("_", " ") + " · " + twh["source_org"].fillna("unattributed")
    chart = _bars(labels, twh["value"], "Forecast electricity demand of data centres and AI (TWh a year), "
                  "by target year, region and source", [COLORS.get(r, COLORS["other"]) for r in twh["region"]],
                  upto=twh["value_max"]) if not twh.empty else ""
    table = _table(rows, links, [("year", "Target year"), ("region", "Region"), ("sector", "Sector"),
                                 ("value", "Value"), ("value_max", "Up to"), ("unit", "Unit"),
                                 ("comparator", "Cmp"), ("source_org", "Source"), ("reports", "Reports")],
                   "energy_metrics")
    note = f"<p><b>{counted:,}</b> forecasts, <b>{distinct:,}</b> distinct" + (
        f"; the {len(rows)} given most often are shown (all are in the energy_metrics table, "
        "<code>is_projection</code> true)" if distinct > len(rows) else "") + \
        ". Each figure is shown once, with how many rows give it and its first report.</p>"
    return f"<section><h2>Electricity demand forecasts: data centres and AI</h2>{note}{chart}{table}</section>"


def _energy(energy: pa.Table | None) -> str:
    if energy is None or not energy.num_rows:
        return "<section><h2>Energy metrics</h2><p class=empty>No energy figures yet.</p></section>"
    counts = shape.energy_by_region_sector(energy)
    colors = {s: PALETTE[i % len(PALETTE)] for i, s in enumerate(counts.columns)}
    chart = _stacked_bars(counts, "Energy figures by region and sector (number of figures)", colors,
                          ylabel="figures", horizontal=True)
    return f"<section><h2>Energy metrics</h2>{chart}</section>"


def _mentions(companies: pa.Table | None, people: pa.Table | None) -> str:
    parts = ["<section><h2>Who is mentioned</h2>", _KEY.replace(" of the raiser", " of headquarters")]
    if companies is not None and companies.num_rows:
        top = shape.top_companies(companies)
        parts.append(_bars(top["name"], top["n_mentions"], "Most mentioned companies (mentions)",
                           [COLORS.get(c, COLORS["other"]) for c in top["country"].fillna("other")]))
    if people is not None and people.num_rows:
        top = shape.top_people(people)
        labels = top["name"] + top["organization"].map(lambda o: f" ({o})" if isinstance(o, str) else "")
        parts.append(_bars(labels, top["n_articles"], "Most mentioned people (articles naming them)",
                           [PALETTE[0]] * len(top)))
    return "".join(parts) + "</section>"


def _articles(articles: pa.Table) -> str:
    per_month = shape.articles_by_month(articles)
    undated = articles["published_at"].null_count
    chart = _bars(per_month.index, per_month.values, "Articles by month of publication", [PALETTE[0]] * len(per_month),
                  horizontal=False) if len(per_month) else ""
    note = f"<p>{undated} article(s) carry no publication date.</p>" if undated else ""
    return f"<section><h2>Articles</h2>{chart}{note}</section>"


# ---- charts (matplotlib, rendered to inline SVG) ----------------------------------------------

def _figure(height: float):
    # A Figure of its own, not pyplot's: nothing is registered globally, so a chart that fails
    # half-way leaves no open figure behind in a long-lived process.
    import matplotlib
    from matplotlib.figure import Figure

    matplotlib.rcParams.update({"svg.fonttype": "none", "font.size": 10, "axes.spines.top": False,
                                "axes.spines.right": False, "svg.hashsalt": "ai-race-tables"})
    fig = Figure(figsize=(9, height))
    return fig, fig.subplots()


def _title(fig, title: str) -> None:
    # Above the whole figure, from its left edge: long tick labels push the axes to the right.
    fig.suptitle(title, x=0.01, ha="left", fontsize=11)


def _svg(fig, title: str) -> str:
    fig.tight_layout()  # also makes room for legends outside the axes
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", metadata={"Date": None})
    svg = buffer.getvalue()
    svg = svg[svg.index("<svg"):]  # no XML prolog or DOCTYPE inside HTML
    svg = re.sub(r"<metadata>.*?</metadata>", "", svg, flags=re.S)
    svg = re.sub(r'\s+xmlns(:\w+)?="[^"]*"', "", svg)  # HTML's parser knows SVG: no namespace URLs
    return f'<figure class=chart aria-label="{_e(title)}">{svg}</figure>'


def _nothing_to_chart(title: str) -> str:
    """What stands in for a chart whose table is empty ("by month" when no event is dated)."""
    return f"<p class=empty>{_e(title)}: nothing to chart (no row has the values it needs).</p>"


def _stacked_bars(table: pd.DataFrame, title: str, colors: dict, ylabel: str, scale: float = 1.0,
                  horizontal: bool = False) -> str:
    if table.empty or not len(table.columns):
        return _nothing_to_chart(title)
    fig, ax = _figure(max(2.8, 0.42 * len(table) + 1.4) if horizontal else 3.8)
    base = pd.Series(0.0, index=table.index)
    positions = range(len(table))
    for column in table.columns:
        values = table[column] / scale
        color = colors.get(column) or None
        label = str(column).replace("_", " ")
        if horizontal:
            ax.barh(positions, values, left=base, label=label, color=color)
        else:
            ax.bar(positions, values, bottom=base, label=label, color=color)
        base = base + values
    labels = [str(i) for i in table.index]
    if horizontal:
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.set_xlabel(ylabel)
    else:
        ax.set_xticks(list(positions), labels, rotation=45 if len(labels) > 8 else 0, ha="right" if len(labels) > 8 else "center")
        ax.set_ylabel(ylabel)
    for i, value in enumerate(base):
        if value > 0:
            text = f"{value:,.1f}" if scale != 1 else f"{value:,.0f}"
            ax.annotate(text, (value, i) if horizontal else (i, value), xytext=(4, 0) if horizontal else (0, 3),
                        textcoords="offset points", va="center" if horizontal else "bottom",
                        ha="left" if horizontal else "center", fontsize=8)
    _title(fig, title)
    ax.legend(frameon=False, fontsize=8, loc="lower left", bbox_to_anchor=(0.0, 1.0),
              ncol=min(len(table.columns), 6))  # above the bars, under the title: never over them
    ax.margins(x=0.14) if horizontal else ax.margins(y=0.15)
    if scale == 1:  # counts: no ticks between whole numbers
        from matplotlib.ticker import MaxNLocator

        (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    return _svg(fig, title)


def _bars(labels, values, title: str, colors: list, horizontal: bool = True, upto=None) -> str:
    """Bars with their values written at their ends; `upto` (horizontal only) draws the high end of
    a range as a lighter bar."""
    labels, values = [str(x) for x in labels], [float(v) for v in values]
    if not labels:
        return _nothing_to_chart(title)
    highs = [float(u) if u is not None and pd.notna(u) and u > v else None for u, v in zip(upto, values)] \
        if upto is not None else [None] * len(values)
    fig, ax = _figure(max(2.6, 0.32 * len(labels) + 1.2) if horizontal else 3.4)
    positions = range(len(labels))
    if horizontal:
        ax.barh(positions, values, color=colors)
        ax.barh(positions, [h - v if h else 0 for h, v in zip(highs, values)], left=values, color=colors, alpha=0.35)
        ax.set_yticks(list(positions), labels)
        ax.invert_yaxis()
        ax.margins(x=0.14)
    else:
        ax.bar(positions, values, color=colors)
        ax.set_xticks(list(positions), labels, rotation=45 if len(labels) > 8 else 0,
                      ha="right" if len(labels) > 8 else "center")
        ax.margins(y=0.15)
    for i, (value, high) in enumerate(zip(values, highs)):
        text = _number(value) + (f" to {_number(high)}" if high else "")
        end = high or value
        ax.annotate(text, (end, i) if horizontal else (i, end), xytext=(4, 0) if horizontal else (0, 3),
                    textcoords="offset points", va="center" if horizontal else "bottom",
                    ha="left" if horizontal else "center", fontsize=8)
    if all(v == int(v) for v in values):  # counts: no ticks between whole numbers
        from matplotlib.ticker import MaxNLocator

        (ax.xaxis if horizontal else ax.yaxis).set_major_locator(MaxNLocator(integer=True))
    _title(fig, title)
    return _svg(fig, title)


def _number(value: float) -> str:
    return f"{value:,.0f}" if value == int(value) or value >= 100 else f"{value:,.2f}".rstrip("0").rstrip(".")


# ---- HTML -----------------------------------------------------------------------------------

class _Links:
    """Where the rows a table lists link to (their article) and where to read their evidence."""

    def __init__(self, articles: pa.Table, evidence=None):
        self.articles, self.evidence = articles, evidence

    def of(self, article_ids: list[str]) -> dict[str, tuple[str, str]]:
        """The (href, title) of these articles, by article_id (the file's name when untitled)."""
        found = self.articles.filter(pc.field("article_id").isin(article_ids))
        return {r["article_id"]: (_href(r["source"]), r["title"] or Path(str(r["source"])).name)
                for r in found.to_pylist()}


def _table(rows: pd.DataFrame, links: _Links, columns: list[tuple[str, str]], table: str) -> str:
    head = "".join(f"<th>{_e(label)}</th>" for _, label in columns) + "<th>Article and evidence</th>"
    body = []
    if "evidence" not in rows.columns and links.evidence is not None:
        found = links.evidence(table, rows[KEYS[table]].tolist())
        rows = rows.assign(evidence=rows[KEYS[table]].map(found))
    articles = links.of(rows["article_id"].tolist())
    for r in rows.to_dict("records"):
        cells = "".join(f"<td>{_cell(name, r.get(name), r.get('event_date_precision'))}</td>" for name, _ in columns)
        href, title = articles.get(r["article_id"], ("", r["article_id"]))
        link = f'<a href="{_e(href)}">{_e(title)}</a>' if href else _e(title)
        body.append(f"<tr>{cells}<td class=evidence>{link}<br><q>{_e(r.get('evidence') or '')}</q></td></tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


_PRECISION = {"day": "%Y-%m-%d", "week": "week of %Y-%m-%d", "month": "%Y-%m", "year": "%Y"}


def _cell(name: str, value, precision: str | None = None) -> str:
    if value is None or (not isinstance(value, (list, str)) and pd.isna(value)):
        return ""
    if name.endswith("_usd"):
        return _usd(value)
    if name == "published_at":
        return _e(pd.Timestamp(value).strftime("%Y-%m-%d"))
    if name == "event_date":
        return _e(pd.Timestamp(value).strftime(_PRECISION.get(precision, "%Y-%m-%d")))
    if name in ("year", "target_year"):
        return str(int(value))
    if isinstance(value, float):
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    return _e(str(value).replace("_", " ") if name in ("event_type", "sector") else str(value))


def _usd(value: float) -> str:
    if value >= 1e9:
        return f"${value / 1e9:,.2f}bn"
    return f"${value / 1e6:,.0f}m"


def _href(source: str) -> str:
    """A link to an article: its URL, else its file (a .jsonl line keeps its #N)."""
    source = str(source)
    if re.match(r"https?://", source):
        return source
    path, _, line = source.partition("#")
    return Path(path).resolve().as_uri() + (f"#{line}" if line else "")


def _e(text) -> str:
    return html.escape(str(text), quote=True)


_STYLE = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;margin:0 auto;max-width:1000px;
padding:24px;color:#1d232b;line-height:1.45}
h1{font-size:1.6em;margin-bottom:.2em}h2{border-bottom:2px solid #e3e6ea;padding-bottom:.2em;margin-top:1.8em}
.meta{color:#68717d;margin-top:0}.empty{background:#fff7e0;border:1px solid #f0d78c;padding:12px;border-radius:6px}
.counts{display:flex;flex-wrap:wrap;gap:8px 22px;list-style:none;padding:0}
figure.chart{margin:12px 0}figure.chart svg{width:100%;height:auto}
table{border-collapse:collapse;width:100%;font-size:.86em;margin:10px 0 20px}
th,td{border-bottom:1px solid #e3e6ea;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f4f6f8}td.evidence{color:#444;max-width:420px}td.evidence q{font-style:italic}
"""


def _page(body: str) -> str:
    return ("<!DOCTYPE html><html lang=en><head><meta charset=utf-8>"
            "<meta name=viewport content=\"width=device-width, initial-scale=1\">"
            f"<title>AI race tables: analyst report</title><style>{_STYLE}</style></head><body>{body}</body></html>")
