"""The Prefect flow: land sources, extract in parallel batches, validate, publish atomically."""
from __future__ import annotations

import contextvars
import hashlib
import re
import shutil
import tempfile
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

from prefect import flow, get_run_logger, task
from prefect.logging import get_logger
from prefect.futures import as_completed, wait
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE

from ai_race_tables import memory, storage
from flows import checking, parameters, publishing, raw_zone, validation, web
from flows.bookkeeping import RejectedRow
from flows.extraction import STAGED, extract_batch, freeze_loaded, load_extractors, warm_up
from flows.landing import land_files, land_urls
from flows.lock import publish_lock
from flows.parameters import BATCH_SIZE, cpu_count
from flows.reference import extractor_version
from flows.validation import Validator, build_docs, docs_index, import_gx
from transforms.rows import TABLES

# A local cluster's upkeep, cut to what a run uses. Dask's statistical profiler samples each
# worker's stack every 10 ms, and its system monitor reads the processes' CPU, memory, file
# descriptors and the host's disk and network counters every 0.5 s, both for a dashboard the local
# cluster does not serve; each server's event-loop tick (20 ms), the nannies' memory checks (0.1 s)
# and the scheduler's work stealing (0.1 s: tasks without dependencies are queued on the scheduler
# anyway) add more. Together a few percent of a run's CPU, on the cores that extract. A worker is
# also sent its next batch only once it is free (Dask's default saturation of 1.1 sends a
# one-thread worker two): else one worker may still hold two batches when the other runs out.
LOCAL_CLUSTER_CONFIG = {
    "distributed.worker.profile.enabled": False, "distributed.worker.memory.monitor-interval": "1s",
    "distributed.admin.system-monitor.interval": "10s", "distributed.admin.system-monitor.disk": False,
    "distributed.admin.tick.interval": "1s", "distributed.scheduler.work-stealing": False,
    "distributed.scheduler.worker-saturation": 1.0}
SERVER_START_SECONDS = 180  # Prefect's default 20 s is too short on a busy 2-core machine


@dataclass
class RunSummary:
    """What a run did, for the log, the CLI and tests."""

    run_id: str
    articles_read: int = 0
    articles_extracted: int = 0
    rejected_inputs: list[str] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)
    rejected_rows: int = 0
    articles_quarantined: int = 0  # withheld whole: one of their rows failed validation
    versions: dict[str, int | None] = field(default_factory=dict)
    blocked: str | None = None
    docs: str | None = None
    seconds: dict[str, float] = field(default_factory=dict)  # per stage: land, extract, validate, publish, docs, report
    kind: str = "ad hoc"  # "ad hoc" | "scheduled" (by a deployment) | "backfill"
    flow_run_id: str | None = None
    data_dir: str | None = None
    sources: list[str] = field(default_factory=list)
    duration: float | None = None  # seconds from start to finish


@contextmanager
def _timed(summary: RunSummary, stage: str):
    start = time.perf_counter()
    yield
    summary.seconds[stage] = summary.seconds.get(stage, 0.0) + time.perf_counter() - start


@flow(name="ai-race-tables", log_prints=False)
def pipeline(sources: list[str] | None = None, data_dir: str = "data", since: str | None = None,
             until: str | None = None, batch_size: int = BATCH_SIZE, workers: int = 1) -> RunSummary:
    """Ingest, extract, validate and publish; a backfill when `since` is given. `workers` is how
    many processes the task runner extracts on (see with_workers)."""
    started = datetime.now(timezone.utc)
    sources = parameters.check_run(sources, data_dir, since, until, batch_size, workers)  # UI-edited too
    root = str(data_dir)  # tables and raw zone: a local path or an object-store URI
    local = local_dir(data_dir)  # validation results, staging and the lock: always on this machine
    summary = RunSummary(uuid.uuid4().hex[:16], kind=_kind(since), flow_run_id=_flow_run_id(),
                         data_dir=root, sources=list(sources or []))
    version = extractor_version()
    starting = WorkerStart(lambda: warm_up.map(range(workers))) if workers > 1 else None  # while articles land
    with publish_lock(local, on_wait=get_run_logger().warning):
        staging = local / "staging"
        shutil.rmtree(staging, ignore_errors=True)  # left by a killed run; this run owns the lock
        try:
            publishing.prepare(root, get_run_logger().warning)
            with publishing.all_or_nothing(root):
                batches = Batches(root, staging / summary.run_id, summary.run_id, version, batch_size, starting)
                with batches.settled():
                    if since is None:
                        _land(sources, root, summary, batches, publishing.done(root, version))
                    else:
                        for article_id in publishing.in_range(root, parameters.utc(since),
                                                              parameters.utc(until, end=True) if until else None):
                            batches.add(article_id)
                        summary.articles_read = len(batches.ids)
                    batches.submit(last=True)
                    if workers > 1:  # this process waits while workers extract: it imports GX meanwhile
                        threading.Thread(target=import_gx, daemon=True).start()
                    _process(root, local, batches, summary, version)
                if not summary.blocked:
                    publishing.record_run(root, summary, started, version,
                                          {"sources": sources, "since": since, "until": until})
            if summary.docs:  # after the publish: a run's tables do not wait for its pages
                with _timed(summary, "docs"):
                    build_docs(local / "validation")
        except storage.StoreError as exc:  # a damaged or unwritable store: one line, nothing published
            summary.blocked = f"{exc} (nothing was published)"
        finally:
            shutil.rmtree(staging, ignore_errors=True)
    with _timed(summary, "report"):
        _write_report(root)
    summary.duration = (datetime.now(timezone.utc) - started).total_seconds()
    _log_summary(summary)
    _report(summary)
    return summary


