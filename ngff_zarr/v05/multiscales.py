"""OME-NGFF 0.5 image groups.

0.5 keeps the 0.4 multiscales object (:mod:`ngff_zarr.v04.multiscales`) but moves every OME key
under ``attributes["ome"]`` of a Zarr v3 ``zarr.json``, with the version given once in
``ome.version`` (and not inside each multiscale), and requires each array's
``dimension_names`` to equal the axis names.
"""

from __future__ import annotations

from typing import Any, Final

from ..v04.multiscales import Metadata, multiscale_to_dict

__all__ = ["VERSION", "image_attributes"]

VERSION: Final = "0.5"


def image_attributes(metadata: Metadata) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 image group's ``zarr.json``."""
    ome: dict[str, Any] = {
        "version": VERSION,
        "multiscales": [multiscale_to_dict(metadata, with_version=None)],
    }
    if metadata.omero is not None:
        ome["omero"] = metadata.omero.to_dict()
    return {"ome": ome}
