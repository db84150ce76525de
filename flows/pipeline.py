"""The Prefect flow: land sources, extract in batches, validate, publish atomically."""
from __future__ import annotations

import json
import uuid
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pyarrow as pa
import py3langid
from prefect import flow, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

import storage
from flows import raw_zone, web
from flows.lock import publish_lock
from flows.bookkeeping import INTERNAL, ExtractionRow, RejectedRow, RunRow
from flows.reference import extractor_version, load_reference
from flows.sources import InputError, discover, parse_timestamp, read_file
from flows.validation import docs_index, validate_tables
from transforms.companies_table import aggregate_companies
from transforms.extract import ArticleText, ReferenceData, extract_article
from transforms.rows import FACT_TABLES, TABLES, ArticleRow
from transforms.text import count_words

BATCH_SIZE = 50


class PublishBlocked(Exception):
    """Validation failed a critical expectation: nothing is published."""


@dataclass
class RunSummary:
    """What a run did, for the log, the CLI and tests."""

    run_id: str
    articles_read: int = 0
    articles_extracted: int = 0
    rejected_inputs: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    rejected_rows: int = 0
    versions: dict[str, int | None] = field(default_factory=dict)
    blocked: str | None = None
    docs: str | None = None


@task(name="land-files", cache_policy=NO_CACHE)
def land_files(sources: list[str], data_dir: Path) -> tuple[list[str], list[str]]:
    """Land every article of file and folder sources once; ids in order and one-line rejections."""
    ids, rejected = [], []
    for source in sources:
        try:
            files = discover(source)
        except InputError as exc:
            rejected.append(str(exc))
            continue
        for entry in files:
            items = [entry] if isinstance(entry, InputError) else read_file(*entry)
            for item in items:
                if isinstance(item, InputError):
                    rejected.append(str(item))
                    continue
                raw_zone.land(data_dir, item)
                ids.append(item.article_id)
    return list(dict.fromkeys(ids)), rejected


def _transient(task, task_run, state) -> bool:
    """Retry only what may pass next time: timeouts, dropped connections, 5xx."""
    try:
        state.result()
    except web.TransientFetchError:
        return True
    except Exception:  # noqa: BLE001 - any other failure is final
        return False
    return False


@task(name="fetch", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=1),
      retry_condition_fn=_transient)
def fetch(url: str) -> web.Page:
    """One HTTP GET, retried with backoff on transient errors."""
    return web.fetch(url)


def land_urls(urls: list[str], data_dir: Path) -> tuple[list[str], list[str]]:
    """Land the articles of feed and page URLs; items already landed are not fetched again."""
    ids, rejected = [], []
    known = raw_zone.landed_urls(data_dir) if urls else {}
    for url in urls:
        try:
            page = fetch(url)
            items = web.feed_items(page)
            articles = [(None, page)] if items is None else items
        except (InputError, web.TransientFetchError) as exc:
            rejected.append(str(exc))
            continue
        for item in articles:
            if isinstance(item, web.FeedItem) and item.url in known:
                ids.append(known[item.url])
                continue
            try:
                article = web.article_from_page(fetch(item.url), item) if isinstance(item, web.FeedItem) \
                    else web.article_from_page(item[1])
            except (InputError, web.TransientFetchError) as exc:
                rejected.append(str(exc))
                continue
            raw_zone.land(data_dir, article)
            ids.append(article.article_id)
    return list(dict.fromkeys(ids)), rejected


def _article_row(record: dict) -> ArticleRow:
    text = record["text"]
    return ArticleRow(article_id=record["article_id"], source=record["source"], title=record["title"],
                      published_at=record["published_at"], ingested_at=record["fetched_at"],
                      n_chars=len(text), n_words=count_words(text),
                      language=py3langid.classify(text[:2000])[0])


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(ids: list[str], data_dir: Path, refs: ReferenceData, run_id: str,
                  version: str) -> dict[str, list]:
    """Rows of every table for a batch of landed articles."""
    out: dict[str, list] = {name: [] for name in ("articles", *FACT_TABLES)}
    for article_id in ids:
        record = raw_zone.read_record(data_dir, article_id)
        out["articles"].append(_article_row(record))
        rows = extract_article(ArticleText(article_id, record["text"], record["published_at"]), refs,
                               run_id=run_id, extractor_version=version)
        for table in FACT_TABLES:
            out[table].extend(getattr(rows, table))
    return out


