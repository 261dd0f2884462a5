"""The :class:`LabelMultiscales` dataclass: a label pyramid with its colours and properties."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from typing import Any

from ..multiscales import Multiscales
from ..v04.labels import ImageLabel, LabelValue, Rgba

__all__ = ["LabelMultiscales"]


@dataclass
class LabelMultiscales(Multiscales):
    """A label image: a :class:`Multiscales` of integers and its ``image-label`` metadata.

    It is a :class:`Multiscales` (every function that takes one takes a label pyramid too) that
    also carries the colour and properties of each label value and the path of the image it
    segments, as :func:`~ngff_zarr.read_labels` reads them and
    :func:`~ngff_zarr.write_labels` writes them.

    Parameters
    ----------
    image_label
        The ``image-label`` metadata (see :class:`ngff_zarr.v04.labels.ImageLabel`).

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import LabelMultiscales, to_multiscales, to_ngff_image
    >>> from ngff_zarr.v04.labels import ImageLabel
    >>> pyramid = to_multiscales(to_ngff_image(np.zeros((8, 8), "uint8")), [2], method="mode")
    >>> label = LabelMultiscales.of(pyramid, ImageLabel.from_maps(colors={1: (0, 255, 0)}))
    >>> label.colors, label.properties, len(label.images)
    ({1: (0, 255, 0, 255)}, {}, 2)
    """

    image_label: ImageLabel = field(default_factory=ImageLabel)

    @classmethod
    def of(cls, multiscales: Multiscales, image_label: ImageLabel) -> LabelMultiscales:
        """The label pyramid of ``multiscales`` (its levels and metadata) with ``image_label``."""
        values: dict[str, Any] = {f.name: getattr(multiscales, f.name) for f in fields(Multiscales)}
        return cls(**values, image_label=image_label)

    @property
    def colors(self) -> dict[LabelValue, Rgba]:
        """``label value -> (r, g, b, a)``, 0-255."""
        return self.image_label.color_map

    @property
    def properties(self) -> dict[LabelValue, dict[str, Any]]:
        """``label value -> {property: value}`` of the labels that have properties."""
        return {v: p for v, p in self.image_label.property_map.items() if p}

    @property
    def source(self) -> str | None:
        """The path of the segmented image relative to the label group (``"../../"``)."""
        return self.image_label.source
