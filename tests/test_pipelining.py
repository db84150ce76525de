"""Extraction starts while articles still land: each batch goes to the workers as soon as its
last article is in the raw zone, and batches are the same however landing is timed."""
from __future__ import annotations

from pathlib import Path

import pytest

from flows import pipeline
from flows.landing import land_files
from flows.raw_zone import read_record


class _Runner:
    """Stands in for extract_batch: records each submission with what had landed by then."""

    def __init__(self, landed: list[str]):
        self.landed, self.calls = landed, []

    def submit(self, ids, root, staging, batch, run_id, version):
        self.calls.append((list(ids), batch, len(self.landed)))
        return f"future-{batch}"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(7):
        (folder / f"story-{i}.txt").write_text(f"Story {i}: Lumora Robotics raised ${i + 1} million on Monday.\n")
    (folder / "story-7.txt").write_text("Story 0: Lumora Robotics raised $1 million on Monday.\n")  # a repeat
    return folder


def test_each_article_is_handed_on_once_it_has_landed(corpus, tmp_path):
    data_dir = str(tmp_path / "data")
    seen = []

    def landed(article_id):
        seen.append((article_id, read_record(data_dir, article_id)["article_id"]))  # already readable

    ids, rejected = land_files.fn([str(corpus)], data_dir, landed)
    assert rejected == [] and len(ids) == 7
    assert [a for a, _ in seen] == ids + [ids[0]]  # in landing order, the repeat too
    assert all(a == b for a, b in seen)


def test_a_full_batch_is_submitted_before_the_next_article_lands(corpus, tmp_path, monkeypatch):
    data_dir = str(tmp_path / "data")
    landed: list[str] = []
    runner = _Runner(landed)
    monkeypatch.setattr(pipeline, "extract_batch", runner)
    batches = pipeline.Batches(data_dir, tmp_path / "staging", "run", "v1", size=3)

    def on_landed(article_id):
        landed.append(article_id)
        batches.add(article_id)

    ids, _ = land_files.fn([str(corpus)], data_dir, on_landed)
    batches.submit()
    assert [(c[0], c[1]) for c in runner.calls] == [(ids[0:3], 0), (ids[3:6], 1), (ids[6:7], 2)]
    assert [c[2] for c in runner.calls[:2]] == [3, 6]  # while the others were still to land
    assert batches.ids == ids and batches.futures == ["future-0", "future-1", "future-2"]


def test_batches_are_the_articles_cut_in_order_without_repeats(tmp_path, monkeypatch):
    runner = _Runner([])
    monkeypatch.setattr(pipeline, "extract_batch", runner)
    batches = pipeline.Batches("data", tmp_path, "run", "v1", size=2)
    for article_id in ["a", "b", "a", "c", "b", "d", "e"]:
        batches.add(article_id)
    batches.submit()
    batches.submit()  # nothing left: no empty batch
    assert [c[0] for c in runner.calls] == [["a", "b"], ["c", "d"], ["e"]]
    assert [c[1] for c in runner.calls] == [0, 1, 2]


def test_a_failure_waits_for_the_submitted_batches(tmp_path, monkeypatch):
    waited = []
    monkeypatch.setattr(pipeline, "extract_batch", _Runner([]))
    monkeypatch.setattr(pipeline, "wait", waited.append)
    batches = pipeline.Batches("data", tmp_path, "run", "v1", size=1)
    with pytest.raises(OSError, match="disk full"):
        with batches.settled():
            batches.add("a")
            raise OSError("disk full")
    assert waited == [["future-0"]]


class _Start:
    """Stands in for WorkerStart: up once `up` is set, or when waited for."""

    def __init__(self):
        self.up, self.waited = False, False

    def ready(self, wait=False):
        self.waited |= wait
        return self.up or wait

    def join(self):
        self.waited = True


def test_batches_wait_for_the_workers_to_start_and_keep_their_order(tmp_path, monkeypatch):
    runner = _Runner([])
    monkeypatch.setattr(pipeline, "extract_batch", runner)
    start = _Start()
    batches = pipeline.Batches("data", tmp_path, "run", "v1", size=2, started=start)
    for article_id in "abcde":
        batches.add(article_id)
    assert runner.calls == []  # landing went on while the cluster started
    start.up = True
    batches.add("f")
    assert [c[0] for c in runner.calls] == [["a", "b"], ["c", "d"], ["e", "f"]]
    batches.add("g")
    batches.submit(last=True)
    assert [c[1] for c in runner.calls] == [0, 1, 2, 3] and runner.calls[-1][0] == ["g"]


def test_the_last_submission_waits_for_a_start_still_running(tmp_path, monkeypatch):
    runner = _Runner([])
    monkeypatch.setattr(pipeline, "extract_batch", runner)
    start = _Start()
    batches = pipeline.Batches("data", tmp_path, "run", "v1", size=10, started=start)
    batches.add("a")
    batches.submit()
    assert runner.calls == [] and not start.waited
    batches.submit(last=True)
    assert start.waited and [c[0] for c in runner.calls] == [["a"]]


def test_a_failed_worker_start_fails_the_run_in_its_own_thread():
    def fail():
        raise RuntimeError("Nanny failed to start")

    with pytest.raises(RuntimeError, match="Nanny failed"):
        pipeline.WorkerStart(fail).ready(wait=True)


def test_the_workers_start_in_the_flow_runs_context():
    from contextvars import ContextVar

    current = ContextVar("current", default="none")
    current.set("flow run")
    seen = []
    start = pipeline.WorkerStart(lambda: seen.append(current.get()))
    assert start.ready(wait=True) and seen == ["flow run"]
