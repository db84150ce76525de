"""Staged rows validated in chunks as extraction stages them: rows rejected where they are,
unique keys over the whole table."""
from __future__ import annotations

import pyarrow.parquet as pq
import pytest

from ai_race_tables import storage
from flows import checking
from flows.validation import Validator
from transforms.rows import FundingRow


def _funding(number: int, **overrides) -> FundingRow:
    base = dict(article_id=f"{number:016x}", evidence="X raised $1bn.", char_start=0, char_end=14,
                extractor_version="v", run_id="r", funding_id=f"{number:016x}", company="X", companies=["X"],
                event_type="equity_round", status="completed", round=None, amount=1e9, currency="USD",
                amount_usd=1e9, amount_qualifier="exact", is_aggregate=False, investors=[],
                valuation_usd=None, event_date=None)
    return FundingRow(**{**base, **overrides})


def _stage(staging, batches: list[list[FundingRow]]) -> None:
    folder = staging / "funding"
    folder.mkdir(parents=True)
    for i, rows in enumerate(batches):
        pq.write_table(storage.to_arrow(rows, FundingRow), folder / f"batch-{i:06d}.parquet")


@pytest.fixture(scope="module")
def validator(tmp_path_factory):
    return Validator(tmp_path_factory.mktemp("validation"))


def _check(validator, staging) -> checking.TableCheck:
    """Validate the staged funding files as if extraction staged them one batch after the other."""
    checker = checking.StagedChecker(validator, staging, ("funding",), "r")
    for batch, path in enumerate(checking.staged_files(staging, "funding")):
        checker.staged(batch, {"funding": pq.read_metadata(path).num_rows, "people": 0})
    return checker.finish()["funding"]


def test_chunks_keep_the_rows_in_order_whatever_the_chunk_size(tmp_path):
    _stage(tmp_path, [[_funding(i) for i in range(5)], [_funding(i) for i in range(5, 12)]])
    for rows in (1, 3, 5, 100):
        chunks = list(checking.chunks(checking.staged_files(tmp_path, "funding"), "funding", rows))
        assert [r for c in chunks for r in c.column("funding_id").to_pylist()] == [f"{i:016x}" for i in range(12)]
        assert all(c.num_rows <= max(rows, 7) for c in chunks)


def test_a_failing_row_of_a_later_chunk_is_rejected_with_its_article(tmp_path, validator, monkeypatch):
    monkeypatch.setattr(checking, "CHUNK_ROWS", 3)
    _stage(tmp_path, [[_funding(i) for i in range(3)], [_funding(3), _funding(4, amount=-5.0), _funding(5)]])
    check = _check(validator, tmp_path)
    assert check.critical == []
    assert [r.row for r in check.rejected] and '"funding_id":"0000000000000004"' in check.rejected[0].row
    assert list(check.withheld) == [f"{4:016x}"] and "amount" in check.withheld[f"{4:016x}"]


def test_a_key_repeated_in_two_chunks_blocks_the_publish(tmp_path, validator, monkeypatch):
    monkeypatch.setattr(checking, "CHUNK_ROWS", 2)
    _stage(tmp_path, [[_funding(1), _funding(2)], [_funding(3), _funding(1, article_id=f"{9:016x}")]])
    check = _check(validator, tmp_path)
    assert len(check.critical) == 1
    assert "expect_column_values_to_be_unique" in check.critical[0] and "funding_id" in check.critical[0]
    assert checking.duplicate_keys(tmp_path, "funding") == check.critical


def test_kept_rows_leave_out_withheld_articles(tmp_path):
    _stage(tmp_path, [[_funding(1), _funding(2)], [_funding(3)]])
    kept = checking.kept_rows(tmp_path, "funding", {f"{2:016x}"})
    assert kept.column("funding_id").to_pylist() == [f"{1:016x}", f"{3:016x}"]
    assert checking.kept_rows(tmp_path, "people", set()).num_rows == 0


def test_kept_rows_read_some_columns_alone_and_every_column_whole(tmp_path, monkeypatch):
    _stage(tmp_path, [[_funding(1), _funding(2)], [_funding(3)]])
    kept = checking.kept_rows(tmp_path, "funding", {f"{2:016x}"})
    read = []
    original = pq.read_table
    monkeypatch.setattr(pq, "read_table", lambda *a, **k: read.append(k.get("columns")) or original(*a, **k))
    assert kept.select(["funding_id"]).column_names == ["funding_id"]
    assert read == [["funding_id", "article_id"]] * 2  # the withheld articles' rows still left out
    assert kept.select(["funding_id"]).column("funding_id").to_pylist() == [f"{1:016x}", f"{3:016x}"]
    assert kept.num_rows == 2
    whole = kept.to_table()
    assert whole.schema == kept.schema and whole.column("evidence").to_pylist() == ["X raised $1bn."] * 2
