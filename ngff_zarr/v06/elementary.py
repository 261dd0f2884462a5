"""The elementary 0.6 transformations: identity, mapAxis, projectAxis, translation, scale.

All are linear (affine) maps: each gives its homogeneous matrix, and :meth:`apply` multiplies by it.

Examples
--------
>>> MapAxis([1, 0]).apply([[1.0, 2.0]]).tolist()
[[2.0, 1.0]]
>>> ProjectAxis(createdOutputs=[0]).apply([5.0, 6.0]).tolist()
[0.0, 5.0, 6.0]
>>> Scale([2.0, 4.0]).invert().apply(Scale([2.0, 4.0]).apply([1.0, 1.0])).tolist()
[1.0, 1.0]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from ..errors import NgffValueError
from ._base import Arrays, FloatArray, Transformation, homogeneous
from ._parse import Reader

__all__ = ["Identity", "MapAxis", "ProjectAxis", "Scale", "Translation"]


@dataclass
class Identity(Transformation):
    """``identity``: the i-th output coordinate is the i-th input coordinate.

    Examples
    --------
    >>> Identity().apply([3.0, 4.0]).tolist()
    [3.0, 4.0]
    """

    type = "identity"

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        return cls(**common)

    def _params(self) -> dict[str, Any]:
        return {}

    def output_ndim(self, ndim_in: int | None) -> int | None:
        return ndim_in

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray:
        return np.eye(ndim_in + 1)

    def _inverse(self, arrays: Arrays) -> Transformation:
        return Identity()


@dataclass
class MapAxis(Transformation):
    """``mapAxis``: an axis permutation; output axis ``i`` takes input axis ``mapAxis[i]``.

    Examples
    --------
    >>> t = MapAxis([2, 0, 1])
    >>> t.apply([10.0, 20.0, 30.0]).tolist(), t.invert().to_dict()["mapAxis"]
    ([30.0, 10.0, 20.0], [1, 2, 0])
    """

    mapAxis: list[int]  # spec field name
    type = "mapAxis"
    _keys = ("mapAxis",)

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        return cls(r.indices("mapAxis") or [], **common)

    def _params(self) -> dict[str, Any]:
        return {"mapAxis": list(self.mapAxis)}

    def input_ndim(self) -> int:
        return len(self.mapAxis)

    def output_ndim(self, ndim_in: int | None) -> int:
        return len(self.mapAxis)

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray:
        _check_permutation(self)
        out = np.zeros((len(self.mapAxis) + 1, ndim_in + 1))
        out[np.arange(len(self.mapAxis)), self.mapAxis] = 1.0
        out[-1, -1] = 1.0
        return out

    def _inverse(self, arrays: Arrays) -> Transformation:
        _check_permutation(self)
        return MapAxis([int(i) for i in np.argsort(self.mapAxis)])


def _check_permutation(t: MapAxis) -> None:
    if sorted(t.mapAxis) != list(range(len(t.mapAxis))):
        raise NgffValueError(
            f"mapAxis: expected a permutation of 0..{len(t.mapAxis) - 1}, got {t.mapAxis}"
        )


@dataclass
class ProjectAxis(Transformation):
    """``projectAxis``: drop the input axes ``droppedInputs``, insert zeros at ``createdOutputs``.

    The output has ``n - len(droppedInputs) + len(createdOutputs)`` axes: those at the indices
    ``createdOutputs`` are zero, the others take the kept input coordinates in order.

    Examples
    --------
    >>> ProjectAxis(droppedInputs=[0], createdOutputs=[0]).apply([7.0, 1.0, 2.0]).tolist()
    [0.0, 1.0, 2.0]
    """

    droppedInputs: list[int] | None = None  # spec field name
    createdOutputs: list[int] | None = None  # spec field name
    type = "projectAxis"
    _keys = ("droppedInputs", "createdOutputs")

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        dropped = r.indices("droppedInputs", required=False)
        created = r.indices("createdOutputs", required=False)
        if dropped is None and created is None:
            raise r.error("droppedInputs", "droppedInputs or createdOutputs (or both)")
        return cls(dropped, created, **common)

    def _params(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.droppedInputs is not None:
            out["droppedInputs"] = list(self.droppedInputs)
        if self.createdOutputs is not None:
            out["createdOutputs"] = list(self.createdOutputs)
        return out

    def output_ndim(self, ndim_in: int | None) -> int | None:
        if ndim_in is None:
            return None
        return ndim_in - len(self.droppedInputs or []) + len(self.createdOutputs or [])

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray:
        dropped, created = set(self.droppedInputs or []), set(self.createdOutputs or [])
        ndim_out = ndim_in - len(dropped) + len(created)
        if any(i >= ndim_in for i in dropped) or any(j >= ndim_out for j in created):
            raise NgffValueError(
                f"projectAxis: expected droppedInputs below {ndim_in} and createdOutputs below "
                f"{ndim_out}, got {self.droppedInputs} and {self.createdOutputs}"
            )
        kept = [i for i in range(ndim_in) if i not in dropped]
        free = [j for j in range(ndim_out) if j not in created]
        out = np.zeros((ndim_out + 1, ndim_in + 1))
        out[free, kept] = 1.0
        out[-1, -1] = 1.0
        return out


@dataclass
class Translation(Transformation):
    """``translation``: add ``translation[i]`` to coordinate ``i``.

    Examples
    --------
    >>> Translation([9, -1.42]).apply([0.0, 0.0]).tolist()
    [9.0, -1.42]
    """

    translation: list[float]
    type = "translation"
    _keys = ("translation",)

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        return cls(r.numbers("translation"), **common)

    def _params(self) -> dict[str, Any]:
        return {"translation": list(self.translation)}

    def input_ndim(self) -> int:
        return len(self.translation)

    def output_ndim(self, ndim_in: int | None) -> int:
        return len(self.translation)

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray:
        _check_length(self, "translation", self.translation, ndim_in)
        return homogeneous(np.eye(ndim_in), self.translation)

    def _inverse(self, arrays: Arrays) -> Transformation:
        return Translation([-float(v) for v in self.translation])


@dataclass
class Scale(Transformation):
    """``scale``: multiply coordinate ``i`` by ``scale[i]``.

    Examples
    --------
    >>> Scale([2, 3.12]).apply([1.0, 1.0]).tolist()
    [2.0, 3.12]
    """

    scale: list[float]
    type = "scale"
    _keys = ("scale",)

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        return cls(r.numbers("scale"), **common)

    def _params(self) -> dict[str, Any]:
        return {"scale": list(self.scale)}

    def input_ndim(self) -> int:
        return len(self.scale)

    def output_ndim(self, ndim_in: int | None) -> int:
        return len(self.scale)

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray:
        _check_length(self, "scale", self.scale, ndim_in)
        return homogeneous(np.diag(np.asarray(self.scale, dtype=np.float64)))

    def _inverse(self, arrays: Arrays) -> Transformation:
        if any(v == 0 for v in self.scale):
            raise NgffValueError(f"scale: a zero factor has no inverse, got {self.scale}")
        return Scale([1.0 / float(v) for v in self.scale])


def _check_length(t: Transformation, key: str, values: list[float], ndim: int) -> None:
    if len(values) != ndim:
        raise NgffValueError(
            f"{key}: expected {ndim} values (one per input axis) in the {t.label}, "
            f"got {len(values)}"
        )
