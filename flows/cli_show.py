"""show and history: tables and runs printed for a terminal (or as CSV and JSON for tools).

A terminal table fits the screen's width: key columns first, bookkeeping columns left out
unless asked for, long text cut with an ellipsis, numbers written as people write them.
"""
from __future__ import annotations

import json
import re
import shutil
import sys

import pandas as pd

from flows.cli_errors import printable
from flows.cli_table import render

SCREENFUL = 20
# The columns worth reading first, per table; every other column follows with --columns all.
KEY_COLUMNS = {
    "articles": ["article_id", "published_at", "title", "n_words", "language", "source"],
    "companies": ["name", "country", "n_articles", "n_mentions", "first_seen", "last_seen", "company_id",
                  "aliases"],
    "company_mentions": ["article_id", "name", "surface", "n_mentions", "company_id"],
    "people": ["name", "title", "organization", "article_id"],
    "funding": ["company", "event_type", "status", "round", "amount", "currency", "amount_usd",
                "event_date", "investors", "article_id"],
    "forecasts": ["subject", "metric", "region", "comparator", "value", "value_max", "unit", "target_year",
                  "source_org", "article_id"],
    "energy_metrics": ["region", "sector", "metric", "value", "value_max", "unit", "year",
                       "is_projection", "source_org", "article_id"],
}
_WHERE = re.compile(r"^\s*(\w+)\s*(!=|>=|<=|=|~|>|<)\s*(.*)$", re.S)

SHOW_EXAMPLES = """\
  python -m flows show                                  # the tables and their row counts
  python -m flows show funding                          # the first 20 rows, key columns
  python -m flows show funding --where "amount_usd>1e9" --where "status=completed" --limit 0
  python -m flows show people --article 3f2a --columns name,title,organization,evidence
  python -m flows show funding --run 4bcf1623d2d844f4 --format csv > funding.csv
  python -m flows show forecasts --version 3 --format json | jq '.[0]'"""
HISTORY_EXAMPLES = """\
  python -m flows history                  # one line per run
  python -m flows history funding          # one line per version of the funding table"""


def add_commands(commands, command, data_dir, debug) -> None:
    """The show and history sub-commands (command, data_dir, debug: the parser's helpers)."""
    show = command(commands, "show", "print a table, one version of it, or the version a run published; "
                   "with no table, list the tables and their row counts", SHOW_EXAMPLES)
    show.add_argument("table", nargs="?", help="a table name (default: list the tables)")
    which = show.add_mutually_exclusive_group()
    which.add_argument("--version", type=int, metavar="N", help="that Delta version of the table (default: latest)")
    which.add_argument("--run", dest="run_id", metavar="RUN_ID",
                       help="the version that run published; run ids: python -m flows history (default: latest)")
    show.add_argument("--limit", type=_limit, metavar="N",
                      help=f"rows to print, 0 for all (default: {SCREENFUL} as a table, all as csv/json)")
    show.add_argument("--columns", metavar="A,B,...|all",
                      help="columns to print, in that order, or 'all' (default: the table's key columns "
                           "as a table, all as csv/json)")
    show.add_argument("--article", metavar="ID", help="only rows of articles whose id starts with ID (default: every article)")
    show.add_argument("--where", action="append", default=[], metavar="COL<OP>VALUE",
                      help="only rows where the condition holds; OP is = != < <= > >= or ~ (contains, any "
                           "case); VALUE null matches empty cells; repeat to combine (default: all rows)")
    show.add_argument("--format", choices=("table", "csv", "json"), default="table",
                      help="table for reading, csv or json (a list of objects) for tools (default: table)")
    show.add_argument("--width", type=_limit, metavar="N",
                      help="characters a table line may take (default: the terminal's width, 120 when "
                           "not a terminal)")
    data_dir(show)
    debug(show)
    show.set_defaults(handler=show_table)
    history = command(commands, "history", "list the runs (id, time, kind, sources, articles, rows "
                      "written, seconds), or the versions of one table (version, time, run, operation, rows)",
                      HISTORY_EXAMPLES)
    history.add_argument("table", nargs="?", help="a table name (default: list the runs)")
    history.add_argument("--limit", type=_limit, default=0, metavar="N",
                         help="only the last N lines, 0 for all (default: 0)")
    data_dir(history)
    debug(history)
    history.set_defaults(handler=show_history)


def _limit(value: str) -> int:
    import argparse

    try:
        number = int(value)
    except ValueError:
        number = -1
    if number < 0:
        raise argparse.ArgumentTypeError(f"{value!r}: not a whole number >= 0")
    return number


def _width(args) -> int:
    if args.width:
        return args.width
    return shutil.get_terminal_size((120, 24)).columns if sys.stdout.isatty() else 120


