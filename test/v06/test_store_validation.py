"""Store-level 0.6 validation: stored field arrays and scene cross-references, on real stores.

Each store is written by the library, then broken on disk the way a real store goes wrong (a
field deleted, its array replaced, an image removed from a scene, a transformation naming a
system the image does not have), and :func:`ngff_zarr.validate` is run on the directory.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import numpy as np
import zarr

import ngff_zarr as nz
from ngff_zarr.v06.common import upgrade
from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.elementary import Translation
from ngff_zarr.v06.fields import Displacements


def _warped_image(path: Path) -> CoordinateSystem:
    """An image whose ``physical`` system maps to ``warped`` through a stored field."""
    ms = nz.to_multiscales(nz.to_ngff_image(np.ones((16, 16), "uint8")), scale_factors=[])
    md = upgrade(ms.metadata)
    md.coordinateSystems = [CoordinateSystem("warped", [Axis("y", "space"), Axis("x", "space")])]
    md.transformations = [
        Displacements("coordinateTransformations/d", input=Ref(name="physical"),
                      output=Ref(name="warped"))
    ]  # fmt: skip
    nz.to_ngff_zarr(path, nz.Multiscales(images=ms.images, metadata=md, method=ms.method,
                                         chunks=ms.chunks), version="0.6")  # fmt: skip
    return md.coordinate_system("physical")


def _errors(path: Path) -> list[tuple[str, str, str]]:
    report = nz.validate(path)
    return sorted((f.code, f.path, f.field or "") for f in report.errors)


def test_image_with_its_stored_field_is_valid(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    physical = _warped_image(path)
    nz.to_field_array(path, "coordinateTransformations/d", np.zeros((16, 16, 2)),
                      input_system=physical)  # fmt: skip
    assert _errors(path) == []


def test_missing_field_is_reported_naming_its_path(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    _warped_image(path)
    report = nz.validate(path)
    found = [f for f in report.errors if f.code == "NGFF818"]
    assert len(found) == 1
    assert found[0].path == "zarr.json"
    assert found[0].field == "ome.multiscales[0].coordinateTransformations[0].path"
    assert "'coordinateTransformations/d'" in found[0].message


def test_field_of_the_wrong_shape_or_axes_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "image.ome.zarr"
    physical = _warped_image(path)
    nz.to_field_array(path, "coordinateTransformations/d", np.zeros((16, 16, 2)),
                      input_system=physical)  # fmt: skip
    # three vector components where the 2D output needs two
    zarr.create_array(path / "coordinateTransformations/d/s0", shape=(3, 16, 16), dtype="f8",
                      dimension_names=["c", "y", "x"], overwrite=True)  # fmt: skip
    report = nz.validate(path)
    (shape,) = [f for f in report.errors if f.code == "NGFF817"]
    assert "found shape 3x16x16" in shape.message and "2 vector components" in shape.message
    # the vector axis typed as a channel: not a displacement field
    meta = path / "coordinateTransformations/d/zarr.json"
    doc = json.loads(meta.read_text("utf-8"))
    doc["attributes"]["ome"]["multiscales"][0]["coordinateSystems"][0]["axes"][0]["type"] = (
        "channel"
    )
    meta.write_text(json.dumps(doc), "utf-8")
    (axes,) = [f for f in nz.validate(path).errors if f.code == "NGFF818"]
    assert "expected one axis of type 'displacement'" in axes.message


# --- scenes -----------------------------------------------------------------------------


def _scene(path: Path, refs: list[tuple[str, str]]) -> None:
    tile = nz.to_multiscales(nz.to_ngff_image(np.ones((8, 8), "uint8")), scale_factors=[])
    world = CoordinateSystem("world", [Axis("y", "space"), Axis("x", "space")])
    place = [
        Translation([0.0, 8.0 * k], input=Ref(path=image, name="physical"),
                    output=Ref(name=output))
        for k, (image, output) in enumerate(refs)
    ]  # fmt: skip
    images = {image: tile for image, _ in refs}
    nz.to_ngff_scene(path, nz.NgffScene(images, place, [world]))


def _edit_scene(path: Path, edit: Any) -> None:
    meta = path / "zarr.json"
    doc = json.loads(meta.read_text("utf-8"))
    edit(doc["attributes"]["ome"]["scene"])
    meta.write_text(json.dumps(doc), "utf-8")


def test_valid_scene_has_no_errors(tmp_path: Path) -> None:
    path = tmp_path / "scene.ome.zarr"
    _scene(path, [("left", "world"), ("right", "world")])
    assert _errors(path) == []


def test_scene_naming_a_system_its_image_lacks(tmp_path: Path) -> None:
    path = tmp_path / "scene.ome.zarr"
    _scene(path, [("left", "world"), ("right", "world")])
    _edit_scene(path, lambda s: s["coordinateTransformations"][1]["input"].update(name="nope"))
    errors = [f for f in nz.validate(path).errors if f.code == "NGFF802"]
    assert len(errors) == 1
    assert errors[0].field == "ome.scene.coordinateTransformations[1].input.name"
    assert "'right'" in errors[0].message and "'nope'" in errors[0].message
    assert "physical" in errors[0].message  # the systems the image has


def test_scene_output_to_a_missing_scene_system(tmp_path: Path) -> None:
    path = tmp_path / "scene.ome.zarr"
    _scene(path, [("left", "world")])
    _edit_scene(path, lambda s: s["coordinateTransformations"][0]["output"].update(name="moon"))
    fields = [f.field for f in nz.validate(path).errors if f.code == "NGFF802"]
    assert fields == ["ome.scene.coordinateTransformations[0].output.name"]  # reported once


def test_scene_image_missing_or_not_an_image(tmp_path: Path) -> None:
    path = tmp_path / "scene.ome.zarr"
    _scene(path, [("left", "world"), ("right", "world")])
    shutil.rmtree(path / "right")
    zarr.open_group(path / "left", mode="w", zarr_format=3)  # a plain group now
    found = sorted((f.code, f.path) for f in nz.validate(path).errors)
    assert ("NGFF802", "left/zarr.json") in found  # not an image
    assert ("NGFF802", "right/zarr.json") in found  # missing
    assert {code for code, _ in found} == {"NGFF002", "NGFF802"}, found  # 002: no metadata


def test_scene_image_that_is_itself_invalid(tmp_path: Path) -> None:
    path = tmp_path / "scene.ome.zarr"
    _scene(path, [("left", "world")])
    shutil.rmtree(path / "left" / next(p.name for p in (path / "left").iterdir() if p.is_dir()))
    codes = {(f.code, f.path.split("/")[0]) for f in nz.validate(path).errors}
    assert ("NGFF301", "left") in codes  # its level array is gone
