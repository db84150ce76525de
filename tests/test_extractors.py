"""Table extractors on short sentences of our own."""
import re

import pytest
from hypothesis import given, strategies as st

from transforms.extract import ArticleText, extract_article


def _extract(refs, text, published=None):
    from datetime import datetime, timezone

    when = datetime(2026, 3, 1, tzinfo=timezone.utc) if published is None else published
    return extract_article(ArticleText("0" * 16, text, when), refs, run_id="r", extractor_version="v")


def test_known_and_contextual_companies(refs):
    rows = _extract(refs, "Tencent backed Shanghai-based start-up Lumora Robotics, a rival of Nvidia. "
                          "Lumora Robotics' shares rose. Tencent said so.").company_mentions
    by_name = {r.name: r for r in rows}
    assert {"Tencent Holdings", "Lumora Robotics", "Nvidia"} <= set(by_name)
    assert by_name["Lumora Robotics"].country == "CN"
    assert by_name["Tencent Holdings"].n_mentions == 2


def test_a_line_of_business_before_a_name_is_not_a_company(refs):
    rows = _extract(refs, "Shanghai-based GPU designer Lumen Silicon filed for a listing.").company_mentions
    assert [r.name for r in rows] == ["Lumen Silicon"]


def test_a_kind_of_business_opening_a_sentence_is_not_part_of_the_name(refs):
    rows = _extract(refs, "Rival Lumen Silicon Technology Co Ltd is in talks to raise funds.")
    assert [r.name for r in rows.company_mentions] == ["Lumen Silicon Technology Co Ltd"]


def test_a_known_company_named_in_full_is_the_known_company(refs):
    rows = _extract(refs, "Chip designer Moore Threads Technology Co Ltd debuted in Shanghai.").company_mentions
    assert [(r.name, r.country) for r in rows] == [("Moore Threads", "CN")]


def test_agencies_and_universities_are_not_companies(refs):
    rows = _extract(refs, "The International Energy Agency and Tsinghua University said demand rose.")
    assert rows.company_mentions == []


def test_people_with_titles_and_organisations(refs):
    rows = _extract(refs, '"It is early," said Mara Quill, chief executive of Nvidia. '
                          "Alibaba chief executive Eddie Wu agreed.").people
    by_name = {p.name: p for p in rows}
    assert by_name["Mara Quill"].organization == "Nvidia"
    assert by_name["Mara Quill"].title == "chief executive"
    assert by_name["Eddie Wu"].organization == "Alibaba Group"


@pytest.mark.parametrize("text, person", [
    ("Wang Jian, who founded Alibaba Cloud, said the bubble would burst.", ("Wang Jian", "founder", "Alibaba Cloud")),
    ("Founded in 2022 by former SenseTime executive Yan Junjie, MiniMax builds models.",
     ("Yan Junjie", "founder", "MiniMax")),
    ("Moonshot AI, founded by former Google Brain researcher Yang Zhilin in 2023, raised money.",
     ("Yang Zhilin", "founder", "Moonshot AI")),
    ("Zhang Yaqin, dean of Tsinghua University's Institute for AI Industry Research, said so.",
     ("Zhang Yaqin", "dean", "Tsinghua University")),
    ("On Monday, Defense Department AI adviser Jane Roe said the contracts would be reviewed.",
     ("Jane Roe", "adviser", "Defense Department")),
    ("US Commerce Secretary Howard Lutnick said the rules would be tightened.",
     ("Howard Lutnick", "Commerce Secretary", "Commerce Department")),
    ("Pan Gongsheng, governor of the People's Bank of China, said credit would be eased.",
     ("Pan Gongsheng", "governor", "People's Bank of China")),
])
def test_founders_deans_and_governors(refs, text, person):
    rows = _extract(refs, text)
    assert [(p.name, p.title, p.organization) for p in rows.people] == [person]
    assert "Bank of China" not in {c.name for c in rows.company_mentions}
    assert "AI Industry Research" not in {c.name for c in rows.company_mentions}


def test_a_person_of_a_company(refs):
    rows = _extract(refs, "Jensen Huang of Nvidia and Lisa Su of AMD spoke, as did the Prime Minister of Japan.")
    assert [(p.name, p.organization) for p in rows.people] == [("Jensen Huang", "Nvidia"), ("Lisa Su", "AMD")]


