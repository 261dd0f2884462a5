"""``open_array``: one stored array as a handle for region reads and writes.

This is how a store created with ``metadata_only=True`` gets its data, slab by slab, and how a
large level is read region by region without dask.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Literal

import dask.array as da
import numpy as np
import zarr

from ._arrays import BoxReader
from ._io.documents import read_json
from ._io.store import StoreLike, as_store, describe, join
from .errors import ArrayNotFoundError, InvalidMetadataError, WriteError

__all__ = ["ArrayHandle", "open_array"]


class ArrayHandle:
    """One stored array: ``handle[region]`` reads, ``handle[region] = values`` writes.

    Regions are tuples of slices or integers (NumPy basic indexing). Chunks never written read
    as the fill value.

    Attributes
    ----------
    path
        The array's key in its store.
    shape, dtype, chunks, ndim
        As the array's metadata states them (``chunks``: the chunk shape; with sharding, the
        inner chunks; ``shards`` is the shard shape or None).
    zarr_format
        2 or 3.
    attrs
        The array's attributes.
    """

    def __init__(self, array: zarr.Array[Any], path: str, *, writable: bool) -> None:
        self._array = array
        self.path = path
        self._writable = writable

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self._array.shape)

    @property
    def dtype(self) -> np.dtype[Any]:
        return np.dtype(self._array.dtype)

    @property
    def chunks(self) -> tuple[int, ...]:
        return tuple(int(c) for c in self._array.chunks)

    @property
    def shards(self) -> tuple[int, ...] | None:
        shards = self._array.shards
        return None if shards is None else tuple(int(s) for s in shards)

    @property
    def ndim(self) -> int:
        return len(self._array.shape)

    @property
    def zarr_format(self) -> int:
        return int(self._array.metadata.zarr_format)

    @property
    def attrs(self) -> dict[str, Any]:
        return dict(self._array.attrs)

    def __getitem__(self, key: Any) -> np.ndarray:
        return np.asarray(self._array[key])

    def __setitem__(self, key: Any, value: Any) -> None:
        if not self._writable:
            raise WriteError(
                f"{self.path}: this array was opened read-only (a URL or a zipped store)"
            )
        self._array[key] = value

    def to_dask(self) -> da.Array:
        """The array as a lazy dask array, one task per stored chunk (or shard)."""
        return BoxReader(self._array, self.path).to_dask(self.shards or self.chunks)

    def __repr__(self) -> str:
        return (
            f"ArrayHandle(path={self.path!r}, shape={self.shape}, dtype={self.dtype}, "
            f"chunks={self.chunks}, zarr_format={self.zarr_format})"
        )


def open_array(
    store: StoreLike,
    path: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> ArrayHandle:
    """Open the array at ``path`` in ``store`` (Zarr v3 first, then v2) for region access.

    Parameters
    ----------
    store
        A local directory (writable), a URL or a zipped ``.ozx`` (read-only), or a zarr store.
    path
        The array's key in the store, e.g. ``multiscales.metadata.datasets[0].path``; None
        when ``store`` is the array itself.
    storage_options
        Passed to fsspec for URLs.

    Returns
    -------
    ArrayHandle

    Raises
    ------
    ArrayNotFoundError
        No array at ``path``.
    InvalidMetadataError
        The array's metadata cannot be opened.

    Examples
    --------
    >>> import numpy as np, tempfile, os
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "vol.ome.zarr")
    >>> placeholder = nz.to_ngff_image(np.zeros((32, 64, 64), "float32"))
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(placeholder, scale_factors=[]), version="0.5")
    >>> level0 = nz.open_array(path, nz.from_ngff_zarr(path).metadata.datasets[0].path)
    >>> level0[0:8] = np.ones((8, 64, 64), "float32")
    >>> float(level0[0:8].sum()), float(level0[8:].sum())
    (32768.0, 0.0)
    """
    # URLs and zipped stores open read-only; local directories and zarr stores as they are
    read_only = isinstance(store, str | os.PathLike) and (
        "://" in os.fspath(store) or os.path.isfile(os.fspath(store))
    )
    zstore = as_store(store, read_only=read_only, storage_options=storage_options)
    writable = not zstore.read_only
    key = (path or "").strip("/")
    zarr_format: Literal[2, 3]
    if read_json(zstore, join(key, "zarr.json")) is not None:
        zarr_format = 3
    elif read_json(zstore, join(key, ".zarray")) is not None:
        zarr_format = 2
    else:
        raise ArrayNotFoundError(
            f"{describe(zstore, key)}: no array here (neither zarr.json nor .zarray)"
        )
    try:
        array = zarr.open_array(
            zstore, path=key, mode="r+" if writable else "r", zarr_format=zarr_format
        )
    except Exception as exc:  # zarr raises its own types for bad metadata
        raise InvalidMetadataError(
            f"cannot open the array: {exc}", path=describe(zstore, key)
        ) from exc
    return ArrayHandle(array, key, writable=writable)
