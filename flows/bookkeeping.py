"""Internal tables beside the published ones: run manifest, extraction state, rejects."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, kw_only=True)
class RunRow:
    """One row of processed/_runs, written last: a run is visible once this row is."""

    run_id: str
    started_at: datetime
    finished_at: datetime
    command: str
    parameters: str  # JSON
    extractor_version: str
    n_articles_read: int
    n_articles_extracted: int
    n_inputs_rejected: int
    n_rows_rejected: int
    table_versions: str  # JSON {table: version}
    kind: str  # "ad hoc" | "scheduled" (by a deployment) | "backfill"
    flow_run_id: str | None  # the Prefect flow run, to find its logs and artifact
    rows_written: str  # JSON {table: rows written by this run}


@dataclass(frozen=True, kw_only=True)
class ExtractionRow:
    """processed/_extractions: which extractor version produced an article's rows."""

    article_id: str
    extractor_version: str
    run_id: str


@dataclass(frozen=True, kw_only=True)
class RejectedRow:
    """processed/_rejected: inputs and rows kept out of the published tables."""

    run_id: str
    table: str  # table name; "input" for a rejected input; "article" for a withheld article
    row: str  # the row as JSON, the input's name, or the withheld article's id
    expectation: str | None
    reason: str
    extractor_version: str | None = None  # of a withheld article: a later version tries it again


INTERNAL = {"_runs": RunRow, "_extractions": ExtractionRow, "_rejected": RejectedRow}
