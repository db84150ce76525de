"""Publishing: which articles need work, the companies table, quarantined articles, and the
commits, all or nothing across tables.

A run's commits become visible to readers one table at a time, so a run that fails part-way
restores every table it committed to its version before the run (roll_back), and a run killed
before it could do so is repaired by the next one (prepare): any table whose rows changed since
the last recorded run goes back to that run's version. Plain Parquet files follow the Delta
tables, and the run's _runs row is written last.
"""
from __future__ import annotations

import json
from contextlib import contextmanager
from datetime import datetime, timezone
from typing import Callable, Iterator

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ai_race_tables import layout, memory, plain, storage
from flows import raw_zone
from flows.reference import company_facts
from flows.bookkeeping import INTERNAL, ExtractionRow, RejectedRow, RunRow
from flows.staged_rows import Rows, as_rows, distinct
from transforms.companies_table import aggregate_companies
from transforms.funding_events import event_keys
from transforms.rows import FACT_TABLES, TABLES


BOOKKEEPING_WRITTEN = ("_extractions", "_rejected")  # bookkeeping a run writes before its _runs row
QUARANTINE = "article"  # the `table` of a _rejected row that withholds a whole article


def ensure_tables(data_dir: str) -> None:
    """Every table exists, with its columns, even before it has rows."""
    for table, (row_type, _) in TABLES.items():
        storage.ensure_table(data_dir, table, storage.arrow_schema(row_type))
    for name, row_type in INTERNAL.items():
        storage.ensure_table(data_dir, name, storage.arrow_schema(row_type))


def prepare(data_dir: str, warn: Callable[[str], None]) -> None:
    """Bring the data dir to its last complete run's state, in the current layout: move tables
    of the old layout, create missing tables, undo what a killed run committed, and write any
    missing plain file. Fails with a StoreError naming a damaged table before anything is written."""
    moved = layout.move_legacy_tables(data_dir, list(TABLES))
    if moved:
        warn(f"moved {len(moved)} Delta tables of {storage.processed_uri(data_dir)} into _delta/ "
             "(new layout: current rows in processed/TABLE.parquet, versions in processed/_delta/TABLE)")
    for table in (*TABLES, *INTERNAL):
        storage.check(data_dir, table)
    ensure_tables(data_dir)
    recorded = storage.recorded_versions(data_dir)
    restored = roll_back(data_dir, {t: 0 for t in (*TABLES, *BOOKKEEPING_WRITTEN)} if recorded is None else recorded)
    if restored:
        warn(f"restored {', '.join(restored)} to the last complete run's versions "
             "(a run was stopped while publishing; this run does its work again)")
    plain.remove_leftovers(data_dir)
    plain.write_plain(data_dir, [t for t in TABLES if not plain.exists(data_dir, t)])


def roll_back(data_dir: str, versions: dict[str, int | None]) -> list[str]:
    """Restore every table whose rows changed since its version in `versions` (None: the table's
    empty creation) and rewrite its plain file; the tables restored. Tables not named are left."""
    restored = []
    for table, version in versions.items():
        if table in (*TABLES, *BOOKKEEPING_WRITTEN) and storage.changed_since(data_dir, table, version or 0):
            storage.restore(data_dir, table, storage.same_rows_as(data_dir, table, version or 0))
            restored.append(table)
    plain.write_plain(data_dir, [t for t in restored if t in TABLES])
    return restored


@contextmanager
def all_or_nothing(data_dir: str) -> Iterator[None]:
    """On any failure inside, put every table (and plain file) back as it was on entry."""
    before = {t: storage.version_of(data_dir, t) for t in (*TABLES, *BOOKKEEPING_WRITTEN)}
    try:
        yield
    except BaseException as exc:
        try:
            roll_back(data_dir, before)
        except Exception as failed:  # the next run's prepare() restores what is left
            exc.add_note(f"rolling back failed too: {failed}")
        raise


def pending(data_dir: str, ids: list[str], version: str) -> list[str]:
    """Articles neither extracted nor quarantined by this extractor version in a run that
    completed (a run killed before its manifest row left work for this one)."""
    finished = done(data_dir, version)
    return [a for a in ids if a not in finished]


