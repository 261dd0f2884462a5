"""upgrade_ome_zarr: metadata-only in place (chunks untouched), or a converted copy."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import zarr
from _interop import assert_readable_by_ome_zarr_py, assert_valid_with_ome_zarr_models

import ngff_zarr as nz


def _chunks(root: Path) -> dict[str, bytes]:
    names = {"zarr.json", ".zattrs", ".zgroup", ".zarray", ".zmetadata"}
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and p.name not in names
    }


def _store(tmp_path: Path, version: str) -> tuple[Path, np.ndarray, nz.Multiscales]:
    data = np.random.default_rng(1).integers(0, 4000, (2, 8, 48, 40), dtype=np.uint16)
    image = nz.to_ngff_image(data, dims=["c", "z", "y", "x"], scale={"z": 2.0, "y": 0.5, "x": 0.5})
    ms = nz.to_multiscales(image, scale_factors=[2], chunks=16)
    path = tmp_path / f"img{version}.ome.zarr"
    nz.to_ngff_zarr(path, ms, version=version)
    nz.update_root_attributes(path, {"acquisition": {"direction": [0, -1, 0, 1]}})
    return path, data, ms


def test_04_to_05_in_place_keeps_every_chunk_file(tmp_path: Path) -> None:
    path, data, ms = _store(tmp_path, "0.4")
    # a label image below, written as 0.4 by zarr-python directly
    labels = zarr.open_group(path / "labels", mode="w", zarr_format=2)
    labels.attrs["labels"] = ["cells"]
    cells = labels.create_group("cells")
    for level, shape in enumerate(((8, 48, 40), (8, 24, 20))):
        cells.create_array(str(level), shape=shape, dtype="uint8", chunks=(8, 16, 16))[:] = 3
    datasets = [
        {"path": str(i), "coordinateTransformations": [{"type": "scale", "scale": [2.0, s, s]}]}
        for i, s in enumerate((0.5, 1.0))
    ]
    cells.attrs.update(
        {
            "multiscales": [
                {
                    "version": "0.4",
                    "name": "cells",
                    "axes": [{"name": d, "type": "space"} for d in "zyx"],
                    "datasets": datasets,
                }
            ],
            "image-label": {"version": "0.4", "colors": [{"label-value": 3, "rgba": [1, 2, 3, 4]}]},
        }
    )
    before = _chunks(path)
    nz.upgrade_ome_zarr(path, version="0.5")
    assert _chunks(path) == before  # byte for byte, at the same keys
    assert not list(path.rglob(".z*"))  # the v2 documents are gone
    root = json.loads((path / "zarr.json").read_text(encoding="utf-8"))["attributes"]
    assert root["ome"]["version"] == "0.5"
    assert root["acquisition"] == {"direction": [0, -1, 0, 1]}
    array = json.loads(
        (path / ms.metadata.datasets[0].path / "zarr.json").read_text(encoding="utf-8")
    )
    assert array["chunk_key_encoding"] == {"name": "v2", "configuration": {"separator": "/"}}
    assert array["dimension_names"] == ["c", "z", "y", "x"]
    label = json.loads((path / "labels" / "cells" / "zarr.json").read_text(encoding="utf-8"))[
        "attributes"
    ]
    assert label["ome"]["image-label"] == {"colors": [{"label-value": 3, "rgba": [1, 2, 3, 4]}]}
    assert "version" not in label["ome"]["multiscales"][0]
    report = nz.validate(path)
    assert report.valid, str(report)
    # only the SHOULD fields the hand-written label lacked
    assert {(f.path, f.code) for f in report.warnings} == {
        ("labels/cells/zarr.json", "NGFF111"),
        ("labels/cells/zarr.json", "NGFF112"),
    }
    back = nz.from_ngff_zarr(path)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    assert_valid_with_ome_zarr_models(path, "0.5")
    assert_readable_by_ome_zarr_py(path, [im.data.compute() for im in back.images])


def test_same_zarr_format_rewrites_the_root_only(tmp_path: Path) -> None:
    path, _, ms = _store(tmp_path, "0.5")
    array_doc = (path / ms.metadata.datasets[0].path / "zarr.json").read_bytes()
    before = _chunks(path)
    nz.upgrade_ome_zarr(path, version="0.5")
    assert (path / ms.metadata.datasets[0].path / "zarr.json").read_bytes() == array_doc
    assert _chunks(path) == before
    assert nz.validate(path).valid


def test_downgrade_needs_an_output(tmp_path: Path) -> None:
    path, data, _ = _store(tmp_path, "0.5")
    with pytest.raises(nz.UnsupportedVersionError, match="pass output= to write a downgraded"):
        nz.upgrade_ome_zarr(path, version="0.4")
    assert (
        json.loads((path / "zarr.json").read_text(encoding="utf-8"))["attributes"]["ome"]["version"]
        == "0.5"
    )
    out = tmp_path / "down.ome.zarr"
    nz.upgrade_ome_zarr(path, out, version="0.4")
    assert (out / ".zattrs").is_file() and not (out / "zarr.json").exists()
    assert json.loads((out / ".zattrs").read_text(encoding="utf-8"))["acquisition"] == {
        "direction": [0, -1, 0, 1]
    }
    assert nz.validate(out, strict=True).valid
    np.testing.assert_array_equal(nz.from_ngff_zarr(out).images[0].data.compute(), data)
    assert_valid_with_ome_zarr_models(out, "0.4")
    # the source is untouched; overwrite=False refuses an existing output
    assert (
        json.loads((path / "zarr.json").read_text(encoding="utf-8"))["attributes"]["ome"]["version"]
        == "0.5"
    )
    with pytest.raises(nz.StoreExistsError):
        nz.upgrade_ome_zarr(path, out, version="0.4", overwrite=False)


def test_targets_and_sources_that_are_refused(tmp_path: Path) -> None:
    path, _, _ = _store(tmp_path, "0.4")
    with pytest.raises(nz.UnsupportedVersionError, match=r"needs this package's OME-Zarr 0\.9"):
        nz.upgrade_ome_zarr(path, version="0.9.dev1")
    with pytest.raises(
        nz.UnsupportedVersionError, match=r"expected one of \['0.4', '0.5', '0.6'\]"
    ):
        nz.upgrade_ome_zarr(path, version="0.3")
    plate = tmp_path / "plate.zarr"
    nz.to_hcs_zarr(nz.Plate.from_names(["A"], ["1"]), plate)
    with pytest.raises(nz.NgffValueError, match=r"a plate; .* upgrade each field"):
        nz.upgrade_ome_zarr(plate, version="0.5")
    with pytest.raises(nz.MetadataNotFoundError):
        nz.upgrade_ome_zarr(tmp_path / "missing.zarr", version="0.5")
    assert not (tmp_path / "missing.zarr").exists()
    zipped = tmp_path / "img.ozx"
    nz.write_store_to_zip(path, zipped, version="0.4")
    with pytest.raises(nz.NgffValueError, match="read-only"):
        nz.upgrade_ome_zarr(zipped, version="0.5")
    # an invalid source is refused with validate=True, before anything is written
    attrs = json.loads((path / ".zattrs").read_text(encoding="utf-8"))
    attrs["multiscales"][0]["axes"][0]["type"] = 5
    (path / ".zattrs").write_text(json.dumps(attrs))
    with pytest.raises(nz.NgffValidationError):
        nz.upgrade_ome_zarr(path, version="0.5", validate=True)
    assert (path / ".zattrs").is_file() and not (path / "zarr.json").exists()
