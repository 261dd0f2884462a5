"""Axis-aligned bounding boxes mapped through 0.6 transformations.

A linear transformation (every type but ``displacements`` and ``coordinates``, and the
composites of them) maps a box exactly onto the box of its mapped corners, whether or not it is
axis-aligned. A non-linear one is sampled on a regular grid over the box (``samples`` points per
axis, the corners included); the result bounds those samples, which is an approximation.

Examples
--------
>>> from ngff_zarr.v06.matrices import Rotation
>>> box = BoundingBox(lower=(0.0, 0.0), upper=(2.0, 1.0))
>>> transform_bounding_box(Rotation([[0, -1], [1, 0]]), box)
BoundingBox(lower=(-1.0, 0.0), upper=(0.0, 2.0))
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from ..errors import NgffValueError
from ._base import Arrays, FloatArray, Transformation

__all__ = ["BoundingBox", "transform_bounding_box"]


@dataclass(frozen=True, slots=True, kw_only=True)
class BoundingBox:
    """An axis-aligned box: ``lower[i] <= x[i] <= upper[i]`` for every axis ``i``.

    Raises
    ------
    NgffValueError
        When ``lower`` and ``upper`` differ in length or ``lower`` exceeds ``upper``.

    Examples
    --------
    >>> BoundingBox(lower=(0.0, 0.0), upper=(4.0, 2.0)).ndim
    2
    """

    lower: tuple[float, ...]
    upper: tuple[float, ...]

    def __post_init__(self) -> None:
        if len(self.lower) != len(self.upper):
            raise NgffValueError(
                f"upper: expected {len(self.lower)} values (one per axis of lower), got "
                f"{len(self.upper)}"
            )
        if any(lo > hi for lo, hi in zip(self.lower, self.upper, strict=True)):
            raise NgffValueError(f"lower: expected lower <= upper, got {self.lower} > {self.upper}")

    @property
    def ndim(self) -> int:
        """The number of axes."""
        return len(self.lower)

    def corners(self) -> FloatArray:
        """The ``2**ndim`` corners, shape ``(2**ndim, ndim)``.

        >>> BoundingBox(lower=(0.0, 0.0), upper=(1.0, 2.0)).corners().tolist()
        [[0.0, 0.0], [0.0, 2.0], [1.0, 0.0], [1.0, 2.0]]
        """
        pairs = zip(self.lower, self.upper, strict=True)
        return np.asarray(list(itertools.product(*pairs)), dtype=np.float64).reshape(-1, self.ndim)

    def grid(self, samples: int) -> FloatArray:
        """``samples`` evenly spaced points per axis (the corners among them), all combined."""
        axes = [np.linspace(lo, hi, samples) for lo, hi in zip(self.lower, self.upper, strict=True)]
        return np.stack(np.meshgrid(*axes, indexing="ij"), axis=-1).reshape(-1, self.ndim)

    @classmethod
    def of_points(cls, points: FloatArray) -> BoundingBox:
        """The smallest box holding ``points`` (``(n, ndim)``, n >= 1)."""
        return cls(
            lower=tuple(float(v) for v in points.min(axis=0)),
            upper=tuple(float(v) for v in points.max(axis=0)),
        )


def transform_bounding_box(
    transformation: Transformation,
    box: BoundingBox,
    *,
    arrays: Arrays | None = None,
    samples: int = 9,
) -> BoundingBox:
    """The axis-aligned box of ``box`` mapped by ``transformation``.

    Parameters
    ----------
    transformation
        Any transformation (a chain from :func:`~ngff_zarr.v06.graph.find_chain` too).
    box
        The box in the transformation's input system.
    arrays
        Loaded parameter arrays (see :mod:`ngff_zarr.v06.transformations`).
    samples
        Points per axis sampled for a non-linear transformation (at least 2).

    Returns
    -------
    BoundingBox
        Exact for linear transformations (all corners are mapped); for non-linear ones the box
        of the sampled grid.

    Raises
    ------
    NgffValueError
        When ``samples`` is below 2, or the transformation cannot be applied to the box's points.

    Examples
    --------
    >>> from ngff_zarr.v06.elementary import Scale
    >>> transform_bounding_box(Scale([2.0, -1.0]), BoundingBox(lower=(0.0, 0.0), upper=(1.0, 1.0)))
    BoundingBox(lower=(0.0, -1.0), upper=(2.0, 0.0))
    """
    if samples < 2:
        raise NgffValueError(f"samples: expected at least 2 points per axis, got {samples}")
    linear = transformation.affine_matrix(box.ndim, arrays=arrays) is not None
    points = box.corners() if linear else box.grid(samples)
    return BoundingBox.of_points(transformation.apply(points, arrays=arrays))
