"""Moving a data dir from the old layout (Delta tables directly at processed/TABLE/) to the
current one (processed/_delta/TABLE/ beside the plain processed/TABLE.parquet)."""
from __future__ import annotations

import os
from pathlib import Path

from pyarrow import fs

from ai_race_tables import storage


def legacy_uri(data_dir: str | Path, table: str) -> str:
    """Where the old layout kept a published table's Delta table."""
    return f"{storage.processed_uri(data_dir)}/{table}"


def _filesystem(uri: str) -> tuple[fs.FileSystem, str]:
    if "://" in uri:
        return fs.FileSystem.from_uri(uri)
    return fs.LocalFileSystem(), os.path.abspath(uri)


def _has_files(uri: str) -> bool:
    filesystem, path = _filesystem(uri)
    infos = filesystem.get_file_info(fs.FileSelector(path, recursive=True, allow_not_found=True))
    return any(info.type == fs.FileType.File for info in infos)


def move_legacy_tables(data_dir: str | Path, tables: list[str]) -> list[str]:
    """Move every old-layout Delta table of these names into processed/_delta/; the names moved.
    Locally one rename per table. On an object store every file is copied, then the old folder
    deleted; a move cut short is finished by the next call (the old folder stays the source
    until deleted, and copying its files again writes the same bytes)."""
    moved = []
    for table in tables:
        old, new = legacy_uri(data_dir, table), storage.table_uri(data_dir, table)
        if not _has_files(old):
            continue
        with storage.guarded(data_dir, table):
            if "://" not in old:
                if os.path.exists(new):
                    raise FileExistsError(f"both {old} (old layout) and {new} exist: keep one of them")
                os.makedirs(os.path.dirname(new), exist_ok=True)
                os.rename(old, new)
            else:
                _copy_tree(old, new)
                filesystem, path = _filesystem(old)
                filesystem.delete_dir(path)
        moved.append(table)
    return moved


def _copy_tree(old: str, new: str) -> None:
    filesystem, source = _filesystem(old)
    _, target = _filesystem(new)
    for info in filesystem.get_file_info(fs.FileSelector(source, recursive=True)):
        if info.type == fs.FileType.File:
            filesystem.copy_file(info.path, target + info.path[len(source):])
