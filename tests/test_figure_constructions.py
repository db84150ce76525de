"""Forecasts and energy metrics: the constructions of real news, each on a sentence of our own."""
from datetime import datetime, timezone

import pytest

from transforms.extract import ArticleText, extract_article
from transforms.quantities import find_quantities


def _extract(refs, text, published=datetime(2026, 3, 1, tzinfo=timezone.utc)):
    return extract_article(ArticleText("0" * 16, text, published), refs, run_id="r", extractor_version="v")


@pytest.mark.parametrize("text, expected", [
    ("sales climbed to 5,310 billion kilowatt-hours", (5310, "TWh")),
    ("use reached 9.1 trillion kWh", (9100, "TWh")),
    ("the plants produced 640 million kWh", (640, "GWh")),
    ("installed capacity of 2.9 billion kilowatts", (2900, "GW")),
    ("a 350 kilowatt charger", (350, "kW")),
])
def test_kilowatt_hours_and_kilowatts_counted_in_billions(text, expected):
    (q,) = find_quantities(text, 2026, {})
    assert (q.value, q.unit) == expected


def test_the_figure_a_change_starts_from_is_a_fact_not_a_forecast(refs):
    rows = _extract(refs, "The agency expects coal's share of generation to fall from 38% in 2025 to 33% in 2027.")
    assert [(m.value, m.year, m.is_projection) for m in rows.energy_metrics] == [(38, 2025, False), (33, 2027, True)]
    assert [(f.value, f.target_year) for f in rows.forecasts] == [(33, 2027)]


def test_a_figure_in_brackets_restates_the_starting_figure(refs):
    rows = _extract(refs, "Spending on the grid is forecast to grow from 90 billion yuan (about $12.5 billion) "
                          "in 2025 to 150 billion yuan by 2029.")
    assert [f.target_year for f in rows.forecasts] == [2029]


def test_a_range_from_one_figure_to_another_is_no_starting_point(refs):
    (row,) = _extract(refs, "Its scenarios for 2035 range from 300 TWh, if chips get efficient, to 900 TWh.").forecasts
    assert (row.value, row.value_max) == (300, 900)


def test_the_year_of_the_starting_figure_is_not_the_target_year(refs):
    rows = _extract(refs, "Load from AI clusters could climb from 6 GW in 2025 to 70 GW within the next decade.")
    assert [(f.value, f.target_year, f.horizon_max_years) for f in rows.forecasts] == [(70, None, 10)]


def test_a_figure_naming_no_place_takes_the_country_the_article_is_about(refs):
    rows = _extract(refs, "Germany's network regulator published its outlook on Monday. It covers every German "
                          "grid operator.\n\nPeak load is expected to reach 95 GW by 2032, the regulator said.")
    assert [m.region for m in rows.energy_metrics] == ["DE"]


def test_an_article_naming_several_countries_alike_lends_none(refs):
    rows = _extract(refs, "Japan and France both publish grid outlooks.\n\nPeak load is expected to reach 95 GW "
                          "by 2032, the regulator said.")
    assert [m.region for m in rows.energy_metrics] == [None]
