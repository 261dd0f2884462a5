"""Mutations of metadata documents for the fuzz tests (hypothesis strategies and draws).

Shared by ``test/validation/test_fuzz.py`` (malformed stores), ``test_schema_agreement.py``
(official schemas against ours) and ``benchmarks/fuzz_malformed.py``.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

__all__ = ["VALUES", "mutate_bytes", "mutate_document"]

_KEYS = [
    "multiscales", "ome", "version", "axes", "datasets", "path", "name", "type", "unit",
    "coordinateTransformations", "scale", "translation", "omero", "channels", "labels",
    "image-label", "colors", "label-value", "plate", "wells", "rows", "columns", "rowIndex",
    "columnIndex", "well", "images", "acquisition", "acquisitions", "shape", "chunks",
    "chunk_grid", "configuration", "chunk_shape", "codecs", "dtype", "data_type",
    "fill_value", "node_type", "zarr_format", "dimension_names", "attributes",
]  # fmt: skip
_WORDS = [
    "0.1", "0.3", "0.4", "0.5", "0.6", "space", "time", "channel", "custom", "x", "y", "z",
    "c", "t", "scale", "translation", "identity", "uint8", "int64", "float32", "bool", "|u1",
    "<f8", "group", "array", "regular", "sharding_indexed", "A", "1", "A/1", "0", "../..", "/",
]  # fmt: skip
_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.sampled_from([0, -1, 1, 2, 10**30, 2**63, -(2**63)]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=12),
    st.sampled_from(_WORDS),
)
VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=16,
)


def _json_paths(doc: Any) -> list[tuple[Any, ...]]:
    """Every path into ``doc`` (keys and indices), breadth first, at most 2000."""
    out: list[tuple[Any, ...]] = [()]
    queue: list[tuple[tuple[Any, ...], Any]] = [((), doc)]
    while queue and len(out) < 2000:
        path, value = queue.pop(0)
        children = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(
            value, list) else ()  # fmt: skip
        for key, child in children:
            out.append((*path, key))
            queue.append(((*path, key), child))
    return out


def mutate_document(doc: Any, data: st.DataObject) -> Any:
    paths = _json_paths(doc)
    where = data.draw(st.sampled_from(paths), label="path")
    action = data.draw(st.sampled_from(["replace", "delete", "repeat", "wrap"]), label="action")
    if not where:
        return data.draw(VALUES, label="document") if action == "replace" else doc
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    last = where[-1]
    if action == "replace":
        parent[last] = data.draw(VALUES, label="value")
    elif action == "delete":
        del parent[last]
    elif action == "repeat" and isinstance(parent[last], list):
        parent[last] = parent[last] * data.draw(st.sampled_from([2, 300]), label="times")
    else:
        parent[last] = [parent[last]]
    return doc


def mutate_bytes(raw: bytes, data: st.DataObject) -> bytes | None:
    action = data.draw(
        st.sampled_from(["truncate", "garbage", "deep", "double", "empty", "delete", "huge"]),
        label="bytes",
    )
    if action == "truncate":
        return raw[: data.draw(st.integers(0, max(0, len(raw) - 1)), label="at")]
    if action == "garbage":
        return data.draw(st.binary(max_size=64), label="garbage")
    if action == "deep":
        depth = data.draw(st.sampled_from([70, 3000, 200_000]), label="depth")
        return raw.replace(b"{", b'{"deep": ' + b"[" * depth + b"]" * depth + b",", 1)
    if action == "double":
        return raw + raw
    if action == "huge":  # a long list of numbers where the document has one
        return raw.replace(b"1", b"[" + b"1," * 300_000 + b"1]", 1)
    return b"" if action == "empty" else None