def _frames(rows: dict[str, list]) -> dict[str, pd.DataFrame]:
    return {t: storage.to_arrow(rows[t], TABLES[t][0]).to_pandas() for t in rows}


def _current(data_dir: Path, table: str, replaced: list[str], new: pd.DataFrame) -> pd.DataFrame:
    """A table as it will be after this run replaces the rows of `replaced`."""
    arrow = storage.read_arrow(data_dir, table)
    old = arrow.to_pandas() if arrow is not None else new.iloc[:0]
    parts = [f for f in (old[~old["article_id"].isin(replaced)], new) if not f.empty]
    return pd.concat(parts, ignore_index=True) if parts else new


def _companies(data_dir: Path, frames: dict[str, pd.DataFrame], ids: list[str]) -> pd.DataFrame:
    """The companies table recomputed over all mentions after this run."""
    mentions = _current(data_dir, "company_mentions", ids, frames["company_mentions"])
    articles = _current(data_dir, "articles", ids, frames["articles"]).set_index("article_id")
    dates = articles["published_at"].fillna(articles["ingested_at"])
    rows = aggregate_companies(mentions, dates)
    return storage.to_arrow(rows, TABLES["companies"][0]).to_pandas()


def _reject_rows(frames: dict[str, pd.DataFrame], outcomes, run_id: str) -> list[RejectedRow]:
    """Drop rows failing row-level expectations from frames; the rejected rows."""
    rejected = []
    for table, outcome in outcomes.items():
        if not outcome.rejected:
            continue
        frame = frames[table].reset_index(drop=True)
        for index, reasons in outcome.rejected.items():
            rejected.append(RejectedRow(run_id=run_id, table=table,
                                        row=frame.iloc[index].to_json(date_format="iso"),
                                        expectation=reasons[0], reason="; ".join(reasons)))
        frames[table] = frame.drop(index=list(outcome.rejected)).reset_index(drop=True)
    return rejected


@task(name="validate", cache_policy=NO_CACHE)
def validate(frames: dict[str, pd.DataFrame], data_dir: Path):
    """One Great Expectations validation per table."""
    return validate_tables(frames, data_dir / "validation")


def _to_table(frame: pd.DataFrame, table: str):
    schema = storage.arrow_schema(TABLES[table][0])
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


def _ensure_tables(data_dir: Path) -> None:
    """Every table exists, with its columns, even before it has rows."""
    for table, (row_type, _) in TABLES.items():
        storage.ensure_table(data_dir, table, storage.arrow_schema(row_type))
    for name, row_type in INTERNAL.items():
        storage.ensure_table(data_dir, name, storage.arrow_schema(row_type))


@task(name="publish", cache_policy=NO_CACHE)
def publish(data_dir: Path, frames: dict[str, pd.DataFrame], ids: list[str], run_id: str,
            version: str, rejected: list[RejectedRow]) -> dict[str, int | None]:
    """One commit per changed table; the manifest row goes last, separately."""
    _ensure_tables(data_dir)
    if ids:
        for table in ("articles", *FACT_TABLES):
            storage.replace_articles(data_dir, table, _to_table(frames[table], table), ids)
        companies = _to_table(frames["companies"], "companies")
        if not storage.read_arrow(data_dir, "companies").equals(companies):
            storage.overwrite(data_dir, "companies", companies)
    if rejected:
        storage.append(data_dir, "_rejected", storage.to_arrow(rejected, RejectedRow))
    if ids:
        marks = [ExtractionRow(article_id=a, extractor_version=version, run_id=run_id) for a in ids]
        storage.replace_articles(data_dir, "_extractions", storage.to_arrow(marks, ExtractionRow), ids)
    return {table: storage.version_of(data_dir, table) for table in TABLES}


