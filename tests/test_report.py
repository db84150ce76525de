"""The analyst report: the right figures, charts, links and evidence, and nothing loaded from the network."""
from __future__ import annotations

import re
from pathlib import Path
from datetime import date, datetime, timezone

import pyarrow as pa
import pyarrow.compute  # noqa: F401 - pa.compute
import pytest

from ai_race_tables import storage
from flows.report import render_report, write_report
from transforms.rows import ArticleRow, CompanyRow, EnergyMetricRow, FundingRow, PersonRow

JAN = datetime(2026, 1, 12, tzinfo=timezone.utc)
MAR = datetime(2026, 3, 2, tzinfo=timezone.utc)


def _funding(funding_id, article_id, company, country, amount, event_type="ipo", status="completed",
             event_key=None, aggregate=False, published=JAN, event_date=None):
    evidence = f"{company} raised {amount / 1e9:g} billion dollars."
    return FundingRow(funding_id=funding_id, article_id=article_id, company=company, companies=[company],
                      event_type=event_type, status=status, round=None, amount=amount, currency="USD",
                      amount_usd=amount, amount_qualifier="exact", is_aggregate=aggregate, investors=[],
                      valuation_usd=None, event_date=event_date, event_date_precision="day" if event_date else None,
                      published_at=published, company_id=company.lower(), country=country,
                      event_key=event_key or funding_id, evidence=evidence, char_start=0, char_end=len(evidence),
                      extractor_version="v", run_id="r")


def _article(article_id, published, title):
    return ArticleRow(article_id=article_id, source=f"news/{article_id}.txt", title=title, published_at=published,
                      ingested_at=JAN, n_chars=100, n_words=20, language="en")


def _energy(metric_id, region, value, year, sector="data_centers", metric="electricity_demand", projection=True):
    evidence = f"Demand in {region} will reach {value} TWh by {year}."
    return EnergyMetricRow(metric_id=metric_id, article_id="a1", region=region, sector=sector, metric=metric,
                           value=value, value_max=None, unit="TWh", comparator="=", year=year, baseline_year=None,
                           is_projection=projection, source_org="Grid Agency", evidence=evidence, char_start=0,
                           char_end=len(evidence), extractor_version="v", run_id="r")


@pytest.fixture(scope="module")
def tables():
    rows = {
        "articles": [_article("a1", JAN, "Robots list in Hong Kong"), _article("a2", MAR, "A second look"),
                     _article("a3", None, None)],
        "funding": [
            _funding("f1", "a1", "Alpha", "CN", 1.0e9, event_date=date(2026, 1, 8)),
            _funding("f2", "a2", "Alpha", "CN", 1.02e9, event_key="f1", published=MAR),  # same IPO again
            _funding("f3", "a1", "Beta", "US", 2.0e9, event_type="equity_round"),
            _funding("f4", "a2", "Gamma", "US", 0.5e9, event_type="equity_round", published=MAR),
            _funding("f5", "a1", "Beta", "US", 9.0e9, event_type="debt"),             # borrowed: apart
            _funding("f6", "a1", "Delta", "US", 7.0e9, status="planned"),            # not yet
            _funding("f7", "a1", "Alpha", "CN", 3.0e9, aggregate=True),               # several together
        ],
        "energy_metrics": [_energy("e1", "US", 426.0, 2030), _energy("e2", "CN", 277.0, 2030),
                           _energy("e3", "WORLD", 945.0, 2030, sector="ai"),
                           _energy("e4", "US", 176.0, 2023, projection=False)],
        "companies": [CompanyRow(company_id="alpha", name="Alpha", aliases=["Alpha"], country="CN", n_articles=2,
                                 n_mentions=9, first_seen=JAN, last_seen=MAR, kind="ai", ticker=None)],
        "people": [PersonRow(name="Ann Lee", title="chief executive", organization="Alpha", company_id="alpha",
                             article_id="a1", evidence="Ann Lee spoke.", char_start=0, char_end=14,
                             extractor_version="v", run_id="r")],
    }
    types = {"articles": ArticleRow, "funding": FundingRow, "energy_metrics": EnergyMetricRow,
             "companies": CompanyRow, "people": PersonRow}
    return {name: storage.to_arrow(r, types[name]) for name, r in rows.items()}


@pytest.fixture(scope="module")
def page(tables):
    return render_report(tables, "DIR")


def test_funding_counts_each_completed_event_once_without_debt_or_aggregates(page):
    # Alpha's IPO once ($1.00bn), Beta's and Gamma's rounds ($2.5bn): planned, debt and aggregate left out
    assert "<b>3</b> completed events" in page
    assert "<b>$3.50bn</b> in all: US $2.50bn, CN $1.00bn" in page
    assert "debt raised, $9.00bn" in page


