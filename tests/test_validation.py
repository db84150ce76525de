"""Validation: broken rows are rejected with their reason, broken tables block the publish."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ai_race_tables import storage
from flows.validation import SUITES, validate_tables
from transforms.rows import TABLES, FundingRow


def _funding(**overrides) -> FundingRow:
    base = dict(article_id="0123456789abcdef", evidence="X raised $1bn.", char_start=0, char_end=14,
                extractor_version="v", run_id="r", funding_id="00000000000000a1", company="X",
                companies=["X"], event_type="equity_round", status="completed", round=None, amount=1e9,
                currency="USD", amount_usd=1e9, amount_qualifier="exact", is_aggregate=False,
                investors=[], valuation_usd=None, event_date=None)
    return FundingRow(**{**base, **overrides})


def _frame(rows) -> pd.DataFrame:
    return storage.to_arrow(rows, FundingRow).to_pandas()


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory):
    """One validation pass over deliberately broken frames."""
    good = _funding()
    frames = {
        "funding": _frame([good, _funding(funding_id="00000000000000a2", amount=-5.0),
                           _funding(funding_id="00000000000000a3", currency="XYZ")]),
    }
    duplicate = _frame([good, good])
    missing = _frame([good]).drop(columns=["currency"])
    validation_dir = tmp_path_factory.mktemp("validation")
    result = validate_tables(frames, validation_dir)
    result["duplicate"] = validate_tables({"funding": duplicate}, validation_dir)["funding"]
    result["missing"] = validate_tables({"funding": missing}, validation_dir)["funding"]
    result["dir"] = validation_dir
    return result


def test_negative_amount_and_unknown_currency_are_rejected_rows(outcomes):
    outcome = outcomes["funding"]
    assert not outcome.blocked
    assert set(outcome.rejected) == {1, 2}
    assert any("column='amount'" in r and "min_value=0" in r for r in outcome.rejected[1])
    assert any("column='currency'" in r and "in_set" in r for r in outcome.rejected[2])


def test_duplicate_key_blocks_the_publish(outcomes):
    assert outcomes["duplicate"].blocked
    assert any("expect_column_values_to_be_unique" in c and "funding_id" in c for c in outcomes["duplicate"].critical)


def test_missing_column_blocks_the_publish(outcomes):
    assert outcomes["missing"].blocked
    assert any("expect_table_columns_to_match_set" in c for c in outcomes["missing"].critical)


def test_data_docs_link_the_validated_tables(outcomes):
    index = Path(outcomes["dir"]) / "docs" / "index.html"
    assert "funding" in index.read_text()


def _columns_with_expectations(suite: dict) -> set[str]:
    columns = set()
    for expectation in suite["expectations"]:
        kwargs = expectation["kwargs"]
        columns.update(c for c in (kwargs.get("column"), kwargs.get("column_A"), kwargs.get("column_B")) if c)
        columns.update(kwargs.get("column_list") or [])
    return columns


def test_offsets_that_do_not_fit_the_evidence_are_rejected(tmp_path):
    frame = _frame([_funding(), _funding(funding_id="00000000000000b7", char_end=99)])
    outcome = validate_tables({"funding": frame}, tmp_path)["funding"]
    assert list(outcome.rejected) == [1]
    assert "offsets" in outcome.rejected[1][0]


@pytest.mark.parametrize("table", list(TABLES))
def test_every_column_has_an_expectation(table):
    suite = json.loads((SUITES / f"{table}.json").read_text())
    assert set(storage.arrow_schema(TABLES[table][0]).names) <= _columns_with_expectations(suite)


def test_broken_rows_never_reach_the_tables_and_a_blocked_run_keeps_the_old_version(
        prefect_server, tmp_path, monkeypatch):
    from flows import extraction
    from flows.pipeline import pipeline

    data = tmp_path / "data"  # the sources stand beside it: a source inside a data dir is not read
    pipeline(sources=["seeds/articles"], data_dir=str(data))
    real_extract = extraction.extract_rows

    def broken(ids, data_dir, run_id, version):
        rows = real_extract(ids, data_dir, run_id, version)
        rows["funding"] = [_funding(article_id=ids[0], run_id=run_id, funding_id="bad0000000000001", amount=-1.0),
                           _funding(article_id=ids[0], run_id=run_id, funding_id="00000000000000c1")]
        return rows

    monkeypatch.setattr(extraction, "extract_rows", broken)
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text("Lumora Robotics Inc raised $5 million in a seed round, it said.\n")
    summary = pipeline(sources=[str(folder)], data_dir=str(data))
    assert summary.blocked is None and summary.rejected_rows == 1 and summary.articles_quarantined == 1
    funding = storage.load_table("funding", data)
    assert "bad0000000000001" not in set(funding["funding_id"])
    assert "00000000000000c1" not in set(funding["funding_id"])  # withheld with its article
    rejected = storage.load_table("_rejected", data)
    assert rejected.loc[rejected["table"] == "funding", "row"].str.contains("bad0000000000001").all()
    withheld = set(rejected.loc[rejected["table"] == "article", "row"])
    assert len(withheld) == 1 and withheld.isdisjoint(storage.load_table("articles", data)["article_id"])

    def duplicated(ids, data_dir, run_id, version):
        rows = real_extract(ids, data_dir, run_id, version)
        rows["funding"] = [_funding(article_id=ids[0], run_id=run_id)] * 2
        return rows

    monkeypatch.setattr(extraction, "extract_rows", duplicated)
    (folder / "b.txt").write_text("Another article entirely, about Nvidia.\n")
    versions = {t: storage.version_of(data, t) for t in TABLES}
    blocked = pipeline(sources=[str(folder)], data_dir=str(data))
    assert blocked.blocked and "funding" in blocked.blocked
    assert {t: storage.version_of(data, t) for t in TABLES} == versions


def test_the_fast_path_gives_great_expectations_own_results(tmp_path):
    """Pass/fail first, detail for failures only, configurations built once: the same outcome and
    the same detail of each failure as one plain GX validation with complete results."""
    from great_expectations.expectations.expectation import Expectation

    from flows.validation import Validator, _hashable, _validate

    property_before = Expectation.__dict__["configuration"]
    frame = _frame([_funding(), _funding(funding_id="00000000000000d2", amount=-5.0, currency="XYZ"),
                    _funding(funding_id="00000000000000d2", round="not a round")])
    validator = Validator(tmp_path)
    suite = validator._suite("funding")
    batch = validator._batch_definition("funding").get_batch(batch_parameters={"dataframe": _hashable(frame)})
    fast = {r.expectation_config.id: r for r in _validate(validator.gx, batch, suite).results}
    plain = {r.expectation_config.id: r for r in batch.validate(
        suite, result_format={"result_format": "COMPLETE"}).results}
    assert Expectation.__dict__["configuration"] is property_before
    assert fast.keys() == plain.keys() and len(fast) == len(suite.expectations)
    assert sum(not r.success for r in plain.values()) >= 3
    for key, result in plain.items():
        assert fast[key].success == result.success
        assert fast[key].expectation_config.to_json_dict() == result.expectation_config.to_json_dict()
        if not result.success:
            assert fast[key].result == result.result


def test_validation_is_prepared_ahead_only_when_no_other_run_holds_the_data_dir(tmp_path):
    from flows.lock import publish_lock
    from flows.validation import Validator, prepare

    with publish_lock(tmp_path):  # another run publishing: it may be writing the GX files
        assert prepare(tmp_path) is False
    assert not (tmp_path / "validation").exists()
    assert prepare(tmp_path) is True
    assert {p.stem for p in (tmp_path / "validation" / "gx" / "expectations").glob("*.json")} == set(TABLES)
    prepared = Validator.open(tmp_path / "validation")
    assert prepared._suites.keys() == set(TABLES)
    assert Validator.open(tmp_path / "validation") is not prepared  # taken over by one run only
    outcome = prepared.validate("funding", _frame([_funding()]), "r1")
    assert not outcome.blocked and not outcome.rejected


def test_the_index_reads_each_result_file_once_and_rebuilds_a_damaged_record(tmp_path):
    from flows import docs_page

    validate_tables({"funding": _frame([_funding(), _funding(funding_id="00000000000000e2", amount=-1.0)])},
                    tmp_path, run_id="r1")
    first = docs_page.stored_results(tmp_path)
    assert [(r.table, r.run_id, r.success, r.failed) for r in first] == [("funding", "r1", False, 1)]
    first[0].json_path.write_text("{}", encoding="utf-8")  # not read again: its outcome is recorded
    assert docs_page.stored_results(tmp_path) == first
    (tmp_path / docs_page.OUTCOMES).write_text("{damaged", encoding="utf-8")
    assert [(r.success, r.evaluated) for r in docs_page.stored_results(tmp_path)] == [(False, 0)]


def test_a_validated_frame_is_not_kept_by_great_expectations(tmp_path):
    # GX kept each table's last batch, a whole chunk of rows, for the rest of the run.
    import gc
    import weakref

    from flows.validation import Validator

    validator = Validator(tmp_path)
    frame = _frame([_funding(), _funding(funding_id="00000000000000e2", amount=-5.0)])
    outcome = validator.validate("funding", frame, "run")
    assert list(outcome.rejected) == [1]  # validated, with a row-level failure found
    held = [weakref.ref(o) for o in gc.get_objects() if isinstance(o, pd.DataFrame) and o is not frame
            and len(o) == 2 and list(o.columns) == list(frame.columns)]
    del frame
    gc.collect()
    assert [ref() for ref in held if ref() is not None] == []
    assert not validator.source.get_execution_engine().batch_manager.batch_data_cache