def test_funding_round_with_valuation_and_investors(refs):
    rows = _extract(refs, "Anthropic raised a $13bn Series F at a $183bn valuation, led by ICONIQ.").funding
    (row,) = rows
    assert (row.company, row.event_type, row.round, row.amount_usd, row.valuation_usd) == \
        ("Anthropic", "equity_round", "Series F", 13e9, 183e9)
    assert row.status == "completed" and row.investors


def test_ipo_with_stated_conversion(refs):
    (row,) = _extract(refs, "MiniMax raised HK$4.8 billion (US$619 million) in its Hong Kong IPO.").funding
    assert (row.event_type, row.currency, row.amount, row.amount_usd) == ("ipo", "HKD", 4.8e9, 619e6)


def test_after_a_takeover_the_company_is_the_buyer(refs):
    rows = _extract(refs, "Kingsoft Cloud agreed to acquire Jinyun Technology for 2.1 billion yuan. "
                          "The company also received a 300 million yuan subsidy.").funding
    assert [(r.event_type, r.company) for r in rows] == [("acquisition", "Jinyun Technology"),
                                                         ("grant", "Kingsoft Cloud")]


def test_a_valuation_in_the_next_sentence_is_the_round_s_despite_a_cited_source(refs):
    (row,) = _extract(refs, "Baichuan Technology raised $600 million. "
                            "The firm was valued at $3 billion, according to data provider PitchBook.").funding
    assert row.valuation_usd == 3e9


def test_selling_a_stake_is_neither_funding_nor_a_forecast(refs):
    rows = _extract(refs, "Kunlun Tech said it would complete the sale of a 10% stake in Opera to "
                          "Hillhouse Investment for $250 million.")
    assert rows.funding == [] and rows.forecasts == []


@pytest.mark.parametrize("text", ["G42 received a $1.5 billion investment from Microsoft.",
                                  "Microsoft made a $1.5 billion investment in G42."])
def test_an_investment_named_as_a_noun(refs, text):
    (row,) = _extract(refs, text).funding
    assert (row.companies, row.event_type, row.investors) == (["G42"], "investment", ["Microsoft"])


@pytest.mark.parametrize("text, investors", [
    ("StepFun, backed by Tencent and Alibaba, raised $500 million.", ["Tencent Holdings", "Alibaba Group"]),
    ("StepFun raised $500 million. The round was led by Tencent, with HongShan also taking part.",
     ["Tencent Holdings", "HongShan"]),
])
def test_backers_named_before_the_amount_or_in_the_next_sentence(refs, text, investors):
    (row,) = _extract(refs, text).funding
    assert (row.company, row.investors) == ("StepFun", investors)


def test_the_size_of_a_round_is_not_a_valuation(refs):
    (row,) = _extract(refs, "Moonshot AI's latest round, worth $300 million, was led by Tencent.").funding
    assert (row.company, row.amount_usd, row.valuation_usd, row.investors) == \
        ("Moonshot AI", 300e6, None, ["Tencent Holdings"])


def test_a_company_raising_money_now_plans_to(refs):
    (row,) = _extract(refs, "xAI is raising $10 billion in debt and equity.").funding
    assert (row.company, row.status) == ("xAI", "planned")


def test_a_sentence_going_on_about_an_event_adds_its_amount(refs):
    rows = _extract(refs, "MiniMax raised HK$4.8 billion in its Hong Kong IPO. Proceeds could rise to about "
                          "HK$5.54 billion if an over-allotment option is exercised in full.")
    assert [(r.company, r.event_type, r.status, r.amount) for r in rows.funding] == [
        ("MiniMax", "ipo", "completed", 4.8e9), ("MiniMax", "ipo", "planned", 5.54e9)]
    assert rows.forecasts == []


def test_revenue_is_not_funding(refs):
    assert _extract(refs, "Nvidia said revenue rose to $68.1 billion.").funding == []


def test_share_sale_by_a_listed_company_is_planned_funding_not_a_forecast(refs):
    rows = _extract(refs, "Robotics maker UBTech said it planned to sell HK$2.4 billion of new shares.")
    (row,) = rows.funding
    assert (row.company, row.event_type, row.status, row.currency) == ("UBTech Robotics", "equity_round",
                                                                       "planned", "HKD")
    assert rows.forecasts == []


