"""The :class:`Multiscales` dataclass: a pyramid of :class:`NgffImage` levels and its metadata."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .ngff_image import NgffImage
from .v04.zarr_metadata import Metadata

if TYPE_CHECKING:
    from .methods import Methods

__all__ = ["Multiscales"]


@dataclass
class Multiscales:
    """A multiscale image: its levels, finest first, and the spec metadata that describes them.

    Parameters
    ----------
    images
        The levels, finest first. ``images[0]`` is the full-resolution image.
    metadata
        The ``multiscales`` metadata (axes, one dataset per level, omero, provenance).
    scale_factors
        Per level below the first, the factor per dim relative to the full resolution.
    method
        The downsampling method that made the lower levels, if they were computed here.
    chunks
        The chunk shape per dim used when writing.
    """

    images: list[NgffImage]
    metadata: Metadata
    scale_factors: list[dict[str, int]] | None = None
    method: Methods | None = None
    chunks: dict[str, int] | None = None
    # The plan that computes the lower levels from images[0]; the writer streams it.
    pyramid: Any = field(default=None, repr=False, compare=False)

    @property
    def dims(self) -> tuple[str, ...]:
        return self.images[0].dims
