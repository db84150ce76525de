"""Delta Lake reads and writes for the published tables (the only module touching them).

Layout under DIR/processed/: each published table's Delta table (every version) at
_delta/TABLE/, bookkeeping tables (names with a leading "_") at _NAME/; the plain Parquet file of
each table's current rows (ai_race_tables.plain) at TABLE.parquet.
"""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Iterator

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from deltalake import DeltaTable, WriterProperties, write_deltalake
from deltalake.exceptions import DeltaError, TableNotFoundError
from pyarrow import fs

from ai_race_tables.dictionary import described, field_metadata

DELTA = "_delta"  # folder of the published tables' Delta tables; "_" keeps Parquet readers out
# Row groups of at most this many rows: delta-rs buffers a whole row group (by default a million
# rows) before writing it, so a large run's streamed rows would be held in memory almost whole.
WRITER = WriterProperties(max_row_group_size=50_000, compression="SNAPPY")  # snappy: delta-rs's default
# Commits that change no rows: a table is unchanged since a version if only these follow it.
NO_DATA_CHANGE = {"OPTIMIZE", "VACUUM START", "VACUUM END"}


class StoreError(ValueError):
    """A table that cannot be read or written, in one line: which table and what to do."""


_ARROW = {str: pa.string(), int: pa.int64(), float: pa.float64(), bool: pa.bool_(),
          datetime: pa.timestamp("us", tz="UTC"), date: pa.date32()}


def _arrow_type(hint) -> pa.DataType:
    args = [a for a in typing.get_args(hint) if a is not type(None)]
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return _arrow_type(args[0])
    if typing.get_origin(hint) is list:
        return pa.list_(_arrow_type(args[0]))
    return _ARROW[hint]


def arrow_schema(row_type: type) -> pa.Schema:
    """Arrow schema of a row dataclass: its fields, in order, with their types and, for published
    tables, the data dictionary's description, unit, allowed values and example."""
    hints = typing.get_type_hints(row_type)
    return pa.schema([pa.field(f.name, _arrow_type(hints[f.name]), metadata=field_metadata(row_type, f.name))
                      for f in dataclasses.fields(row_type)])


def to_arrow(rows: list, row_type: type) -> pa.Table:
    """Rows (dataclasses) as an Arrow table with their type's schema."""
    names = [f.name for f in dataclasses.fields(row_type)]  # shallow: asdict deep-copies every list
    # Column by column: from_pylist builds a dict per row, then reads each back into columns.
    return pa.Table.from_pydict({n: [getattr(r, n) for r in rows] for n in names}, schema=arrow_schema(row_type))


def processed_uri(data_dir: str | Path) -> str:
    """The data dir's processed/ folder."""
    return f"{str(data_dir).rstrip('/')}/processed"


def table_uri(data_dir: str | Path, table: str) -> str:
    """Where a table's Delta table lives: processed/_delta/TABLE, bookkeeping at processed/_NAME."""
    if table.startswith("_"):
        return f"{processed_uri(data_dir)}/{table}"
    return f"{processed_uri(data_dir)}/{DELTA}/{table}"


@contextmanager
def guarded(data_dir: str | Path, table: str) -> Iterator[None]:
    """Turn a storage failure of a table into a one-line StoreError naming it and what to do."""
    try:
        yield
    except StoreError:
        raise
    except (DeltaError, OSError, pa.ArrowException) as exc:
        cause = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        where = table_uri(data_dir, table)
        if isinstance(exc, PermissionError) or "permission denied" in str(exc).lower():
            advice = f"make {processed_uri(data_dir)} writable and run again"
        else:
            advice = (f"if it is damaged, move {where} away and rebuild it from the raw zone with "
                      f"`python -m flows backfill --since 1900-01-01 --data-dir {data_dir}`")
        raise StoreError(f"table {table} ({where}): {cause}; {advice}") from exc


def open_table(data_dir: str | Path, table: str, version: int | None = None) -> DeltaTable | None:
    """The Delta table (at a version), or None when it does not exist yet."""
    with guarded(data_dir, table):
        try:
            return DeltaTable(table_uri(data_dir, table), version=version)
        except TableNotFoundError:
            return None


def check(data_dir: str | Path, table: str) -> None:
    """Raise a StoreError when a table's log cannot be read or a data file it names is missing."""
    dt = open_table(data_dir, table)
    if dt is None:
        return
    with guarded(data_dir, table):
        filesystem, base = fs.FileSystem.from_uri(table_uri(data_dir, table)) if "://" in str(data_dir) \
            else (fs.LocalFileSystem(), str(Path(table_uri(data_dir, table)).resolve()))
        present = {info.path[len(base) + 1:] for info in filesystem.get_file_info(fs.FileSelector(base, recursive=True))}
        names = dt.get_add_actions(flatten=True).column("path").to_pylist()
        missing = [name for name in names if name not in present]
        if missing:
            raise FileNotFoundError(f"data file {missing[0]} is missing ({len(missing)} in all)")


