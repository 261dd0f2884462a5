"""Regions of interest: boxes in physical units, their pixels, and masked access by label.

::

    ROI (micrometers) --to_pixels(image, level)--> PixelROI --slices--> array index
    store --read_roi / write_roi--> pixels of a region (lower levels kept consistent)
    label image --build_masking_roi_table--> one box per label --iter_masked--> MaskedRegion
"""

from __future__ import annotations

from .masks import MaskedRegion, build_masking_roi_table, iter_masked, read_masked
from .region import read_roi, write_roi
from .roi import ROI, PixelROI, pixel_sizes, rois_from_table, table_from_rois

__all__ = [
    "ROI",
    "MaskedRegion",
    "PixelROI",
    "build_masking_roi_table",
    "iter_masked",
    "pixel_sizes",
    "read_masked",
    "read_roi",
    "rois_from_table",
    "table_from_rois",
    "write_roi",
]
