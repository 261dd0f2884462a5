"""The attributes of 0.6 label, labels, plate and well groups.

0.6 keeps the 0.5 ``image-label``, ``labels``, ``plate`` and ``well`` objects under ``ome`` with
``ome.version`` "0.6" (the plate object without a ``version`` of its own); a label image is a
0.6 image (:func:`ngff_zarr.v06.common.image_attributes`) with its ``image-label``.

>>> from ngff_zarr.v04.plate import Plate
>>> plate_to_attributes(Plate.from_names(["A"], ["1"]))["ome"]["version"]
'0.6'
>>> labels_to_attributes(["cells"])
{'ome': {'version': '0.6', 'labels': ['cells']}}
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..v04.labels import ImageLabel
from ..v04.multiscales import Metadata
from ..v04.plate import Plate
from ..v04.well import Well
from ..v05.labels import image_label_from_attributes, labels_from_attributes
from ..v05.plate import plate_from_attributes
from ..v05.well import well_from_attributes
from ._version import VERSION
from .common import image_attributes

__all__ = [
    "image_label_from_attributes",
    "label_attributes",
    "labels_from_attributes",
    "labels_to_attributes",
    "plate_from_attributes",
    "plate_to_attributes",
    "well_from_attributes",
    "well_to_attributes",
]


def label_attributes(metadata: Metadata, label: ImageLabel) -> dict[str, Any]:
    """The ``attributes`` of a 0.6 label image group: ``multiscales`` and ``image-label``."""
    attrs = image_attributes(metadata)
    attrs["ome"]["image-label"] = label.to_dict()
    return attrs


def labels_to_attributes(names: Sequence[str]) -> dict[str, Any]:
    """The ``attributes`` of a 0.6 ``labels`` group's ``zarr.json``."""
    return {"ome": {"version": VERSION, "labels": list(names)}}


def plate_to_attributes(plate: Plate) -> dict[str, Any]:
    """The ``attributes`` of a 0.6 plate group's ``zarr.json``."""
    return {"ome": {"version": VERSION, "plate": plate.to_dict()}}


def well_to_attributes(well: Well) -> dict[str, Any]:
    """The ``attributes`` of a 0.6 well group's ``zarr.json``."""
    return {"ome": {"version": VERSION, "well": well.to_dict()}}
