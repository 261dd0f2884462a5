"""Where a write goes, and how a finished or failed write is settled.

A local directory target is written in a hidden sibling staging directory and moved into place
only when complete (``os.replace``), so an interrupted or failed write never leaves a store
that looks complete nor damages an existing one. An ``.ozx`` target is staged the same way and
zipped into place (RFC-9). Other targets (zarr groups, stores, URLs) are
written in place.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import uuid
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import zarr

from ..errors import StoreExistsError, UnsupportedVersionError, WriteError
from ..rfc9_zip import is_ozx_path, is_zarr_zip, write_store_to_zip
from .store import StoreLike, as_store, describe, list_dir

__all__ = ["Target"]

# a directory holding one of these at its root is a Zarr hierarchy (v3, or v2 group/array)
_ZARR_ROOT_KEYS = ("zarr.json", ".zgroup", ".zattrs", ".zarray")


class Target:
    """Where the image goes, and how a finished (or failed) write is settled."""

    def __init__(
        self,
        group: zarr.Group,
        *,
        final: Path | None = None,
        staging: Path | None = None,
        local_root: Path | None = None,
        group_path: str = "",
        zipped: bool = False,
    ) -> None:
        self.group = group
        self.final = final
        self.staging = staging
        self.local_root = local_root
        self.group_path = group_path
        self.zipped = zipped  # final is an .ozx: the staging directory is zipped into it

    @classmethod
    def open(
        cls,
        store: StoreLike,
        *,
        overwrite: bool,
        storage_options: Mapping[str, Any] | None,
        zarr_format: int,
    ) -> Target:
        if isinstance(store, zarr.Group):
            members = [name for name, _ in store.members()]
            if (members or dict(store.attrs)) and not overwrite:
                raise StoreExistsError(
                    f"group {store.path or '/'} is not empty (holds {sorted(members)[:5]}); "
                    "pass overwrite=True to replace it"
                )
            if store.metadata.zarr_format != zarr_format:
                raise UnsupportedVersionError(
                    f"group {store.path or '/'} is Zarr v{store.metadata.zarr_format}, "
                    f"but the requested OME-Zarr version needs Zarr v{zarr_format}"
                )
            root = getattr(store.store, "root", None)
            local = Path(root) if isinstance(root, Path) else None
            return cls(store, local_root=local, group_path=store.path)
        if isinstance(store, str | os.PathLike) and is_ozx_path(store):
            return cls._open_zip(
                Path(os.fspath(store)), overwrite=overwrite, zarr_format=zarr_format
            )
        if isinstance(store, str | os.PathLike) and "://" not in os.fspath(store):
            final = Path(os.fspath(store)).expanduser().absolute()
            if final.exists() and not final.is_dir():
                raise StoreExistsError(f"{final} exists and is not a directory")
            if final.is_dir() and any(final.iterdir()):
                if not overwrite:
                    raise StoreExistsError(
                        f"{final} is not empty; pass overwrite=True to replace it"
                    )
                if not any((final / key).is_file() for key in _ZARR_ROOT_KEYS):
                    raise StoreExistsError(
                        f"{final} is not empty and is not a Zarr store (no zarr.json, "
                        ".zgroup or .zattrs); it is never replaced: write elsewhere or "
                        "remove it yourself"
                    )
            staging = final.parent / f".{final.name}.ngff-zarr-{uuid.uuid4().hex[:12]}"
            try:
                final.parent.mkdir(parents=True, exist_ok=True)
                staging.mkdir()
            except OSError as exc:
                raise WriteError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
            group = zarr.open_group(
                zarr.storage.LocalStore(staging),
                mode="w",
                zarr_format=zarr_format,  # type: ignore[arg-type]
            )
            return cls(group, final=final, staging=staging, local_root=staging)
        zstore = as_store(store, read_only=False, storage_options=storage_options)
        present = list_dir(zstore, "")
        if present and not overwrite:
            raise StoreExistsError(
                "the target store is not empty; pass overwrite=True to replace it"
            )
        if present and not set(present) & set(_ZARR_ROOT_KEYS):
            raise StoreExistsError(
                f"{describe(zstore)} is not empty and is not a Zarr store (holds "
                f"{present[:5]}); it is never replaced"
            )
        root = getattr(zstore, "root", None)
        group = zarr.open_group(zstore, mode="w", zarr_format=zarr_format)  # type: ignore[arg-type]
        return cls(group, local_root=Path(root) if isinstance(root, Path) else None)

    @classmethod
    def _open_zip(cls, path: Path, *, overwrite: bool, zarr_format: int) -> Target:
        """An ``.ozx`` target: staged as a directory, zipped into place by :meth:`commit`."""
        final = path.expanduser().absolute()
        if zarr_format != 3:
            raise UnsupportedVersionError(
                f"{final}: a zipped OME-Zarr (.ozx, RFC-9) needs OME-Zarr 0.5 or later "
                "(Zarr v3); got a Zarr v2 version (0.4)"
            )
        if final.exists():
            if not is_zarr_zip(final):
                raise StoreExistsError(
                    f"{final} exists and is not a zipped Zarr hierarchy; it is never replaced"
                )
            if not overwrite:
                raise StoreExistsError(f"{final} exists; pass overwrite=True to replace it")
        staging = final.parent / f".{final.name}.ngff-zarr-{uuid.uuid4().hex[:12]}"
        try:
            final.parent.mkdir(parents=True, exist_ok=True)
            staging.mkdir()
        except OSError as exc:
            raise WriteError(f"cannot write to {final.parent}: {exc.strerror or exc}") from exc
        group = zarr.open_group(zarr.storage.LocalStore(staging), mode="w", zarr_format=3)
        return cls(group, final=final, staging=staging, local_root=staging, zipped=True)

    def commit(self) -> None:
        if self.staging is None or self.final is None:
            return
        if self.zipped:
            attrs = dict(self.group.attrs)
            ome = attrs.get("ome")
            version = str(ome.get("version", "0.5")) if isinstance(ome, dict) else "0.5"
            write_store_to_zip(self.staging, self.final, version=version)
            shutil.rmtree(self.staging, ignore_errors=True)
            self.staging = None
            return
        backup = None
        if self.final.exists():
            backup = self.final.parent / f".{self.final.name}.ngff-zarr-old-{uuid.uuid4().hex[:12]}"
            os.replace(self.final, backup)
        try:
            os.replace(self.staging, self.final)
        except OSError:
            if backup is not None:
                os.replace(backup, self.final)
            raise
        if backup is not None:
            shutil.rmtree(backup, ignore_errors=True)
        self.staging = None

    def abort(self) -> None:
        if self.staging is not None:
            with contextlib.suppress(OSError):
                shutil.rmtree(self.staging)
            self.staging = None
