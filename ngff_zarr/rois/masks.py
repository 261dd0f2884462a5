"""Masking ROIs: one box per label of a label image, and the pixels of one label inside it.

:func:`build_masking_roi_table` finds every label's bounding box in one streamed pass over
the label image (a few blocks in memory at a time, whatever its size) and gives the masking
ROI table of ngio and Fractal. :func:`iter_masked` reads, label by label, the image (or label)
pixels inside each box, with the pixels of other labels masked out; it reads each stored
chunk once, from a bounded cache, visiting the boxes in storage order.
"""

from __future__ import annotations

import itertools
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from .._engine.geometry import Box
from .._engine.scan import scan_blocks
from .._io.store import StoreLike
from ..config import config
from ..errors import NgffValueError
from ..from_ngff_zarr import from_ngff_zarr
from ..labels import read_labels
from ..labels._values import block_values
from ..multiscales import Multiscales
from ..tables import list_tables, read_table, read_table_metadata, write_table
from ..vocab import SPATIAL_DIMS
from .roi import PixelROI, pixel_sizes, rois_from_table

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["MaskedRegion", "build_masking_roi_table", "iter_masked", "read_masked"]


@dataclass(frozen=True, slots=True, kw_only=True)
class MaskedRegion:
    """One label inside its masking ROI: the pixels, and where the label is."""

    label: int
    roi: PixelROI
    data: np.ndarray  # the image (or label) pixels in the box, others set to the fill value
    mask: np.ndarray  # True where the label image holds ``label`` (label dims)


def build_masking_roi_table(
    store: StoreLike,
    label: str,
    *,
    name: str | None = None,
    backend: str = "anndata",
    overwrite: bool = False,
    storage_options: Mapping[str, Any] | None = None,
) -> pd.DataFrame:
    """The masking ROI table of label image ``label``: each label's bounding box.

    The label image is scanned once at full resolution, block by block in bounded memory.
    Boxes are in micrometers from the image's corner, indexed by label value (0, the
    background, has none); a 2-D label gets ``z_micrometer`` 0 and ``len_z_micrometer`` 1, as
    ngio writes them. With ``name``, the table is also written as a ``masking_roi_table``.

    Examples
    --------
    >>> import numpy as np, zarr
    >>> import ngff_zarr as nz
    >>> store = zarr.storage.MemoryStore()
    >>> image = nz.to_ngff_image(np.zeros((16, 16), "uint8"), scale={"y": 0.5, "x": 0.5})
    >>> nz.to_ngff_zarr(store, nz.to_multiscales(image, [2]))
    >>> cells = np.zeros((16, 16), "uint16"); cells[2:6, 4:12] = 5
    >>> nz.write_labels(store, "cells", cells)
    >>> table = nz.build_masking_roi_table(store, "cells", name="cells_ROI_table")
    >>> table.loc[5, ["x_micrometer", "y_micrometer", "len_x_micrometer"]].tolist()
    [2.0, 1.0, 4.0]
    """
    labels = _label(store, label, storage_options)
    level = labels.images[0]
    dims = level.dims
    spatial = [i for i, d in enumerate(dims) if d in SPATIAL_DIMS]
    found = list(scan_blocks(level.data, lambda box, block: _boxes(box, block, spatial)))
    values, lo, hi = _merge(found, len(spatial))
    sizes = pixel_sizes(level)
    import pandas as pd

    columns: dict[str, Any] = {}
    names = [dims[i] for i in spatial]
    for d in ("x", "y", "z"):
        if d in names:
            k = names.index(d)
            columns[f"{d}_micrometer"] = lo[:, k] * sizes[d]
            columns[f"len_{d}_micrometer"] = (hi[:, k] - lo[:, k]) * sizes[d]
        else:
            columns[f"{d}_micrometer"] = np.zeros(len(values))
            columns[f"len_{d}_micrometer"] = np.ones(len(values))
    order = [
        "x_micrometer", "y_micrometer", "z_micrometer",
        "len_x_micrometer", "len_y_micrometer", "len_z_micrometer",
    ]  # fmt: skip
    table = pd.DataFrame(
        {c: columns[c].astype(np.float64) for c in order},
        index=pd.Index(values.astype(np.int64), name="label"),
    )
    if name is not None:
        write_table(
            store,
            name,
            table,
            type="masking_roi_table",
            region=label,
            backend=backend,
            overwrite=overwrite,
            storage_options=storage_options,
        )
    return table


