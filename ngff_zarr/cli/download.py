"""``ngff-zarr download URL DIR``: copy a remote OME-Zarr store, byte for byte, with progress.

The keys to copy are found without listing the server (plain HTTP cannot list): from the
consolidated metadata when the store has it (0.5 ``zarr.json``, 0.4 ``.zmetadata``), else by
walking the OME-Zarr hierarchy (multiscales datasets, labels, plate wells and fields,
bioformats2raw series). Each array's chunk (or shard) keys follow from its metadata; a key the
server does not have is a chunk never written (the fill value) and is skipped. The copy is
written beside its final place and renamed into place when complete.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import math
import shutil
import sys
from itertools import product
from pathlib import Path
from typing import Any

from ..errors import NgffValueError, StoreExistsError
from ._common import CONVERT_FLAGS, error_line

__all__ = ["add_parser", "run"]

_BATCH = 32  # concurrent requests
_V3, _V2 = "zarr.json", (".zgroup", ".zattrs", ".zarray", ".zmetadata")


def add_parser(subparsers: Any) -> None:
    """Register the ``download`` sub-command."""
    parser = subparsers.add_parser(
        "download",
        help="copy a remote OME-Zarr store (http(s)://, s3://) into a local folder",
        description="Copy the OME-Zarr store at URL into DIR/<its name>, byte for byte.",
    )
    parser.add_argument("url", metavar="URL")
    parser.add_argument("output", metavar="DIR", help="folder to put the store in")
    parser.add_argument("--storage-options", metavar="JSON", help="fsspec options of the URL")
    parser.add_argument("-q", "--quiet", action="store_true", help="hide the progress bar")


def run(args: argparse.Namespace) -> int:
    """Run ``download``; errors are printed as one line and give exit code 1."""
    try:
        options = json.loads(args.storage_options) if args.storage_options else None
        target = download(args.url, Path(args.output), options, progress=not args.quiet)
    except Exception as exc:  # one line: also the storage library's own errors
        print(f"ngff-zarr download: error: {error_line(exc, CONVERT_FLAGS)}", file=sys.stderr)
        return 1
    print(f"wrote {target}")
    return 0


def download(
    url: str, folder: Path, storage_options: dict[str, Any] | None, *, progress: bool
) -> Path:
    """Copy the store at ``url`` to ``folder/<name>``; returns that path."""
    from zarr.core.sync import sync

    from .._io.store import as_store

    name = url.rstrip("/").rsplit("/", 1)[-1]
    if not name or "://" in name:
        raise NgffValueError(f"URL: expected the address of a store, got {url!r}")
    target = folder / name
    if target.exists():
        raise StoreExistsError(f"{target} exists; remove it or choose another DIR")
    store = as_store(url, storage_options=storage_options)
    staging = folder / f".{name}.download"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        sync(_copy(store, staging, progress))
        staging.rename(target)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return target


async def _copy(store: Any, staging: Path, progress: bool) -> None:
    from rich.progress import Progress

    keys = await _keys(store)
    with Progress(disable=not progress, transient=True) as bar:
        task = bar.add_task("download", total=len(keys))
        for start in range(0, len(keys), _BATCH):
            batch = keys[start : start + _BATCH]
            fetched = await asyncio.gather(*(_get(store, key) for key in batch))
            for key, data in zip(batch, fetched, strict=True):
                if data is not None:
                    path = staging / key
                    path.parent.mkdir(parents=True, exist_ok=True)
                    path.write_bytes(data)
            bar.advance(task, len(batch))


async def _get(store: Any, key: str) -> bytes | None:
    from zarr.core.buffer import default_buffer_prototype

    buffer = await store.get(key, prototype=default_buffer_prototype())
    return None if buffer is None else bytes(buffer.to_bytes())


async def _json(store: Any, key: str) -> dict[str, Any] | None:
    raw = await _get(store, key)
    if raw is None:
        return None
    value = json.loads(raw)
    return value if isinstance(value, dict) else None


async def _keys(store: Any) -> list[str]:
    """Every metadata document and chunk key of the store (chunks possibly absent)."""
    root = await _json(store, _V3)
    if root is None and await _get(store, ".zgroup") is None:
        raise NgffValueError("URL: no Zarr group there (no zarr.json nor .zgroup)")
    zarr_format = 3 if root is not None else 2
    listed = _consolidated(root) if root is not None else await _consolidated_v2(store)
    # the OME hierarchy too: consolidated metadata may predate a label added later
    nodes = {**(listed or {}), **await _walk(store, "", zarr_format)}
    for path in list(nodes):  # the groups between (a row of a plate, "scale0" of "scale0/image")
        parts = path.split("/")
        for depth in range(1, len(parts)):
            nodes.setdefault("/".join(parts[:depth]), {"zarr_format": zarr_format})
    keys: list[str] = []
    for path, meta in sorted(nodes.items()):
        prefix = f"{path}/" if path else ""
        keys += [prefix + _V3] if zarr_format == 3 else [prefix + n for n in _V2]
        if meta.get("node_type") == "array" or ("shape" in meta and "chunks" in meta):
            keys += [prefix + k for k in _chunk_keys(meta)]
    return list(dict.fromkeys(keys))


def _consolidated(root: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
    inline = root.get("consolidated_metadata")
    if not isinstance(inline, dict) or not isinstance(inline.get("metadata"), dict):
        return None
    return {"": root, **inline["metadata"]}


async def _consolidated_v2(store: Any) -> dict[str, dict[str, Any]] | None:
    doc = await _json(store, ".zmetadata")
    if doc is None or not isinstance(doc.get("metadata"), dict):
        return None
    nodes: dict[str, dict[str, Any]] = {"": {"zarr_format": 2}}
    for key, meta in doc["metadata"].items():
        path, _, leaf = key.rpartition("/")
        if leaf == ".zarray":
            nodes[path] = {"zarr_format": 2, **meta}
        elif leaf in (".zgroup", ".zattrs"):
            nodes.setdefault(path, {"zarr_format": 2})
    return nodes


async def _walk(store: Any, path: str, zarr_format: int) -> dict[str, dict[str, Any]]:
    """The nodes below ``path`` that the OME-Zarr attributes name."""
    prefix = f"{path}/" if path else ""
    if zarr_format == 3:
        meta = await _json(store, prefix + _V3)
        if meta is None:
            return {}
        attrs = meta.get("attributes", {})
        attrs = attrs.get("ome", attrs)
    else:
        array = await _json(store, prefix + ".zarray")
        if array is not None:
            return {path: {"zarr_format": 2, **array}}
        if await _json(store, prefix + ".zgroup") is None:
            return {}
        meta, attrs = {"zarr_format": 2}, await _json(store, prefix + ".zattrs") or {}
    nodes = {path: meta}
    if meta.get("node_type") == "array":
        return nodes
    children: list[str] = []
    for multiscale in attrs.get("multiscales", []):
        children += [d["path"] for d in multiscale.get("datasets", [])]
    if "multiscales" in attrs:
        children.append("labels")  # its own attributes list the label images
    children += [str(name) for name in attrs.get("labels", [])]
    children += [w["path"] for w in attrs.get("plate", {}).get("wells", [])]
    children += [i["path"] for i in attrs.get("well", {}).get("images", [])]
    for child in children:
        nodes.update(await _walk(store, prefix + child, zarr_format))
    if "bioformats2raw.layout" in attrs:  # series 0, 1, ... until one is missing
        for series in range(sys.maxsize):
            found = await _walk(store, f"{prefix}{series}", zarr_format)
            if not found:
                break
            nodes.update(found)
    return nodes


def _chunk_keys(meta: dict[str, Any]) -> list[str]:
    """The keys of every chunk (shard, for a sharded array) of an array's metadata."""
    shape = meta["shape"]
    if meta.get("zarr_format") == 3:
        grid = meta["chunk_grid"]["configuration"]["chunk_shape"]
        encoding = meta.get("chunk_key_encoding", {"name": "default"})
        config = encoding.get("configuration", {})
        v2_style = encoding.get("name") == "v2"
        separator = config.get("separator", "." if v2_style else "/")
        lead = [] if v2_style else ["c"]
    else:
        grid, separator, lead = meta["chunks"], meta.get("dimension_separator") or ".", []
    counts = [math.ceil(n / c) if c else 0 for n, c in zip(shape, grid, strict=True)]
    if not counts:  # a 0-d array: one chunk
        return [separator.join(lead) if lead else "0"]
    return [
        separator.join([*lead, *map(str, index)]) for index in product(*(range(n) for n in counts))
    ]
