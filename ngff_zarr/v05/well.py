"""OME-NGFF 0.5 well groups: the 0.4 ``well`` object under ``attributes["ome"]``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidMetadataError
from ..v04.well import Well
from .multiscales import VERSION
from .plate import ome_content

__all__ = ["well_from_attributes", "well_to_attributes"]


def well_to_attributes(well: Well) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 well group's ``zarr.json``."""
    return {"ome": {"version": VERSION, "well": well.to_dict()}}


def well_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> Well:
    """The well of a 0.5 well group's attributes (see :func:`plate_from_attributes`)."""
    doc = ome_content(attrs, path).get("well")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected a well object, found {type(doc).__name__}", path=path, field="ome.well"
        )
    return Well.from_dict(doc, path=path, version=VERSION)
