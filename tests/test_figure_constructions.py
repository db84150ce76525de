"""Forecasts and energy metrics: the constructions of real news, each on a sentence of our own."""
import re
from datetime import datetime, timezone

import pytest
from hypothesis import given, settings, strategies as st

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


def test_results_beating_or_missing_expectations_are_no_forecasts(refs):
    rows = _extract(refs, "Quarterly sales came in at $7.2 billion, ahead of analysts' expectations of $7 billion.\n\n"
                          "Profit reached $1.1 billion, slightly below the $1.3 billion analysts expected.")
    assert rows.forecasts == []


def test_a_result_verb_in_the_past_is_no_projection(refs):
    rows = _extract(refs, "Data centres' share of the country's power use has surged to 19 per cent, with forecasts "
                          "putting it at 28 per cent by 2031.")
    assert [(f.value, f.target_year) for f in rows.forecasts] == [(28, 2031)]


@pytest.mark.parametrize("text", [
    "The chipmaker is set to close a $12 billion financing package for its new plant.",
    "The loan will be split into two tranches: $4 billion for the first site and $3 billion for the second.",
    "The partners will also back a $500 million fund for robotics start-ups.",
    "Staff will sell about $2 billion worth of shares to outside investors.",
    "After the deal the buyer will control 100% of the start-up.",
])
def test_the_size_of_a_deal_or_a_stake_is_no_forecast(refs, text):
    assert _extract(refs, text).forecasts == []


def test_a_projection_that_exceeds_a_figure_stays_a_forecast(refs):
    (row,) = _extract(refs, "Peak demand on the island will exceed 9,000MW by 2033, the operator forecasts.").forecasts
    assert (row.value, row.comparator, row.target_year) == (9000, ">", 2033)


def test_the_share_of_people_polled_is_no_figure(refs):
    rows = _extract(refs, "Some 64% of utility executives cited transmission as their main worry, and 70% said "
                          "power demand would keep rising.")
    assert rows.forecasts == [] and rows.energy_metrics == []


def test_last_year_is_no_dated_prediction(refs):
    rows = _extract(refs, "Rate increases hit households hardest last year, a consumer group found.")
    assert rows.forecasts == []


def test_a_founding_year_is_no_dated_prediction(refs):
    rows = _extract(refs, "The lab is an artificial general intelligence start-up founded by a former professor in 2014.")
    assert rows.forecasts == []


def test_an_increase_over_a_past_figure_targets_the_projected_year(refs):
    rows = _extract(refs, "Developers plan 14 GW of batteries in 2026. That would be a 40% increase over the 10 GW "
                          "of storage installed in 2025.")
    assert [(f.value, f.unit, f.target_year) for f in rows.forecasts] == [(14, "GW", 2026), (40, "percent", 2026)]


def test_a_horizon_during_the_next_years(refs):
    (row,) = _extract(refs, "The utility expects load to grow 15% a year during the next four years.").forecasts
    assert (row.horizon_min_years, row.horizon_max_years) == (4, 4)


def test_a_year_earlier_compared_with_is_a_baseline_not_the_year(refs):
    (level, _) = _extract(refs, "Onshore wind capacity touched 410 GW, the agency said, up 12% from a year "
                                "earlier.").energy_metrics
    assert (level.value, level.baseline_year) == (410, 2025) and level.year != 2025


@pytest.mark.parametrize("text", [
    "The agency expects national power sales to reach 4,300 billion kWh in 2027.",
    "Power usage in the country is projected to rise to 11 trillion kilowatt-hours in 2027.",
])
def test_power_demand_and_sales_are_the_power_system(refs, text):
    assert [m.sector for m in _extract(refs, text).energy_metrics] == ["power_system"]


def test_a_change_in_emissions_measures_emissions(refs):
    (row,) = _extract(refs, "The group's direct emissions grew 4% compared to 2024.").energy_metrics
    assert (row.metric, row.baseline_year) == ("emissions", 2024)


