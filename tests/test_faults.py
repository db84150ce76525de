"""Fault injection: runs killed at every stage, and two runs at once on one data dir."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from ai_race_tables import plain, storage
from transforms.rows import FACT_TABLES, TABLES

ROOT = Path(__file__).resolve().parent.parent
# A child run; the first argument names a point at which it kills itself with SIGKILL.
CHILD = """
import json, os, signal, sys
sys.path.insert(0, {root!r})
from ai_race_tables import plain, storage
from flows import extraction, pipeline as flow, raw_zone

mode, data_dir, *sources = sys.argv[1:]
def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)
def after(function, count):
    calls = []
    def wrapper(*args, **kwargs):
        calls.append(1)
        if len(calls) > count:
            die()
        return function(*args, **kwargs)
    return wrapper
if mode == "landing":
    raw_zone.land = after(raw_zone.land, 1)
elif mode == "extracting":
    extraction.extract_article = die
elif mode == "publishing":
    storage.replace_articles = after(storage.replace_articles, 3)
elif mode == "plain-files":
    plain.stage_plain = after(plain.stage_plain, 3)
elif mode == "manifest":
    real_append = storage.append
    storage.append = lambda d, table, data: die() if table == "_runs" else real_append(d, table, data)
summary = flow.pipeline(sources=sources, data_dir=data_dir, batch_size=2)
print(json.dumps({{"extracted": summary.articles_extracted, "blocked": summary.blocked}}))
"""


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    """A few articles with funding, people and figures in them."""
    folder = tmp_path_factory.mktemp("corpus")
    seed = (ROOT / "seeds" / "articles" / "seed-ai-race.txt").read_text()
    (folder / "seed.txt").write_text(seed)
    for i, (company, amount) in enumerate([("Lumora Robotics Inc", 5), ("Qilin Compute Ltd", 7), ("Arden Grid Co", 9)]):
        (folder / f"story-{i}.txt").write_text(
            f"{company} raised ${amount} million in a Series A round led by Sequoia Capital, it said on "
            f"Monday. US data centre electricity demand will reach {400 + i} TWh by 2030, analysts said.\n")
    return folder


def _child(mode: str, data_dir: Path, *sources: str) -> subprocess.CompletedProcess:
    from prefect.settings import PREFECT_API_URL

    script = data_dir.parent / f"child-{mode}.py"
    script.write_text(CHILD.format(root=str(ROOT)))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, str(script), mode, str(data_dir), *sources], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=300)


def _assert_consistent(data_dir: Path) -> None:
    """Raw records whole, no duplicate keys, and the latest manifest row naming current versions."""
    for path in (data_dir / "raw").glob("*/*.json"):
        assert json.loads(path.read_text())["article_id"] == path.stem
    for table, (_, key) in TABLES.items():
        frame = storage.load_table(table, data_dir)
        assert len(frame) == len(frame.drop_duplicates(list(key))), table
    snapshot = storage.load_snapshot(data_dir=data_dir)
    assert set(snapshot) == set(TABLES)


def readers_view(data_dir: Path, plain_files: bool = True) -> dict[str, list[str]]:
    """Every table's rows as readers see them: the loader's latest, the snapshot and the plain file
    (asserted equal unless plain_files is False), as sorted JSON lines."""
    def rows(table) -> list[str]:
        return sorted(json.dumps(r, sort_keys=True, default=str) for r in table.to_pylist())

    snapshot = storage.load_snapshot(data_dir=data_dir, arrow=True)
    view = {}
    for table in TABLES:
        view[table] = rows(storage.load_table(table, data_dir, arrow=True))
        assert rows(snapshot[table]) == view[table], table
        if plain_files:
            assert rows(pq.read_table(plain.plain_uri(data_dir, table))) == view[table], table
    return view


@pytest.mark.parametrize("mode", ["landing", "extracting", "publishing", "plain-files", "manifest"])
def test_a_killed_run_leaves_a_consistent_store_and_the_next_run_finishes(prefect_server, corpus, tmp_path, mode):
    from flows.pipeline import pipeline

    data_dir = tmp_path / "data"
    pipeline(sources=[str(corpus / "seed.txt")], data_dir=str(data_dir))
    before = readers_view(data_dir)

    killed = _child(mode, data_dir, str(corpus))
    assert killed.returncode == -9, killed.stderr[-2000:]
    # The last complete run's view is unchanged. Killed between the plain files and its _runs row,
    # a run leaves plain files that already show all of its rows (the next run makes it official).
    assert readers_view(data_dir, plain_files=mode != "manifest") == before
    if mode == "manifest":
        articles = set(pq.read_table(plain.plain_uri(data_dir, "articles")).column("article_id").to_pylist())
        assert len(articles) == 4
        for table in FACT_TABLES:
            assert set(pq.read_table(plain.plain_uri(data_dir, table)).column("article_id").to_pylist()) <= articles

    summary = pipeline(sources=[str(corpus)], data_dir=str(data_dir))
    assert summary.blocked is None
    _assert_consistent(data_dir)
    readers_view(data_dir)
    for table in TABLES:  # the next run put back what the killed one had committed
        assert not storage.changed_since(data_dir, table, storage.recorded_versions(data_dir)[table])
    assert len(storage.load_table("articles", data_dir)) == 4
    assert set(storage.load_table("funding", data_dir)["company"]) >= {
        "Lumora Robotics Inc", "Qilin Compute Ltd", "Arden Grid Co"}


def test_two_runs_at_once_both_complete_without_losing_or_duplicating_rows(prefect_server, corpus, tmp_path):
    from prefect.settings import PREFECT_API_URL

    data_dir = tmp_path / "data"
    script = tmp_path / "child.py"
    script.write_text(CHILD.format(root=str(ROOT)))
    env = {**os.environ, "PREFECT_API_URL": PREFECT_API_URL.value(), "PYTHONPATH": str(ROOT)}
    runs = [subprocess.Popen([sys.executable, str(script), "none", str(data_dir), str(corpus / name)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for name in ("seed.txt", "story-0.txt")]
    results = [run.communicate(timeout=300) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], [err[-2000:] for _, err in results]
    _assert_consistent(data_dir)
    assert len(storage.load_table("articles", data_dir)) == 2
    assert len(storage.load_table("_runs", data_dir)) == 2
