"""Reading articles from files, folders and http(s) URLs into raw records."""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Iterator

import charset_normalizer
import frontmatter
import trafilatura
from dateutil import parser as dateparser

from transforms.text import article_id, normalise_text

SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
MIN_BODY_WORDS = 20  # less than this left after boilerplate removal is a menu, not an article


def max_bytes() -> int:
    """The size limit of one input: AI_RACE_MAX_INPUT_BYTES, default 10 MB."""
    return int(os.environ.get("AI_RACE_MAX_INPUT_BYTES", 10 * 1024 * 1024))


class InputError(Exception):
    """An input that cannot become an article; the message names it and says why."""


@dataclass(frozen=True)
class RawArticle:
    """An article as it lands in the raw zone."""

    article_id: str
    source: str
    text: str
    title: str | None
    published_at: datetime | None
    url: str | None

    @classmethod
    def build(cls, source: str, text: str, meta: dict) -> "RawArticle":
        """Normalise text and metadata; rejects an article with no text."""
        clean = normalise_text(text or "")
        if not clean:
            raise InputError(f"{source}: no article text")
        title = meta.get("title")
        return cls(article_id(clean), source, clean, str(title).strip() if title else None,
                   parse_timestamp(meta.get("published_at")), meta.get("url"))


def parse_timestamp(value) -> datetime | None:
    """A published date in any common form as an aware UTC datetime, else None."""
    if value in (None, ""):
        return None
    if isinstance(value, datetime):
        stamp = value
    elif isinstance(value, date):
        stamp = datetime(value.year, value.month, value.day)
    else:
        try:
            stamp = dateparser.parse(str(value))
        except (ValueError, OverflowError):
            return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=timezone.utc)
    return stamp.astimezone(timezone.utc)


def decode(data: bytes, name: str) -> str:
    """Bytes as text: UTF-8 (BOM allowed), else a detected charset; binary is rejected."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    if len(data) > max_bytes():
        raise InputError(f"{name}: {len(data)} bytes is over the {max_bytes()}-byte limit")
    if b"\x00" in data[:8192]:
        raise InputError(f"{name}: binary file, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        best = charset_normalizer.from_bytes(data).best()
        if best is None:
            raise InputError(f"{name}: undecodable text (not UTF-8, charset unknown)") from None
        return str(best)


def parse_document(name: str, suffix: str, text: str, sidecar: dict | None = None) -> list[RawArticle]:
    """Articles in one document's text, by its format."""
    if suffix == ".txt":
        return [RawArticle.build(name, text, sidecar or {})]
    if suffix == ".md":
        try:
            post = frontmatter.loads(text)
        except Exception as exc:  # the YAML library raises many types
            raise InputError(f"{name}: front matter does not parse ({type(exc).__name__})") from None
        return [RawArticle.build(name, post.content, dict(post.metadata))]
    if suffix in (".html", ".htm"):
        return [parse_html(name, text)]
    if suffix == ".json":
        return [_from_object(name, _load_json(name, text))]
    if suffix == ".jsonl":
        return list(_jsonl(name, text))
    raise InputError(f"{name}: unsupported file type {suffix!r}")


def parse_html(name: str, html: str, url: str | None = None) -> RawArticle:
    """The main text and metadata of a web page; boilerplate is dropped."""
    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None or len((doc.text or "").split()) < MIN_BODY_WORDS:
        raise InputError(f"{name}: no article body found in the HTML")
    return RawArticle.build(name, doc.text, {"title": doc.title, "published_at": doc.date,
                                             "url": url or doc.url})


def _load_json(name: str, text: str) -> dict:
    try:
        obj = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: malformed JSON ({exc.msg} at line {exc.lineno})") from None
    return obj


def _from_object(name: str, obj) -> RawArticle:
    if not isinstance(obj, dict) or not isinstance(obj.get("text"), str):
        raise InputError(f"{name}: JSON object without a 'text' string")
    return RawArticle.build(name, obj["text"], obj)


def _jsonl(name: str, text: str) -> Iterator[RawArticle | InputError]:
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        source = f"{name}#{number}"
        try:
            yield _from_object(source, _load_json(source, line))
        except InputError as exc:
            yield exc


def _sidecar(path: Path) -> dict:
    meta = path.with_name(path.stem + ".meta.json")
    if not meta.is_file():
        return {}
    obj = _load_json(str(meta), decode(meta.read_bytes(), str(meta)))
    return obj if isinstance(obj, dict) else {}


def read_file(path: Path, name: str) -> list[RawArticle | InputError]:
    """Articles in one file (a .jsonl may hold several, some of them bad)."""
    try:
        size = path.stat().st_size
        if size > max_bytes():
            raise InputError(f"{name}: {size} bytes is over the {max_bytes()}-byte limit")
        text = decode(path.read_bytes(), name)
        sidecar = _sidecar(path) if path.suffix.lower() == ".txt" else None
        return list(parse_document(name, path.suffix.lower(), text, sidecar))
    except InputError as exc:
        return [exc]
    except OSError as exc:
        return [InputError(f"{name}: cannot read ({exc.strerror})")]


def discover(source: str) -> list[tuple[Path, str] | InputError]:
    """(path, name) of every article file under a file or folder source; links that lead
    outside the folder are rejected, never followed."""
    root = Path(source)
    if root.is_file():
        return [(root, source)]
    if not root.is_dir():
        raise InputError(f"{source}: no such file or folder")
    inside = root.resolve()
    found: list[tuple[Path, str] | InputError] = []
    for path in sorted(root.rglob("*")):
        if path.suffix.lower() not in SUFFIXES or path.name.endswith(".meta.json"):
            continue
        if path.is_symlink() and not path.resolve().is_relative_to(inside):
            found.append(InputError(f"{path}: symbolic link pointing outside {source}"))
        elif path.is_file():
            found.append((path, str(path)))
    return found
