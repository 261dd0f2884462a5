"""Chains of transformations between coordinate systems, and bounding boxes through them."""

from __future__ import annotations

import math

import numpy as np
import pytest

from ngff_zarr.errors import NgffValueError
from ngff_zarr.v06.bounding_boxes import BoundingBox, transform_bounding_box
from ngff_zarr.v06.coordinate_systems import CoordinateSystemIdentifier as Ref
from ngff_zarr.v06.graph import find_chain
from ngff_zarr.v06.transformations import (
    Affine,
    Bijection,
    Displacements,
    Field,
    Identity,
    MapAxis,
    ProjectAxis,
    Rotation,
    Scale,
    Transformation,
    TransformSequence,
    Translation,
)


def _image() -> list[Transformation]:
    """Two levels into 'physical', then physical -> world -> rotated, and a one-way field."""
    return [
        Scale([0.5, 0.5], input=Ref(path="s0"), output=Ref(name="physical")),
        TransformSequence(
            [Scale([1.0, 1.0]), Translation([0.25, 0.25])],
            input=Ref(path="s1"),
            output=Ref(name="physical"),
        ),
        Translation([10.0, 20.0], input=Ref(name="physical"), output=Ref(name="world")),
        Rotation([[0.0, -1.0], [1.0, 0.0]], input=Ref(name="world"), output=Ref(name="rotated")),
        Displacements("dfield", input=Ref(name="world"), output=Ref(name="warped")),
    ]


def test_chain_forwards_through_several_transformations() -> None:
    chain = find_chain(_image(), Ref(path="s0"), "rotated")
    assert chain.input == Ref(path="s0") and chain.output == Ref(name="rotated")
    assert [t.type for t in chain.transformations] == ["scale", "translation", "rotation"]
    assert all(t.input is None and t.output is None for t in chain.transformations)
    assert chain.apply([2.0, 4.0]).tolist() == [-22.0, 11.0]


def test_chain_backwards_uses_inverses() -> None:
    chain = find_chain(_image(), "rotated", Ref(path="s1"))
    point = np.array([3.0, 7.0])
    there = find_chain(_image(), Ref(path="s1"), "rotated").apply(point)
    assert np.allclose(chain.apply(there), point)
    # the nested sequence of s1 is spliced in: a sequence never holds a sequence
    assert not any(isinstance(t, TransformSequence) for t in chain.transformations)


def test_chain_between_two_levels_goes_through_the_intrinsic_system() -> None:
    chain = find_chain(_image(), Ref(path="s1"), Ref(path="s0"))
    assert chain.apply([1.0, 1.0]).tolist() == [2.5, 2.5]


def test_chain_follows_a_non_invertible_transformation_forwards_only() -> None:
    chain = find_chain(_image(), Ref(path="s0"), "warped")
    assert chain.transformations[-1].type == "displacements"
    field = Field(values=np.ones((3, 3, 2)), scale=(100.0, 100.0))
    assert chain.apply([0.0, 0.0], arrays={"dfield": field}).tolist() == [11.0, 21.0]
    with pytest.raises(NgffValueError) as info:
        find_chain(_image(), "warped", "world")
    message = str(info.value)
    assert "no chain of transformations from 'warped' to 'world'" in message
    assert "from 'warped' one reaches ['warped']" in message
    assert "can only be followed forwards: displacements transformation 'world' -> 'warped'" in (
        message
    )


def test_chain_through_a_bijection_backwards() -> None:
    b = Bijection(Scale([2.0]), Scale([0.5]), input=Ref(name="a"), output=Ref(name="b"))
    assert find_chain([b], "b", "a").apply([4.0]).tolist() == [2.0]


def test_chain_with_a_stored_matrix_inverts_it_given_the_array() -> None:
    t = Affine(path="m", input=Ref(name="a"), output=Ref(name="b"))
    arrays = {"m": [[2.0, 0.0, 1.0], [0.0, 2.0, 1.0]]}
    assert find_chain([t], "b", "a", arrays=arrays).apply([3.0, 3.0], arrays=arrays).tolist() == [
        1.0,
        1.0,
    ]
    with pytest.raises(NgffValueError, match="no chain"):
        find_chain([t], "b", "a")


def test_chain_to_itself_is_identity() -> None:
    chain = find_chain(_image(), "world", "world")
    assert [t.type for t in chain.transformations] == ["identity"]
    assert chain.apply([1.0, 2.0]).tolist() == [1.0, 2.0]


