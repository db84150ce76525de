"""Great Expectations checks of each table before it is published.

Suites live as JSON in expectations/. An expectation whose meta says
`"severity": "row"` rejects only the rows that fail it; any other failure is
critical and blocks the whole run's publish.
"""
from __future__ import annotations

import json
import logging
import os
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from flows import docs_page
from flows.lock import try_lock
from transforms.rows import TABLES

SUITES = Path(__file__).resolve().parent.parent / "expectations"


@dataclass
class TableOutcome:
    """What validation decided for one table."""

    table: str
    rows: int
    critical: list[str] = field(default_factory=list)
    rejected: dict[int, list[str]] = field(default_factory=dict)  # row index -> reasons

    @property
    def blocked(self) -> bool:
        return bool(self.critical)


def import_gx():
    """Great Expectations, imported quietly (it takes seconds: only validation needs it)."""
    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations as gx  # imported here: seconds to load, only validation needs it

    for name in ("great_expectations", "great_expectations.data_context"):
        logging.getLogger(name).setLevel(logging.ERROR)
    return gx


def _context(gx, validation_dir: Path):
    """The file context under validation_dir, its settings written only when they change (GX
    rewrites its whole YAML file on each save)."""
    context = gx.get_context(mode="file", project_root_dir=str(validation_dir))
    stale = {name: value for name, value in _settings(validation_dir).items()
             if _plain(getattr(context.variables, name)) != value}
    for name, value in stale.items():
        setattr(context.variables, name, value)
    if stale:
        context.variables.save()
    return context


def _settings(validation_dir: Path) -> dict:
    """The context's settings: no progress bars; Data Docs under validation_dir/docs, without a
    profiling section (the project profiles nothing); and no config-variables file, which GX
    reparses at every read of a setting (some 50 a run) and in which the project defines nothing."""
    docs = str((validation_dir / "docs").resolve())
    return {"progress_bars": {"globally": False, "metric_calculations": False},
            "config_variables_file_path": None,
            "data_docs_sites": {"docs": {
                "class_name": "SiteBuilder",
                "store_backend": {"class_name": "TupleFilesystemStoreBackend", "base_directory": docs},
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
                "site_section_builders": {"profiling": "None"}}}}  # none: each section lists every result


def _plain(value):
    """A setting as plain data (GX hands some back as config objects before a save)."""
    return value.to_json_dict() if hasattr(value, "to_json_dict") else value


def _pandas_source(context, name: str):
    """The context's pandas data source of that name, added when missing."""
    if name in context.data_sources.all():
        return context.data_sources.get(name)
    return context.data_sources.add_pandas(name)


def _describe(result) -> str:
    config = result.expectation_config
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
    return f"{config.type}({', '.join(f'{k}={v!r}' for k, v in kwargs.items())})"


def _outcome(table: str, frame: pd.DataFrame, results) -> TableOutcome:
    outcome = TableOutcome(table, len(frame))
    for result in results:
        if result.success:
            continue
        reason = _describe(result)
        indexes = (result.result or {}).get("unexpected_index_list")
        if result.expectation_config.meta.get("severity") == "row" and indexes is not None:
            for index in indexes:
                outcome.rejected.setdefault(int(index), []).append(reason)
        else:
            outcome.critical.append(reason)
    return outcome


def misfit_offsets(frame: pd.DataFrame) -> dict[int, list[str]]:
    """Rows whose char_start..char_end cannot be their evidence (the span's length differs):
    checked here, before GX, so that the suites describe only the published columns."""
    if not {"evidence", "char_start", "char_end"} <= set(frame.columns):
        return {}
    span = frame["char_end"] - frame["char_start"]
    bad = (span != frame["evidence"].str.len()).fillna(True).to_numpy()
    return {int(i): ["offsets: char_end - char_start is not the length of the evidence"]
            for i in np.flatnonzero(bad)}


def _hashable(frame: pd.DataFrame) -> pd.DataFrame:
    """List cells (arrays) as tuples: GX fingerprints every batch, and a frame it cannot hash it
    pickles whole, which costs seconds and a copy of the table at 10,000 articles."""
    lists = [c for c in frame.columns if frame[c].dtype == object
             and isinstance(next(iter(frame[c].dropna()), None), np.ndarray)]
    return frame.assign(**{c: frame[c].map(tuple, na_action="ignore") for c in lists}) if lists else frame


