"""Spec metadata of OME-NGFF 0.4 labels: the ``image-label`` object and the ``labels`` listing.

A label image is a multiscale image of integers stored under ``<image>/labels/<name>``; its
group also holds ``image-label``: a colour (RGBA, 0-255) and free-form properties per
``label-value``, and the ``source.image`` it segments (``"../../"``, the image two groups up).
The ``labels`` group lists the label images. 0.4 keeps both at the top level of ``.zattrs``
(``image-label`` with its own ``version``); 0.5 moves them under ``ome`` (see
:mod:`ngff_zarr.v05.labels`).

>>> label = ImageLabel.from_maps(colors={1: (255, 0, 0)}, properties={1: {"class": "cell"}})
>>> label.to_dict()["colors"], label.to_dict()["properties"]
([{'label-value': 1, 'rgba': [255, 0, 0, 255]}], [{'label-value': 1, 'class': 'cell'}])
>>> ImageLabel.from_dict(label.to_dict()) == label
True
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from ..errors import InvalidMetadataError, NgffValueError
from .multiscales import Metadata, image_attributes

__all__ = [
    "DEFAULT_SOURCE",
    "ImageLabel",
    "LabelColor",
    "LabelProperties",
    "LabelValue",
    "Rgba",
    "image_label_from_attributes",
    "label_attributes",
    "labels_from_attributes",
    "labels_to_attributes",
]

VERSION: Final = "0.4"
DEFAULT_SOURCE: Final = "../../"  # a label image's group is <image>/labels/<name>

LabelValue = int | float
Rgba = tuple[int, int, int, int]


@dataclass
class LabelColor:
    """One entry of ``image-label.colors``: the display colour of one label value."""

    label_value: LabelValue  # spec: "label-value"
    rgba: Rgba | None = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"label-value": self.label_value}
        if self.rgba is not None:
            out["rgba"] = list(self.rgba)
        return out


@dataclass
class LabelProperties:
    """One entry of ``image-label.properties``: free-form key/values of one label value."""

    label_value: LabelValue  # spec: "label-value"
    values: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"label-value": self.label_value, **self.values}


@dataclass
class ImageLabel:
    """The ``image-label`` object: colours, properties and the source image of a label image."""

    colors: list[LabelColor] | None = None
    properties: list[LabelProperties] | None = None
    source: str | None = DEFAULT_SOURCE  # spec: source.image

    @classmethod
    def from_maps(
        cls,
        colors: Mapping[LabelValue, Sequence[int]] | None = None,
        properties: Mapping[LabelValue, Mapping[str, Any]] | None = None,
        *,
        source: str | None = DEFAULT_SOURCE,
    ) -> ImageLabel:
        """An ``image-label`` from ``label value -> RGB(A)`` and ``label value -> properties``.

        An RGB colour gets alpha 255.

        Raises
        ------
        NgffValueError
            A label value that is not a number, or a colour that is not 3 or 4 integers 0-255.
        """
        color_list = None
        if colors is not None:
            color_list = [
                LabelColor(_value(v, "colors"), _rgba(rgba, f"colors[{v!r}]"))
                for v, rgba in colors.items()
            ]
        property_list = None
        if properties is not None:
            property_list = []
            for v, values in properties.items():
                if not isinstance(values, Mapping):
                    raise NgffValueError(
                        f"properties[{v!r}]: expected a mapping of key -> value, got {values!r}"
                    )
                if "label-value" in values:
                    raise NgffValueError(
                        f"properties[{v!r}]: 'label-value' is the key itself, not a property"
                    )
                property_list.append(LabelProperties(_value(v, "properties"), dict(values)))
        return cls(colors=color_list or None, properties=property_list or None, source=source)

    @property
    def color_map(self) -> dict[LabelValue, Rgba]:
        """``label value -> RGBA`` of the colours that give one."""
        return {c.label_value: c.rgba for c in self.colors or [] if c.rgba is not None}

    @property
    def property_map(self) -> dict[LabelValue, dict[str, Any]]:
        """``label value -> properties``."""
        return {p.label_value: dict(p.values) for p in self.properties or []}

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.colors:
            out["colors"] = [c.to_dict() for c in self.colors]
        if self.properties:
            out["properties"] = [p.to_dict() for p in self.properties]
        if self.source is not None:
            out["source"] = {"image": self.source}
        return out

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any], *, path: str | None = None) -> ImageLabel:
        """Parse an ``image-label`` JSON object (errors name the field at fault)."""
        colors = None
        if doc.get("colors") is not None:
            colors = [
                LabelColor(
                    _parsed_value(entry, f"image-label.colors[{i}]", path),
                    _parsed_rgba(entry.get("rgba"), f"image-label.colors[{i}].rgba", path),
                )
                for i, entry in _entries(doc, "colors", path)
            ]
        properties = None
        if doc.get("properties") is not None:
            properties = [
                LabelProperties(
                    _parsed_value(entry, f"image-label.properties[{i}]", path),
                    {k: v for k, v in entry.items() if k != "label-value"},
                )
                for i, entry in _entries(doc, "properties", path)
            ]
        source = doc.get("source")
        image = None
        if source is not None:
            if not isinstance(source, Mapping) or not isinstance(source.get("image", ""), str):
                raise InvalidMetadataError(
                    f"expected an object with a string 'image', found {source!r}",
                    path=path,
                    field="image-label.source",
                )
            image = source.get("image")
        return cls(colors=colors, properties=properties, source=image)


def label_attributes(metadata: Metadata, label: ImageLabel) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 label image group: multiscales and ``image-label``."""
    return {**image_attributes(metadata), "image-label": {**label.to_dict(), "version": VERSION}}