def row_count(data_dir: str, table: str) -> int:
    """Rows of a table's latest version, from the Delta log (no data file is read); 0 when missing."""
    import pyarrow as pa
    import pyarrow.compute as pc

    from ai_race_tables import storage

    dt = storage.open_table(data_dir, table)
    if dt is None:
        return 0
    actions = pa.table(dt.get_add_actions(flatten=True))
    return int(pc.sum(actions["num_records"]).as_py() or 0) if actions.num_rows else 0


def _existing(data_dir: str, table: str):
    from ai_race_tables import storage

    dt = storage.open_table(data_dir, table)
    if dt is None:
        raise LookupError(f"no table {table!r} under {data_dir}; `python -m flows show --data-dir "
                          f"{data_dir}` lists the tables")
    return dt


def list_tables(args) -> int:
    """show with no table: every table with its rows, version and last change."""
    from ai_race_tables import storage
    from flows.bookkeeping import INTERNAL
    from transforms.rows import TABLES

    rows = []
    for table in (*TABLES, *INTERNAL):
        dt = storage.open_table(args.data_dir, table)
        if dt is not None:
            changed = pd.Timestamp(dt.history(1)[0]["timestamp"], unit="ms", tz="UTC")
            rows.append({"table": table, "rows": row_count(args.data_dir, table), "version": dt.version(),
                         "changed (UTC)": changed, "kind": "bookkeeping" if table in INTERNAL else "published"})
    if not rows:
        raise LookupError(f"no tables under {args.data_dir}: pass the --data-dir of a run, or make one "
                          f"with: python -m flows run --data-dir {args.data_dir}")
    print(render(pd.DataFrame(rows), _width(args)))
    return 0


def show_table(args) -> int:
    """show: one table, filtered, cut to a screenful and printed in the chosen format."""
    from ai_race_tables import storage

    if args.table is None:
        return list_tables(args)
    dt = _existing(args.data_dir, args.table)
    if args.version is not None and not 0 <= args.version <= dt.version():
        raise LookupError(f"--version {args.version}: {args.table} has versions 0 to {dt.version()}")
    frame = storage.load_table(args.table, args.data_dir, version=args.version, run_id=args.run_id)
    frame = _filtered(frame, args)
    frame = frame[_columns(frame, args)]
    limit = args.limit if args.limit is not None else (SCREENFUL if args.format == "table" else 0)
    shown = frame.head(limit) if limit else frame
    if args.format == "csv":
        print(_plain(shown).to_csv(index=False), end="")
    elif args.format == "json":
        print(_plain(shown).to_json(orient="records", date_format="iso", force_ascii=False))
    else:
        print(render(shown, _width(args)) if len(shown) else "(no rows)")
        if len(shown) < len(frame):
            print(f"({len(shown)} of {len(frame)} rows; --limit 0 prints them all)")
    return 0


def _columns(frame: pd.DataFrame, args) -> list[str]:
    if args.columns and args.columns.strip() != "all":
        chosen = [c.strip() for c in args.columns.split(",") if c.strip()]
        unknown = [c for c in chosen if c not in frame.columns]
        if unknown:
            raise LookupError(f"--columns: {args.table} has no column {unknown[0]!r}; it has "
                              f"{', '.join(frame.columns)}")
        return chosen
    key = [c for c in KEY_COLUMNS.get(args.table, frame.columns) if c in frame.columns]
    if args.columns is None and args.format == "table":
        return key or list(frame.columns)
    return key + [c for c in frame.columns if c not in key]


def _filtered(frame: pd.DataFrame, args) -> pd.DataFrame:
    if args.article:
        if "article_id" not in frame:
            raise LookupError(f"--article: {args.table} has no article_id column; use --where")
        frame = frame[frame["article_id"].str.startswith(args.article.strip())]
    for condition in args.where:
        frame = frame[_matches(frame, condition, args.table)]
    return frame


def _matches(frame: pd.DataFrame, condition: str, table: str) -> pd.Series:
    """The rows a --where condition keeps."""
    found = _WHERE.match(condition)
    if not found:
        raise ValueError(f"--where {condition!r}: write COLUMN OP VALUE, e.g. --where status=completed")
    column, op, value = found.group(1), found.group(2), found.group(3).strip()
    if column not in frame:
        raise LookupError(f"--where: {table} has no column {column!r}; it has {', '.join(frame.columns)}")
    cells = frame[column]
    if value.lower() == "null" and op in ("=", "!="):
        return cells.isna() if op == "=" else cells.notna()
    if op == "~":
        return cells.astype("string").str.contains(value, case=False, regex=False).fillna(False)
    target = _typed(cells, value, condition)
    compare = {"=": cells.__eq__, "!=": cells.__ne__, "<": cells.__lt__, "<=": cells.__le__,
               ">": cells.__gt__, ">=": cells.__ge__}[op]
    return compare(target).fillna(False).astype(bool)