class WorkerStart:
    """The workers' start, in a thread beside landing: prefect-dask creates a local cluster when
    the first task is submitted and waits for its processes, seconds in which this process
    would otherwise land nothing. `start` submits the first tasks (warm_up: each worker loads
    the extractors)."""

    def __init__(self, start: Callable[[], object]):
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=contextvars.copy_context().run, args=(self._run, start),
                                        daemon=True)  # in this flow run's context
        self._thread.start()

    def _run(self, start: Callable[[], object]) -> None:
        try:
            start()
        except BaseException as exc:  # noqa: BLE001 - raised in the flow's thread by ready()
            self._error = exc

    def join(self) -> None:
        """Wait for the start to end, whether it failed or not."""
        self._thread.join()

    def ready(self, wait: bool = False) -> bool:
        """Whether tasks may be submitted now (waiting for the start if asked); a failed start
        raises its error."""
        if wait:
            self.join()
        if self._thread.is_alive():
            return False
        if self._error is not None:
            raise self._error
        return True


class Batches:
    """Extraction tasks submitted as their articles come: a batch of `size` articles is
    extracted as soon as its last article has landed (and the workers are up), while the next
    ones land. Each article is taken once, in the order it first came, so batches are the same
    however landing is timed."""

    def __init__(self, root: str, staging: Path, run_id: str, version: str, size: int,
                 started: WorkerStart | None = None):
        self.root, self.staging, self.run_id, self.version, self.size = root, staging, run_id, version, size
        self.ids: list[str] = []  # every article taken, in order
        self.futures: list = []
        self._started = started
        # Batches are submitted from inside the land-files task too: in the flow's own context,
        # so that each is the flow run's task (Dask would otherwise serialise the landing task's
        # context with it, this object included).
        self._context = contextvars.copy_context()
        self._taken: set[str] = set()
        self._waiting: list[str] = []
        self._full: list[list[str]] = []  # batches waiting for the workers to start

    def add(self, article_id: str) -> None:
        """Take an article (a repeat is ignored); a full batch goes to extraction."""
        if article_id in self._taken:
            return
        self._taken.add(article_id)
        self.ids.append(article_id)
        self._waiting.append(article_id)
        if len(self._waiting) >= self.size:
            self.submit()

    def submit(self, last: bool = False) -> None:
        """Send the articles taken since the last batch to extraction, if any, once the workers
        are up; the `last` call waits for them."""
        if self._waiting:
            self._full.append(self._waiting)
            self._waiting = []
        if self._started is None or self._started.ready(wait=last):
            for ids in self._full:
                self.futures.append(self._context.run(extract_batch.submit, ids, self.root, self.staging,
                                                      len(self.futures), self.run_id, self.version))
            self._full = []

    @contextmanager
    def settled(self):
        """On failure, wait for the workers' start and the submitted batches before going on:
        none may write to the staging folder once the run has removed it."""
        try:
            yield self
        except BaseException:
            if self._started is not None:
                self._started.join()
            wait(self.futures)
            raise


def _land(sources: list[str], root: str, summary: RunSummary, batches: Batches, done: set[str]) -> None:
    """Land the sources, handing each article not done yet by this extractor to extraction as
    soon as it has landed."""

    def landed(article_id: str) -> None:
        if article_id not in done:
            batches.add(article_id)

    with _timed(summary, "land"):  # extraction runs meanwhile
        file_ids, file_rejects = land_files([s for s in sources if not web.is_url(s)], root, landed)
        url_ids, url_rejects = land_urls([s for s in sources if web.is_url(s)], root)
    for article_id in url_ids:
        landed(article_id)
    summary.rejected_inputs = file_rejects + url_rejects
    summary.articles_read = len(dict.fromkeys(file_ids + url_ids))