class Validator:
    """Validates one table at a time against its suite and stores each result (see build_docs).

    Each table is one batch validated by its suite directly (no checkpoint or validation
    definition objects: storing those per table per run cost more than the validation itself),
    and a suite is written to the context only when expectations/ changed it."""

    def __init__(self, validation_dir: Path):
        self.gx = import_gx()
        self.validation_dir = validation_dir
        self.context = _context(self.gx, validation_dir)
        self.source = _pandas_source(self.context, "published_tables")
        self._suites: dict = {}  # per table, checked against expectations/ once per validator
        self._definitions: dict = {}

    @classmethod
    def open(cls, validation_dir: Path) -> Validator:
        """The validator prepare() set up for this directory, else a new one."""
        with _PREPARING:
            prepared = _PREPARED.pop(Path(validation_dir).resolve(), None)
        return prepared or cls(validation_dir)

    def prepare(self) -> None:
        """Check every table's suite and batch definition now (each written when missing or changed)."""
        for table in TABLES:
            self._suite(table)
            self._batch_definition(table)

    def validate(self, table: str, frame: pd.DataFrame, run_id: str | None = None) -> TableOutcome:
        """Run the table's suite once over the frame; store the result under the run's id and the
        table's name (what Data Docs show)."""
        from great_expectations.core.run_identifier import RunIdentifier
        from great_expectations.data_context.types.resource_identifiers import (
            ExpectationSuiteIdentifier, ValidationResultIdentifier)

        suite = self._suite(table)
        batch = self._batch_definition(table).get_batch(
            batch_parameters={"dataframe": _hashable(frame).reset_index(drop=True)})
        result = _validate(self.gx, batch, suite)
        run = RunIdentifier(run_name=f"{run_id or 'unrecorded'}-{table}")
        result.meta.update(run_id=run, validation_time=run.run_time)
        result.meta.setdefault("batch_spec", {})["data_asset_name"] = table  # GX leaves a frame's asset unnamed
        key = ValidationResultIdentifier(batch_identifier=batch.id, run_id=run,
                                         expectation_suite_identifier=ExpectationSuiteIdentifier(name=table))
        self.context.validation_results_store.set(key, result)
        _forget(batch)
        outcome = _outcome(table, frame, result.results)
        for index, reasons in misfit_offsets(frame.reset_index(drop=True)).items():
            outcome.rejected.setdefault(index, []).extend(reasons)
        return outcome

    def _suite(self, table: str):
        """The table's suite from expectations/, written to the context when it differs from the
        stored one."""
        from great_expectations.exceptions import DataContextError

        if table in self._suites:
            return self._suites[table]
        suite = self.gx.ExpectationSuite(**json.loads((SUITES / f"{table}.json").read_text()))
        try:
            stored = self.context.suites.get(table)
        except DataContextError:  # not stored yet
            stored = None
        if stored is not None and _expectations(stored) == _expectations(suite):
            suite = stored  # with the ids GX gave its expectations
        else:
            suite = self.context.suites.add(suite) if stored is None else self.context.suites.add_or_update(suite)
        self._suites[table] = suite
        return suite

    def _batch_definition(self, table: str):
        if table not in self._definitions:
            asset = self.source.get_asset(table) if table in self.source.get_asset_names() else \
                self.source.add_dataframe_asset(table)
            names = [b.name for b in asset.batch_definitions]
            self._definitions[table] = asset.get_batch_definition("whole") if "whole" in names else \
                asset.add_batch_definition_whole_dataframe("whole")
        return self._definitions[table]


def _forget(batch) -> None:
    """Drop a validated batch from GX's caches: its execution engine keeps each table's last batch
    (a whole chunk of rows as a data frame) until the next one of that table, for the whole run."""
    manager = batch.data.execution_engine.batch_manager
    manager.batch_cache.pop(batch.id, None)
    manager.batch_data_cache.pop(batch.id, None)


