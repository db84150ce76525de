"""Command line: python -m flows run|backfill|serve|show."""
from __future__ import annotations

import argparse
import sys


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m flows", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="ingest, extract, validate and publish")
    run.add_argument("--source", action="append", dest="sources", metavar="PATH_OR_URL")
    run.add_argument("--data-dir", default="data")
    backfill = commands.add_parser("backfill", help="re-extract landed articles in a date range")
    backfill.add_argument("--since", required=True)
    backfill.add_argument("--until")
    backfill.add_argument("--data-dir", default="data")
    serve = commands.add_parser("serve", help="serve the flow as a scheduled Prefect deployment")
    serve.add_argument("--cron", default="0 * * * *")
    serve.add_argument("--source", action="append", dest="sources", metavar="PATH_OR_URL")
    serve.add_argument("--data-dir", default="data")
    show = commands.add_parser("show", help="print a table")
    show.add_argument("table")
    show.add_argument("--version", type=int)
    show.add_argument("--data-dir", default="data")
    return parser


def _run(args) -> int:
    from flows.pipeline import pipeline

    since = getattr(args, "since", None)
    summary = pipeline(sources=getattr(args, "sources", None), data_dir=args.data_dir,
                       since=since, until=getattr(args, "until", None))
    if summary.blocked:
        print(f"error: {summary.blocked}", file=sys.stderr)
        return 1
    return 0


def _show(args) -> int:
    import pandas as pd

    import storage

    if storage.open_table(args.data_dir, args.table) is None:
        print(f"error: no table {args.table!r} under {args.data_dir}/processed", file=sys.stderr)
        return 1
    frame = storage.load_table(args.table, args.data_dir, args.version)
    with pd.option_context("display.max_rows", 200, "display.max_columns", 20,
                           "display.width", 200, "display.max_colwidth", 40):
        print(frame.drop(columns=["evidence"], errors="ignore").to_string(index=False))
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
        return {"run": _run, "backfill": _run, "serve": _serve, "show": _show}[args.command](args)
    except (ValueError, OSError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
