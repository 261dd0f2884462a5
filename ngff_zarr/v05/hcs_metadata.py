"""Spec metadata of OME-NGFF 0.5 high-content screening.

0.5 keeps the 0.4 ``plate`` and ``well`` objects but moves them under ``attributes["ome"]`` of a
Zarr v3 ``zarr.json``, with the version given once in ``ome.version``. The plate object also
carries ``version``: the 0.5 schema allows it and ome-zarr-models expects it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

from ..errors import InvalidMetadataError
from ..v04.hcs_metadata import (
    Plate,
    PlateAcquisition,
    PlateColumn,
    PlateRow,
    PlateWell,
    Well,
    WellImage,
    plate_problems,
    well_problems,
)

__all__ = [
    "Plate",
    "PlateAcquisition",
    "PlateColumn",
    "PlateRow",
    "PlateWell",
    "Well",
    "WellImage",
    "plate_from_attributes",
    "plate_problems",
    "plate_to_attributes",
    "well_from_attributes",
    "well_problems",
    "well_to_attributes",
]

VERSION: Final = "0.5"


def plate_to_attributes(plate: Plate) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 plate group's ``zarr.json``.

    Examples
    --------
    >>> attrs = plate_to_attributes(Plate.from_names(["A"], ["1"]))
    >>> attrs["ome"]["version"], attrs["ome"]["plate"]["wells"]
    ('0.5', [{'path': 'A/1', 'rowIndex': 0, 'columnIndex': 0}])
    """
    return {"ome": {"version": VERSION, "plate": {**plate.to_dict(), "version": VERSION}}}


def well_to_attributes(well: Well) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 well group's ``zarr.json``."""
    return {"ome": {"version": VERSION, "well": well.to_dict()}}


def plate_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> Plate:
    """The plate of a 0.5 plate group's attributes.

    Raises
    ------
    InvalidMetadataError
        When there is no ``ome.plate`` object or one of its fields is missing or mistyped.
    """
    doc = _ome(attrs, path).get("plate")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected a plate object, found {type(doc).__name__}", path=path, field="ome.plate"
        )
    return Plate.from_dict(doc, path=path)


def well_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> Well:
    """The well of a 0.5 well group's attributes (see :func:`plate_from_attributes`)."""
    doc = _ome(attrs, path).get("well")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected a well object, found {type(doc).__name__}", path=path, field="ome.well"
        )
    return Well.from_dict(doc, path=path)


def _ome(attrs: Mapping[str, Any], path: str | None) -> Mapping[str, Any]:
    ome = attrs.get("ome")
    if not isinstance(ome, Mapping):
        raise InvalidMetadataError(
            f"expected an object, found {type(ome).__name__}", path=path, field="ome"
        )
    return ome
