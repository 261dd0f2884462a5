"""update_metadata: names, channels, scale, translation and units changed in place, pixels not."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
import zarr
from _editing_helpers import shard_files

import ngff_zarr as nz


def _image(path: Path, version: str = "0.5", channels: bool = True) -> None:
    data = np.random.default_rng(0).integers(0, 200, (2, 8, 32, 32), dtype=np.uint8)
    image = nz.to_ngff_image(
        data,
        dims=("c", "z", "y", "x"),
        scale={"z": 2.0, "y": 0.5, "x": 0.5},
        translation={"z": 10.0, "y": 0.0, "x": 0.0},
        channel_names=["DAPI", "GFP"] if channels else None,
    )
    ms = nz.to_multiscales(image, scale_factors=[2, 4])
    nz.to_ngff_zarr(path, ms, version=version)  # type: ignore[arg-type]


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_every_field_in_place(tmp_path: Path, version: str) -> None:
    path = tmp_path / "cells.ome.zarr"
    _image(path, version)
    zarr.open_group(path, mode="r+").attrs.update({"acquisition": {"id": 7}})
    before = nz.from_ngff_zarr(path)
    pixels = shard_files(path)
    nz.update_metadata(
        path,
        name="renamed",
        scale={"z": 1.0, "x": 0.25},
        translation={"y": 3.0},
        axes_units={"z": "µm", "y": "micrometer", "x": "nm"},
        channel_names=["nuclei", "membrane"],
        channel_colors=["ff00ff", "00FF00"],
        channel_windows=[(10, 90), {"start": 0, "end": 255, "min": 0, "max": 255}],
    )
    assert shard_files(path) == pixels  # no array touched
    after = nz.from_ngff_zarr(path)
    assert after.metadata.name == "renamed"
    first, lower = after.images[0], after.images[2]
    assert first.scale == {"c": 1.0, "z": 1.0, "y": 0.5, "x": 0.25}
    assert first.translation == {"c": 0.0, "z": 10.0, "y": 3.0, "x": 0.0}
    # every lower level keeps its factor to level 0, and its pixel-centre offset (scaled)
    old_lower = before.images[2]
    assert lower.scale == {"c": 1.0, "z": 4.0, "y": 2.0, "x": 1.0}
    for d, s in {"z": 0.5, "y": 1.0, "x": 0.5}.items():
        old_offset = old_lower.translation[d] - before.images[0].translation[d]
        assert lower.translation[d] - first.translation[d] == pytest.approx(old_offset * s)
    assert first.axes_units == {"z": "micrometer", "y": "micrometer", "x": "nanometer"}
    assert first.channel_names == ["nuclei", "membrane"]
    assert first.channel_colors == ["FF00FF", "00FF00"]
    omero = after.metadata.omero
    assert omero is not None
    assert (omero.channels[0].window.start, omero.channels[0].window.end) == (10.0, 90.0)
    assert omero.channels[1].window.max == 255.0
    attrs = dict(zarr.open_group(path, mode="r").attrs)
    assert attrs["acquisition"] == {"id": 7}
    assert nz.validate(path, strict=True).valid


def test_units_removed_and_omero_created(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    _image(path, channels=False)
    assert nz.from_ngff_zarr(path).metadata.omero is None
    nz.update_metadata(path, axes_units={"x": "µm"})
    nz.update_metadata(path, axes_units={"x": None}, channel_colors=["FF0000", "0000FF"])
    after = nz.from_ngff_zarr(path)
    assert not after.images[0].axes_units
    assert after.images[0].channel_colors == ["FF0000", "0000FF"]
    assert after.images[0].channel_names == ["Channel 0", "Channel 1"]


def test_multiscale_transformations_are_respected(tmp_path: Path) -> None:
    """With an overall scale and translation, the values given are the effective ones."""
    path = tmp_path / "image.ome.zarr"
    _image(path, version="0.4")
    group = zarr.open_group(path, mode="r+")
    attrs = dict(group.attrs)
    attrs["multiscales"][0]["coordinateTransformations"] = [
        {"type": "scale", "scale": [1.0, 2.0, 2.0, 2.0]},
        {"type": "translation", "translation": [0.0, 1.0, 1.0, 1.0]},
    ]
    group.attrs.put(attrs)
    nz.update_metadata(path, scale={"x": 3.0}, translation={"x": 5.0})
    first = nz.from_ngff_zarr(path).images[0]
    assert first.scale["x"] == pytest.approx(3.0)
    assert first.translation["x"] == pytest.approx(5.0)


def test_concurrent_edits_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    _image(path)
    edits = [
        {"name": "n"},
        {"scale": {"z": 3.0}},
        {"axes_units": {"y": "µm"}},
        {"channel_names": ["a", "b"]},
        {"translation": {"x": 1.5}},
        {"axes_units": {"z": "nm"}},
    ]
    with ThreadPoolExecutor(6) as pool:
        list(pool.map(lambda kw: nz.update_metadata(path, **kw), edits))  # type: ignore[arg-type]
    after = nz.from_ngff_zarr(path)
    first = after.images[0]
    assert after.metadata.name == "n"
    assert (first.scale["z"], first.translation["x"]) == (3.0, 1.5)
    assert first.axes_units == {"y": "micrometer", "z": "nanometer"}
    assert first.channel_names == ["a", "b"]


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"scale": {"t": 1.0}}, r"scale: dims \['t'\] are not image dims"),
        ({"scale": {"x": 0}}, r"scale\['x'\]: expected a number > 0, got 0"),
        ({"translation": {"x": float("nan")}}, r"translation\['x'\]: expected a finite number"),
        ({"axes_units": {"x": "second"}}, r"axes_units\['x'\]"),
        ({"axes_units": {"c": "micrometer"}}, r"expected no unit for a channel axis"),
        ({"channel_names": ["one"]}, r"channel_names: expected one per channel \(2\)"),
        ({"channel_colors": ["red", "00FF00"]}, r"channel_colors\[0\]: expected a colour"),
        ({"channel_windows": [(5, 1), (0, 1)]}, r"channel_windows\[0\]: expected start <= end"),
        ({"channel_windows": [{"low": 1}, (0, 1)]}, r"expected the keys"),
        ({"name": 3}, "name: expected a string"),
    ],
)
def test_bad_arguments_write_nothing(tmp_path: Path, kwargs: dict[str, object], match: str) -> None:
    path = tmp_path / "image.ome.zarr"
    _image(path)
    before = (path / "zarr.json").read_bytes()
    with pytest.raises(nz.NgffValueError, match=match):
        nz.update_metadata(path, **kwargs)  # type: ignore[arg-type]
    assert (path / "zarr.json").read_bytes() == before


def test_old_versions_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "old.ome.zarr"
    _image(path, version="0.4")
    group = zarr.open_group(path, mode="r+")
    attrs = dict(group.attrs)
    attrs["multiscales"][0]["version"] = "0.3"
    attrs["multiscales"][0]["axes"] = ["c", "z", "y", "x"]
    for ds in attrs["multiscales"][0]["datasets"]:
        del ds["coordinateTransformations"]
    group.attrs.put(attrs)
    with pytest.raises(nz.UnsupportedVersionError, match=r"OME-NGFF 0\.3 metadata is not edited"):
        nz.update_metadata(path, name="x")
