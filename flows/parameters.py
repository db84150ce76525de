"""Checks of a run's parameters, shared by the command line and the flow.

A deployment's parameters can be edited in the Prefect UI, so the flow checks them again:
a bad value fails the run before it reads or writes anything. Every error is one line that
names the input and says what to pass instead.
"""
from __future__ import annotations

from pathlib import Path

from flows import raw_zone, web
from datetime import datetime

# Articles per extraction task. Prefect costs about 0.3 CPU-s a task between the flow, the worker and
# the server (2,000 articles in batches of 100 took 5 CPU-s more than in batches of 500).
BATCH_SIZE = 500
DEFAULT_SOURCE = "seeds/articles"
MAX_BATCH_SIZE = 100_000  # articles per task: more only delays the first staged rows
WORKERS_PER_CORE = 4  # beyond this, extraction processes only compete for memory


def cpu_count() -> int:
    """Cores this process may use."""
    import os

    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def batch_size(value) -> int:
    """Articles per extraction task: a whole number from 1 to MAX_BATCH_SIZE."""
    number = _whole(value, "--batch-size")
    if not 1 <= number <= MAX_BATCH_SIZE:
        raise ValueError(f"--batch-size {value}: must be from 1 to {MAX_BATCH_SIZE} (default {BATCH_SIZE})")
    return number


def workers(value) -> int:
    """Extraction processes: 'auto' (one per core) or a whole number from 1 to 4 per core."""
    if str(value).strip().lower() == "auto":
        return cpu_count()
    number = _whole(value, "--workers")
    most = cpu_count() * WORKERS_PER_CORE
    if not 1 <= number <= most:
        raise ValueError(f"--workers {value}: must be 'auto' or from 1 to {most} "
                         f"({WORKERS_PER_CORE} per core on this machine's {cpu_count()})")
    return number


def _whole(value, option: str) -> int:
    try:
        return int(str(value).strip())
    except ValueError:
        raise ValueError(f"{option} {value!r}: not a whole number") from None


def date(value: str, option: str = "date") -> str:
    """A date or timestamp the pipeline can compare (ISO 8601 is safest); returned unchanged."""
    try:
        utc(value)
    except ValueError as exc:
        raise ValueError(f"{option}: {exc}") from None
    return value


def date_range(since: str | None, until: str | None) -> None:
    """--since must not be after --until."""
    if since is not None and until is not None and utc(since) > utc(until, end=True):
        raise ValueError(f"--since {since} is after --until {until}: pass the earlier date first")


def utc(value: str, end: bool = False) -> datetime:
    """A command-line date as UTC; a bare date as `end` (of a range) covers that whole day."""
    from flows.sources import parse_timestamp

    try:
        stamp = parse_timestamp(value)
    except (ValueError, OverflowError, TypeError):  # a date past the calendar's edges
        stamp = None
    if stamp is None:
        raise ValueError(f"not a date the pipeline can use: {value!r}; "
                         "pass e.g. 2026-01-31 or 2026-01-31T08:00:00+00:00")
    if end and len(value.strip()) <= 10:
        stamp = stamp.replace(hour=23, minute=59, second=59, microsecond=999999)
    return stamp


def path(value: str, option: str) -> str:
    """A non-empty path or URI (an empty one would mean the current folder or the root)."""
    if value is None or not str(value).strip():
        raise ValueError(f"{option} is empty: pass a folder or file, e.g. {option} ./data")
    return str(value)


def sources(values: list[str] | None) -> list[str]:
    """The sources of a run; the default seeds/articles when none are given. Every local one
    must exist: a missing source is an error, never an empty run."""
    if not values:
        if not Path(DEFAULT_SOURCE).exists():
            raise ValueError(f"no --source given and the default {DEFAULT_SOURCE}/ is not in "
                             f"{Path.cwd()}: pass --source PATH_OR_URL (or run from the project root)")
        return [DEFAULT_SOURCE]
    for value in values:
        path(value, "--source")
        if not web.is_url(value) and not Path(value).exists():
            raise ValueError(f"--source {value}: no such file or folder")
    return list(values)


def landed(data_dir: str) -> None:
    """A backfill needs articles landed by earlier runs in this data dir."""
    if next(iter(raw_zone.landed_ids(data_dir)), None) is None:
        raise ValueError(f"--data-dir {data_dir}: no landed articles (nothing under raw/); a backfill "
                         "re-extracts what earlier runs landed: pass the --data-dir of those runs")


def cron(value: str) -> str:
    """A five-field cron expression Prefect can schedule."""
    from prefect.client.schemas.schedules import CronSchedule

    try:
        CronSchedule(cron=value)
    except Exception:  # noqa: BLE001 - pydantic's error is pages long; the expression is what matters
        raise ValueError(f"--cron {value!r}: not a cron expression; pass five fields, e.g. '0 * * * *' "
                         "(hourly) or '*/15 * * * *'") from None
    return value


def absolute(value: str) -> str:
    """A local path made absolute (a deployment runs wherever its worker does); URIs unchanged."""
    if web.is_url(value) or raw_zone.is_remote(value):
        return value
    return str(Path(value).expanduser().resolve())


def data_dir(value: str) -> str:
    """A data directory: non-empty, and a folder (or not there yet) when local."""
    path(value, "--data-dir")
    if not raw_zone.is_remote(value) and Path(value).exists() and not Path(value).is_dir():
        raise ValueError(f"--data-dir {value}: is a file; pass a folder (it is created when missing)")
    return value


def check_run(sources_: list[str] | None, data_dir_: str, since: str | None, until: str | None,
              batch_size_: int, workers_: int) -> list[str]:
    """Every parameter of a run or backfill, checked; the sources to read (None for a backfill)."""
    data_dir(data_dir_)
    batch_size(batch_size_)
    workers(workers_)
    if since is None:
        if until is not None:
            raise ValueError("--until needs --since (a backfill's range starts at --since)")
        return sources(sources_)
    date(since, "--since")
    if until is not None:
        date(until, "--until")
    date_range(since, until)
    landed(data_dir_)
    return None
