"""The 0.6 field transformations ``displacements`` and ``coordinates``, and the loaded ``Field``.

Both read a vector field stored in a Zarr array at ``path``: for every input point the field gives
an output point (``coordinates``) or an offset added to the input point (``displacements``).
Applying one needs the field: pass ``arrays={path: Field(...)}`` (or a bare NumPy array, for a
field sampled at the integer coordinates ``0, 1, ...`` of the input system), or the arrays of a
store, :func:`ngff_zarr.open_transformation_arrays`, which reads a stored field lazily: a
:class:`Field` over a lazy array (zarr, dask) reads only the grid region its points need.

The field interface
-------------------
A :class:`Field` holds ``values`` of shape ``(*grid, M)``: one axis per input axis, in the input
system's order, and the vector components last (``M`` = output dimensionality; move the spec's
``displacement``/``coordinate`` axis last if the array stores it elsewhere). Sample ``k`` along
axis ``i`` sits at input coordinate ``translation[i] + scale[i] * k`` (the field array's own
scale/translation into the input system; default ``1`` and ``0``). Between samples the field is
interpolated as the transformation's ``interpolation`` says (``linear``, the default, or
``nearest``; pixel centres are at the sample coordinates, a sample covers ``[k - 0.5, k + 0.5)``).
Outside the grid the nearest edge sample is used.

Examples
--------
The specification's 1D example: the field ``[-1, 0, 1]`` sampled every 2 units maps ``1.0`` to
``1.0 + (-0.5)``:

>>> t = Displacements("displacements", interpolation="linear")
>>> field = Field(values=[[-1.0], [0.0], [1.0]], scale=(2.0,))
>>> t.apply([1.0], arrays={"displacements": field}).tolist()
[0.5]
>>> Coordinates("c", interpolation="nearest").apply(
...     [[0.4], [0.6], [9.0]], arrays={"c": [[-9.0], [9.0], [0.0]]}).tolist()
[[-9.0], [9.0], [0.0]]
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any, Final, Self, cast

import numpy as np
import numpy.typing as npt

from ..errors import NgffValueError
from ._base import Arrays, FloatArray, Transformation, as_points
from ._parse import Reader

__all__ = ["INTERPOLATIONS", "Coordinates", "Displacements", "Field"]

INTERPOLATIONS: Final[tuple[str, ...]] = ("linear", "nearest", "cubic")
_SAMPLED: Final[tuple[str, ...]] = ("linear", "nearest")


@dataclass(frozen=True, slots=True, kw_only=True)
class Field:
    """A loaded vector field: ``values`` of shape ``(*grid, M)`` and the grid's place in the input.

    Parameters
    ----------
    values
        The field, one array axis per input axis, then the ``M`` vector components.
    scale, translation
        Sample ``k`` along axis ``i`` is at input coordinate ``translation[i] + scale[i] * k``.

    Raises
    ------
    NgffValueError
        When ``values`` has fewer than 2 dimensions or ``scale``/``translation`` have the wrong
        length.

    Examples
    --------
    >>> field = Field(values=[[0.0, 0.0], [2.0, 4.0]], translation=(10.0,))
    >>> field.ndim_in, field.ndim_out, field.sample([10.5]).tolist()
    (1, 2, [[1.0, 2.0]])
    """

    values: npt.ArrayLike | Any  # a lazy array (zarr, dask) is read region by region
    scale: tuple[float, ...] | None = None
    translation: tuple[float, ...] | None = None

    def __post_init__(self) -> None:
        values = self.values
        if not _is_lazy(values):  # a lazy array (zarr, dask) is read region by region
            values = np.asarray(values, dtype=np.float64)
            object.__setattr__(self, "values", values)
        shape = tuple(cast(Any, values).shape)
        if len(shape) < 2:
            raise NgffValueError(
                f"values: expected one axis per input axis plus the vector axis, got shape {shape}"
            )
        for key in ("scale", "translation"):
            given = getattr(self, key)
            if given is not None and len(given) != len(shape) - 1:
                raise NgffValueError(
                    f"{key}: expected {len(shape) - 1} values (one per grid axis), got {len(given)}"
                )

    @property
    def shape(self) -> tuple[int, ...]:
        """The shape of the values, ``(*grid, M)``."""
        values: Any = self.values
        return tuple(int(n) for n in values.shape)

    @property
    def array(self) -> FloatArray:
        """The values as a float array (a lazy field is read whole)."""
        return self.region(tuple(slice(0, n) for n in self.shape[:-1]))

    def region(self, key: tuple[slice, ...]) -> FloatArray:
        """The values of the grid region ``key`` (one slice per grid axis), as floats."""
        values: Any = self.values
        return np.asarray(values[(*key, slice(None))], dtype=np.float64)

    @property
    def ndim_in(self) -> int:
        """The number of grid axes (the input dimensionality)."""
        return len(self.shape) - 1

    @property
    def ndim_out(self) -> int:
        """The number of vector components (the output dimensionality)."""
        return self.shape[-1]

    def sample(self, points: npt.ArrayLike, interpolation: str = "linear") -> FloatArray:
        """The field at ``points`` (``(n, ndim_in)``), shape ``(n, ndim_out)``.

        Raises
        ------
        NgffValueError
            When the points have the wrong dimensionality or the interpolation is not supported.
        """
        pts, _ = as_points(points)
        if pts.shape[1] != self.ndim_in:
            raise NgffValueError(
                f"points: expected {self.ndim_in} coordinates per point (one per field grid "
                f"axis), got {pts.shape[1]}"
            )
        if interpolation not in _SAMPLED:
            raise NgffValueError(
                f"interpolation: expected one of {list(_SAMPLED)}, got {interpolation!r}"
            )
        shape = np.asarray(self.shape[:-1])
        scale = np.ones(self.ndim_in) if self.scale is None else np.asarray(self.scale, float)
        offset = (
            np.zeros(self.ndim_in) if self.translation is None else np.asarray(self.translation)
        )
        index = np.clip((pts - offset) / scale, 0, shape - 1)
        if interpolation == "nearest":
            nearest = np.clip(np.floor(index + 0.5).astype(np.intp), 0, shape - 1)
            start, values = self._covering(nearest, nearest + 1)
            return cast(FloatArray, values[tuple((nearest - start).T)])
        low = np.clip(np.floor(index).astype(np.intp), 0, np.maximum(shape - 2, 0))
        frac = index - low
        start, values = self._covering(low, np.minimum(low + 2, shape))
        out = np.zeros((pts.shape[0], self.ndim_out))
        for corner in itertools.product((0, 1), repeat=self.ndim_in):
            step = np.asarray(corner)
            weight = np.prod(np.where(step == 1, frac, 1.0 - frac), axis=1)
            at = np.minimum(low + step, shape - 1) - start
            out += weight[:, np.newaxis] * values[tuple(at.T)]
        return out

    def _covering(
        self, lo: npt.NDArray[np.intp], hi: npt.NDArray[np.intp]
    ) -> tuple[Any, FloatArray]:
        """The grid region covering the index boxes ``[lo, hi)``: its start and its values."""
        if lo.shape[0] == 0:
            return np.zeros(self.ndim_in, np.intp), np.zeros((*([1] * self.ndim_in), self.ndim_out))
        start, stop = lo.min(axis=0), hi.max(axis=0)
        key = tuple(slice(int(a), int(b)) for a, b in zip(start, stop, strict=True))
        return start, self.region(key)


def _is_lazy(values: object) -> bool:
    """An array read on demand (zarr, dask, a stored field): not a NumPy array or a list."""
    return (
        not isinstance(values, np.ndarray | list | tuple)
        and hasattr(values, "shape")
        and hasattr(values, "__getitem__")
    )


@dataclass
class _FieldTransformation(Transformation):
    path: str
    interpolation: str | None = None  # absent means "linear"
    _keys = ("path", "interpolation")

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        path = r.string("path", required=True) or ""
        interpolation = r.string("interpolation")
        if interpolation is not None and interpolation not in INTERPOLATIONS:
            raise r.error("interpolation", f"one of {list(INTERPOLATIONS)}", interpolation)
        return cls(path, interpolation, **common)

    def _params(self) -> dict[str, Any]:
        out: dict[str, Any] = {"path": self.path}
        if self.interpolation is not None:
            out["interpolation"] = self.interpolation
        return out

    def field(self, arrays: Arrays | None) -> Field:
        """The loaded field of this transformation from ``arrays``.

        Raises
        ------
        NgffValueError
            When ``arrays`` has no entry for :attr:`path`.
        """
        if arrays is None or self.path not in arrays:
            raise NgffValueError(
                f"arrays: the {self.label} reads its field from the array {self.path!r}; pass "
                f"it loaded: arrays={{{self.path!r}: Field(values=...)}}"
            )
        value = arrays[self.path]
        return value if isinstance(value, Field) else Field(values=value)

    def _sample(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        return self.field(arrays).sample(pts, self.interpolation or "linear")


@dataclass
class Displacements(_FieldTransformation):
    """``displacements``: the output point is the input point plus the field's vector there.

    Examples
    --------
    >>> Displacements("dfield").to_dict()
    {'type': 'displacements', 'path': 'dfield'}
    """

    type = "displacements"

    def output_ndim(self, ndim_in: int | None) -> int | None:
        return ndim_in

    def _apply(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        offsets = self._sample(pts, arrays)
        if offsets.shape[1] != pts.shape[1]:
            raise NgffValueError(
                f"arrays[{self.path!r}]: expected {pts.shape[1]} displacement components (one per "
                f"axis), got {offsets.shape[1]}"
            )
        return pts + offsets


@dataclass
class Coordinates(_FieldTransformation):
    """``coordinates``: the output point is the field's vector at the input point.

    Examples
    --------
    >>> Coordinates("xy", interpolation="nearest").to_dict()["interpolation"]
    'nearest'
    """

    type = "coordinates"

    def _apply(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        return self._sample(pts, arrays)