def read_masked(
    store: StoreLike,
    label: str,
    value: int,
    *,
    table: str | pd.DataFrame | None = None,
    level: int = 0,
    image: bool = True,
    fill_value: Any = 0,
    storage_options: Mapping[str, Any] | None = None,
) -> MaskedRegion:
    """The pixels of label ``value`` of label image ``label``, inside its masking ROI.

    See :func:`iter_masked`.
    """
    for region in iter_masked(
        store, label, values=[value], table=table, level=level, image=image,
        fill_value=fill_value, storage_options=storage_options,
    ):  # fmt: skip
        return region
    raise NgffValueError(
        f"value: label {value} is not in the masking ROI table"
    )  # pragma: no cover


def iter_masked(
    store: StoreLike,
    label: str,
    *,
    values: Iterable[int] | None = None,
    table: str | pd.DataFrame | None = None,
    level: int = 0,
    image: bool = True,
    fill_value: Any = 0,
    storage_options: Mapping[str, Any] | None = None,
) -> Iterator[MaskedRegion]:
    """Each label of ``label`` with the pixels inside its masking ROI, the others masked out.

    Parameters
    ----------
    store
        The image store.
    label
        The label image.
    values
        The labels to visit (default: every label of the table), in storage order.
    table
        The masking ROI table: its name, the table itself, or None for the store's masking ROI
        table of ``label`` (computed with :func:`build_masking_roi_table` if it has none).
    level
        The pyramid level to read (the ROI is mapped to it).
    image
        Read the image's pixels (True) or the label image's own (False).
    fill_value
        The value of the pixels outside the label.

    Raises
    ------
    NgffValueError
        A label that is not in the table, or a level out of range.
    """
    labels = _label(store, label, storage_options)
    rois = {
        int(r.label): r
        for r in rois_from_table(_table(store, label, table, storage_options))
        if r.label is not None
    }
    wanted = list(rois) if values is None else [int(v) for v in values]
    missing = [v for v in wanted if v not in rois]
    if missing:
        raise NgffValueError(f"values: labels {missing[:5]} are not in the masking ROI table")
    if not 0 <= level < len(labels.images):
        raise NgffValueError(f"level: expected 0 to {len(labels.images) - 1}, got {level}")
    source = from_ngff_zarr(store, storage_options=storage_options) if image else labels
    label_level, source_level = labels.images[level], source.images[level]
    label_reader, source_reader = _Cached(label_level.data), _Cached(source_level.data)
    pixels = {v: rois[v].to_pixels(labels, level) for v in wanted}
    order = sorted(wanted, key=lambda v: tuple(pixels[v].start.get(d, 0) for d in label_level.dims))
    for value in order:
        box = pixels[value]
        mask = label_reader.read(box.slices(label_level.dims)) == value
        data = source_reader.read(box.slices(source_level.dims))
        shaped = _broadcast(mask, label_level.dims, source_level.dims)
        yield MaskedRegion(label=value, roi=box, data=np.where(shaped, data, fill_value), mask=mask)


def _label(store: StoreLike, label: str, storage_options: Mapping[str, Any] | None) -> Multiscales:
    labels = read_labels(store, storage_options=storage_options)
    if label not in labels:
        raise NgffValueError(f"label: expected one of {list(labels)}, got {label!r}")
    return labels[label]


def _table(
    store: StoreLike,
    label: str,
    table: str | pd.DataFrame | None,
    storage_options: Mapping[str, Any] | None,
) -> pd.DataFrame:
    if table is None:
        for name in list_tables(store, type="masking_roi_table", storage_options=storage_options):
            meta = read_table_metadata(store, name, storage_options=storage_options)
            if meta.region is not None and meta.region.rstrip("/").split("/")[-1] == label:
                return read_table(store, name, storage_options=storage_options)
        return build_masking_roi_table(store, label, storage_options=storage_options)
    if isinstance(table, str):
        return read_table(store, table, storage_options=storage_options)
    return table


def _broadcast(mask: np.ndarray, mask_dims: tuple[str, ...], dims: tuple[str, ...]) -> np.ndarray:
    """``mask`` (over ``mask_dims``) shaped to broadcast over an array of ``dims``."""
    if mask_dims == dims:
        return mask
    shape = [mask.shape[mask_dims.index(d)] if d in mask_dims else 1 for d in dims]
    squeezed = mask.reshape([n for d, n in zip(mask_dims, mask.shape, strict=True) if d in dims])
    return squeezed.reshape(shape)


