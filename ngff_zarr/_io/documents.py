"""The one JSON reader and writer: metadata documents of groups, read and written concurrently.

Plate, well and image metadata are small JSON documents. They are read and written here
directly through the zarr store API (one key per document, many keys at once), which keeps
opening a 1536-well plate to one round trip per well even over HTTP.
"""

from __future__ import annotations

import asyncio
import errno
import functools
import json
import os
import re
import stat
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Final

import numpy as np
from zarr.abc.store import Store
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync
from zarr.storage import LocalStore

from ..config import config
from ..errors import InvalidMetadataError, MetadataNotFoundError, ReadError
from .store import describe, is_relative_key, join

__all__ = [
    "attributes_of",
    "check_structure",
    "dump_json",
    "fetch",
    "group_attributes",
    "group_documents",
    "iter_documents",
    "json_depth",
    "parse_document",
    "parse_json",
    "read_bytes",
    "read_documents",
    "read_json",
    "read_raw",
    "write_documents",
]


def read_bytes(store: Store, key: str) -> bytes | None:
    """The bytes stored under ``key``, or None when the key does not exist."""
    buf = sync(fetch(store, key, default_buffer_prototype()))
    return None if buf is None else buf.to_bytes()


# errors of a key that cannot name a file (too long, ...): the key does not exist
_NO_SUCH_KEY: Final = frozenset({errno.ENAMETOOLONG, errno.ENOTDIR, errno.EINVAL, errno.ELOOP})


async def fetch(store: Store, key: str, prototype: Any) -> Any:
    """``store.get(key)``; a key no file can have is missing, other I/O errors are ReadError."""
    if not is_relative_key(key):
        return None
    try:
        return await store.get(key, prototype=prototype)
    except OSError as exc:
        if exc.errno in _NO_SUCH_KEY:
            return None
        raise ReadError(f"{describe(store, key)}: {exc.strerror or exc}") from exc


def read_json(store: Store, key: str) -> dict[str, Any] | None:
    """Parse the JSON document under ``key``; None when missing, a clear error when malformed.

    A local document larger than ``config.metadata_max_bytes`` is refused without being read
    whole (see :func:`read_raw`).
    """
    raw = read_raw(store, [key])[key]
    if raw is None:
        return None
    return parse_json(store, key, raw)


def parse_json(store: Store, key: str, raw: bytes) -> dict[str, Any]:
    """Parse ``raw``, read from ``key``: a JSON object, or an error naming the file."""
    return _parse(
        raw, lambda: describe(store, key), config.metadata_max_bytes, config.metadata_max_depth
    )


def parse_document(raw: bytes, where: str) -> dict[str, Any]:
    """A JSON object from ``raw`` within the size and nesting limits, or an error naming ``where``.

    The limits (``config.metadata_max_bytes``, ``config.metadata_max_depth``) are checked
    before parsing, at C speed, so that no document costs unbounded time or memory and no
    code that walks a document (the JSON parser, JSON Schema validation) recurses deeper
    than the limit.

    >>> parse_document(b'{"a": [1, 2]}', "zarr.json")
    {'a': [1, 2]}
    >>> parse_document(b"[" * 100 + b"]" * 100, "zarr.json")
    Traceback (most recent call last):
    ngff_zarr.errors.InvalidMetadataError: zarr.json: nested 100 levels deep, more than the 64 ...
    """
    return _parse(raw, lambda: where, config.metadata_max_bytes, config.metadata_max_depth)


