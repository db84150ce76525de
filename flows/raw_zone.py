"""The landing zone: one immutable JSON record per distinct article, named by its id.

The data dir is a local path or an object-store URI (s3://bucket/prefix); pyarrow's file
systems cover both. Locally a record is written under a temporary name and hard-linked into
place, so it appears whole and the first writer wins; on an object store each PUT is atomic and
a record's name is its content hash, so a race can only write the same article twice.
"""
from __future__ import annotations

import json
import os
import tempfile
from dataclasses import asdict
from datetime import datetime, timezone
from pathlib import Path
from typing import Iterator

from pyarrow import fs

from flows.sources import RawArticle, parse_timestamp


def is_remote(data_dir: str | Path) -> bool:
    """Whether the data dir is an object-store URI rather than a local path."""
    return "://" in str(data_dir)


def _zone(data_dir: str | Path) -> tuple[fs.FileSystem, str]:
    if is_remote(data_dir):
        return fs.FileSystem.from_uri(f"{str(data_dir).rstrip('/')}/raw")
    return fs.LocalFileSystem(), str(Path(data_dir, "raw").resolve())


def _record_name(article_id: str) -> str:
    return f"{article_id[:2]}/{article_id}.json"


def _record(article: RawArticle) -> bytes:
    record = asdict(article)
    del record["warnings"]  # said in the run's log; the record keeps the article as read
    record["published_at"] = article.published_at.isoformat() if article.published_at else None
    record["fetched_at"] = datetime.now(timezone.utc).isoformat()
    return json.dumps(record, ensure_ascii=False).encode("utf-8")


def land(data_dir: str | Path, article: RawArticle) -> bool:
    """Write the record once; False when the article had already landed."""
    if is_remote(data_dir):
        filesystem, base = _zone(data_dir)
        path = f"{base}/{_record_name(article.article_id)}"
        if filesystem.get_file_info(path).type != fs.FileType.NotFound:
            return False
        with filesystem.open_output_stream(path) as handle:
            handle.write(_record(article))
        return True
    # Plain os calls, as few as possible: landing costs file-system calls, not CPU.
    path = os.path.join(os.path.abspath(data_dir), "raw", _record_name(article.article_id))
    if os.path.exists(path):
        return False
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, exist_ok=True)
    descriptor, tmp = tempfile.mkstemp(dir=folder, prefix=".landing-")
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(_record(article))
    try:
        os.link(tmp, path)  # atomic and never overwrites: the first writer wins
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)
    return True


def read_record(data_dir: str | Path, article_id: str) -> dict:
    """A landed record with timestamps parsed; a title or URL of another type than text (landed
    before metadata was checked) reads as null."""
    if is_remote(data_dir):
        filesystem, base = _zone(data_dir)
        with filesystem.open_input_stream(f"{base}/{_record_name(article_id)}") as handle:
            data = handle.read()
    else:
        data = Path(data_dir, "raw", _record_name(article_id)).read_bytes()
    record = json.loads(data.decode("utf-8"))
    record["published_at"] = _stored_time(record.get("published_at"))
    record["fetched_at"] = _stored_time(record.get("fetched_at"))
    for key in ("title", "url"):
        if not isinstance(record.get(key), str):
            record[key] = None
    return record


def _stored_time(value) -> datetime | None:
    # Records hold the ISO form they were written in (fast to read); hand-made ones may not.
    try:
        return parse_timestamp(datetime.fromisoformat(value) if isinstance(value, str) and value else None)
    except ValueError:
        return parse_timestamp(value)


def landed_ids(data_dir: str | Path) -> Iterator[str]:
    """Ids of every article in the raw zone."""
    filesystem, base = _zone(data_dir)
    infos = filesystem.get_file_info(fs.FileSelector(base, recursive=True, allow_not_found=True))
    for info in sorted(infos, key=lambda i: i.path):
        if info.type == fs.FileType.File and info.base_name.endswith(".json"):
            yield info.base_name[:-5]


def landed_urls(data_dir: str | Path) -> dict[str, str]:
    """URL -> article id of every landed article that came from (or names) a URL."""
    urls = {}
    for article_id in landed_ids(data_dir):
        try:
            record = read_record(data_dir, article_id)
        except (OSError, ValueError):  # a damaged record names no URL; extraction reports it
            continue
        for url in (record["url"], record.get("source")):
            if isinstance(url, str) and url.startswith(("http://", "https://")):
                urls[url] = article_id
    return urls
