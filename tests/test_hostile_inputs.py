"""Hostile and careless inputs (issue 16): each class is rejected with a one-line reason naming the
input, or read with its bad metadata dropped, and never stops the run. Every hostile input is
generated here."""
from __future__ import annotations

import json
import os
import socket
from datetime import datetime, timezone
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from flows import raw_zone
from flows.escaping import escape_controls
from flows.sources import InputError, RawArticle, decode, discover, json_depth, parse_timestamp, read_file

BODY = "Shanghai-based start-up Lumen Robotics raised US$50 million in a Series B round led by Granite Capital."
EDGE_DATES = ["0001-01-01T00:00:00+14:00", "2026-01-05T10:00:00+99:00", "9999-12-31T23:59:59-14:00",
              "0000-00-00", "10000-01-01", "Mon, 05 Jan 2026 08:00:00 +9900"]
DEEP = "[" * 200_000 + "]" * 200_000
ALIAS_BOMB = "---\n" + "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]\n" for i in range(1, 9)) + "---\n" + BODY + "\n"


def _one(path: Path, root: Path | None = None):
    [item] = read_file(path, str(path), root)
    return item


# --- metadata of the wrong type -------------------------------------------------------------------

@pytest.mark.parametrize("field, value", [("url", "[1, 2]"), ("title", "{a: 1}"), ("url", "{x: [1]}"),
                                          ("title", "[one, two]")])
def test_metadata_of_the_wrong_type_is_dropped_with_a_warning(tmp_path, field, value):
    path = tmp_path / "a.md"
    path.write_text(f"---\n{field}: {value}\n---\n{BODY}\n")
    article = _one(path)
    assert isinstance(article, RawArticle) and getattr(article, field) is None
    assert article.warnings == (f"{path}: {field} of type {'list' if '[' in value[:1] else 'dict'} dropped "
                                "(a string was expected)",)


def test_a_number_as_title_is_written_out(tmp_path):
    path = tmp_path / "a.md"
    path.write_text(f"---\ntitle: 2026\n---\n{BODY}\n")
    assert _one(path).title == "2026" and _one(path).warnings == ()


def test_records_landed_with_a_list_url_are_read_as_null(tmp_path):
    """A raw zone holding a record landed before metadata was checked no longer stops URL runs."""
    article = RawArticle.build("old.md", BODY, {"url": "https://example.com/a"})
    raw_zone.land(tmp_path, article)
    record_path = tmp_path / "raw" / article.article_id[:2] / f"{article.article_id}.json"
    record = json.loads(record_path.read_text())
    record.update(url=[1, 2], title={"a": 1})
    record_path.write_text(json.dumps(record))
    assert raw_zone.landed_urls(tmp_path) == {}
    assert raw_zone.read_record(tmp_path, article.article_id)["title"] is None
    (tmp_path / "raw" / "zz").mkdir()
    (tmp_path / "raw" / "zz" / "zz00000000000000.json").write_text("{broken")
    assert raw_zone.landed_urls(tmp_path) == {}


# --- JSON nested too deep ------------------------------------------------------------------------

def test_deep_json_is_rejected_before_parsing(tmp_path):
    (tmp_path / "deep.json").write_text(DEEP)
    (tmp_path / "deep.jsonl").write_text(json.dumps({"text": BODY}) + "\n" + DEEP + "\n")
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "a.meta.json").write_text(DEEP)
    assert str(_one(tmp_path / "deep.json")) == f"{tmp_path / 'deep.json'}: JSON nested more than 64 levels deep"
    good, bad = read_file(tmp_path / "deep.jsonl", "deep.jsonl")
    assert good.source == "deep.jsonl#1" and str(bad) == "deep.jsonl#2: JSON nested more than 64 levels deep"
    assert str(_one(tmp_path / "a.txt")) == f"{tmp_path / 'a.meta.json'}: JSON nested more than 64 levels deep"


def test_a_number_too_long_to_convert_is_malformed_json(tmp_path):
    path = tmp_path / "a.json"
    path.write_text('{"text": "A story.", "published_at": ' + "9" * 5000 + "}")
    assert str(_one(path)) == f"{path}: malformed JSON (Exceeds the limit (4300 digits) for integer string conversion)"


