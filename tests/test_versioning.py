"""Versions analysts pin reports to: snapshots by run, time travel, schema evolution."""
from __future__ import annotations

import time
from pathlib import Path

import pyarrow as pa
import pytest

from ai_race_tables import storage
from flows.bookkeeping import RunRow
from test_flow import snapshot
from transforms.rows import TABLES


def test_snapshot_of_the_first_of_three_runs_is_what_it_published(prefect_server, tmp_path):
    from flows.pipeline import pipeline

    folder, data_dir = tmp_path / "in", tmp_path / "data"
    folder.mkdir()
    (folder / "seed.txt").write_text(Path("seeds/articles/seed-ai-race.txt").read_text())
    first = pipeline(sources=[str(folder)], data_dir=str(data_dir))
    published = snapshot(data_dir)
    for i in range(2):
        (folder / f"more-{i}.txt").write_text(f"Qilin Compute Ltd raised ${i + 2} million in a Series A round.\n")
        pipeline(sources=[str(folder)], data_dir=str(data_dir))
    assert len(storage.load_table("articles", data_dir)) == 3
    by_run = storage.load_snapshot(first.run_id, data_dir)
    frames = {t: by_run[t] for t in TABLES}
    assert {t: len(f) for t, f in frames.items()} == {t: len(rows) for t, rows in published.items()}
    assert storage.load_table("articles", data_dir, run_id=first.run_id)["article_id"].tolist() == \
        [r["article_id"] for r in published["articles"]]


def test_time_travel_by_timestamp(tmp_path):
    schema = pa.schema([("article_id", pa.string()), ("value", pa.int64())])
    storage.ensure_table(tmp_path, "t", schema)
    storage.replace_articles(tmp_path, "t", pa.table({"article_id": ["a"], "value": [1]}, schema=schema), ["a"])
    stamp = storage.history(tmp_path, "t")["timestamp"].iloc[-1]
    # Commits are stamped to the millisecond: the next one must fall in a later millisecond for a
    # timestamp to tell them apart (on a fast machine both fell in one, and the test failed).
    while time.time() * 1000 < stamp.timestamp() * 1000 + 1:
        pass
    storage.replace_articles(tmp_path, "t", pa.table({"article_id": ["a"], "value": [2]}, schema=schema), ["a"])
    assert storage.history(tmp_path, "t")["timestamp"].iloc[-1] > stamp
    assert storage.load_table("t", tmp_path, as_of=stamp.to_pydatetime())["value"].tolist() == [1]
    assert storage.load_table("t", tmp_path)["value"].tolist() == [2]


def test_replacing_articles_is_one_commit_whether_or_not_they_were_stored(tmp_path):
    schema = pa.schema([("article_id", pa.string()), ("value", pa.int64())])
    storage.ensure_table(tmp_path, "t", schema)
    first = storage.replace_articles(tmp_path, "t", pa.table({"article_id": ["a", "b"], "value": [1, 2]},
                                                              schema=schema), ["a", "b", "c"])
    second = storage.replace_articles(tmp_path, "t", pa.table({"article_id": ["b", "c"], "value": [3, 4]},
                                                               schema=schema), ["b", "c"])
    assert second == first + 1
    rows = storage.load_table("t", tmp_path).sort_values("article_id")
    assert rows.values.tolist() == [["a", 1], ["b", 3], ["c", 4]]


def test_a_column_added_later_leaves_old_versions_readable(tmp_path):
    old = pa.schema([("article_id", pa.string()), ("value", pa.int64())])
    new = old.append(pa.field("unit", pa.string()))
    storage.ensure_table(tmp_path, "t", old)
    storage.replace_articles(tmp_path, "t", pa.table({"article_id": ["a"], "value": [1]}, schema=old), ["a"])
    storage.replace_articles(tmp_path, "t", pa.table({"article_id": ["b"], "value": [2], "unit": ["GW"]},
                                                     schema=new), ["b"])
    assert storage.load_table("t", tmp_path, version=1).columns.tolist() == ["article_id", "value"]
    latest = storage.load_table("t", tmp_path).sort_values("article_id")
    assert latest["unit"].tolist()[1] == "GW" and latest["unit"].isna().tolist()[0]


