"""Landing: files and URLs into the raw zone, each distinct article once."""
from __future__ import annotations


from prefect import task
from prefect.cache_policies import NO_CACHE
from prefect.tasks import exponential_backoff

from flows import raw_zone, web
from flows.sources import InputError, discover, read_file


@task(name="land-files", cache_policy=NO_CACHE)
def land_files(sources: list[str], data_dir: str) -> tuple[list[str], list[str]]:
    """Land every article of file and folder sources once; ids in order and one-line rejections."""
    ids, rejected = [], []
    for source in sources:
        try:
            files = discover(source)
        except InputError as exc:
            rejected.append(str(exc))
            continue
        for entry in files:
            items = [entry] if isinstance(entry, InputError) else read_file(*entry)
            for item in items:
                if isinstance(item, InputError):
                    rejected.append(str(item))
                    continue
                raw_zone.land(data_dir, item)
                ids.append(item.article_id)
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
    """Land the articles of feed and page URLs; items already landed are not fetched again."""
    ids, rejected = [], []
    known = raw_zone.landed_urls(data_dir) if urls else {}
    for url in urls:
        try:
            page = fetch(url)
            items = web.feed_items(page)
            articles = [(None, page)] if items is None else items
        except (InputError, web.TransientFetchError) as exc:
            rejected.append(str(exc))
            continue
        for item in articles:
            if isinstance(item, web.FeedItem) and item.url in known:
                ids.append(known[item.url])
                continue
            try:
                article = web.article_from_page(fetch(item.url), item) if isinstance(item, web.FeedItem) \
                    else web.article_from_page(item[1])
            except (InputError, web.TransientFetchError) as exc:
                rejected.append(str(exc))
                continue
            raw_zone.land(data_dir, article)
            ids.append(article.article_id)
    return list(dict.fromkeys(ids)), rejected