_PREPARING = threading.Lock()
_PREPARED: dict[Path, Validator] = {}


def prepare(data_dir: Path) -> bool:
    """Set up the validation of a coming run on data_dir (its GX context, suites and batch
    definitions, seconds on a new data dir) for Validator.open to take over; done beside the Prefect
    server's start. Skipped, False, while another run holds the data dir's lock: it may be writing."""
    with try_lock(data_dir) as held:
        if held:
            validator = Validator(data_dir / "validation")
            validator.prepare()
            with _PREPARING:
                _PREPARED[validator.validation_dir.resolve()] = validator
    return held


def _validate(gx, batch, suite):
    """The suite's result over the batch: pass or fail for every expectation, and GX's complete
    detail (unexpected values, the failing rows' indexes) for those that failed. Asking for that
    detail of every expectation costs GX twice the metrics; most expectations pass."""
    with _configurations_built_once():
        result = batch.validate(suite, result_format={"result_format": "BOOLEAN_ONLY"})
        failed = {r.expectation_config.id for r in result.results if not r.success}
        if failed:
            retry = gx.ExpectationSuite(name=suite.name, expectations=[
                e.configuration for e in suite.expectations if e.id in failed])
            detail = {r.expectation_config.id: r for r in batch.validate(
                retry, result_format={"result_format": "COMPLETE"}).results}
            result.results = [detail.get(r.expectation_config.id, r) for r in result.results]
    return result


_ONE_VALIDATION = threading.Lock()


@contextmanager
def _configurations_built_once():
    """While a suite runs, each expectation's configuration is built once, not on every read.

    GX 1.x rebuilds it (a pydantic dump of the expectation) each time it is read, some 130 times
    per expectation per validation: a third of validating a small table. Nothing changes an
    expectation while its suite runs, and every read only reads, so the first one serves the rest;
    GX's own property is back in place when the suite is done. The cache holds the expectations
    themselves, so that no id in it is reused by a later object."""
    from great_expectations.expectations.expectation import Expectation

    with _ONE_VALIDATION:
        built = Expectation.__dict__["configuration"]
        cache: dict[int, tuple] = {}

        def configuration(expectation):
            if id(expectation) not in cache:
                cache[id(expectation)] = (expectation, built.fget(expectation))
            return cache[id(expectation)][1]

        Expectation.configuration = property(configuration, doc=built.__doc__)
        try:
            yield
        finally:
            Expectation.configuration = built


def _expectations(suite) -> list[dict]:
    """A suite's expectations as plain dicts without their GX-assigned ids."""
    return [{k: v for k, v in e.configuration.to_json_dict().items() if k not in ("id", "rendered_content")}
            for e in suite.expectations]


def validate_tables(frames: dict[str, pd.DataFrame], validation_dir: Path,
                    run_id: str | None = None) -> dict[str, TableOutcome]:
    """Validate several tables and build their Data Docs."""
    validator = Validator(validation_dir)
    outcomes = {table: validator.validate(table, frame, run_id) for table, frame in frames.items()}
    build_docs(validation_dir)
    return outcomes


def build_docs(validation_dir: Path) -> Path:
    """Render GX's page of each stored result and suite that has no up-to-date one (this run's,
    and any a killed run left behind), then the offline index page listing every result; its path.
    Rendering is most of a small run's validation time, so the flow does it after publishing."""
    from great_expectations.data_context.types.resource_identifiers import (
        ExpectationSuiteIdentifier, ValidationResultIdentifier)

    results, suites = docs_page.unrendered(validation_dir)
    keys = [ValidationResultIdentifier.from_tuple(key) for key in results]
    keys += [ExpectationSuiteIdentifier(name=name) for name in suites]
    if keys:
        _context(import_gx(), validation_dir).build_data_docs(resource_identifiers=keys, build_index=False)
    return docs_page.write_index(validation_dir)


def docs_index(validation_dir: Path) -> Path:
    """Path of the Data Docs site's index page."""
    return docs_page.index_path(validation_dir)


def prune_results(validation_dir: Path, days: int) -> int:
    """Delete validation results (and their pages) older than `days`; how many were deleted."""
    return docs_page.prune(validation_dir, days)
