"""``ngff-zarr info`` on 0.6 stores, run as a real subprocess: coordinate systems,
transformations, and a scene's images and placements."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np

import ngff_zarr as nz
from ngff_zarr.v06.common import upgrade
from ngff_zarr.v06.coordinate_systems import Axis, CoordinateSystem
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.elementary import Translation
from ngff_zarr.v06.matrices import Affine


def _info(path: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-m", "ngff_zarr.cli", "info", str(path)],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout


def _image() -> nz.Multiscales:
    image = nz.to_ngff_image(
        np.zeros((8, 16, 16), "uint16"), dims=("z", "y", "x"),
        scale={"z": 2.0, "y": 0.5, "x": 0.5},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
    )  # fmt: skip
    return nz.to_multiscales(image, scale_factors=[2])


def test_info_shows_coordinate_systems_and_transformations(tmp_path: Path) -> None:
    ms = _image()
    md = upgrade(ms.metadata)
    md.coordinateSystems = [
        CoordinateSystem("world", [Axis("z", "space"), Axis("y", "space"), Axis("x", "space")])
    ]
    md.transformations = [
        Affine([[1, 0, 0, 5], [0, 1, 0, 0], [0, 0, 1, 0]], input=Ref(name="physical"),
               output=Ref(name="world"), name="to-world")
    ]  # fmt: skip
    path = tmp_path / "image.ome.zarr"
    nz.to_ngff_zarr(path, nz.Multiscales(images=ms.images, metadata=md, method=ms.method,
                                         chunks=ms.chunks), version="0.6")  # fmt: skip
    out = _info(path)
    assert "OME-Zarr version: 0.6" in out
    assert "physical: z (space, micrometer), y (space, micrometer), x (space, micrometer)" in out
    assert "world: z (space), y (space), x (space)" in out
    assert "scale: scale0/image -> physical" in out  # the levels' paths as written
    assert "sequence: scale1/image -> physical" in out  # scale, then the half-pixel shift
    assert "affine 'to-world': physical -> world" in out


def test_info_shows_a_scene_with_its_images_and_placements(tmp_path: Path) -> None:
    tile = _image()
    world = CoordinateSystem("world", [Axis("z", "space"), Axis("y", "space"), Axis("x", "space")])
    place = [
        Translation([0.0, 0.0, 0.0], input=Ref(path="left", name="physical"),
                    output=Ref(name="world")),
        Translation([0.0, 0.0, 8.0], input=Ref(path="right", name="physical"),
                    output=Ref(name="world")),
    ]  # fmt: skip
    path = tmp_path / "scene.ome.zarr"
    nz.to_ngff_scene(path, nz.NgffScene({"left": tile, "right": tile}, place, [world]))
    out = _info(path)
    assert out.startswith(f"OME-Zarr scene {path}")
    assert "world: z (space), y (space), x (space)" in out
    assert "images: 2" in out
    assert "left: shape (8, 16, 16), dims z, y, x, 2 levels, systems physical" in out
    assert "translation: right:physical -> world" in out
    assert "translation: left:physical -> world" in out