def _process(root: str, local: Path, batches: Batches, summary: RunSummary, version: str) -> None:
    """Validate and publish the extracted articles (or record nothing new)."""
    if not batches.ids:  # nothing new: no table version, but the run is still recorded
        _publish_rejects_only(root, summary)
        return
    with _timed(summary, "extract"):  # validating the rows staged so far meanwhile
        checker = checking.StagedChecker(Validator.open(local / "validation"), batches.staging, STAGED,
                                         summary.run_id)
        _follow(batches.futures, checker)
    with _timed(summary, "validate"):
        tables, rejected = _validate(root, local, checker, summary, version)
    if summary.blocked:
        summary.versions = {t: storage.version_of(root, t) for t in TABLES}
        return
    kept = tables["articles"].column("article_id").to_pylist()  # quarantined articles left out
    summary.articles_extracted = len(kept)
    summary.rows = {t: tables[t].num_rows for t in TABLES}
    with _timed(summary, "publish"):
        rejected += publishing.input_rejections(summary.run_id, summary.rejected_inputs)
        summary.versions = publishing.publish(root, tables, kept, summary.run_id, version, rejected)


def _follow(futures, checker: checking.StagedChecker) -> None:
    """Hand each extraction batch to the checker as it is staged. A failed batch fails the run
    once no batch is running any more (none writes to the staging folder after it is removed)."""
    batch_of = {future.task_run_id: batch for batch, future in enumerate(futures)}
    try:
        for future in as_completed(futures):
            checker.staged(batch_of[future.task_run_id], future.result())
    except BaseException:
        wait(futures)
        raise


@task(name="validate", cache_policy=NO_CACHE)
def _validate_task(root: str, checker: checking.StagedChecker, run_id: str, version: str):
    """Great Expectations validation of this run's staged rows not validated yet (in chunks of
    rows). An article with a row failing a row-level check is withheld whole; funding event keys
    and companies are then computed from the kept rows (companies validated too)."""
    validator, staging = checker.validator, checker.staging
    checks = checker.finish()
    blocked = [f"{t}: {c.critical[0]}" for t, c in checks.items() if c.critical]
    rejected, reasons = [], {}
    for check in checks.values():
        rejected += check.rejected
        for article_id, why in check.withheld.items():
            reasons.setdefault(article_id, why)
    rejected += publishing.withheld_rows(reasons, run_id, version)
    tables = {table: checking.kept_rows(staging, table, set(reasons)) for table in STAGED}
    kept = tables["articles"].column("article_id").to_pylist()
    # Event keys group funding across articles, so they are set once the kept rows are known.
    tables["funding"] = publishing.funding_table(root, tables["funding"], kept)
    memory.hand_back()  # after each step over a whole table: the next would add its peak to it
    companies = publishing.companies_table(root, tables["company_mentions"], tables["articles"], kept)
    memory.hand_back()
    outcome = validator.validate("companies", companies.to_pandas(), run_id)
    blocked += [f"companies: {outcome.critical[0]}"] if outcome.blocked else []
    tables["companies"], rows = publishing.reject_rows("companies", companies, outcome.rejected, run_id)
    return tables, blocked, rejected + rows


def _validate(root: str, local: Path, checker: checking.StagedChecker, summary: RunSummary,
              version: str) -> tuple[dict, list]:
    tables, blocked, rejected = _validate_task(root, checker, summary.run_id, version)
    summary.docs = str(docs_index(local / "validation"))
    if blocked:
        summary.blocked = f"validation failed, nothing published ({blocked[0]})"
    summary.rejected_rows = sum(r.table != publishing.QUARANTINE for r in rejected)
    summary.articles_quarantined = sum(r.table == publishing.QUARANTINE for r in rejected)
    return tables, rejected


def _publish_rejects_only(root: str, summary: RunSummary) -> None:
    if summary.rejected_inputs:
        rows = publishing.input_rejections(summary.run_id, summary.rejected_inputs)
        storage.append(root, "_rejected", storage.to_arrow(rows, RejectedRow))
    summary.versions = {t: storage.version_of(root, t) for t in TABLES}