def _pending(data_dir: Path, ids: list[str], version: str) -> list[str]:
    """Articles not yet extracted by this extractor version in a run that completed
    (a run killed before its manifest row left work for this one)."""
    done = storage.read_arrow(data_dir, "_extractions")
    runs = storage.read_arrow(data_dir, "_runs", columns=["run_id"])
    if done is None or runs is None:
        return ids
    frame = done.to_pandas()
    complete = frame["run_id"].isin(set(runs.column("run_id").to_pylist()))
    current = set(frame.loc[complete & (frame["extractor_version"] == version), "article_id"])
    return [a for a in ids if a not in current]


def _in_range(data_dir: Path, since: datetime, until: datetime | None) -> list[str]:
    """Landed articles whose published (else landed) date falls in [since, until]."""
    chosen = []
    for article_id in raw_zone.landed_ids(data_dir):
        record = raw_zone.read_record(data_dir, article_id)
        when = record["published_at"] or record["fetched_at"]
        if when and when >= since and (until is None or when <= until):
            chosen.append(article_id)
    return chosen


def _record_run(root: Path, summary: RunSummary, started: datetime, version: str,
                sources: list[str] | None, since: str | None, until: str | None) -> None:
    """Append the run's manifest row: the last write of a run."""
    storage.append(root, "_runs", storage.to_arrow([RunRow(
        run_id=summary.run_id, started_at=started, finished_at=datetime.now(timezone.utc),
        command="backfill" if since else "run",
        parameters=json.dumps({"sources": sources, "since": since, "until": until}),
        extractor_version=version, n_articles_read=summary.articles_read,
        n_articles_extracted=summary.articles_extracted,
        n_inputs_rejected=len(summary.rejected_inputs), n_rows_rejected=summary.rejected_rows,
        table_versions=json.dumps(summary.versions))], RunRow))


def _log_summary(summary: RunSummary) -> None:
    logger = get_run_logger()
    logger.info("Articles read: %d, extracted: %d, inputs rejected: %d",
                summary.articles_read, summary.articles_extracted, len(summary.rejected_inputs))
    for reason in summary.rejected_inputs:
        logger.warning("Rejected input: %s", reason)
    logger.info("Rows per table: %s", ", ".join(f"{t}={n}" for t, n in summary.rows.items()))
    logger.info("Validation: %s; rows rejected: %d; data docs: %s",
                "BLOCKED - " + summary.blocked if summary.blocked else "passed",
                summary.rejected_rows, summary.docs)
    logger.info("Table versions: %s", ", ".join(f"{t}=v{v}" for t, v in summary.versions.items()))


@flow(name="ai-race-tables", log_prints=False)
def pipeline(sources: list[str] | None = None, data_dir: str = "data", since: str | None = None,
             until: str | None = None) -> RunSummary:
    """Ingest, extract, validate and publish; a backfill when `since` is given."""
    started = datetime.now(timezone.utc)
    root = Path(data_dir)
    run_id, version = uuid.uuid4().hex[:16], extractor_version()
    summary = RunSummary(run_id)
    logger = get_run_logger()
    if since is None:
        sources = sources or ["seeds/articles"]
        file_ids, file_rejects = land_files([s for s in sources if not web.is_url(s)], root)
        url_ids, url_rejects = land_urls([s for s in sources if web.is_url(s)], root)
        landed = list(dict.fromkeys(file_ids + url_ids))
        summary.rejected_inputs = file_rejects + url_rejects
        summary.articles_read = len(landed)
    with publish_lock(root, on_wait=logger.warning):
        if since is None:
            ids = _pending(root, landed, version)
        else:
            ids = _in_range(root, _utc(since), _utc(until, end=True) if until else None)
            summary.articles_read = len(ids)
        _extract_validate_publish(root, ids, summary, started, version, sources, since, until)
    _log_summary(summary)
    _report(summary)
    return summary