def done(data_dir: str, version: str) -> set[str]:
    """Articles extracted or quarantined by this extractor version in a run that completed."""
    runs = storage.read_arrow(data_dir, "_runs", columns=["run_id"])
    if runs is None:
        return set()
    complete = set(runs.column("run_id").to_pylist())
    finished = set()
    marks = storage.read_arrow(data_dir, "_extractions")
    if marks is not None:
        frame = marks.to_pandas()
        finished |= set(frame.loc[frame["run_id"].isin(complete) & (frame["extractor_version"] == version),
                                  "article_id"])
    rejected = storage.read_arrow(data_dir, "_rejected")
    if rejected is not None and "extractor_version" in rejected.column_names:
        frame = rejected.to_pandas()
        finished |= set(frame.loc[frame["run_id"].isin(complete) & (frame["table"] == QUARANTINE)
                                  & (frame["extractor_version"] == version), "row"])
    return finished


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


# Mentions aggregated as pandas at a time, a part of the companies. At 10,000 articles (142,000
# mentions) 30,000 took 0.83 CPU-s and 35 MB above the process's level; 100,000 took 1.1 and 52.
MENTIONS_AT_ONCE = 30_000


def companies_table(data_dir: str, mentions, articles: pa.Table, ids: list[str]) -> pa.Table:
    """The companies table recomputed over all mentions after this run (a table or Rows). Each
    company's row depends on its mentions alone, so they are aggregated a part of the companies
    at a time: all mentions of a large data dir as pandas took hundreds of MB."""
    all_mentions = _mentions_after_run(data_dir, ids, mentions)
    all_articles = _after_run(data_dir, "articles", ids, articles,
                              ["article_id", "published_at", "ingested_at"]).set_index("article_id")
    dates = all_articles["published_at"].fillna(all_articles["ingested_at"])
    parts = all_mentions.num_rows // MENTIONS_AT_ONCE + 1
    codes = pc.dictionary_encode(all_mentions.column("company_id")).combine_chunks().indices
    rows = []
    for part in range(parts):  # mentions without a company_id are no company's: left out, as by groupby
        chosen = all_mentions.filter(pc.equal(pc.remainder(codes, parts), part))
        rows += aggregate_companies(chosen.to_pandas(), dates, company_facts())
    return storage.to_arrow(sorted(rows, key=lambda row: row.company_id), TABLES["companies"][0])


_MENTION_COLUMNS = ["article_id", "company_id", "name", "surface", "n_mentions", "country"]


def _mentions_after_run(data_dir: str, replaced: list[str], new) -> pa.Table:
    """The company mentions (the columns companies are made of) once this run replaces the rows
    of `replaced`, as Arrow."""
    parts = [new.select(_MENTION_COLUMNS)]
    old = storage.read_arrow(data_dir, "company_mentions", columns=_MENTION_COLUMNS)
    if old is not None:
        old = old.filter(pc.invert(pc.is_in(old["article_id"], pa.array(replaced, pa.string()))))
        parts.insert(0, old.cast(parts[0].schema))
    return pa.concat_tables(parts)


_EVENT_COLUMNS = ["funding_id", "article_id", "company_id", "event_type", "amount_usd", "event_date",
                  "event_date_precision", "published_at", "event_key"]


def funding_table(data_dir: str, funding, ids: list[str]) -> Rows:
    """This run's funding rows (a table or Rows) with event keys computed over the whole table
    after the run, plus every row of other articles whose event key that changes (they are
    rewritten too); read a part at a time. The rows are grouped as Arrow, one raiser at a time
    as pandas: a large run's table is never whole in Python objects."""
    schema = storage.arrow_schema(TABLES["funding"][0])
    old = storage.read_arrow(data_dir, "funding")
    old = None if old is None else _conformed(old, schema)
    kept = old.filter(pc.invert(pc.is_in(old["article_id"], pa.array(ids, pa.string())))) \
        if old is not None else schema.empty_table()
    both = pa.concat_tables([kept.select(_EVENT_COLUMNS), funding.select(_EVENT_COLUMNS)])
    keys = _event_keys(both)
    kept_keys, run_keys = keys.slice(0, kept.num_rows), keys.slice(kept.num_rows)
    stored = both.column("event_key").slice(0, kept.num_rows)
    differs = pc.fill_null(pc.not_equal(stored, kept_keys), True)  # a null key differs
    changed = pc.unique(pc.filter(kept.column("article_id"), differs))
    again = pc.is_in(kept["article_id"], changed)
    rekeyed = _keyed(kept.filter(again), pc.filter(kept_keys, again))
    del both, old, kept

    def parts(columns: list[str] | None):  # every column: the rows are computed whole
        yield rekeyed
        # This run's rows come part after part in the order their keys were computed in: each
        # part's keys are the next slice (looking them up by funding_id built a hash table of the
        # whole table's ids for every part: most of a large run's publish time).
        done = 0
        for part in as_rows(funding).parts():
            yield _keyed(part, run_keys.slice(done, part.num_rows))
            done += part.num_rows

    return Rows(schema, parts)


