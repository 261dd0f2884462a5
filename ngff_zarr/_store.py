"""Opening stores (paths, fsspec URLs, zarr stores) and reading raw JSON documents from them."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import zarr
from zarr.abc.store import Store
from zarr.core.buffer import default_buffer_prototype
from zarr.core.sync import sync

from .errors import InvalidMetadataError, MetadataNotFoundError, missing_dependency

__all__ = [
    "StoreLike",
    "as_store",
    "describe",
    "join",
    "list_dir",
    "parse_json",
    "read_bytes",
    "read_json",
]

StoreLike = str | os.PathLike[str] | Store | zarr.Group


def as_store(
    store: StoreLike,
    *,
    read_only: bool = True,
    storage_options: Mapping[str, Any] | None = None,
) -> Store:
    """A zarr :class:`Store` for a local path, an fsspec URL (``http://``, ``s3://``) or a store."""
    if isinstance(store, zarr.Group):
        return store.store
    if isinstance(store, Store):
        return store
    text = os.fspath(store)
    if "://" in text and not text.startswith("file://"):
        try:
            import fsspec  # noqa: F401
        except ImportError as exc:  # pragma: no cover - fsspec ships with the remote extra
            raise missing_dependency(f"reading {text}", "fsspec", "remote") from exc
        if text.startswith(("http://", "https://")):
            try:
                import aiohttp  # noqa: F401
            except ImportError as exc:  # pragma: no cover
                raise missing_dependency("reading over HTTP", "aiohttp", "remote") from exc
        opts = dict(storage_options or {})
        if text.startswith(("http://", "https://")):
            opts.setdefault("asynchronous", True)
        return zarr.storage.FsspecStore.from_url(
            text.rstrip("/"), storage_options=opts, read_only=read_only
        )
    if text.startswith("file://"):
        text = text[len("file://") :]
    path = Path(text).expanduser()
    if read_only and not path.exists():
        raise MetadataNotFoundError(f"{path}: no such file or directory")
    return zarr.storage.LocalStore(path, read_only=read_only)


def describe(store: Store, key: str = "") -> str:
    """A human-readable location for ``key`` in ``store`` (used in error messages)."""
    root = getattr(store, "root", None) or getattr(store, "path", None)
    if isinstance(root, Path | str) and str(root):
        return f"{str(root).rstrip('/')}/{key}" if key else str(root)
    return f"<{type(store).__name__}>/{key}" if key else f"<{type(store).__name__}>"


def join(*parts: str) -> str:
    """Join store key parts with '/', ignoring empty parts."""
    return "/".join(p.strip("/") for p in parts if p and p.strip("/"))


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


def list_dir(store: Store, prefix: str) -> list[str]:
    """Names directly below ``prefix`` in ``store``."""

    async def _collect() -> list[str]:
        return [name async for name in store.list_dir(prefix)]

    return sorted(sync(_collect()))


def group_attributes(store: Store, path: str) -> tuple[int, dict[str, Any]]:
    """The Zarr format (2 or 3) and the attributes of the group at ``path``."""
    v3 = read_json(store, join(path, "zarr.json"))
    if v3 is not None:
        attrs = v3.get("attributes", {})
        if not isinstance(attrs, dict):
            raise InvalidMetadataError(
                "expected an object",
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
