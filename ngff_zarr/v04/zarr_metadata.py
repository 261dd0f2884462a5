"""Every OME-NGFF 0.4 metadata type in one module (the path ngff-zarr documents).

The types are defined one concept per module: :mod:`.axes`, :mod:`.transformations`,
:mod:`.omero`, :mod:`.multiscales`, :mod:`.plate`, :mod:`.well`.
"""

from __future__ import annotations

from ..vocab import (
    DIM_TYPES,
    DIMS,
    SPACE_UNITS,
    SPATIAL_DIMS,
    TIME_UNITS,
    SpaceUnit,
    TimeUnit,
    Unit,
)
from .axes import Axis
from .multiscales import Dataset, Metadata, MethodMetadata, image_attributes, multiscale_to_dict
from .omero import Omero, OmeroChannel, OmeroWindow
from .plate import (
    Plate,
    PlateAcquisition,
    PlateColumn,
    PlateRow,
    PlateWell,
    plate_from_attributes,
    plate_to_attributes,
)
from .transformations import Identity, Scale, Transform, Translation
from .well import Well, WellImage, well_from_attributes, well_to_attributes

SUPPORTED_DIMS = DIMS


def is_dimension_supported(dim: str) -> bool:
    """Whether ``dim`` is one of the dims the spec names (``t``, ``c``, ``z``, ``y``, ``x``).

    >>> is_dimension_supported("x"), is_dimension_supported("q")
    (True, False)
    """
    return dim in DIMS


def is_unit_supported(unit: str | None) -> bool:
    """Whether ``unit`` is one of the spec's UDUNITS-2 space or time unit names (not an alias).

    >>> is_unit_supported("micrometer"), is_unit_supported("um"), is_unit_supported(None)
    (True, False, False)
    """
    return unit in SPACE_UNITS or unit in TIME_UNITS


__all__ = [
    "DIM_TYPES",
    "SPACE_UNITS",
    "SPATIAL_DIMS",
    "SUPPORTED_DIMS",
    "TIME_UNITS",
    "Axis",
    "Dataset",
    "Identity",
    "Metadata",
    "MethodMetadata",
    "Omero",
    "OmeroChannel",
    "OmeroWindow",
    "Plate",
    "PlateAcquisition",
    "PlateColumn",
    "PlateRow",
    "PlateWell",
    "Scale",
    "SpaceUnit",
    "TimeUnit",
    "Transform",
    "Translation",
    "Unit",
    "Well",
    "WellImage",
    "image_attributes",
    "is_dimension_supported",
    "is_unit_supported",
    "multiscale_to_dict",
    "plate_from_attributes",
    "plate_to_attributes",
    "well_from_attributes",
    "well_to_attributes",
]
