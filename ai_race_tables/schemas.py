"""Arrow schemas of the row dataclasses, and rows as Arrow tables: all an extraction worker needs
to stage its rows (it never loads pandas or Delta Lake for it)."""
from __future__ import annotations

import dataclasses
import types
import typing
from datetime import date, datetime

import pyarrow as pa

from ai_race_tables.dictionary import field_metadata

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
