"""The whole flow on the seed: golden rows, idempotent re-runs, a blocked publish."""
from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from ai_race_tables import storage
from transforms.rows import TABLES

GOLDEN = Path(__file__).parent / "golden" / "seed_rows.json"
VOLATILE = {"run_id", "extractor_version", "ingested_at", "first_seen", "last_seen"}


def _plain(value):
    if hasattr(value, "tolist"):
        value = value.tolist()
    if value is None or (not isinstance(value, list) and pd.isna(value)):
        return None
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def snapshot(data_dir: Path) -> dict[str, list[dict]]:
    """Every published table as sorted plain rows, without run-specific columns."""
    out = {}
    for table in TABLES:
        frame = storage.load_table(table, data_dir)
        rows = [{k: _plain(v) for k, v in r.items() if k not in VOLATILE} for r in frame.to_dict("records")]
        out[table] = sorted(rows, key=lambda r: json.dumps(r, sort_keys=True, default=str))
    return out


@pytest.fixture(scope="module")
def seed_run(prefect_server, tmp_path_factory):
    from flows.pipeline import pipeline

    data_dir = tmp_path_factory.mktemp("seed-run")
    first = pipeline(sources=["seeds/articles"], data_dir=str(data_dir))
    return data_dir, first


def test_golden_rows_of_the_seed(seed_run):
    data_dir, summary = seed_run
    assert summary.blocked is None
    assert snapshot(data_dir) == json.loads(GOLDEN.read_text())


def test_all_tables_have_contract_columns(seed_run):
    data_dir, _ = seed_run
    for table, (row_type, _) in TABLES.items():
        assert storage.open_table(data_dir, table).schema().to_arrow().names == \
            storage.arrow_schema(row_type).names


def test_rerun_adds_no_rows_and_no_versions(seed_run):
    from flows.pipeline import pipeline

    data_dir, first = seed_run
    before = {t: storage.version_of(data_dir, t) for t in TABLES}
    second = pipeline(sources=["seeds/articles"], data_dir=str(data_dir))
    assert second.articles_extracted == 0
    assert {t: storage.version_of(data_dir, t) for t in TABLES} == before
    for table, (_, key) in TABLES.items():
        frame = storage.load_table(table, data_dir)
        assert len(frame) == len(frame.drop_duplicates(list(key)))
    runs = storage.load_table("_runs", data_dir)
    assert list(runs.sort_values("started_at")["run_id"]) == [first.run_id, second.run_id]


def test_validation_docs_are_built(seed_run):
    data_dir, _ = seed_run
    assert (data_dir / "validation" / "docs" / "index.html").is_file()


def test_every_run_writes_the_analyst_report(seed_run):
    data_dir, _ = seed_run
    page = (data_dir / "reports" / "report.html").read_text(encoding="utf-8")
    assert "Zhipu AI" in page and page.count("<svg") >= 3 and "http" not in page


def test_published_rows_read_back_with_the_dictionary_metadata(seed_run):
    data_dir, _ = seed_run
    field = storage.read_arrow(data_dir, "funding").schema.field("event_key")
    assert field.metadata[b"description"].startswith(b"Groups the reports")
