"""Feeds and pages from a real HTTP server on 127.0.0.1, started by the test."""
from __future__ import annotations

import threading
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from ai_race_tables import storage
from flows.sources import InputError
from transforms.rows import TABLES

ARTICLE = """<html><head><title>{title}</title></head><body><nav>Home | Markets | Login</nav>
<article><h1>{title}</h1><p>{body}</p><p>Analysts expect demand to keep rising through the decade.</p>
</article><footer>Cookie settings. Related links. Copyright.</footer></body></html>"""
BODIES = [
    "Zhipu AI raised HK$4.35 billion in its Hong Kong listing on Thursday, the company said.",
    "MiniMax raised HK$4.8 billion (US$619 million) in its initial public offering.",
    "US data centre electricity demand will reach 426 TWh by 2030, the agency said.",
    "Moonshot AI closed a US$2 billion round led by Meituan at a US$20 billion valuation.",
    "China installed 315 GW of solar capacity in 2025, official data showed.",
]
DATES = ["Mon, 05 Jan 2026 08:00:00 GMT", "Tue, 06 Jan 2026 08:00:00 GMT", "Wed, 07 Jan 2026 08:00:00 GMT",
         "Thu, 08 Jan 2026 08:00:00 GMT", "Fri, 09 Jan 2026 08:00:00 GMT"]


def _feed(base: str, links: list[str]) -> str:
    items = "".join(f"<item><title>Story {i + 1}</title><link>{link}</link><pubDate>{DATES[i % 5]}</pubDate></item>"
                    for i, link in enumerate(links))
    return f'<?xml version="1.0"?><rss version="2.0"><channel><title>Test</title>{items}</channel></rss>'


class Site:
    """What the test server serves, and what it was asked for."""

    def __init__(self):
        self.hits: Counter = Counter()
        self.flaky_failures = 1
        self.release = threading.Event()
        self.trickled = 0
        self.together = threading.Barrier(4, timeout=15)


