"""The data dictionary: an entry for every column, in the Parquet metadata and the README."""
from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ai_race_tables import dictionary, storage
from transforms.rows import TABLES

ROOT = Path(__file__).resolve().parent.parent


def test_every_published_column_has_an_entry_and_no_entry_is_stale():
    assert dictionary.missing_entries() == []
    for table, (row_type, _) in TABLES.items():
        assert set(dictionary.DICTIONARY[table][1]) == {f.name for f in dataclasses.fields(row_type)}, table


def test_entries_say_what_a_column_means_and_give_an_example():
    for table, (_, columns) in dictionary.DICTIONARY.items():
        for name, entry in columns.items():
            assert len(entry.meaning) > 15 and entry.example, f"{table}.{name}"


def test_readme_section_is_generated_from_the_dictionary():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert dictionary.with_section(readme) == readme, "README is stale: run `make dictionary`"
    assert "| `event_key` | string |" in readme


def test_enumerations_agree_with_the_expectation_suites():
    for table, (_, columns) in dictionary.DICTIONARY.items():
        suite = json.loads((ROOT / "expectations" / f"{table}.json").read_text())
        for expectation in suite["expectations"]:
            column = expectation["kwargs"].get("column")
            if expectation["type"] == "expect_column_values_to_be_in_set" and columns[column].values:
                assert set(columns[column].values) == set(expectation["kwargs"]["value_set"]), f"{table}.{column}"


def test_parquet_schema_carries_the_descriptions(tmp_path):
    row_type = TABLES["funding"][0]
    pq.write_table(storage.to_arrow([], row_type), tmp_path / "funding.parquet")
    schema = pq.read_schema(tmp_path / "funding.parquet")
    meta = schema.field("event_type").metadata
    assert b"equity_round" in meta[b"allowed_values"] and meta[b"description"].startswith(b"What kind")
    assert all(schema.field(name).metadata[b"description"] for name in schema.names)


def test_bookkeeping_tables_carry_no_dictionary_metadata():
    from flows.bookkeeping import RunRow

    assert storage.arrow_schema(RunRow).field("run_id").metadata is None


def test_described_puts_the_metadata_back_on_rows_read_from_delta():
    row_type = TABLES["companies"][0]
    plain = storage.to_arrow([], row_type)
    bare = plain.cast(plain.schema.remove_metadata()).cast(
        pa.schema([f.remove_metadata() for f in plain.schema]))  # as Delta Lake gives it back
    assert bare.schema.field("kind").metadata is None
    again = dictionary.described("companies", bare)
    assert again.schema.field("kind").metadata[b"allowed_values"].startswith(b"ai | auto")
    assert again.schema.names == bare.schema.names
    assert dictionary.described("_runs", bare) is bare


def test_rows_become_arrow_with_every_value_in_place(refs):
    from transforms.extract import ArticleText, extract_article

    text = ("Shanghai-based start-up Qilin Robotics Inc raised $40 million in a Series B round led by "
            "Tencent Holdings, said Li Wei, its chief executive. China's data centre demand will reach "
            "300 TWh by 2030, analysts said.")
    rows = extract_article(ArticleText("a1", text, None), refs, run_id="r", extractor_version="v")
    for table in ("company_mentions", "people", "funding", "forecasts", "energy_metrics"):
        items = getattr(rows, table)
        assert items, table  # the sentence feeds every table
        assert storage.to_arrow(items, TABLES[table][0]).to_pylist() == [dataclasses.asdict(r) for r in items]