def _parse(raw: bytes, where: Callable[[], str], limit: int, max_depth: int) -> dict[str, Any]:
    """:func:`parse_document` with its limits given; ``where`` names the document in errors."""
    if len(raw) > limit:
        # a local file is read one byte past the limit, no further: its size is then unknown
        size = f"{len(raw)} bytes" if len(raw) > limit + 1 else "its size was not read further"
        raise InvalidMetadataError(
            f"the document has more bytes than the {limit} a metadata document may have "
            f"(config.metadata_max_bytes; {size})",
            path=where(),
        )
    # A document nests no deeper than it has opening brackets: the exact depth is measured
    # only when there are more of them than the limit (most documents have a few dozen).
    if raw.count(b"[") + raw.count(b"{") > max_depth:
        depth = json_depth(raw)
        if depth > max_depth:
            raise InvalidMetadataError(
                f"nested {depth} levels deep, more than the {max_depth} a metadata "
                "document may have (config.metadata_max_depth)",
                path=where(),
            )
    try:
        doc = json.loads(raw)
    except (UnicodeDecodeError, ValueError, RecursionError) as exc:
        # ValueError: JSONDecodeError, and integers too long to convert
        raise InvalidMetadataError(f"malformed JSON ({exc})", path=where()) from exc
    if not isinstance(doc, dict):
        raise InvalidMetadataError(
            f"expected a JSON object, found {type(doc).__name__}", path=where()
        )
    return doc


_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"?', re.DOTALL)
_OPEN = np.zeros(256, dtype=np.int8)
_OPEN[[ord("["), ord("{")]] = 1
_OPEN[[ord("]"), ord("}")]] = -1


def json_depth(raw: bytes) -> int:
    """How deeply the JSON text ``raw`` nests arrays and objects (brackets outside strings)."""
    if b"[" not in raw and b"{" not in raw:
        return 0
    text = _STRING.sub(b"", raw) if b'"' in raw else raw
    steps = _OPEN[np.frombuffer(text, dtype=np.uint8)]
    steps = steps[steps != 0]
    return int(np.cumsum(steps, dtype=np.int64).max(initial=0))


def check_structure(document: Any, where: str) -> None:
    """Bound a document given as Python objects (no recursion: an explicit stack).

    Depth beyond ``config.metadata_max_depth`` or more than ten times
    ``config.metadata_max_values`` values (which also stops on a cycle, and on lists shared
    many times over) is an error.
    """
    max_depth = config.metadata_max_depth
    max_nodes = 10 * config.metadata_max_values
    stack: list[tuple[Any, int]] = [(document, 1)]
    nodes = 0
    while stack:
        value, depth = stack.pop()
        nodes += 1
        if nodes > max_nodes:
            raise InvalidMetadataError(
                f"holds more than {max_nodes} values (10 x config.metadata_max_values)",
                path=where,
            )
        if isinstance(value, Mapping):
            children: Any = value.values()
        elif isinstance(value, list | tuple):
            children = value
        else:
            continue
        if depth > max_depth:
            raise InvalidMetadataError(
                f"nested more than {max_depth} levels deep (config.metadata_max_depth)", path=where
            )
        stack.extend((child, depth + 1) for child in children)


def dump_json(doc: Mapping[str, Any]) -> bytes:
    """The bytes of a metadata document as written (indented UTF-8 JSON)."""
    return json.dumps(doc, indent=2).encode()


