"""``open_array``: one stored array as a handle for region reads and writes.

This is how a store created with ``metadata_only=True`` gets its data, slab by slab, and how a
large level is read region by region without dask: a local array is read through one
tensorstore handle when tensorstore is installed (the reader ``from_ngff_zarr`` uses; opened at
the first read, and not at all with ``config.read_backend = "zarr"``), any other through
zarr-python; writes always go through zarr-python.
"""

from __future__ import annotations

import logging
import operator
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, Literal

import dask.array as da
import numpy as np
import zarr

from ._arrays import BoxReader
from ._io.documents import read_json
from ._io.snapshot import stored_array
from ._io.store import StoreLike, as_store, describe, join
from ._io.tensorstore_read import TensorStoreArray, open_local
from .errors import ArrayNotFoundError, InvalidMetadataError, NgffValueError, WriteError
from .ngff_image import NgffImage

_LOG = logging.getLogger(__name__)

__all__ = ["ArrayHandle", "open_array"]


class ArrayHandle:
    """One stored array: ``handle[region]`` reads, ``handle[region] = values`` writes.

    Regions are tuples of slices or integers (NumPy basic indexing). Chunks never written read
    as the fill value. A region of slices (positive steps) and integers within bounds is read
    with tensorstore where the handle has it (``reader == "tensorstore"``); any other key, and
    every write, goes to zarr-python, so results and errors are zarr-python's either way.

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
    reader
        What reads regions: ``"tensorstore"`` (a local array, tensorstore installed and able to
        open it) or ``"zarr"`` (zarr-python).
    """

    def __init__(
        self,
        array: zarr.Array[Any],
        path: str,
        *,
        writable: bool,
        reader: TensorStoreArray | None = None,
        open_reader: Callable[[], TensorStoreArray | None] | None = None,
        check: Callable[[], None] | None = None,
        writer: Callable[[], zarr.Array[Any]] | None = None,
    ) -> None:
        self._array = array
        self.path = path
        self._writable = writable
        self._reader = reader
        # tensorstore is opened at the first read, so that a handle only written to never
        # starts tensorstore's threads (a process forked after they run aborts)
        self._open_reader = open_reader
        self._check = check  # raises when the data read may be of another version of the store
        self._writer = writer  # opens the array for writing, where ``array`` is read-only

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

    @property
    def reader(self) -> Literal["tensorstore", "zarr"]:
        return "zarr" if self._tensorstore() is None else "tensorstore"

    def _tensorstore(self) -> TensorStoreArray | None:
        if self._open_reader is not None:
            self._reader, self._open_reader = self._open_reader(), None
        return self._reader

    def __getitem__(self, key: Any) -> np.ndarray:
        reader = self._tensorstore()
        plain = None if reader is None else _plain_box(key, self.shape)
        if plain is not None and reader is not None:
            box, shape = plain
            out = reader[box].reshape(shape)
        else:
            out = np.asarray(self._array[key])
        if self._check is not None:
            self._check()
        return out

    def __setitem__(self, key: Any, value: Any) -> None:
        if not self._writable:
            raise WriteError(
                f"{self.path}: this array was opened read-only (a URL or a zipped store)"
            )
        if self._check is not None:  # never write into another version of the store
            self._check()
        if self._writer is not None:
            self._array, self._writer = self._writer(), None
        self._array[key] = value

    def to_dask(self) -> da.Array:
        """The array as a lazy dask array, one task per stored chunk (or shard)."""
        reader = self._tensorstore() or BoxReader(self._array, self.path)
        return reader.to_dask(self.shards or self.chunks)

    def __repr__(self) -> str:
        return (
            f"ArrayHandle(path={self.path!r}, shape={self.shape}, dtype={self.dtype}, "
            f"chunks={self.chunks}, zarr_format={self.zarr_format}, reader={self.reader!r})"
        )


def _plain_box(
    key: Any, shape: tuple[int, ...]
) -> tuple[tuple[slice, ...], tuple[int, ...]] | None:
    """(the box to read, the result's shape) for a key of slices with positive steps,
    integers within bounds and at most one Ellipsis; None for any other key."""
    items = list(key) if isinstance(key, tuple) else [key]
    ellipses = [i for i, item in enumerate(items) if item is Ellipsis]
    if len(ellipses) > 1:
        return None
    if ellipses:
        at = ellipses[0]
        items[at : at + 1] = [slice(None)] * (len(shape) - len(items) + 1)
    if len(items) > len(shape):
        return None
    items += [slice(None)] * (len(shape) - len(items))
    box: list[slice] = []
    out: list[int] = []
    for item, n in zip(items, shape, strict=True):
        if isinstance(item, slice):
            step = item.step
            if step is not None and not (isinstance(step, int | np.integer) and step > 0):
                return None
            try:
                start, stop, step = item.indices(n)
            except TypeError:  # bounds that are not integers: zarr-python's error
                return None
            box.append(slice(start, max(start, stop), step))
            out.append(len(range(start, stop, step)))
        elif isinstance(item, int | np.integer) and not isinstance(item, bool | np.bool_):
            index = operator.index(item)
            if not -n <= index < n:
                return None  # zarr-python raises its own error for it, as it always has
            index %= n
            box.append(slice(index, index + 1))
        else:
            return None
    return tuple(box), tuple(out)


