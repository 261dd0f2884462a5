"""The napari plugin through npe2 (napari's plugin engine), without a viewer.

The manifest is the one the installed package's entry point names; readers and writers are
called the way napari calls them (``npe2.read`` / ``npe2.write`` with the plugin's name).
What the layers must show is read independently: the store's JSON and arrays through zarr.
"""

from __future__ import annotations

import json
from dataclasses import replace
from importlib.metadata import entry_points
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr

import ngff_zarr as nz
from ngff_zarr.errors import NgffValueError, StoreExistsError
from ngff_zarr.napari import get_plate_fields_reader, get_reader, read_layers

npe2 = pytest.importorskip("npe2")

PLUGIN = "ngff-zarr"
MANIFEST = Path(nz.__file__).parent / "napari" / "napari.yaml"


@pytest.fixture(scope="module", autouse=True)
def _discovered() -> None:
    """npe2 finds installed plugins through their entry points, as napari does at start."""
    npe2.PluginManager.instance().discover()


@pytest.fixture(scope="module")
def image_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 2-channel pyramid with calibrated axes, colours, and a label image with colours."""
    path = tmp_path_factory.mktemp("napari") / "cells.ome.zarr"
    rng = np.random.default_rng(0)
    image = nz.to_ngff_image(
        rng.integers(0, 4000, (2, 64, 48), dtype=np.uint16),
        dims=("c", "y", "x"),
        scale={"y": 0.5, "x": 0.25},
        translation={"y": 2.0, "x": -1.0},
        axes_units={"y": "micrometer", "x": "micrometer"},
        channel_names=["DAPI", "GFP"],
        name="cells",
    )
    image = replace(image, channel_colors=["0000FF", "00FF00"])
    nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]))
    labels = (np.arange(64 * 48).reshape(64, 48) % 3).astype(np.uint8)
    nz.write_labels(path, "nuclei", labels, colors={1: (255, 0, 0, 255), 2: (0, 0, 255, 128)})
    return path


def _ome(group_path: Path) -> dict[str, Any]:
    """The OME attributes of a group, read as JSON (0.5: zarr.json's attributes.ome; 0.4)."""
    if (group_path / "zarr.json").is_file():
        document = json.loads((group_path / "zarr.json").read_text(encoding="utf-8"))
        ome: dict[str, Any] = document["attributes"]["ome"]
        return ome
    attrs: dict[str, Any] = json.loads((group_path / ".zattrs").read_text(encoding="utf-8"))
    return attrs


def _level0(data: Any) -> Any:
    """The full-resolution array of layer data (the first level of a multiscale layer)."""
    return data[0] if isinstance(data, list) else data


def _pixels(data: Any) -> np.ndarray:
    return np.asarray(data.compute() if hasattr(data, "compute") else data)


def test_the_manifest_validates_and_the_entry_point_finds_it() -> None:
    manifest = npe2.PluginManifest.from_file(MANIFEST)
    manifest.validate_imports()  # every command's python_name imports
    assert manifest.name == PLUGIN
    points = [e for e in entry_points(group="napari.manifest") if e.name == PLUGIN]
    assert [e.value for e in points] == ["ngff_zarr.napari:napari.yaml"]
    manager = npe2.PluginManager.instance()
    manager.discover()
    registered = manager.get_manifest(PLUGIN)  # raises KeyError when not found
    assert registered.display_name == manifest.display_name
    # napari asks which readers take a store: ours is among them for a .zarr folder
    compatible = [r.command for r in manager.iter_compatible_readers(["x.ome.zarr"])]
    assert "ngff-zarr.get_reader" in compatible
    readers = {r.command for r in manifest.contributions.readers}
    assert readers == {"ngff-zarr.get_reader", "ngff-zarr.get_plate_fields_reader"}
    commands = {c.id for c in manifest.contributions.commands}
    assert {w.command for w in manifest.contributions.writers} <= commands


def test_an_image_reads_as_channel_layers_and_its_labels(image_store: Path) -> None:
    layers = npe2.read([str(image_store)], stack=False, plugin_name=PLUGIN)
    assert [(kw["name"], kind) for _, kw, kind in layers] == [
        ("cells DAPI", "image"),
        ("cells GFP", "image"),
        ("nuclei", "labels"),
    ]
    ome = _ome(image_store)
    omero = ome["omero"]["channels"]
    group = zarr.open_group(image_store, mode="r")
    paths = [d["path"] for d in ome["multiscales"][0]["datasets"]]
    for index, (data, kwargs, _) in enumerate(layers[:2]):
        assert isinstance(data, list) and len(data) == len(paths) == 2  # multiscale
        for level, path in zip(data, paths, strict=True):
            np.testing.assert_array_equal(_pixels(level), np.asarray(group[path])[index])
        assert kwargs["scale"] == (0.5, 0.25) and kwargs["translate"] == (2.0, -1.0)
        assert kwargs["axis_labels"] == ("y", "x")
        assert kwargs["units"] == ("micrometer", "micrometer")
        window = omero[index]["window"]
        assert kwargs["contrast_limits"] == (window["start"], window["end"])
        assert kwargs["colormap"]["colors"][-1][:3] == [
            int(omero[index]["color"][i : i + 2], 16) / 255 for i in (0, 2, 4)
        ]
        assert kwargs["visible"] is omero[index]["active"]
        assert kwargs["blending"] == "additive"
    data, kwargs, _ = layers[2]
    label_path = image_store / "labels" / "nuclei"
    label_level0 = _ome(label_path)["multiscales"][0]["datasets"][0]["path"]
    label_group = zarr.open_group(label_path, mode="r")
    np.testing.assert_array_equal(_pixels(data[0]), label_group[label_level0])
    assert kwargs["colormap"][1] == (1.0, 0.0, 0.0, 1.0)
    assert kwargs["colormap"][2] == pytest.approx((0.0, 0.0, 1.0, 128 / 255))
    assert kwargs["colormap"][0][3] == 0.0  # the background is clear
    assert kwargs["scale"] == (0.5, 0.25)


def test_a_layer_is_lazy(image_store: Path) -> None:
    data, _, _ = read_layers(image_store)[0]
    assert all(type(level).__name__ == "Array" for level in data)  # dask, nothing loaded


def _plate(path: Path) -> None:
    plate = nz.Plate.from_names(["A", "B"], ["1", "2"], wells=["A/1", "B/2"])
    nz.to_hcs_zarr(plate, path)
    for well, (row, column) in enumerate([("A", "1"), ("B", "2")]):
        for field in range(2):
            pixels = np.full((1, 16, 16), 10 * well + field + 1, dtype=np.uint8)
            image = nz.to_ngff_image(
                pixels, dims=("c", "y", "x"), scale={"y": 2.0, "x": 2.0}, channel_names=["DAPI"]
            )
            nz.write_hcs_well_image(
                path, nz.to_multiscales(image, scale_factors=[2]), plate, row, column, field
            )


def test_a_plate_reads_as_a_mosaic_or_one_layer_per_field(tmp_path: Path) -> None:
    path = tmp_path / "plate.ome.zarr"
    _plate(path)
    mosaic = npe2.read([str(path)], stack=False, plugin_name=PLUGIN)
    assert len(mosaic) == 1
    data, kwargs, kind = mosaic[0]
    expected = nz.from_hcs_zarr(path).mosaic(level=0)
    assert kind == "image" and len(data) == 2
    np.testing.assert_array_equal(_pixels(data[0]), _pixels(expected)[0])
    assert kwargs["scale"] == (2.0, 2.0)
    # one layer per field, each where the mosaic puts it: per well a row of two 32 um tiles
    reader = get_plate_fields_reader(str(path))
    assert reader is not None
    fields = reader(str(path))
    assert [kw["name"] for _, kw, _ in fields] == ["A/1/0", "A/1/1", "B/2/0", "B/2/1"]
    assert [kw["translate"] for _, kw, _ in fields] == [
        (0.0, 0.0),
        (0.0, 32.0),
        (32.0, 64.0),
        (32.0, 96.0),
    ]
    for (data, _, _), value in zip(fields, [1, 2, 11, 12], strict=True):
        assert np.unique(_pixels(data[0])).tolist() == [value]
    # fields that cannot share a plate grid are refused, naming the field
    flat = nz.to_multiscales(nz.to_ngff_image(np.zeros((16, 16), np.uint8)))
    nz.write_hcs_well_image(path, flat, None, "B", "2", 2)
    with pytest.raises(nz.InvalidMetadataError, match=r"B/2/2: axes: expected the dims"):
        reader(str(path))
    # the field reader declines an image, so napari offers it only for plates
    nz.to_ngff_zarr(tmp_path / "image.ome.zarr", nz.to_multiscales(np.zeros((8, 8), "uint8")))
    assert get_plate_fields_reader(str(tmp_path / "image.ome.zarr")) is None


def test_a_microscope_file_reads_with_its_calibration(tmp_path: Path) -> None:
    tifffile = pytest.importorskip("tifffile")
    path = tmp_path / "two.ome.tif"
    pixels = np.arange(2 * 32 * 32, dtype=np.uint16).reshape(2, 32, 32)
    tifffile.imwrite(
        path,
        pixels,
        ome=True,
        metadata={
            "axes": "CYX",
            "PhysicalSizeX": 0.2,
            "PhysicalSizeY": 0.3,
            "Channel": {"Name": ["DAPI", "GFP"]},
        },
    )
    layers = npe2.read([str(path)], stack=False, plugin_name=PLUGIN)
    assert [kw["name"].split()[-1] for _, kw, _ in layers] == ["DAPI", "GFP"]
    for index, (data, kwargs, kind) in enumerate(layers):
        assert kind == "image" and kwargs["scale"] == (0.3, 0.2)
        np.testing.assert_array_equal(_pixels(data), pixels[index])


def test_what_the_plugin_cannot_read_is_declined(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not an image")
    (tmp_path / "folder").mkdir()
    for path in ("notes.txt", "folder", "missing.ome.zarr", "missing.tif"):
        assert get_reader(str(tmp_path / path)) is None
    assert get_reader([str(tmp_path / "a.tif"), str(tmp_path / "b.tif")]) is None
    with pytest.raises(NgffValueError, match=r"plate: expected one of \['mosaic', 'fields'\]"):
        read_layers(tmp_path, plate="grid")  # type: ignore[arg-type]


def test_layers_written_and_read_again_keep_their_metadata(
    image_store: Path, tmp_path: Path
) -> None:
    """Read -> write with the multi-layer writer -> read: the same layers (a round trip)."""
    layers = npe2.read([str(image_store)], stack=False, plugin_name=PLUGIN)
    out = tmp_path / "saved.ome.zarr"
    assert npe2.write(str(out), layers, plugin_name=PLUGIN) == [str(out)]
    again = npe2.read([str(out)], stack=False, plugin_name=PLUGIN)
    assert [(kw["name"], kind) for _, kw, kind in again] == [
        (kw["name"], kind) for _, kw, kind in layers
    ]
    keys = ("scale", "translate", "axis_labels", "units", "contrast_limits", "colormap")
    for (data, kwargs, _), (theirs, their_kwargs, _) in zip(layers, again, strict=True):
        np.testing.assert_array_equal(_pixels(_level0(theirs)), _pixels(_level0(data)))
        assert {k: kwargs.get(k) for k in keys} == {k: their_kwargs.get(k) for k in keys}
    assert [c["label"] for c in _ome(out)["omero"]["channels"]] == ["DAPI", "GFP"]
    assert nz.list_labels(out) == ["nuclei"]


def test_one_image_layer_and_a_labels_layer_written_alone(tmp_path: Path) -> None:
    out = tmp_path / "one.ome.zarr"
    data = np.arange(40 * 30, dtype=np.float32).reshape(40, 30)
    attributes = {
        "name": "density",
        "scale": (0.5, 0.5),
        "translate": (1.0, 2.0),
        "axis_labels": ("y", "x"),
        "units": ("micrometer", "micrometer"),
        "colormap": "magenta",
        "contrast_limits": (10.0, 900.0),
    }
    npe2.write(str(out), [(data, attributes, "image")], plugin_name=PLUGIN)
    image = nz.from_ngff_zarr(out).images[0]
    assert (image.dims, image.scale, image.translation, image.name) == (
        ("y", "x"),
        {"y": 0.5, "x": 0.5},
        {"y": 1.0, "x": 2.0},
        "density",
    )
    assert image.axes_units == {"y": "micrometer", "x": "micrometer"}
    channel = _ome(out)["omero"]["channels"][0]
    assert (channel["color"], channel["window"]["start"], channel["window"]["end"]) == (
        "FF00FF",
        10.0,
        900.0,
    )
    np.testing.assert_array_equal(_pixels(image.data), data)
    # a labels layer goes into the image that is there
    mask = (data > 600).astype(np.uint8)
    colormap = {None: (0, 0, 0, 0), 1: (0.0, 1.0, 0.0, 1.0)}
    npe2.write(str(out), [(mask, {"name": "bright", "colormap": colormap}, "labels")])
    assert nz.list_labels(out) == ["bright"]
    label = nz.read_labels(out)["bright"]
    assert label.colors == {1: (0, 255, 0, 255)}
    np.testing.assert_array_equal(_pixels(label.images[0].data), mask)


def test_what_cannot_be_written_is_refused(image_store: Path, tmp_path: Path) -> None:
    from ngff_zarr.napari import write_layers

    image = (np.zeros((8, 8), "uint8"), {"name": "a"}, "image")
    with pytest.raises(StoreExistsError, match=r"exists; choose a new path"):
        write_layers(image_store, [image])
    other = (np.zeros((8, 9), "uint8"), {"name": "b"}, "image")
    with pytest.raises(NgffValueError, match=r"'b' has dims \('y', 'x'\), shape \(8, 9\)"):
        write_layers(tmp_path / "two.ome.zarr", [image, other])
    with pytest.raises(NgffValueError, match=r"expected image and labels layers, got \['points'\]"):
        write_layers(tmp_path / "p.ome.zarr", [(np.zeros((3, 2)), {}, "points")])
    with pytest.raises(nz.MetadataNotFoundError):
        write_layers(tmp_path / "none.ome.zarr", [(np.zeros((8, 8), "uint8"), {}, "labels")])
    assert not (tmp_path / "two.ome.zarr").exists() and not (tmp_path / "p.ome.zarr").exists()
