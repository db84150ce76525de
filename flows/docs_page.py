"""The Data Docs index page, written by the project: a plain HTML list of every stored validation
(run, table, outcome, link to GX's page for it) that needs no script and no network, unlike
GX's own index whose table is built by scripts from a CDN. Also the pruning of old results."""
from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

RESULTS = Path("gx") / "uncommitted" / "validations"  # GX's results store, under the validation dir
SUITES = Path("gx") / "expectations"  # GX's suites store
DOCS = Path("docs")
OUTCOMES = Path("outcomes.json")  # each stored result's outcome, as the index page shows it


@dataclass(frozen=True)
class StoredResult:
    """One stored validation result: its files and what the index says about it."""

    json_path: Path
    page: Path  # GX's page for it, relative to the docs folder
    run_id: str
    table: str
    validated_at: datetime
    success: bool
    evaluated: int
    failed: int


def index_path(validation_dir: Path) -> Path:
    """Where the Data Docs index page is."""
    return Path(validation_dir) / DOCS / "index.html"


def _validated_at(folder_name: str) -> datetime:
    return datetime.strptime(folder_name, "%Y%m%dT%H%M%S.%fZ").replace(tzinfo=timezone.utc)


def stored_results(validation_dir: Path) -> list[StoredResult]:
    """Every stored result, newest first (a file that cannot be read is skipped, not fatal).

    Each result's outcome is read from its file once, then from OUTCOMES: the index page is
    rewritten every run, and reading every result of a long history each time grew with it."""
    root = Path(validation_dir) / RESULTS
    known, outcomes, found = _known_outcomes(validation_dir), {}, []
    for path in root.glob("*/*/*/*.json"):
        table, run_name, stamp = path.parts[-4], path.parts[-3], path.parts[-2]
        key = path.relative_to(root).as_posix()
        try:
            validated_at = _validated_at(stamp)
            outcomes[key] = known.get(key) or _outcome(path)
        except (OSError, ValueError):
            continue
        suffix = f"-{table}"
        run_id = run_name[:-len(suffix)] if run_name.endswith(suffix) else run_name
        success, evaluated, failed = outcomes[key]
        found.append(StoredResult(path, path.relative_to(root).with_suffix(".html"), run_id, table,
                                  validated_at, success, evaluated, failed))
    if outcomes != known:
        _write_outcomes(validation_dir, outcomes)
    return sorted(found, key=lambda r: (r.validated_at, r.table), reverse=True)


def _outcome(path: Path) -> list:
    """[success, expectations evaluated, expectations failed] of a stored result file."""
    result = json.loads(path.read_text(encoding="utf-8"))
    stats = result.get("statistics") or {}
    return [bool(result.get("success")), int(stats.get("evaluated_expectations") or 0),
            int(stats.get("unsuccessful_expectations") or 0)]


def _known_outcomes(validation_dir: Path) -> dict[str, list]:
    try:
        known = json.loads((Path(validation_dir) / OUTCOMES).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or damaged: read from the results again
        return {}
    return known if isinstance(known, dict) else {}


def _write_outcomes(validation_dir: Path, outcomes: dict[str, list]) -> None:
    path = Path(validation_dir) / OUTCOMES
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(outcomes, sort_keys=True), encoding="utf-8")
    partial.replace(path)


def unrendered(validation_dir: Path) -> tuple[list[tuple[str, ...]], list[str]]:
    """What GX has no up-to-date page for: the store keys (suite, run name, run time, batch) of
    results without a page, and the names of suites stored after their page was written."""
    root, docs = Path(validation_dir) / RESULTS, Path(validation_dir) / DOCS
    results = [path.relative_to(root).with_suffix("").parts for path in root.glob("*/*/*/*.json")
               if not (docs / "validations" / path.relative_to(root).with_suffix(".html")).is_file()]
    suites = [path.stem for path in (Path(validation_dir) / SUITES).glob("*.json")
              if _older(docs / "expectations" / f"{path.stem}.html", path)]
    return results, suites


def _older(page: Path, source: Path) -> bool:
    try:
        return page.stat().st_mtime < source.stat().st_mtime
    except FileNotFoundError:
        return True


def write_index(validation_dir: Path) -> Path:
    """Write the index page listing every stored validation, grouped by run; its path."""
    docs = Path(validation_dir) / DOCS
    docs.mkdir(parents=True, exist_ok=True)
    rows = []
    for result in stored_results(validation_dir):
        page = docs / "validations" / result.page
        link = (f'<a href="validations/{html.escape(result.page.as_posix())}">{html.escape(result.table)}</a>'
                if page.is_file() else html.escape(result.table))
        outcome = "passed" if result.success else f"{result.failed} of {result.evaluated} failed"
        rows.append(f"<tr><td><code>{html.escape(result.run_id)}</code></td><td>{link}</td>"
                    f"<td>{result.validated_at:%Y-%m-%d %H:%M:%S} UTC</td>"
                    f'<td class="{"ok" if result.success else "bad"}">{outcome}</td>'
                    f"<td>{result.evaluated}</td></tr>")
    suites = sorted((docs / "expectations").glob("*.html"))
    suite_links = ", ".join(f'<a href="expectations/{html.escape(p.name)}">{html.escape(p.stem)}</a>'
                            for p in suites) or "none yet"
    index = index_path(validation_dir)
    index.write_text(_PAGE.format(rows="\n".join(rows) or '<tr><td colspan="5">no validations yet</td></tr>',
                                  suites=suite_links, count=len(rows)), encoding="utf-8")
    return index


def prune(validation_dir: Path, days: int) -> int:
    """Delete results validated more than `days` ago, with their pages; rewrite the index."""
    cutoff = datetime.now(timezone.utc) - timedelta(days=days)
    docs = Path(validation_dir) / DOCS / "validations"
    pruned = 0
    for result in stored_results(validation_dir):
        if result.validated_at < cutoff:
            for folder in (result.json_path.parent, (docs / result.page).parent):
                shutil.rmtree(folder, ignore_errors=True)
                _remove_empty_parents(folder.parent, stop=folder.parents[2])
            pruned += 1
    if (Path(validation_dir) / DOCS).is_dir():
        write_index(validation_dir)
    return pruned


def _remove_empty_parents(folder: Path, stop: Path) -> None:
    while folder != stop and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Data Docs: validations</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2em; color: #222; }}
table {{ border-collapse: collapse; }} td, th {{ padding: .3em .8em; border-bottom: 1px solid #ddd; text-align: left; }}
.ok {{ color: #176117; }} .bad {{ color: #a31515; font-weight: bold; }}
</style></head>
<body>
<h1>Validations</h1>
<p>{count} stored validation results, newest first: one per table per run.
Each links to Great Expectations' page for it. Expectation suites: {suites}.</p>
<table>
<thead><tr><th>run id</th><th>table</th><th>validated</th><th>outcome</th><th>expectations</th></tr></thead>
<tbody>
{rows}
</tbody></table>
</body></html>
"""
