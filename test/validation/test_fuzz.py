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
from _mutations import mutate_bytes, mutate_document
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
        doc = json.loads((label_path / "zarr.json").read_text(encoding="utf-8"))
        doc["attributes"]["ome"]["image-label"] = {"colors": [{"label-value": 1, "rgba": [1] * 4}]}
        (label_path / "zarr.json").write_text(json.dumps(doc))
        (path / "labels" / "zarr.json").write_text(json.dumps({
            "zarr_format": 3, "node_type": "group",
            "attributes": {"ome": {"version": "0.5", "labels": ["cells"]}},
        }))  # fmt: skip
    else:
        doc = json.loads((label_path / ".zattrs").read_text(encoding="utf-8"))
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
            mutated: bytes | None = json.dumps(mutate_document(parsed, data)).encode()
        else:
            mutated = mutate_bytes(raw, data)
        if mutated is None:
            document.unlink()
        else:
            document.write_bytes(mutated)
