"""Extraction tasks: batches of landed articles in, staged Parquet rows out."""
from __future__ import annotations

import gc
from functools import lru_cache
from pathlib import Path

import pyarrow.parquet as pq
from prefect import task
from prefect.cache_policies import NO_CACHE

from ai_race_tables import storage
from flows import raw_zone
from flows.reference import load_reference
from transforms.extract import ArticleText, ReferenceData, extract_article
from transforms.rows import FACT_TABLES, TABLES, ArticleRow
from transforms.text import count_words

STAGED = ("articles", *FACT_TABLES)


@lru_cache(maxsize=1)
def reference() -> ReferenceData:
    """Reference data, loaded once per process (each Dask worker loads its own)."""
    return load_reference()


def article_row(record: dict) -> ArticleRow:
    """The articles-table row of a landed record."""
    text = record["text"]
    return ArticleRow(article_id=record["article_id"], source=record["source"], title=record["title"],
                      published_at=record["published_at"], ingested_at=record["fetched_at"],
                      n_chars=len(text), n_words=count_words(text),
                      language=language(text))


@lru_cache(maxsize=1)
def _identifier():
    # py3langid's model with probabilities, which its module-level classify does not give.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language(text: str) -> str:
    """The language (ISO 639 code) an article opens in: read from its first 200 characters, or
    from its first 500 when those leave the model in doubt (a lead of names and figures). Half
    the cost of always reading 500 (the model walks every byte in Python: 7% of a worker's time
    per article), with the same answers on 3,000 openings of news tried."""
    found, probability = _identifier().classify(text[:200])
    return found if probability >= 0.5 else _identifier().classify(text[:500])[0]


def extract_rows(ids: list[str], data_dir: str, run_id: str, version: str) -> dict[str, list]:
    """Rows of every staged table for some landed articles."""
    out: dict[str, list] = {name: [] for name in STAGED}
    for article_id in ids:
        record = raw_zone.read_record(data_dir, article_id)
        out["articles"].append(article_row(record))
        rows = extract_article(ArticleText(article_id, record["text"], record["published_at"]), reference(),
                               run_id=run_id, extractor_version=version)
        for table in FACT_TABLES:
            out[table].extend(getattr(rows, table))
    return out


def load_extractors() -> None:
    """Load the reference data and the language model (a second on first use) into this process."""
    reference()
    language("warm")


def freeze_loaded() -> None:
    """Collect, then freeze what this process holds: what a process has loaded by the time it
    works lives as long as it does, and frozen, no full collection scans it again (in a
    10,000-article run they took 0.66 s of the flow's process and 0.5 s of each worker's)."""
    gc.collect()
    gc.freeze()


@task(name="warm-up", cache_policy=NO_CACHE)
def warm_up(worker: int) -> None:
    """Load the extractors and their reference data on a worker before the first batch (mapped
    once per worker; `worker` only tells the runs apart)."""
    load_extractors()
    freeze_loaded()


@task(name="extract-batch", cache_policy=NO_CACHE)
def extract_batch(ids: list[str], data_dir: str, staging: Path, batch: int, run_id: str,
                  version: str) -> dict[str, int]:
    """Extract a batch and stage its rows as one Parquet file per table; rows per table."""
    rows = extract_rows(ids, data_dir, run_id, version)
    for table, items in rows.items():
        path = staged_file(staging, table, batch)
        path.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(storage.to_arrow(items, TABLES[table][0]), path)
    return {table: len(items) for table, items in rows.items()}


def staged_file(staging: Path, table: str, batch: int) -> Path:
    """Where an extraction batch stages its rows of a table."""
    return staging / table / f"batch-{batch:06d}.parquet"