def test_a_change_pointing_back_at_an_energy_figure_is_one(refs):
    rows = _extract(refs, "Grid-scale storage in the province reached 30 GW in 2025. This marks a 55% increase on "
                          "the year before.").energy_metrics
    assert [(m.value, m.unit) for m in rows] == [(30, "GW"), (55, "percent")]


def test_pointing_back_at_something_else_is_no_energy_figure(refs):
    rows = _extract(refs, "The firm ordered 300 MW of fuel cells in 2025. That helped lift its revenue by 8 percent.")
    assert [(m.value, m.unit) for m in rows.energy_metrics] == [(300, "MW")]


def test_a_share_in_brackets_after_an_energy_figure_is_one(refs):
    rows = _extract(refs, "Texas leads the tally of clean power bought by hyperscalers. Georgia is second, with "
                          "3.1 GW (8.2%).").energy_metrics
    assert [(m.value, m.unit) for m in rows] == [(3.1, "GW"), (8.2, "percent")]


def test_an_undated_article_dates_itself_by_the_year_named_beside_this_year():
    from transforms.dates import infer_reference_year

    text = ("Developers plan 40 GW of new plants this year, short of the record set in 2003.\n\n"
            "Looking at the 2027 outlook as a whole, wind should add 9 GW this year, the agency said. "
            "Some 6 GW were installed in 2026.")
    assert infer_reference_year(text) == 2027


def test_this_year_of_an_undated_article_is_its_year(refs):
    rows = _extract(refs, "The 2027 outlook covers this year in full.\n\nThe operator expects to retire 5 GW of coal "
                          "this year.", published=None)
    assert [(f.value, f.target_year) for f in rows.forecasts] == [(5, 2027)]


@pytest.mark.parametrize("text", [
    "More than 2 GW of wind power is tied to the group's projects in nine states.",
    "The agency estimates that the region's data centres use 60 TWh a year.",
])
def test_a_project_built_and_a_present_estimate_are_no_projections(refs, text):
    rows = _extract(refs, text, published=None)
    assert rows.forecasts == [] and [m.is_projection for m in rows.energy_metrics] == [False]


def test_projecting_as_a_verb_is_a_forecast(refs):
    (row,) = _extract(refs, "The chipmaker projects its own sales growth to surpass 30%.", published=None).forecasts
    assert (row.value, row.comparator) == (30, ">")


def test_mid_tens_of_percent_is_about_five_more():
    (q,) = find_quantities("guided to mid-30% sales growth", 2026, {})
    assert (q.value, q.comparator) == (35, "~")


@pytest.mark.parametrize("text", [
    "Had turbines been available, orders could easily have grown eight-fold in the region, the supplier said.",
    "A new campus would double the state's data centre capacity, which is currently less than two gigawatts.",
    "The utility, which serves about 40% of the province, will spend heavily on its grid.",
    "Server sales rose 9 percent in the second quarter ended July 31, the company said.",
    "Each new rack will draw around 130 kilowatts per rack, the supplier said.",
    "The grid arm's software unit grew more than 31% to $2.2 billion, beating forecasts.",
    "If the deal closes, it would nearly double the start-up's valuation.",
])
def test_descriptions_counterfactuals_and_reported_periods_are_no_forecasts(refs, text):
    assert _extract(refs, text).forecasts == []


def test_an_installed_capacity_that_will_reach_a_figure_is_a_forecast(refs):
    (row,) = _extract(refs, "The council expects total installed capacity to reach about 4,700 GW by 2028.").forecasts
    assert (row.value, row.target_year) == (4700, 2028)


def test_what_a_plant_would_have_is_a_projection(refs):
    (row,) = _extract(refs, "The campus would have a capacity of 1.2 GW by 2029.").forecasts
    assert (row.value, row.target_year) == (1.2, 2029)


@pytest.mark.parametrize("text", [
    "The developer, which plans 3 GW of solar by 2030, has hired advisers.",
    "The grid operator, which is expected to add 12 GW by 2030, sold bonds.",
])
def test_a_relative_clause_that_plans_is_a_forecast(refs, text):
    assert [f.target_year for f in _extract(refs, text).forecasts] == [2030]


