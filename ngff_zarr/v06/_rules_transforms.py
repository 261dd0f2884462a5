"""Rules for one 0.6 transformation: its parameters against the dimensionality of its systems.

"Parameter values MUST be compatible with input and output space dimensionality": a checker per
transformation type (a registry by class, not a ladder of type names) compares the parameters with
``ndim_in``/``ndim_out`` (None when unknown) and recurses into members, whose dimensionalities
follow from their parent. Used by :mod:`ngff_zarr.v06.rules`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np

from ._base import Transformation
from .composite import Bijection, ByDimension, TransformSequence
from .elementary import Identity, MapAxis, ProjectAxis, Scale, Translation
from .fields import Coordinates, Displacements
from .matrices import Affine, Rotation

__all__ = ["Report", "RuleFinding", "check_transformation"]

Severity = Literal["error", "warning"]
_ROTATION_TOLERANCE: Final = 1e-5


@dataclass(frozen=True, slots=True, kw_only=True)
class RuleFinding:
    """One finding: a stable ``code``, a ``message``, the dotted ``field`` and a ``severity``."""

    code: str
    message: str
    field: str | None
    severity: Severity

    def __str__(self) -> str:
        return f"{self.severity} {self.code} {self.field}: {self.message}"


@dataclass(slots=True)
class Report:
    """Collects findings; ``shapes`` are the array shapes the caller knows (path -> shape)."""

    shapes: Mapping[str, Sequence[int]] | None = None
    findings: list[RuleFinding] = field(default_factory=list)

    def error(self, code: str, message: str, fld: str | None) -> None:
        self.findings.append(RuleFinding(code=code, message=message, field=fld, severity="error"))

    def warn(self, code: str, message: str, fld: str | None) -> None:
        self.findings.append(RuleFinding(code=code, message=message, field=fld, severity="warning"))


@dataclass(frozen=True, slots=True, kw_only=True)
class _At:
    """Where the transformation being checked is, and what surrounds it."""

    report: Report
    field: str
    in_sequence: bool = False

    def mismatch(self, key: str, what: str, expected: int, got: int) -> None:
        self.report.error(
            "NGFF805", f"expected {expected} {what}, found {got}", f"{self.field}.{key}"
        )


def check_transformation(
    t: Transformation, ndim_in: int | None, ndim_out: int | None, report: Report, fld: str
) -> None:
    """Check ``t`` (and its members) against input/output dimensionalities, into ``report``."""
    _check(t, ndim_in, ndim_out, _At(report=report, field=fld))


def _check(t: Transformation, n_in: int | None, n_out: int | None, at: _At) -> None:
    for cls in type(t).__mro__:
        checker = _CHECKERS.get(cls)
        if checker is not None:
            checker(t, n_in, n_out, at)
            return


def _same_dims(t: Transformation, n_in: int | None, n_out: int | None, at: _At) -> None:
    if n_in is not None and n_out is not None and n_in != n_out:
        at.report.error(
            "NGFF815",
            f"expected input and output systems of equal dimensionality for the {t.label}, "
            f"found {n_in} and {n_out} axes",
            at.field,
        )


def _vector(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    key = t.type
    values = getattr(t, key)
    for n, side in ((n_in, "input"), (n_out, "output")):
        if n is not None and len(values) != n:
            at.mismatch(key, f"values (one per {side} axis)", n, len(values))
            return


def _map_axis(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    _vector(t, n_in, n_out, at)
    n = len(t.mapAxis) if n_in is None else n_in
    wrong = [i for i in t.mapAxis if i >= n]
    if wrong or len(set(t.mapAxis)) != len(t.mapAxis):
        at.report.error(
            "NGFF809",
            f"expected each input axis index 0..{n - 1} exactly once, found {t.mapAxis}",
            f"{at.field}.mapAxis",
        )


def _project_axis(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    for key, n, side in (("droppedInputs", n_in, "input"), ("createdOutputs", n_out, "output")):
        values = getattr(t, key) or []
        if n is not None and any(i >= n for i in values):
            at.report.error(
                "NGFF809",
                f"expected indices of the {n} {side} axes (0..{n - 1}), found {values}",
                f"{at.field}.{key}",
            )
    implied = t.output_ndim(n_in)
    if implied is not None and n_out is not None and implied != n_out:
        at.report.error(
            "NGFF805",
            f"expected {n_out} output axes, found {implied} ({n_in} inputs - "
            f"{len(t.droppedInputs or [])} dropped + {len(t.createdOutputs or [])} created)",
            at.field,
        )


def _affine(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    _matrix_shape(t, "affine", n_out, None if n_in is None else n_in + 1, at)


def _rotation(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    _same_dims(t, n_in, n_out, at)
    n = n_in if n_in is not None else n_out
    if _matrix_shape(t, "rotation", n, n, at) and t.rotation is not None:
        _orthonormal(t.rotation, at)


def _matrix_shape(t: Any, key: str, rows: int | None, cols: int | None, at: _At) -> bool:
    """Check the matrix (inline, or stored when the caller knows its shape); True if it fits."""
    inline = getattr(t, key)
    if inline is None:
        _stored(at, key, t.path, (rows, cols), "the matrix")
        return True
    lengths = sorted({len(row) for row in inline})
    if len(lengths) != 1:
        at.report.error(
            "NGFF812",
            f"expected rows of equal length, found lengths {lengths}",
            f"{at.field}.{key}",
        )
        return False
    if rows is not None and len(inline) != rows:
        at.mismatch(key, "rows (one per output axis)", rows, len(inline))
        return False
    if cols is not None and lengths[0] != cols:
        at.mismatch(key, "columns", cols, lengths[0])
        return False
    return True


def _orthonormal(rows: list[list[float]], at: _At) -> None:
    m = np.asarray(rows, dtype=np.float64)
    if m.shape[0] != m.shape[1]:
        at.mismatch("rotation", "columns (a square matrix)", m.shape[0], m.shape[1])
        return
    eye = np.eye(m.shape[0])
    det = float(np.linalg.det(m))
    if (
        not np.allclose(m @ m.T, eye, atol=_ROTATION_TOLERANCE)
        or abs(det - 1) > _ROTATION_TOLERANCE
    ):
        at.report.error(
            "NGFF811",
            f"expected an orthonormal matrix of determinant 1, found determinant {det:.6g}",
            f"{at.field}.rotation",
        )


def _stored(at: _At, key: str, path: str, shape: tuple[int | None, ...], what: str) -> None:
    """Compare the shape of the array at ``path`` (when the caller knows it) with ``shape``."""
    shapes = at.report.shapes
    if shapes is None or path not in shapes:
        return
    found = tuple(shapes[path])
    if len(found) != len(shape) or any(
        e is not None and e != f for e, f in zip(shape, found, strict=True)
    ):
        expected = "x".join("N" if e is None else str(e) for e in shape)
        at.report.error(
            "NGFF817",
            f"expected {what} at {path!r} of shape {expected}, found {'x'.join(map(str, found))}",
            f"{at.field}.path",
        )


def _sequence(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    if at.in_sequence:
        at.report.error(
            "NGFF807", "expected no sequence inside a sequence, found one", f"{at.field}.type"
        )
    current = n_in
    last = len(t.transformations) - 1
    for k, member in enumerate(t.transformations):
        out = n_out if k == last else member.output_ndim(current)
        where = _At(report=at.report, field=f"{at.field}.transformations[{k}]", in_sequence=True)
        _check(member, current, out, where)
        current = out


def _bijection(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    _same_dims(t, n_in, n_out, at)
    _check(t.forward, n_in, n_out, _At(report=at.report, field=f"{at.field}.forward"))
    _check(t.inverse, n_out, n_in, _At(report=at.report, field=f"{at.field}.inverse"))


def _by_dimension(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    produced: Counter[int] = Counter()
    for k, item in enumerate(t.transformations):
        fld = f"{at.field}.transformations[{k}]"
        for key, n, side in (("inputAxes", n_in, "input"), ("outputAxes", n_out, "output")):
            axes = getattr(item, key)
            if n is not None and any(a >= n for a in axes):
                at.report.error(
                    "NGFF809",
                    f"expected indices of the {n} {side} axes (0..{n - 1}), found {axes}",
                    f"{fld}.{key}",
                )
        produced.update(item.outputAxes)
        sub = _At(report=at.report, field=f"{fld}.transformation")
        _check(item.transformation, len(item.inputAxes), len(item.outputAxes), sub)
    twice = sorted(a for a, count in produced.items() if count > 1)
    if twice:
        at.report.error(
            "NGFF809",
            f"expected each output axis from exactly one member, found axes {twice} from several",
            f"{at.field}.transformations",
        )
    if n_out is not None:
        missing = [a for a in range(n_out) if a not in produced]
        if missing:
            at.report.warn(
                "NGFF810",
                f"expected every output axis from a member, found none for axes {missing} "
                "(read as passed through from the input)",
                f"{at.field}.transformations",
            )


def _field(t: Any, n_in: int | None, n_out: int | None, at: _At) -> None:
    if isinstance(t, Displacements):
        _same_dims(t, n_in, n_out, at)
    if n_in is not None:  # one array axis per input axis, and the vector axis
        _stored(at, "path", t.path, (None,) * (n_in + 1), "the field")


def _nothing(t: Transformation, n_in: int | None, n_out: int | None, at: _At) -> None:
    """Identity: input and output of equal dimensionality."""
    _same_dims(t, n_in, n_out, at)


_CHECKERS: Final[dict[type, Callable[[Any, int | None, int | None, _At], None]]] = {
    Identity: _nothing,
    MapAxis: _map_axis,
    ProjectAxis: _project_axis,
    Translation: _vector,
    Scale: _vector,
    Affine: _affine,
    Rotation: _rotation,
    TransformSequence: _sequence,
    Bijection: _bijection,
    ByDimension: _by_dimension,
    Displacements: _field,
    Coordinates: _field,
}
