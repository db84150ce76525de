"""The plain Parquet file of each published table: DIR/processed/TABLE.parquet.

One file holding exactly the rows of the table's latest Delta version, for readers that know no
Delta (pandas, pyarrow, Polars, DuckDB, Spark). It is replaced whole, atomically: locally a
temporary file in the same folder renamed over it, on an object store one PUT.
"""
from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.dataset as ds
import pyarrow.parquet as pq
from pyarrow import fs

from ai_race_tables import memory, storage
from ai_race_tables.dictionary import described

TEMP_PREFIX = ".writing-"  # a leading "." keeps Parquet readers off a file being written
BATCH_ROWS = 10_000  # rows read and written at a time (each a row group of the plain file)


def plain_uri(data_dir: str | Path, table: str) -> str:
    """Where a table's plain Parquet file lives."""
    return f"{storage.processed_uri(data_dir)}/{table}.parquet"


def _pandas_types(field: pa.Field) -> tuple[str, str] | None:
    """(pandas logical type, dtype) a column should come back as where pyarrow's default is wrong
    for analysts: integers and booleans with nulls would be float and object, dates objects."""
    kind = field.type
    if pa.types.is_integer(kind):
        return "int64", "Int64"
    if pa.types.is_boolean(kind):
        return "bool", "boolean"
    if pa.types.is_date(kind):
        return "datetimetz", "datetime64[ms, UTC]"
    return None


def with_pandas_metadata(data: pa.Table) -> pa.Table:
    """The table with pandas metadata naming nullable dtypes, so `pd.read_parquet` gives Int64
    years and counts, nullable booleans and timestamp dates. Other readers ignore it."""
    columns = [{"name": f.name, "field_name": f.name, "pandas_type": types[0], "numpy_type": types[1],
                "metadata": None}
               for f in data.schema if (types := _pandas_types(f))]
    meta = {"index_columns": [], "column_indexes": [], "columns": columns, "attributes": {},
            "creator": {"library": "ai-race-tables"}, "pandas_version": pd.__version__}
    return data.replace_schema_metadata({**(data.schema.metadata or {}), b"pandas": json.dumps(meta)})


def write_plain(data_dir: str | Path, tables: list[str]) -> None:
    """Replace these tables' plain files with their latest Delta rows. Locally every new file is
    written first under a temporary name, then all are renamed into place one after the other:
    a run stopped while writing them leaves every plain file as it was."""
    staged = []
    try:
        for table in tables:
            staged.append((stage_plain(data_dir, table), table))
            memory.hand_back()
        for temp, table in staged:
            if temp is not None:
                with storage.guarded(data_dir, table):
                    os.replace(temp, plain_uri(data_dir, table))
    finally:
        for temp, _ in staged:
            if temp is not None and os.path.exists(temp):
                os.unlink(temp)


def stage_plain(data_dir: str | Path, table: str) -> str | None:
    """Write a table's new plain file: locally under a temporary name beside it (returned), on an
    object store in place (one PUT: the object appears whole when closed; returns None)."""
    uri = plain_uri(data_dir, table)
    with storage.guarded(data_dir, table):
        if "://" in uri:
            filesystem, path = fs.FileSystem.from_uri(uri)
            with filesystem.open_output_stream(path) as handle:
                _write_rows(data_dir, table, handle)
            return None
        folder = os.path.dirname(uri)
        os.makedirs(folder, exist_ok=True)
        descriptor, temp = tempfile.mkstemp(dir=folder, prefix=TEMP_PREFIX, suffix=f".{table}.parquet")
        try:
            with os.fdopen(descriptor, "wb") as handle:
                _write_rows(data_dir, table, handle)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            os.unlink(temp)
            raise
        return temp


def _write_rows(data_dir: str | Path, table: str, handle) -> None:
    """Write the table's latest rows as Parquet to an open file, a batch at a time (a large table
    is never whole in memory), with the dictionary's field metadata and pandas' dtypes."""
    dataset = storage.open_table(data_dir, table).to_pyarrow_dataset()
    schema = with_pandas_metadata(described(table, dataset.schema.empty_table())).schema
    # BATCH_ROWS rows decoded at a time, on this thread, each column chunk read when decoded:
    # pyarrow's defaults (every row group's chunks of a file fetched at once, 50,000-row batches
    # decoded on its thread pool) took 200 MB more to write a 565,000-row table, this 75.
    batches = dataset.to_batches(batch_size=BATCH_ROWS, batch_readahead=0, fragment_readahead=0, use_threads=False,
                                 fragment_scan_options=ds.ParquetFragmentScanOptions(pre_buffer=False))
    with pq.ParquetWriter(handle, schema) as writer:
        for batch in batches:
            writer.write_batch(batch)


def exists(data_dir: str | Path, table: str) -> bool:
    """Whether the table's plain file exists."""
    uri = plain_uri(data_dir, table)
    if "://" not in uri:
        return os.path.isfile(uri)
    filesystem, path = fs.FileSystem.from_uri(uri)
    return filesystem.get_file_info(path).type == fs.FileType.File


def remove_leftovers(data_dir: str | Path) -> None:
    """Delete temporary files a killed run left while writing plain files (local data dirs)."""
    folder = storage.processed_uri(data_dir)
    if "://" in folder or not os.path.isdir(folder):
        return
    for name in os.listdir(folder):
        if name.startswith(TEMP_PREFIX):
            os.unlink(os.path.join(folder, name))