def test_a_share_price_move_is_not_a_forecast(refs):
    rows = _extract(refs, "Cambricon, whose shares have tripled this year, said revenue would rise 40% in 2027.")
    assert [(f.value, f.unit, f.target_year) for f in rows.forecasts] == [(40, "percent", 2027)]


def test_a_probability_takes_no_region_from_earlier_figures(refs):
    rows = _extract(refs, "US data centres will use 12% of the country's power by 2028. "
                          "He put the probability of a breakthrough within five years at below 20%.").forecasts
    assert [(r.metric, r.region, r.value) for r in rows] == [("percentage", "US", 12), ("probability", None, 20)]


def test_forecast_metric_is_not_read_from_a_name(refs):
    (row,) = _extract(refs, "Humain, backed by the Public Investment Fund, aims to build 1.9 GW of "
                            "data centre capacity by 2030.").forecasts
    assert row.metric == "capacity"


def test_projected_energy_figure_is_forecast_and_metric(refs):
    rows = _extract(refs, "US data centre electricity demand will reach 426 TWh by 2030.")
    (metric,) = rows.energy_metrics
    (forecast,) = rows.forecasts
    assert (metric.region, metric.sector, metric.metric, metric.value, metric.unit, metric.year,
            metric.is_projection) == ("US", "data_centers", "electricity_demand", 426, "TWh", 2030, True)
    assert (forecast.value, forecast.unit, forecast.target_year) == (426, "TWh", 2030)


def test_capacity_named_by_the_figure_wins_over_demand_in_its_clause(refs):
    (row,) = _extract(refs, "US utilities will need to add 128 GW of new generating capacity by 2030 to meet "
                            "rising demand.").energy_metrics
    assert row.metric == "capacity"


def test_a_past_change_over_some_years_is_no_projection(refs):
    rows = _extract(refs, "Emissions from Google's operations rose 48% over five years to 14.3 million tonnes "
                          "of CO2 in 2023.")
    assert [m.is_projection for m in rows.energy_metrics] == [False, False]
    assert rows.forecasts == []


def test_a_sector_is_not_carried_into_another_paragraph(refs):
    rows = _extract(refs, "The grid operator expects peak demand to reach 145 GW by 2031.\n\n"
                          "Emissions from Google's operations rose to 14.3 million tonnes of CO2 in 2023.")
    assert [m.sector for m in rows.energy_metrics] == ["power_system", "other"]


def test_a_place_named_in_a_comparison_is_not_the_region(refs):
    (row,) = _extract(refs, "By 2026, AI could account for roughly 1,000 TWh of power demand, equivalent to "
                            "Japan's consumption.").energy_metrics
    assert row.region is None


def test_exceeding_a_figure_is_more_than_it(refs):
    (row,) = _extract(refs, "Data centre power use in the US could exceed 30 GW by 2030.").forecasts
    assert (row.comparator, row.value, row.target_year) == (">", 30, 2030)


def test_money_spent_is_no_forecast_beside_a_plan(refs):
    rows = _extract(refs, "State Grid spent more than 650 billion yuan on its network this year and has said it "
                          "will invest 4 trillion yuan over 2026-2030.")
    assert [f.value for f in rows.forecasts] == [pytest.approx(4e12 / 7.2, rel=0.05)]
    assert [m.is_projection for m in rows.energy_metrics] == [False, True]


def test_a_rise_over_past_years_is_no_forecast(refs):
    rows = _extract(refs, "Power prices near US data centres have risen as much as 267% over five years.")
    assert rows.forecasts == [] and [m.is_projection for m in rows.energy_metrics] == [False]


def test_historical_energy_figure_is_not_a_forecast(refs):
    rows = _extract(refs, "China installed 315 GW of solar capacity in 2025.")
    assert [m.sector for m in rows.energy_metrics] == ["solar"]
    assert rows.energy_metrics[0].is_projection is False
    assert rows.forecasts == []


def test_opinion_without_number_gives_no_rows(refs):
    rows = _extract(refs, "Analysts think the gap with the US may be widening.")
    assert rows.forecasts == [] and rows.energy_metrics == [] and rows.funding == []


@pytest.mark.parametrize("table", ["company_mentions", "people", "funding", "forecasts", "energy_metrics"])
def test_every_row_is_grounded_in_the_seed(refs, seed_text, table):
    rows = getattr(_extract(refs, seed_text), table)
    assert rows
    for row in rows:
        assert seed_text[row.char_start:row.char_end] == row.evidence


