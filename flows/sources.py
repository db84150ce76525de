"""Reading articles from files and folders into raw records, as untrusted input: every read is
bounded (size by stat before reading, JSON depth and YAML nodes before parsing) and every file
that is not read is reported with its reason."""
from __future__ import annotations

import codecs
import json
import os
import re
import stat
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import frontmatter
import yaml
from dateutil import parser as dateparser
from frontmatter.default_handlers import YAMLHandler

from flows.escaping import escape_controls
from transforms.text import article_id, normalise_text

SUFFIXES = (".txt", ".md", ".html", ".htm", ".json", ".jsonl")
SIDECAR = ".meta.json"
MIN_BODY_WORDS = 20  # less than this left after boilerplate removal is a menu, not an article
MAX_JSON_DEPTH = 64  # an article object is 1 deep; far deeper nesting is an attack on the parser
MAX_YAML_NODES = 10_000  # front matter holds a few fields, not a data set
MAX_YAML_DEPTH = 32
MAX_OFFSET = timedelta(hours=14)  # the widest UTC offset any zone uses (Kiribati, +14:00)
# Dates every reader of the tables can hold (pandas' nanosecond range): others are not kept.
EARLIEST, LATEST = datetime(1678, 1, 1, tzinfo=timezone.utc), datetime(2262, 1, 1, tzinfo=timezone.utc)
MAX_DATE_CHARS = 100  # longer "dates" are prose, not dates, and only slow the date parser down
BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # UTF-32 LE starts like UTF-16 LE


def max_bytes() -> int:
    """The size limit of one input: AI_RACE_MAX_INPUT_BYTES, default 10 MB."""
    return int(os.environ.get("AI_RACE_MAX_INPUT_BYTES", 10 * 1024 * 1024))


class InputError(Exception):
    """An input that cannot become an article; the message names it and says why, on one line
    (control characters in names are escaped, so no name can forge a log line)."""

    def __init__(self, message: str):
        super().__init__(escape_controls(message))


@dataclass(frozen=True)
class RawArticle:
    """An article as it lands in the raw zone; `warnings` name metadata that was dropped."""

    article_id: str
    source: str
    text: str
    title: str | None
    published_at: datetime | None
    url: str | None
    warnings: tuple[str, ...] = field(default=(), compare=False)

    @classmethod
    def build(cls, source: str, text: str, meta: dict) -> "RawArticle":
        """Normalise text and metadata; rejects an article with no text, drops (with a warning)
        a metadata field of the wrong type or a date that cannot be represented."""
        clean = normalise_text(text or "")
        if not clean:
            raise InputError(f"{source}: no article text")
        warnings: list[str] = []
        title = _text_field(source, "title", meta.get("title"), warnings)
        url = _text_field(source, "url", meta.get("url"), warnings)
        published = meta.get("published_at")
        published_at = parse_timestamp(published)
        if published_at is None and published not in (None, ""):
            warnings.append(escape_controls(f"{source}: published_at {_shown(published)} is not a date that "
                                            "can be represented; kept as null"))
        return cls(article_id(clean), source, clean, title, published_at, url, tuple(warnings))


def _text_field(source: str, name: str, value, warnings: list[str]) -> str | None:
    """A title or URL as a stripped string: numbers are written out, other types dropped."""
    if value is None:
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        warnings.append(escape_controls(f"{source}: {name} of type {type(value).__name__} dropped "
                                        "(a string was expected)"))
        return None
    return value.strip() or None


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def parse_timestamp(value) -> datetime | None:
    """A date in any common form as an aware UTC datetime; None for anything else, never an
    error: unparseable text, impossible offsets and dates at the edge of the calendar included."""
    if value is None or isinstance(value, bool):
        return None
    try:
        stamp = _as_datetime(value)
        if stamp is None:
            return None
        if stamp.tzinfo is None:
            stamp = stamp.replace(tzinfo=timezone.utc)
        offset = stamp.utcoffset()
        if offset is None or abs(offset) > MAX_OFFSET:
            return None
        stamp = stamp.astimezone(timezone.utc)
    except (ValueError, OverflowError, TypeError, ArithmeticError, LookupError):
        return None  # dateutil and datetime raise these for dates they cannot represent
    return stamp if EARLIEST <= stamp < LATEST else None


_FOUR_DIGITS = re.compile(r"(?<!\d)\d{4}(?!\d)")


def _as_datetime(value) -> datetime | None:
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    if not isinstance(value, (str, int, float)):
        return None
    text = str(value).strip()
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    stamp = dateparser.parse(text)
    # The parser reads a four-digit year 0001-0099 as 2001-2099; a date whose written year it
    # did not keep is not the date written.
    years = _FOUR_DIGITS.findall(text)
    return None if years and f"{stamp.year:04d}" not in years else stamp