def read_arrow(data_dir: str | Path, table: str, version: int | None = None,
               columns: list[str] | None = None) -> pa.Table | None:
    """A table (or some columns) as Arrow, with the data dictionary's field metadata (Delta Lake
    does not keep it, files written from these rows do); None when missing."""
    dt = open_table(data_dir, table, version)
    with guarded(data_dir, table):
        return None if dt is None else described(table, dt.to_pyarrow_table(columns=columns))


def _run_versions(data_dir: str | Path, run_id: str | None) -> tuple[str, dict[str, int]]:
    """(run_id, {table: version}) of a recorded run, the latest one when run_id is None."""
    runs = read_arrow(data_dir, "_runs")
    runs = pd.DataFrame() if runs is None else runs.to_pandas()
    if runs.empty:
        raise LookupError(f"no run has been recorded under {data_dir}")
    row = runs.sort_values("finished_at").iloc[-1] if run_id is None else runs[runs["run_id"] == run_id]
    if isinstance(row, pd.DataFrame):
        if row.empty:
            raise LookupError(f"no run {run_id!r} under {data_dir}")
        row = row.iloc[0]
    return str(row["run_id"]), json.loads(row["table_versions"])


def load_table(table: str, data_dir: str | Path = "data", version: int | None = None,
               run_id: str | None = None, as_of: datetime | str | None = None, arrow: bool = False,
               columns: list[str] | None = None, filters=None):
    """A published table as pandas (Arrow with arrow=True): the latest version, a version number,
    the version a recorded run published, or the version current at a time (as_of); every column
    or only `columns`, every row or those `filters` keeps (DNF tuples, e.g.
    [("status", "=", "completed")]). The latest is the last complete run's: commits of a run
    stopped part-way are never shown."""
    if run_id is not None:
        version = _run_versions(data_dir, run_id)[1][table]
    elif version is None and as_of is None:
        version = _last_complete(data_dir, table)
    dt = open_table(data_dir, table, version)
    if dt is None:
        raise LookupError(f"no table {table!r} under {processed_uri(data_dir)}")
    with guarded(data_dir, table):
        if as_of is not None:
            dt.load_as_version(datetime.fromisoformat(as_of) if isinstance(as_of, str) else as_of)
        return dt.to_pyarrow_table(columns=columns, filters=filters) if arrow else \
            dt.to_pandas(columns=columns, filters=filters)


BATCH_ROWS = 10_000  # rows decoded at a time by read_lean


def read_lean(table: str, data_dir: str | Path = "data", columns: list[str] | None = None,
              filters=None) -> pa.Table:
    """The latest published rows of a table as Arrow, like load_table, read BATCH_ROWS at a time
    on this thread and filtered batch by batch: memory holds the rows kept and one batch, where a
    whole read decodes every row group of a file at once (a 50,000-row group of evidence is tens
    of MB). For reading a few columns or rows of a large table."""
    dt = open_table(data_dir, table, _last_complete(data_dir, table))
    if dt is None:
        raise LookupError(f"no table {table!r} under {processed_uri(data_dir)}")
    if isinstance(filters, list):
        filters = pq.filters_to_expression(filters)
    with guarded(data_dir, table):
        scanner = dt.to_pyarrow_dataset().scanner(
            columns=columns, filter=filters, batch_size=BATCH_ROWS, batch_readahead=0, fragment_readahead=0,
            use_threads=False, fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=False))
        return pa.Table.from_batches(scanner.to_batches(), schema=scanner.projected_schema)


def load_snapshot(run_id: str | None = None, data_dir: str | Path = "data",
                  arrow: bool = False) -> dict[str, pd.DataFrame]:
    """Every published table exactly as one recorded run (the latest by default) left it."""
    _, versions = _run_versions(data_dir, run_id)
    return {table: load_table(table, data_dir, version=v, arrow=arrow) for table, v in versions.items()
            if not table.startswith("_")}  # the run's bookkeeping versions are not part of it


def _last_complete(data_dir: str | Path, table: str) -> int | None:
    """The last recorded run's version of a table whose rows changed since (a run stopped while
    publishing, not yet repaired by the next run); None when the latest version is complete."""
    recorded = None if table.startswith("_") else (recorded_versions(data_dir) or {}).get(table)
    if recorded is None or not changed_since(data_dir, table, recorded):
        return None
    return same_rows_as(data_dir, table, recorded)


def recorded_versions(data_dir: str | Path) -> dict[str, int | None] | None:
    """{table: version} of the last recorded run (bookkeeping tables included when recorded);
    None when no run has been recorded."""
    try:
        return _run_versions(data_dir, None)[1]
    except LookupError:
        return None


