"""A run's staged rows checked in chunks: the main process never holds a whole table of a large
run as a data frame, whatever the run's size.

Each table's staged Parquet files are read a chunk of rows at a time and validated by its
suite (flows.validation); row-level failures are kept with their rows, and the suite's unique
keys, which a chunk alone cannot check, are checked over the whole table from its key columns.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ai_race_tables import memory, storage
from flows.bookkeeping import RejectedRow
from flows.extraction import staged_file
from flows.staged_rows import Rows, staged_rows
from flows.validation import SUITES, Validator
from transforms.rows import TABLES

# Rows validated at once: bounds the memory validation takes, not the run's size. Each chunk also
# costs Great Expectations about 0.1 CPU-s whatever its size (20,000 rows: 7.8 CPU-s at 10,000
# articles, 50,000: 6.3 and 20 MB more).
CHUNK_ROWS = 50_000
UNIQUE = ("expect_column_values_to_be_unique", "expect_compound_columns_to_be_unique")


@dataclass
class TableCheck:
    """What validation decided for one table's staged rows."""

    table: str
    critical: list[str] = field(default_factory=list)
    rejected: list[RejectedRow] = field(default_factory=list)  # rows failing a row-level expectation
    withheld: dict[str, str] = field(default_factory=dict)  # article_id -> first reason


def staged_files(staging: Path, table: str) -> list[Path]:
    """A table's staged files, in batch order."""
    return sorted((staging / table).glob("*.parquet"))


def chunks(files: list[Path], table: str, rows: int | None = None) -> Iterator[pa.Table]:
    """The rows of a table's files in order, whole files of about `rows` (CHUNK_ROWS) rows at a
    time (a file larger than that is sliced)."""
    rows = rows or CHUNK_ROWS
    schema = storage.arrow_schema(TABLES[table][0])
    held, count = [], 0
    for path in files:
        data = pq.read_table(path, schema=schema)
        for start in range(0, data.num_rows, rows):
            held.append(data.slice(start, rows))
            count += held[-1].num_rows
            if count >= rows:
                yield pa.concat_tables(held)
                held, count = [], 0
    if held:
        yield pa.concat_tables(held)


class StagedChecker:
    """Validates a run's staged rows while extraction stages them: a table's rows are validated
    as soon as CHUNK_ROWS of them wait, the rest once every batch is staged (finish), so that
    validation overlaps extraction and holds one chunk of rows at a time."""

    def __init__(self, validator: Validator, staging: Path, tables: tuple[str, ...], run_id: str):
        self.validator, self.staging, self.run_id = validator, staging, run_id
        self.checks = {table: TableCheck(table) for table in tables}
        self.waiting: dict[str, list[Path]] = {table: [] for table in tables}
        self.rows = dict.fromkeys(tables, 0)  # rows waiting, per table
        self.parts = dict.fromkeys(tables, 0)  # chunks validated, per table

    def staged(self, batch: int, rows: dict[str, int]) -> None:
        """An extraction batch staged these rows per table: validate each table that has a
        chunk's worth waiting."""
        for table, count in rows.items():
            if table in self.checks:
                self.waiting[table].append(staged_file(self.staging, table, batch))
                self.rows[table] += count
                if self.rows[table] >= CHUNK_ROWS:
                    self._validate(table)

    def finish(self) -> dict[str, TableCheck]:
        """Validate the rows still waiting; unique keys over each table validated in parts."""
        for table, check in self.checks.items():
            self._validate(table)
            if self.parts[table] > 1:  # one part was the whole table: its suite checked the keys
                check.critical += [c for c in duplicate_keys(self.staging, table) if c not in check.critical]
                memory.hand_back()  # the whole table's keys, freed before the next table's
        return self.checks

    def _validate(self, table: str) -> None:
        files = sorted(self.waiting[table])
        self.waiting[table], self.rows[table] = [], 0
        for chunk in chunks(files, table):
            self.parts[table] += 1
            self._validate_chunk(self.checks[table], chunk)

    def _validate_chunk(self, check: TableCheck, chunk: pa.Table) -> None:
        frame = chunk.to_pandas()
        outcome = self.validator.validate(check.table, frame, self.run_id)
        check.critical += [c for c in outcome.critical if c not in check.critical]
        ids = chunk.column("article_id").to_pylist()
        for index, reasons in sorted(outcome.rejected.items()):
            check.rejected.append(RejectedRow(run_id=self.run_id, table=check.table,
                                              row=frame.iloc[index].to_json(date_format="iso"),
                                              expectation=reasons[0], reason="; ".join(reasons)))
            check.withheld.setdefault(ids[index], f"{check.table} row failed {reasons[0]}")


def unique_keys(table: str) -> list[tuple[str, list[str]]]:
    """(description, columns) of every unique key the table's suite expects."""
    keys = []
    for expectation in json.loads((SUITES / f"{table}.json").read_text())["expectations"]:
        if expectation["type"] in UNIQUE:
            kwargs = expectation["kwargs"]
            columns = kwargs.get("column_list") or [kwargs["column"]]
            described = ", ".join(f"{k}={v!r}" for k, v in kwargs.items() if k != "batch_id")
            keys.append((f"{expectation['type']}({described})", columns))
    return keys


def duplicate_keys(staging: Path, table: str) -> list[str]:
    """The table's unique-key expectations that its staged rows break (rows with a null key are
    left to the not-null expectations), read from the key columns alone."""
    failed = []
    files = staged_files(staging, table)
    for described, columns in unique_keys(table):
        keys = pa.concat_tables([pq.read_table(path, columns=columns) for path in files]).drop_null()
        counts = keys.group_by(columns).aggregate([([], "count_all")])
        repeated = pc.sum(pc.greater(counts.column("count_all"), 1)).as_py() or 0
        if repeated:
            failed.append(f"{described}: {repeated} keys repeated across the run's rows")
    return failed


def kept_rows(staging: Path, table: str, withheld: set[str]) -> Rows:
    """A table's staged rows but those of withheld articles, read a batch file at a time."""
    return staged_rows(staged_files(staging, table), table, withheld)
