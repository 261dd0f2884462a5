"""``read_roi`` and ``write_roi``: the pixels of an image or label image inside a region.

Writing a level also recomputes what depends on it in every lower level, with the pyramid's
own method (:func:`~ngff_zarr.write_region`), so the levels stay consistent.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from .._engine.geometry import Box
from .._io.locate import locate_image
from .._io.store import StoreLike
from ..errors import NgffValueError
from ..from_ngff_zarr import from_ngff_zarr
from ..methods import Methods
from ..multiscales import Multiscales
from ..write_region import write_region
from .roi import ROI, PixelROI

__all__ = ["read_roi", "write_roi"]


def read_roi(
    source: StoreLike | Multiscales,
    roi: ROI | PixelROI,
    *,
    level: int = 0,
    label: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> np.ndarray:
    """The pixels of ``source`` inside ``roi`` at ``level``, as a NumPy array.

    Parameters
    ----------
    source
        An image store (path, URL, zarr store or group) or an opened :class:`Multiscales`
        (an image, or a label image from :func:`~ngff_zarr.read_labels`).
    roi
        A :class:`ROI` (micrometers) or a :class:`PixelROI` (indices of ``level``).
    level
        The pyramid level.
    label
        Read label image ``label`` of the store instead of the image.

    Examples
    --------
    >>> import numpy as np, zarr
    >>> import ngff_zarr as nz
    >>> store = zarr.storage.MemoryStore()
    >>> data = np.arange(32 * 32, dtype="uint16").reshape(32, 32)
    >>> nz.to_ngff_zarr(store, nz.to_multiscales(nz.to_ngff_image(data), [2]))
    >>> nz.read_roi(store, nz.ROI(start={"y": 1.0, "x": 2.0}, size={"y": 2.0, "x": 2.0}))
    array([[34, 35],
           [66, 67]], dtype=uint16)
    """
    multiscales = _open(source, label, storage_options)
    image = multiscales.images[_check_level(multiscales, level)]
    pixels = roi if isinstance(roi, PixelROI) else roi.to_pixels(multiscales, level)
    return np.asarray(image.data[pixels.slices(image.dims)].compute(scheduler="threads"))


def write_roi(
    store: StoreLike,
    roi: ROI | PixelROI,
    data: Any,
    *,
    level: int = 0,
    label: str | None = None,
    storage_options: Mapping[str, Any] | None = None,
) -> None:
    """Write ``data`` into the region ``roi`` of the image (or label image ``label``) in ``store``.

    The part of every lower level that depends on the region is recomputed from it with the
    pyramid's method (``nearest`` for a pyramid whose method is not known, on integers;
    ``local_mean`` otherwise), by :func:`~ngff_zarr.write_region`; the levels above are left
    as they are.

    Raises
    ------
    NgffValueError
        ``data`` does not have the shape of the region, or ``level`` is out of range.

    Examples
    --------
    >>> import numpy as np, zarr
    >>> import ngff_zarr as nz
    >>> store = zarr.storage.MemoryStore()
    >>> nz.to_ngff_zarr(store, nz.to_multiscales(np.zeros((8, 8), "uint8"), [2], method="mode"))
    >>> box = nz.PixelROI(start={"y": 0, "x": 0}, stop={"y": 4, "x": 4})
    >>> nz.write_roi(store, box, np.full((4, 4), 7, "uint8"))
    >>> nz.from_ngff_zarr(store).images[1].data.compute()[:3, :3]
    array([[7, 7, 0],
           [7, 7, 0],
           [0, 0, 0]], dtype=uint8)
    """
    image = locate_image(store, writable=True, storage_options=storage_options)
    parts = ["labels", label] if label is not None else []
    group = image.open_group(*parts, mode="r+")
    multiscales = from_ngff_zarr(group)
    level = _check_level(multiscales, level)
    target = multiscales.images[level]
    pixels = roi if isinstance(roi, PixelROI) else roi.to_pixels(multiscales, level)
    key = pixels.slices(target.dims)
    box: Box = tuple(
        (k.start or 0, n if k.stop is None else k.stop)
        for k, n in zip(key, target.shape, strict=True)
    )
    values = np.asarray(data)
    expected = tuple(hi - lo for lo, hi in box)
    if values.shape != expected:
        raise NgffValueError(
            f"data: expected the region's shape {expected} (dims {list(target.dims)}), got "
            f"{values.shape}"
        )
    method = None
    if multiscales.method is None:  # a pyramid made elsewhere: a method that suits its data
        integer = np.dtype(target.dtype).kind in "iub"
        method = Methods.NEAREST if integer else Methods.LOCAL_MEAN
    start = {d: lo for d, (lo, _) in zip(target.dims, box, strict=True)}
    write_region(group, values.astype(target.dtype, copy=False), start, level=level, method=method)


def _open(
    source: StoreLike | Multiscales, label: str | None, storage_options: Mapping[str, Any] | None
) -> Multiscales:
    if isinstance(source, Multiscales):
        if label is not None:
            raise NgffValueError("label: give the label pyramid itself as source, not a name")
        return source
    if label is None:
        return from_ngff_zarr(source, storage_options=storage_options)
    from ..labels import read_labels

    labels = read_labels(source, storage_options=storage_options)
    if label not in labels:
        raise NgffValueError(f"label: expected one of {list(labels)}, got {label!r}")
    return labels[label]


def _check_level(multiscales: Multiscales, level: int) -> int:
    if not 0 <= level < len(multiscales.images):
        raise NgffValueError(f"level: expected 0 to {len(multiscales.images) - 1}, got {level}")
    return level
