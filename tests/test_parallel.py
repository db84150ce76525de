"""Extraction on a local Dask cluster gives the same tables as in-process extraction."""
from __future__ import annotations

from test_flow import snapshot

from flows.pipeline import pipeline, with_workers


def test_dask_cluster_extraction_matches_in_process(prefect_server, tmp_path):
    sources = ["seeds/articles"]
    pipeline(sources=sources, data_dir=str(tmp_path / "local"))
    summary = with_workers(2)(sources=sources, data_dir=str(tmp_path / "dask"), batch_size=1)
    assert summary.blocked is None and summary.articles_extracted == 1
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "local")
