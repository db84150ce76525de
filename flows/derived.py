"""What publishing derives from a run's rows as a whole: the funding event keys and the companies
table, worked out ahead on the Dask workers (idle once extraction is over) while this process
finishes validating the staged rows.

Both depend on which articles validation keeps, so the workers assume every article is kept,
as almost always, and their results are used only then; otherwise, or when a worker failed,
this process works them out itself.
"""
from __future__ import annotations

from pathlib import Path

import pyarrow as pa
from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import FlowRunContext

from flows import checking, publishing

DERIVED = ("funding", "companies")


@task(name="derive-ahead", cache_policy=NO_CACHE)
def derive(root: str, staging: Path, table: str) -> pa.Array | pa.Table:
    """funding: publishing.funding_keys; companies: publishing.companies_table; both over every
    staged row of the run."""
    articles = checking.kept_rows(staging, "articles", set())
    ids = articles.column("article_id").to_pylist()
    if table == "funding":
        return publishing.funding_keys(root, checking.kept_rows(staging, "funding", set()), ids)
    return publishing.companies_table(root, checking.kept_rows(staging, "company_mentions", set()), articles, ids)


class Ahead:
    """The derived tables, submitted to the flow's Dask workers when it has any (nothing is
    submitted on the in-process runner: the work would only compete with validation)."""

    def __init__(self, root: str, staging: Path):
        runner = FlowRunContext.get().task_runner
        on_dask = type(runner).__module__.startswith("prefect_dask")
        self._futures = {table: derive.submit(root, staging, table) for table in DERIVED} if on_dask else {}

    def result(self, table: str, all_kept: bool) -> pa.Array | pa.Table | None:
        """The worker's result for `table` when every article was kept and it succeeded, else None
        (the caller works it out). Waits for the worker either way: nothing runs on after the run."""
        future = self._futures.get(table)
        if future is None:
            return None
        future.wait()
        state = future.state
        if not state.is_completed():
            get_run_logger().warning("%s worked out in this process: the worker's attempt %s",
                                     table, state.message or state.name)
            return None
        return future.result() if all_kept else None
