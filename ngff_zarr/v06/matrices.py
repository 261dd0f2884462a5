"""The 0.6 matrix transformations: ``affine`` and ``rotation``.

A matrix is stored inline (a list of rows) or in a Zarr array at ``path``; for the latter, pass
the loaded array in ``arrays={path: array}``. Matrices multiply column vectors whose first entry
is the coordinate of the first axis. An affine from ``N`` to ``M`` dimensions is the upper
``M x (N + 1)`` part of its homogeneous matrix.

Examples
--------
>>> Affine([[1, 2, 3], [4, 5, 6]]).apply([1.0, 1.0]).tolist()
[6.0, 15.0]
>>> Rotation([[0, -1], [1, 0]]).invert().to_dict()["rotation"]
[[0.0, 1.0], [-1.0, 0.0]]
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Self

import numpy as np

from ..errors import NgffValueError
from ._base import Arrays, FloatArray, Transformation, homogeneous
from ._parse import Reader

__all__ = ["Affine", "Rotation"]


@dataclass
class _Matrix(Transformation):
    """A transformation given by a matrix, inline or in the array at ``path`` (exactly one)."""

    _key = ""  # the JSON member of the inline matrix

    def __post_init__(self) -> None:
        if (self._inline() is None) == (self._stored_at() is None):
            raise NgffValueError(
                f"{self.type}: expected an inline matrix or a path to its array (exactly one)"
            )

    def _inline(self) -> list[list[float]] | None:
        inline: list[list[float]] | None = getattr(self, self._key)
        return inline

    def _stored_at(self) -> str | None:
        path: str | None = getattr(self, "path", None)  # each subclass declares it
        return path

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        has_inline, has_path = cls._key in r.doc, "path" in r.doc
        if has_inline == has_path:
            raise r.error(cls._key, f"an inline {cls._key!r} matrix or a 'path' (exactly one)")
        members: dict[str, Any] = (
            {cls._key: r.matrix(cls._key)} if has_inline else {"path": r.string("path")}
        )
        return cls(**members, **common)

    def _params(self) -> dict[str, Any]:
        inline = self._inline()
        if inline is not None:
            return {self._key: [list(row) for row in inline]}
        return {"path": self._stored_at()}

    def matrix(self, arrays: Arrays | None = None) -> FloatArray:
        """The matrix as a 2D float array (loaded from ``arrays[path]`` when stored in an array).

        Raises
        ------
        NgffValueError
            When the matrix is stored at a path that ``arrays`` lacks, or its rows differ in length.
        """
        inline = self._inline()
        if inline is None:
            path = self._stored_at() or ""
            if arrays is None or path not in arrays:
                raise NgffValueError(
                    f"arrays: the {self.label} stores its matrix in the array {path!r}; "
                    f"pass it loaded: arrays={{{path!r}: matrix}}"
                )
            value = np.asarray(arrays[path], dtype=np.float64)
        else:
            if len({len(row) for row in inline}) != 1:
                raise NgffValueError(
                    f"{self._key}: expected rows of equal length, got lengths "
                    f"{[len(row) for row in inline]}"
                )
            value = np.asarray(inline, dtype=np.float64)
        if value.ndim != 2:
            raise NgffValueError(f"{self._key}: expected a 2D matrix, got shape {value.shape}")
        return value


@dataclass
class Affine(_Matrix):
    """``affine``: ``x -> A @ x + b`` given as the ``M x (N + 1)`` matrix ``[A | b]``.

    Examples
    --------
    >>> t = Affine([[2, 0, 1], [0, 4, 0]])
    >>> t.invert().apply(t.apply([1.0, 1.0])).tolist()
    [1.0, 1.0]
    """

    affine: list[list[float]] | None = None
    path: str | None = None
    type = "affine"
    _keys = ("affine", "path")
    _key = "affine"

    def input_ndim(self) -> int | None:
        return None if self.affine is None else len(self.affine[0]) - 1

    def output_ndim(self, ndim_in: int | None) -> int | None:
        return None if self.affine is None else len(self.affine)

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray:
        m = self.matrix(arrays)
        if m.shape[1] != ndim_in + 1:
            raise NgffValueError(
                f"affine: expected {ndim_in + 1} columns ({ndim_in} inputs + 1) in the "
                f"{self.label}, got {m.shape[1]}"
            )
        return homogeneous(m[:, :-1], m[:, -1])

    def _inverse(self, arrays: Arrays) -> Transformation:
        m = self.matrix(arrays)
        if m.shape[0] + 1 != m.shape[1]:
            raise NgffValueError(
                f"{self.label}: only a square affine ({m.shape[0]} outputs from {m.shape[0]} "
                f"inputs) has an inverse, got {m.shape[0]} outputs from {m.shape[1] - 1} inputs"
            )
        try:
            inv = np.linalg.inv(homogeneous(m[:, :-1], m[:, -1]))
        except np.linalg.LinAlgError as exc:
            raise NgffValueError(f"{self.label}: the matrix is singular, no inverse") from exc
        return Affine(inv[:-1].tolist())


@dataclass
class Rotation(_Matrix):
    """``rotation``: ``x -> R @ x`` for an ``N x N`` orthonormal matrix ``R`` of determinant 1.

    Examples
    --------
    >>> Rotation([[0, -1], [1, 0]]).apply([1.0, 0.0]).tolist()
    [0.0, 1.0]
    """

    rotation: list[list[float]] | None = None
    path: str | None = None
    type = "rotation"
    _keys = ("rotation", "path")
    _key = "rotation"

    def input_ndim(self) -> int | None:
        return None if self.rotation is None else len(self.rotation)

    def output_ndim(self, ndim_in: int | None) -> int | None:
        return ndim_in if self.rotation is None else len(self.rotation)

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray:
        m = self.matrix(arrays)
        if m.shape != (ndim_in, ndim_in):
            raise NgffValueError(
                f"rotation: expected a {ndim_in}x{ndim_in} matrix (one row and column per "
                f"input axis) in the {self.label}, got {m.shape[0]}x{m.shape[1]}"
            )
        return homogeneous(m)

    def _inverse(self, arrays: Arrays) -> Transformation:
        return Rotation(self.matrix(arrays).T.tolist())
