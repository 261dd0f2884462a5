"""Every OME-NGFF 0.5 metadata type in one module (the path ngff-zarr documents).

0.5 reuses the 0.4 objects (:mod:`ngff_zarr.v04.zarr_metadata`); what differs is where they
live in a group's attributes: :mod:`.multiscales`, :mod:`.plate`, :mod:`.well`.
"""

from __future__ import annotations

from ..v04.zarr_metadata import (
    Axis,
    Dataset,
    Metadata,
    MethodMetadata,
    Omero,
    OmeroChannel,
    OmeroWindow,
    Plate,
    PlateAcquisition,
    PlateColumn,
    PlateRow,
    PlateWell,
    Scale,
    Transform,
    Translation,
    Well,
    WellImage,
)
from .multiscales import VERSION, image_attributes
from .plate import plate_from_attributes, plate_to_attributes
from .well import well_from_attributes, well_to_attributes

__all__ = [
    "VERSION",
    "Axis",
    "Dataset",
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
    "Transform",
    "Translation",
    "Well",
    "WellImage",
    "image_attributes",
    "plate_from_attributes",
    "plate_to_attributes",
    "well_from_attributes",
    "well_to_attributes",
]
