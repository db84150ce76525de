"""The command line as operators use it: checked options, one-line errors, readable output,
run records and Data Docs. Commands run in-process through flows.__main__.main."""
from __future__ import annotations

import contextlib
import io
import json
import re
from pathlib import Path

import pandas as pd
import pytest

from ai_race_tables import storage
from ai_race_tables.plain import plain_uri
from flows.__main__ import main
from flows.cli_table import width_of
from transforms.rows import TABLES

ROOT = Path(__file__).resolve().parent.parent
ESC = "\x1b"


def _run(argv, capsys) -> tuple[int, str, str]:
    """Exit status, stdout and stderr of one command (argparse's exits included)."""
    try:
        status = main(argv)
    except SystemExit as exc:
        status = exc.code
    out, err = capsys.readouterr()
    return status, out, err


def _one_line_error(status, err, expected_status=None):
    assert status != 0 if expected_status is None else status == expected_status
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


# Options are checked before anything is read or written --------------------------------------

@pytest.mark.parametrize("argv, words", [
    (["run", "--batch-size", "-5"], "--batch-size"),
    (["run", "--batch-size", "0"], "--batch-size"),
    (["run", "--batch-size", "many"], "--batch-size"),
    (["backfill", "--since", "2000-01-01", "--batch-size", "-5"], "--batch-size"),
    (["run", "--workers", "1000"], "--workers"),
    (["run", "--workers", "0"], "--workers"),
    (["run", "--source", ""], "--source"),
    (["run", "--data-dir", ""], "--data-dir"),
    (["run", "--data-dir", str(ROOT / "seeds" / "companies.csv")], "is a file"),
    (["show", "funding", "--data-dir", " "], "--data-dir"),
    (["backfill", "--since", "2026-02-01", "--until", "2026-01-01"], "--since"),
    (["backfill", "--since", "0001-01-01T00:00:00+14:00"], "--since"),
    (["backfill", "--since", "yesterday-ish"], "--since"),
    (["compact", "--retention-days", "0"], "--retention-days"),
    (["serve", "--cron", "every hour"], "--cron"),
    (["show", "funding", "--version", "1", "--run", "abc"], "--run"),
])
def test_bad_options_are_one_line_errors_and_touch_nothing(argv, words, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    data_dir = tmp_path / "out"
    if "--data-dir" not in argv:
        argv = [*argv, "--data-dir", str(data_dir)]
    status, out, err = _run(argv, capsys)
    line = _one_line_error(status, err)
    assert words in line
    assert not data_dir.exists() and not (tmp_path / "data").exists()


def test_console_logs_lose_their_tracebacks():
    """Prefect logs a failed run's traceback to the console (root) handler; the command drops it."""
    import logging

    import prefect.main  # noqa: F401 - sets up Prefect's logging, which replaces the root's handlers

    from flows import cli_errors

    console = logging.StreamHandler(io.StringIO())
    logging.getLogger().addHandler(console)
    try:
        cli_errors.quiet_tracebacks()
        try:
            raise RuntimeError("deep inside a task")
        except RuntimeError:
            logging.getLogger("cli_test").error("Encountered exception", exc_info=True)
    finally:
        logging.getLogger().removeHandler(console)
    assert "Encountered exception" in console.stream.getvalue()
    assert "Traceback" not in console.stream.getvalue()


def test_workers_auto_is_the_number_of_cores():
    from flows import parameters

    assert parameters.workers("auto") == parameters.cpu_count()
    assert parameters.workers("2") == 2


@pytest.mark.parametrize("argv, hint", [
    (["run"], "--source"),  # the default seeds/articles is not in this folder
    (["run", "--source", "no-such-folder"], "no-such-folder"),
    (["backfill", "--since", "2026-01-01"], "--data-dir"),  # nothing landed in this data dir
])
def test_missing_input_is_an_error_that_says_what_to_pass(argv, hint, tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    status, _, err = _run([*argv, "--data-dir", str(tmp_path / "d")], capsys)
    assert hint in _one_line_error(status, err, 1)
    assert not (tmp_path / "d" / "processed").exists()


def test_every_option_of_every_command_has_help_with_its_default_and_every_command_examples():
    from flows.__main__ import _parser

    parser = _parser()
    commands = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices
    assert {"run", "backfill", "serve", "show", "history", "compact"} <= set(commands)
    for name, command in commands.items():
        assert "examples:" in (command.epilog or ""), name
        for action in command._actions:
            if action.dest in ("help", "debug") or not action.option_strings:
                continue
            assert action.help and ("default" in action.help or action.required), (name, action.dest)


def test_version_names_the_project_and_the_extractor(capsys):
    from flows.reference import extractor_version

    status, out, _ = _run(["--version"], capsys)
    assert status == 0 and "ai-race-tables" in out and extractor_version() in out


def test_serve_stores_absolute_paths(tmp_path, monkeypatch):
    from flows.pipeline import scheduled_deployment

    monkeypatch.chdir(ROOT)
    deployment = scheduled_deployment(sources=None, data_dir="data")
    assert deployment.parameters["data_dir"] == str(ROOT / "data")
    assert deployment.parameters["sources"] == [str(ROOT / "seeds" / "articles")]


# A small corpus run through the command line --------------------------------------------------

@pytest.fixture(scope="module")
def corpus(prefect_server, tmp_path_factory):
    """Seeds plus articles with a very long title, CJK text and a terminal escape in a title;
    run once through `python -m flows run`; (data dir, stdout, stderr)."""
    folder = tmp_path_factory.mktemp("in")
    (folder / "seed.txt").write_text((ROOT / "seeds" / "articles" / "seed-ai-race.txt").read_text())
    (folder / "wide.json").write_text(json.dumps({
        "title": "长江 " * 40 + "A very long headline about chips " * 6,
        "text": "Qilin Compute Ltd raised $40.5 billion in a Series B round led by Harbor Capital, "
                "the Shanghai-based start-up said on Monday. " * 3}))
    (folder / "escape.json").write_text(json.dumps({
        "title": f"{ESC}[2J{ESC}[31mRed alert{ESC}[0m",
        "text": "Lumora Robotics Inc raised $5 million in a seed round, the company said on Tuesday."}))
    data_dir = tmp_path_factory.mktemp("data")
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        status = main(["run", "--source", str(folder), "--data-dir", str(data_dir)])
    assert status == 0, err.getvalue()
    return data_dir, out.getvalue(), folder


def test_a_run_ends_with_its_id_its_tables_and_what_to_do_next(corpus):
    data_dir, out, _ = corpus
    run_id = storage.load_table("_runs", data_dir)["run_id"].iloc[-1]
    assert out.splitlines()[0].startswith(f"run {run_id} (ad hoc, ")
    for table in TABLES:
        assert re.search(rf"^  {table} .* {re.escape(plain_uri(data_dir, table))} \| "
                         rf"{re.escape(storage.table_uri(data_dir, table))}$", out, re.M), table
    assert f"data docs: {data_dir}/validation/docs/index.html" in out
    assert re.search(r"^report: .*report\.html", out, re.M)
    assert f"next:      python -m flows show funding --data-dir {data_dir}" in out


def test_a_run_with_nothing_new_exits_0_and_says_so(corpus, capsys):
    data_dir, _, folder = corpus
    status, out, err = _run(["run", "--source", str(folder), "--data-dir", str(data_dir)], capsys)
    assert status == 0
    assert "nothing new" in out.splitlines()[0]


def test_runs_record_their_kind_and_prefect_flow_run(corpus):
    data_dir, _, _ = corpus
    runs = storage.load_table("_runs", data_dir)
    assert set(runs["kind"]) == {"ad hoc"}
    assert runs["flow_run_id"].str.fullmatch(r"[0-9a-f-]{36}").all()
    assert json.loads(runs.sort_values("started_at")["rows_written"].iloc[0])["funding"] >= 2


def test_the_artifact_carries_data_dir_sources_duration_and_links(corpus):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey

    data_dir, out, folder = corpus
    with get_client(sync_client=True) as client:
        artifacts = client.read_artifacts(artifact_filter=ArtifactFilter(
            key=ArtifactFilterKey(any_=["run-summary-ad-hoc"])))
    run_id = out.split()[1]
    markdown = next(a.data for a in artifacts if run_id in a.data)
    assert f"Data dir: `{data_dir}`" in markdown and f"`{folder}`" in markdown
    assert re.search(r"Duration: \d+\.\d s", markdown)
    assert f"[index.html]({(data_dir / 'validation' / 'docs' / 'index.html').as_uri()})" in markdown


def test_artifact_keys_are_per_deployment_and_valid():
    from flows.pipeline import artifact_key

    assert artifact_key("scheduled", "scheduled") == "run-summary-scheduled"
    assert artifact_key("Nightly Feeds_EU", "scheduled") == "run-summary-nightly-feeds-eu"
    assert artifact_key(None, "ad hoc") == "run-summary-ad-hoc"


def test_a_run_of_a_deployment_is_scheduled_and_keyed_by_it(monkeypatch):
    from prefect.runtime import deployment

    from flows.pipeline import _kind, artifact_key

    assert _kind(None) == "ad hoc" and _kind("2026-01-01") == "backfill"
    monkeypatch.setenv("PREFECT__RUNTIME__DEPLOYMENT__ID", "0d0e")
    monkeypatch.setenv("PREFECT__RUNTIME__DEPLOYMENT__NAME", "scheduled")
    assert _kind(None) == "scheduled" and artifact_key(deployment.name, "scheduled") == "run-summary-scheduled"


def test_data_docs_index_lists_the_runs_validations_offline(corpus):
    data_dir, out, _ = corpus
    run_id = out.split()[1]
    page = (data_dir / "validation" / "docs" / "index.html").read_text()
    assert "<script" not in page and "http" not in page
    for table in TABLES:
        link = re.search(rf'href="(validations/{table}/{run_id}-{table}/[^"]+\.html)"', page)
        assert link, table
        assert "Data asset: " + table in (data_dir / "validation" / "docs" / link.group(1)).read_text()


def test_suites_describe_only_published_columns():
    from flows.validation import SUITES

    for table, (row_type, _) in TABLES.items():
        suite = json.loads((SUITES / f"{table}.json").read_text())
        named = {e["kwargs"].get("column") for e in suite["expectations"]} | \
            {c for e in suite["expectations"] for c in e["kwargs"].get("column_set", [])}
        assert named - {None} <= set(storage.arrow_schema(row_type).names), table


def test_show_lists_the_tables_with_row_counts(corpus, capsys):
    data_dir, _, _ = corpus
    status, out, _ = _run(["show", "--data-dir", str(data_dir)], capsys)
    assert status == 0
    funding = len(storage.load_table("funding", data_dir))
    assert re.search(rf"^funding\s+{funding}\s", out, re.M)


@pytest.mark.parametrize("table", list(TABLES))
def test_show_fits_120_columns_and_escapes_control_characters(corpus, capsys, table):
    data_dir, _, _ = corpus
    status, out, err = _run(["show", table, "--data-dir", str(data_dir)], capsys)
    assert status == 0 and not err
    assert max(width_of(line) for line in out.splitlines()) <= 120
    assert ESC not in out and "e+" not in out


def test_show_writes_numbers_as_people_do_and_limits_rows(corpus, capsys):
    data_dir, _, _ = corpus
    _, out, _ = _run(["show", "funding", "--where", "company~qilin", "--data-dir", str(data_dir)], capsys)
    assert "40.5bn" in out
    _, out, _ = _run(["show", "company_mentions", "--limit", "2", "--data-dir", str(data_dir)], capsys)
    total = len(storage.load_table("company_mentions", data_dir))
    assert len(out.splitlines()) == 2 + 2 + 1 and f"(2 of {total} rows" in out


def test_show_json_and_csv_parse_and_filter(corpus, capsys):
    data_dir, _, _ = corpus
    article = storage.load_table("people", data_dir)["article_id"].iloc[0]
    status, out, _ = _run(["show", "people", "--format", "json", "--article", article[:6],
                           "--data-dir", str(data_dir)], capsys)
    rows = json.loads(out)
    assert status == 0 and rows and {r["article_id"] for r in rows} == {article}
    assert "evidence" in rows[0]  # all columns for tools
    status, out, _ = _run(["show", "funding", "--format", "csv", "--columns", "company,amount_usd",
                           "--where", "amount_usd>1e9", "--data-dir", str(data_dir)], capsys)
    frame = pd.read_csv(io.StringIO(out))
    assert list(frame.columns) == ["company", "amount_usd"] and (frame["amount_usd"] > 1e9).all()


def test_show_escapes_control_characters_in_every_format(corpus, capsys):
    data_dir, _, _ = corpus
    for fmt in ("table", "csv", "json"):
        _, out, _ = _run(["show", "articles", "--format", fmt, "--where", "title~red alert",
                          "--data-dir", str(data_dir)], capsys)
        assert ESC not in out and "Red alert" in out, fmt


@pytest.mark.parametrize("argv, words", [
    (["show", "funding", "--version", "9"], "--version 9"),
    (["show", "nosuchtable"], "nosuchtable"),
    (["show", "funding", "--run", "nosuchrun"], "nosuchrun"),
    (["show", "funding", "--columns", "company,nope"], "nope"),
    (["show", "funding", "--where", "amount_usd>lots"], "lots"),
    (["history", "nosuchtable"], "nosuchtable"),
])
def test_show_errors_are_one_line(corpus, capsys, argv, words):
    data_dir, _, _ = corpus
    status, _, err = _run([*argv, "--data-dir", str(data_dir)], capsys)
    assert words in _one_line_error(status, err, 1)


def test_show_on_a_data_dir_without_tables_says_so(tmp_path, capsys):
    status, _, err = _run(["show", "--data-dir", str(tmp_path)], capsys)
    assert "python -m flows run" in _one_line_error(status, err, 1)


def test_history_is_one_line_per_run(corpus, capsys):
    data_dir, _, _ = corpus
    status, out, _ = _run(["history", "--data-dir", str(data_dir)], capsys)
    runs = storage.load_table("_runs", data_dir)
    lines = out.splitlines()
    assert status == 0 and len(lines) == 2 + len(runs)
    assert lines[0].split()[:3] == ["run", "id", "started"]
    assert all(run_id in out for run_id in runs["run_id"])
    assert max(len(line) for line in lines) <= 120


def test_table_history_names_runs_and_operations_without_predicates(corpus, capsys):
    data_dir, _, _ = corpus
    status, out, _ = _run(["history", "funding", "--data-dir", str(data_dir)], capsys)
    first_run = storage.load_table("_runs", data_dir).sort_values("started_at")["run_id"].iloc[0]
    assert status == 0 and "article_id IN" not in out
    assert re.search(rf"^\s+1\s.*{first_run}\s+append\s+\d+", out, re.M)


def test_a_closed_pipe_is_quiet(corpus, capsys, monkeypatch):
    data_dir, _, _ = corpus

    class ClosedPipe(io.StringIO):
        def write(self, text):
            raise BrokenPipeError

    monkeypatch.setattr("sys.stdout", ClosedPipe())
    assert main(["show", "funding", "--data-dir", str(data_dir)]) == 0
    assert capsys.readouterr().err == ""


def test_an_unexpected_failure_is_one_line_and_debug_shows_the_traceback(corpus, capsys, monkeypatch):
    data_dir, _, _ = corpus

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(storage, "load_table", broken)
    status, _, err = _run(["show", "funding", "--data-dir", str(data_dir)], capsys)
    assert "RuntimeError: boom" in _one_line_error(status, err, 1) and "--debug" in err
    status, _, err = _run(["show", "funding", "--debug", "--data-dir", str(data_dir)], capsys)
    assert status == 1 and "Traceback" in err


def test_compact_prunes_old_validation_results(corpus, capsys, tmp_path):
    import shutil

    from flows import docs_page

    data_dir, _, _ = corpus
    copy = tmp_path / "copy"
    shutil.copytree(data_dir, copy)
    results = docs_page.stored_results(copy / "validation")
    old = results[0].json_path.parent
    old.rename(old.with_name("20200101T000000.000000Z"))
    status, out, _ = _run(["compact", "--retention-days", "30", "--data-dir", str(copy)], capsys)
    assert status == 0 and "1 results older than 30 days pruned" in out
    assert len(docs_page.stored_results(copy / "validation")) == len(results) - 1
    assert "2020-01-01" not in (copy / "validation" / "docs" / "index.html").read_text()


def test_the_flow_itself_refuses_bad_parameters(prefect_server, tmp_path):
    """A deployment's parameters can be edited in the UI: the flow fails, it never runs on them."""
    from flows.pipeline import pipeline

    with pytest.raises(ValueError, match="no-such-folder"):
        pipeline(sources=[str(tmp_path / "no-such-folder")], data_dir=str(tmp_path / "d"))
    with pytest.raises(ValueError, match="--batch-size"):
        pipeline(sources=["seeds/articles"], data_dir=str(tmp_path / "d"), batch_size=-5)
    assert not (tmp_path / "d" / "processed").exists()
