"""Opening stores (paths, fsspec URLs, zarr stores), naming locations and listing keys."""

from __future__ import annotations

import os
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import zarr
from zarr.abc.store import Store
from zarr.core.sync import sync

from ..errors import MetadataNotFoundError, NgffValueError, missing_dependency
from ..rfc9_zip import open_ozx

__all__ = ["StoreLike", "as_store", "describe", "is_relative_key", "join", "list_dir"]

StoreLike = str | os.PathLike[str] | Store | zarr.Group


def as_store(
    store: StoreLike,
    *,
    read_only: bool = True,
    storage_options: Mapping[str, Any] | None = None,
) -> Store:
    """A zarr :class:`Store` for a local path, an fsspec URL (``http://``, ``s3://``) or a store.

    A local zip file (``.ozx``, ``.zip``) opens read-only as a zarr ``ZipStore``.
    """
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
    if path.is_file() and zipfile.is_zipfile(path):
        if not read_only:
            raise NgffValueError(
                f"{path}: a zipped OME-Zarr (.ozx) is written in one piece by to_ngff_zarr, "
                "to_hcs_zarr or HCSPlateWriter, not edited in place"
            )
        return open_ozx(path)
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
    """Join store key parts with '/', ignoring empty parts.

    >>> join("A/1", "", "0/", "zarr.json")
    'A/1/0/zarr.json'
    """
    joined = "/".join(parts)
    if "//" not in joined and not joined.startswith("/") and not joined.endswith("/"):
        return joined  # no empty part, no part with a '/' at an end: nothing to strip
    return "/".join(p.strip("/") for p in parts if p and p.strip("/"))


def is_relative_key(key: str) -> bool:
    """Whether ``key`` stays inside its store: no ``..`` or ``.`` part, no empty part.

    Paths in metadata (dataset, well, field and label paths) are joined to store keys; one
    that climbs out of the store must never be read.

    >>> is_relative_key("A/1/0/zarr.json"), is_relative_key("../../etc/passwd")
    (True, False)
    """
    return bool(key) and all(part not in ("", ".", "..") for part in key.split("/"))


def list_dir(store: Store, prefix: str) -> list[str]:
    """Names directly below ``prefix`` in ``store``."""

    async def _collect() -> list[str]:
        return [name async for name in store.list_dir(prefix)]

    return sorted(sync(_collect()))
