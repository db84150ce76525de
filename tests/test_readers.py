"""The plain Parquet files give every reader exactly the latest version's rows, after any sequence
of runs, backfills, compaction and a killed run; old-layout data dirs are moved on the next run."""
from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from deltalake import DeltaTable

from ai_race_tables import plain, storage
from test_faults import _child
from transforms.rows import TABLES

ROOT = Path(__file__).resolve().parent.parent


def _rows(table: pa.Table, schema: pa.Schema) -> list[str]:
    table = table.select(schema.names).cast(schema)
    return sorted(json.dumps(r, sort_keys=True, default=str) for r in table.to_pylist())


def every_reader(path: str) -> dict[str, pa.Table]:
    """The plain file as pandas, pyarrow, Polars and DuckDB read it, each turned into Arrow."""
    return {"pandas": pa.Table.from_pandas(pd.read_parquet(path), preserve_index=False),
            "pyarrow": pq.read_table(path),
            "polars": pl.read_parquet(path).to_arrow(),
            "duckdb": duckdb.sql(f"select * from read_parquet('{path}')").fetch_arrow_table()}


def assert_readers_see_the_latest_version(data_dir: Path, table: str = "funding") -> int:
    """Every reader of processed/TABLE.parquet gets the latest Delta version's rows; their count."""
    latest = DeltaTable(storage.table_uri(data_dir, table)).to_pyarrow_table()
    expected = _rows(latest, latest.schema)
    for reader, got in every_reader(plain.plain_uri(data_dir, table)).items():
        assert _rows(got, latest.schema) == expected, reader
    return len(expected)


def test_every_reader_gets_the_latest_rows_after_runs_backfills_compact_and_a_killed_run(prefect_server, tmp_path):
    from flows.pipeline import pipeline

    corpus = tmp_path / "in"
    corpus.mkdir()
    (corpus / "seed.txt").write_text((ROOT / "seeds" / "articles" / "seed-ai-race.txt").read_text())
    (corpus / "a.txt").write_text("Lumora Robotics Inc raised $5 million in a Series A round led by "
                                  "Sequoia Capital, it said on Monday.\n")
    data_dir = tmp_path / "data"
    pipeline(sources=[str(corpus)], data_dir=str(data_dir))
    counts = [assert_readers_see_the_latest_version(data_dir)]
    for _ in range(2):
        pipeline(data_dir=str(data_dir), since="2000-01-01")
        counts.append(assert_readers_see_the_latest_version(data_dir))
    for table in (*TABLES, "_runs", "_extractions", "_rejected"):  # every removed file deleted now
        storage.compact(data_dir, table, retention_days=0)
    counts.append(assert_readers_see_the_latest_version(data_dir))
    (corpus / "b.txt").write_text("Qilin Compute Ltd raised $7 million in a seed round, it said.\n")
    assert _child("publishing", data_dir, str(corpus)).returncode == -9
    pipeline(sources=[str(corpus)], data_dir=str(data_dir))
    counts.append(assert_readers_see_the_latest_version(data_dir))
    assert counts[:4] == [counts[0]] * 4 and counts[4] == counts[0] + 1
    assert len(storage.load_table("funding", data_dir)) == counts[4]
    assert sorted(p.name for p in (data_dir / "processed").glob("*.parquet")) == sorted(f"{t}.parquet" for t in TABLES)


def test_pandas_keeps_integers_as_integers_and_dates_as_timestamps(tmp_path):
    schema = pa.schema([("article_id", pa.string()), ("target_year", pa.int64()), ("is_projection", pa.bool_()),
                        ("event_date", pa.date32()), ("published_at", pa.timestamp("us", tz="UTC"))])
    storage.ensure_table(tmp_path, "t", schema)
    storage.append(tmp_path, "t", pa.table({"article_id": ["a", "b"], "target_year": [2030, None],
                                            "is_projection": [True, None],
                                            "event_date": [pd.Timestamp("2026-01-02").date(), None],
                                            "published_at": [pd.Timestamp("2026-01-02", tz="UTC"), None]},
                                           schema=schema))
    plain.write_plain(tmp_path, ["t"])
    frame = pd.read_parquet(plain.plain_uri(tmp_path, "t"))
    assert str(frame["target_year"].dtype) == "Int64" and frame["target_year"].tolist()[0] == 2030
    assert str(frame["is_projection"].dtype) == "boolean"
    assert frame["event_date"].iloc[0] == pd.Timestamp("2026-01-02", tz="UTC")
    assert str(frame["published_at"].dtype).startswith("datetime64")


def test_a_plain_file_holds_every_row_of_the_table_in_bounded_row_groups(tmp_path, monkeypatch):
    # Written a few rows at a time, with a column added after the first write (null in old rows).
    import pyarrow.parquet as pq

    monkeypatch.setattr(plain, "BATCH_ROWS", 4)
    old = pa.schema([("article_id", pa.string()), ("n", pa.int64())])
    storage.ensure_table(tmp_path, "t", old)
    storage.append(tmp_path, "t", pa.table({"article_id": [f"a{i}" for i in range(9)], "n": range(9)}, schema=old))
    storage.append(tmp_path, "t", pa.table({"article_id": ["b0", "b1"], "n": [9, 10], "note": ["x", None]}))
    plain.write_plain(tmp_path, ["t"])
    written = pq.ParquetFile(plain.plain_uri(tmp_path, "t"))
    assert max(written.metadata.row_group(i).num_rows for i in range(written.num_row_groups)) <= 4
    rows = sorted(written.read().select(["article_id", "n", "note"]).to_pylist(), key=lambda r: r["n"])
    assert rows == sorted(storage.load_table("t", tmp_path, arrow=True).to_pylist(), key=lambda r: r["n"])
    assert [r["note"] for r in rows] == [None] * 9 + ["x", None]


def test_a_data_dir_in_the_old_layout_is_moved_on_the_next_run(prefect_server, tmp_path, caplog):
    from flows.pipeline import pipeline

    data_dir = tmp_path / "data"
    pipeline(sources=["seeds/articles"], data_dir=str(data_dir))
    before = {t: storage.load_table(t, data_dir, arrow=True) for t in TABLES}
    processed = data_dir / "processed"
    for table in TABLES:  # back to the old layout: Delta tables at processed/TABLE, no plain files
        (processed / f"{table}.parquet").unlink()
        shutil.move(processed / "_delta" / table, processed / table)
    # Prefect sets up logging at a process's first run, replacing the root's handlers (caplog's
    # among them): the flow's own logger is listened to as well.
    flow_logs = logging.getLogger("prefect.flow_runs")
    flow_logs.addHandler(caplog.handler)
    try:
        summary = pipeline(sources=["seeds/articles"], data_dir=str(data_dir))
    finally:
        flow_logs.removeHandler(caplog.handler)
    assert summary.blocked is None and summary.articles_extracted == 0
    assert [r for r in caplog.records if "new layout" in r.getMessage()]
    assert not any((processed / t).exists() for t in TABLES)
    for table in TABLES:
        assert storage.load_table(table, data_dir, arrow=True).equals(before[table])
        assert pq.read_table(plain.plain_uri(data_dir, table)).equals(before[table])
