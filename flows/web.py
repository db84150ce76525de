"""Fetching http(s) sources: RSS/Atom feeds and article pages, as untrusted input.

Every response has an overall deadline (a server trickling bytes cannot hold a fetch), bodies are
size-capped, and connections go only to public addresses, checked where the socket is opened (so
a redirect or a DNS answer cannot lead to loopback, private, link-local or cloud metadata
addresses) unless AI_RACE_ALLOW_PRIVATE_URLS=1.
"""
from __future__ import annotations

import ipaddress
import os
import socket
import time
from dataclasses import dataclass
from email.utils import parsedate_to_datetime
from urllib.parse import urljoin, urlsplit

import feedparser
import httpcore
import httpx

from flows.sources import InputError, RawArticle, max_bytes, parse_html, parse_timestamp

USER_AGENT = "ai-race-tables/0.1 (news-to-tables pipeline; python-httpx)"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)  # per read and per connect
MAX_REDIRECTS = 5
MAX_RETRY_AFTER_WAITS = 3  # a server answering "Retry-After: 0" forever gets this many tries


def response_deadline() -> float:
    """Seconds one response may take in all, headers and body: AI_RACE_FETCH_DEADLINE, default 30."""
    return float(os.environ.get("AI_RACE_FETCH_DEADLINE", 30))


def max_retry_after() -> float:
    """The longest `Retry-After` wait honoured within a run: AI_RACE_MAX_RETRY_AFTER, default 60 s."""
    return float(os.environ.get("AI_RACE_MAX_RETRY_AFTER", 60))


def private_urls_allowed() -> bool:
    """Whether fetching from loopback, private and link-local addresses is allowed
    (AI_RACE_ALLOW_PRIVATE_URLS=1: for tests and feeds on one's own network)."""
    return os.environ.get("AI_RACE_ALLOW_PRIVATE_URLS", "") == "1"


_wait = time.sleep  # how Retry-After is waited out (tests record it instead)


class TransientFetchError(Exception):
    """A failure worth retrying: timeouts, dropped connections, 5xx and 429 answers."""


@dataclass(frozen=True)
class Page:
    """A fetched document."""

    url: str
    content_type: str
    text: str


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed: the page it links to, with the feed's title and date for it."""

    url: str
    title: str | None
    published_at: str | None


def is_url(source: str) -> bool:
    """Whether a source is an http(s) URL rather than a path."""
    return urlsplit(source).scheme.lower() in ("http", "https")


def _url_problem(url: str) -> str | None:
    """Why a URL is not fetched (another scheme, or it does not parse), else None."""
    try:
        parts = urlsplit(url)
        host = parts.hostname
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError as exc:
        return f"not a valid URL ({exc})"
    if parts.scheme.lower() not in ("http", "https"):
        return "only http and https URLs are fetched"
    return None if host else "not a valid URL (no host)"


def _check_url(url: str) -> None:
    problem = _url_problem(url)
    if problem:
        raise InputError(f"{url}: {problem}")


def _refused_address(address: str) -> bool:
    ip = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    return not ip.is_global or ip.is_multicast


class BlockedAddress(httpcore.ConnectError):
    """A connection refused because its address is not a public one."""


