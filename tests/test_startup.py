"""A run's fixed cost: the wait for a temporary Prefect server is reported apart from its stages."""
from __future__ import annotations

from flows.cli_run import run_block
from flows.pipeline import RunSummary


def test_run_block_reports_the_server_wait_apart_from_the_stages(tmp_path):
    summary = RunSummary("abc123", seconds={"land": 0.1, "extract": 0.5, "validate": 1.2, "publish": 0.2})
    block = run_block(summary, str(tmp_path), server_seconds=14.2)
    line = next(line for line in block.splitlines() if "seconds:" in line)
    assert "land 0.1, extract 0.5, validate 1.2, publish 0.2" in line
    assert "14.2 waiting for a temporary Prefect server" in line
    assert "waiting" not in run_block(summary, str(tmp_path))


def test_the_extractors_load_beside_the_server_only_when_this_process_extracts(monkeypatch):
    from flows import pipeline

    loaded = []
    monkeypatch.setattr(pipeline, "load_extractors", lambda: loaded.append(True))
    pipeline._warm_up(None, extracts_here=False)  # workers elsewhere: the model would only hold memory
    assert loaded == []
    pipeline._warm_up(None, extracts_here=True)
    assert loaded == [True]


def test_runs_on_the_temporary_server_send_no_heartbeats_others_do():
    from prefect.settings import PREFECT_API_URL, get_current_settings, temporary_settings

    from flows.pipeline import ad_hoc_settings

    with temporary_settings(restore_defaults={PREFECT_API_URL}):  # no server configured: a temporary one
        with ad_hoc_settings():
            assert get_current_settings().flows.heartbeat_frequency is None
    configured = get_current_settings().flows.heartbeat_frequency
    assert configured is not None
    with temporary_settings(updates={PREFECT_API_URL: "http://127.0.0.1:4200/api"}):
        with ad_hoc_settings():
            assert get_current_settings().flows.heartbeat_frequency == configured
