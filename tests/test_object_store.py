"""The data dir on an S3-compatible object store (moto's server on 127.0.0.1)."""
from __future__ import annotations

import logging

import pyarrow.parquet as pq
import pytest
from pyarrow import fs

from ai_race_tables import plain, storage
from transforms.rows import TABLES


@pytest.fixture()
def bucket(monkeypatch):
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    for key, value in {"AWS_ACCESS_KEY_ID": "test", "AWS_SECRET_ACCESS_KEY": "test", "AWS_REGION": "us-east-1",
                       "AWS_ENDPOINT_URL": endpoint, "AWS_ALLOW_HTTP": "true",
                       "AWS_S3_ALLOW_UNSAFE_RENAME": "true"}.items():
        monkeypatch.setenv(key, value)
    import boto3

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="lake")
    yield "s3://lake/news"
    server.stop()


def test_tables_and_raw_zone_on_an_object_store(prefect_server, bucket):
    from flows import raw_zone
    from flows.pipeline import pipeline

    first = pipeline(sources=["seeds/articles"], data_dir=bucket)
    assert first.blocked is None and first.articles_extracted == 1
    assert list(raw_zone.landed_ids(bucket)) == [storage.load_table("articles", bucket)["article_id"][0]]
    assert len(storage.load_table("people", bucket)) == 2
    for table in TABLES:  # one plain file per table holding the latest rows, the Delta table beside it
        filesystem, path = fs.FileSystem.from_uri(plain.plain_uri(bucket, table))
        assert pq.read_table(path, filesystem=filesystem).equals(storage.load_table(table, bucket, arrow=True))
        assert storage.table_uri(bucket, table) == f"{bucket}/processed/_delta/{table}"
    versions = {t: storage.version_of(bucket, t) for t in TABLES}
    second = pipeline(sources=["seeds/articles"], data_dir=bucket)
    assert second.articles_extracted == 0
    assert {t: storage.version_of(bucket, t) for t in TABLES} == versions
    assert len(storage.load_snapshot(first.run_id, bucket)["funding"]) == 2


def test_an_old_layout_on_an_object_store_is_moved_on_the_next_run(prefect_server, bucket):
    from ai_race_tables import layout
    from flows.pipeline import pipeline

    pipeline(sources=["seeds/articles"], data_dir=bucket)
    before = {t: storage.load_table(t, bucket, arrow=True) for t in TABLES}
    filesystem, _ = fs.FileSystem.from_uri(bucket)
    for table in TABLES:  # back to the old layout: Delta tables at processed/TABLE, no plain files
        _, new = fs.FileSystem.from_uri(storage.table_uri(bucket, table))
        _, old = fs.FileSystem.from_uri(layout.legacy_uri(bucket, table))
        for info in filesystem.get_file_info(fs.FileSelector(new, recursive=True)):
            if info.type == fs.FileType.File:
                filesystem.copy_file(info.path, old + info.path[len(new):])
        filesystem.delete_dir(new)
        filesystem.delete_file(fs.FileSystem.from_uri(plain.plain_uri(bucket, table))[1])
    assert pipeline(sources=["seeds/articles"], data_dir=bucket).articles_extracted == 0
    for table in TABLES:
        assert storage.load_table(table, bucket, arrow=True).equals(before[table])
        _, path = fs.FileSystem.from_uri(plain.plain_uri(bucket, table))
        assert pq.read_table(path, filesystem=filesystem).equals(before[table])
        assert filesystem.get_file_info(fs.FileSystem.from_uri(layout.legacy_uri(bucket, table))[1]).type \
            == fs.FileType.NotFound
