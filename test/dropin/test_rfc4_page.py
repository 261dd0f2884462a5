"""ngff-zarr's "RFC-4 anatomical orientation" page (rfc4.md), example by example.

The page's command-line examples are in ``test_cli_page.py``; the ITK examples read a medical
image that ``conftest.py`` writes with ITK.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import dask.array as da
import numpy as np
import pytest

import ngff_zarr
import ngff_zarr as nz

pytestmark = pytest.mark.filterwarnings("ignore:builtin type .* has no __module__")

AXES_JSON = [
    {"name": "z", "type": "space", "unit": "micrometer",
     "orientation": {"type": "anatomical", "value": "inferior-to-superior"}},
    {"name": "y", "type": "space", "unit": "micrometer",
     "orientation": {"type": "anatomical", "value": "anterior-to-posterior"}},
    {"name": "x", "type": "space", "unit": "micrometer",
     "orientation": {"type": "anatomical", "value": "right-to-left"}},
]  # fmt: skip


def _written_axes(store: str) -> list[dict[str, object]]:
    root = json.loads(Path(store, "zarr.json").read_text(encoding="utf-8"))["attributes"]
    axes: list[dict[str, object]] = root["ome"]["multiscales"][0]["axes"]
    return axes


def test_orientation_keyword(workdir: Path) -> None:
    ngff_image = nz.to_ngff_image(
        np.zeros((8, 16, 16), np.uint8), axes_units=dict.fromkeys("zyx", "micrometer")
    )
    multiscales = ngff_zarr.to_multiscales(ngff_image, orientation="LPS")
    ngff_zarr.to_ngff_zarr(store="output.ome.zarr", multiscales=multiscales)
    assert _written_axes("output.ome.zarr") == AXES_JSON  # the page's "Metadata Format"
    # an image without orientation gets no orientation key
    plain = nz.to_multiscales(nz.to_ngff_image(np.zeros((8, 16, 16), np.uint8)))
    nz.to_ngff_zarr("plain.ome.zarr", plain)
    assert all("orientation" not in axis for axis in _written_axes("plain.ome.zarr"))


def test_itk_image_keeps_its_orientation(
    itk_volume: Callable[[str], np.ndarray],
) -> None:
    from itk import imread

    import ngff_zarr

    itk_volume("image.nrrd")
    image = imread("image.nrrd")
    ngff_image = ngff_zarr.itk_image_to_ngff_image(image, add_anatomical_orientation=True)
    multiscales = ngff_zarr.to_multiscales(ngff_image)
    ngff_zarr.to_ngff_zarr(store="output.ome.zarr", multiscales=multiscales)
    # the documented ITK mapping: x right-to-left, y anterior-to-posterior, z inferior-to-superior
    assert [a["orientation"]["value"] for a in _written_axes("output.ome.zarr")] == [
        "inferior-to-superior", "anterior-to-posterior", "right-to-left",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("constant", "values"),
    [
        ("LPS", ("right-to-left", "anterior-to-posterior", "inferior-to-superior")),
        ("RAS", ("left-to-right", "posterior-to-anterior", "inferior-to-superior")),
    ],
)
def test_lps_and_ras_constants(workdir: Path, constant: str, values: tuple[str, ...]) -> None:
    import dask.array as da

    import ngff_zarr as nz

    data = da.zeros((100, 100, 100))
    ngff_image = nz.NgffImage(
        data=data,
        dims=("z", "y", "x"),
        scale={"x": 1.0, "y": 1.0, "z": 1.0},
        translation={"x": 0.0, "y": 0.0, "z": 0.0},
        axes_orientations=getattr(nz, constant),
    )
    multiscales = nz.to_multiscales(ngff_image)
    nz.to_ngff_zarr(store="output.ome.zarr", multiscales=multiscales)
    # the page: the constant is equivalent to these orientation objects
    from ngff_zarr import AnatomicalOrientation

    assert getattr(nz, constant) == {
        "x": AnatomicalOrientation(type="anatomical", value=values[0]),
        "y": AnatomicalOrientation(type="anatomical", value=values[1]),
        "z": AnatomicalOrientation(type="anatomical", value=values[2]),
    }
    written = {a["name"]: a["orientation"]["value"] for a in _written_axes("output.ome.zarr")}
    assert written == dict(zip("xyz", values, strict=True))


def test_manual_orientation() -> None:
    from ngff_zarr import AnatomicalOrientation, AnatomicalOrientationValues, NgffImage

    x_orientation = AnatomicalOrientation(value=AnatomicalOrientationValues.right_to_left)
    y_orientation = AnatomicalOrientation(value=AnatomicalOrientationValues.anterior_to_posterior)
    z_orientation = AnatomicalOrientation(value=AnatomicalOrientationValues.inferior_to_superior)
    data = da.zeros((100, 100, 100))
    ngff_image = NgffImage(
        data=data,
        dims=("z", "y", "x"),
        scale={"x": 1.0, "y": 1.0, "z": 1.0},
        translation={"x": 0.0, "y": 0.0, "z": 0.0},
        axes_orientations={"x": x_orientation, "y": y_orientation, "z": z_orientation},
    )
    assert ngff_image.axes_orientations == ngff_zarr.LPS


def test_validation_and_conformance(workdir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The page's validate_structural example, on a store whose z and y share an axis."""
    image = nz.to_ngff_image(np.zeros((8, 16, 16), np.uint8))
    nz.to_ngff_zarr("image.ome.zarr", nz.to_multiscales(image, orientation="LPS"))
    root_path = Path("image.ome.zarr/zarr.json")
    root = json.loads(root_path.read_text(encoding="utf-8"))
    axes = root["attributes"]["ome"]["multiscales"][0]["axes"]
    axes[1]["orientation"]["value"] = "superior-to-inferior"  # y now repeats z's axis
    root_path.write_text(json.dumps(root), encoding="utf-8")

    from ngff_zarr import ValidationError, from_ngff_zarr, validate_structural

    multiscales = from_ngff_zarr("image.ome.zarr")
    try:
        validate_structural(multiscales.metadata.to_version("0.4"))
    except ValidationError as exc:
        print(exc.rule.value, exc.message)
    assert capsys.readouterr().out == (
        "axis-orientation-unique-axis Axes 'z' and 'y' describe the same anatomical axis; "
        "RFC 4 allows only one direction per axis.\n"
    )
