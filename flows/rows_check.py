"""Extracted rows of article folders as canonical JSON, to show that a change leaves them alone.

    python -m flows.rows_check --out /tmp/before.json seeds/articles ../shared/eval/dev/articles
    (change the extractor)
    python -m flows.rows_check --out /tmp/after.json --compare /tmp/before.json seeds/articles ...

Articles are read as a run reads them and extracted in-process with extract_article, without
Prefect, with a fixed run id and extractor version, so that two outputs differ only where rows do.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import sys
from datetime import date
from pathlib import Path

from flows.reference import load_reference
from flows.sources import discover, read_file
from transforms.extract import ArticleText, extract_article
from transforms.rows import FACT_TABLES


def _plain(value):
    return value.isoformat() if isinstance(value, date) else value


def rows_of(folders: list[str]) -> dict[str, dict[str, list[dict]]]:
    """{source name: {table: rows as plain dicts}} for every article under the folders."""
    refs = load_reference()
    out: dict[str, dict[str, list[dict]]] = {}
    for folder in folders:
        for found in discover(folder):
            if isinstance(found, Exception):
                continue
            for article in read_file(*found):
                if isinstance(article, Exception):
                    continue
                rows = extract_article(ArticleText(article.article_id, article.text, article.published_at),
                                       refs, run_id="rows-check", extractor_version="rows-check")
                out[article.source] = {table: [{k: _plain(v) for k, v in dataclasses.asdict(r).items()}
                                               for r in getattr(rows, table)] for table in FACT_TABLES}
    return out


def differences(before: dict, after: dict) -> list[str]:
    """One line per article and table whose rows differ."""
    lines = []
    for source in sorted(before.keys() | after.keys()):
        for table in FACT_TABLES:
            old = before.get(source, {}).get(table)
            new = after.get(source, {}).get(table)
            if old != new:
                lines.append(f"{source} {table}: {len(old or [])} rows before, {len(new or [])} after")
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m flows.rows_check", description=__doc__.split("\n")[0])
    parser.add_argument("folders", nargs="+", help="article files or folders")
    parser.add_argument("--out", required=True, help="where to write the rows as JSON")
    parser.add_argument("--compare", help="an earlier output: list the articles whose rows differ")
    args = parser.parse_args(argv)
    rows = rows_of(args.folders)
    Path(args.out).write_text(json.dumps(rows, indent=1, sort_keys=True, ensure_ascii=False), encoding="utf-8")
    print(f"{len(rows)} articles, {sum(len(t) for a in rows.values() for t in a.values())} rows -> {args.out}")
    if not args.compare:
        return 0
    diff = differences(json.loads(Path(args.compare).read_text(encoding="utf-8")), rows)
    print("\n".join(diff) if diff else f"identical to {args.compare}")
    return 1 if diff else 0


if __name__ == "__main__":
    sys.exit(main())