def image_label_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> ImageLabel:
    """The ``image-label`` of a 0.4 (or older) label image group's attributes."""
    doc = attrs.get("image-label")
    if not isinstance(doc, Mapping):
        raise InvalidMetadataError(
            f"expected an image-label object, found {type(doc).__name__}",
            path=path,
            field="image-label",
        )
    return ImageLabel.from_dict(doc, path=path)


def labels_to_attributes(names: Sequence[str]) -> dict[str, Any]:
    """The ``.zattrs`` content of a 0.4 ``labels`` group."""
    return {"labels": list(names)}


def labels_from_attributes(attrs: Mapping[str, Any], *, path: str | None = None) -> list[str]:
    """The label names listed by a 0.4 ``labels`` group's attributes (``[]`` when none)."""
    return _names(attrs.get("labels"), path, "labels")


def _names(value: Any, path: str | None, where: str) -> list[str]:
    if value is None:
        return []
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise InvalidMetadataError(
            f"expected a list of non-empty names, found {value!r}", path=path, field=where
        )
    return list(value)


def _entries(
    doc: Mapping[str, Any], key: str, path: str | None
) -> list[tuple[int, Mapping[str, Any]]]:
    value = doc.get(key)
    if not isinstance(value, list) or not all(isinstance(v, Mapping) for v in value):
        raise InvalidMetadataError(
            f"expected a list of objects, found {value!r}", path=path, field=f"image-label.{key}"
        )
    return list(enumerate(value))


def _parsed_value(entry: Mapping[str, Any], where: str, path: str | None) -> LabelValue:
    value = entry.get("label-value")
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidMetadataError(
            f"expected a number, found {value!r}", path=path, field=f"{where}.label-value"
        )
    return value


def _parsed_rgba(value: Any, where: str, path: str | None) -> Rgba | None:
    if value is None:
        return None
    try:
        return _rgba(value, where)
    except NgffValueError as exc:
        raise InvalidMetadataError(str(exc).split(": ", 1)[1], path=path, field=where) from None


def _value(value: Any, where: str) -> LabelValue:
    if isinstance(value, np.integer):
        return int(value)
    if isinstance(value, np.floating):
        return float(value)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise NgffValueError(f"{where}: expected numeric label values, got {value!r}")
    return value


def _rgba(value: Any, where: str) -> Rgba:
    if (
        type(value) is tuple
        and len(value) == 4
        and all(type(c) is int for c in value)
        and min(value) >= 0
        and max(value) <= 255
    ):  # the common case, fast (10,000s of labels)
        return value
    items = list(value) if isinstance(value, list | tuple | np.ndarray) else None
    if items is not None:
        items = [int(c) if isinstance(c, np.integer) else c for c in items]
    if (
        items is None
        or len(items) not in (3, 4)
        or not all(isinstance(c, int) and not isinstance(c, bool) and 0 <= c <= 255 for c in items)
    ):
        raise NgffValueError(
            f"{where}: expected 3 or 4 integers 0-255 (RGB or RGBA), got {value!r}"
        )
    if len(items) == 3:
        items.append(255)
    return (items[0], items[1], items[2], items[3])
