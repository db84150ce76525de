"""Delta Lake reads and writes for the published tables (the only module touching them)."""
from __future__ import annotations

import dataclasses
import json
import types
import typing
from datetime import date, datetime
from pathlib import Path

import pandas as pd
import pyarrow as pa
from deltalake import DeltaTable, write_deltalake
from deltalake.exceptions import TableNotFoundError

from ai_race_tables.dictionary import described, field_metadata

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
    return pa.Table.from_pylist([{n: getattr(r, n) for n in names} for r in rows], schema=arrow_schema(row_type))


def table_uri(data_dir: str | Path, table: str) -> str:
    """Where a table lives under the data directory."""
    return f"{str(data_dir).rstrip('/')}/processed/{table}"


def open_table(data_dir: str | Path, table: str, version: int | None = None) -> DeltaTable | None:
    """The Delta table (at a version), or None when it does not exist yet."""
    try:
        return DeltaTable(table_uri(data_dir, table), version=version)
    except TableNotFoundError:
        return None


def read_arrow(data_dir: str | Path, table: str, version: int | None = None,
               columns: list[str] | None = None) -> pa.Table | None:
    """A table (or some columns) as Arrow, with the data dictionary's field metadata (Delta Lake
    does not keep it, files written from these rows do); None when missing."""
    dt = open_table(data_dir, table, version)
    return None if dt is None else described(table, dt.to_pyarrow_table(columns=columns))


def _run_versions(data_dir: str | Path, run_id: str | None) -> tuple[str, dict[str, int]]:
    """(run_id, {table: version}) of a recorded run, the latest one when run_id is None."""
    runs = DeltaTable(table_uri(data_dir, "_runs")).to_pandas()
    if runs.empty:
        raise LookupError(f"no run has been recorded under {data_dir}")
    row = runs.sort_values("finished_at").iloc[-1] if run_id is None else runs[runs["run_id"] == run_id]
    if isinstance(row, pd.DataFrame):
        if row.empty:
            raise LookupError(f"no run {run_id!r} under {data_dir}")
        row = row.iloc[0]
    return str(row["run_id"]), json.loads(row["table_versions"])


def load_table(table: str, data_dir: str | Path = "data", version: int | None = None,
               run_id: str | None = None, as_of: datetime | str | None = None, arrow: bool = False):
    """A published table as pandas (Arrow with arrow=True): the latest version, a version number,
    the version a recorded run published, or the version current at a time (as_of)."""
    if run_id is not None:
        version = _run_versions(data_dir, run_id)[1][table]
    dt = DeltaTable(table_uri(data_dir, table), version=version)
    if as_of is not None:
        dt.load_as_version(datetime.fromisoformat(as_of) if isinstance(as_of, str) else as_of)
    return dt.to_pyarrow_table() if arrow else dt.to_pandas()


def load_snapshot(run_id: str | None = None, data_dir: str | Path = "data",
                  arrow: bool = False) -> dict[str, pd.DataFrame]:
    """Every published table exactly as one recorded run (the latest by default) left it."""
    _, versions = _run_versions(data_dir, run_id)
    return {table: load_table(table, data_dir, version=v, arrow=arrow) for table, v in versions.items()}


def history(data_dir: str | Path, table: str) -> pd.DataFrame:
    """A table's commits: version, time, operation and rows written."""
    rows = [{"version": h["version"], "timestamp": pd.Timestamp(h["timestamp"], unit="ms", tz="UTC"),
             "operation": h["operation"], "predicate": (h.get("operationParameters") or {}).get("predicate"),
             "rows_added": (h.get("operationMetrics") or {}).get("num_added_rows")}
            for h in DeltaTable(table_uri(data_dir, table)).history()]
    return pd.DataFrame(rows).sort_values("version")


def compact(data_dir: str | Path, table: str, retention_days: int = 30) -> tuple[int, int]:
    """Merge small files, then delete files unreferenced for longer than the retention.
    Returns (files compacted, files vacuumed)."""
    dt = DeltaTable(table_uri(data_dir, table))
    metrics = dt.optimize.compact()
    removed = dt.vacuum(retention_hours=retention_days * 24, dry_run=False)
    return int(metrics.get("numFilesRemoved", 0)), len(removed)


def ensure_table(data_dir: str | Path, table: str, schema: pa.Schema) -> bool:
    """Create an empty table when missing; True when it was created."""
    if open_table(data_dir, table) is not None:
        return False
    write_deltalake(table_uri(data_dir, table), schema.empty_table(), mode="append")
    return True


def replace_articles(data_dir: str | Path, table: str, data: pa.Table, article_ids: list[str]) -> int:
    """Replace the rows of these articles with data in one commit; the new version."""
    stored = read_arrow(data_dir, table, columns=["article_id"])
    if stored is None or not set(stored.column("article_id").to_pylist()) & set(article_ids):
        return append(data_dir, table, data)  # nothing to replace: far cheaper than the predicate
    # The predicate names every article of the data too: Delta checks new rows against it.
    quoted = ", ".join("'" + a.replace("'", "''") + "'" for a in sorted(article_ids))
    write_deltalake(table_uri(data_dir, table), data, mode="overwrite", schema_mode="merge",
                    predicate=f"article_id IN ({quoted})")
    return DeltaTable(table_uri(data_dir, table)).version()


def overwrite(data_dir: str | Path, table: str, data: pa.Table) -> int:
    """Replace a whole table in one commit; the new version."""
    write_deltalake(table_uri(data_dir, table), data, mode="overwrite", schema_mode="merge")
    return DeltaTable(table_uri(data_dir, table)).version()


def append(data_dir: str | Path, table: str, data: pa.Table) -> int:
    """Append rows in one commit; the new version."""
    write_deltalake(table_uri(data_dir, table), data, mode="append", schema_mode="merge")
    return DeltaTable(table_uri(data_dir, table)).version()


def version_of(data_dir: str | Path, table: str) -> int | None:
    """Latest version of a table, None when missing."""
    dt = open_table(data_dir, table)
    return None if dt is None else dt.version()