class _DeadlineStream(httpcore.NetworkStream):
    """A connection whose reads and writes all end by one deadline."""

    def __init__(self, inner: httpcore.NetworkStream, deadline: float):
        self._inner, self._deadline = inner, deadline

    def _left(self, timeout: float | None) -> float:
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ReadTimeout("response deadline passed")
        return left if timeout is None else min(timeout, left)

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        return self._inner.read(max_bytes, self._left(timeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        self._inner.write(buffer, self._left(timeout))

    def close(self) -> None:
        self._inner.close()

    def start_tls(self, ssl_context, server_hostname=None, timeout=None) -> "_DeadlineStream":
        return _DeadlineStream(self._inner.start_tls(ssl_context, server_hostname, self._left(timeout)),
                               self._deadline)

    def get_extra_info(self, info: str):
        return self._inner.get_extra_info(info)


class _GuardedBackend(httpcore.NetworkBackend):
    """Opens TCP connections only to public addresses (the name is resolved here and the checked
    address is the one connected to, so DNS cannot answer differently the second time)."""

    def __init__(self, deadline: float):
        self._inner, self._deadline = httpcore.SyncBackend(), deadline

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):
        target = host if private_urls_allowed() else _public_address(host, port)
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise httpcore.ConnectTimeout("response deadline passed")
        timeout = left if timeout is None else min(timeout, left)
        return _DeadlineStream(self._inner.connect_tcp(target, port, timeout, local_address, socket_options),
                               self._deadline)

    def connect_unix_socket(self, path, timeout=None, socket_options=None):
        raise BlockedAddress("unix sockets are never fetched")

    def sleep(self, seconds: float) -> None:
        self._inner.sleep(seconds)


def _public_address(host: str, port: int) -> str:
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise httpcore.ConnectError(f"cannot resolve {host}: {exc}") from None
    addresses = list(dict.fromkeys(info[4][0] for info in found))
    blocked = [a for a in addresses if _refused_address(a)]
    if blocked or not addresses:
        raise BlockedAddress(f"{host} resolves to a non-public address ({blocked[0] if blocked else 'none'}); "
                             "set AI_RACE_ALLOW_PRIVATE_URLS=1 to allow it")
    return addresses[0]


class _GuardedTransport(httpx.HTTPTransport):
    def __init__(self, deadline: float):
        super().__init__()
        # httpx takes no network backend of its own; its pool does.
        self._pool = httpcore.ConnectionPool(ssl_context=httpx.create_ssl_context(),
                                             network_backend=_GuardedBackend(deadline))


def fetch(url: str, timeout: httpx.Timeout = TIMEOUT) -> Page:
    """GET a URL: redirects followed only to http(s) on public addresses, size capped, each
    response within the deadline, `Retry-After` waited out within its cap; errors sorted into
    permanent (InputError) and transient (TransientFetchError)."""
    _check_url(url)
    waited = 0.0
    for attempt in range(MAX_RETRY_AFTER_WAITS + 1):
        try:
            return _fetch_once(url, timeout)
        except _RetryAfter as asked:
            if attempt == MAX_RETRY_AFTER_WAITS:
                break
            if waited + asked.seconds > max_retry_after():
                raise InputError(f"{url}: HTTP {asked.status}, asked to retry after {asked.seconds:.0f} s, over "
                                 f"the {max_retry_after():.0f}-s cap (left for a later run)") from None
            _wait(asked.seconds)
            waited += asked.seconds
    raise TransientFetchError(f"{url}: still asked to retry later after {MAX_RETRY_AFTER_WAITS} waits")


class _RetryAfter(Exception):
    def __init__(self, status: int, seconds: float):
        super().__init__(status, seconds)
        self.status, self.seconds = status, seconds


def _fetch_once(url: str, timeout: httpx.Timeout) -> Page:
    deadline = time.monotonic() + response_deadline()
    current = url
    try:
        with httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False,
                          transport=_GuardedTransport(deadline)) as client:
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        current = urljoin(current, response.headers.get("location", ""))
                        _check_url(current)
                        continue
                    _raise_for_status(url, response)
                    body = _read_capped(url, response)
                    return Page(current, response.headers.get("content-type", ""),
                                body.decode(response.encoding or "utf-8", errors="replace"))
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        if time.monotonic() >= deadline:
            raise TransientFetchError(f"{url}: no complete response within {response_deadline():.0f} s") from None
        if isinstance(exc.__cause__, BlockedAddress):  # httpx wraps what the connection refused
            raise InputError(f"{current}: {exc}") from None
        raise TransientFetchError(f"{url}: {type(exc).__name__}") from None
    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _raise_for_status(url: str, response: httpx.Response) -> None:
    if response.status_code in (429, 503):
        seconds = _retry_after(response.headers.get("retry-after"))
        if seconds is not None:
            raise _RetryAfter(response.status_code, seconds)
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientFetchError(f"{url}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise InputError(f"{url}: HTTP {response.status_code}")


def _retry_after(value: str | None) -> float | None:
    """A Retry-After header (seconds or an HTTP date) in seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, OverflowError):
        return None


def _read_capped(url: str, response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes():
            raise InputError(f"{url}: response over the {max_bytes()}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def feed_items(page: Page) -> list[FeedItem | InputError] | None:
    """The items of a feed (an item whose link cannot be fetched is a reason instead), or None
    when the page is not a feed."""
    looks_like_feed = any(t in page.content_type for t in ("rss", "atom", "xml")) or \
        page.text.lstrip()[:200].lower().startswith(("<?xml", "<rss", "<feed"))
    if not looks_like_feed:
        return None
    parsed = feedparser.parse(page.text)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{page.url}: not a readable RSS/Atom feed ({type(parsed.bozo_exception).__name__})")
    if not parsed.entries and not parsed.version:
        raise InputError(f"{page.url}: served as a feed but is neither RSS nor Atom")
    return [_item(page.url, entry) for entry in parsed.entries]


def _item(feed: str, entry) -> FeedItem | InputError:
    """A feed entry as an item to fetch, or the reason it is skipped."""
    link = entry.get("link")
    if not isinstance(link, str) or not link.strip():
        return InputError(f"{feed}: feed item {entry.get('title')!r} has no link (skipped)")
    try:
        url = urljoin(feed, link.strip())
    except ValueError as exc:
        url, problem = link, f"not a valid URL ({exc})"
    else:
        problem = _url_problem(url)
    if problem:
        return InputError(f"{link}: {problem} (feed item of {feed} skipped)")
    return FeedItem(url, entry.get("title"), entry.get("published") or entry.get("updated"))


def article_from_page(page: Page, item: FeedItem | None = None) -> RawArticle:
    """The article on a fetched page; a feed item's title and date win over the page's."""
    article = parse_html(page.url, page.text, url=page.url)
    if item is None:
        return article
    feed_date = parse_timestamp(item.published_at) is not None or article.published_at is None
    return RawArticle.build(item.url, article.text, {
        "title": item.title or article.title,
        "published_at": item.published_at if feed_date else article.published_at,
        "url": item.url})
