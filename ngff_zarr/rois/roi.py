"""Regions of interest: a box in physical units, its pixel form at any level, and ROI tables.

A :class:`ROI` is an axis-aligned box along the space dims, given as the corner (``start``)
and extent (``size``) in micrometers, measured from the corner of the image's first pixel, as
ngio and Fractal's ROI tables give them (the image's translation is not part of it). Its
:class:`PixelROI` at a pyramid level is the half-open index box of the pixels it covers there;
dims the ROI does not restrict (``t``, ``c``, ``z`` of a 2-D ROI on a 3-D image's ...) are
taken whole.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import NgffValueError
from ..multiscales import Multiscales
from ..ngff_image import NgffImage
from ..tables.spec import ROI_COLUMNS
from ..vocab import SPATIAL_DIMS, unit_factor

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["ROI", "PixelROI", "pixel_sizes", "rois_from_table", "table_from_rois"]

UNIT = "micrometer"
_EPS = 1e-6


@dataclass(frozen=True, slots=True, kw_only=True)
class PixelROI:
    """A box of pixels at one pyramid level: ``start`` (inclusive) to ``stop`` (exclusive)."""

    start: Mapping[str, int]
    stop: Mapping[str, int]
    name: str | None = None
    label: int | None = None

    def slices(self, dims: Iterable[str]) -> tuple[slice, ...]:
        """An index for an array of ``dims`` (whole ranges for dims the box leaves free)."""
        return tuple(
            slice(self.start[d], self.stop[d]) if d in self.start else slice(None) for d in dims
        )

    @property
    def shape(self) -> dict[str, int]:
        return {d: self.stop[d] - self.start[d] for d in self.start}


@dataclass(frozen=True, slots=True, kw_only=True)
class ROI:
    """A box in micrometers: the corner ``start`` and the extent ``size`` per space dim.

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import NgffImage, to_multiscales
    >>> image = NgffImage(np.zeros((64, 64), "uint8"), ("y", "x"), {"y": 0.5, "x": 0.5}, {},
    ...                   axes_units={"y": "micrometer", "x": "micrometer"})
    >>> roi = ROI(start={"y": 2.0, "x": 1.0}, size={"y": 4.0, "x": 3.0}, name="cell")
    >>> roi.slices(image)
    (slice(4, 12, None), slice(2, 8, None))
    >>> roi.slices(to_multiscales(image, [2]), level=1)
    (slice(2, 6, None), slice(1, 4, None))
    >>> ROI.from_pixels(roi.to_pixels(image), image) == roi
    True
    """

    start: Mapping[str, float]
    size: Mapping[str, float]
    name: str | None = None
    label: int | None = None

    def __post_init__(self) -> None:
        if set(self.start) != set(self.size):
            raise NgffValueError(
                f"roi: start {dict(self.start)} and size {dict(self.size)} name different dims"
            )
        bad = [d for d in self.start if d not in SPATIAL_DIMS]
        if bad:
            raise NgffValueError(f"roi: expected space dims {list(SPATIAL_DIMS)}, got {bad}")
        negative = {d: s for d, s in self.size.items() if not s >= 0}
        if negative:
            raise NgffValueError(f"roi: size must be >= 0, got {negative}")

    def to_pixels(self, image: NgffImage | Multiscales, level: int = 0) -> PixelROI:
        """The pixels of ``image`` (at ``level`` of a pyramid) that the ROI covers."""
        level_image = _level(image, level)
        sizes = pixel_sizes(level_image)
        start, stop = {}, {}
        for d in level_image.dims:
            if d not in self.start or d not in sizes:
                continue
            n = level_image.sizes[d]
            lo = math.floor(self.start[d] / sizes[d] + _EPS)
            hi = math.ceil((self.start[d] + self.size[d]) / sizes[d] - _EPS)
            start[d], stop[d] = min(max(lo, 0), n), min(max(hi, lo + 1, 0), n)
        return PixelROI(start=start, stop=stop, name=self.name, label=self.label)

    def slices(self, image: NgffImage | Multiscales, level: int = 0) -> tuple[slice, ...]:
        """The index of the ROI in the array of ``image`` (at ``level``), in its dims order."""
        level_image = _level(image, level)
        return self.to_pixels(level_image).slices(level_image.dims)

    @classmethod
    def from_pixels(cls, pixels: PixelROI, image: NgffImage | Multiscales, level: int = 0) -> ROI:
        """The ROI of a pixel box of ``image`` (at ``level``)."""
        sizes = pixel_sizes(_level(image, level))
        dims = [d for d in pixels.start if d in sizes]
        return cls(
            start={d: pixels.start[d] * sizes[d] for d in dims},
            size={d: (pixels.stop[d] - pixels.start[d]) * sizes[d] for d in dims},
            name=pixels.name,
            label=pixels.label,
        )


def _level(image: NgffImage | Multiscales, level: int) -> NgffImage:
    if isinstance(image, Multiscales):
        if not 0 <= level < len(image.images):
            raise NgffValueError(f"level: expected 0 to {len(image.images) - 1}, got {level}")
        return image.images[level]
    if level != 0:
        raise NgffValueError(f"level: a single image has level 0 only, got {level}")
    return image


def pixel_sizes(image: NgffImage) -> dict[str, float]:
    """The pixel size in micrometers of each space dim (a dim without unit: micrometers)."""
    units = image.axes_units or {}
    out = {}
    for d in image.dims:
        if d in SPATIAL_DIMS:
            unit = units.get(d)
            out[d] = image.scale[d] * (unit_factor(unit, UNIT) if unit else 1.0)
    return out


def rois_from_table(table: pd.DataFrame) -> list[ROI]:
    """The ROIs of an ROI table (its index names them; a masking table's is the label)."""
    missing = [c for c in ROI_COLUMNS if c not in table.columns]
    if missing:
        raise NgffValueError(
            f"table: an ROI table has the columns {list(ROI_COLUMNS)}; missing {missing}"
        )
    integer = table.index.dtype.kind in "iu"
    out = []
    for key, row in zip(table.index, table[list(ROI_COLUMNS)].to_numpy(dtype=float), strict=True):
        x, y, z, lx, ly, lz = (float(v) for v in row)
        out.append(
            ROI(
                start={"z": z, "y": y, "x": x},
                size={"z": lz, "y": ly, "x": lx},
                name=str(key),
                label=int(key) if integer else None,
            )
        )
    return out


def table_from_rois(rois: Iterable[ROI], *, index_key: str | None = None) -> pd.DataFrame:
    """An ROI table of ``rois`` (indexed by label when they all have one, else by name).

    A ROI without ``z`` gets ``z_micrometer`` 0 and ``len_z_micrometer`` 1, as ngio writes 2-D
    ROIs.
    """
    import pandas as pd

    rois = list(rois)
    by_label = bool(rois) and all(r.label is not None for r in rois)
    rows: dict[str, list[Any]] = {c: [] for c in ROI_COLUMNS}
    for r in rois:
        for d in SPATIAL_DIMS:
            rows[f"{d}_micrometer"].append(float(r.start.get(d, 0.0)))
            rows[f"len_{d}_micrometer"].append(float(r.size.get(d, 1.0)))
    if by_label:
        index = pd.Index([r.label for r in rois], name=index_key or "label", dtype="int64")
    else:
        index = pd.Index(
            [r.name or str(i) for i, r in enumerate(rois)], name=index_key or "FieldIndex"
        )
    return pd.DataFrame(rows, index=index)
