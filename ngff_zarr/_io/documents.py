"""The one JSON reader and writer: metadata documents of groups, read and written concurrently.

Plate, well and image metadata are small JSON documents. They are read and written here
directly through the zarr store API (one key per document, many keys at once), which keeps
opening a 1536-well plate to one round trip per well even over HTTP.
"""

from __future__ import annotations

import asyncio
import json
import os
from collections.abc import Mapping, Sequence
from typing import Any

from zarr.abc.store import Store
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync
from zarr.storage import LocalStore

from ..config import config
from ..errors import InvalidMetadataError, MetadataNotFoundError
from .store import describe, join

__all__ = [
    "attributes_of",
    "dump_json",
    "group_attributes",
    "group_documents",
    "parse_json",
    "read_bytes",
    "read_documents",
    "read_json",
    "read_raw",
    "write_documents",
]


def read_bytes(store: Store, key: str) -> bytes | None:
    """The bytes stored under ``key``, or None when the key does not exist."""
    buf = sync(store.get(key, prototype=default_buffer_prototype()))
    return None if buf is None else buf.to_bytes()


def read_json(store: Store, key: str) -> dict[str, Any] | None:
    """Parse the JSON document under ``key``; None when missing, a clear error when malformed."""
    raw = read_bytes(store, key)
    if raw is None:
        return None
    return parse_json(store, key, raw)


def parse_json(store: Store, key: str, raw: bytes) -> dict[str, Any]:
    """Parse ``raw``, read from ``key``: a JSON object, or an error naming the file."""
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InvalidMetadataError(f"malformed JSON ({exc})", path=describe(store, key)) from exc
    if not isinstance(doc, dict):
        raise InvalidMetadataError(
            f"expected a JSON object, found {type(doc).__name__}", path=describe(store, key)
        )
    return doc


def dump_json(doc: Mapping[str, Any]) -> bytes:
    """The bytes of a metadata document as written (indented UTF-8 JSON)."""
    return json.dumps(doc, indent=2).encode()


def read_raw(store: Store, keys: Sequence[str]) -> dict[str, bytes | None]:
    """The bytes under each of ``keys`` (None where missing), read at once.

    A local store is read straight from the file system; any other store concurrently, at
    most ``config.metadata_concurrency`` requests at a time.
    """
    unique = list(dict.fromkeys(keys))
    root = getattr(store, "root", None)
    if isinstance(store, LocalStore) and root is not None:
        base = f"{os.fspath(root)}/"
        return {key: _read_file(f"{base}{key}") for key in unique}
    prototype = default_buffer_prototype()
    limit_count = config.metadata_concurrency

    async def run() -> list[Any]:
        limit = asyncio.Semaphore(limit_count)

        async def one(key: str) -> Any:
            async with limit:
                return await store.get(key, prototype=prototype)

        return await asyncio.gather(*(one(k) for k in unique))

    values = sync(run())
    return {k: None if v is None else v.to_bytes() for k, v in zip(unique, values, strict=True)}


def _read_file(path: str) -> bytes | None:
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None


def read_documents(store: Store, keys: Sequence[str]) -> list[dict[str, Any] | None]:
    """The JSON objects under ``keys`` (None where missing), read at once (see :func:`read_raw`)."""
    raw = read_raw(store, keys)
    return [None if raw[k] is None else parse_json(store, k, raw[k]) for k in keys]  # type: ignore[arg-type]


def write_documents(store: Store, documents: Mapping[str, bytes]) -> None:
    """Write every ``key -> bytes`` of ``documents``, concurrently."""
    prototype = default_buffer_prototype()
    limit_count = config.metadata_concurrency

    async def run() -> None:
        limit = asyncio.Semaphore(limit_count)

        async def one(key: str, value: bytes) -> None:
            async with limit:
                await store.set(key, prototype.buffer.from_bytes(value))

        await asyncio.gather(*(one(k, v) for k, v in documents.items()))

    sync(run())


def group_documents(
    zarr_format: int, path: str, attrs: Mapping[str, Any] | None
) -> dict[str, bytes]:
    """The metadata documents (store key -> bytes) of a group at ``path`` with ``attrs``."""
    if zarr_format == 3:
        doc = {"zarr_format": 3, "node_type": "group", "attributes": dict(attrs or {})}
        return {join(path, "zarr.json"): dump_json(doc)}
    docs = {join(path, ".zgroup"): dump_json({"zarr_format": 2})}
    if attrs is not None:
        docs[join(path, ".zattrs")] = dump_json(dict(attrs))
    return docs


def group_attributes(store: Store, path: str) -> tuple[int, dict[str, Any]]:
    """The Zarr format (2 or 3) and the attributes of the group at ``path``."""
    v3 = read_json(store, join(path, "zarr.json"))
    if v3 is not None:
        attrs = v3.get("attributes", {})
        if not isinstance(attrs, dict):
            raise InvalidMetadataError(
                f"expected an object, found {attrs!r}",
                path=describe(store, join(path, "zarr.json")),
                field="attributes",
            )
        return 3, attrs
    attrs2 = read_json(store, join(path, ".zattrs"))
    if attrs2 is not None:
        return 2, attrs2
    if read_json(store, join(path, ".zgroup")) is not None:
        return 2, {}
    raise MetadataNotFoundError(
        f"{describe(store, path)}: no Zarr group here (found neither zarr.json nor .zattrs/.zgroup)"
    )


def attributes_of(document: Mapping[str, Any] | None, zarr_format: int) -> dict[str, Any]:
    """The attributes held by a group's metadata document (``zarr.json`` or ``.zattrs``)."""
    if document is None:
        return {}
    if zarr_format == 3:
        attrs = document.get("attributes", {})
        return dict(attrs) if isinstance(attrs, Mapping) else {}
    return dict(document)
