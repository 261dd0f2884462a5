"""An image as stored, opened for editing: its metadata, level arrays, write units and plan."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import dask.array as da
import zarr
from zarr.abc.store import Store

from .._engine.pyramid import PyramidPlan, make_plan
from .._io.documents import group_attributes
from .._io.store import StoreLike, as_store, describe, join
from .._versions import LAYOUTS, find_image
from .._writers import LevelArray, wrap_zarr
from ..errors import (
    ArrayNotFoundError,
    MetadataNotFoundError,
    NgffValueError,
    UnsupportedVersionError,
)
from ..methods import Methods, get_method
from ..v04.multiscales import Metadata
from ..v04.transformations import Scale
from ..vocab import SPATIAL_DIMS

__all__ = ["StoredImage", "open_image"]


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredImage:
    """An image group of a store and its level arrays, opened for writing."""

    store: Store
    path: str  # the image group's key in the store
    zarr_format: Literal[2, 3]
    version: str
    attrs: Mapping[str, Any]
    metadata: Metadata
    arrays: tuple[Any, ...]  # zarr.Array per level, finest first

    @property
    def dims(self) -> tuple[str, ...]:
        return self.metadata.dims

    @property
    def levels(self) -> int:
        return len(self.arrays)

    @property
    def shapes(self) -> tuple[tuple[int, ...], ...]:
        return tuple(tuple(int(n) for n in a.shape) for a in self.arrays)

    @property
    def keys(self) -> tuple[str, ...]:
        """The store key of each level's array."""
        return tuple(join(self.path, ds.path) for ds in self.metadata.datasets)

    @property
    def local_root(self) -> Path | None:
        root = getattr(self.store, "root", None)
        return root if isinstance(root, Path) else None

    def where(self) -> str:
        return describe(self.store, self.path)

    def units(self) -> tuple[tuple[int, ...], ...]:
        """The write unit of each level: its shard shape, or its chunk shape unsharded."""
        out = []
        for a in self.arrays:
            shards = getattr(a, "shards", None)
            out.append(tuple(int(n) for n in (shards if shards is not None else a.chunks)))
        return tuple(out)

    def chunks(self) -> tuple[tuple[int, ...], ...]:
        """The chunk shape of each level (inside its shards when sharded)."""
        return tuple(tuple(int(n) for n in a.chunks) for a in self.arrays)

    def level_arrays(self, first: int = 0) -> dict[int, LevelArray]:
        """The levels from ``first`` on, numbered from 0 (as a plan from ``first`` numbers them)."""
        return {k - first: wrap_zarr(a) for k, a in enumerate(self.arrays) if k >= first}

    def steps(self) -> list[tuple[int, ...]]:
        """The factor from each level to the next, from the scales, checked against the shapes.

        Raises
        ------
        NgffValueError
            The levels are not a pyramid of whole factors (each level's shape the one above's
            divided by the factor, rounded down): their lower levels cannot be recomputed.
        """
        scales = [_scale(ds.coordinateTransformations) for ds in self.metadata.datasets]
        shapes = self.shapes
        out = []
        for k in range(1, self.levels):
            step = []
            for d, dim in enumerate(self.dims):
                ratio = scales[k][d] / scales[k - 1][d] if scales[k - 1][d] else 1.0
                f = max(1, round(ratio))
                if shapes[k][d] != shapes[k - 1][d] // f:  # scales absent or not the factors
                    f = max(1, round(shapes[k - 1][d] / max(1, shapes[k][d])))
                if shapes[k][d] != shapes[k - 1][d] // f:
                    raise NgffValueError(
                        f"{self.where()}: level {k} has shape {shapes[k]} but level {k - 1} has "
                        f"{shapes[k - 1]}: along {dim!r} no whole factor gives it, so the lower "
                        "levels cannot be recomputed from the levels above"
                    )
                step.append(f)
            out.append(tuple(step))
        return out

    def method(self, override: Methods | str | None = None) -> Methods:
        """The method that made the lower levels: ``override``, else the metadata's ``type``.

        Raises
        ------
        NgffValueError
            Neither is given (or the recorded one is not a method of this package).
        """
        if override is not None:
            return get_method(override).method
        recorded = self.metadata.type
        try:
            return Methods(recorded)
        except ValueError:
            pass
        if self.levels == 1:
            return Methods.NEAREST  # nothing to recompute
        raise NgffValueError(
            f"{self.where()}: multiscales[0].type: expected one of "
            f"{[m.value for m in Methods]} to recompute the lower levels with, got "
            f"{recorded!r}; pass method=... to say how they were made"
        )

    def with_metadata(self, metadata: Metadata) -> Callable[[dict[str, Any]], dict[str, Any]]:
        """A change of the group's attributes that writes ``metadata`` in the image's version.

        Other attributes, and other keys of the ``ome`` object of 0.5, are kept.

        Raises
        ------
        UnsupportedVersionError
            The image is 0.1 to 0.3: this package writes 0.4 and 0.5 metadata only.
        """
        if self.version not in LAYOUTS:
            raise UnsupportedVersionError(
                f"{self.where()}: OME-NGFF {self.version} metadata is not edited in place (this "
                f"package writes {list(LAYOUTS)}); convert the image first"
            )
        written = LAYOUTS[self.version].image_attributes(metadata)

        def change(attrs: dict[str, Any]) -> dict[str, Any]:
            out = dict(attrs)
            if self.zarr_format == 3:
                out["ome"] = {**dict(attrs.get("ome") or {}), **written["ome"]}
                if "omero" not in written["ome"]:
                    out["ome"].pop("omero", None)
            else:
                out.update(written)
                if "omero" not in written:
                    out.pop("omero", None)
            return out

        return change

    def plan(self, first: int, method: Methods) -> PyramidPlan:
        """The plan of the levels from ``first`` on, level ``first`` as its source."""
        steps = self.steps()[first:]
        factors: list[tuple[int, ...]] = []
        total = (1,) * len(self.dims)
        for step in steps:
            total = tuple(a * b for a, b in zip(total, step, strict=True))
            factors.append(total)
        array = self.arrays[first]
        source = da.from_array(
            array, chunks=array.shape, name=f"ngff-zarr-edit-{self.keys[first]}", lock=False
        )
        spatial = tuple(d in SPATIAL_DIMS for d in self.dims)
        return make_plan(source, factors, get_method(method), spatial)


