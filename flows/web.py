"""Fetching http(s) sources: RSS/Atom feeds and article pages, as untrusted input."""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

import feedparser
import httpx

from flows.sources import InputError, RawArticle, max_bytes, parse_html

USER_AGENT = "ai-race-tables/0.1 (news-to-tables pipeline; python-httpx)"
TIMEOUT = httpx.Timeout(10.0, connect=5.0)
MAX_REDIRECTS = 5


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


def _check_scheme(url: str) -> None:
    if urlsplit(url).scheme.lower() not in ("http", "https"):
        raise InputError(f"{url}: only http and https URLs are fetched")


def fetch(url: str, timeout: httpx.Timeout = TIMEOUT) -> Page:
    """GET a URL: redirects followed only to http(s), size capped, errors sorted into
    permanent (InputError) and transient (TransientFetchError)."""
    _check_scheme(url)
    current = url
    try:
        with httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, follow_redirects=False) as client:
            for _ in range(MAX_REDIRECTS + 1):
                with client.stream("GET", current) as response:
                    if response.is_redirect:
                        current = urljoin(current, response.headers.get("location", ""))
                        _check_scheme(current)
                        continue
                    _raise_for_status(url, response)
                    body = _read_capped(url, response)
                    return Page(current, response.headers.get("content-type", ""),
                                body.decode(response.encoding or "utf-8", errors="replace"))
    except (httpx.TimeoutException, httpx.TransportError) as exc:
        raise TransientFetchError(f"{url}: {type(exc).__name__}") from None
    raise InputError(f"{url}: more than {MAX_REDIRECTS} redirects")


def _raise_for_status(url: str, response: httpx.Response) -> None:
    if response.status_code >= 500 or response.status_code == 429:
        raise TransientFetchError(f"{url}: HTTP {response.status_code}")
    if response.status_code >= 400:
        raise InputError(f"{url}: HTTP {response.status_code}")


def _read_capped(url: str, response: httpx.Response) -> bytes:
    chunks, size = [], 0
    for chunk in response.iter_bytes():
        size += len(chunk)
        if size > max_bytes():
            raise InputError(f"{url}: response over the {max_bytes()}-byte limit")
        chunks.append(chunk)
    return b"".join(chunks)


def feed_items(page: Page) -> list[FeedItem] | None:
    """The items of a feed, or None when the page is not a feed."""
    looks_like_feed = any(t in page.content_type for t in ("rss", "atom", "xml")) or \
        page.text.lstrip()[:200].lower().startswith(("<?xml", "<rss", "<feed"))
    if not looks_like_feed:
        return None
    parsed = feedparser.parse(page.text)
    if parsed.bozo and not parsed.entries:
        raise InputError(f"{page.url}: not a readable RSS/Atom feed ({type(parsed.bozo_exception).__name__})")
    items = []
    for entry in parsed.entries:
        link = urljoin(page.url, entry.get("link") or "")
        if urlsplit(link).scheme.lower() in ("http", "https"):  # never file:// or other schemes
            items.append(FeedItem(link, entry.get("title"), entry.get("published") or entry.get("updated")))
    return items


def article_from_page(page: Page, item: FeedItem | None = None) -> RawArticle:
    """The article on a fetched page; a feed item's title and date win over the page's."""
    article = parse_html(page.url, page.text, url=page.url)
    if item is None:
        return article
    return RawArticle.build(item.url, article.text, {
        "title": item.title or article.title,
        "published_at": item.published_at or article.published_at,
        "url": item.url})
