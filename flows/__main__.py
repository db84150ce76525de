"""Command line: python -m flows run|backfill|serve|show."""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest, extract, validate and publish")
    run.add_argument("--source", action="append", dest="sources", metavar="PATH_OR_URL")
    backfill = commands.add_parser("backfill", help="re-extract landed articles in a date range")
    backfill.add_argument("--since", required=True, type=_date)
    backfill.add_argument("--until", type=_date)
    for command in (run, backfill):
        command.add_argument("--data-dir", default="data")
        command.add_argument("--workers", type=_workers, default=1,
                             help="extraction processes: a number or 'auto' (one per core); default 1")
        command.add_argument("--dask-address", help="run extraction on this Dask scheduler (tcp://host:8786)")
        command.add_argument("--batch-size", type=int, help="articles per extraction task (default 250)")
    serve = commands.add_parser("serve", help="serve the flow as a scheduled Prefect deployment")
    serve.add_argument("--cron", default="0 * * * *")
    serve.add_argument("--source", action="append", dest="sources", metavar="PATH_OR_URL")
    serve.add_argument("--data-dir", default="data")
    show = commands.add_parser("show", help="print a table")
    show.add_argument("table")
    show.add_argument("--version", type=int)
    show.add_argument("--run", dest="run_id", metavar="RUN_ID")
    show.add_argument("--data-dir", default="data")
    history = commands.add_parser("history", help="list runs, or the versions of one table")
    history.add_argument("table", nargs="?")
    history.add_argument("--data-dir", default="data")
    compact = commands.add_parser("compact", help="compact small files and vacuum old ones")
    compact.add_argument("--retention-days", type=int, default=30)
    compact.add_argument("--data-dir", default="data")
    return parser


def _date(value: str) -> str:
    from flows.sources import parse_timestamp

    if parse_timestamp(value) is None:
        raise argparse.ArgumentTypeError(f"not a date: {value!r}")
    return value


def _workers(value: str) -> int:
    from flows.pipeline import cpu_count

    return cpu_count() if value == "auto" else int(value)


def _run(args) -> int:
    from pathlib import Path

    from flows.pipeline import with_workers
    from flows.web import is_url

    missing = [s for s in getattr(args, "sources", None) or [] if not is_url(s) and not Path(s).exists()]
    if missing:
        print(f"error: {missing[0]}: no such file or folder", file=sys.stderr)
        return 1

    flow = with_workers(args.workers, args.dask_address)
    batching = {"batch_size": args.batch_size} if args.batch_size else {}
    summary = flow(sources=getattr(args, "sources", None), data_dir=args.data_dir,
                   since=getattr(args, "since", None), until=getattr(args, "until", None),
                   workers=args.workers, **batching)
    if summary.blocked:
        print(f"error: {summary.blocked}", file=sys.stderr)
        return 1
    return 0


def _print(frame) -> None:
    import pandas as pd

    with pd.option_context("display.max_rows", 200, "display.max_columns", 20,
                           "display.width", 200, "display.max_colwidth", 40):
        print(frame.to_string(index=False) if len(frame) else "(no rows)")


def _require(data_dir: str, table: str) -> None:
    from ai_race_tables import storage

    if storage.open_table(data_dir, table) is None:
        raise LookupError(f"no table {table!r} under {data_dir}/processed")


def _show(args) -> int:
    from ai_race_tables import storage

    _require(args.data_dir, args.table)
    frame = storage.load_table(args.table, args.data_dir, version=args.version, run_id=args.run_id)
    _print(frame.drop(columns=["evidence"], errors="ignore"))
    return 0


def _history(args) -> int:
    from ai_race_tables import storage

    if args.table:
        _require(args.data_dir, args.table)
        _print(storage.history(args.data_dir, args.table))
        return 0
    _require(args.data_dir, "_runs")
    runs = storage.load_table("_runs", args.data_dir).sort_values("started_at")
    _print(runs[["run_id", "started_at", "command", "extractor_version", "n_articles_read",
                 "n_articles_extracted", "n_inputs_rejected", "n_rows_rejected"]])
    return 0


def _compact(args) -> int:
    from ai_race_tables import storage
    from transforms.rows import TABLES

    for table in (*TABLES, "_runs", "_extractions", "_rejected"):
        if storage.open_table(args.data_dir, table) is not None:
            merged, vacuumed = storage.compact(args.data_dir, table, args.retention_days)
            print(f"{table}: {merged} files compacted, {vacuumed} files vacuumed")
    return 0


def _serve(args) -> int:
    from prefect import serve

    from flows.pipeline import scheduled_deployment

    serve(scheduled_deployment(args.cron, args.sources, args.data_dir))
    return 0


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    try:
        commands = {"run": _run, "backfill": _run, "serve": _serve, "show": _show,
                    "history": _history, "compact": _compact}
        return commands[args.command](args)
    except (ValueError, OSError, LookupError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
