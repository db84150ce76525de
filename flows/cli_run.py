"""The commands that run the pipeline (run, backfill, serve) or maintain its store (compact),
and the short block a run ends with on stdout: its id, where the tables are, what to do next."""
from __future__ import annotations

import shlex
import sys
from pathlib import Path

from flows import cli_errors, parameters

MIN_RETENTION_DAYS = 7  # delta-rs refuses to vacuum files younger than 168 hours


def run(args) -> int:
    """run and backfill: check every option, run the flow, print where its output is."""
    since, until = getattr(args, "since", None), getattr(args, "until", None)
    sources = parameters.check_run(getattr(args, "sources", None), args.data_dir, since, until,
                                   args.batch_size, args.workers)  # before Prefect starts: seconds saved
    from flows.pipeline import ad_hoc_settings, start_api, with_workers

    if not args.debug:
        cli_errors.quiet_tracebacks()
    waited = start_api(args.data_dir, extracts_here=args.workers <= 1 and not args.dask_address,
                       workers=1 if args.dask_address else args.workers)
    flow = with_workers(args.workers, args.dask_address)
    with ad_hoc_settings():
        summary = flow(sources=sources, data_dir=args.data_dir, since=since, until=until,
                       workers=args.workers, batch_size=args.batch_size)
    print(run_block(summary, args.data_dir, waited))
    if summary.blocked:
        raise RuntimeError(f"{summary.blocked}; see {summary.docs}" if summary.docs else summary.blocked)
    return 0


def run_block(summary, data_dir: str, server_seconds: float = 0.0) -> str:
    """What a user needs after a run: its id, its outcome, where every table is, what to try next;
    the wait for a temporary Prefect server apart from the run's own stages."""
    from ai_race_tables import storage
    from ai_race_tables.plain import plain_uri
    from flows.cli_show import row_count
    from transforms.rows import TABLES

    seconds = f"{summary.duration:.1f} s" if summary.duration is not None else "?"
    if summary.blocked:
        outcome = "FAILED, nothing published (the tables are as the last complete run left them)"
    elif summary.articles_extracted:
        outcome = f"{summary.articles_extracted} articles extracted"
    else:
        outcome = "nothing new: every article read was already extracted by this extractor"
    lines = [f"run {summary.run_id} ({summary.kind}, {seconds}): {outcome}",
             f"  articles read {summary.articles_read}, inputs rejected {len(summary.rejected_inputs)}, "
             f"rows rejected by validation {summary.rejected_rows}",
             "  seconds: " + ", ".join(f"{stage} {s:.1f}" for stage, s in summary.seconds.items())
             + (f"; before it, {server_seconds:.1f} waiting for a temporary Prefect server (set PREFECT_API_URL"
                " to a running one to skip this)" if server_seconds else ""),
             f"  {'table':<17}{'rows':>7}{'written':>9}  plain Parquet | Delta"]
    for table in TABLES:
        lines.append(f"  {table:<17}{row_count(data_dir, table):>7}{summary.rows.get(table, 0):>9}  "
                     f"{plain_uri(data_dir, table)} | {storage.table_uri(data_dir, table)}")
    report = Path(str(data_dir), "reports", "report.html")
    quoted = shlex.quote(str(data_dir))
    lines.append(f"report:    {report}" if report.is_file() else
                 f"report:    python -m flows report --data-dir {quoted}  (writes {report})")
    if summary.docs:
        lines.append(f"data docs: {summary.docs}")
    lines.append(f"next:      python -m flows show funding --data-dir {quoted}" if summary.articles_extracted
                 else f"next:      python -m flows history --data-dir {quoted}")
    return "\n".join(cli_errors.printable(line) for line in lines)


def serve(args) -> int:
    """Serve the scheduled deployment until interrupted; its parameters hold absolute paths."""
    parameters.cron(args.cron)
    parameters.sources(args.sources)  # a missing source fails now, not at the first scheduled run
    from prefect import serve as serve_deployments

    from flows.pipeline import scheduled_deployment

    if not args.debug:
        cli_errors.quiet_tracebacks()
    serve_deployments(scheduled_deployment(args.cron, args.sources, args.data_dir))
    return 0


def retention_days(value) -> int:
    """compact --retention-days: whole days, at least delta-rs's minimum of seven."""
    try:
        days = int(str(value).strip())
    except ValueError:
        raise ValueError(f"--retention-days {value!r}: not a whole number of days") from None
    if days < MIN_RETENTION_DAYS:
        raise ValueError(f"--retention-days {value}: must be at least {MIN_RETENTION_DAYS} "
                         "(Delta Lake refuses to vacuum files younger than 168 hours)")
    return days


def compact(args) -> int:
    """Compact and vacuum every table, then prune validation results past the retention."""
    from ai_race_tables import storage
    from flows.bookkeeping import INTERNAL
    from flows.lock import publish_lock
    from flows.pipeline import local_dir
    from flows.validation import prune_results
    from transforms.rows import TABLES

    tables = [t for t in (*TABLES, *INTERNAL) if storage.open_table(args.data_dir, t) is not None]
    if not tables:
        raise LookupError(f"--data-dir {args.data_dir}: no tables to compact; pass the --data-dir of a run")
    with publish_lock(local_dir(args.data_dir), on_wait=lambda message: print(message, file=sys.stderr)):
        for table in tables:  # never beside a publish: a run may roll tables back
            merged, vacuumed = storage.compact(args.data_dir, table, args.retention_days)
            print(f"{table}: {merged} files compacted, {vacuumed} files vacuumed")
    pruned = prune_results(local_dir(args.data_dir) / "validation", args.retention_days)
    print(f"validation: {pruned} results older than {args.retention_days} days pruned")
    return 0
