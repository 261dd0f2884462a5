"""Property-based fuzzing of malformed stores: a typed error or a valid result, within seconds.

Valid stores (0.4 and 0.5 images with labels, a 0.5 plate) are written once; each example
copies one, breaks one of its metadata documents on disk (a value replaced, a key deleted, a
list entry repeated, the bytes truncated, replaced or nested deeply) and runs the reader, a
read of every small level, and the validator on it. Nothing may raise outside the package's
error hierarchy, and each example must finish within ``LIMIT`` seconds (finding 7).
"""

from __future__ import annotations

import json
import os
import shutil
import threading
import time
import traceback
import uuid
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

from ngff_zarr import (
    NgffWarning,
    NgffZarrError,
    Plate,
    from_hcs_zarr,
    from_ngff_zarr,
    to_hcs_zarr,
    to_multiscales,
    to_ngff_image,
    to_ngff_zarr,
    validate,
    write_hcs_well_image,
)

LIMIT = 30.0  # seconds per example, generous for a loaded CI machine; typical is ~0.1 s
SMALL = 4 * 2**20  # levels up to this many bytes are read too
# examples in all (CI); NGFF_ZARR_FUZZ_EXAMPLES=650 for the trial size. The seed is
# fixed (CI runs the same cases every time); NGFF_ZARR_FUZZ_SEED picks another search.
EXAMPLES = int(os.environ.get("NGFF_ZARR_FUZZ_EXAMPLES", "60"))
SEED = int(os.environ.get("NGFF_ZARR_FUZZ_SEED", "16"))
_DOCS = (".zattrs", ".zgroup", ".zarray", "zarr.json")
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
_VALUES = st.recursive(
    _SCALARS,
    lambda children: (
        st.lists(children, max_size=5)
        | st.dictionaries(st.sampled_from(_KEYS) | st.text(max_size=4), children, max_size=4)
    ),
    max_leaves=16,
)


def write_image(path: Path, version: str) -> None:
    data = np.arange(2 * 48 * 40, dtype="uint16").reshape(2, 48, 40)
    image = to_ngff_image(data, dims=("c", "y", "x"), scale={"y": 0.5, "x": 0.5})
    ms = to_multiscales(image, scale_factors=[2, 4], chunks=16)
    to_ngff_zarr(path, ms, version=version, chunks_per_shard=2 if version == "0.5" else None)
    labels = to_multiscales(
        to_ngff_image(np.zeros((48, 40), dtype="uint8"), scale={"y": 0.5, "x": 0.5}),
        scale_factors=[2, 4],
        chunks=16,
    )
    label_path = path / "labels" / "cells"
    to_ngff_zarr(label_path, labels, version=version)
    if version == "0.5":
        doc = json.loads((label_path / "zarr.json").read_text())
        doc["attributes"]["ome"]["image-label"] = {"colors": [{"label-value": 1, "rgba": [1] * 4}]}
        (label_path / "zarr.json").write_text(json.dumps(doc))
        (path / "labels" / "zarr.json").write_text(json.dumps({
            "zarr_format": 3, "node_type": "group",
            "attributes": {"ome": {"version": "0.5", "labels": ["cells"]}},
        }))  # fmt: skip
    else:
        doc = json.loads((label_path / ".zattrs").read_text())
        doc["image-label"] = {"version": "0.4", "colors": [{"label-value": 1, "rgba": [1] * 4}]}
        (label_path / ".zattrs").write_text(json.dumps(doc))
        (path / "labels" / ".zgroup").write_text('{"zarr_format": 2}')
        (path / "labels" / ".zattrs").write_text('{"labels": ["cells"]}')


def write_plate(path: Path) -> None:
    plate = Plate.from_names(["A", "B"], ["1", "2"], wells=["A/1", "B/2"], name="p")
    to_hcs_zarr(plate, path, version="0.5")
    field = to_multiscales(to_ngff_image(np.ones((24, 24), "uint8")), scale_factors=[2])
    for row, column in (("A", "1"), ("B", "2")):
        write_hcs_well_image(path, field, row=row, column=column, field_index=0, plate=plate)


