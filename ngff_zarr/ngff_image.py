"""The :class:`NgffImage` dataclass: one resolution level with its physical metadata."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import dask.array as da

__all__ = ["NgffImage"]


@dataclass
class NgffImage:
    """A lazily loaded image with named dims and physical coordinates.

    Parameters
    ----------
    data
        The pixels, a dask array whose axes are ``dims``, in the spec's order (t, c, z, y, x).
    dims
        Axis names, a subset of ``("t", "c", "z", "y", "x")`` in that order.
    scale
        Pixel spacing per dim (1.0 where unknown).
    translation
        Physical position of the first pixel's centre per dim.
    name
        Name of the image, written as the multiscale's ``name``.
    axes_units
        Unit per dim that has one (e.g. ``{"x": "micrometer", "t": "second"}``).
    provenance
        Free-form record of where the image came from (reader, file, original metadata).

    Examples
    --------
    >>> import numpy as np
    >>> from ngff_zarr import to_ngff_image
    >>> image = to_ngff_image(np.zeros((4, 5), dtype="uint8"), scale={"y": 0.5, "x": 0.5})
    >>> image.dims, image.scale["x"]
    (('y', 'x'), 0.5)
    """

    data: da.Array
    dims: tuple[str, ...]
    scale: dict[str, float]
    translation: dict[str, float]
    name: str = "image"
    axes_units: dict[str, str] | None = None
    provenance: Mapping[str, Any] | None = field(default=None, compare=False, repr=False)

    @property
    def shape(self) -> tuple[int, ...]:
        return tuple(int(s) for s in self.data.shape)

    @property
    def dtype(self) -> Any:
        return self.data.dtype

    @property
    def sizes(self) -> dict[str, int]:
        """Length of each dim, by name."""
        return dict(zip(self.dims, self.shape, strict=True))
