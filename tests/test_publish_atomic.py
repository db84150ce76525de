"""Publishing never loses rows: bad batch sizes, quarantined articles, failed commits and damaged
stores leave every table, plain file and snapshot as the last complete run left them."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ai_race_tables import plain, storage
from transforms.rows import FACT_TABLES, TABLES

ROOT = Path(__file__).resolve().parent.parent
STORY = ("{company} raised ${amount} million in a Series A round led by Sequoia Capital, it said on Monday. "
         "US data centre electricity demand will reach {twh} TWh by 2030, analysts said. "
         "Its chief executive, Mara Lindqvist, said Nvidia chips were scarce.\n")


@pytest.fixture(scope="module")
def first_run(prefect_server, tmp_path_factory):
    """A data dir after one complete run over three articles."""
    from flows.pipeline import pipeline

    first = tmp_path_factory.mktemp("first")
    (first / "seed.txt").write_text((ROOT / "seeds" / "articles" / "seed-ai-race.txt").read_text())
    for i, company in enumerate(["Lumora Robotics Inc", "Qilin Compute Ltd"]):
        (first / f"story-{i}.txt").write_text(STORY.format(company=company, amount=5 + i, twh=400 + i))
    data_dir = first.parent / "first-data"
    assert pipeline(sources=[str(first)], data_dir=str(data_dir)).blocked is None
    return data_dir, first


@pytest.fixture()
def published(first_run, tmp_path):
    """A copy of the first run's data dir, and a folder with one more article."""
    data_dir, first = first_run
    shutil.copytree(data_dir, tmp_path / "data")
    more = tmp_path / "more"
    more.mkdir()
    (more / "story-2.txt").write_text(STORY.format(company="Arden Grid Co", amount=9, twh=420))
    return tmp_path / "data", first, more


def state(data_dir: Path) -> dict:
    """What readers see: every table's latest rows (Delta and plain file), the snapshot and the
    bookkeeping of complete runs."""
    def rows(table) -> list:
        return sorted(json.dumps(r, sort_keys=True, default=str) for r in table.to_pylist())

    out = {}
    for table in TABLES:
        out[table] = rows(storage.load_table(table, data_dir, arrow=True))
        out[f"{table}.parquet"] = rows(pq.read_table(plain.plain_uri(data_dir, table)))
        assert out[table] == out[f"{table}.parquet"], table
    out["snapshot"] = {t: rows(f) for t, f in storage.load_snapshot(data_dir=data_dir, arrow=True).items()}
    out["_runs"] = len(storage.load_table("_runs", data_dir))
    out["_extractions"] = rows(storage.load_table("_extractions", data_dir, arrow=True))
    return out


def test_a_batch_size_below_one_is_refused_and_loses_nothing(published):
    from flows.pipeline import pipeline

    data_dir, first, more = published
    before = state(data_dir)
    for batch_size in (-5, 0):
        with pytest.raises(ValueError, match="batch.size"):
            pipeline(data_dir=str(data_dir), since="2000-01-01", batch_size=batch_size)
        with pytest.raises(ValueError, match="batch.size"):
            pipeline(sources=[str(more)], data_dir=str(data_dir), batch_size=batch_size)
    assert state(data_dir) == before
    summary = pipeline(sources=[str(more)], data_dir=str(data_dir))  # not marked extracted: done now
    assert summary.articles_extracted == 1
    assert len(storage.load_table("articles", data_dir)) == 4


def test_publish_refuses_to_replace_articles_this_run_did_not_extract(published):
    from flows import publishing

    data_dir, _, _ = published
    before = state(data_dir)
    empty = {t: storage.arrow_schema(TABLES[t][0]).empty_table() for t in TABLES}
    ids = storage.load_table("articles", data_dir)["article_id"].tolist()
    with pytest.raises(ValueError, match="refusing to publish"):
        with publishing.all_or_nothing(str(data_dir)):
            publishing.publish(str(data_dir), empty, ids, "r" * 16, "v", [])
    assert state(data_dir) == before


