"""OME-NGFF 0.5 labels: the 0.4 ``image-label`` object and ``labels`` listing under ``ome``.

A 0.5 label image group keeps ``multiscales`` and ``image-label`` side by side under
``attributes["ome"]`` with the version once, in ``ome.version``; the ``labels`` group lists its
label images in ``ome.labels``.

>>> from ngff_zarr.v04.labels import ImageLabel
>>> labels_to_attributes(["cells"])
{'ome': {'version': '0.5', 'labels': ['cells']}}
>>> labels_from_attributes(labels_to_attributes(["cells"]))
['cells']
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from ..errors import InvalidMetadataError
from ..v04.labels import ImageLabel, _names
from ..v04.multiscales import Metadata
from .multiscales import VERSION, image_attributes

__all__ = [
    "image_label_from_attributes",
    "label_attributes",
    "labels_from_attributes",
    "labels_to_attributes",
]


def label_attributes(metadata: Metadata, label: ImageLabel) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 label image group: ``multiscales`` and ``image-label``."""
    attrs = image_attributes(metadata)
    attrs["ome"]["image-label"] = label.to_dict()
    return attrs


def image_label_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> ImageLabel:
    """The ``image-label`` of a 0.5 label image group's attributes."""
    doc = _ome(attrs, path).get("image-label")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected an image-label object, found {type(doc).__name__}",
            path=path,
            field="ome.image-label",
        )
    return ImageLabel.from_dict(doc, path=path)


def labels_to_attributes(names: Sequence[str]) -> dict[str, Any]:
    """The ``attributes`` of a 0.5 ``labels`` group's ``zarr.json``."""
    return {"ome": {"version": VERSION, "labels": list(names)}}


def labels_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> list[str]:
    """The label names listed by a 0.5 ``labels`` group (``[]`` when none)."""
    return _names(_ome(attrs, path).get("labels"), path, "ome.labels")


def _ome(attrs: Mapping[str, Any], path: str | None) -> Mapping[str, Any]:
    ome = attrs.get("ome", {})
    if not isinstance(ome, Mapping):
        raise InvalidMetadataError(
            f"expected an object, found {type(ome).__name__}", path=path, field="ome"
        )
    return ome
