"""``write_region``: write a region of a stored image in place and rebuild only what it changes.

Also :func:`finish_edits`, which finishes the edits of an image that were interrupted.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from ._arrays import as_dask
from ._editing.apply import rewrite
from ._editing.journal import entry_box, open_entry, pending, recording
from ._editing.stored import StoredImage, open_image
from ._engine.geometry import Box, volume
from ._engine.pyramid import read_box
from ._io.locks import image_lock
from ._io.store import StoreLike
from .errors import NgffValueError
from .methods import Methods

__all__ = ["finish_edits", "write_region"]


def write_region(
    store: StoreLike,
    data: Any,
    start: Mapping[str, int],
    *,
    level: int = 0,
    method: Methods | str | None = None,
    memory_target: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Write ``data`` into a stored image at ``start``, and rebuild the levels below it.

    Only the pixels of every lower level that depend on the written region are recomputed,
    with the image's recorded method (the metadata's ``type``) and its halo, from the level
    above, so the pyramid equals a full recompute of the edited image (bit for bit: every
    method computes each output pixel from its window only; ``itkwasm_label_image`` breaks
    exact label ties by floating-point rounding that may differ in the last bit). Write units
    (shards or chunks) that the region covers in part keep their other pixels.

    The image is marked as being edited (under ``attributes["ngff_zarr"]``) before any pixel
    is written, and the mark is removed last: an interrupted write leaves an image that reads
    and says so; running the write again (or :func:`finish_edits`) finishes it. Several
    threads or processes may write regions of one image at once, also regions that share a
    shard: each locks the write units it writes (file locks on a local store).

    Parameters
    ----------
    store
        The image: a directory path, a zarr store or a zarr group.
    data
        The new pixels: a NumPy, dask or array-API array with the image's dims, in its order.
        Its dtype must convert to the image's without loss.
    start
        The index of the region's first pixel per dim (``{"z": 64, "y": 0, "x": 128}``); a
        dim left out starts at 0.
    level
        The level written; the levels below it are rebuilt, those above are left as they are.
    method
        How the lower levels were made, when the metadata does not record it (``type``).
    memory_target
        Bytes the rebuild may hold in memory; default ``ngff_zarr.config.memory_target``.
    storage_options
        Passed to fsspec for URLs.

    Raises
    ------
    NgffValueError
        ``start`` names a dim the image lacks or places the region outside the level, ``data``
        has the wrong number of dims or a dtype that does not fit, or the lower levels cannot
        be recomputed (no recorded method, no whole factors between levels).
    MetadataNotFoundError
        No image at ``store``.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
    >>> image = nz.to_ngff_image(np.zeros((64, 64), dtype="uint16"))
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version="0.5")
    >>> nz.write_region(path, np.full((16, 16), 100, dtype="uint16"), {"y": 8, "x": 40})
    >>> levels = nz.from_ngff_zarr(path).images
    >>> int(levels[0].data[10, 50].compute()), int(levels[1].data[8, 24].compute())
    (100, 100)
    """
    image = open_image(store, storage_options=storage_options)
    _check_level(image, level)
    array = as_dask(data)
    box = _region(image, level, array, start)
    if not volume(box):
        return
    chosen = image.method(method)
    dtype = np.dtype(image.arrays[level].dtype)

    def values(part: Box) -> np.ndarray:
        local = tuple((lo - b0, hi - b0) for (lo, hi), (b0, _) in zip(part, box, strict=True))
        return read_box(array, local).astype(dtype, copy=False)

    with image_lock(image.store, image.path, shared=True):
        entry = open_entry("write_region", level, box)
        with recording(image, entry) as (taken, _):
            rewrite(image, level, box, values, method=chosen, memory_target=memory_target)
            _finish(image, taken, chosen, memory_target)


def finish_edits(
    store: StoreLike,
    *,
    force: bool = False,
    method: Methods | str | None = None,
    memory_target: int | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> int:
    """Finish the interrupted edits of a stored image: rebuild the lower levels they changed.

    An edit whose process is gone (on this machine) left its mark in the image's attributes;
    this recomputes the lower levels over every box such marks name, from the pixels stored
    (a region whose write was cut short keeps what was written of it: write it again to
    complete it), and removes the marks.

    Parameters
    ----------
    store
        The image.
    force
        Also finish edits recorded by other machines (which may still be running).
    method, memory_target, storage_options
        As for :func:`write_region`.

    Returns
    -------
    int
        The number of interrupted edits finished.

    Examples
    --------
    >>> import numpy as np, os, tempfile
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(np.zeros((32, 32), "uint8"), [2]))
    >>> nz.finish_edits(path)
    0
    """
    image = open_image(store, storage_options=storage_options)
    if not pending(image.attrs):
        return 0
    chosen = image.method(method)
    with image_lock(image.store, image.path, shared=False):
        entry = open_entry("finish_edits", 0, tuple((0, 0) for _ in image.dims))
        with recording(image, entry, take_over=True, force=force) as (taken, _):
            _finish(image, taken, chosen, memory_target)
    return len(taken)


def _finish(
    image: StoredImage, taken: list[dict[str, Any]], method: Methods, memory_target: int | None
) -> None:
    for record in taken:
        level = int(record.get("level", 0))
        if 0 <= level < image.levels:
            rewrite(image, level, entry_box(record), None, method=method,
                    memory_target=memory_target)  # fmt: skip


def _check_level(image: StoredImage, level: int) -> None:
    if not isinstance(level, int) or not 0 <= level < image.levels:
        raise NgffValueError(f"level: expected 0 to {image.levels - 1}, got {level!r}")


def _region(image: StoredImage, level: int, array: Any, start: Mapping[str, int]) -> Box:
    dims, shape = image.dims, image.shapes[level]
    if not isinstance(start, Mapping):
        raise NgffValueError(
            f"start: expected a mapping of dim to index, e.g. {{'{dims[-1]}': 0}}, got "
            f"{type(start).__name__}"
        )
    unknown = [d for d in start if d not in dims]
    if unknown:
        raise NgffValueError(f"start: dims {unknown} are not image dims {list(dims)}")
    if array.ndim != len(dims):
        raise NgffValueError(
            f"data: expected {len(dims)} dims {list(dims)}, got {array.ndim} (shape "
            f"{tuple(array.shape)})"
        )
    target = np.dtype(image.arrays[level].dtype)
    if not np.can_cast(array.dtype, target, "safe"):
        raise NgffValueError(
            f"data: dtype {array.dtype} does not convert to the image's {target} without loss; "
            f"cast it first (data.astype({str(target)!r}))"
        )
    box = []
    for d, n, size in zip(dims, shape, array.shape, strict=True):
        lo = start.get(d, 0)
        if isinstance(lo, bool) or not isinstance(lo, int | np.integer):
            raise NgffValueError(f"start[{d!r}]: expected an int, got {lo!r}")
        lo = int(lo)
        hi = lo + int(size)
        if lo < 0 or hi > n:
            raise NgffValueError(
                f"data: along {d!r} the region [{lo}, {hi}) is outside level {level}'s "
                f"[0, {n}) (start {lo}, data length {size})"
            )
        box.append((lo, hi))
    return tuple(box)
