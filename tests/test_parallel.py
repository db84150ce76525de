"""Extraction on a Dask cluster (local, or a scheduler and workers of their own) gives the same
tables as in-process extraction."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from test_flow import snapshot

from flows.pipeline import pipeline, with_workers

ROOT = Path(__file__).resolve().parent.parent


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


def test_batches_submitted_while_articles_land_give_in_process_rows(prefect_server, tmp_path, monkeypatch):
    """The workers are up before landing starts, so with one article a batch every batch is
    submitted from inside the land-files task run, as most are on a large run (Dask once failed
    to serialise that task's context with them)."""
    from flows import pipeline as flow_module

    class StartedFirst(flow_module.WorkerStart):
        def __init__(self, start):
            super().__init__(start)
            self.join()

    monkeypatch.setattr(flow_module, "WorkerStart", StartedFirst)
    corpus = _corpus(tmp_path)
    pipeline(sources=[str(corpus)], data_dir=str(tmp_path / "local"))
    summary = with_workers(2)(sources=[str(corpus)], data_dir=str(tmp_path / "dask"), batch_size=1, workers=2)
    assert summary.blocked is None and summary.articles_extracted == 4
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "local")


def test_workers_started_ahead_of_a_run_give_in_process_rows(prefect_server, tmp_path):
    """`flows run --workers N` starts its local cluster beside the Prefect server's start
    (start_workers): its workers hold the extractors before the run, which extracts on them."""
    from distributed import Client
    from prefect.settings import PREFECT_API_URL

    from flows import pipeline as flow_module
    from flows.extraction import reference

    corpus = _corpus(tmp_path)
    pipeline(sources=[str(corpus)], data_dir=str(tmp_path / "local"))
    flow_module.start_workers(2, PREFECT_API_URL.value())
    try:
        cluster = flow_module._STARTED[2]
        with Client(cluster) as client:
            assert list(client.run(lambda: reference.cache_info().currsize).values()) == [1, 1]
            # A worker is sent its next batch only once it is free (LOCAL_CLUSTER_CONFIG).
            assert client.run_on_scheduler(lambda dask_scheduler: dask_scheduler.WORKER_SATURATION) == 1.0
        flow = with_workers(2)
        assert flow.task_runner.address == cluster.scheduler_address
        summary = flow(sources=[str(corpus)], data_dir=str(tmp_path / "dask"), batch_size=1, workers=2)
        with Client(cluster) as client:  # the HTML reader (with lxml, about 16 MB) is left to landing
            assert list(client.run(lambda: "trafilatura" in sys.modules).values()) == [False, False]
    finally:
        flow_module._STARTED.pop(2).close()  # the other tests' runs start clusters of their own
    assert summary.blocked is None and summary.articles_extracted == 4
    assert snapshot(tmp_path / "dask") == snapshot(tmp_path / "local")


def _corpus(tmp_path: Path) -> Path:
    """The seed article and three short stories of our own."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    shutil.copy(ROOT / "seeds" / "articles" / "seed-ai-race.txt", corpus)
    for i, company in enumerate(["Lumora Robotics Inc", "Qilin Compute Ltd", "Arden Grid Co"]):
        (corpus / f"story-{i}.txt").write_text(
            f"{company} raised ${5 + i} million in a Series A round led by Sequoia Capital, it said on Monday. "
            f"US data centre electricity demand will reach {400 + i} TWh by 2030, analysts said.\n")
    return corpus


@pytest.fixture
def dask_cluster(prefect_server, tmp_path):
    """A Dask scheduler and two workers, each its own process on 127.0.0.1, as on a cluster: the
    workers import the project from its folder and report to the test's Prefect API."""
    from distributed import Client
    from prefect.settings import PREFECT_API_URL

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    address = f"tcp://127.0.0.1:{port}"
    dask = str(Path(sys.executable).with_name("dask"))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT)}
    logs = open(tmp_path / "dask.log", "wb")
    processes = [subprocess.Popen([dask, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                                   "--no-dashboard"], cwd=ROOT, env=env, stdout=logs, stderr=logs)]
    processes += [subprocess.Popen([dask, "worker", address, "--nworkers", "1", "--nthreads", "1",
                                    "--host", "127.0.0.1", "--no-dashboard"], cwd=ROOT, env=env,
                                   stdout=logs, stderr=logs) for _ in range(2)]
    try:
        with Client(address, timeout=60) as client:
            client.wait_for_workers(2, timeout=120)
        yield address
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=30)
        logs.close()


def test_separate_scheduler_and_workers_give_in_process_rows(dask_cluster, tmp_path):
    corpus = _corpus(tmp_path)
    pipeline(sources=[str(corpus)], data_dir=str(tmp_path / "local"))
    summary = with_workers(dask_address=dask_cluster)(sources=[str(corpus)], data_dir=str(tmp_path / "cluster"),
                                                      batch_size=1)
    assert summary.blocked is None and summary.articles_extracted == 4
    assert snapshot(tmp_path / "cluster") == snapshot(tmp_path / "local")
