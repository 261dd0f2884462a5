"""Where an image's group is in a store, and what it is: the starting point of labels and tables.

A bioformats2raw container holds its first image in ``0``: labels and tables of "the image"
are those of that group, as :func:`~ngff_zarr.from_ngff_zarr` reads it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import zarr
from zarr.abc.store import Store

from .._versions import Layout, find_image, layout_for_zarr_format
from .documents import group_attributes
from .store import StoreLike, as_store, describe, join

__all__ = ["Located", "locate_group", "locate_image"]


@dataclass(frozen=True, slots=True, kw_only=True)
class Located:
    """A group in a store: its path, Zarr format, attributes and layout."""

    store: Store
    path: str
    zarr_format: int
    attrs: Mapping[str, Any]
    version: str | None = None  # the image's OME-NGFF version, when it is an image

    @property
    def layout(self) -> Layout:
        """The layout the group's metadata is read (and new metadata written) with."""
        return layout_for_zarr_format(self.zarr_format)

    @property
    def local_root(self) -> Path | None:
        """The directory of a local store."""
        root = getattr(self.store, "root", None)
        return root if isinstance(root, Path) else None

    def where(self, *parts: str) -> str:
        """A readable location of ``parts`` below the group (for messages)."""
        return describe(self.store, join(self.path, *parts))

    def open_group(self, *parts: str, mode: str = "r") -> zarr.Group:
        """The zarr group at ``parts`` below this group."""
        fmt = 3 if self.zarr_format == 3 else 2
        return zarr.open_group(self.store, path=join(self.path, *parts), mode=mode, zarr_format=fmt)  # type: ignore[arg-type]


def locate_group(
    store: StoreLike,
    *,
    writable: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> Located:
    """The group ``store`` names (a path, URL, zarr store or group), whatever it holds."""
    zstore = as_store(store, read_only=not writable, storage_options=storage_options)
    base = store.path if isinstance(store, zarr.Group) else ""
    zarr_format, attrs = group_attributes(zstore, base)
    return Located(store=zstore, path=base, zarr_format=zarr_format, attrs=attrs)


def locate_image(
    store: StoreLike,
    *,
    writable: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> Located:
    """The image group ``store`` names, with its version (a bioformats2raw container: ``0``).

    Raises
    ------
    MetadataNotFoundError
        No image metadata there.
    UnsupportedVersionError
        A version this package does not read.
    """
    found = locate_group(store, writable=writable, storage_options=storage_options)
    zstore, base, zarr_format, attrs = found.store, found.path, found.zarr_format, found.attrs
    if "bioformats2raw.layout" in attrs and "multiscales" not in attrs:
        base = join(base, "0")
        zarr_format, attrs = group_attributes(zstore, base)
    where = describe(zstore, join(base, "zarr.json" if zarr_format == 3 else ".zattrs"))
    version, _ = find_image(attrs, zarr_format, where)
    return Located(store=zstore, path=base, zarr_format=zarr_format, attrs=attrs, version=version)
