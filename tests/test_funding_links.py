"""Event dates, the raiser's id and country, and event keys across articles."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from transforms.companies import CompanySpan
from transforms.event_dates import find_event_dates
from transforms.funding_events import event_keys
from transforms.funding_links import link_funding
from transforms.gazetteer import Company
from transforms.rows import FundingRow

WEDNESDAY = date(2026, 1, 7)


@pytest.mark.parametrize("text,expected", [
    ("The start-up said on Tuesday it had raised $1bn.", (date(2026, 1, 6), "day")),
    ("It closed the round on Jan. 3.", (date(2026, 1, 3), "day")),
    ("It closed the round on Dec. 31.", (date(2025, 12, 31), "day")),
    ("It raised the money on March 3, 2024.", (date(2024, 3, 3), "day")),
    ("In October the group sold $2bn of bonds.", (date(2025, 10, 1), "month")),
    ("It raised $5m last January.", (date(2025, 1, 1), "month")),
    ("The chipmaker listed in June 2025.", (date(2025, 6, 1), "month")),
    ("It borrowed $1bn last week.", (date(2025, 12, 29), "week")),
    ("It closed a round earlier this month.", (date(2026, 1, 1), "month")),
    ("It raised money last year.", (date(2025, 1, 1), "year")),
    ("It raised money in 2023.", (date(2023, 1, 1), "year")),
])
def test_event_dates_resolve_against_the_publication_date(text, expected):
    found = find_event_dates(text, WEDNESDAY)
    assert [(d.date, d.precision) for d in found] == [expected]
    assert text[found[0].start:found[0].end].strip()


def test_a_planned_date_after_a_word_of_intent_is_ahead():
    assert find_event_dates("It plans to list in March.", WEDNESDAY, planned=True)[0].date == date(2026, 3, 1)
    # the agreement was made in the past even when the deal is still to close
    assert find_event_dates("It agreed in October to buy the firm.", WEDNESDAY, planned=True)[0].date == \
        date(2025, 10, 1)


def test_relative_dates_need_a_publication_date_and_datelines_are_not_events():
    assert find_event_dates("The firm said on Tuesday it raised $1bn.", None) == []
    assert find_event_dates("BOSTON, Jan 7 - The firm raised $1bn.", WEDNESDAY) == []
    assert find_event_dates("Sales may rise in may.", WEDNESDAY) == []


def _row(evidence: str, company: str | None, companies: list[str], amount: float | None, **extra) -> FundingRow:
    fields = dict(funding_id="f1", article_id="a1", company=company, companies=companies, event_type="equity_round",
                  status="completed", round=None, amount=amount, currency="USD" if amount else None,
                  amount_usd=amount, amount_qualifier="exact" if amount else None, is_aggregate=len(companies) > 1,
                  investors=[], valuation_usd=None, event_date=None, evidence=evidence, char_start=0,
                  char_end=len(evidence), extractor_version="v", run_id="r")
    return FundingRow(**{**fields, **extra})


def _spans(text: str, companies: list[Company]) -> list[CompanySpan]:
    return [CompanySpan(text.index(c.name), text.index(c.name) + len(c.name), c.name, c) for c in companies]


def test_each_event_gets_the_date_of_its_own_clause_and_the_raisers_country():
    text = "In May Alpha Robotics raised $700 million, and on Dec. 31 it closed a $500 million round."
    alpha = Company("alpha-robotics", "Alpha Robotics", "CN")
    published = datetime(2026, 6, 2, tzinfo=timezone.utc)
    rows = link_funding([_row(text, "Alpha Robotics", ["Alpha Robotics"], 7e8),
                         _row(text, "Alpha Robotics", ["Alpha Robotics"], 5e8)], _spans(text, [alpha]), published)
    assert [(r.event_date, r.event_date_precision) for r in rows] == [(date(2026, 5, 1), "month"),
                                                                     (date(2025, 12, 31), "day")]
    assert {(r.company_id, r.country, r.published_at) for r in rows} == {("alpha-robotics", "CN", published)}


def test_several_raisers_have_a_country_only_when_they_share_one():
    text = "Beta Chips and Gamma Power together raised $2 billion."
    beta, gamma = Company("beta-chips", "Beta Chips", "CN"), Company("gamma-power", "Gamma Power", "CN")
    row = link_funding([_row(text, None, ["Beta Chips", "Gamma Power"], 2e9)], _spans(text, [beta, gamma]), None)[0]
    assert (row.company_id, row.country, row.event_date) == (None, "CN", None)
    gamma_us = Company("gamma-power", "Gamma Power", "US")
    row = link_funding([_row(text, None, ["Beta Chips", "Gamma Power"], 2e9)], _spans(text, [beta, gamma_us]), None)[0]
    assert row.country is None


def _report(funding_id, article_id, amount, published, event_date=None, precision=None, company="alpha",
            event_type="ipo"):
    return dict(funding_id=funding_id, article_id=article_id, company_id=company, event_type=event_type,
                amount_usd=amount, event_date=event_date, event_date_precision=precision,
                published_at=pd.Timestamp(published, tz="UTC") if published else None)


def test_reports_of_one_event_share_a_key_and_other_events_do_not():
    frame = pd.DataFrame([
        _report("a", "art1", 558e6, "2026-01-12"),                      # first report
        _report("b", "art2", 551e6, "2026-05-14", date(2026, 1, 8), "day"),  # retrospective, dated
        _report("c", "art3", None, None),                               # the debut, no figure, no date
        _report("d", "art4", 900e6, "2026-01-12"),                      # a different amount
        _report("e", "art5", 560e6, "2026-01-12", event_type="debt"),    # a different type
        _report("f", "art6", 558e6, "2026-01-12", company="beta"),       # a different raiser
        _report("g", "art7", 555e6, "2028-03-01", date(2028, 2, 1), "month"),  # years later
        _report("h", "art8", 558e6, "2026-01-12", company=None),         # several raisers
    ])
    keys = dict(zip(frame["funding_id"], event_keys(frame)))
    assert keys["a"] == keys["b"] == "a"
    assert len({keys[k] for k in "adefgh"}) == 6
    assert keys["c"] not in {keys["a"]}  # two events of the raiser and type could be meant: no guess
    assert event_keys(frame.drop(index=[3, 6])).tolist()[:3] == ["a", "a", "a"]  # now only one is near


def test_two_different_figures_in_one_article_are_two_events():
    frame = pd.DataFrame([_report("a", "art1", 545e6, "2026-04-27", event_type="equity_round"),
                          _report("b", "art1", 520e6, "2026-04-27", event_type="equity_round")])
    assert event_keys(frame).nunique() == 2
    assert event_keys(frame.iloc[:0]).empty


WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


@given(published=st.dates(min_value=date(1995, 1, 1), max_value=date(2090, 12, 31)),
       weekday=st.integers(0, 6), month=st.integers(1, 12), day=st.integers(1, 28))
def test_past_dates_fall_before_the_article_and_planned_ones_after(published, weekday, month, day):
    said = find_event_dates(f"The firm said on {WEEKDAYS[weekday]} it raised $1bn.", published)[0]
    assert said.date.weekday() == weekday and timedelta(0) <= published - said.date < timedelta(days=7)
    closed = find_event_dates(f"It closed the deal on {MONTHS[month - 1]} {day}.", published)[0]
    assert (closed.date.month, closed.date.day) == (month, day)
    assert timedelta(days=-1) <= published - closed.date < timedelta(days=367)
    listed = find_event_dates(f"It listed in {MONTHS[month - 1]}.", published)[0]
    assert listed.date.day == 1 and listed.date <= published and published - listed.date < timedelta(days=366)
    planned = find_event_dates(f"It plans to list in {MONTHS[month - 1]}.", published, planned=True)[0]
    assert planned.date.month == month and timedelta(days=-366) < published - planned.date < timedelta(days=31)


def test_with_values_copies_a_row_like_replace():
    import dataclasses
    from transforms.rows import FundingRow, with_values
    row = FundingRow(**{f.name: None for f in dataclasses.fields(FundingRow)})
    changed = with_values(row, country="CN", amount=5.0)
    assert changed == dataclasses.replace(row, country="CN", amount=5.0)
    assert (row.country, changed.country) == (None, "CN")


def _pairwise_cluster(group, parent):
    """The clustering as first written, pair by pair (quadratic): the reference for the fast one."""
    from transforms.funding_events import _find, _known, _near, _same_amount, _union

    priced = [x for x in group if _known(x.row.amount_usd)]
    unpriced = [x for x in group if not _known(x.row.amount_usd)]
    for i, a in enumerate(priced):
        for b in priced[i + 1:]:
            if _same_amount(a, b) and _near(a, b):
                _union(parent, a.row.Index, b.row.Index)
    for i, a in enumerate(unpriced):
        for b in unpriced[i + 1:]:
            if _near(a, b) and a.row.article_id != b.row.article_id:
                _union(parent, a.row.Index, b.row.Index)
    for x in unpriced:
        events = {_find(parent, p.row.Index) for p in priced if _near(x, p)}
        if len(events) == 1:
            _union(parent, x.row.Index, events.pop())


def _generated_reports(seed: int, n: int) -> pd.DataFrame:
    """Reports mostly of one raiser and type: amounts alike, near (within 1 % or 8 %) or apart,
    several reports per article, dated far and near, undated and unpriced ones, so that every rule
    of clustering decides something."""
    import random

    rng = random.Random(seed)
    days = [date(2026, 1, 2), date(2026, 1, 20), date(2026, 4, 1), date(2025, 6, 1), None, None]
    rows = []
    for i in range(n):
        day = rng.choice(days)
        amount = rng.choice([100e6, 250e6]) * rng.choice([1, 1.005, 1.03, 1.06, 1.085, 1.2])
        rows.append(_report(f"f{i:05d}", f"art{rng.randrange(max(2, n // 4))}",
                            None if rng.random() < 0.25 else amount,
                            rng.choice([None, "2026-01-15", "2026-02-28", "2026-09-01", "2027-06-02"]), day,
                            rng.choice(["day", "month", "year"]) if day else None,
                            company=rng.choice(["alpha", "alpha", "alpha", "beta", None]),
                            event_type=rng.choice(["ipo", "ipo", "debt"])))
    return pd.DataFrame(rows)


@pytest.mark.parametrize("seed", range(40))
def test_fast_clustering_gives_the_keys_of_pairwise_clustering(seed, monkeypatch):
    import transforms.funding_events as events

    frame = _generated_reports(seed, [8, 16, 40, 300][seed % 4])
    fast = event_keys(frame)
    monkeypatch.setattr(events, "_cluster", _pairwise_cluster)
    expected = event_keys(frame)
    assert fast.tolist() == expected.tolist()


def test_reports_without_a_figure_of_one_date_are_one_event_across_articles_only():
    frame = pd.DataFrame([_report("a", "art1", None, "2026-02-01"), _report("b", "art2", None, "2026-02-01"),
                          _report("c", "art3", None, "2027-09-01"), _report("d", "art3", None, "2027-09-01")])
    assert event_keys(frame).tolist() == ["a", "a", "c", "d"]


def test_generated_reports_group_into_events():
    # The comparison above means something: reports are grouped, and not all into one.
    keys = event_keys(_generated_reports(3, 300))
    assert 10 < keys.nunique() < 150


def test_clustering_grows_about_linearly_with_the_reports_of_one_raiser():
    # Many reports of one raiser and type (a large run): pair by pair this took seconds.
    import time

    def seconds(n):
        frame = pd.DataFrame([_report(f"f{i:06d}", f"art{i // 4}", [100e6, 250e6, 1e9][i % 3] * (1 + i % 7 / 1000),
                                      None) for i in range(n)])
        best = []
        for _ in range(3):  # CPU time, the best of three: other processes share the machine
            start = time.process_time()
            assert event_keys(frame).nunique() == 3
            best.append(time.process_time() - start)
        return min(best)

    assert seconds(16_000) < 16 * seconds(2_000)  # 8 times the reports: 64 times the time pair by pair


def test_a_runs_funding_read_in_parts_gets_the_keys_of_the_whole_table(tmp_path):
    # Keys are computed over the stored rows and this run's; the run's rows, read part after
    # part, take theirs in order, and stored rows whose key changes are rewritten with them.
    import pyarrow as pa

    from ai_race_tables import storage
    from flows import publishing
    from flows.staged_rows import Rows
    from transforms.rows import TABLES

    schema = storage.arrow_schema(TABLES["funding"][0])
    frame = _generated_reports(5, 160)
    first = frame[frame["article_id"].str[3:].astype(int) % 2 == 0]
    second = frame.drop(index=first.index)
    stored = first.assign(event_key=event_keys(first))
    storage.append(str(tmp_path), "funding", publishing._conformed(pa.Table.from_pandas(stored, preserve_index=False), schema))
    run = publishing._conformed(pa.Table.from_pandas(second, preserve_index=False), schema)
    parts = Rows(schema, lambda columns: iter([run.slice(start, 7) for start in range(0, run.num_rows, 7)]))

    published = publishing.funding_table(str(tmp_path), parts, sorted(set(second["article_id"]))).to_table()

    expected = dict(zip(frame["funding_id"], event_keys(frame)))
    assert dict(zip(published["funding_id"].to_pylist(), published["event_key"].to_pylist())) == {
        f: expected[f] for f in published["funding_id"].to_pylist()}
    rewritten = set(published["funding_id"].to_pylist()) - set(second["funding_id"])
    changed = {a for f, a, k in zip(stored["funding_id"], stored["article_id"], stored["event_key"]) if expected[f] != k}
    assert changed and rewritten == set(stored.loc[stored["article_id"].isin(changed), "funding_id"])


@pytest.mark.parametrize("seed", range(4))
def test_reports_are_read_as_itertuples_reads_them(seed):
    import transforms.funding_events as events

    frame = _generated_reports(seed, 60).astype({"funding_id": "str", "article_id": "str", "company_id": "str"})
    frame.index = frame.index * 3 + 7  # an index of its own: rows keep it
    columns = ["Index", *events._COLUMNS]

    def plain(row):
        return tuple(None if pd.isna(value) else value for value in (getattr(row, c) for c in columns))

    assert [plain(r) for r in events._rows(frame)] == [plain(r) for r in frame.itertuples()]
    assert any(pd.isna(r.company_id) for r in events._rows(frame))  # missing values are there to read