@pytest.fixture()
def site(monkeypatch):
    monkeypatch.setenv("AI_RACE_ALLOW_PRIVATE_URLS", "1")  # the test server is on 127.0.0.1
    state = Site()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):  # keep test output clean
            pass

        def _send(self, code: int, body: str, kind: str = "text/html") -> None:
            data = body.encode()
            self.send_response(code)
            self.send_header("Content-Type", f"{kind}; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            state.hits[self.path] += 1
            base = f"http://127.0.0.1:{self.server.server_port}"
            if self.path == "/feed.xml":
                self._send(200, _feed(base, [f"{base}/a{i}" for i in range(1, 6)]), "application/rss+xml")
            elif self.path.startswith("/a") and self.path[2:].isdigit():
                i = int(self.path[2:]) - 1
                self._send(200, ARTICLE.format(title=f"Page {i + 1}", body=BODIES[i]))
            elif self.path == "/flaky":
                if state.flaky_failures > 0:
                    state.flaky_failures -= 1
                    self._send(500, "try again")
                else:
                    self._send(200, ARTICLE.format(title="Flaky", body=BODIES[0]))
            elif self.path == "/slow":
                state.release.wait(5)  # held until the test ends; the client gives up first
                self._send(200, ARTICLE.format(title="Slow", body=BODIES[1]))
            elif self.path == "/mixed.xml":
                links = [f"{base}/a1", "file:///etc/passwd", f"{base}/missing"]
                self._send(200, _feed(base, links), "application/rss+xml")
            elif self.path == "/redirect":
                self.send_response(302)
                self.send_header("Location", "file:///etc/passwd")
                self.end_headers()
            elif self.path == "/trickle":
                self.send_response(200)
                self.send_header("Content-Type", "text/html")
                self.send_header("Content-Length", "800")
                self.end_headers()
                for _ in range(800):  # a byte every 50 ms: each read succeeds, the whole never ends in time
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    state.trickled += 1
                    if state.release.wait(0.05):
                        return
            elif self.path == "/dup.xml":
                self._send(200, _feed(base, [f"{base}/a1"] * 50 + [f"{base}/a2", f"{base}/a1"]), "application/rss+xml")
            elif self.path == "/together.xml":
                self._send(200, _feed(base, [f"{base}/t{i}" for i in range(1, 5)]), "application/rss+xml")
            elif self.path.startswith("/t") and self.path[2:].isdigit():
                state.together.wait()  # answers only once all four are asked at the same time
                i = int(self.path[2:]) - 1
                self._send(200, ARTICLE.format(title=f"Together {i + 1}", body=BODIES[i]))
            elif self.path == "/busy-always":
                self.send_response(503)
                self.send_header("Retry-After", "0")
                self.send_header("Content-Length", "0")
                self.end_headers()
            elif self.path.startswith("/busy"):
                if state.hits[self.path] == 1:
                    self.send_response(429)
                    self.send_header("Retry-After", "3600" if self.path == "/busy-long" else "2")
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                else:
                    self._send(200, ARTICLE.format(title="Busy", body=BODIES[2]))
            elif self.path.startswith("/to/"):
                self.send_response(302)
                self.send_header("Location", "http://" + self.path[4:])
                self.end_headers()
            elif self.path == "/notxml":
                self._send(200, "<?xml this is not a feed", "application/rss+xml")
            else:
                self._send(404, "not found")

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    state.base = f"http://127.0.0.1:{server.server_port}"
    yield state
    state.release.set()
    server.shutdown()
    server.server_close()


@pytest.fixture()
def quick_retries(monkeypatch):
    """No backoff waits and a short timeout, so the tests do not wait on the clock."""
    import httpx

    from flows import landing, web

    monkeypatch.setattr(landing, "fetch", landing.fetch.with_options(retry_delay_seconds=0))
    monkeypatch.setattr(web, "TIMEOUT", httpx.Timeout(0.5))
    monkeypatch.setattr(web.fetch, "__defaults__", (httpx.Timeout(0.5),))


def test_feed_run_lands_items_then_reruns_incrementally(prefect_server, site, quick_retries, tmp_path):
    from flows.pipeline import pipeline

    first = pipeline(sources=[f"{site.base}/feed.xml"], data_dir=str(tmp_path))
    articles = storage.load_table("articles", tmp_path)
    assert first.articles_read == 5 and first.rejected_inputs == []
    assert sorted(articles["title"]) == [f"Story {i}" for i in range(1, 6)]
    assert articles["published_at"].notna().all()
    assert "Cookie settings" not in " ".join(storage.load_table("company_mentions", tmp_path)["evidence"])

    versions = {t: storage.version_of(tmp_path, t) for t in TABLES}
    second = pipeline(sources=[f"{site.base}/feed.xml"], data_dir=str(tmp_path))
    assert second.articles_extracted == 0
    assert site.hits["/a1"] == 1  # landed items are not fetched again
    assert {t: storage.version_of(tmp_path, t) for t in TABLES} == versions


def test_backfill_reextracts_exactly_the_range(prefect_server, site, quick_retries, tmp_path):
    from flows.pipeline import pipeline

    pipeline(sources=[f"{site.base}/feed.xml"], data_dir=str(tmp_path))
    before = {t: storage.version_of(tmp_path, t) for t in TABLES if t != "companies"}
    other_rows = storage.load_table("funding", tmp_path)
    summary = pipeline(data_dir=str(tmp_path), since="2026-01-06", until="2026-01-07")
    assert summary.articles_extracted == 2
    for table, version in before.items():
        assert storage.version_of(tmp_path, table) == version + 1
    extracted = set(storage.load_table("_extractions", tmp_path).query("run_id == @summary.run_id")["article_id"])
    untouched = other_rows[~other_rows["article_id"].isin(extracted)]
    after = storage.load_table("funding", tmp_path)
    assert set(untouched["funding_id"]) <= set(after["funding_id"])
    assert set(after.loc[after["article_id"].isin(extracted), "run_id"]) <= {summary.run_id}


def test_transient_500_succeeds_on_retry(prefect_server, site, quick_retries, tmp_path):
    from flows.pipeline import pipeline

    summary = pipeline(sources=[f"{site.base}/flaky"], data_dir=str(tmp_path))
    assert summary.articles_read == 1 and site.hits["/flaky"] == 2


def test_404_timeout_bad_feed_and_foreign_links_are_rejected_by_name(prefect_server, site, quick_retries, tmp_path):
    from flows.pipeline import pipeline

    sources = [f"{site.base}/missing", f"{site.base}/slow", f"{site.base}/notxml", f"{site.base}/mixed.xml",
               f"{site.base}/redirect"]
    summary = pipeline(sources=sources, data_dir=str(tmp_path))
    reasons = " | ".join(summary.rejected_inputs)
    assert f"{site.base}/missing: HTTP 404" in reasons
    assert f"{site.base}/slow: ReadTimeout" in reasons
    assert f"{site.base}/notxml:" in reasons
    assert "file:///etc/passwd: only http and https URLs are fetched" in reasons
    assert summary.articles_read == 1  # /a1 from the mixed feed; file:// was never followed
    assert site.hits["/slow"] == 4  # the first try and three retries


def test_feed_item_already_landed_from_a_file_is_not_fetched(prefect_server, site, quick_retries, tmp_path):
    from flows.pipeline import pipeline

    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a1.md").write_text(f"---\ntitle: Landed\nurl: {site.base}/a1\n---\n{BODIES[0]}\n")
    pipeline(sources=[str(folder)], data_dir=str(tmp_path / "data"))
    summary = pipeline(sources=[f"{site.base}/feed.xml"], data_dir=str(tmp_path / "data"))
    assert site.hits["/a1"] == 0
    assert summary.articles_read == 5


def test_served_deployment_and_schedule_read_back_from_the_api(prefect_server):
    import asyncio

    from prefect.client.orchestration import get_client

    from flows.pipeline import scheduled_deployment

    async def roundtrip():
        deployment = await scheduled_deployment("*/30 * * * *", ["seeds/articles"], "data")
        deployment_id = await deployment.apply()
        async with get_client() as client:
            return await client.read_deployment(deployment_id)

    read = asyncio.run(roundtrip())
    assert read.name == "scheduled"
    # local paths are stored absolute: a deployment runs wherever its worker does
    assert read.parameters == {"sources": [str(Path("seeds/articles").resolve())], "data_dir": str(Path("data").resolve())}
    assert [s.schedule.cron for s in read.schedules] == ["*/30 * * * *"]


def test_a_trickling_server_cannot_hold_a_fetch_past_the_deadline(prefect_server, site, monkeypatch):
    from flows import web

    monkeypatch.setenv("AI_RACE_FETCH_DEADLINE", "1")
    with pytest.raises(web.TransientFetchError, match="/trickle: no complete response within 1 s"):
        web.fetch(f"{site.base}/trickle")
    assert 5 < site.trickled < 800  # it was sending, and was cut off long before the end


def test_feed_items_are_capped_per_run_and_the_rest_taken_by_the_next(prefect_server, site, quick_retries,
                                                                    tmp_path, monkeypatch):
    from flows.landing import land_urls

    monkeypatch.setenv("AI_RACE_MAX_FEED_ITEMS", "2")
    runs = [land_urls([f"{site.base}/feed.xml"], str(tmp_path)) for _ in range(3)]
    assert [len(ids) for ids, _ in runs] == [2, 4, 5]
    assert all(rejected == [] for _, rejected in runs)
    assert all(site.hits[f"/a{i}"] == 1 for i in range(1, 6))


def test_a_link_repeated_in_feeds_is_fetched_once_a_run(prefect_server, site, quick_retries, tmp_path):
    from flows.landing import land_urls

    ids, rejected = land_urls([f"{site.base}/dup.xml", f"{site.base}/dup.xml", f"{site.base}/feed.xml"],
                              str(tmp_path))
    assert len(ids) == 5 and rejected == []
    assert site.hits["/dup.xml"] == 1 and site.hits["/a1"] == 1 and site.hits["/a2"] == 1


def test_items_of_one_feed_are_fetched_at_the_same_time(prefect_server, site, tmp_path, monkeypatch):
    import httpx

    from flows import web
    from flows.landing import land_urls

    monkeypatch.setattr(web.fetch, "__defaults__", (httpx.Timeout(20.0),))  # longer than the server's wait

    ids, rejected = land_urls([f"{site.base}/together.xml"], str(tmp_path))
    assert rejected == [] and len(ids) == 4  # one at a time, the first would wait for the others in vain


def test_retry_after_is_waited_out_within_its_cap(prefect_server, site, quick_retries, tmp_path, monkeypatch):
    from flows import web
    from flows.landing import land_urls

    waits = []
    monkeypatch.setattr(web, "_wait", waits.append)
    ids, rejected = land_urls([f"{site.base}/busy", f"{site.base}/busy-long"], str(tmp_path))
    assert len(ids) == 1 and waits == [2.0] and site.hits["/busy"] == 2
    assert rejected == [f"{site.base}/busy-long: HTTP 429, asked to retry after 3600 s, over the 60-s cap "
                        "(left for a later run)"]
    assert site.hits["/busy-long"] == 1


def test_a_server_always_asking_to_retry_at_once_gets_a_bounded_number_of_tries(site, monkeypatch):
    from flows import web

    monkeypatch.setattr(web, "_wait", lambda seconds: None)
    with pytest.raises(web.TransientFetchError, match="still asked to retry later after 3 waits"):
        web.fetch(f"{site.base}/busy-always")
    assert site.hits["/busy-always"] == 4


@pytest.mark.parametrize("target", ["169.254.169.254/latest/meta-data/", "127.0.0.3:{port}/a1", "[::1]:{port}/a1",
                                    "10.0.0.1:{port}/a1"])
def test_redirects_to_non_public_addresses_are_refused(site, target, monkeypatch):
    """The test server stands for a public one (only its address is let through): where it
    redirects to a loopback, private or metadata address, nothing is requested there."""
    from flows import web

    monkeypatch.delenv("AI_RACE_ALLOW_PRIVATE_URLS")
    monkeypatch.setattr(web, "_refused_address", lambda address: address != "127.0.0.1")
    target = target.format(port=site.base.rsplit(":", 1)[1])
    with pytest.raises(InputError, match="non-public address"):
        web.fetch(f"{site.base}/to/{target}")
    assert site.hits["/a1"] == 0