def _scale(transforms: Any) -> list[float]:
    for t in transforms:
        if isinstance(t, Scale):
            return list(t.scale)
    return []


def open_image(
    store: StoreLike,
    *,
    writable: bool = True,
    storage_options: Mapping[str, Any] | None = None,
) -> StoredImage:
    """Open the image at ``store`` (path, URL, zarr store or group), for writing by default.

    Raises
    ------
    MetadataNotFoundError
        No image there (a path that does not exist is never created).
    ArrayNotFoundError
        A dataset path names no array.
    NgffValueError
        A zipped store (``.ozx``) to write: it is written in one piece, never edited.
    """
    if isinstance(store, str | os.PathLike):
        text = os.fspath(store)
        if "://" not in text and not os.path.exists(text.removeprefix("file://")):
            raise MetadataNotFoundError(f"{text}: no such image (no such directory)")
    zstore = as_store(store, read_only=not writable, storage_options=storage_options)
    base = store.path if isinstance(store, zarr.Group) else ""
    zarr_format, attrs = group_attributes(zstore, base)
    if "bioformats2raw.layout" in attrs and "multiscales" not in attrs:
        base = join(base, "0")
        zarr_format, attrs = group_attributes(zstore, base)
    where = describe(zstore, join(base, "zarr.json" if zarr_format == 3 else ".zattrs"))
    version, content = find_image(attrs, zarr_format, where)
    fmt: Literal[2, 3] = 3 if zarr_format == 3 else 2
    first_ds = content["multiscales"][0].get("datasets") or []
    arrays = []
    for index, ds in enumerate(first_ds):
        key = join(base, str(ds.get("path", "")) if isinstance(ds, dict) else "")
        try:
            mode = "r+" if writable else "r"
            arrays.append(zarr.open_array(zstore, path=key, mode=mode, zarr_format=fmt))
        except (FileNotFoundError, KeyError, ValueError, TypeError) as exc:
            raise ArrayNotFoundError(
                f"{where}: multiscales[0].datasets[{index}].path names no array at "
                f"{describe(zstore, key)}"
            ) from exc
    metadata = Metadata.from_dict(
        content["multiscales"][0],
        version=version,
        ndim=arrays[0].ndim if arrays else 0,
        omero=content.get("omero"),
        path=where,
    )
    return StoredImage(
        store=zstore,
        path=base,
        zarr_format=fmt,
        version=version,
        attrs=attrs,
        metadata=metadata,
        arrays=tuple(arrays),
    )