def _typed(cells: pd.Series, value: str, condition: str):
    """The condition's value in the column's type."""
    try:
        if pd.api.types.is_bool_dtype(cells):
            return value.lower() in ("true", "yes", "1")
        if pd.api.types.is_numeric_dtype(cells):
            return float(value)
        if pd.api.types.is_datetime64_any_dtype(cells):
            from flows.parameters import utc

            return pd.Timestamp(utc(value))
    except ValueError:
        raise ValueError(f"--where {condition!r}: {value!r} is not a value of that column") from None
    return value


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Cells for CSV and JSON: lists as lists (JSON) or JSON text (CSV), text with controls escaped."""
    def cell(value):
        if hasattr(value, "tolist") and not isinstance(value, str):
            return [printable(v) if isinstance(v, str) else v for v in value.tolist()]
        return printable(value) if isinstance(value, str) else value

    text = [c for c in frame.columns if frame[c].dtype == object or pd.api.types.is_string_dtype(frame[c])]
    return frame.assign(**{c: frame[c].map(cell, na_action="ignore").astype(object) for c in text})


def show_history(args) -> int:
    """history: the runs, or the versions of one table."""
    frame = _table_versions(args.data_dir, args.table) if args.table else _runs(args.data_dir)
    if args.limit:
        frame = frame.tail(args.limit)
    print(render(frame, 120 if not sys.stdout.isatty() else shutil.get_terminal_size((120, 24)).columns)
          if len(frame) else "(no runs)")
    return 0


def _runs(data_dir: str) -> pd.DataFrame:
    """One line per recorded run, oldest first."""
    from ai_race_tables import storage

    _existing(data_dir, "_runs")
    runs = storage.load_table("_runs", data_dir).sort_values("started_at")
    return pd.DataFrame({
        "run id": runs["run_id"],
        "started (UTC)": runs["started_at"],
        "kind": [_kind(r) for r in runs.to_dict("records")],
        "read": runs["n_articles_read"],
        "extracted": runs["n_articles_extracted"],
        "rows written": [_rows_written(r) for r in runs.to_dict("records")],
        "rejected": runs["n_inputs_rejected"] + runs["n_rows_rejected"],
        "seconds": (runs["finished_at"] - runs["started_at"]).dt.total_seconds().round(1),
        "sources": [_sources(r) for r in runs.to_dict("records")],
    })


def _kind(run: dict) -> str:
    kind = run.get("kind")
    return kind if isinstance(kind, str) else ("backfill" if run["command"] == "backfill" else "ad hoc")


def _rows_written(run: dict):
    written = run.get("rows_written")
    return sum(json.loads(written).values()) if isinstance(written, str) else None


def _sources(run: dict) -> str:
    params = json.loads(run["parameters"] or "{}")
    if params.get("since"):
        return f"landed {params['since']} to {params.get('until') or 'now'}"
    return ", ".join(params.get("sources") or [])


def _table_versions(data_dir: str, table: str) -> pd.DataFrame:
    """One line per version of a table: when, which run, what operation, how many rows."""
    dt = _existing(data_dir, table)
    committed_by = _committing_runs(data_dir, table)
    lines = []
    for commit in sorted(dt.history(), key=lambda c: c["version"]):
        metrics = commit.get("operationMetrics") or {}
        lines.append({"version": commit["version"],
                      "committed (UTC)": pd.Timestamp(commit["timestamp"], unit="ms", tz="UTC"),
                      "run id": committed_by.get(commit["version"]),
                      "operation": _operation(commit),
                      "rows added": metrics.get("num_added_rows"),
                      "rows removed": metrics.get("num_deleted_rows", metrics.get("num_removed_rows"))})
    return pd.DataFrame(lines)


def _committing_runs(data_dir: str, table: str) -> dict[int, str]:
    """Version -> the run that published it: the first recorded run whose snapshot holds it."""
    from ai_race_tables import storage

    if storage.open_table(data_dir, "_runs") is None:
        return {}
    runs = storage.load_table("_runs", data_dir).sort_values("started_at")
    by_version: dict[int, str] = {}
    for run_id, versions in zip(runs["run_id"], runs["table_versions"]):
        version = json.loads(versions or "{}").get(table)
        if version is not None:
            by_version.setdefault(int(version), run_id)
    return by_version


def _operation(commit: dict) -> str:
    """A commit's operation in words (a replacement's predicate lists article ids: counted, not shown)."""
    params = commit.get("operationParameters") or {}
    operation = commit.get("operation", "?")
    if operation == "WRITE":
        predicate = params.get("predicate")
        if predicate:
            return f"replace rows of {str(predicate).count(',') + 1} articles"
        if commit["version"] == 0 and not (commit.get("operationMetrics") or {}).get("num_added_rows"):
            return "create"
        return {"Append": "append", "Overwrite": "overwrite all"}.get(params.get("mode"), "write")
    return {"CREATE TABLE": "create", "OPTIMIZE": "compact", "VACUUM START": "vacuum start",
            "VACUUM END": "vacuum end"}.get(operation, operation.lower())
