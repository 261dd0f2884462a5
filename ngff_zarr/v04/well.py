"""Spec metadata of OME-NGFF 0.4 high-content screening: the ``well`` object.

0.4 stores it at the top level of a Zarr v2 well group's ``.zattrs`` with its own ``version``;
0.5 keeps it under ``ome`` (see :mod:`ngff_zarr.v05.well`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Final

from ..errors import InvalidMetadataError
from ._fields import get as _get
from ._fields import items as _items

__all__ = ["Well", "WellImage", "well_from_attributes", "well_to_attributes"]

VERSION: Final = "0.4"


@dataclass
class WellImage:
    """One entry of ``well.images``: a field of view's group ``path`` and its acquisition id."""

    path: str
    acquisition: int | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.acquisition is not None:
            out["acquisition"] = self.acquisition
        out["path"] = self.path
        return out


@dataclass
class Well:
    """The ``well`` object: the fields of view (images) of one well, in order, and the
    OME-NGFF version of the well group.

    Examples
    --------
    >>> well_to_attributes(Well([WellImage("0", acquisition=1)]))
    {'well': {'images': [{'acquisition': 1, 'path': '0'}], 'version': '0.4'}}
    """

    images: list[WellImage]
    version: str = VERSION

    def to_dict(self) -> dict[str, Any]:
        return {"images": [i.to_dict() for i in self.images]}

    @classmethod
    def from_dict(
        cls, doc: Mapping[str, Any], *, path: str | None = None, version: str | None = None
    ) -> Well:
        """Parse a ``well`` JSON object (InvalidMetadataError names a missing/mistyped field).

        ``version``: as for :meth:`Plate.from_dict`.
        """
        return cls(
            version=version or str(doc.get("version", VERSION)),
            images=[
                WellImage(
                    _get(img, "path", str, f"well.images[{i}]", path),
                    _get(img, "acquisition", int, f"well.images[{i}]", path, required=False),
                )
                for i, img in _items(doc, "images", "well", path)
            ],
        )


def well_to_attributes(well: Well) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 well group."""
    return {"well": {**well.to_dict(), "version": VERSION}}


def well_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> Well:
    """The well of a 0.4 (or older) well group's attributes (see :func:`plate_from_attributes`)."""
    doc = attrs.get("well")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected a well object, found {type(doc).__name__}", path=path, field="well"
        )
    return Well.from_dict(doc, path=path)