def _extract_validate_publish(root: Path, ids: list[str], summary: RunSummary, started: datetime,
                              version: str, sources, since, until) -> None:
    """The part of a run that must not interleave with another run on the same data dir."""
    run_id = summary.run_id
    if not ids:  # nothing new: no table version, but the run is still recorded
        _ensure_tables(root)
        if summary.rejected_inputs:
            storage.append(root, "_rejected", storage.to_arrow(_input_rejections(summary), RejectedRow))
        summary.versions = {t: storage.version_of(root, t) for t in TABLES}
        _record_run(root, summary, started, version, sources, since, until)
        return
    refs = load_reference()
    rows: dict[str, list] = {name: [] for name in ("articles", *FACT_TABLES)}
    for start in range(0, len(ids), BATCH_SIZE):
        for table, batch in extract_batch(ids[start:start + BATCH_SIZE], root, refs, run_id, version).items():
            rows[table].extend(batch)
    frames = _frames(rows)
    frames["companies"] = _companies(root, frames, ids)
    outcomes = validate(frames, root)
    summary.docs = str(docs_index(root / "validation"))
    blocked = [f"{t}: {o.critical[0]}" for t, o in outcomes.items() if o.blocked]
    if blocked:
        summary.blocked = f"validation failed, nothing published ({blocked[0]})"
        summary.versions = {t: storage.version_of(root, t) for t in TABLES}
        return
    rejected = _reject_rows(frames, outcomes, run_id)
    rejected += _input_rejections(summary)
    summary.articles_extracted = len(ids)
    summary.rows = {t: len(f) for t, f in frames.items()}
    summary.rejected_rows = sum(1 for r in rejected if r.table != "input")
    summary.versions = publish(root, frames, ids, run_id, version, rejected)
    _record_run(root, summary, started, version, sources, since, until)


def _input_rejections(summary: RunSummary) -> list[RejectedRow]:
    """Rejected inputs as rows of processed/_rejected ("NAME: reason")."""
    return [RejectedRow(run_id=summary.run_id, table="input", row=reason.split(": ", 1)[0],
                        expectation=None, reason=reason) for reason in summary.rejected_inputs]


def _report(summary: RunSummary) -> None:
    """A Prefect artifact per run: rows per table, rejected rows and inputs, validation outcome."""
    lines = [f"## Run {summary.run_id}", "",
             f"Validation: **{'blocked: ' + summary.blocked if summary.blocked else 'passed'}**", "",
             "| table | rows written | version |", "| --- | --- | --- |"]
    lines += [f"| {t} | {summary.rows.get(t, 0)} | {summary.versions.get(t)} |" for t in TABLES]
    lines += ["", f"Rows rejected by validation: {summary.rejected_rows}",
              f"Inputs rejected: {len(summary.rejected_inputs)}"]
    lines += [f"- {reason}" for reason in summary.rejected_inputs]
    create_markdown_artifact(markdown="\n".join(lines), key="run-summary",
                             description="Rows, rejections and validation of one pipeline run")


def scheduled_deployment(cron: str = "0 * * * *", sources: list[str] | None = None, data_dir: str = "data"):
    """The pipeline as a deployment that runs on a cron schedule with these sources."""
    return pipeline.to_deployment(name="scheduled", cron=cron,
                                  parameters={"sources": sources, "data_dir": data_dir})


def _utc(value: str, end: bool = False) -> datetime:
    """A CLI date as UTC; a bare date `until` covers that whole day."""
    stamp = parse_timestamp(value)
    if stamp is None:
        raise ValueError(f"not a date: {value!r}")
    if end and len(value.strip()) <= 10:
        stamp = stamp.replace(hour=23, minute=59, second=59, microsecond=999999)
    return stamp
