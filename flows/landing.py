"""Landing: files and URLs into the raw zone, each distinct article once."""
from __future__ import annotations

import contextvars
import logging
import os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Callable

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.exceptions import MissingContextError
from prefect.tasks import exponential_backoff

from flows import raw_zone, web
from flows.escaping import escape_controls
from flows.sources import InputError, RawArticle, discover, read_file

FETCH_WORKERS = 8  # item pages of one feed fetched at once: enough to hide latency, polite to one site


def max_feed_items() -> int:
    """New items fetched per feed and run, AI_RACE_MAX_FEED_ITEMS (default 200); the rest are
    taken by the next runs, since items already landed are not fetched again."""
    return max(1, int(os.environ.get("AI_RACE_MAX_FEED_ITEMS", 200)))


def _logger():
    try:
        return get_run_logger()
    except MissingContextError:  # called outside a flow run (tests, the bench)
        return logging.getLogger(__name__)


def _land(data_dir: str, article: RawArticle, logger) -> str:
    """Land one article; the metadata it dropped is logged as warnings."""
    for warning in article.warnings:
        logger.warning("Metadata dropped: %s", escape_controls(warning))
    raw_zone.land(data_dir, article)
    return article.article_id


@task(name="land-files", cache_policy=NO_CACHE)
def land_files(sources: list[str], data_dir: str,
               on_landed: Callable[[str], None] | None = None) -> tuple[list[str], list[str]]:
    """Land every article of file and folder sources once; ids in order and one-line rejections.
    Files under the data dir (the pipeline's own output) are never read as articles. `on_landed`
    is given each article's id as soon as it is in the raw zone (repeats included), so that its
    extraction can start while the rest land."""
    ids, rejected = [], []
    logger = _logger()
    for source in sources:
        try:
            files = discover(source, skip=data_dir)
        except InputError as exc:
            rejected.append(str(exc))
            continue
        root = Path(source) if Path(source).is_dir() else Path(source).parent
        for entry in files:
            items = [entry] if isinstance(entry, InputError) else read_file(*entry, root=root)
            for item in items:
                if isinstance(item, InputError):
                    rejected.append(str(item))
                else:
                    ids.append(_land(data_dir, item, logger))
                    if on_landed is not None:
                        on_landed(ids[-1])
    return list(dict.fromkeys(ids)), rejected


def _transient(task, task_run, state) -> bool:
    """Retry only what may pass next time: timeouts, dropped connections, 5xx."""
    try:
        state.result()
    except web.TransientFetchError:
        return True
    except Exception:  # noqa: BLE001 - any other failure is final
        return False
    return False


@task(name="fetch", cache_policy=NO_CACHE, retries=3, retry_delay_seconds=exponential_backoff(backoff_factor=1),
      retry_condition_fn=_transient)
def fetch(url: str) -> web.Page:
    """One HTTP GET, retried with backoff on transient errors."""
    return web.fetch(url)


def land_urls(urls: list[str], data_dir: str) -> tuple[list[str], list[str]]:
    """Land the articles of feed and page URLs. A URL is fetched at most once a run; feed items
    already landed are not fetched again, and at most max_feed_items() new ones per feed are
    (the rest are left for the next run), several at a time."""
    ids, rejected = [], []
    logger = _logger()
    known = raw_zone.landed_urls(data_dir) if urls else {}
    seen: set[str] = set()
    for url in dict.fromkeys(urls):
        seen.add(url)
        try:
            page = fetch(url)
            items = web.feed_items(page)
            if items is None:
                ids.append(_land(data_dir, web.article_from_page(page), logger))
                continue
        except (InputError, web.TransientFetchError) as exc:
            rejected.append(escape_controls(str(exc)))
            continue
        new = []
        for item in items:
            if isinstance(item, InputError):
                rejected.append(str(item))
            elif item.url in known:
                ids.append(known[item.url])
            elif item.url not in seen:
                seen.add(item.url)
                new.append(item)
        if len(new) > max_feed_items():
            logger.info("%s: %d new items; fetching %d now, the other %d are left for the next run",
                        escape_controls(url), len(new), max_feed_items(), len(new) - max_feed_items())
            new = new[:max_feed_items()]
        for outcome in _fetch_articles(new):
            if isinstance(outcome, RawArticle):
                ids.append(_land(data_dir, outcome, logger))
            else:
                rejected.append(escape_controls(str(outcome)))
    return list(dict.fromkeys(ids)), rejected


def _fetch_articles(items: list[web.FeedItem]) -> list[RawArticle | Exception]:
    """The articles of feed items in item order, fetched by a bounded pool of threads (each runs
    the fetch task in this flow run's context)."""
    if not items:
        return []
    with ThreadPoolExecutor(max_workers=min(FETCH_WORKERS, len(items))) as pool:
        futures = [pool.submit(contextvars.copy_context().run, _article, item) for item in items]
        return [future.result() for future in futures]


def _article(item: web.FeedItem) -> RawArticle | Exception:
    try:
        return web.article_from_page(fetch(item.url), item)
    except (InputError, web.TransientFetchError) as exc:
        return exc