def _boxes(box: Box, block: np.ndarray, spatial: list[int]) -> tuple[np.ndarray, ...]:
    """The labels of ``block`` and their bounding boxes (block + offset), space dims only."""
    from scipy import ndimage

    present = block_values(block)
    present = present[present != 0]
    if present.size == 0:
        empty = np.zeros((0, len(spatial)), dtype=np.int64)
        return np.zeros(0, dtype=np.int64), empty, empty
    top = int(present[-1])
    if top <= max(4 * block.size, 1 << 20):
        work = (
            block if block.dtype.kind == "i" or block.dtype.itemsize < 8 else block.astype(np.int64)
        )
        objects = ndimage.find_objects(work, max_label=top)
        index = present.astype(np.int64) - 1
    else:  # sparse, large values: number the labels of this block 1..n first
        work = (np.searchsorted(present, block) + 1) * (block != 0)
        objects = ndimage.find_objects(work, max_label=int(present.size))
        index = np.arange(present.size)
    offset = np.array([box[i][0] for i in spatial], dtype=np.int64)
    lo = np.array([[objects[k][i].start for i in spatial] for k in index], dtype=np.int64)
    hi = np.array([[objects[k][i].stop for i in spatial] for k in index], dtype=np.int64)
    return present.astype(np.int64), lo + offset, hi + offset


def _merge(
    found: list[tuple[np.ndarray, ...]], ndim: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    if not found:
        return np.zeros(0, np.int64), np.zeros((0, ndim), np.int64), np.zeros((0, ndim), np.int64)
    values = np.concatenate([f[0] for f in found])
    lo = np.concatenate([f[1] for f in found])
    hi = np.concatenate([f[2] for f in found])
    order = np.argsort(values, kind="stable")
    values, lo, hi = values[order], lo[order], hi[order]
    unique, starts = np.unique(values, return_index=True)
    if unique.size == 0:
        return unique, lo[:0], hi[:0]
    return unique, np.minimum.reduceat(lo, starts, axis=0), np.maximum.reduceat(hi, starts, axis=0)


class _Cached:
    """Reads of boxes of a lazily read array through an LRU cache of its dask blocks.

    The cache holds at most half of ``config.memory_target`` bytes (and always the block in
    use).
    """

    def __init__(self, array: Any, limit: int | None = None) -> None:
        self._array = array
        self._chunks = array.chunks
        self._bounds = [np.cumsum((0, *c)) for c in self._chunks]
        self._cache: OrderedDict[tuple[int, ...], np.ndarray] = OrderedDict()
        self._bytes = 0
        self._limit = limit if limit is not None else config.memory_target // 2

    def read(self, key: tuple[slice, ...]) -> np.ndarray:
        shape = self._array.shape
        box = [
            (k.start or 0, n if k.stop is None else k.stop) for k, n in zip(key, shape, strict=True)
        ]
        ranges = []
        for (lo, hi), bounds in zip(box, self._bounds, strict=True):
            first = int(np.searchsorted(bounds, lo, side="right") - 1)
            last = int(np.searchsorted(bounds, max(hi - 1, lo), side="right") - 1)
            ranges.append(range(first, last + 1))
        out = np.empty([hi - lo for lo, hi in box], dtype=self._array.dtype)
        for index in itertools.product(*ranges):
            block = self._block(index)
            src, dst = [], []
            for d, i in enumerate(index):
                b0 = int(self._bounds[d][i])
                b1 = int(self._bounds[d][i + 1])
                lo, hi = max(box[d][0], b0), min(box[d][1], b1)
                src.append(slice(lo - b0, hi - b0))
                dst.append(slice(lo - box[d][0], hi - box[d][0]))
            out[tuple(dst)] = block[tuple(src)]
        return out

    def _block(self, index: tuple[int, ...]) -> np.ndarray:
        block = self._cache.get(index)
        if block is not None:
            self._cache.move_to_end(index)
            return block
        block = np.asarray(self._array.blocks[index].compute(scheduler="synchronous"))
        self._cache[index] = block
        self._bytes += block.nbytes
        while self._bytes > self._limit and len(self._cache) > 1:
            _, old = self._cache.popitem(last=False)
            self._bytes -= old.nbytes
        return block