def history(data_dir: str | Path, table: str) -> pd.DataFrame:
    """A table's commits: version, time, operation and rows written."""
    rows = [{"version": h["version"], "timestamp": pd.Timestamp(h["timestamp"], unit="ms", tz="UTC"),
             "operation": h["operation"], "predicate": (h.get("operationParameters") or {}).get("predicate"),
             "rows_added": (h.get("operationMetrics") or {}).get("num_added_rows")}
            for h in _commits(data_dir, table)]
    return pd.DataFrame(rows).sort_values("version")


def _commits(data_dir: str | Path, table: str, limit: int | None = None) -> list[dict]:
    dt = open_table(data_dir, table)
    if dt is None:
        raise LookupError(f"no table {table!r} under {processed_uri(data_dir)}")
    with guarded(data_dir, table):
        return dt.history(limit)


def same_rows_as(data_dir: str | Path, table: str, version: int) -> int:
    """The latest version holding exactly the rows of `version`: commits after it that only
    compact or vacuum, or restore one of those versions, keep its rows; any other commit does not.
    The version to read or restore for those rows (older files may have been vacuumed)."""
    current = version_of(data_dir, table)
    if current is None or current <= version:
        return version
    same = {version}
    for commit in sorted(_commits(data_dir, table, current - version), key=lambda c: c["version"]):
        if commit["operation"] == "RESTORE":
            restored = int((commit.get("operationParameters") or {}).get("version", -1))
            if restored in same:
                same.add(commit["version"])
        elif commit["operation"] in NO_DATA_CHANGE and commit["version"] - 1 in same:
            same.add(commit["version"])
    return max(same)


def changed_since(data_dir: str | Path, table: str, version: int) -> bool:
    """Whether the table's latest rows may differ from that version's (a later commit wrote rows)."""
    current = version_of(data_dir, table)
    return current is not None and current > version and same_rows_as(data_dir, table, version) != current


def restore(data_dir: str | Path, table: str, version: int) -> None:
    """Make the table's latest version hold exactly the rows of an earlier version (one commit)."""
    dt = open_table(data_dir, table)
    with guarded(data_dir, table):
        dt.restore(version)


def compact(data_dir: str | Path, table: str, retention_days: int = 30) -> tuple[int, int]:
    """Merge small files, then delete files unreferenced for longer than the retention (a
    retention under delta-rs's 7-day safety margin is taken as the operator's explicit choice).
    Returns (files compacted, files vacuumed)."""
    dt = open_table(data_dir, table)
    if dt is None:
        raise LookupError(f"no table {table!r} under {processed_uri(data_dir)}")
    with guarded(data_dir, table):
        metrics = dt.optimize.compact()
        removed = dt.vacuum(retention_hours=retention_days * 24, dry_run=False, enforce_retention_duration=False)
    return int(metrics.get("numFilesRemoved", 0)), len(removed)


def ensure_table(data_dir: str | Path, table: str, schema: pa.Schema) -> bool:
    """Create an empty table when missing; True when it was created."""
    if open_table(data_dir, table) is not None:
        return False
    with guarded(data_dir, table):
        write_deltalake(table_uri(data_dir, table), schema.empty_table(), mode="append")
    return True


def replace_articles(data_dir: str | Path, table: str, data: pa.Table, article_ids: list[str]) -> int:
    """Replace the rows of these articles with data in one commit; the new version."""
    stored = read_arrow(data_dir, table, columns=["article_id"])
    if stored is None or not set(stored.column("article_id").to_pylist()) & set(article_ids):
        return append(data_dir, table, data)  # nothing to replace: far cheaper than the predicate
    # The predicate names every article of the data too: Delta checks new rows against it.
    quoted = ", ".join("'" + a.replace("'", "''") + "'" for a in sorted(article_ids))
    with guarded(data_dir, table):
        write_deltalake(table_uri(data_dir, table), data, mode="overwrite", schema_mode="merge",
                        predicate=f"article_id IN ({quoted})", writer_properties=WRITER)
    return version_of(data_dir, table)


def overwrite(data_dir: str | Path, table: str, data: pa.Table) -> int:
    """Replace a whole table in one commit; the new version."""
    with guarded(data_dir, table):
        write_deltalake(table_uri(data_dir, table), data, mode="overwrite", schema_mode="merge",
                        writer_properties=WRITER)
    return version_of(data_dir, table)


def append(data_dir: str | Path, table: str, data: pa.Table) -> int:
    """Append rows in one commit; the new version."""
    with guarded(data_dir, table):
        write_deltalake(table_uri(data_dir, table), data, mode="append", schema_mode="merge",
                        writer_properties=WRITER)
    return version_of(data_dir, table)


def version_of(data_dir: str | Path, table: str) -> int | None:
    """Latest version of a table, None when missing."""
    dt = open_table(data_dir, table)
    return None if dt is None else dt.version()
