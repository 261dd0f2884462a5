"""The 0.6 transformations built from others: ``sequence``, ``bijection`` and ``byDimension``.

Examples
--------
The specification's sequence example, ``x = (i + 0.1) * 2, y = (j + 0.9) * 3``:

>>> from ngff_zarr.v06.elementary import Scale, Translation
>>> seq = TransformSequence([Translation([0.1, 0.9]), Scale([2, 3])])
>>> seq.apply([0.0, 0.0]).round(6).tolist()
[0.2, 2.7]
>>> seq.invert().apply(seq.apply([1.0, 2.0])).round(6).tolist()
[1.0, 2.0]
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Self

import numpy as np

from ..errors import NgffValueError
from . import elementary, fields, matrices  # noqa: F401 - registers every nested type
from ._base import Arrays, FloatArray, Transformation
from ._parse import Reader

__all__ = ["Bijection", "ByDimension", "ByDimensionItem", "TransformSequence"]


def _nested(r: Reader, key: str) -> Transformation:
    doc = r.required(key, "a transformation object")
    return Transformation.from_dict(doc, path=r.path, field=r.at(key))


@dataclass
class TransformSequence(Transformation):
    """``sequence``: apply ``transformations`` in order (the first one first).

    Invertible when every member is. A sequence MUST NOT contain another sequence (a rule of
    :mod:`ngff_zarr.v06.rules`); :meth:`flattened` splices nested ones.

    Examples
    --------
    >>> from ngff_zarr.v06.elementary import MapAxis, Scale
    >>> TransformSequence([Scale([2.0, 3.0]), MapAxis([1, 0])]).apply([1.0, 1.0]).tolist()
    [3.0, 2.0]
    """

    transformations: list[Transformation]
    type = "sequence"
    _keys = ("transformations",)

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        members = [
            Transformation.from_dict(m.doc, path=r.path, field=m.field)
            for m in r.objects("transformations") or []
        ]
        return cls(members, **common)

    def _params(self) -> dict[str, Any]:
        return {"transformations": [t.to_dict() for t in self.transformations]}

    def flattened(self) -> TransformSequence:
        """The same sequence with nested sequences spliced in (members lose input/output).

        Examples
        --------
        >>> from ngff_zarr.v06.elementary import Scale
        >>> nested = TransformSequence([TransformSequence([Scale([2.0])]), Scale([3.0])])
        >>> [t.type for t in nested.flattened().transformations]
        ['scale', 'scale']
        """
        members: list[Transformation] = []
        for t in self.transformations:
            if isinstance(t, TransformSequence):
                members.extend(t.flattened().transformations)
            else:
                members.append(_bare(t))
        return TransformSequence(
            members, input=self.input, output=self.output, name=self.name, extra=dict(self.extra)
        )

    def input_ndim(self) -> int | None:
        return self.transformations[0].input_ndim() if self.transformations else None

    def output_ndim(self, ndim_in: int | None) -> int | None:
        for t in self.transformations:
            ndim_in = t.output_ndim(ndim_in)
        return ndim_in

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray | None:
        total = np.eye(ndim_in + 1)
        for t in self.transformations:
            m = t.affine_matrix(total.shape[0] - 1, arrays=arrays)
            if m is None:
                return None
            total = m @ total
        return total

    def _apply(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        for t in self.transformations:
            pts = t._run(pts, arrays)
        return pts

    def _inverse(self, arrays: Arrays) -> Transformation:
        return TransformSequence([t.invert(arrays=arrays) for t in reversed(self.transformations)])


def _bare(t: Transformation) -> Transformation:
    """``t`` without input/output (as a member of a sequence)."""
    return replace(t, input=None, output=None)


@dataclass
class Bijection(Transformation):
    """``bijection``: an explicit ``forward`` transformation and its ``inverse``.

    Examples
    --------
    >>> from ngff_zarr.v06.elementary import Translation
    >>> b = Bijection(Translation([1.0]), Translation([-1.0]))
    >>> b.apply([5.0]).tolist(), b.invert().apply([5.0]).tolist()
    ([6.0], [4.0])
    """

    forward: Transformation
    inverse: Transformation
    type = "bijection"
    _keys = ("forward", "inverse")

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        return cls(_nested(r, "forward"), _nested(r, "inverse"), **common)

    def _params(self) -> dict[str, Any]:
        return {"forward": self.forward.to_dict(), "inverse": self.inverse.to_dict()}

    def input_ndim(self) -> int | None:
        return self.forward.input_ndim()

    def output_ndim(self, ndim_in: int | None) -> int | None:
        return self.forward.output_ndim(ndim_in)

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray | None:
        return self.forward.affine_matrix(ndim_in, arrays=arrays)

    def _apply(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        return self.forward._run(pts, arrays)

    def _inverse(self, arrays: Arrays) -> Transformation:
        return Bijection(self.inverse, self.forward)


@dataclass
class ByDimensionItem:
    """One member of a ``byDimension``: a ``transformation`` of the input axes ``inputAxes``
    (indices into the parent's input system) giving the output axes ``outputAxes``.

    Examples
    --------
    >>> from ngff_zarr.v06.elementary import Scale
    >>> ByDimensionItem(Scale([2.0]), [0], [0]).to_dict()
    {'transformation': {'type': 'scale', 'scale': [2.0]}, 'inputAxes': [0], 'outputAxes': [0]}
    """

    transformation: Transformation
    inputAxes: list[int]  # spec field name
    outputAxes: list[int]  # spec field name
    extra: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def from_dict(
        cls, doc: object, *, path: str | None = None, field: str = "transformations[0]"
    ) -> ByDimensionItem:
        """Parse a byDimension member (InvalidMetadataError names a missing/mistyped field)."""
        r = Reader.of(doc, field, path)
        return cls(
            _nested(r, "transformation"),
            r.indices("inputAxes") or [],
            r.indices("outputAxes") or [],
            extra=r.extra(("transformation", "inputAxes", "outputAxes")),
        )

    def to_dict(self) -> dict[str, Any]:
        """The member as JSON."""
        return {
            "transformation": self.transformation.to_dict(),
            "inputAxes": list(self.inputAxes),
            "outputAxes": list(self.outputAxes),
            **self.extra,
        }


@dataclass
class ByDimension(Transformation):
    """``byDimension``: lower-dimensional transformations, each on some axes of the input.

    The output has ``max(outputAxes) + 1`` axes. An output axis that no member produces takes
    the input coordinate of the same index (the specification requires every output axis to be
    produced; :mod:`ngff_zarr.v06.rules` warns when one is not).

    Examples
    --------
    >>> from ngff_zarr.v06.elementary import Scale, Translation
    >>> t = ByDimension([ByDimensionItem(Translation([-1.0]), [1], [1]),
    ...                  ByDimensionItem(Scale([2.0]), [0], [0])])
    >>> t.apply([3.0, 3.0]).tolist(), t.invert().apply([6.0, 2.0]).tolist()
    ([6.0, 2.0], [3.0, 3.0])
    """

    transformations: list[ByDimensionItem]
    type = "byDimension"
    _keys = ("transformations",)

    @classmethod
    def _parse(cls, r: Reader, common: dict[str, Any]) -> Self:
        items = [
            ByDimensionItem.from_dict(m.doc, path=r.path, field=m.field)
            for m in r.objects("transformations") or []
        ]
        return cls(items, **common)

    def _params(self) -> dict[str, Any]:
        return {"transformations": [item.to_dict() for item in self.transformations]}

    def output_ndim(self, ndim_in: int | None) -> int | None:
        outputs = [a for item in self.transformations for a in item.outputAxes]
        return max(outputs) + 1 if outputs else ndim_in

    def _check_axes(self, ndim_in: int) -> int:
        ndim_out = self.output_ndim(ndim_in) or 0
        for k, item in enumerate(self.transformations):
            if any(a >= ndim_in for a in item.inputAxes):
                raise NgffValueError(
                    f"transformations[{k}].inputAxes: expected indices below {ndim_in} (the "
                    f"input dimensionality), got {item.inputAxes}"
                )
        return ndim_out

    def affine_matrix(self, ndim_in: int, *, arrays: Arrays | None = None) -> FloatArray | None:
        ndim_out = self._check_axes(ndim_in)
        out = np.zeros((ndim_out + 1, ndim_in + 1))
        for j in range(min(ndim_in, ndim_out)):  # unproduced axes pass through
            out[j, j] = 1.0
        out[-1, -1] = 1.0
        for item in self.transformations:
            m = item.transformation.affine_matrix(len(item.inputAxes), arrays=arrays)
            if m is None:
                return None
            rows = list(item.outputAxes)
            if m.shape[0] - 1 != len(rows):
                raise NgffValueError(
                    f"outputAxes: expected {m.shape[0] - 1} axes for the outputs of the "
                    f"{item.transformation.label}, got {rows}"
                )
            out[rows, :] = 0.0
            out[np.ix_(rows, list(item.inputAxes))] = m[:-1, :-1]
            out[rows, -1] = m[:-1, -1]
        return out

    def _apply(self, pts: FloatArray, arrays: Arrays) -> FloatArray:
        ndim_out = self._check_axes(pts.shape[1])
        out = np.zeros((pts.shape[0], ndim_out))
        shared = min(ndim_out, pts.shape[1])
        out[:, :shared] = pts[:, :shared]
        for item in self.transformations:
            result = item.transformation._run(pts[:, list(item.inputAxes)], arrays)
            if result.shape[1] != len(item.outputAxes):
                raise NgffValueError(
                    f"outputAxes: expected {result.shape[1]} axes for the outputs of the "
                    f"{item.transformation.label}, got {item.outputAxes}"
                )
            out[:, list(item.outputAxes)] = result
        return out

    def _inverse(self, arrays: Arrays) -> Transformation:
        inputs = [a for item in self.transformations for a in item.inputAxes]
        outputs = [a for item in self.transformations for a in item.outputAxes]
        if sorted(inputs) != list(range(len(inputs))) or sorted(outputs) != list(
            range(len(outputs))
        ):
            raise NgffValueError(
                f"{self.label}: has an inverse only when its members use every input axis and "
                f"produce every output axis exactly once, got inputAxes {inputs} and "
                f"outputAxes {outputs}"
            )
        return ByDimension(
            [
                ByDimensionItem(
                    item.transformation.invert(arrays=arrays), item.outputAxes, item.inputAxes
                )
                for item in self.transformations
            ]
        )
