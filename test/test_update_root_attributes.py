"""update_root_attributes and the one in-place attribute edit it is built on."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import zarr

import ngff_zarr as nz
from ngff_zarr._io.edit import edit_attributes


def _image(path: Path, version: str) -> None:
    image = nz.to_ngff_image(np.arange(256, dtype="uint8").reshape(16, 16))
    nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version=version)


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_merges_application_keys_and_keeps_the_rest(tmp_path: Path, version: str) -> None:
    path = tmp_path / "image.ome.zarr"
    _image(path, version)
    chunks = {p: p.read_bytes() for p in path.rglob("*") if p.is_file() and p.name[0].isdigit()}
    nz.update_root_attributes(path, {"acquisition": {"direction": [0, -1, 0]}, "a": 1})
    nz.update_root_attributes(path, {"acquisition": {"max_displacement": 3.2}})
    attrs = dict(zarr.open_group(path, mode="r").attrs)
    assert attrs["acquisition"] == {"max_displacement": 3.2}  # a key is replaced whole
    assert attrs["a"] == 1
    assert nz.validate(path, strict=True).valid  # the OME metadata is intact
    assert {p: p.read_bytes() for p in chunks} == chunks
    assert not list(tmp_path.rglob("*ngff-zarr*"))  # no temporary file left


def test_refusals_never_create_or_change_anything(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    _image(path, "0.5")
    before = (path / "zarr.json").read_bytes()
    for key in ("ome", "multiscales", "omero", "plate"):
        with pytest.raises(nz.NgffValueError, match=rf"cannot set \['{key}'\]"):
            nz.update_root_attributes(path, {key: {}})
    with pytest.raises(nz.NgffValueError, match="mapping of string keys"):
        nz.update_root_attributes(path, [("a", 1)])  # type: ignore[arg-type]
    assert (path / "zarr.json").read_bytes() == before
    with pytest.raises(nz.MetadataNotFoundError, match="no such store"):
        nz.update_root_attributes(tmp_path / "missing.zarr", {"a": 1})
    assert not (tmp_path / "missing.zarr").exists()
    (tmp_path / "plain").mkdir()
    with pytest.raises(nz.MetadataNotFoundError, match="no Zarr group"):
        nz.update_root_attributes(tmp_path / "plain", {"a": 1})


@pytest.mark.filterwarnings("ignore:Consolidated metadata is currently not part")
def test_consolidated_metadata_is_refreshed(tmp_path: Path) -> None:
    """The documents that repeat a group's attributes change with them (v2 and v3)."""
    v2 = tmp_path / "v2.zarr"
    group = zarr.open_group(v2, mode="w", zarr_format=2)
    group.create_group("sub").attrs["x"] = 1
    zarr.consolidate_metadata(v2)
    nz.update_root_attributes(v2, {"note": "root"})
    store = zarr.storage.LocalStore(v2)
    edit_attributes(store, "sub", lambda attrs: {**attrs, "x": 2})
    consolidated = json.loads((v2 / ".zmetadata").read_text(encoding="utf-8"))["metadata"]
    assert consolidated[".zattrs"] == {"note": "root"}
    assert consolidated["sub/.zattrs"] == {"x": 2}
    assert zarr.open_consolidated(v2, mode="r")["sub"].attrs["x"] == 2
    v3 = tmp_path / "v3.zarr"
    group = zarr.open_group(v3, mode="w", zarr_format=3)
    group.create_group("sub").attrs["x"] = 1
    zarr.consolidate_metadata(v3)
    edit_attributes(zarr.storage.LocalStore(v3), "sub", lambda attrs: {**attrs, "x": 3})
    assert zarr.open_consolidated(v3, mode="r")["sub"].attrs["x"] == 3
    assert json.loads((v3 / "sub" / "zarr.json").read_text(encoding="utf-8"))["attributes"] == {
        "x": 3
    }