def test_chain_between_systems_of_other_groups() -> None:
    tiles = [
        Translation([0.0, 348.0], input=Ref(path="tile_1", name="physical"), output=Ref(name="w")),
        Translation([276.0, 0.0], input=Ref(path="tile_2", name="physical"), output=Ref(name="w")),
    ]
    chain = find_chain(
        tiles, Ref(path="tile_1", name="physical"), Ref(path="tile_2", name="physical")
    )
    assert chain.apply([0.0, 0.0]).tolist() == [-276.0, 348.0]


def test_chain_errors_name_what_is_missing() -> None:
    with pytest.raises(
        NgffValueError, match=r"source: expected a coordinate system .* got 'nowhere'"
    ):
        find_chain(_image(), "nowhere", "world")
    with pytest.raises(NgffValueError, match=r"target: .* one of \['physical', 'rotated', 's0'"):
        find_chain(_image(), "world", "elsewhere")
    with pytest.raises(NgffValueError, match=r"transformations\[0\]: expected input and output"):
        find_chain([Scale([1.0])], "a", "b")
    disjoint = [
        Identity(input=Ref(name="a"), output=Ref(name="b")),
        Identity(input=Ref(name="c"), output=Ref(name="d")),
    ]
    with pytest.raises(NgffValueError, match=r"from 'a' one reaches \['a', 'b'\]$"):
        find_chain(disjoint, "a", "d")


# --- bounding boxes -----------------------------------------------------------------------


def test_box_through_a_chain() -> None:
    chain = find_chain(_image(), Ref(path="s0"), "world")
    box = transform_bounding_box(chain, BoundingBox(lower=(0.0, 0.0), upper=(100.0, 50.0)))
    assert box == BoundingBox(lower=(10.0, 20.0), upper=(60.0, 45.0))


def test_box_through_a_rotation_bounds_every_corner() -> None:
    c = math.cos(math.pi / 4)
    box = transform_bounding_box(
        Rotation([[c, -c], [c, c]]), BoundingBox(lower=(-1.0, -1.0), upper=(1.0, 1.0))
    )
    assert np.allclose(box.lower, (-math.sqrt(2), -math.sqrt(2)))
    assert np.allclose(box.upper, (math.sqrt(2), math.sqrt(2)))


def test_box_through_axis_changes() -> None:
    box = BoundingBox(lower=(0.0, 1.0, 2.0), upper=(3.0, 4.0, 5.0))
    assert transform_bounding_box(MapAxis([2, 0, 1]), box) == BoundingBox(
        lower=(2.0, 0.0, 1.0), upper=(5.0, 3.0, 4.0)
    )
    assert transform_bounding_box(ProjectAxis(droppedInputs=[0]), box) == BoundingBox(
        lower=(1.0, 2.0), upper=(4.0, 5.0)
    )
    shear = Affine([[1.0, 1.0, 0.0, 0.0], [0.0, 1.0, 0.0, 0.0], [0.0, 0.0, 1.0, 0.0]])
    assert transform_bounding_box(shear, box).upper == (7.0, 4.0, 5.0)


def test_box_through_a_field_samples_the_box() -> None:
    # a displacement that bulges the middle of the segment [0, 4] outwards by 1
    field = Field(values=[[0.0], [0.0], [1.0], [0.0], [0.0]])
    box = BoundingBox(lower=(0.0,), upper=(2.0,))
    bulge = transform_bounding_box(Displacements("d"), box, arrays={"d": field}, samples=5)
    assert bulge == BoundingBox(lower=(0.0,), upper=(3.0,))
    corners_only = transform_bounding_box(Displacements("d"), box, arrays={"d": field}, samples=2)
    assert corners_only.upper == (3.0,)  # the corner 2.0 itself moves to 3.0


def test_box_errors() -> None:
    with pytest.raises(NgffValueError, match="upper: expected 2 values"):
        BoundingBox(lower=(0.0, 0.0), upper=(1.0,))
    with pytest.raises(NgffValueError, match="lower: expected lower <= upper"):
        BoundingBox(lower=(2.0,), upper=(1.0,))
    with pytest.raises(NgffValueError, match="samples: expected at least 2"):
        transform_bounding_box(Identity(), BoundingBox(lower=(0.0,), upper=(1.0,)), samples=1)
    with pytest.raises(NgffValueError, match=r"scale: expected 2 values \(one per input axis\)"):
        transform_bounding_box(Scale([1.0]), BoundingBox(lower=(0.0, 0.0), upper=(1.0, 1.0)))
