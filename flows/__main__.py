"""Command line: python -m flows COMMAND [options]; `python -m flows COMMAND --help` for each.

Options are checked before anything is read or written; every failure is one line on stderr
and a non-zero exit (2 for a bad option, 1 for a failed command); --debug adds the traceback.
"""
from __future__ import annotations

import argparse
import sys
import textwrap

from flows import cli_run, cli_show, parameters

EPILOG = """\
examples:
  python -m flows run --source seeds/articles --data-dir data
  python -m flows show funding --limit 10
  python -m flows history
"""


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors are one line: what is wrong and where the help is."""

    def error(self, message: str):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


class _Help(argparse.RawDescriptionHelpFormatter):
    def __init__(self, prog):
        super().__init__(prog, max_help_position=30, width=100)


def _checked(check):
    """An argparse type from a parameters check (ValueError -> a one-line usage error)."""
    def convert(value):
        try:
            return check(value)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from None
    convert.__name__ = check.__name__.replace("_", " ")
    return convert


def _command(commands, name: str, summary: str, examples: str) -> Parser:
    return commands.add_parser(name, help=summary, description=textwrap.fill(summary, 100), formatter_class=_Help,
                               epilog="examples:\n" + examples)


def _data_dir(command: Parser) -> None:
    command.add_argument("--data-dir", default="data", type=_checked(parameters.data_dir),
                         metavar="DIR", help="the data directory: a folder or s3://bucket/prefix (default: data)")


def _debug(command: Parser) -> None:
    command.add_argument("--debug", action="store_true", help="show the traceback of a failure")


def _sources(command: Parser) -> None:
    command.add_argument("--source", action="append", dest="sources", metavar="PATH_OR_URL",
                         type=_checked(lambda v: parameters.path(v, "--source")),
                         help="a file, a folder (read recursively) or an http(s) URL of a feed or page; "
                              f"repeat for several (default: {parameters.DEFAULT_SOURCE}/ of the current folder)")


def _extraction(command: Parser) -> None:
    command.add_argument("--workers", type=_checked(parameters.workers), default=1, metavar="N|auto",
                         help="extraction processes: a number (at most 4 per core) or 'auto', one per core "
                              "(default: 1, in-process)")
    command.add_argument("--dask-address", metavar="tcp://HOST:8786",
                         help="extract on this existing Dask scheduler instead (default: none)")
    command.add_argument("--batch-size", type=_checked(parameters.batch_size), default=parameters.BATCH_SIZE,
                         metavar="N", help=f"articles per extraction task, 1 to {parameters.MAX_BATCH_SIZE} "
                                           f"(default: {parameters.BATCH_SIZE})")


def _add_run(commands) -> None:
    run = _command(commands, "run", "ingest, extract, validate and publish", """\
  python -m flows run                                  # seeds/articles/ into data/
  python -m flows run --source news/ --source https://example.com/feed.xml --data-dir /srv/ai-race
  python -m flows run --source big-folder/ --workers auto""")
    _sources(run)
    _data_dir(run)
    _extraction(run)
    _debug(run)
    run.set_defaults(handler=cli_run.run)


def _add_backfill(commands) -> None:
    date = "a date or timestamp, e.g. 2026-01-31 or 2026-01-31T08:00:00+00:00 (UTC when no offset)"
    backfill = _command(commands, "backfill", "re-extract the articles already landed in DIR/raw/ whose "
                        "published (else landed) date is in the range, with the current extractor; "
                        "publishes one new version", """\
  python -m flows backfill --since 2026-01-01 --data-dir data
  python -m flows backfill --since 2026-01-01 --until 2026-01-31T12:00:00+08:00""")
    backfill.add_argument("--since", required=True, metavar="DATE",
                          type=_checked(lambda v: parameters.date(v, "--since")), help=f"first day: {date}")
    backfill.add_argument("--until", metavar="DATE", type=_checked(lambda v: parameters.date(v, "--until")),
                          help="last day, included whole when a bare date (default: no end)")
    _data_dir(backfill)
    _extraction(backfill)
    _debug(backfill)
    backfill.set_defaults(handler=cli_run.run)


def _add_serve(commands) -> None:
    serve = _command(commands, "serve", "serve the pipeline as a Prefect deployment that runs on a cron "
                     "schedule (needs PREFECT_API_URL for a long-lived server); stops with Ctrl-C", """\
  python -m flows serve                                # hourly, seeds/articles/ into data/
  python -m flows serve --cron "*/15 * * * *" --source /srv/inbox --data-dir /srv/ai-race""")
    serve.add_argument("--cron", default="0 * * * *", metavar="EXPR",
                       help="5-field cron expression, in UTC (default: '0 * * * *', hourly on the hour)")
    _sources(serve)
    _data_dir(serve)
    _debug(serve)
    serve.set_defaults(handler=cli_run.serve)


def _add_compact(commands) -> None:
    compact = _command(commands, "compact", "merge each table's small files, delete files unreferenced for "
                       "longer than the retention (versions older than that can no longer be read) and "
                       "prune validation results older than it", """\
  python -m flows compact
  python -m flows compact --retention-days 7 --data-dir /srv/ai-race""")
    compact.add_argument("--retention-days", type=_checked(cli_run.retention_days), default=30, metavar="N",
                         help="keep files and validation results of the last N days, N >= 7 "
                              "(Delta's minimum) (default: 30)")
    _data_dir(compact)
    _debug(compact)
    compact.set_defaults(handler=cli_run.compact)


def _add_report(commands) -> None:
    report = _command(commands, "report", "write the analyst report: one self-contained HTML file (charts and "
                      "tables, works offline) from the published tables", """\
  python -m flows report                               # data/ into data/reports/report.html
  python -m flows report --data-dir /srv/ai-race --out /tmp/report.html""")
    _data_dir(report)
    report.add_argument("--out", metavar="FILE", type=_checked(lambda v: parameters.path(v, "--out")),
                        help="where to write it (default: DIR/reports/report.html)")
    _debug(report)
    report.set_defaults(handler=_report)


def _report(args) -> int:
    from flows.report import write_report

    print(f"wrote {write_report(args.data_dir, args.out)}")
    return 0


def _parser() -> Parser:
    parser = Parser(prog="python -m flows", description=__doc__, epilog=EPILOG, formatter_class=_Help)
    parser.add_argument("--version", action=_Version, help="print the project's and the extractor's versions")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_run(commands)
    _add_backfill(commands)
    _add_serve(commands)
    cli_show.add_commands(commands, _command, _data_dir, _debug)
    _add_compact(commands)
    _add_report(commands)
    return parser


class _Version(argparse.Action):
    """--version: the project's and the extractor's versions (the latter hashes the code, so it is
    computed only when asked for)."""

    def __init__(self, option_strings, dest, **kwargs):
        super().__init__(option_strings, dest, nargs=0, default=argparse.SUPPRESS, **kwargs)

    def __call__(self, parser, namespace, values, option_string=None):
        from importlib.metadata import PackageNotFoundError, version

        from flows.reference import extractor_version

        try:
            project = version("ai-race-tables")
        except PackageNotFoundError:
            project = "(not installed)"
        print(f"ai-race-tables {project}, extractor {extractor_version()}")
        parser.exit(0)


def main(argv: list[str] | None = None) -> int:
    """Entry point; returns the exit status."""
    args = _parser().parse_args(argv)
    from flows import cli_errors

    with cli_errors.reported(debug=args.debug) as outcome:
        outcome.status = args.handler(args)
    return outcome.status


if __name__ == "__main__":
    sys.exit(main())
