"""Data-level checks of one multiscale's resolution levels against the arrays in the store.

Each level's array metadata is checked on its own (:mod:`.arrays`), then against the axes
(dimensions, 0.5 ``dimension_names``, integer labels) and against the level before it: levels
go from largest to smallest, and a level's shape agrees with the ratio of the scales (a level
that disagrees is read at a wrong place).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any, Final

from .._io.documents import parse_document
from ..errors import InvalidMetadataError
from ..vocab import READ_VERSIONS, zarr_format_of
from .arrays import array_problems
from .report import Finding
from .rules import Sink

__all__ = ["MAX_LEVELS", "LevelDoc", "check_levels", "parse_or_report"]

MAX_LEVELS: Final = 256  # more resolution levels than any reader handles (from_ngff_zarr's)
_INTEGER_V2: Final[frozenset[str]] = frozenset("iub")
_INTEGER_V3: Final[tuple[str, ...]] = ("int", "uint")

# (the dataset object, the store key of its array's metadata, that document's bytes)
LevelDoc = tuple[dict[str, Any], str, bytes | None]
_Level = tuple[list[int], list[float] | None, str]


def parse_or_report(raw: bytes | None, sink: Sink) -> dict[str, Any] | None:
    """The JSON object in ``raw`` (None when missing); a malformed one is reported (NGFF001)."""
    if raw is None:
        return None
    try:
        return parse_document(raw, sink.path)
    except InvalidMetadataError as exc:
        sink.error("NGFF001", str(exc).removeprefix(f"{sink.path}: "))
        return None


def check_levels(
    levels: Sequence[LevelDoc],
    *,
    index: int,
    names: list[str] | None,
    version: str,
    zarr_format: int,
    is_label: bool,
    findings: list[Finding],
) -> None:
    """Check the levels of ``multiscales[index]`` (their datasets and array documents)."""
    if len(levels) > MAX_LEVELS:
        Sink(levels[0][1], findings=findings).error(
            "NGFF307",
            f"multiscales[{index}] has {len(levels)} levels, more than the {MAX_LEVELS} a "
            "reader can open; not checked further",
        )
        return
    previous: _Level | None = None
    for j, (ds, key, raw) in enumerate(levels):
        sink = Sink(key, findings=findings)
        doc = parse_or_report(raw, sink)
        fld = f"multiscales[{index}].datasets[{j}].path"
        if doc is None or (zarr_format == 3 and doc.get("node_type") != "array"):
            if raw is None:
                sink.error("NGFF301", f"dataset {ds['path']!r} ({fld}): no array here")
            elif doc is not None:
                sink.error(
                    "NGFF301",
                    f"dataset {ds['path']!r}: expected an array, "
                    f"found node_type {doc.get('node_type')!r}",
                )
            continue
        problems = array_problems(doc, zarr_format)
        for problem_field, message in problems:
            sink.error("NGFF307", f"broken Zarr array metadata: {message}", problem_field)
        if any(f == "shape" for f, _ in problems):
            continue
        shape: list[int] = doc["shape"]
        if names is not None and len(shape) != len(names):
            sink.error(
                "NGFF302",
                f"expected {len(names)} dimensions (axes {names}), found shape {shape}",
            )
        if is_label:
            _check_integer(doc, zarr_format, sink)
        if version in READ_VERSIONS and zarr_format_of(version) == 3:
            dims = doc.get("dimension_names")
            if names is not None and dims != names:
                sink.error(
                    "NGFF306", f"expected dimension_names {names}, found {dims}", "dimension_names"
                )
        scale = _scale(ds)
        if previous is not None and len(previous[0]) == len(shape):
            _check_shrink(previous, (shape, scale, ds["path"]), names, sink)
        previous = (shape, scale, ds["path"])


def _check_integer(doc: dict[str, Any], zarr_format: int, sink: Sink) -> None:
    if zarr_format == 3:
        dtype = doc.get("data_type")
        ok = isinstance(dtype, str) and dtype.startswith(_INTEGER_V3)
    else:
        dtype = doc.get("dtype")
        ok = (
            isinstance(dtype, str) and len(dtype) > 1 and dtype[1] in _INTEGER_V2 and dtype != "|b1"
        )
    if not ok:
        sink.error("NGFF401", f"label images must hold integers, found data type {dtype!r}")


def _scale(ds: dict[str, Any]) -> list[float] | None:
    transforms = ds.get("coordinateTransformations")
    for t in transforms if isinstance(transforms, list) else []:
        if not isinstance(t, dict):
            continue
        values = t.get("scale")
        if t.get("type") == "scale" and isinstance(values, list):
            numbers = [
                float(v)
                for v in values
                if isinstance(v, int | float) and not isinstance(v, bool) and 0 < v < math.inf
            ]
            return numbers if len(numbers) == len(values) else None
    return None


def _check_shrink(prev: _Level, cur: _Level, names: list[str] | None, sink: Sink) -> None:
    (p_shape, p_scale, p_path), (shape, scale, path) = prev, cur
    labels = (
        names
        if names is not None and len(names) == len(shape)
        else [str(k) for k in range(len(shape))]
    )
    grown = [labels[k] for k in range(len(shape)) if shape[k] > p_shape[k]]
    if grown:
        sink.error(
            "NGFF303",
            f"level {path!r} {shape} is larger than the previous level {p_path!r} {p_shape} "
            f"along {grown}; levels must go from largest to smallest",
        )
        return
    if p_scale is None or scale is None or len(p_scale) != len(shape) or len(scale) != len(shape):
        return
    for k, name in enumerate(labels):
        expected = p_shape[k] * p_scale[k] / scale[k]
        if not abs(shape[k] - expected) <= 1.0:
            sink.error(
                "NGFF304",
                f"axis {name!r}: the scale goes from {p_scale[k]:g} to {scale[k]:g}, so about "
                f"{expected:.0f} elements were expected after {p_shape[k]}, found {shape[k]}; "
                "the level would be read at a wrong size or place",
            )