@given(st.lists(st.sampled_from(["Lian", "Jye", "Su", "McFarland", "O'Neil", "said", " ", ", ", "-", "AI", "x"]),
                max_size=10).map("".join))
def test_every_name_starts_where_a_pair_of_capitalised_words_does(text):
    # find_people skips its name patterns after the last such pair: no name may start later.
    from transforms.people import PERSON, _last_name_start
    last, person = _last_name_start(text), re.compile(PERSON)
    assert all(i <= last for i in range(len(text)) if person.match(text, i))


@given(st.lists(st.sampled_from(["A", "b", "Cd", " ", "  ", "\t", "\n", "\u00a0", ".", "'"]), max_size=12).map("".join))
def test_the_last_name_start_is_the_last_capital_before_a_space_and_a_capital(text):
    # The definition, as a lookahead from every capital (quadratic on a long word); the function reads words once.
    from transforms.people import _last_name_start
    pairs = [m.start() for m in re.finditer(r"[A-Z](?=\S*\s[A-Z])", text)]
    assert _last_name_start(text) == max(pairs, default=-1)


@given(st.lists(st.tuples(st.integers(0, 30), st.integers(1, 8), st.sampled_from("ab")), max_size=12))
def test_overlapping_company_mentions_keep_the_longest_then_the_earliest(triples):
    from transforms.companies import CompanySpan, _resolve_overlaps
    spans = [CompanySpan(start, start + length, "x" * length, company) for start, length, company in triples]
    kept = []  # the rule as written, comparing each span with every kept one
    for span in sorted(spans, key=lambda s: (-(s.end - s.start), s.start)):
        if all(span.end <= k.start or span.start >= k.end for k in kept):
            kept.append(span)
    assert _resolve_overlaps(spans) == sorted(kept, key=lambda s: s.start)


def _opening_org_patterns():
    import transforms.people as people
    for value in vars(people).values():
        for pattern in value if isinstance(value, list) else [value]:
            if isinstance(pattern, re.Pattern) and people._OPENING_ORG in pattern.pattern:
                yield pattern


@given(st.lists(st.sampled_from(["A", "Ab", "b", "xAI", " ", ",", "'", ".", "-", " & ", "Cd Ef", "’s", "analysts"]),
                max_size=8).map("".join),
       st.sampled_from([", whose chief executive is Li Wei", " led by CEO Sam Altman", ", founded by Yan Junjie,",
                        " was co-founded in 2019 by Tang Jie;", " analysts led by Jane Roe", ", led by Jane Roe.",
                        " is a start-up, run by its founder Li Wei and"]))
def test_an_opening_organisation_is_read_as_a_backtracking_pattern_reads_it(before, after):
    # The organisation is tried once per word and never backtracks, yet finds what the plain pattern finds.
    from transforms.people import _OPENING_ORG, _ORG, _start
    patterns = list(_opening_org_patterns())
    assert len(patterns) >= 4
    for fast in patterns:
        plain = re.compile(fast.pattern.replace(_OPENING_ORG, f"(?P<org>{_ORG})"))
        text = before + after
        assert [(_start(m), m.span("org"), m.span("name"), m["role"]) for m in fast.finditer(text)] == \
            [(m.start(), m.span("org"), m.span("name"), m["role"]) for m in plain.finditer(text)]


@given(st.text(alphabet="aAbBzZ09٣ &.-'’_xMcé\n,ofO", max_size=40))
def test_runs_of_capitalised_words_are_those_of_their_pattern(text):
    from transforms.companies import _TOKEN, runs
    pattern = re.compile(rf"(?<![\w&.-]){_TOKEN}(?:\s(?:&\s|of\s)?{_TOKEN}){{0,7}}")
    assert list(runs(text)) == [m.span() for m in pattern.finditer(text)]


def test_runs_open_with_a_capital_lower_case_letters_or_digits():
    from transforms.companies import runs
    text = "eBay and 5Y Capital, not x5B or abcdE, backed iPhone maker Acme of Boston & Co."
    assert [text[s:e] for s, e in runs(text)] == ["eBay", "5Y Capital", "iPhone", "Acme of Boston & Co"]
