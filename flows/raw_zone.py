"""The landing zone: one immutable JSON record per distinct article."""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from flows.sources import RawArticle, parse_timestamp


def record_path(data_dir: Path, article_id: str) -> Path:
    """Content-addressed location of an article's record."""
    return data_dir / "raw" / article_id[:2] / f"{article_id}.json"


def land(data_dir: Path, article: RawArticle) -> bool:
    """Write the record once; False when the article had already landed."""
    path = record_path(data_dir, article.article_id)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    record = asdict(article)
    record["published_at"] = article.published_at.isoformat() if article.published_at else None
    record["fetched_at"] = datetime.now(timezone.utc).isoformat()
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".landing-")
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(record, handle, ensure_ascii=False)
    try:
        os.link(tmp, path)  # atomic and never overwrites: the first writer wins
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
    return True


def read_record(data_dir: Path, article_id: str) -> dict:
    """A landed record with timestamps parsed."""
    record = json.loads(record_path(data_dir, article_id).read_text(encoding="utf-8"))
    record["published_at"] = parse_timestamp(record.get("published_at"))
    record["fetched_at"] = parse_timestamp(record.get("fetched_at"))
    return record


def landed_ids(data_dir: Path) -> Iterator[str]:
    """Ids of every article in the raw zone."""
    for path in sorted((data_dir / "raw").glob("*/*.json")):
        yield path.stem


def landed_urls(data_dir: Path) -> dict[str, str]:
    """URL -> article id of every landed article that came from (or names) a URL."""
    urls = {}
    for article_id in landed_ids(data_dir):
        record = json.loads(record_path(data_dir, article_id).read_text(encoding="utf-8"))
        for url in {record.get("url"), record.get("source")}:
            if url and str(url).startswith(("http://", "https://")):
                urls[url] = article_id
    return urls
