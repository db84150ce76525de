"""Extraction on a local Dask cluster gives the same tables as in-process extraction."""
from __future__ import annotations

from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from test_flow import snapshot

from flows.pipeline import pipeline, with_workers


def test_dask_cluster_extraction_matches_in_process(prefect_server, tmp_path):
    sources = ["seeds/articles"]
    pipeline(sources=sources, data_dir=str(tmp_path / "local"))
    state = with_workers(2)(sources=sources, data_dir=str(tmp_path / "dask"), batch_size=1, workers=2,
                            return_state=True)
    summary = state.result()
    assert summary.blocked is None and summary.articles_extracted == 1
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "local")
    # Workers report their task runs to the flow's own API, not to servers of their own.
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(flow_run_filter=FlowRunFilter(
            id=FlowRunFilterId(any_=[state.state_details.flow_run_id])))
    assert any(run.name.startswith("extract-batch") for run in runs)
