"""The base of every 0.6 coordinate transformation: parse by ``type``, serialise, map points.

Each transformation type is a dataclass subclass of :class:`Transformation` that declares its
``type`` (the spec's string) and registers itself under it, so :meth:`Transformation.from_dict`
dispatches on a document's ``type`` without a list of names to keep in step.

Geometry is pure NumPy. Points are arrays of shape ``(n, ndim)`` (or one point ``(ndim,)``), with
coordinates in the order of the axes of the transformation's input coordinate system. The
transformations whose parameters live in Zarr arrays (``affine``/``rotation`` with ``path``,
``displacements``, ``coordinates``) take them, already loaded, in ``arrays``: a mapping from the
transformation's ``path`` to a NumPy array (or a :class:`~ngff_zarr.v06.fields.Field`).
"""

from __future__ import annotations

import builtins
from abc import ABC, abstractmethod
from collections.abc import Mapping
from dataclasses import KW_ONLY, dataclass, field, replace
from typing import Any, ClassVar, Final, Self, TypeVar

import numpy as np
import numpy.typing as npt

from ..errors import NgffValueError
from ._parse import Reader
from .coordinate_systems import CoordinateSystemIdentifier

__all__ = ["Arrays", "FloatArray", "Transformation", "as_points", "transformation_types"]

FloatArray = npt.NDArray[np.float64]
Arrays = Mapping[str, Any]
"""Loaded parameter arrays by ``path``: NumPy arrays, or ``Field`` for displacements/coordinates."""

T = TypeVar("T", bound="Transformation")

_TYPES: dict[str, type[Transformation]] = {}
_COMMON_KEYS: Final = ("type", "input", "output", "name")


def transformation_types() -> tuple[str, ...]:
    """The ``type`` strings of every registered transformation, sorted."""
    return tuple(sorted(_TYPES))


def as_points(points: npt.ArrayLike) -> tuple[FloatArray, bool]:
    """``points`` as a float array of shape ``(n, ndim)``, and whether one point was given.

    Raises
    ------
    NgffValueError
        When ``points`` is neither one point ``(ndim,)`` nor a list of points ``(n, ndim)``.
    """
    array = np.asarray(points, dtype=np.float64)
    if array.ndim == 1:
        return array[np.newaxis, :], True
    if array.ndim != 2:
        raise NgffValueError(
            f"points: expected one point (ndim,) or points (n, ndim), got shape {array.shape}"
        )
    return array, False


