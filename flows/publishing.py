"""Publishing: which articles need work, the companies table, rejected rows, and the commits."""
from __future__ import annotations

import json
from datetime import datetime, timezone

import pandas as pd
import pyarrow as pa
import pyarrow.compute  # noqa: F401  (pa.compute)
from prefect import task
from prefect.cache_policies import NO_CACHE

from ai_race_tables import storage
from flows import raw_zone
from flows.reference import company_facts
from flows.bookkeeping import INTERNAL, ExtractionRow, RejectedRow, RunRow
from transforms.companies_table import aggregate_companies
from transforms.funding_events import event_keys
from transforms.rows import FACT_TABLES, TABLES


def ensure_tables(data_dir: str) -> None:
    """Every table exists, with its columns, even before it has rows."""
    for table, (row_type, _) in TABLES.items():
        storage.ensure_table(data_dir, table, storage.arrow_schema(row_type))
    for name, row_type in INTERNAL.items():
        storage.ensure_table(data_dir, name, storage.arrow_schema(row_type))


def pending(data_dir: str, ids: list[str], version: str) -> list[str]:
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


def in_range(data_dir: str, since: datetime, until: datetime | None) -> list[str]:
    """Landed articles whose published (else landed) date falls in [since, until]."""
    chosen = []
    for article_id in raw_zone.landed_ids(data_dir):
        record = raw_zone.read_record(data_dir, article_id)
        when = record["published_at"] or record["fetched_at"]
        if when and when >= since and (until is None or when <= until):
            chosen.append(article_id)
    return chosen


def _after_run(data_dir: str, table: str, replaced: list[str], new: pa.Table, columns: list[str]) -> pd.DataFrame:
    """Some columns of a table as it will be once this run replaces the rows of `replaced`."""
    old = storage.read_arrow(data_dir, table, columns=columns)
    parts = [new.select(columns).to_pandas()]
    if old is not None:
        frame = old.to_pandas()
        parts.insert(0, frame[~frame["article_id"].isin(replaced)])
    return pd.concat([p for p in parts if len(p)] or parts[-1:], ignore_index=True)


def companies_table(data_dir: str, mentions: pa.Table, articles: pa.Table, ids: list[str]) -> pa.Table:
    """The companies table recomputed over all mentions after this run."""
    all_mentions = _after_run(data_dir, "company_mentions", ids, mentions,
                              ["article_id", "company_id", "name", "surface", "n_mentions", "country"])
    all_articles = _after_run(data_dir, "articles", ids, articles,
                              ["article_id", "published_at", "ingested_at"]).set_index("article_id")
    dates = all_articles["published_at"].fillna(all_articles["ingested_at"])
    return storage.to_arrow(aggregate_companies(all_mentions, dates, company_facts()), TABLES["companies"][0])


_EVENT_COLUMNS = ["funding_id", "article_id", "company_id", "event_type", "amount_usd", "event_date",
                  "event_date_precision", "published_at", "event_key"]


def funding_table(data_dir: str, funding: pa.Table, ids: list[str]) -> pa.Table:
    """This run's funding rows with event keys computed over the whole table after the run, plus
    every row of other articles whose event key that changes (they are rewritten too)."""
    schema = storage.arrow_schema(TABLES["funding"][0])
    old = storage.read_arrow(data_dir, "funding")
    old = None if old is None else _conformed(old, schema)
    kept = old.filter(pa.compute.invert(pa.compute.is_in(old["article_id"], pa.array(ids, pa.string())))) \
        if old is not None else schema.empty_table()
    both = pa.concat_tables([kept.select(_EVENT_COLUMNS), funding.select(_EVENT_COLUMNS)]).to_pandas()
    keys = event_keys(both).tolist()
    changed = {article for article, stored, key in zip(both["article_id"], both["event_key"], keys[:kept.num_rows])
               if stored != key}
    rekeyed = kept.filter(pa.compute.is_in(kept["article_id"], pa.array(sorted(changed), pa.string())))
    out = pa.concat_tables([rekeyed, funding.cast(schema)])
    key_of = dict(zip(both["funding_id"], keys))  # funding_id is the table's key
    column = pa.array([key_of[f] for f in out.column("funding_id").to_pylist()], pa.string())
    return out.set_column(out.schema.get_field_index("event_key"), schema.field("event_key"), column)


def _conformed(table: pa.Table, schema: pa.Schema) -> pa.Table:
    """A stored table in the current schema: columns added since it was written are null."""
    columns = [table.column(f.name).cast(f.type) if f.name in table.column_names
               else pa.nulls(table.num_rows, f.type) for f in schema]
    return pa.Table.from_arrays(columns, schema=schema)


def reject_rows(table: str, data: pa.Table, rejected: dict[int, list[str]], run_id: str) -> tuple[pa.Table, list[RejectedRow]]:
    """Drop the rows that failed row-level expectations; the kept rows and the rejects."""
    if not rejected:
        return data, []
    frame = data.to_pandas()
    rows = [RejectedRow(run_id=run_id, table=table, row=frame.iloc[i].to_json(date_format="iso"),
                        expectation=reasons[0], reason="; ".join(reasons)) for i, reasons in rejected.items()]
    keep = [i for i in range(len(frame)) if i not in rejected]
    return data.take(pa.array(keep, type=pa.int64())), rows


@task(name="publish", cache_policy=NO_CACHE)
def publish(data_dir: str, tables: dict[str, pa.Table], ids: list[str], run_id: str, version: str,
            rejected: list[RejectedRow]) -> dict[str, int | None]:
    """One commit per changed table, then the rejects and the extraction marks."""
    ensure_tables(data_dir)
    if ids:
        for table in ("articles", *FACT_TABLES):  # funding may rewrite other articles' event keys
            written = set(tables[table].column("article_id").to_pylist())
            storage.replace_articles(data_dir, table, tables[table], sorted(written | set(ids)))
        if not storage.read_arrow(data_dir, "companies").equals(tables["companies"]):
            storage.overwrite(data_dir, "companies", tables["companies"])
    if rejected:
        storage.append(data_dir, "_rejected", storage.to_arrow(rejected, RejectedRow))
    if ids:
        marks = [ExtractionRow(article_id=a, extractor_version=version, run_id=run_id) for a in ids]
        storage.replace_articles(data_dir, "_extractions", storage.to_arrow(marks, ExtractionRow), ids)
    return {table: storage.version_of(data_dir, table) for table in TABLES}


def record_run(data_dir: str, summary, started: datetime, version: str, parameters: dict) -> None:
    """Append the run's manifest row: the last write of a run."""
    storage.append(data_dir, "_runs", storage.to_arrow([RunRow(
        run_id=summary.run_id, started_at=started, finished_at=datetime.now(timezone.utc),
        command="backfill" if parameters.get("since") else "run", parameters=json.dumps(parameters),
        kind=summary.kind, flow_run_id=summary.flow_run_id, rows_written=json.dumps(summary.rows),
        extractor_version=version, n_articles_read=summary.articles_read,
        n_articles_extracted=summary.articles_extracted,
        n_inputs_rejected=len(summary.rejected_inputs), n_rows_rejected=summary.rejected_rows,
        table_versions=json.dumps(summary.versions))], RunRow))


def input_rejections(run_id: str, reasons: list[str]) -> list[RejectedRow]:
    """Rejected inputs as rows of processed/_rejected ("NAME: reason")."""
    return [RejectedRow(run_id=run_id, table="input", row=reason.split(": ", 1)[0], expectation=None,
                        reason=reason) for reason in reasons]