def _log_summary(summary: RunSummary) -> None:
    logger = get_run_logger()
    logger.info("Articles read: %d, extracted: %d, inputs rejected: %d",
                summary.articles_read, summary.articles_extracted, len(summary.rejected_inputs))
    for reason in summary.rejected_inputs:
        logger.warning("Rejected input: %s", reason)
    logger.info("Rows per table: %s", ", ".join(f"{t}={n}" for t, n in summary.rows.items()) or "none new")
    logger.info("Validation: %s; rows rejected: %d; articles withheld: %d; data docs: %s",
                "BLOCKED - " + summary.blocked if summary.blocked else "passed",
                summary.rejected_rows, summary.articles_quarantined, summary.docs)
    logger.info("Table versions: %s", ", ".join(f"{t}=v{v}" for t, v in summary.versions.items()))
    logger.info("Seconds per stage: %s", ", ".join(f"{k}={v:.2f}" for k, v in summary.seconds.items()))


def _kind(since: str | None) -> str:
    from prefect.runtime import deployment

    return "backfill" if since else "scheduled" if deployment.id else "ad hoc"


def _flow_run_id() -> str | None:
    from prefect.runtime import flow_run

    return str(flow_run.id) if flow_run.id else None


def _write_report(root: str) -> None:
    """DIR/reports/report.html from the tables as published now (also after a blocked run)."""
    from flows.report import write_report

    try:
        get_run_logger().info("Report: %s", write_report(root))
    except Exception as exc:  # noqa: BLE001 - the tables are published: a report failure must not fail the run
        get_run_logger().warning("Report not written: %s", exc)


def _report(summary: RunSummary) -> None:
    """A Prefect artifact per run, keyed by deployment (or ad hoc, backfill): where the data is,
    what was read, rows per table, rejections, validation and links to the report and Data Docs."""
    from prefect.runtime import deployment

    docs, report = _link(summary.docs), _link(local_dir(summary.data_dir) / "reports" / "report.html")
    lines = [f"## Run {summary.run_id} ({summary.kind})", "",
             f"Validation: **{'blocked: ' + summary.blocked if summary.blocked else 'passed'}**", "",
             f"- Data dir: `{summary.data_dir}`",
             f"- Sources: {', '.join(f'`{s}`' for s in summary.sources) or 'landed articles (backfill)'}",
             f"- Duration: {summary.duration:.1f} s",
             f"- Report: {report}", f"- Data Docs: {docs}", "",
             "| table | rows written | version |", "| --- | --- | --- |"]
    lines += [f"| {t} | {summary.rows.get(t, 0)} | {summary.versions.get(t)} |" for t in TABLES]
    lines += ["", f"Articles read: {summary.articles_read}, extracted: {summary.articles_extracted}",
              f"Rows rejected by validation: {summary.rejected_rows}",
              f"Inputs rejected: {len(summary.rejected_inputs)}"]
    lines += [f"- {reason}" for reason in summary.rejected_inputs]
    create_markdown_artifact(markdown="\n".join(lines), key=artifact_key(deployment.name, summary.kind),
                             description="Rows, rejections and validation of one pipeline run")


def artifact_key(deployment: str | None, kind: str) -> str:
    """The run-summary artifact's key: one per deployment, else per kind of run (Prefect allows
    lower-case letters, digits and dashes)."""
    name = re.sub(r"[^a-z0-9]+", "-", (deployment or kind).lower()).strip("-") or "run"
    return f"run-summary-{name}"


def _link(path) -> str:
    """A markdown link to a local file, or a note when it is not there (yet)."""
    if path is None or not Path(path).exists():
        return "not written" if path is None else f"`{path}` (not written)"
    return f"[{Path(path).name}]({Path(path).resolve().as_uri()})"


def with_workers(workers: int = 1, dask_address: str | None = None):
    """The flow on a task runner: in-process for one worker, else Dask (the scheduler at
    dask_address, the local cluster start_api started, or a local cluster of that many processes
    started by the run)."""
    if workers <= 1 and not dask_address:
        return pipeline
    from prefect_dask import DaskTaskRunner

    dask_address = dask_address or (_STARTED[workers].scheduler_address if workers in _STARTED else None)
    if dask_address:
        return pipeline.with_options(task_runner=DaskTaskRunner(address=dask_address))
    return pipeline.with_options(task_runner=DaskTaskRunner(cluster_kwargs=_cluster_kwargs(workers, _api_url())))


def _cluster_kwargs(workers: int, api_url: str) -> dict:
    """A local cluster's arguments, LOCAL_CLUSTER_CONFIG set first: in this process for its
    scheduler and nannies, and given whole to each worker."""
    import dask

    dask.config.set(LOCAL_CLUSTER_CONFIG)
    return {"n_workers": workers, "threads_per_worker": 1, "processes": True, "dashboard_address": None,
            "env": {"PREFECT_API_URL": api_url}, "config": dask.config.config}  # a worker's whole configuration