def test_charts_show_the_expected_series(page):
    svgs = re.findall(r"<svg.*?</svg>", page, flags=re.S)
    assert len(svgs) >= 5
    by_month = next(s for s in svgs if "by month" in s)
    assert "2026-01" in by_month and "2026-03" in by_month and ">US<" in by_month and ">CN<" in by_month
    by_country = next(s for s in svgs if "by event type" in s)
    assert by_country.index(">US<") < by_country.index(">CN<")  # the US and China first
    forecasts = next(s for s in svgs if "Forecast electricity demand" in s)
    assert "2030 · WORLD · ai · Grid Agency" in forecasts and "945" in forecasts and "2023" not in forecasts


def test_table_rows_link_to_their_article_and_show_the_evidence(page):
    assert re.search(r'<a href="file://[^"]*/news/a1\.txt">Robots list in Hong Kong</a><br><q>Beta raised 2 billion',
                     page)


def test_the_report_loads_nothing_from_the_network(page):
    assert "http" not in page
    assert not re.search(r"<(script|link|img|iframe)\b|\bsrc=|url\((?!#)|@import", page)  # url(#id): inside the page


def test_a_data_dirs_report_is_the_report_of_its_tables(tables, tmp_path):
    # write_report reads a few columns and rows of each table, one section's at a time, counts the
    # rows of the tables apart and the evidence of the rows it lists once chosen: the same page.
    for name, rows in tables.items():
        storage.overwrite(tmp_path, name, rows)
    stamp = re.compile(r"written \d{4}-\d\d-\d\d \d\d:\d\d UTC")
    page = stamp.sub("", write_report(str(tmp_path)).read_text(encoding="utf-8"))
    assert page == stamp.sub("", render_report(tables, str(tmp_path)))
    assert "<b>7</b> funding" in page and "<q>Beta raised 2 billion dollars.</q>" in page


def test_funding_without_a_completed_event_says_so(tables):
    planned = tables["funding"].filter(pa.compute.field("status") == "planned")
    page = render_report(dict(tables, funding=planned), "DIR")
    assert "No completed IPO, round, investment or grant with a figure yet." in page


def test_an_empty_data_dir_gives_a_report_that_says_so(tmp_path):
    path = write_report(str(tmp_path / "empty"))
    assert path == tmp_path / "empty" / "reports" / "report.html"
    assert "No articles have been published" in path.read_text()


def test_report_command_writes_where_it_is_told(tmp_path, capsys):
    from flows.__main__ import main

    out = tmp_path / "out" / "report.html"
    assert main(["report", "--data-dir", str(tmp_path / "none"), "--out", str(out)]) == 0
    assert out.is_file() and str(out) in capsys.readouterr().out


def test_readme_pandas_example_counts_each_completed_event_once(tables, tmp_path, monkeypatch, capsys):
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Answering questions"):]
    example = re.search(r"```python\n(import pandas as pd\n.*?)```", section, flags=re.S).group(1)
    (tmp_path / "data" / "processed").mkdir(parents=True)
    tables["funding"].to_pandas().to_parquet(tmp_path / "data" / "processed" / "funding.parquet")
    monkeypatch.chdir(tmp_path)
    exec(example, {})
    lines = {line.split()[0]: line.split()[1:] for line in capsys.readouterr().out.splitlines()[2:]}
    assert lines == {"US": ["2500", "2"], "CN": ["1000", "1"]}


def test_undated_funding_gives_a_report_without_its_monthly_chart(tables):
    # A corpus whose articles carry no date (plain files) has no month to chart funding by.
    funding = tables["funding"]
    for column in ("published_at", "event_date"):
        funding = funding.set_column(funding.schema.get_field_index(column), column,
                                     pa.nulls(funding.num_rows, funding.schema.field(column).type))
    page = render_report(dict(tables, funding=funding), "DIR")
    assert "Completed funding by month (USD bn), by country of the raiser: nothing to chart" in page
    assert "Completed funding by country of the raiser" in page and page.count("<svg") >= 4


def test_many_forecasts_show_each_figure_once_and_only_the_most_given(tables):
    # A large run holds thousands of forecasts: the report shows a readable number of them.
    from flows.report import FORECASTS_SHOWN

    many = [_energy(f"m{i:04d}", "US", 100.0 + i, 2031) for i in range(FORECASTS_SHOWN + 20)]
    many += [_energy(f"r{i}", "CN", 555.0, 2032) for i in range(3)]  # one figure, three reports
    frames = dict(tables, energy_metrics=storage.to_arrow(many, EnergyMetricRow))
    section = render_report(frames, "DIR").split("Electricity demand forecasts")[1].split("<h2>")[0]
    body = section[section.index("<tbody>"):]
    assert body.count("<tr>") == FORECASTS_SHOWN
    assert body.count("Demand in CN will reach 555.0 TWh") == 1
    assert re.search(r"<td>555</td>(<td>[^<]*</td>){4}<td>3</td>", body)  # up to, unit, cmp, source
    assert f"<b>{FORECASTS_SHOWN + 23}</b> forecasts, <b>{FORECASTS_SHOWN + 21}</b> distinct" in section