def decode(data: bytes, name: str) -> str:
    """Bytes as text: by its BOM (UTF-8, UTF-16, UTF-32), else UTF-8, else a detected charset;
    binary is rejected."""
    if not data.strip():
        raise InputError(f"{name}: empty file")
    if len(data) > max_bytes():
        raise InputError(f"{name}: {len(data)} bytes is over the {max_bytes()}-byte limit")
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return _nonempty(data.decode(encoding), name)
            except UnicodeDecodeError:
                raise InputError(f"{name}: undecodable text (starts with a {encoding} byte-order mark "
                                 "but is not valid)") from None
    if b"\x00" in data[:8192]:
        return _wide_text(data, name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        best = _detected(data)
        if best is None:
            raise InputError(f"{name}: undecodable text (not UTF-8, charset unknown)") from None
        return str(best)


def _detected(data: bytes):
    """charset_normalizer's best guess at the bytes' encoding, or None. Imported on first use:
    only text that is not UTF-8 needs it, and extraction workers read landed records only."""
    import charset_normalizer

    return charset_normalizer.from_bytes(data).best()


def _wide_text(data: bytes, name: str) -> str:
    """UTF-16 or UTF-32 without a byte-order mark, when charset detection can tell; else binary."""
    best = _detected(data[:65536])
    if best is None or not best.encoding.startswith(("utf_16", "utf_32")):
        raise InputError(f"{name}: binary file, not text (or UTF-16/32 without a byte-order mark "
                         "that cannot be told apart)")
    try:
        return _nonempty(data.decode(best.encoding), name)
    except UnicodeDecodeError:
        raise InputError(f"{name}: binary file, not text") from None


def _nonempty(text: str, name: str) -> str:
    if not text.strip():
        raise InputError(f"{name}: empty file")
    return text


def read_bytes(path: Path, name: str) -> bytes:
    """A regular file's bytes, its size checked by stat before reading (and capped while
    reading, should it grow); FIFOs, devices and sockets are refused without blocking."""
    try:
        descriptor = os.open(path, os.O_RDONLY | os.O_NONBLOCK)
    except OSError as exc:
        raise InputError(f"{name}: cannot read ({exc.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise InputError(f"{name}: {_kind(info.st_mode)}, not a regular file (not read)")
        if info.st_size > max_bytes():
            raise InputError(f"{name}: {info.st_size} bytes is over the {max_bytes()}-byte limit")
        data = handle.read(max_bytes() + 1)
    if len(data) > max_bytes():
        raise InputError(f"{name}: over the {max_bytes()}-byte limit")
    return data


def _kind(mode: int) -> str:
    if stat.S_ISFIFO(mode):
        return "a FIFO"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a folder" if stat.S_ISDIR(mode) else "a special file"


class _BoundedYAMLLoader(yaml.SafeLoader):
    """Safe YAML that refuses aliases (a kilobyte of them can expand to gigabytes), caps nodes
    and nesting before building anything, and leaves timestamps as text for parse_timestamp."""

    def __init__(self, stream):
        super().__init__(stream)
        self._nodes = 0
        self._depth = 0

    def compose_node(self, parent, index):
        if self.check_event(yaml.AliasEvent):
            raise _refused("aliases are not allowed", self.peek_event())
        self._nodes += 1
        self._depth += 1
        if self._nodes > MAX_YAML_NODES or self._depth > MAX_YAML_DEPTH:
            raise _refused(f"more than {MAX_YAML_NODES} values or {MAX_YAML_DEPTH} levels", self.peek_event())
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _refused(problem: str, event) -> yaml.YAMLError:
    return yaml.MarkedYAMLError(problem=problem, problem_mark=event.start_mark)


_BoundedYAMLLoader.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_scalar)


class _BoundedYAMLHandler(YAMLHandler):
    def load(self, fm: str, **kwargs: object):
        return yaml.load(fm, Loader=_BoundedYAMLLoader)  # noqa: S506 - a SafeLoader subclass


def _front_matter(name: str, text: str) -> tuple[dict, str]:
    """YAML front matter (the contract's only kind) and the body."""
    handler = _BoundedYAMLHandler()
    if not handler.detect(text):
        return {}, text
    try:
        metadata, body = frontmatter.parse(text, handler=handler)
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        reason = getattr(exc, "problem", None) or type(exc).__name__
        raise InputError(f"{name}: front matter does not parse ({reason})") from None
    return metadata, body


def parse_document(name: str, suffix: str, text: str, sidecar: dict | None = None) -> list[RawArticle]:
    """Articles in one document's text, by its format."""
    if suffix == ".txt":
        return [RawArticle.build(name, text, sidecar or {})]
    if suffix == ".md":
        metadata, body = _front_matter(name, text)
        return [RawArticle.build(name, body, metadata)]
    if suffix in (".html", ".htm"):
        return [parse_html(name, text)]
    if suffix == ".json":
        return [_from_object(name, load_json(name, text))]
    if suffix == ".jsonl":
        return list(_jsonl(name, text))
    raise InputError(f"{name}: unsupported file type {suffix!r}")


def parse_html(name: str, html: str, url: str | None = None) -> RawArticle:
    """The main text and metadata of a web page; boilerplate is dropped."""
    import trafilatura  # with lxml, tens of MB: loaded by the processes that read HTML only

    doc = trafilatura.bare_extraction(html, url=url, with_metadata=True, include_comments=False,
                                      include_tables=False, favor_precision=True)
    if doc is None or len((doc.text or "").split()) < MIN_BODY_WORDS:
        raise InputError(f"{name}: no article body found in the HTML")
    return RawArticle.build(name, doc.text, {"title": doc.title, "published_at": doc.date,
                                             "url": url or doc.url})


_JSON_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


def json_depth(text: str) -> int:
    """How deeply JSON text nests, counted without parsing it (brackets inside strings ignored)."""
    depth = deepest = 0
    for match in _JSON_BRACKET.finditer(_JSON_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest


def load_json(name: str, text: str):
    """Parsed JSON, its nesting depth checked before parsing."""
    if json_depth(text) > MAX_JSON_DEPTH:
        raise InputError(f"{name}: JSON nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{name}: malformed JSON ({exc.msg} at line {exc.lineno})") from None
    except ValueError as exc:  # a number too long to convert, among others
        raise InputError(f"{name}: malformed JSON ({str(exc).split(':')[0]})") from None
    except RecursionError:  # the depth check counts what the parser sees; this is a backstop
        raise InputError(f"{name}: JSON nested too deeply") from None


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
            yield _from_object(source, load_json(source, line))
        except InputError as exc:
            yield exc


def _sidecar(path: Path, root: Path) -> dict:
    """The metadata beside a .txt; one that is a link leading outside the source folder is refused."""
    meta = path.with_name(path.stem + SIDECAR)
    if not os.path.lexists(meta):
        return {}
    if meta.is_symlink() and not _inside(meta, root):
        raise InputError(f"{meta}: symbolic link pointing outside {root} (not read)")
    obj = load_json(str(meta), decode(read_bytes(meta, str(meta)), str(meta)))
    return obj if isinstance(obj, dict) else {}


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a link loop leads nowhere inside
        return False


def read_file(path: Path, name: str, root: Path | None = None) -> list[RawArticle | InputError]:
    """Articles in one file (a .jsonl may hold several, some of them bad). `root` is the source
    folder that a .txt's sidecar must not lead out of (default: the file's own folder)."""
    try:
        text = decode(read_bytes(path, name), name)
        sidecar = _sidecar(path, root or path.parent) if path.suffix.lower() == ".txt" else None
        return list(parse_document(name, path.suffix.lower(), text, sidecar))
    except InputError as exc:
        return [exc]


def discover(source: str, skip: str | Path | None = None) -> list[tuple[Path, str] | InputError]:
    """(path, name) of every article file under a file or folder source, in path order, and a
    reason for every entry that is not read: other file types, FIFOs and other special files,
    links to folders, links leading outside the folder. Folders under `skip` (the data dir) are
    the pipeline's own output and are passed over."""
    if not str(source).strip():
        raise InputError("(empty source path): give a file, a folder or an http(s) URL")
    root = Path(source)
    if root.is_file():
        return [(root, source)]
    if not root.is_dir():
        if os.path.lexists(root):
            raise InputError(f"{source}: not a regular file or folder (not read)")
        raise InputError(f"{source}: no such file or folder")
    skipped = Path(skip).resolve() if skip and "://" not in str(skip) else None
    if skipped and _inside(root, skipped):
        raise InputError(f"{source}: inside the data dir {skip} (not read)")
    found: list[tuple[str, tuple[Path, str] | InputError]] = []
    for folder, dirs, files in os.walk(root):
        for entry in list(dirs):
            path = Path(folder, entry)
            if path.is_symlink():
                found.append((str(path), InputError(f"{path}: symbolic link to a folder (not followed)")))
                dirs.remove(entry)
            elif skipped and _inside(path, skipped):
                dirs.remove(entry)
        siblings = set(files)  # once per folder: per file it made listing a folder quadratic
        for entry in files:
            path = Path(folder, entry)
            item = _entry(path, root, siblings)
            if item is not None:
                found.append((str(path), item))
    return [item for _, item in sorted(found, key=lambda pair: pair[0])]


def _entry(path: Path, root: Path, siblings: set[str]) -> tuple[Path, str] | InputError | None:
    """A file of a folder source: to read, a reason it is not read, or None for a sidecar."""
    name = path.name
    if name.lower().endswith(SIDECAR):
        if name[:-len(SIDECAR)] + ".txt" in siblings:
            return None  # read with its article
        return InputError(f"{path}: sidecar without its {name[:-len(SIDECAR)]}.txt (not read)")
    if path.is_symlink() and not _inside(path, root):
        return InputError(f"{path}: symbolic link pointing outside {root} (not read)")
    try:
        mode = path.stat().st_mode
    except OSError as exc:
        return InputError(f"{path}: cannot read ({exc.strerror})")
    if not stat.S_ISREG(mode):
        return InputError(f"{path}: {_kind(mode)}, not a regular file (not read)")
    if path.suffix.lower() not in SUFFIXES:
        return InputError(f"{path}: unsupported file type {path.suffix.lower() or '(none)'!r} (not read; "
                          f"articles are {', '.join(SUFFIXES)})")
    return path, str(path)
