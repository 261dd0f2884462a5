"""Checks of a Zarr array's metadata document that reading it relies on (shared by the reader).

A chunk or shard size of 0 makes a read loop forever, a negative one makes it fail deep inside
zarr, a fill value that the data type cannot hold fails on the first missing chunk; none of
these is a JSON Schema matter of OME-NGFF, and zarr-python opens such arrays without a word.
Every check here is a loop over the array's dimensions, whose count is bounded first.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import numpy as np

__all__ = ["MAX_DIMS", "array_problems", "chunk_shapes"]

MAX_DIMS: Final = 32  # zarr allows more, NumPy 64; OME-NGFF images have at most 5
_V3_TYPES: Final[dict[str, str]] = {
    "bool": "bool",
    **{f"int{n}": f"int{n}" for n in (8, 16, 32, 64)},
    **{f"uint{n}": f"uint{n}" for n in (8, 16, 32, 64)},
    **{f"float{n}": f"float{n}" for n in (16, 32, 64)},
    "complex64": "complex64",
    "complex128": "complex128",
}
_FLOAT_WORDS: Final = frozenset({"NaN", "Infinity", "-Infinity"})

Problem = tuple[str, str]  # (field, message)


def _ints(value: Any, *, minimum: int) -> bool:
    return isinstance(value, list) and all(
        isinstance(v, int) and not isinstance(v, bool) and minimum <= v < 2**63 for v in value
    )


def _describe(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


def chunk_shapes(doc: Mapping[str, Any], zarr_format: int) -> tuple[Any, Any]:
    """The (chunk shape, inner chunk shape of a shard or None) stated by an array document."""
    if zarr_format == 2:
        return doc.get("chunks"), None
    grid = doc.get("chunk_grid")
    config = grid.get("configuration") if isinstance(grid, Mapping) else None
    outer = config.get("chunk_shape") if isinstance(config, Mapping) else None
    inner = None
    codecs = doc.get("codecs")
    for codec in codecs if isinstance(codecs, list) else []:
        if isinstance(codec, Mapping) and codec.get("name") == "sharding_indexed":
            conf = codec.get("configuration")
            inner = conf.get("chunk_shape") if isinstance(conf, Mapping) else []
    return outer, inner


def array_problems(doc: Mapping[str, Any], zarr_format: int) -> list[Problem]:
    """Every problem of the array metadata ``doc`` (``.zarray`` or an array's ``zarr.json``)."""
    shape = doc.get("shape")
    if not isinstance(shape, list) or len(shape) > MAX_DIMS:
        return [("shape", f"expected a list of at most {MAX_DIMS} sizes, found {_describe(shape)}")]
    if not _ints(shape, minimum=0):
        return [("shape", f"expected integers >= 0, found {_describe(shape)}")]
    found: list[Problem] = []
    outer, inner = chunk_shapes(doc, zarr_format)
    chunk_field = "chunks" if zarr_format == 2 else "chunk_grid.configuration.chunk_shape"
    if zarr_format == 3:
        grid = doc.get("chunk_grid")
        if not isinstance(grid, Mapping) or grid.get("name") != "regular":
            name = grid.get("name") if isinstance(grid, Mapping) else grid
            found.append(("chunk_grid", f"expected the 'regular' chunk grid, found {name!r}"))
    for fld, chunks in ((chunk_field, outer), ("codecs.sharding_indexed.chunk_shape", inner)):
        if chunks is None and fld != chunk_field:
            continue
        if not (isinstance(chunks, list) and len(chunks) == len(shape)):
            expected = f"{len(shape)} sizes (one per dimension of shape {shape})"
            found.append((fld, f"expected {expected}, found {_describe(chunks)}"))
        elif not _ints(chunks, minimum=1):
            found.append((fld, f"expected sizes >= 1, found {_describe(chunks)}"))
    if not found and inner is not None and any(o % i for o, i in zip(outer, inner, strict=True)):
        message = f"expected inner chunks {inner} that divide the shard shape {outer}"
        found.append(("codecs.sharding_indexed.chunk_shape", message))
    dtype_field = "dtype" if zarr_format == 2 else "data_type"
    dtype = _dtype(doc.get(dtype_field), zarr_format)
    if dtype is None:
        message = f"expected a Zarr data type, found {_describe(doc.get(dtype_field))}"
        found.append((dtype_field, message))
    elif "fill_value" in doc or zarr_format == 3:
        problem = _fill_problem(doc.get("fill_value"), dtype, zarr_format)
        if problem is not None:
            found.append(("fill_value", problem))
    return found


def _dtype(value: Any, zarr_format: int) -> np.dtype[Any] | None:
    if zarr_format == 3:
        if isinstance(value, str) and value in _V3_TYPES:
            return np.dtype(_V3_TYPES[value])
        if isinstance(value, str) and value.startswith("r") and value[1:].isdigit():
            return np.dtype("V")  # raw bits: any fill of the right width, not checked here
        if isinstance(value, str | Mapping):  # extension data types: zarr-python decides
            return np.dtype("O")
        return None
    if not isinstance(value, str | list) or (isinstance(value, str) and len(value) > 64):
        return None
    try:
        return np.dtype(value) if isinstance(value, str) else np.dtype("V")
    except (TypeError, ValueError):
        return None


def _fill_problem(fill: Any, dtype: np.dtype[Any], zarr_format: int) -> str | None:
    """Why ``fill`` cannot be the fill value of ``dtype`` (None when it can)."""
    if fill is None:
        return None if zarr_format == 2 else f"expected a fill value of type {dtype}, found null"
    kind = dtype.kind
    if kind == "b":
        ok = isinstance(fill, bool) or (zarr_format == 2 and fill in (0, 1))
    elif kind in "iu":
        info = np.iinfo(dtype)
        if zarr_format == 2 and isinstance(fill, float) and fill.is_integer():
            fill = int(fill)  # some v2 writers store 0.0
        ok = isinstance(fill, int) and not isinstance(fill, bool) and info.min <= fill <= info.max
    elif kind == "f":
        ok = _float_ok(fill)
    elif kind == "c":
        ok = isinstance(fill, list) and len(fill) == 2 and all(_float_ok(v) for v in fill)
        ok = ok or (zarr_format == 2 and _float_ok(fill))
    else:
        return None
    return None if ok else f"expected a value a {dtype} array can hold, found {_describe(fill)}"


def _float_ok(value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return abs(value) < 2**1024  # beyond it, no float
    if isinstance(value, float):
        return True  # NaN and infinities too (Python's JSON reader accepts them)
    return isinstance(value, str) and (value in _FLOAT_WORDS or value.startswith("0x"))
