"""Reads that were silently wrong, hung or crashed untyped on malformed stores (issue 16, 3 and 8).

Each store is written correctly, then one metadata document is broken on disk the way a buggy
writer or a damaged copy would break it.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ngff_zarr import (
    InvalidMetadataError,
    MetadataNotFoundError,
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


def _store(tmp_path: Path, version: str, dims: str = "yx") -> Path:
    path = tmp_path / "img.zarr"
    shape = {"c": 2, "z": 4, "y": 32, "x": 32}
    data = np.ones(tuple(shape[d] for d in dims), dtype="uint8")
    image = to_ngff_image(data, dims=tuple(dims), scale={"y": 0.5, "x": 0.25})
    to_ngff_zarr(path, to_multiscales(image, scale_factors=[2], chunks=16), version=version)
    return path


def _edit(path: Path, change: Any) -> None:
    doc = json.loads(path.read_text(encoding="utf-8"))
    change(doc)
    path.write_text(json.dumps(doc), encoding="utf-8")


def _image_doc(path: Path, version: str) -> Path:
    return path / ("zarr.json" if version == "0.5" else ".zattrs")


def _multiscale(doc: dict[str, Any]) -> dict[str, Any]:
    ms: dict[str, Any] = (doc["attributes"]["ome"] if "attributes" in doc else doc)["multiscales"][
        0
    ]
    return ms


def _in_time(work: Any, seconds: float = 60.0) -> BaseException | None:
    """Run ``work`` in a thread: the exception it raised (None: it returned); fails on a hang."""
    outcome: list[BaseException | None] = []

    def run() -> None:
        try:
            work()
            outcome.append(None)
        except BaseException as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(seconds)
    assert outcome, f"did not finish within {seconds} s"
    return outcome[0]


VERSIONS = pytest.mark.parametrize("version", ["0.4", "0.5"])


# --- finding 3: a 0 in a chunk or shard shape -----------------------------------------------


@VERSIONS
@pytest.mark.parametrize("chunks", [[16, 0], [0, 16], [-4, 16]])
def test_zero_or_negative_chunk_size_is_an_error_not_a_hang(
    tmp_path: Path, version: str, chunks: list[int]
) -> None:
    path = _store(tmp_path, version)
    key = "zarr.json" if version == "0.5" else ".zarray"

    def broken(doc: dict[str, Any]) -> None:
        if version == "0.5":
            doc["chunk_grid"]["configuration"]["chunk_shape"] = chunks
        else:
            doc["chunks"] = chunks

    _edit(path / "scale0" / "image" / key, broken)
    error = _in_time(lambda: from_ngff_zarr(path).images[0].data.compute())
    assert isinstance(error, InvalidMetadataError), error
    assert "expected sizes >= 1" in str(error) and f"scale0/image/{key}" in str(error)
    report = validate(path)
    assert "NGFF307" in {f.code for f in report.errors}


def test_zero_inner_chunk_of_a_shard_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "img.zarr"
    image = to_ngff_image(np.ones((32, 32), dtype="uint8"))
    to_ngff_zarr(
        path, to_multiscales(image, scale_factors=[2], chunks=8), version="0.5", chunks_per_shard=2
    )

    def broken(doc: dict[str, Any]) -> None:
        doc["codecs"][0]["configuration"]["chunk_shape"] = [0, 8]

    _edit(path / "scale0" / "image" / "zarr.json", broken)
    error = _in_time(lambda: from_ngff_zarr(path))
    assert isinstance(error, InvalidMetadataError), error
    assert "sharding_indexed.chunk_shape" in str(error)
    assert "NGFF307" in validate(path).codes


@VERSIONS
def test_fill_value_the_data_type_cannot_hold_is_an_error(tmp_path: Path, version: str) -> None:
    path = _store(tmp_path, version)
    key = "zarr.json" if version == "0.5" else ".zarray"
    _edit(path / "scale1" / "image" / key, lambda doc: doc.update(fill_value=300))  # uint8
    error = _in_time(lambda: from_ngff_zarr(path))
    assert isinstance(error, InvalidMetadataError) and "fill_value" in str(error), error
    assert "NGFF307" in validate(path).codes


# --- finding 8: reads that were silently wrong --------------------------------------------


@VERSIONS
def test_forbidden_axis_order_is_an_error_not_permuted_scales(tmp_path: Path, version: str) -> None:
    path = _store(tmp_path, version, dims="cyx")

    def channel_last(doc: dict[str, Any]) -> None:
        ms = _multiscale(doc)
        ms["axes"] = [ms["axes"][1], ms["axes"][2], ms["axes"][0]]  # y, x, c: space before channel

    _edit(_image_doc(path, version), channel_last)
    with pytest.raises(InvalidMetadataError, match="expected time, then channel"):
        from_ngff_zarr(path)
    assert "NGFF103" in validate(path).codes


@VERSIONS
@pytest.mark.parametrize("bad", [0.0, -1.0, 1e400])
def test_scale_zero_negative_or_infinite_is_an_error(
    tmp_path: Path, version: str, bad: float
) -> None:
    path = _store(tmp_path, version)

    def broken(doc: dict[str, Any]) -> None:
        _multiscale(doc)["datasets"][1]["coordinateTransformations"][0]["scale"][1] = bad

    _edit(_image_doc(path, version), broken)
    with pytest.raises(InvalidMetadataError, match="finite"):
        from_ngff_zarr(path)
    assert "NGFF205" in {f.code for f in validate(path).errors}


def test_zarr_v2_store_stating_version_0_5_is_an_error(tmp_path: Path) -> None:
    path = _store(tmp_path, "0.4")
    _edit(path / ".zattrs", lambda doc: doc["multiscales"][0].update(version="0.5"))
    with pytest.raises(InvalidMetadataError, match="stored in Zarr v3"):
        from_ngff_zarr(path)
    assert "NGFF006" in validate(path).codes


def test_zarr_v3_store_with_0_4_metadata_is_an_error(tmp_path: Path) -> None:
    path = _store(tmp_path, "0.5")

    def as_04(doc: dict[str, Any]) -> None:
        ome = doc["attributes"].pop("ome")
        ome["multiscales"][0]["version"] = "0.4"
        doc["attributes"]["multiscales"] = ome["multiscales"]

    _edit(path / "zarr.json", as_04)
    with pytest.raises(InvalidMetadataError, match="stored in Zarr v2"):
        from_ngff_zarr(path)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_a_well_the_plate_lists_but_that_is_missing_is_an_error(
    tmp_path: Path, version: str
) -> None:
    path = tmp_path / "plate.zarr"
    to_hcs_zarr(Plate.from_names(["A"], ["1", "2"]), path, version=version)  # type: ignore[arg-type]
    field = to_multiscales(to_ngff_image(np.ones((16, 16), "uint8")), scale_factors=[2])
    write_hcs_well_image(path, field, row="A", column="1", field_index=0)
    shutil.rmtree(path / "A" / "2")
    plate = from_hcs_zarr(path)
    assert plate.get_well("A", "1").get_image(0).images[0].shape == (16, 16)
    with pytest.raises(MetadataNotFoundError, match="lists well A/2, but there is no well group"):
        plate.get_well("A", "2").images  # noqa: B018
    with pytest.raises(MetadataNotFoundError, match="no well group"):
        from_hcs_zarr(path).load_wells()
    empty = tmp_path / "empty.zarr"  # an empty well (no fields yet) is not missing
    to_hcs_zarr(Plate.from_names(["A"], ["1"]), empty, version=version)  # type: ignore[arg-type]
    assert from_hcs_zarr(empty).get_well("A", "1").images == []


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_a_field_the_well_lists_but_that_is_missing_is_a_typed_error(
    tmp_path: Path, version: str
) -> None:
    path = tmp_path / "plate.zarr"
    to_hcs_zarr(Plate.from_names(["A"], ["1"]), path, version=version)  # type: ignore[arg-type]
    field = to_multiscales(to_ngff_image(np.ones((16, 16), "uint8")), scale_factors=[2])
    write_hcs_well_image(path, field, row="A", column="1", field_index=0)
    shutil.rmtree(path / "A" / "1" / "0")
    with pytest.raises(MetadataNotFoundError, match="lists this field, but there is no image"):
        from_hcs_zarr(path).get_well("A", "1").get_image(0)


# --- finding 9: validator gaps ------------------------------------------------------------


@VERSIONS
def test_level_shape_that_disagrees_with_its_scale_is_an_error(
    tmp_path: Path, version: str
) -> None:
    path = _store(tmp_path, version)

    def wrong_ratio(doc: dict[str, Any]) -> None:
        _multiscale(doc)["datasets"][1]["coordinateTransformations"][0]["scale"] = [4.0, 2.0]

    _edit(_image_doc(path, version), wrong_ratio)  # level 1 is 16 x 16: the ratio says 8 x 8
    report = validate(path)
    assert "NGFF304" in {f.code for f in report.errors}


@VERSIONS
def test_labels_with_fewer_levels_than_their_image_are_an_error(
    tmp_path: Path, version: str
) -> None:
    path = _store(tmp_path, version)
    labels = path / "labels"
    label = to_ngff_image(np.zeros((32, 32), dtype="uint8"), scale={"y": 0.5, "x": 0.25})
    to_ngff_zarr(labels / "cells", to_multiscales(label, scale_factors=[]), version=version)
    label_doc = _image_doc(labels / "cells", version)
    if version == "0.5":
        _edit(label_doc, lambda d: d["attributes"]["ome"].update({"image-label": {}}))
        (labels / "zarr.json").write_text(json.dumps({
            "zarr_format": 3, "node_type": "group",
            "attributes": {"ome": {"version": "0.5", "labels": ["cells"]}},
        }))  # fmt: skip
    else:
        _edit(label_doc, lambda d: d.update({"image-label": {"version": "0.4"}}))
        (labels / ".zgroup").write_text('{"zarr_format": 2}')
        (labels / ".zattrs").write_text(json.dumps({"labels": ["cells"]}))
    report = validate(path)
    assert [f.code for f in report.errors] == ["NGFF406"], report
    assert "1 resolution levels, its image 2" in report.errors[0].message
