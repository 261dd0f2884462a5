"""``append``: grow a stored image along a dim (time points, channels, planes), in place."""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from ._arrays import as_dask
from ._editing.apply import rewrite
from ._editing.journal import abandoned, entry_box, open_entry, recording
from ._editing.stored import StoredImage, open_image
from ._engine.geometry import Box
from ._engine.pyramid import read_box
from ._io.edit import grow_array, refresh_consolidated
from ._io.locks import image_lock, well_lock
from ._io.store import StoreLike
from .errors import NgffValueError
from .methods import Methods
from .multiscales import default_channel

__all__ = ["append"]


def append(
    store: StoreLike,
    data: Any,
    dim: str = "t",
    *,
    channel_names: Sequence[str] | None = None,
    channel_colors: Sequence[str] | None = None,
    method: Methods | str | None = None,
    memory_target: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Append ``data`` to a stored image along ``dim``, and its part of every lower level.

    The arrays grow (their metadata only: no stored chunk moves), the new pixels are written,
    and the lower levels are recomputed where they depend on them (along a downsampled dim such
    as ``z``, also the old edge pixels whose window now reaches the new ones); the OME metadata
    is updated last (new ``omero`` channels when appending along ``c``). Appending one frame
    costs time proportional to the frame, not to the image: time points can be appended one at
    a time as they are acquired.

    The image is marked as being edited until the append is complete. An interrupted append
    is finished by appending the same data again: it is written where the interrupted one
    started, not after it.

    Parameters
    ----------
    store
        The image: a directory path, a zarr store or a zarr group.
    data
        The new pixels (NumPy, dask or array-API) with the image's dims in its order, the
        appended dim of any length; or without the appended dim, for a single plane or frame.
    dim
        The dim to grow: ``"t"``, ``"c"``, ``"z"``, or any dim of the image.
    channel_names, channel_colors
        Along ``c``: the names and colours (``RRGGBB``) of the new channels.
    method
        How the lower levels were made, when the metadata does not record it (``type``).
    memory_target, storage_options
        As for :func:`~ngff_zarr.write_region`.

    Raises
    ------
    NgffValueError
        ``dim`` is not a dim of the image, ``data`` does not match the image's other dims or
        dtype, channel names or colours are given for another dim or in the wrong number, or
        an interrupted append of a different length is pending.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "movie.ome.zarr")
    >>> first = nz.to_ngff_image(np.zeros((1, 32, 32), "uint8"), dims=("t", "y", "x"))
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(first, scale_factors=[2]), version="0.5")
    >>> for value in range(1, 4):
    ...     nz.append(path, np.full((32, 32), value, "uint8"))
    >>> [level.shape for level in nz.from_ngff_zarr(path).images]
    [(4, 32, 32), (4, 16, 16)]
    """
    image = open_image(store, storage_options=storage_options)
    if dim not in image.dims:
        raise NgffValueError(f"dim: expected one of the image dims {list(image.dims)}, got {dim!r}")
    axis = image.dims.index(dim)
    array = as_dask(data)
    if array.ndim == len(image.dims) - 1:
        array = array[(slice(None),) * axis + (None,)]
    count = _check_data(image, array, axis)
    _check_channels(dim, count, channel_names, channel_colors)
    chosen = image.method(method)
    with image_lock(image.store, image.path, shared=False):
        image = open_image(store, storage_options=storage_options)  # as grown by others
        start = _resume(image, dim, count)
        shape = list(image.shapes[0])
        shape[axis] = start + count
        box: Box = tuple(
            (start, start + count) if d == axis else (0, n) for d, n in enumerate(shape)
        )
        entry = open_entry("append", 0, box, dim=dim, start=start, stop=start + count)
        with recording(image, entry) as (taken, finish):
            _grow(image, tuple(shape))
            grown = open_image(store, storage_options=storage_options)
            dtype = np.dtype(grown.arrays[0].dtype)

            def values(part: Box) -> np.ndarray:
                local = tuple(
                    (lo - b0, hi - b0) for (lo, hi), (b0, _) in zip(part, box, strict=True)
                )
                return read_box(array, local).astype(dtype, copy=False)

            rewrite(grown, 0, box, values, method=chosen, memory_target=memory_target)
            for record in taken:
                if record.get("op") != "append" or entry_box(record) != box:
                    level = int(record.get("level", 0))
                    rewrite(grown, level, entry_box(record), None, method=chosen,
                            memory_target=memory_target)  # fmt: skip
            if dim == "c" and grown.metadata.omero is not None:
                metadata = _with_channels(grown, start, count, channel_names, channel_colors)
                finish(grown.with_metadata(metadata))


def _check_data(image: StoredImage, array: Any, axis: int) -> int:
    dims, shape = image.dims, image.shapes[0]
    if array.ndim != len(dims):
        raise NgffValueError(
            f"data: expected {len(dims)} dims {list(dims)} (or {len(dims) - 1} without "
            f"{dims[axis]!r}), got shape {tuple(array.shape)}"
        )
    wrong = {
        d: int(n)
        for i, (d, n, m) in enumerate(zip(dims, array.shape, shape, strict=True))
        if i != axis and int(n) != m
    }
    if wrong:
        expected = {d: m for i, (d, m) in enumerate(zip(dims, shape, strict=True)) if i != axis}
        raise NgffValueError(f"data: expected the image's sizes {expected}, got {wrong}")
    target = np.dtype(image.arrays[0].dtype)
    if not np.can_cast(array.dtype, target, "safe"):
        raise NgffValueError(
            f"data: dtype {array.dtype} does not convert to the image's {target} without loss; "
            f"cast it first (data.astype({str(target)!r}))"
        )
    count = int(array.shape[axis])
    if count < 1:
        raise NgffValueError(f"data: nothing to append along {dims[axis]!r} (length 0)")
    return count


def _check_channels(
    dim: str, count: int, names: Sequence[str] | None, colors: Sequence[str] | None
) -> None:
    for field, given in (("channel_names", names), ("channel_colors", colors)):
        if given is None:
            continue
        if dim != "c":
            raise NgffValueError(f"{field}: only for an append along 'c', got dim={dim!r}")
        if isinstance(given, str) or len(given) != count:
            raise NgffValueError(
                f"{field}: expected one per appended channel ({count}), got {given!r}"
            )


def _resume(image: StoredImage, dim: str, count: int) -> int:
    """Where the append starts: the end, or where an interrupted append of it started."""
    axis = image.dims.index(dim)
    for record in abandoned(image.attrs):
        if record.get("op") != "append" or record.get("dim") != dim:
            continue
        start, stop = int(record["start"]), int(record["stop"])
        if stop - start == count and stop == image.shapes[0][axis]:
            return start
        raise NgffValueError(
            f"{image.where()}: an interrupted append of {stop - start} along {dim!r} at "
            f"[{start}, {stop}) is pending; append the same data again to finish it, or call "
            "finish_edits() to keep what it wrote"
        )
    return image.shapes[0][axis]


def _grow(image: StoredImage, shape0: tuple[int, ...]) -> None:
    """Resize every level to the pyramid of ``shape0`` (never shrinking a level), and the
    consolidated metadata that repeats their shapes: array documents only (zarr's resize
    lists every chunk of the grid; an append of one frame must not cost the image)."""
    shapes = [shape0]
    for step in image.steps():
        shapes.append(tuple(n // f for n, f in zip(shapes[-1], step, strict=True)))
    for key, old, new in zip(image.keys, image.shapes, shapes, strict=True):
        grow_array(image.store, key, [max(a, b) for a, b in zip(old, new, strict=True)])
    with well_lock(image.store, image.path):  # the journal writes the same documents
        refresh_consolidated(image.store, image.path, [ds.path for ds in image.metadata.datasets])


def _with_channels(
    image: StoredImage,
    start: int,
    count: int,
    names: Sequence[str] | None,
    colors: Sequence[str] | None,
) -> Any:
    omero = image.metadata.omero
    assert omero is not None
    dtype = image.arrays[0].dtype
    channels = list(omero.channels[:start]) + [
        default_channel(
            start + i, dtype, name=names[i] if names else None, color=colors[i] if colors else None
        )
        for i in range(count)
    ]
    return dataclasses.replace(image.metadata, omero=dataclasses.replace(omero, channels=channels))
