"""Tolerant OME-Zarr input: spellings seen in the wild read with an NgffWarning that says what
was read, instead of being refused (or, worse, silently misread)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from ngff_zarr import NgffWarning, from_hcs_zarr
from ngff_zarr.errors import UnsupportedVersionError
from ngff_zarr.from_ngff_zarr import from_ngff_zarr
from ngff_zarr.hcs import to_hcs_zarr, write_hcs_well_image
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image
from ngff_zarr.to_ngff_zarr import to_ngff_zarr
from ngff_zarr.v04.plate import Plate

DATA = (np.arange(2 * 16 * 16).reshape(2, 16, 16) % 251).astype("uint8")


def _store(tmp_path: Path, version: str) -> Path:
    image = to_ngff_image(DATA, dims=("c", "y", "x"), channel_names=["a", "b"])
    path = tmp_path / f"img{version}.ome.zarr"
    to_ngff_zarr(path, to_multiscales(image, scale_factors=[2]), version=version)  # type: ignore[arg-type]
    return path


def _edit(document: Path, change: Any) -> None:
    doc = json.loads(document.read_text(encoding="utf-8"))
    change(doc)
    document.write_text(json.dumps(doc), encoding="utf-8")


def test_development_version_reads_as_its_release(tmp_path: Path) -> None:
    path = _store(tmp_path, "0.5")
    _edit(
        path / "zarr.json", lambda d: d["attributes"]["ome"].update(version="0.5-dev-spatialdata")
    )
    with pytest.warns(
        NgffWarning, match=r"'0\.5-dev-spatialdata' is not an OME-NGFF release; read as 0\.5"
    ):
        back = from_ngff_zarr(path)
    np.testing.assert_array_equal(back.images[0].data.compute(), DATA)
    _edit(path / "zarr.json", lambda d: d["attributes"]["ome"].update(version="0.7"))
    with pytest.raises(UnsupportedVersionError, match=r"expected '0\.5' or '0\.6', got '0\.7'"):
        from_ngff_zarr(path)


def test_integer_dataset_paths_and_string_windows(tmp_path: Path) -> None:
    path = _store(tmp_path, "0.4")

    def change(doc: dict[str, Any]) -> None:
        doc["multiscales"][0]["version"] = "0.4.0"
        for i, ds in enumerate(doc["multiscales"][0]["datasets"]):
            (path / ds["path"]).rename(path / str(i))  # the arrays move to "0", "1"
            ds["path"] = i
        for channel in doc["omero"]["channels"]:
            channel["window"] = {k: str(v) for k, v in channel["window"].items()}

    _edit(path / ".zattrs", change)
    with pytest.warns(NgffWarning) as record:
        back = from_ngff_zarr(path)
    messages = "\n".join(str(w.message) for w in record)
    assert "'0.4.0' is not an OME-NGFF release; read as 0.4" in messages
    assert "datasets[1].path: expected a string, got the integer 1; read as '1'" in messages
    assert "window: expected numbers, got strings" in messages
    assert [d.path for d in back.metadata.datasets] == ["0", "1"]
    assert back.metadata.omero is not None
    assert isinstance(back.metadata.omero.channels[0].window.max, float)
    np.testing.assert_array_equal(back.images[0].data.compute(), DATA)
    assert back.images[1].shape == (2, 8, 8)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_plate_well_without_metadata_names_the_well(tmp_path: Path, version: str) -> None:
    path = tmp_path / "plate.ome.zarr"
    plate = Plate.from_names(["A"], ["1", "2"], wells=["A/1", "A/2"])
    to_hcs_zarr(plate, path, version=version)  # type: ignore[arg-type]
    field = to_multiscales(to_ngff_image(DATA[0], dims=("y", "x")), scale_factors=[2])
    for column in ("1", "2"):
        for index in (0, 1):
            write_hcs_well_image(
                path, field, row="A", column=column, field_index=index, plate=plate
            )
    document = path / "A" / "2" / ("zarr.json" if version == "0.5" else ".zattrs")
    if version == "0.5":
        _edit(document, lambda d: d["attributes"].pop("ome"))
    else:
        _edit(document, lambda d: d.pop("well"))
    hcs = from_hcs_zarr(path)
    assert len(hcs.get_well("A", "1")) == 2
    with pytest.warns(
        NgffWarning, match=r"well 'A/2' has no 'well' metadata; read 2 field\(s\) \['0', '1'\]"
    ):
        count = len(hcs.get_well("A", "2"))  # the well's metadata is read on first use
    well = hcs.get_well("A", "2")
    assert count == len(well) == 2
    np.testing.assert_array_equal(well.get_image(1).images[0].data.compute(), DATA[0])