TEXT_LIKE = st.one_of(st.text(max_size=400), st.builds(lambda a, b: f"---\n{a}\n---\n{b}", st.text(max_size=200),
                                                       st.text(max_size=100)),
                      st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), st.text(max_size=20)),
                                   lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                           st.dictionaries(st.sampled_from(
                                                               ["text", "title", "published_at", "url", "x"]),
                                                               inner, max_size=5)),
                                   max_leaves=20).map(json.dumps))


@settings(max_examples=200, deadline=None)
@given(TEXT_LIKE, st.sampled_from([".txt", ".md", ".json", ".jsonl"]))
def test_any_document_becomes_articles_or_input_errors_never_a_crash(text, suffix):
    from flows.sources import parse_document

    try:
        items = parse_document("doc" + suffix, suffix, text, {"published_at": text[:30], "title": text[:5]})
    except InputError:
        return
    assert all(isinstance(i, (RawArticle, InputError)) for i in items)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
def test_any_bytes_decode_to_text_or_an_input_error(data):
    try:
        assert isinstance(decode(data, "x"), str)
    except InputError:
        pass


def test_json_depth_ignores_brackets_inside_strings():
    assert json_depth('{"text": "[[[[{{{{ not nesting", "a": [[1]]}') == 3


# --- dates at the edge of the calendar or with impossible offsets ---------------------------------

@pytest.mark.parametrize("value", EDGE_DATES)
def test_an_edge_date_is_null_with_a_warning_wherever_it_is_given(tmp_path, value):
    (tmp_path / "a.md").write_text(f"---\npublished_at: {value}\n---\n{BODY}\n")
    (tmp_path / "b.txt").write_text(BODY)
    (tmp_path / "b.meta.json").write_text(json.dumps({"published_at": value}))
    (tmp_path / "c.json").write_text(json.dumps({"text": BODY, "published_at": value}))
    for name in ("a.md", "b.txt", "c.json"):
        article = _one(tmp_path / name)
        assert isinstance(article, RawArticle) and article.published_at is None, name
        assert len(article.warnings) == 1 and "published_at" in article.warnings[0], name


def test_an_edge_feed_date_is_null_and_the_page_date_is_used_instead():
    from flows import web

    page = web.Page("https://example.com/a", "text/html",
                    f"<html><head><meta property='article:published_time' content='2026-01-07'></head><body>"
                    f"<article><p>{BODY} {BODY}</p></article></body></html>")
    article = web.article_from_page(page, web.FeedItem("https://example.com/a", "A", "Mon, 01 Jan 0001 00:00:00 +1400"))
    assert article.published_at == datetime(2026, 1, 7, tzinfo=timezone.utc)


@settings(max_examples=300, deadline=None)
@given(st.one_of(st.text(max_size=60), st.datetimes(timezones=st.timezones()), st.dates(), st.integers(),
                 st.floats(), st.builds(lambda d, h, m, s: f"{d.isoformat()}T00:00:00{s}{h:02d}:{m:02d}",
                                        st.dates(), st.integers(0, 99), st.integers(0, 99), st.sampled_from("+-"))))
def test_parse_timestamp_never_raises_and_returns_aware_utc_or_none(value):
    stamp = parse_timestamp(value)
    assert stamp is None or (stamp.tzinfo is timezone.utc and stamp.utcoffset().total_seconds() == 0)


# --- YAML expansion ------------------------------------------------------------------------------

def test_a_yaml_alias_bomb_is_refused_before_it_expands(tmp_path):
    path = tmp_path / "bomb.md"
    path.write_text(ALIAS_BOMB)
    assert len(ALIAS_BOMB) < 1100  # a kilobyte that would expand to 10**9 strings
    assert str(_one(path)) == f"{path}: front matter does not parse (aliases are not allowed)"


def test_deeply_nested_or_huge_front_matter_is_refused(tmp_path):
    (tmp_path / "deep.md").write_text("---\ntitle: " + "[" * 100_000 + "\n---\n" + BODY)
    (tmp_path / "wide.md").write_text("---\n" + "".join(f"k{i}: {i}\n" for i in range(20_000)) + "---\n" + BODY)
    for name in ("deep.md", "wide.md"):
        assert "front matter does not parse (more than" in str(_one(tmp_path / name))


# --- what is read and what is not ----------------------------------------------------------------

