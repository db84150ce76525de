"""A run's rows read a part at a time, so that publishing a large run never holds a whole table.

Rows stand in for a pyarrow Table where publishing reads one: `num_rows`, `column`, `select`,
and the Arrow stream protocol that Delta Lake writes from, one part after the other.
"""
from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ai_race_tables import storage
from transforms.rows import TABLES


class Rows:
    """Rows of one schema, produced part by part (each part a pa.Table) whenever they are read:
    `parts(columns)` gives parts holding at least those columns (all of them when None)."""

    def __init__(self, schema: pa.Schema, parts: Callable[[list[str] | None], Iterator[pa.Table]]):
        self.schema = schema
        self._parts = parts
        self._rows: int | None = None

    def parts(self, columns: list[str] | None = None) -> Iterator[pa.Table]:
        """The rows (of some columns), a part at a time, in the schema."""
        names = self.schema.names if columns is None else columns
        schema = pa.schema([self.schema.field(name) for name in names])
        for part in self._parts(columns):
            yield part if part.schema == schema else part.select(names).cast(schema)

    @property
    def num_rows(self) -> int:
        if self._rows is None:
            self._rows = sum(part.num_rows for part in self.parts(self.schema.names[:1]))
        return self._rows

    def select(self, columns: list[str]) -> pa.Table:
        """Some columns of every row, in one table (read alone where the parts allow)."""
        parts = list(self.parts(columns))
        return pa.concat_tables(parts) if parts else self.schema.empty_table().select(columns)

    def column(self, name: str) -> pa.ChunkedArray:
        return self.select([name]).column(name)

    def to_table(self) -> pa.Table:
        """Every row in one table (for small row sets)."""
        return self.select(self.schema.names)

    def __arrow_c_stream__(self, requested_schema=None):
        batches = (batch for part in self.parts() for batch in part.to_batches())
        return pa.RecordBatchReader.from_batches(self.schema, batches).__arrow_c_stream__(requested_schema)


def staged_rows(files: list[Path], table: str, withheld: set[str] | frozenset[str] = frozenset()) -> Rows:
    """A table's rows staged by this run in these files, but those of withheld articles."""
    schema = storage.arrow_schema(TABLES[table][0])
    drop = pa.array(sorted(withheld), pa.string())

    def parts(columns: list[str] | None) -> Iterator[pa.Table]:
        wanted = None if columns is None else list(dict.fromkeys([*columns, "article_id"]))
        for path in files:
            part = pq.read_table(path, schema=schema, columns=wanted)  # a few columns: not the evidence too
            yield part.filter(pc.invert(pc.is_in(part.column("article_id"), drop))) if len(drop) else part

    return Rows(schema, parts)


def as_rows(data) -> Rows:
    """Rows as they are, or a whole table as Rows of one part."""
    return data if isinstance(data, Rows) else Rows(data.schema, lambda columns: iter([data]))


def distinct(data, column: str) -> list:
    """The distinct values of a column of a table or of Rows."""
    return pc.unique(data.column(column)).to_pylist()
