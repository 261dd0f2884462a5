"""RFC-4 anatomical orientation: vocabulary, presets, ITK directions, axis dicts."""

from __future__ import annotations

import pytest

import ngff_zarr as nz
from ngff_zarr import rfc4
from ngff_zarr.rfc4 import AnatomicalOrientation, AnatomicalOrientationValues


def test_the_24_values_are_strings() -> None:
    assert len(AnatomicalOrientationValues) == 24
    assert AnatomicalOrientationValues.left_to_right == "left-to-right"
    assert {v.value for v in AnatomicalOrientationValues} >= {"apex-to-base", "base-to-apex"}


def test_presets_as_documented() -> None:
    # the rfc4 page: LPS and RAS are equivalent to these dicts
    assert {
        "x": AnatomicalOrientation(type="anatomical", value="right-to-left"),  # type: ignore[arg-type]
        "y": AnatomicalOrientation(type="anatomical", value="anterior-to-posterior"),  # type: ignore[arg-type]
        "z": AnatomicalOrientation(type="anatomical", value="inferior-to-superior"),  # type: ignore[arg-type]
    } == nz.LPS
    assert {
        "x": AnatomicalOrientation(type="anatomical", value="left-to-right"),  # type: ignore[arg-type]
        "y": AnatomicalOrientation(type="anatomical", value="posterior-to-anterior"),  # type: ignore[arg-type]
        "z": AnatomicalOrientation(type="anatomical", value="inferior-to-superior"),  # type: ignore[arg-type]
    } == nz.RAS
    assert nz.orientation_from_name("LPS") == nz.LPS
    assert nz.orientation_from_name("ras") == nz.RAS
    assert nz.orientation_from_name("LPS") is not nz.LPS  # a copy: the preset stays as it is
    with pytest.raises(nz.NgffValueError, match=r"orientation: expected one of \['LPS', 'RAS'\]"):
        nz.orientation_from_name("XYZ")


def test_itk_directions() -> None:
    assert rfc4.itk_lps_to_anatomical_orientation("x") == nz.LPS["x"]
    assert rfc4.itk_lps_to_anatomical_orientation("c") is None
    to_orientation = rfc4.itk_direction_to_anatomical_orientation
    assert to_orientation([1, 0, 0]).value == "right-to-left"
    assert to_orientation([0, -0.9, 0.1]).value == "posterior-to-anterior"
    assert to_orientation([0, 0, -1]).value == "superior-to-inferior"
    to_direction = rfc4.anatomical_orientation_to_itk_direction
    assert to_direction(AnatomicalOrientationValues.left_to_right) == [-1.0, 0.0, 0.0]
    assert to_direction("inferior-to-superior") == [0.0, 0.0, 1.0]
    assert to_direction(AnatomicalOrientationValues.dorsal_to_ventral) is None
    with pytest.raises(nz.NgffValueError, match="direction_column: expected a non-zero"):
        to_orientation([0, 0, 0])


def test_axis_dicts() -> None:
    axis = {"name": "x", "type": "space"}
    same = rfc4.add_anatomical_orientation_to_axis(axis, nz.LPS["x"])
    assert same is axis
    assert axis["orientation"] == {"type": "anatomical", "value": "right-to-left"}
    assert rfc4.axes_orientations_from_axes([axis, {"name": "y"}]) == {"x": nz.LPS["x"]}
    assert rfc4.remove_anatomical_orientation_from_axis(axis) == {"name": "x", "type": "space"}
    assert rfc4.axes_orientations_from_axes([axis]) is None


def test_bad_orientation_values() -> None:
    with pytest.raises(nz.NgffValueError, match=r"orientation.value: expected one of \["):
        AnatomicalOrientation("sideways")  # type: ignore[arg-type]
    with pytest.raises(nz.NgffValueError, match=r"orientation.type: expected one of"):
        AnatomicalOrientation("left-to-right", type="spatial")  # type: ignore[arg-type]
    parsed = AnatomicalOrientation.from_dict({"type": "anatomical", "value": "apex-to-base"})
    assert parsed.value is AnatomicalOrientationValues.apex_to_base