@pytest.fixture(scope="module")
def stores(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    base = tmp_path_factory.mktemp("fuzz-bases")
    out = {"image-0.4": base / "i4.zarr", "image-0.5": base / "i5.zarr", "plate": base / "p.zarr"}
    write_image(out["image-0.4"], "0.4")
    write_image(out["image-0.5"], "0.5")
    write_plate(out["plate"])
    for path in out.values():
        assert validate(path).valid, validate(path)
    return out


def _documents(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.name in _DOCS)


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


def _mutate_json(doc: Any, data: st.DataObject) -> Any:
    paths = _json_paths(doc)
    where = data.draw(st.sampled_from(paths), label="path")
    action = data.draw(st.sampled_from(["replace", "delete", "repeat", "wrap"]), label="action")
    if not where:
        return data.draw(_VALUES, label="document") if action == "replace" else doc
    parent = doc
    for key in where[:-1]:
        parent = parent[key]
    last = where[-1]
    if action == "replace":
        parent[last] = data.draw(_VALUES, label="value")
    elif action == "delete":
        del parent[last]
    elif action == "repeat" and isinstance(parent[last], list):
        parent[last] = parent[last] * data.draw(st.sampled_from([2, 300]), label="times")
    else:
        parent[last] = [parent[last]]
    return doc


def _mutate_bytes(raw: bytes, data: st.DataObject) -> bytes | None:
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


def _within(limit: float, work: Callable[[], None]) -> None:
    """Run ``work``; only the package's errors may escape it; a hang or overrun fails."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as exc:  # judged below, in the test's thread
            outcome.append(exc)

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NgffWarning)  # readable but not compliant: fine
        thread = threading.Thread(target=run, daemon=True)
        thread.start()
        thread.join(limit)
    assert outcome, f"did not finish within {limit} s"
    elapsed = time.perf_counter() - started
    assert elapsed < limit, f"took {elapsed:.1f} s"
    error = outcome[0]
    if error is not None and not isinstance(error, NgffZarrError):
        frames = traceback.extract_tb(error.__traceback__)
        where = "; ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames[-4:])
        raise AssertionError(f"untyped {type(error).__name__}: {error} (at {where})") from error


def read_image(path: Path) -> None:
    for image in from_ngff_zarr(path).images:
        if image.data.nbytes <= SMALL:
            image.data.compute()


def read_plate(path: Path) -> None:
    plate = from_hcs_zarr(path)
    for well in plate.load_wells():
        for index in range(len(well)):
            for image in well.get_image(index).images:
                if image.data.nbytes <= SMALL:
                    image.data.compute()


def validate_store(path: Path) -> None:
    report = validate(path)
    assert report.findings or report.valid  # a report, whatever it says


@seed(SEED)
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data(), kind=st.sampled_from(["image-0.4", "image-0.5", "plate"]))
def test_malformed_stores_give_typed_errors_or_valid_results_in_bounded_time(
    stores: dict[str, Path], tmp_path_factory: pytest.TempPathFactory, data: Any, kind: str
) -> None:
    target = tmp_path_factory.getbasetemp() / f"fuzz-{uuid.uuid4().hex[:8]}"
    shutil.copytree(stores[kind], target)
    try:
        mutate_store(target, data)
        read = read_plate if kind == "plate" else read_image
        _within(LIMIT, lambda: read(target))
        _within(LIMIT, lambda: validate_store(target))
    finally:
        shutil.rmtree(target, ignore_errors=True)


def mutate_store(target: Path, data: Any) -> None:
    """Break one to three metadata documents of the store at ``target`` (drawn from ``data``)."""
    for _ in range(data.draw(st.integers(1, 3), label="mutations")):
        documents = _documents(target)
        if not documents:
            break
        document = data.draw(st.sampled_from(documents), label="document")
        raw = document.read_bytes()
        try:
            parsed = json.loads(raw)
        except (ValueError, RecursionError):
            parsed = None  # broken by an earlier mutation
        if parsed is not None and data.draw(st.booleans(), label="as JSON"):
            mutated: bytes | None = json.dumps(_mutate_json(parsed, data)).encode()
        else:
            mutated = _mutate_bytes(raw, data)
        if mutated is None:
            document.unlink()
        else:
            document.write_bytes(mutated)