_STARTED: dict[int, object] = {}  # local clusters start_api started, by their number of workers


def start_workers(workers: int, api_url: str) -> None:
    """Start a local cluster of `workers` processes for this process's runs (with_workers uses
    it), each with the extractors loaded: seconds a run would otherwise spend before extracting,
    spent beside the Prefect server's start. It lasts as long as this process."""
    import atexit

    from distributed import Client, LocalCluster

    try:
        cluster = LocalCluster(**_cluster_kwargs(workers, api_url))
        atexit.register(cluster.close)
        with Client(cluster) as client:
            client.run(load_extractors)
    except Exception as exc:  # noqa: BLE001 - only a head start: each run then starts its own cluster
        get_logger(__name__).warning("Workers not started ahead of the run: %s", exc)
        return
    _STARTED[workers] = cluster


def start_api(data_dir: str | None = None, extracts_here: bool = True, workers: int = 1) -> float:
    """Start this process's temporary Prefect server now, unless PREFECT_API_URL names a running
    one, while Great Expectations (and the extractors, when this process extracts) load beside
    it (seconds off the critical path) and, given the run's data dir, its validation is set up;
    with more than one worker, a local cluster starts beside it too (start_workers). The seconds
    spent waiting. With workers elsewhere, the extractors stay out of this process: they would
    only hold memory."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():  # no wait to fill: the loading overlaps the run's first stages
        threading.Thread(target=_warm_up, args=(None, extracts_here), daemon=True).start()
        return 0.0
    start = time.perf_counter()
    loading = [threading.Thread(target=_warm_up, args=(data_dir, extracts_here), daemon=True)]
    server = _server()
    if workers > 1:
        loading.append(threading.Thread(target=start_workers, args=(workers, server.api_url), daemon=True))
    for thread in loading:
        thread.start()
    _api_url()
    for thread in loading:  # done about when the server is; the run must not set up validation beside it
        thread.join()
    return time.perf_counter() - start


@contextmanager
def ad_hoc_settings():
    """Settings for runs started from this process (`flows run`, the bench): without flow-run
    heartbeats when they report to its temporary server. That server ends with the process, so
    none could tell a crashed run by its missing heartbeats, and the engine's wait for the
    heartbeat thread at each run's end (it sleeps in one-second steps) costs up to a second."""
    from prefect.settings import PREFECT_API_URL, temporary_settings

    if PREFECT_API_URL.value():
        yield
        return
    with temporary_settings(updates={"flows.heartbeat_frequency": None}):
        yield


def _warm_up(data_dir: str | None, extracts_here: bool) -> None:
    import_gx()
    if extracts_here:
        load_extractors()
    import matplotlib.figure  # noqa: F401 - the run's report draws with it: half a second to import
    freeze_loaded()
    if data_dir is not None:
        try:
            validation.prepare(local_dir(data_dir))
        except Exception:  # noqa: BLE001 - only a head start: the run sets up validation itself and reports
            pass


def _api_url() -> str:
    """The Prefect API of this process: the configured server, else its temporary one, started
    now so that local workers report to it instead of each starting a server of their own."""
    from prefect.settings import PREFECT_API_URL

    if PREFECT_API_URL.value():
        return PREFECT_API_URL.value()
    server = _server()
    server.start(timeout=SERVER_START_SECONDS)
    return server.api_url


def _server():
    """This process's temporary Prefect server (the one instance its Prefect client uses too),
    its port chosen, so that its address is known before it starts."""
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    if server.port is None:
        server.port = server.find_available_port()
    return server


def local_dir(data_dir: str) -> Path:
    """Where a data dir's validation results, staging and lock live: the data dir itself when
    local, else a folder per URI under the system's temporary directory."""
    if not raw_zone.is_remote(data_dir):
        return Path(data_dir)
    digest = hashlib.sha256(str(data_dir).encode()).hexdigest()[:12]
    return Path(tempfile.gettempdir()) / "ai-race-tables" / digest


def scheduled_deployment(cron: str = "0 * * * *", sources: list[str] | None = None, data_dir: str = "data"):
    """The pipeline as a deployment that runs on a cron schedule with these sources; local paths
    are stored absolute, since a deployment runs wherever its worker does."""
    parameters.path(data_dir, "--data-dir")
    return pipeline.to_deployment(name="scheduled", cron=cron, parameters={
        "sources": [parameters.absolute(s) for s in parameters.sources(sources)],
        "data_dir": parameters.absolute(data_dir)})