def open_array(
    store: StoreLike | NgffImage,
    path: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> ArrayHandle:
    """Open the array at ``path`` in ``store`` (Zarr v3 first, then v2) for region access.

    Or, given an image that :func:`~ngff_zarr.from_ngff_zarr` read, open the stored array its
    ``data`` reads (``open_array(multiscales.images[level])``), with the reader that read
    already opened. Prefer the handle to ``image.data`` (a dask array) for many small reads
    of NumPy arrays, e.g. random blocks or single planes: a dask ``compute`` costs about
    1.5 ms, the handle's read only the read itself (a 64^3 block of uint16 ~1.5 ms, locally
    with tensorstore). Keep ``data`` for lazy pipelines, for what is computed in parallel
    and for anything that takes a dask array.

    Parameters
    ----------
    store
        A local directory (writable), a URL or a zipped ``.ozx`` (read-only), or a zarr store;
        or an :class:`~ngff_zarr.NgffImage` of a :class:`~ngff_zarr.Multiscales` that
        :func:`~ngff_zarr.from_ngff_zarr` returned, its ``data`` unchanged (then ``path`` and
        ``storage_options`` are not given). Such a handle is writable when the store is a
        local directory, and a read raises :class:`~ngff_zarr.ReadError` once the image's
        directory has been replaced by another write (as reads of ``data`` do).
    path
        The array's key in the store, e.g. ``multiscales.metadata.datasets[0].path``; None
        when ``store`` is the array itself.
    storage_options
        Passed to fsspec for URLs.

    Returns
    -------
    ArrayHandle
        Its reads go through tensorstore when the array is local, tensorstore is installed
        and can open it and :attr:`~ngff_zarr.config.NgffZarrConfig.read_backend` is
        ``"auto"`` (``handle.reader``); else through zarr-python. tensorstore is opened at the
        first read: a handle only written to never starts it (a process forked after
        tensorstore has run aborts).

    Raises
    ------
    ArrayNotFoundError
        No array at ``path``.
    InvalidMetadataError
        The array's metadata cannot be opened.
    NgffValueError
        ``store`` is an image whose data is not a stored array as read by from_ngff_zarr.

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
    >>> same = nz.open_array(nz.from_ngff_zarr(path).images[0])
    >>> float(same[0:8, 0].sum())
    512.0
    """
    if isinstance(store, NgffImage):
        if path is not None or storage_options is not None:
            raise NgffValueError(
                "path, storage_options: expected neither with an image (its data names the "
                f"array), got path={path!r}, storage_options={storage_options!r}"
            )
        return _of_image(store)
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
    root = getattr(zstore, "root", None)
    if not isinstance(root, Path):
        return ArrayHandle(array, key, writable=writable)
    directory: Path = root
    return ArrayHandle(
        array,
        key,
        writable=writable,
        open_reader=lambda: open_local([array], directory, zarr_format)[0],
    )


def _of_image(image: NgffImage) -> ArrayHandle:
    """The handle of the stored array an image read by from_ngff_zarr reads."""
    stored = stored_array(image.data)
    if stored is None:
        raise NgffValueError(
            "image: expected an image that from_ngff_zarr read, its data unchanged; got data "
            f"{getattr(image.data, 'name', type(image.data).__name__)!r}, which is no stored "
            "array (open a derived or in-memory image's store with open_array(store, path))"
        )
    stored.check()  # a handle of a directory replaced since the read would read the new tree
    source = stored.source
    reader = source if isinstance(source, TensorStoreArray) else None
    array = source.zarr_array if isinstance(source, TensorStoreArray) else source
    root = getattr(stored.store, "root", None)
    key = stored.path
    if not isinstance(root, Path):  # a store from_ngff_zarr opened read-only: read it as such
        return ArrayHandle(array, key, writable=False, reader=reader, check=stored.check)
    directory: Path = root

    def writer() -> zarr.Array[Any]:
        fmt: Literal[2, 3] = 2 if array.metadata.zarr_format == 2 else 3
        zstore = as_store(directory, read_only=False)
        return zarr.open_array(zstore, path=key, mode="r+", zarr_format=fmt)

    return ArrayHandle(array, key, writable=True, reader=reader, check=stored.check, writer=writer)