@pytest.mark.parametrize("text, subject", [
    ("According to the council, national power consumption is forecast to rise 6% in 2027.",
     "national power consumption"),
    ("Looking ahead, the operator projects that peak load will reach 90 GW by 2030.", "peak load"),
    ("By 2030 there should be more than 5 GW of offshore wind in the bay.", "offshore wind in the bay"),
])
def test_the_subject_is_a_short_noun_phrase(refs, text, subject):
    (row,) = _extract(refs, text).forecasts
    assert row.subject == subject


def test_the_subject_follows_whoever_says_it(refs):
    (row,) = _extract(refs, "The analyst argued that the odds of a chip glut are below 10% over the next two years.").forecasts
    assert row.subject == "the odds of a chip glut"


@pytest.mark.parametrize("text", [
    "Consumer laptop sales fell 12 percent in the quarter.",
    "Orders rose 20 percent on strong demand for servers.",
    "The foundry's capacity utilization rose to 91%.",
])
def test_consumers_demand_for_goods_and_plant_utilisation_are_no_energy(refs, text):
    assert _extract(refs, text).energy_metrics == []


def test_ranking_worldwide_does_not_make_a_figure_global(refs):
    rows = _extract(refs, "India's nuclear programme is growing.\n\nThe country has 24 reactors with a total "
                          "capacity of 8.2 GW, ranking sixth worldwide.").energy_metrics
    assert [m.region for m in rows] == ["IN"]


def test_the_year_of_a_starting_figure_is_not_carried_to_later_figures(refs):
    rows = _extract(refs, "Solar capacity rose to 900 GW in 2025, up from 610 GW in 2024. Wind capacity stood at "
                          "530 GW.", published=None).energy_metrics
    assert [(m.value, m.year) for m in rows] == [(900, 2025), (610, 2024), (530, 2025)]


def test_ai_focused_data_centres_are_the_ai_sector(refs):
    (row,) = _extract(refs, "Power demand from AI-driven data centres rose to 9 GW in 2025.").energy_metrics
    assert row.sector == "ai"


@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_every_dated_prediction_cue_holds_one_of_its_words(data):
    # Sentences without one of the words skip the pattern.
    from transforms.forecasts import _DATED, _DATED_WORDS
    written = data.draw(st.from_regex(re.compile(_DATED.pattern), fullmatch=True))
    assert any(word in written for word in _DATED_WORDS), written


@given(st.text(alphabet="aA Bb-\t.Zz", max_size=40))
def test_name_words_found_from_their_capital_are_those_of_the_written_pattern(text):
    from transforms.forecasts import _NAME_WORD
    assert _NAME_WORD.sub("", text) == re.sub(r"(?<=\S\s)[A-Z][\w-]*", "", text)
    assert _NAME_WORD.sub("", "the Public Investment Fund will") == "the    will"


def test_a_paragraph_gives_its_first_place_and_its_last_opening_place(refs):
    from transforms.figures import _Paragraph

    paragraph = _Paragraph()
    for text in ("Analysts met on Monday.", "Demand in Japan rose, and so did demand in Texas.",
                 "Worldwide, output grew.", "In Texas, prices fell.", "Nothing else moved."):
        paragraph.add(text, [])
    assert (paragraph.lead_region(), paragraph.region()) == ("US", "JP")
    paragraph.add("Across Japan, prices rose.", [])
    assert (paragraph.lead_region(), paragraph.region()) == ("JP", "JP")


def test_dated_predictions_are_read_from_the_sentences_holding_their_words(refs):
    text = ("Zentrix Labs makes robots.\nIts founder said human-level AI could arrive by 2031. Sales grew."
            "\nAnother lab expects AGI within ten years, and superintelligence by 2040.")
    rows = [(r.subject, r.metric, r.target_year, r.horizon_min_years, r.char_start) for r in _extract(refs, text).forecasts]
    assert rows == [("human-level", "timing", 2031, None, text.index("Its")),
                    ("AGI", "timing", None, 10.0, text.index("Another")),
                    ("superintelligence", "timing", 2040, None, text.index("Another"))]