def read_raw(store: Store, keys: Sequence[str]) -> dict[str, bytes | None]:
    """The bytes under each of ``keys`` (None where missing), read at once.

    A local store is read straight from the file system: serially while files come from the
    page cache (a few microseconds each, where threads only add their start-up and contention),
    on a few threads once they come slower (a cold disk, a network file system). Any other store
    is read concurrently, at most ``config.metadata_concurrency`` requests at a time.
    """
    unique = list(dict.fromkeys(keys))
    root = getattr(store, "root", None)
    if isinstance(store, LocalStore) and root is not None:
        base = f"{os.fspath(root)}/"
        limit = config.metadata_max_bytes + 1  # read once: a config lookup costs an env read
        found: dict[str, bytes | None] = {}
        threads = min(_LOCAL_THREADS, config.metadata_concurrency, len(unique) // _PER_THREAD)
        if threads >= 2:  # a sample, read serially, tells how fast this file system is
            start = time.perf_counter()
            for key in unique[:_SAMPLE]:
                found[key] = _read_file(base, key, limit)
            if time.perf_counter() - start < _SAMPLE * _FAST_FILE:
                threads = 1
        rest = unique[len(found) :]
        if threads < 2:
            found.update((key, _read_file(base, key, limit)) for key in rest)
            return found
        # slow files: a few threads (open and read release the GIL), each a slice of the keys
        slices = [rest[i::threads] for i in range(threads)]
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ngff-zarr-meta") as pool:
            parts = list(pool.map(lambda ks: [_read_file(base, k, limit) for k in ks], slices))
        for ks, vs in zip(slices, parts, strict=True):
            found.update(zip(ks, vs, strict=True))
        return {key: found[key] for key in unique}
    prototype = default_buffer_prototype()
    limit_count = config.metadata_concurrency

    async def run() -> list[Any]:
        limit = asyncio.Semaphore(limit_count)

        async def one(key: str) -> Any:
            async with limit:
                return await fetch(store, key, prototype)

        return await asyncio.gather(*(one(k) for k in unique))

    values = sync(run())
    return {k: None if v is None else v.to_bytes() for k, v in zip(unique, values, strict=True)}


_LOCAL_THREADS: Final = 4  # threads reading many local files
_PER_THREAD: Final = 128  # files a thread is worth starting for
_SAMPLE: Final = 64  # files read serially to time the file system
_FAST_FILE: Final = 50e-6  # seconds a cached file takes (about 10 us here): threads do not pay


def _read_file(base: str, key: str, limit: int) -> bytes | None:
    """The bytes of the file ``base + key``, at most ``limit`` of them; None when missing.

    Read with plain system calls (a listing reads thousands of small documents): one read of
    ``_FIRST_READ`` bytes holds most documents, larger ones are read on in pieces up to the
    limit. ``O_NONBLOCK`` keeps a FIFO given a document's name from blocking the reader (it
    reads as empty); a regular file that reports it would block is read again, blocking.
    """
    if not is_relative_key(key):
        return None  # a path in the metadata that climbs out of the store: never read
    path = f"{base}{key}"
    try:
        fd = os.open(path, _OPEN_FLAGS)
        try:
            try:
                return _read_fd(fd, limit)
            except BlockingIOError:
                if stat.S_ISFIFO(os.fstat(fd).st_mode):
                    return b""  # a FIFO with a writer but nothing written: no document
                os.set_blocking(fd, True)
                return _read_fd(fd, limit)
        finally:
            os.close(fd)
    except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
        return None
    except OSError as exc:
        if exc.errno in _NO_SUCH_KEY:
            return None  # no file can have this name
        raise ReadError(f"{path}: {exc.strerror or exc}") from exc


def _read_fd(fd: int, limit: int) -> bytes:
    data = os.read(fd, min(_FIRST_READ, limit))
    if len(data) < _FIRST_READ or len(data) >= limit:
        return data
    parts, total = [data], len(data)
    while total < limit:  # beyond the limit: refused unread
        more = os.read(fd, min(_NEXT_READ, limit - total))
        if not more:
            break
        parts.append(more)
        total += len(more)
    return b"".join(parts)


_OPEN_FLAGS: Final = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
_FIRST_READ: Final = 16 * 1024  # most metadata documents are smaller
_NEXT_READ: Final = 1024 * 1024


def read_documents(store: Store, keys: Sequence[str]) -> list[dict[str, Any] | None]:
    """The JSON objects under ``keys`` (None where missing), read at once (see :func:`read_raw`)."""
    return list(iter_documents(store, keys))


def iter_documents(
    store: Store, keys: Sequence[str], raw: Mapping[str, bytes | None] | None = None
) -> Iterator[dict[str, Any] | None]:
    """:func:`read_documents`, each document parsed only when the iteration reaches it.

    The files are read at once (or given: ``raw``, as :func:`read_raw` returns them); a caller
    that turns each document into something smaller (thousands of well documents into wells)
    then never holds them all parsed.
    """
    found = read_raw(store, keys) if raw is None else raw
    limit, depth = config.metadata_max_bytes, config.metadata_max_depth  # looked up once
    for key in keys:
        data = found[key]
        where = functools.partial(describe, store, key)
        yield None if data is None else _parse(data, where, limit, depth)


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
