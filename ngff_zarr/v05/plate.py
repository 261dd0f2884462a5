"""OME-NGFF 0.5 plate groups: the 0.4 ``plate`` object under ``attributes["ome"]``.

The plate object also carries ``version``: the 0.5 schema allows it and ome-zarr-models
expects it.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import InvalidMetadataError
from ..v04.plate import Plate
from .multiscales import VERSION

__all__ = ["ome_content", "plate_from_attributes", "plate_to_attributes"]


def plate_to_attributes(plate: Plate) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 plate group's ``zarr.json``.

    Examples
    --------
    >>> attrs = plate_to_attributes(Plate.from_names(["A"], ["1"]))
    >>> attrs["ome"]["version"], attrs["ome"]["plate"]["wells"]
    ('0.5', [{'path': 'A/1', 'rowIndex': 0, 'columnIndex': 0}])
    """
    return {"ome": {"version": VERSION, "plate": {**plate.to_dict(), "version": VERSION}}}


def plate_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> Plate:
    """The plate of a 0.5 plate group's attributes.

    Raises
    ------
    InvalidMetadataError
        When there is no ``ome.plate`` object or one of its fields is missing or mistyped.
    """
    doc = ome_content(attrs, path).get("plate")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected a plate object, found {type(doc).__name__}", path=path, field="ome.plate"
        )
    return Plate.from_dict(doc, path=path, version=VERSION)


def ome_content(attrs: Mapping[str, Any], path: str | None) -> Mapping[str, Any]:
    """The ``ome`` object of a 0.5 group's attributes."""
    ome = attrs.get("ome")
    if not isinstance(ome, Mapping):
        raise InvalidMetadataError(
            f"expected an object, found {type(ome).__name__}", path=path, field="ome"
        )
    return ome