def test_a_huge_sidecar_is_refused_by_its_size_without_reading_it(tmp_path):
    (tmp_path / "a.txt").write_text(BODY)
    with open(tmp_path / "a.meta.json", "wb") as handle:
        handle.truncate(3 * 1024 ** 3)  # sparse: 3 GB by stat, no disk used
    assert str(_one(tmp_path / "a.txt")) == f"{tmp_path / 'a.meta.json'}: 3221225472 bytes is over the 10485760-byte limit"


def test_a_sidecar_linking_outside_the_source_folder_is_refused(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (tmp_path / "secret.json").write_text(json.dumps({"title": "private"}))
    (folder / "a.txt").write_text(BODY)
    os.symlink(tmp_path / "secret.json", folder / "a.meta.json")
    assert str(_one(folder / "a.txt", folder)) == \
        f"{folder / 'a.meta.json'}: symbolic link pointing outside {folder} (not read)"


def test_an_empty_source_and_the_data_dir_inside_the_source_are_not_read(tmp_path):
    with pytest.raises(InputError, match="empty source path"):
        discover("")
    (tmp_path / "a.txt").write_text(BODY)
    (tmp_path / "data" / "validation").mkdir(parents=True)
    (tmp_path / "data" / "validation" / "index.html").write_text("<html>docs</html>")
    assert discover(str(tmp_path), skip=tmp_path / "data") == [(tmp_path / "a.txt", str(tmp_path / "a.txt"))]
    with pytest.raises(InputError, match="inside the data dir"):
        discover(str(tmp_path / "data"), skip=tmp_path / "data")


def test_every_file_not_read_is_reported_once_with_its_reason(tmp_path):
    for name in ("feed.rss", "feed.xml", "paper.pdf", "table.csv", "a.txt", "orphan.meta.json"):
        (tmp_path / name).write_text(BODY)
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "sub").mkdir()
    os.symlink(tmp_path / "sub", tmp_path / "linked")
    found = discover(str(tmp_path))
    assert (tmp_path / "a.txt", str(tmp_path / "a.txt")) in found
    reasons = {Path(str(e).split(":")[0]).name: str(e).split(": ", 1)[1] for e in found if isinstance(e, InputError)}
    assert reasons == {
        "feed.rss": "unsupported file type '.rss' (not read; articles are .txt, .md, .html, .htm, .json, .jsonl)",
        "feed.xml": "unsupported file type '.xml' (not read; articles are .txt, .md, .html, .htm, .json, .jsonl)",
        "paper.pdf": "unsupported file type '.pdf' (not read; articles are .txt, .md, .html, .htm, .json, .jsonl)",
        "table.csv": "unsupported file type '.csv' (not read; articles are .txt, .md, .html, .htm, .json, .jsonl)",
        "orphan.meta.json": "sidecar without its orphan.txt (not read)",
        "pipe.txt": "a FIFO, not a regular file (not read)",
        "linked": "symbolic link to a folder (not followed)",
    }
    assert len(found) == 8