def _keyed(part: pa.Table, keys: pa.Array) -> pa.Table:
    """Funding rows with these event keys, one a row."""
    index = part.schema.get_field_index("event_key")
    return part.set_column(index, part.schema.field(index), keys)


def _event_keys(funding: pa.Table) -> pa.Array:
    """event_keys() one raiser at a time, in row order: an event never spans raisers (rows without
    one are events of their own), and only one raiser's reports are Python objects at a time."""
    keys = np.empty(funding.num_rows, dtype=object)
    raisers = pc.dictionary_encode(funding.column("company_id")).combine_chunks()
    codes = raisers.indices.to_numpy(zero_copy_only=False)  # nulls: NaN
    for code in range(len(raisers.dictionary)):
        _keys_of(funding, np.flatnonzero(codes == code), keys)
    _keys_of(funding, np.flatnonzero(pc.is_null(raisers).to_numpy(zero_copy_only=False)), keys)
    return pa.array(keys, pa.string())


def _keys_of(funding: pa.Table, rows: np.ndarray, keys: np.ndarray) -> None:
    if len(rows):
        keys[rows] = event_keys(funding.take(rows).to_pandas()).to_numpy(dtype=object)


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


def withheld_rows(reasons: dict[str, str], run_id: str, version: str) -> list[RejectedRow]:
    """The _rejected rows of articles withheld whole (article_id -> why): one of their rows failed
    a row-level expectation, so all their rows leave every table."""
    return [RejectedRow(run_id=run_id, table=QUARANTINE, row=article_id, expectation=None,
                        reason=f"all rows withheld: {why}", extractor_version=version)
            for article_id, why in sorted(reasons.items())]


def check_staged(tables: dict[str, pa.Table | Rows], ids: list[str]) -> None:
    """Refuse to replace any article's rows unless this run extracted exactly these articles:
    one articles row per id being replaced, and no fact row of another article (but funding rows
    whose event keys this run changes)."""
    staged = tables["articles"].column("article_id").to_pylist()
    if sorted(staged) != sorted(set(ids)) or len(ids) != len(set(ids)):
        raise ValueError(f"refusing to publish: {len(ids)} articles to replace but {len(staged)} "
                         "extracted by this run; nothing was published")
    for table in FACT_TABLES:
        if table == "funding":  # may hold other articles' stored rows, whole, with new event keys
            continue
        stray = set(distinct(tables[table], "article_id")) - set(ids)
        if stray:
            raise ValueError(f"refusing to publish: {table} holds rows of {len(stray)} articles "
                             "this run did not extract; nothing was published")


def publish(data_dir: str, tables: dict[str, pa.Table | Rows], ids: list[str], run_id: str, version: str,
            rejected: list[RejectedRow]) -> dict[str, int | None]:
    """One commit per changed table, the rejects, the extraction marks of the published articles,
    then the plain files of the changed tables. Call inside all_or_nothing()."""
    check_staged(tables, ids)
    changed = []
    if ids:
        for table in ("articles", *FACT_TABLES):  # funding may rewrite other articles' event keys
            written = set(distinct(tables[table], "article_id"))
            storage.replace_articles(data_dir, table, tables[table], sorted(written | set(ids)))
            memory.hand_back()
        changed += ["articles", *FACT_TABLES]
        if not storage.read_arrow(data_dir, "companies").equals(tables["companies"]):
            storage.overwrite(data_dir, "companies", tables["companies"])
            changed.append("companies")
    if rejected:
        storage.append(data_dir, "_rejected", storage.to_arrow(rejected, RejectedRow))
    if ids:
        marks = [ExtractionRow(article_id=a, extractor_version=version, run_id=run_id) for a in ids]
        storage.replace_articles(data_dir, "_extractions", storage.to_arrow(marks, ExtractionRow), ids)
    plain.write_plain(data_dir, changed)  # only once every Delta commit succeeded
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
        table_versions=json.dumps({**summary.versions,
                                   **{t: storage.version_of(data_dir, t) for t in BOOKKEEPING_WRITTEN}}))],
        RunRow))


def input_rejections(run_id: str, reasons: list[str]) -> list[RejectedRow]:
    """Rejected inputs as rows of processed/_rejected ("NAME: reason")."""
    return [RejectedRow(run_id=run_id, table="input", row=reason.split(": ", 1)[0], expectation=None,
                        reason=reason) for reason in reasons]