def test_a_quarantined_article_takes_all_its_rows_and_is_tried_again_by_a_later_version(published):
    from flows import publishing
    from flows.pipeline import pipeline

    data_dir, first, more = published
    before = state(data_dir)
    (more / "old.md").write_text("---\ntitle: An old story\npublished_at: 1985-06-01\n---\n" + STORY.format(
        company="Corvale Systems Inc", amount=3, twh=390) + "Lumora Robotics Inc shares rose.\n")
    summary = pipeline(sources=[str(more / "old.md")], data_dir=str(data_dir))
    assert summary.blocked is None and summary.articles_quarantined == 1 and summary.articles_extracted == 0
    after = state(data_dir)
    assert {t: after[t] for t in TABLES} == {t: before[t] for t in TABLES}  # companies keep their counts
    rejected = storage.load_table("_rejected", data_dir)
    withheld = rejected[rejected["table"] == "article"]
    assert len(withheld) == 1 and "published_at" in withheld["reason"].iloc[0]
    article_id = withheld["row"].iloc[0]
    for table in ("articles", *FACT_TABLES):
        assert article_id not in set(storage.load_table(table, data_dir)["article_id"])
    assert article_id not in set(storage.load_table("_extractions", data_dir)["article_id"])

    assert publishing.pending(str(data_dir), [article_id], summary_version(data_dir)) == []
    assert publishing.pending(str(data_dir), [article_id], "a-later-version") == [article_id]


def summary_version(data_dir: Path) -> str:
    return storage.load_table("_runs", data_dir).sort_values("finished_at")["extractor_version"].iloc[-1]


def _fail_on(monkeypatch, module, name: str, table: str):
    real = getattr(module, name)

    def failing(data_dir, which, *args, **kwargs):
        if which == table:  # as a read-only folder fails (root may write to any folder)
            with storage.guarded(data_dir, which):
                raise PermissionError(13, "Permission denied", f"{data_dir}/processed/{table}")
        return real(data_dir, which, *args, **kwargs)

    monkeypatch.setattr(module, name, failing)


def test_a_publish_failing_part_way_leaves_everything_as_the_last_complete_run(published, monkeypatch):
    from flows.pipeline import pipeline

    data_dir, _, more = published
    before = state(data_dir)
    for module, name, table in [
        (storage, "replace_articles", "forecasts"),  # after articles, mentions, people and funding committed
        (storage, "replace_articles", "_extractions"),  # after every published table committed
        (plain, "stage_plain", "funding"),  # after every Delta commit, some plain files written
    ]:
        _fail_on(monkeypatch, module, name, table)
        summary = pipeline(sources=[str(more)], data_dir=str(data_dir))
        assert summary.blocked and table in summary.blocked and "writable" in summary.blocked
        assert state(data_dir) == before, table
        monkeypatch.undo()
    assert pipeline(sources=[str(more)], data_dir=str(data_dir)).articles_extracted == 1
    assert "Arden Grid Co" in set(storage.load_table("funding", data_dir)["company"])


def _data_file(data_dir: Path, table: str) -> Path:
    return Path(storage.open_table(data_dir, table).file_uris()[0])


def _truncate_log(data_dir: Path, table: str) -> None:
    log = sorted((Path(storage.table_uri(data_dir, table)) / "_delta_log").glob("*.json"))[-1]
    log.write_text(log.read_text()[:40])


@pytest.mark.parametrize("damage, table", [
    (lambda d: _data_file(d, "funding").unlink(), "funding"),
    (lambda d: _truncate_log(d, "people"), "people"),
])
def test_a_damaged_store_is_a_one_line_error_naming_the_table(published, capfd, damage, table):
    from flows.__main__ import main

    data_dir, _, more = published
    versions = {t: storage.version_of(data_dir, t) for t in TABLES if t != table}
    damage(data_dir)
    capfd.readouterr()
    assert main(["run", "--source", str(more), "--data-dir", str(data_dir)]) == 1
    err = capfd.readouterr().err
    errors = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and f"table {table}" in errors[0] and "backfill" in errors[0], err[-2000:]
    assert "Traceback" not in err
    assert {t: storage.version_of(data_dir, t) for t in TABLES if t != table} == versions
