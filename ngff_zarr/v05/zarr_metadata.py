"""Spec metadata of OME-NGFF 0.5.

0.5 keeps the 0.4 multiscales object but moves every OME key under ``attributes["ome"]`` of a
Zarr v3 ``zarr.json``, with the version given once in ``ome.version`` (and not inside each
multiscale), and requires each array's ``dimension_names`` to equal the axis names.
"""

from __future__ import annotations

from typing import Any

from ..v04.zarr_metadata import (
    Axis,
    Dataset,
    Metadata,
    MethodMetadata,
    Omero,
    OmeroChannel,
    OmeroWindow,
    Scale,
    Translation,
    multiscale_to_dict,
)

__all__ = [
    "Axis",
    "Dataset",
    "Metadata",
    "MethodMetadata",
    "Omero",
    "OmeroChannel",
    "OmeroWindow",
    "Scale",
    "Translation",
    "to_attributes",
]


def to_attributes(metadata: Metadata) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 image group's ``zarr.json``."""
    ome: dict[str, Any] = {
        "version": "0.5",
        "multiscales": [multiscale_to_dict(metadata, with_version=None)],
    }
    if metadata.omero is not None:
        ome["omero"] = metadata.omero.to_dict()
    return {"ome": ome}
