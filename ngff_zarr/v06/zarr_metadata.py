"""OME-Zarr 0.6 metadata classes in one namespace (the module path ngff-zarr 0.50 documents).

Everything here is defined in the modules of :mod:`ngff_zarr.v06`, one per concept of the
specification; this module only re-exports them. ``Metadata`` (the multiscale metadata of a 0.6
image as :func:`~ngff_zarr.from_ngff_zarr` gives it, :class:`~ngff_zarr.v06.common.Metadata`) and
``BaseTransform`` (the transformation base class) are the names ngff-zarr 0.50 uses.

Examples
--------
>>> from ngff_zarr.v06.zarr_metadata import Multiscale, Scale
>>> Scale([1.0, 2.0]).to_dict()
{'type': 'scale', 'scale': [1.0, 2.0]}
"""

from __future__ import annotations

from ._version import VERSION
from .bounding_boxes import BoundingBox, transform_bounding_box
from .common import Metadata, upgrade
from .coordinate_systems import AXIS_TYPES, Axis, CoordinateSystem, CoordinateSystemIdentifier
from .graph import find_chain
from .multiscales import Dataset, Image, Multiscale
from .scene import Scene
from .transformations import (
    Affine,
    Bijection,
    ByDimension,
    ByDimensionItem,
    Coordinates,
    Displacements,
    Field,
    Identity,
    MapAxis,
    ProjectAxis,
    Rotation,
    Scale,
    Transformation,
    TransformSequence,
    Translation,
)

BaseTransform = Transformation

__all__ = [
    "AXIS_TYPES",
    "VERSION",
    "Affine",
    "Axis",
    "BaseTransform",
    "Bijection",
    "BoundingBox",
    "ByDimension",
    "ByDimensionItem",
    "CoordinateSystem",
    "CoordinateSystemIdentifier",
    "Coordinates",
    "Dataset",
    "Displacements",
    "Field",
    "Identity",
    "Image",
    "MapAxis",
    "Metadata",
    "Multiscale",
    "ProjectAxis",
    "Rotation",
    "Scale",
    "Scene",
    "TransformSequence",
    "Transformation",
    "Translation",
    "find_chain",
    "transform_bounding_box",
    "upgrade",
]