def test_unknown_run_is_a_clear_error(tmp_path):
    storage.ensure_table(tmp_path, "_runs", storage.arrow_schema(RunRow))
    with pytest.raises(LookupError, match="no run has been recorded"):
        storage.load_snapshot("nope", tmp_path)


def test_compact_merges_small_files_and_keeps_recent_versions_readable(tmp_path):
    schema = pa.schema([("article_id", pa.string()), ("value", pa.int64())])
    storage.ensure_table(tmp_path, "t", schema)
    for i in range(4):
        storage.append(tmp_path, "t", pa.table({"article_id": [f"a{i}"], "value": [i]}, schema=schema))
    merged, vacuumed = storage.compact(tmp_path, "t", retention_days=30)
    assert merged == 4 and vacuumed == 0  # files replaced by compaction stay for time travel
    assert len(storage.open_table(tmp_path, "t").file_uris()) == 1
    assert sorted(storage.load_table("t", tmp_path, version=2)["value"]) == [0, 1]


def test_rows_of_a_version_survive_compaction_and_a_restore_brings_them_back(tmp_path):
    schema = pa.schema([("article_id", pa.string()), ("value", pa.int64())])
    storage.ensure_table(tmp_path, "t", schema)
    for i in range(2):
        storage.append(tmp_path, "t", pa.table({"article_id": [f"a{i}"], "value": [i]}, schema=schema))
    recorded = storage.version_of(tmp_path, "t")
    storage.compact(tmp_path, "t", retention_days=0)  # the recorded version's files are gone
    compacted = storage.version_of(tmp_path, "t")
    assert compacted > recorded and not storage.changed_since(tmp_path, "t", recorded)
    storage.append(tmp_path, "t", pa.table({"article_id": ["b"], "value": [9]}, schema=schema))
    assert storage.changed_since(tmp_path, "t", recorded)
    assert storage.same_rows_as(tmp_path, "t", recorded) == compacted
    storage.restore(tmp_path, "t", storage.same_rows_as(tmp_path, "t", recorded))
    assert not storage.changed_since(tmp_path, "t", recorded)
    assert sorted(storage.load_table("t", tmp_path)["value"]) == [0, 1]


def test_a_large_write_is_stored_in_bounded_row_groups(tmp_path):
    # delta-rs holds a whole row group in memory before writing it: bounded, a large run's rows
    # stream through instead of being held whole.
    import pyarrow.parquet as pq

    rows = 2 * storage.WRITER.max_row_group_size + 7
    data = pa.table({"article_id": pa.array([f"a{i % 997}" for i in range(rows)]), "n": pa.array(range(rows))})
    storage.append(tmp_path, "_rows", data)
    storage.replace_articles(tmp_path, "_rows", data.slice(0, rows - 1), [f"a{i}" for i in range(997)])
    for version, expected in ((0, rows), (1, rows - 1)):
        table = storage.open_table(tmp_path, "_rows", version)
        groups = [pq.ParquetFile(uri.removeprefix("file://")).metadata for uri in table.file_uris()]
        assert sum(meta.num_rows for meta in groups) == expected
        assert max(meta.row_group(i).num_rows for meta in groups for i in range(meta.num_row_groups)) \
            <= storage.WRITER.max_row_group_size


def test_a_lean_read_keeps_the_rows_and_columns_asked_for_a_batch_at_a_time(tmp_path, monkeypatch):
    import pyarrow.compute as pc

    monkeypatch.setattr(storage, "BATCH_ROWS", 3)  # several batches, some keeping no row
    data = pa.table({"article_id": [f"a{i}" for i in range(10)], "value": list(range(10)), "note": ["x"] * 10})
    storage.append(tmp_path, "t", data)
    kept = storage.read_lean("t", tmp_path, ["article_id"], pc.field("value") >= 7)
    assert kept.column_names == ["article_id"] and kept["article_id"].to_pylist() == ["a7", "a8", "a9"]
    assert storage.read_lean("t", tmp_path, ["value"], [("article_id", "in", ["a2", "a5"])])["value"].to_pylist() == [2, 5]
    none = storage.read_lean("t", tmp_path, ["value", "note"], pc.field("value") > 99)
    assert none.num_rows == 0 and none.schema.names == ["value", "note"]
    with pytest.raises(LookupError):
        storage.read_lean("missing", tmp_path)
