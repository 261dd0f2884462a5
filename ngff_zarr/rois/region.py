"""``read_roi`` and ``write_roi``: the pixels of an image or label image inside a region.

Writing the full resolution also recomputes the region of every lower level from it, with
the engine's pyramid cascade and the pyramid's own method, so the levels stay consistent.
"""

from __future__ import annotations

import logging
import math
from collections.abc import Mapping
from typing import Any

import numpy as np
import zarr

from .._arrays import as_dask
from .._engine.geometry import Box, clip, slices
from .._engine.pyramid import compute_region, make_plan
from .._io.locate import locate_image
from .._io.store import StoreLike, join
from ..errors import NgffValueError
from ..from_ngff_zarr import from_ngff_zarr
from ..methods import Methods, get_method
from ..multiscales import Multiscales
from ..vocab import SPATIAL_DIMS
from .roi import ROI, PixelROI

__all__ = ["read_roi", "write_roi"]

logger = logging.getLogger(__name__)


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

    Written at full resolution (``level=0``), the same region of every lower level is
    recomputed from it with the pyramid's method (``nearest`` for a pyramid whose method is
    not known, on integers; ``local_mean`` otherwise). Written at a lower level, only that
    level changes.

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
    base = join(image.path, *parts)
    multiscales = from_ngff_zarr(image.open_group(*parts, mode="r"))
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
    fmt: Any = image.zarr_format
    arrays = [
        zarr.open_array(image.store, path=join(base, ds.path), mode="r+", zarr_format=fmt)
        for ds in multiscales.metadata.datasets
    ]
    arrays[level][slices(box)] = values.astype(arrays[level].dtype, copy=False)
    if level == 0 and len(arrays) > 1:
        _refresh_lower(multiscales, arrays, box)


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


def _refresh_lower(multiscales: Multiscales, arrays: list[Any], box: Box) -> None:
    """Recompute ``box`` (of level 0) in every lower level, from the level 0 just written."""
    dims = multiscales.dims
    shapes = [tuple(int(s) for s in a.shape) for a in arrays]
    factors = [
        tuple(max(1, round(shapes[0][i] / shape[i])) for i in range(len(dims)))
        for shape in shapes[1:]
    ]
    method = multiscales.method
    if method is None:
        integer = np.dtype(arrays[0].dtype).kind in "iub"
        method = Methods.NEAREST if integer else Methods.LOCAL_MEAN
    spatial = tuple(d in SPATIAL_DIMS for d in dims)
    plan = make_plan(as_dask(arrays[0]), factors, get_method(method), spatial)
    if tuple(plan.shapes) != tuple(shapes):
        logger.warning(
            "lower levels not refreshed: their shapes %s are not the pyramid of %s with factors %s",
            shapes[1:],
            shapes[0],
            factors,
        )
        return
    interiors: dict[int, Box] = {}
    current = box
    for level in range(1, plan.levels):
        step, halo = plan.steps[level], plan.halos[level]
        current = clip(
            tuple(
                (math.floor((lo - h) / f), math.ceil((hi + h) / f))
                for (lo, hi), f, h in zip(current, step, halo, strict=True)
            ),
            plan.shapes[level],
        )
        interiors[level] = current
    values = compute_region(plan, 0, interiors, lambda b: np.asarray(arrays[0][slices(b)]))
    for level, part in values.items():
        arrays[level][slices(interiors[level])] = part