@dataclass
class Transformation(ABC):
    """A coordinate transformation: a function from points of ``input`` to points of ``output``.

    ``input`` and ``output`` may be omitted inside another transformation (``sequence``,
    ``bijection``, ``byDimension``). ``name`` is optional. Members the specification does not name
    are kept in ``extra`` so that :meth:`to_dict` gives back what :meth:`from_dict` read.
    """

    type: ClassVar[str]
    _keys: ClassVar[tuple[str, ...]] = ()  # the JSON members of the type's parameters
    _: KW_ONLY
    input: CoordinateSystemIdentifier | None = None
    output: CoordinateSystemIdentifier | None = None
    name: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if "type" in cls.__dict__:
            _TYPES[cls.type] = cls

    # --- JSON ---------------------------------------------------------------------------

    @classmethod
    def from_dict(
        cls: builtins.type[T],
        doc: object,
        *,
        path: str | None = None,
        field: str = "coordinateTransformations[0]",
    ) -> T:
        """Parse a transformation object of any type (or, called on a subclass, of that type).

        Parameters
        ----------
        doc
            The JSON object.
        path
            The file or store key the object was read from, for error messages.
        field
            The dotted field of the object in its document, for error messages.

        Raises
        ------
        InvalidMetadataError
            Naming the field that is missing, of the wrong JSON type, or an unknown ``type``.

        Examples
        --------
        >>> t = Transformation.from_dict({"type": "scale", "scale": [2, 3]})
        >>> type(t).__name__, t.apply([1.0, 1.0]).tolist()
        ('Scale', [2.0, 3.0])
        """
        r = Reader.of(doc, field, path)
        kind = r.string("type", required=True)
        impl = _TYPES.get(kind or "")
        if impl is None or not issubclass(impl, cls):
            choices = sorted(name for name, c in _TYPES.items() if issubclass(c, cls))
            raise r.error("type", f"one of {choices}", kind)
        common: dict[str, Any] = {
            "input": _identifier(r, "input"),
            "output": _identifier(r, "output"),
            "name": r.string("name"),
            "extra": r.extra((*_COMMON_KEYS, *impl._keys)),
        }
        return impl._parse(r, common)

    @classmethod
    @abstractmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        """Build the transformation from its parameter members and the common members."""

    @abstractmethod
    def _params(self) -> dict[str, Any]:
        """The JSON members of the parameters."""

    def to_dict(self) -> dict[str, Any]:
        """The transformation as JSON (``type``, parameters, ``input``/``output``, ``name``)."""
        out: dict[str, Any] = {"type": self.type, **self._params()}
        if self.input is not None:
            out["input"] = self.input.to_dict()
        if self.output is not None:
            out["output"] = self.output.to_dict()
        if self.name is not None:
            out["name"] = self.name
        out.update(self.extra)
        return out

    # --- geometry -----------------------------------------------------------------------

    def input_ndim(self) -> int | None:
        """The input dimensionality the parameters imply (None: not fixed by the parameters)."""
        return None

    def output_ndim(self, ndim_in: int | None) -> int | None:
        """The output dimensionality for inputs of ``ndim_in`` (None: not known)."""
        return None

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray | None:
        """The ``(m + 1, ndim_in + 1)`` homogeneous matrix; None for a non-linear transformation.

        Raises
        ------
        NgffValueError
            When the parameters do not fit ``ndim_in`` inputs, or an array they need is missing.
        """
        return None

    def apply(self, points: npt.ArrayLike, *, arrays: Arrays | None = None) -> FloatArray:
        """Map ``points`` (one ``(ndim,)`` or several ``(n, ndim)``) to the output system.

        Raises
        ------
        NgffValueError
            When the points do not have the input dimensionality, or a parameter array named by
            ``path`` is not in ``arrays``.
        """
        pts, single = as_points(points)
        out = self._run(pts, arrays or {})
        return out[0] if single else out

    def invert(self, *, arrays: Arrays | None = None) -> Transformation:
        """The inverse transformation, from ``output`` to ``input``.

        Raises
        ------
        NgffValueError
            When the transformation has no closed-form inverse (``displacements``, ``coordinates``,
            ``projectAxis``, a singular ``affine``, ...).

        Examples
        --------
        >>> t = Transformation.from_dict({"type": "translation", "translation": [1, -2]})
        >>> t.invert().to_dict()
        {'type': 'translation', 'translation': [-1.0, 2.0]}
        """
        inverse = self._inverse(arrays or {})
        return replace(inverse, input=self.output, output=self.input, name=None, extra={})

    def _inverse(self, arrays: Arrays) -> Transformation:
        raise NgffValueError(f"{self.label}: has no closed-form inverse")

    def _run(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        expected = self.input_ndim()
        if expected is not None and pts.shape[1] != expected:
            raise NgffValueError(
                f"points: expected {expected} coordinates per point (the input dimensionality of "
                f"the {self.label}), got {pts.shape[1]}"
            )
        return self._apply(pts, arrays)

    def _apply(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        matrix = self.affine_matrix(pts.shape[1], arrays=arrays)
        if matrix is None:  # pragma: no cover - every non-linear type overrides _apply
            raise NgffValueError(f"{self.label}: cannot be applied")
        return pts @ matrix[:-1, :-1].T + matrix[:-1, -1]

    @property
    def label(self) -> str:
        """How messages name this transformation (``"scale transformation 'to-physical'"``)."""
        named = f" {self.name!r}" if self.name else ""
        return f"{self.type} transformation{named}"


def _identifier(r: Reader, key: str) -> CoordinateSystemIdentifier | None:
    if key not in r.doc:
        return None
    return CoordinateSystemIdentifier.from_dict(r.doc[key], path=r.path, field=r.at(key))


def homogeneous(linear: npt.ArrayLike, offset: npt.ArrayLike | None = None) -> FloatArray:
    """The homogeneous matrix of ``x -> linear @ x + offset``."""
    a = np.asarray(linear, dtype=np.float64)
    out = np.zeros((a.shape[0] + 1, a.shape[1] + 1))
    out[:-1, :-1] = a
    if offset is not None:
        out[:-1, -1] = np.asarray(offset, dtype=np.float64)
    out[-1, -1] = 1.0
    return out