def test_a_fifo_named_as_the_source_is_refused_without_blocking(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    assert str(_one(tmp_path / "pipe.txt")) == f"{tmp_path / 'pipe.txt'}: a FIFO, not a regular file (not read)"


def test_utf16_with_and_without_bom_is_read():
    text = "Zhipu AI raised money in Hong Kong; 智谱AI周四在香港上市。"
    for data in (text.encode("utf-16"), text.encode("utf-16-le"), text.encode("utf-16-be"), text.encode("utf-32")):
        assert decode(data, "x") == text
    with pytest.raises(InputError, match="binary file"):
        decode(b"\x00\x01\x02PNG\x00" * 100, "x")


# --- control characters --------------------------------------------------------------------------

def test_control_characters_are_escaped_in_every_reason(tmp_path):
    path = tmp_path / "fake\nINFO | all good\x1b[31m.json"
    path.write_text("{broken")
    reason = str(_one(path))
    assert "\n" not in reason and "\x1b" not in reason
    assert reason.startswith(escape_controls(str(path)) + ": malformed JSON")
    assert escape_controls("a\nb\x1b[0m\u202ec é 中") == "a\\nb\\x1b[0m\\u202ec é 中"


def test_feed_item_links_that_are_not_urls_are_skipped_with_a_reason():
    from flows import web

    page = web.Page("https://example.com/feed", "application/rss+xml",
                    '<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>'
                    "<item><title>bad</title><link>http://[::1</link></item>"
                    "<item><title>none</title></item>"
                    "<item><title>good</title><link>https://example.com/a</link></item></channel></rss>")
    items = web.feed_items(page)
    assert [i.url for i in items if isinstance(i, web.FeedItem)] == ["https://example.com/a"]
    assert [str(i) for i in items if isinstance(i, InputError)] == [
        "http://[::1: not a valid URL (Invalid IPv6 URL) (feed item of https://example.com/feed skipped)",
        "https://example.com/feed: feed item 'none' has no link (skipped)"]


def test_a_page_served_as_rss_that_is_no_feed_is_rejected():
    from flows import web

    page = web.Page("https://example.com/feed", "application/rss+xml",
                    '<?xml version="1.0"?><html><body><p>Moved.</p></body></html>')
    with pytest.raises(InputError, match="served as a feed but is neither RSS nor Atom"):
        web.feed_items(page)


@pytest.mark.parametrize("address", ["127.0.0.1", "10.1.2.3", "192.168.0.1", "172.16.0.1", "169.254.169.254",
                                     "100.64.0.1", "0.0.0.0", "::1", "fe80::1", "fd00:ec2::254", "::ffff:127.0.0.1",
                                     "224.0.0.1"])
def test_non_public_addresses_are_refused(address, monkeypatch):
    from flows import web

    monkeypatch.delenv("AI_RACE_ALLOW_PRIVATE_URLS", raising=False)
    assert web._refused_address(address)
    host = f"[{address}]" if ":" in address else address
    with pytest.raises(InputError, match="non-public address"):
        web.fetch(f"http://{host}:9/latest/meta-data/")


def test_public_addresses_are_allowed():
    from flows import web

    assert not web._refused_address("93.184.215.14") and not web._refused_address("2606:4700::1")


def test_a_local_server_is_refused_unless_allowed(monkeypatch):
    from flows import web

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    monkeypatch.delenv("AI_RACE_ALLOW_PRIVATE_URLS", raising=False)
    with pytest.raises(InputError, match="resolves to a non-public address .127.0.0.1.; set AI_RACE_ALLOW"):
        web.fetch(f"http://localhost:{listener.getsockname()[1]}/")
    listener.close()


# --- acceptance: one of every bad input beside good articles ------------------------------------

def _serve(pages: dict[str, tuple[str, str]], trickle: str):
    """A server on 127.0.0.1 serving `pages` (path -> content type, body; filled in once its
    address is known) and trickling `trickle`."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    stop = threading.Event()

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            if self.path == trickle:
                self.send_response(200)
                self.send_header("Content-Length", "500")
                self.end_headers()
                try:
                    for _ in range(500):
                        self.wfile.write(b"x")
                        self.wfile.flush()
                        if stop.wait(0.05):
                            return
                except (BrokenPipeError, ConnectionResetError):  # the client gave up, as it should
                    return
                return
            kind, body = pages.get(self.path, ("text/plain", "not found"))
            self.send_response(200 if self.path in pages else 404)
            self.send_header("Content-Type", kind)
            self.end_headers()
            self.wfile.write(body.encode())

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, stop


def _article(n: int) -> str:
    return (f"Shanghai-based start-up Lumen Robotics {n} raised US${n} million in a Series B round led by "
            f"Granite Capital, the company said on Thursday. Analysts expect demand for its robots to keep "
            f"rising through the decade as factories in the region automate.")


def test_a_run_over_every_bad_input_publishes_the_good_and_names_the_bad(prefect_server, tmp_path, monkeypatch, caplog):
    from ai_race_tables import storage
    from flows import landing
    from flows.__main__ import main

    folder, outside = tmp_path / "in", tmp_path / "outside.json"
    folder.mkdir()
    outside.write_text(json.dumps({"title": "private"}))
    good = {"seed.txt": (Path(__file__).parent.parent / "seeds/articles/seed-ai-race.txt").read_text(),
            "good.md": f"---\ntitle: Good\npublished_at: 2026-01-05\n---\n{_article(1)}\n",
            "edge-date.md": f"---\npublished_at: 0001-01-01T00:00:00+14:00\n---\n{_article(2)}\n",
            "offset.md": f"---\npublished_at: 2026-01-05T10:00:00+99:00\n---\n{_article(3)}\n",
            "list-url.md": f"---\nurl: [1, 2]\ntitle: {{a: 1}}\n---\n{_article(4)}\n",
            "dated.json": json.dumps({"text": _article(5), "published_at": "9999-12-31T23:59:59-14:00"}),
            "lines.jsonl": json.dumps({"text": _article(6)}) + "\n" + DEEP + "\n"}
    for name, text in good.items():
        (folder / name).write_text(text)
    (folder / "utf16.txt").write_bytes(_article(7).encode("utf-16"))
    (folder / "utf16-nobom.txt").write_bytes(_article(8).encode("utf-16-le"))
    bad = {"deep.json": DEEP, "bomb.md": ALIAS_BOMB, "evil\nINFO all good.json": "{broken",
           "feed.rss": "<rss/>", "paper.pdf": "%PDF-1.4", "table.csv": "a,b", "notes.xml": "<x/>",
           "x.txt": _article(9), "x.meta.json": DEEP, "y.txt": _article(10), "z.txt": _article(11)}
    for name, text in bad.items():
        (folder / name).write_text(text)
    with open(folder / "y.meta.json", "wb") as handle:
        handle.truncate(3 * 1024 ** 3)
    os.symlink(outside, folder / "z.meta.json")
    os.mkfifo(folder / "pipe.txt")
    (folder / "sub").mkdir()
    os.symlink(folder / "sub", folder / "linked")
    data = folder / "data"  # the data dir inside the source folder, already holding data docs
    (data / "validation").mkdir(parents=True)
    (data / "validation" / "index.html").write_text(f"<html><body><article><p>{_article(12)}</p></article></body></html>")

    pages: dict[str, tuple[str, str]] = {}
    server, stop = _serve(pages, "/trickle")
    base = f"http://127.0.0.1:{server.server_port}"
    feed_items = (f"<item><title>A</title><link>{base}/a</link><pubDate>Mon, 01 Jan 0001 00:00:00 +1400</pubDate></item>"
                  f"<item><title>A again</title><link>{base}/a</link></item>"
                  "<item><title>Broken</title><link>http://[::1</link></item>")
    pages.update({"/feed.xml": ("application/rss+xml", f'<?xml version="1.0"?><rss version="2.0"><channel>'
                                                       f"<title>t</title>{feed_items}</channel></rss>"),
                  "/a": ("text/html", f"<html><body><article><p>{_article(13)}</p></article></body></html>"),
                  "/notfeed": ("application/rss+xml", '<?xml version="1.0"?><html><body>Moved</body></html>')})
    monkeypatch.setenv("AI_RACE_ALLOW_PRIVATE_URLS", "1")
    monkeypatch.setenv("AI_RACE_FETCH_DEADLINE", "1")
    monkeypatch.setattr(landing, "fetch", landing.fetch.with_options(retry_delay_seconds=0))
    caplog.set_level("WARNING")
    try:
        code = main(["run", "--source", str(folder), "--source", f"{base}/feed.xml", "--source", f"{base}/notfeed",
                     "--source", f"{base}/trickle", "--data-dir", str(data)])
    finally:
        stop.set()
        server.shutdown()
        server.server_close()
    assert code == 0
    articles = storage.load_table("articles", data)
    assert sorted(Path(s).name for s in articles["source"]) == sorted(
        [n for n in good if n != "lines.jsonl"] + ["lines.jsonl#1", "utf16.txt", "utf16-nobom.txt", "a"])
    dates = dict(zip((Path(s).name for s in articles["source"]), articles["published_at"]))
    assert str(dates["good.md"])[:10] == "2026-01-05"
    assert all(dates[name] is None or str(dates[name]) == "NaT"
               for name in ("edge-date.md", "offset.md", "dated.json", "a"))
    rejected = storage.load_table("_rejected", data)
    reasons = list(rejected.loc[rejected["table"] == "input", "reason"])
    named = [str(folder / n) for n in ("deep.json", "bomb.md", "feed.rss", "paper.pdf", "table.csv", "notes.xml",
                                       "x.meta.json", "y.meta.json", "z.meta.json", "pipe.txt", "linked")]
    named += [str(folder / "lines.jsonl") + "#2", escape_controls(str(folder / "evil\nINFO all good.json")),
              "http://[::1", f"{base}/notfeed", f"{base}/trickle"]
    for name in named:
        assert sum(r.startswith(name + ":") for r in reasons) == 1, (name, reasons)
    assert len(reasons) == len(named) and all("\n" not in r and "\x1b" not in r for r in reasons)
    assert not any("private" in str(t) for t in articles["title"])
