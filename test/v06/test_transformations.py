"""The 0.6 transformation types: round trips, the specification's worked examples, inverses."""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ngff_zarr.errors import InvalidMetadataError, NgffValueError
from ngff_zarr.v06.transformations import (
    Affine,
    Bijection,
    ByDimension,
    ByDimensionItem,
    Coordinates,
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
    transformation_types,
)

IO = {"input": {"name": "in"}, "output": {"name": "out"}, "name": "t"}

# one document per type, as the specification writes them (input/output/name on some)
DOCUMENTS: list[dict[str, Any]] = [
    {"type": "identity", **IO},
    {"type": "mapAxis", "mapAxis": [1, 0], **IO},
    {"type": "projectAxis", "droppedInputs": [0], "createdOutputs": [0], **IO},
    {"type": "projectAxis", "createdOutputs": [0, 1]},
    {"type": "translation", "translation": [9, -1.42], **IO},
    {"type": "scale", "scale": [2, 3.12], "input": {"path": "s0"}, "output": {"name": "out"}},
    {"type": "affine", "affine": [[1, 2, 3], [4, 5, 6]], **IO},
    {"type": "affine", "path": "coordinateTransformations/affine", **IO},
    {"type": "rotation", "rotation": [[0, -1], [1, 0]], **IO},
    {"type": "rotation", "path": "rotation_params"},
    {
        "type": "sequence",
        "transformations": [
            {"type": "translation", "translation": [0.1, 0.9]},
            {"type": "scale", "scale": [2, 3]},
        ],
        **IO,
    },
    {"type": "displacements", "path": "dfield", "interpolation": "linear", **IO},
    {"type": "coordinates", "path": "cfield", **IO},
    {
        "type": "bijection",
        "forward": {"type": "coordinates", "path": "forward_coordinates"},
        "inverse": {"type": "coordinates", "path": "inverse_coordinates"},
        **IO,
    },
    {
        "type": "byDimension",
        "transformations": [
            {
                "transformation": {"type": "translation", "translation": [-1.0]},
                "inputAxes": [1],
                "outputAxes": [1],
            },
            {
                "transformation": {"type": "scale", "scale": [2.0]},
                "inputAxes": [0],
                "outputAxes": [0],
            },
        ],
        **IO,
    },
    {"type": "scale", "scale": [1, 1], "customField": {"kept": True}},
]


@pytest.mark.parametrize("doc", DOCUMENTS, ids=lambda d: d["type"])
def test_round_trip_is_exact(doc: dict[str, Any]) -> None:
    t = Transformation.from_dict(doc)
    assert t.type == doc["type"]
    assert t.to_dict() == doc
    assert Transformation.from_dict(t.to_dict()) == t


def test_every_specification_type_is_registered() -> None:
    assert set(transformation_types()) == {d["type"] for d in DOCUMENTS}
    assert len(transformation_types()) == 12


def test_subclass_from_dict_refuses_another_type() -> None:
    with pytest.raises(InvalidMetadataError, match=r"type: expected one of \['scale'\]"):
        Scale.from_dict({"type": "translation", "translation": [1.0]})


# --- the worked examples of the specification --------------------------------------------


def _apply(doc: dict[str, Any], point: list[float], **kwargs: Any) -> list[float]:
    result: list[float] = Transformation.from_dict(doc).apply(point, **kwargs).tolist()
    return result


def test_scale_and_translation_examples() -> None:
    assert _apply({"type": "scale", "scale": [2, 3.12]}, [1.0, 1.0]) == [2.0, 3.12]
    assert _apply({"type": "translation", "translation": [9, -1.42]}, [0, 0]) == [9.0, -1.42]


def test_affine_rows_are_outputs_and_the_last_column_translates() -> None:
    # y = 1*j + 2*i + 3, x = 4*j + 5*i + 6 for the input (j, i)
    assert _apply({"type": "affine", "affine": [[1, 2, 3], [4, 5, 6]]}, [1, 0]) == [4.0, 10.0]
    two_to_three = Affine([[1, 0, 0], [2, 3, 4], [5, 6, 7]])
    assert two_to_three.input_ndim() == 2
    assert two_to_three.apply([1.0, 1.0]).tolist() == [1.0, 9.0, 18.0]


def test_rotation_multiplies_column_vectors() -> None:
    assert _apply({"type": "rotation", "rotation": [[0, -1], [1, 0]]}, [1, 2]) == [-2.0, 1.0]


def test_map_axis_output_i_takes_input_map_axis_i() -> None:
    assert _apply({"type": "mapAxis", "mapAxis": [1, 0]}, [1, 2]) == [2.0, 1.0]
    assert MapAxis([2, 0, 1]).apply([10, 20, 30]).tolist() == [30.0, 10.0, 20.0]


def test_project_axis_examples() -> None:
    up = {"type": "projectAxis", "createdOutputs": [0, 1]}  # (i, j) -> (c, z, y, x)
    assert _apply(up, [3, 4]) == [0.0, 0.0, 3.0, 4.0]
    swap = {"type": "projectAxis", "createdOutputs": [0], "droppedInputs": [0]}  # (c,i,j)->(z,y,x)
    assert _apply(swap, [7, 3, 4]) == [0.0, 3.0, 4.0]
    assert ProjectAxis(droppedInputs=[1, 2]).apply([1, 2, 3, 4]).tolist() == [1.0, 4.0]


def test_sequence_applies_its_first_member_first() -> None:
    seq = {
        "type": "sequence",
        "transformations": [
            {"type": "translation", "translation": [0.1, 0.9]},
            {"type": "scale", "scale": [2, 3]},
        ],
    }
    assert np.allclose(_apply(seq, [0, 0]), [0.2, 2.7])


def test_by_dimension_examples() -> None:
    t = ByDimension(
        [ByDimensionItem(Translation([-1.0]), [1], [1]), ByDimensionItem(Scale([2.0]), [0], [0])]
    )
    assert t.apply([3.0, 3.0]).tolist() == [6.0, 2.0]
    # byDimension2: (l, j, k, i) -> (z, y, x)
    t2 = ByDimension(
        [
            ByDimensionItem(Translation([0.5, 1.5]), [3, 2], [1, 2]),
            ByDimensionItem(Scale([2.0]), [1], [0]),
        ]
    )
    assert t2.apply([1.0, 2.0, 3.0, 4.0]).tolist() == [4.0, 4.5, 4.5]
    matrix = t2.affine_matrix(4)
    assert matrix is not None
    assert np.allclose(matrix[:-1] @ [1, 2, 3, 4, 1], [4.0, 4.5, 4.5])


def test_by_dimension_passes_unproduced_axes_through() -> None:
    t = ByDimension([ByDimensionItem(Scale([2.0]), [0], [0])])
    assert t.output_ndim(3) == 1
    three = ByDimension(
        [ByDimensionItem(Scale([2.0]), [0], [0]), ByDimensionItem(Identity(), [2], [2])]
    )
    assert three.apply([1.0, 5.0, 7.0]).tolist() == [2.0, 5.0, 7.0]


def test_displacement_field_example() -> None:
    field = Field(values=[[-1.0], [0.0], [1.0]], scale=(2.0,))  # x = 2 * index
    t = Displacements("displacements", interpolation="linear")
    assert t.apply([1.0], arrays={"displacements": field}).tolist() == [0.5]
    assert t.output_ndim(1) == 1 and t.affine_matrix(1) is None


def test_coordinate_field_example_with_half_open_nearest_samples() -> None:
    t = Coordinates("i2x", interpolation="nearest")
    points = [[-3.0], [0.49], [0.5], [1.49], [1.5], [9.0]]
    assert t.apply(points, arrays={"i2x": [[-9.0], [9.0], [0.0]]})[:, 0].tolist() == [
        -9.0,
        -9.0,
        9.0,
        9.0,
        0.0,
        0.0,
    ]


def test_bijection_applies_forward_and_inverts_to_its_inverse() -> None:
    doc = DOCUMENTS[13]
    t = Transformation.from_dict(doc)
    fields = {"forward_coordinates": [[10.0], [20.0]], "inverse_coordinates": [[0.0], [1.0]]}
    assert t.apply([1.0], arrays=fields).tolist() == [20.0]
    back = t.invert()
    assert isinstance(back, Bijection) and back.input == t.output and back.output == t.input
    assert back.apply([20.0], arrays=fields).tolist() == [1.0]


# --- fields -------------------------------------------------------------------------------


def test_linear_field_reproduces_a_bilinear_function_exactly() -> None:
    ys, xs = np.meshgrid(np.arange(4.0), np.arange(5.0), indexing="ij")
    values = np.stack([1 + 2 * ys + 3 * xs + 0.5 * ys * xs, -ys], axis=-1)
    field = Field(values=values, scale=(0.5, 2.0), translation=(10.0, -1.0))
    points = np.array([[10.25, 0.0], [11.0, 3.5], [10.0, -1.0]])
    index = (points - [10.0, -1.0]) / [0.5, 2.0]
    expected = 1 + 2 * index[:, 0] + 3 * index[:, 1] + 0.5 * index[:, 0] * index[:, 1]
    assert np.allclose(field.sample(points)[:, 0], expected)
    assert np.allclose(field.sample(points)[:, 1], -index[:, 0])


def test_field_uses_the_edge_sample_outside_its_grid() -> None:
    field = Field(values=[[1.0], [3.0]])
    assert field.sample([[-5.0], [0.5], [7.0]]).tolist() == [[1.0], [2.0], [3.0]]


def test_field_errors_name_the_argument() -> None:
    with pytest.raises(NgffValueError, match="values: expected one axis per input axis"):
        Field(values=[1.0, 2.0])
    with pytest.raises(NgffValueError, match=r"scale: expected 1 values \(one per grid axis\)"):
        Field(values=[[1.0]], scale=(1.0, 2.0))
    with pytest.raises(NgffValueError, match=r"interpolation: expected one of \['linear', "):
        Field(values=[[1.0]]).sample([0.0], "cubic")
    with pytest.raises(NgffValueError, match="points: expected 1 coordinates per point"):
        Field(values=[[1.0]]).sample([0.0, 1.0])
    with pytest.raises(NgffValueError, match=r"arrays: .* arrays=\{'dfield': Field"):
        Displacements("dfield").apply([1.0])
    with pytest.raises(NgffValueError, match=r"arrays\['d'\]: expected 1 displacement components"):
        Displacements("d").apply([1.0], arrays={"d": [[1.0, 2.0]]})


def test_matrices_stored_in_arrays() -> None:
    t = Affine(path="m")
    with pytest.raises(NgffValueError, match=r"pass it loaded: arrays=\{'m': matrix\}"):
        t.apply([1.0, 1.0])
    arrays = {"m": np.array([[2.0, 0.0, 1.0], [0.0, 2.0, 1.0]])}
    assert t.apply([1.0, 1.0], arrays=arrays).tolist() == [3.0, 3.0]
    assert t.invert(arrays=arrays).apply([3.0, 3.0]).tolist() == [1.0, 1.0]
    r = Rotation(path="r")
    assert r.apply([1.0, 0.0], arrays={"r": [[0.0, -1.0], [1.0, 0.0]]}).tolist() == [0.0, 1.0]
    with pytest.raises(NgffValueError, match="exactly one"):
        Affine([[1.0, 0.0]], path="m")


# --- inverses -----------------------------------------------------------------------------

finite = st.floats(-100, 100, allow_nan=False)
nonzero = st.floats(0.1, 10) | st.floats(-10, -0.1)


@st.composite
def invertibles(draw: st.DrawFn, ndim: int, depth: int = 2) -> Transformation:
    """Random invertible transformations of ``ndim`` axes (composites up to ``depth``)."""
    kinds = ["identity", "mapAxis", "translation", "scale", "affine", "rotation"]
    if depth > 0:
        kinds += ["sequence", "bijection", "byDimension"]
    kind = draw(st.sampled_from(kinds))
    vec = st.lists(finite, min_size=ndim, max_size=ndim)
    if kind == "identity":
        return Identity()
    if kind == "mapAxis":
        return MapAxis(draw(st.permutations(range(ndim))))
    if kind == "translation":
        return Translation(draw(vec))
    if kind == "scale":
        return Scale(draw(st.lists(nonzero, min_size=ndim, max_size=ndim)))
    if kind in ("affine", "rotation"):
        seed = draw(st.integers(0, 2**32 - 1))
        q, r = np.linalg.qr(np.random.default_rng(seed).normal(size=(ndim, ndim)))
        q = q @ np.diag(np.sign(np.diag(r)))
        if np.linalg.det(q) < 0:
            q[:, 0] = -q[:, 0]
        if kind == "rotation":
            return Rotation(q.tolist())
        linear = q @ np.diag(draw(st.lists(st.floats(0.5, 2), min_size=ndim, max_size=ndim)))
        return Affine(np.column_stack([linear, draw(vec)]).tolist())
    if kind == "sequence":
        members = draw(st.lists(invertibles(ndim, 0), min_size=1, max_size=3))
        return TransformSequence(members)
    if kind == "bijection":
        forward = draw(invertibles(ndim, depth - 1))
        return Bijection(forward, forward.invert())
    order = draw(st.permutations(range(ndim)))
    cut = draw(st.integers(1, ndim))
    groups = [g for g in (order[:cut], order[cut:]) if g]
    outs = draw(st.permutations(range(ndim)))
    items, start = [], 0
    for group in groups:
        target = outs[start : start + len(group)]
        start += len(group)
        items.append(ByDimensionItem(draw(invertibles(len(group), depth - 1)), group, target))
    return ByDimension(items)


@settings(max_examples=150, deadline=None)
@given(data=st.data(), ndim=st.integers(1, 5))
def test_inverse_undoes_apply(data: st.DataObject, ndim: int) -> None:
    t = data.draw(invertibles(ndim))
    points = np.asarray(
        data.draw(st.lists(st.lists(finite, min_size=ndim, max_size=ndim), min_size=1, max_size=4))
    )
    mapped = t.apply(points)
    assert mapped.shape == points.shape
    assert np.allclose(t.invert().apply(mapped), points, atol=1e-6 * (1 + np.abs(points).max()))
    matrix = t.affine_matrix(ndim)  # every invertible type here is linear
    assert matrix is not None
    assert np.allclose(points @ matrix[:-1, :-1].T + matrix[:-1, -1], mapped, atol=1e-6)


@settings(max_examples=100, deadline=None)
@given(data=st.data(), ndim=st.integers(1, 5))
def test_json_round_trip_of_generated_transformations(data: st.DataObject, ndim: int) -> None:
    t = data.draw(invertibles(ndim))
    back = Transformation.from_dict(t.to_dict())
    assert back == t and back.to_dict() == t.to_dict()
    assert Transformation.from_dict(t.invert().to_dict()) == t.invert()


@settings(max_examples=50, deadline=None)
@given(data=st.data(), ndim=st.integers(1, 4))
def test_sequence_is_composition(data: st.DataObject, ndim: int) -> None:
    a, b = data.draw(invertibles(ndim, 1)), data.draw(invertibles(ndim, 1))
    point = np.asarray(data.draw(st.lists(finite, min_size=ndim, max_size=ndim)))
    assert np.allclose(TransformSequence([a, b]).apply(point), b.apply(a.apply(point)))


def test_invert_swaps_input_and_output() -> None:
    t = Transformation.from_dict({"type": "scale", "scale": [2, 4], **IO})
    back = t.invert()
    assert back.to_dict() == {
        "type": "scale",
        "scale": [0.5, 0.25],
        "input": {"name": "out"},
        "output": {"name": "in"},
    }


@pytest.mark.parametrize(
    ("t", "message"),
    [
        (ProjectAxis(createdOutputs=[0]), "projectAxis transformation: has no closed-form inverse"),
        (Displacements("d", name="warp"), "displacements transformation 'warp': has no closed"),
        (Coordinates("c"), "coordinates transformation: has no closed-form inverse"),
        (Affine([[1.0, 2.0, 0.0], [2.0, 4.0, 0.0]]), "the matrix is singular"),
        (Affine([[1.0, 0.0, 0.0]]), "only a square affine"),
        (Scale([0.0, 1.0]), r"scale: a zero factor has no inverse, got \[0.0, 1.0\]"),
        (MapAxis([0, 0]), r"mapAxis: expected a permutation of 0..1, got \[0, 0\]"),
        (TransformSequence([Scale([2.0]), Coordinates("c")]), "coordinates transformation"),
        (ByDimension([ByDimensionItem(Scale([2.0]), [0], [1])]), "exactly once"),
    ],
)
def test_invert_refuses_what_has_no_inverse(t: Transformation, message: str) -> None:
    with pytest.raises(NgffValueError, match=message):
        t.invert()


# --- errors -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("doc", "field", "message"),
    [
        ({"type": "scale"}, "ct.scale", "expected a list of numbers, it is missing"),
        ({"type": "scale", "scale": ["invalid"]}, "ct.scale", 'found ["invalid"]'),
        ({"type": "scale", "scale": [True]}, "ct.scale", "expected a list of numbers"),
        ({"type": "warp"}, "ct.type", "expected one of ['affine', 'bijection', "),
        ({"scale": [1]}, "ct.type", "expected a string, it is missing"),
        ({"type": "scale", "scale": [1], "input": "in"}, "ct.input", "the string 'in' (the form"),
        (
            {"type": "scale", "scale": [1], "output": {}},
            "ct.output.name",
            "a coordinate system name or a path",
        ),
        ({"type": "mapAxis", "mapAxis": [0, -1]}, "ct.mapAxis", "non-negative integers"),
        ({"type": "projectAxis"}, "ct.droppedInputs", "droppedInputs or createdOutputs"),
        ({"type": "affine"}, "ct.affine", "an inline 'affine' matrix or a 'path' (exactly one)"),
        ({"type": "rotation", "rotation": [0, 1]}, "ct.rotation", "a matrix"),
        ({"type": "displacements"}, "ct.path", "expected a string, it is missing"),
        (
            {"type": "coordinates", "path": "c", "interpolation": "bspline"},
            "ct.interpolation",
            "expected one of ['linear', 'nearest', 'cubic'], found \"bspline\"",
        ),
        (
            {
                "type": "sequence",
                "transformations": [
                    {"type": "scale", "scale": [1]},
                    {"type": "scale", "scale": "2"},
                ],
            },
            "ct.transformations[1].scale",
            "expected a list of numbers",
        ),
        ({"type": "bijection", "forward": {"type": "identity"}}, "ct.inverse", "it is missing"),
        (
            {"type": "byDimension", "transformations": [{"type": "scale", "scale": [2]}]},
            "ct.transformations[0].transformation",
            "expected a transformation object",
        ),
        (
            {
                "type": "byDimension",
                "transformations": [
                    {"transformation": {"type": "identity"}, "inputAxes": ["x"], "outputAxes": [0]}
                ],
            },
            "ct.transformations[0].inputAxes",
            "axis indices",
        ),
        ("scale", "ct", 'expected an object, found "scale"'),
    ],
)
def test_parse_errors_name_the_field(doc: Any, field: str, message: str) -> None:
    with pytest.raises(InvalidMetadataError) as info:
        Transformation.from_dict(doc, path="zarr.json", field="ct")
    assert info.value.field == field
    assert info.value.path == "zarr.json"
    assert message in str(info.value)
    assert str(info.value).startswith(f"zarr.json: {field}: ")


@pytest.mark.parametrize(
    ("t", "points", "message"),
    [
        (Scale([1.0, 2.0]), [1.0], "points: expected 2 coordinates per point"),
        (Affine([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]]), [1.0, 2.0, 3.0], "expected 2 coordinates"),
        (Rotation([[1.0, 0.0], [0.0, 1.0]]), [[[1.0]]], r"expected one point \(ndim,\)"),
        (ProjectAxis(droppedInputs=[4]), [1.0, 2.0], "expected droppedInputs below 2"),
        (ByDimension([ByDimensionItem(Scale([1.0]), [3], [0])]), [1.0], "inputAxes: expected"),
        (ByDimension([ByDimensionItem(Scale([1.0]), [0], [0, 1])]), [1.0], "outputAxes: expected"),
    ],
)
def test_apply_errors_name_the_argument(t: Transformation, points: Any, message: str) -> None:
    with pytest.raises(NgffValueError, match=message):
        t.apply(points)


def test_apply_keeps_the_shape_of_one_point() -> None:
    assert Scale([2.0]).apply([3.0]).shape == (1,)
    assert Scale([2.0]).apply([[3.0], [4.0]]).shape == (2, 1)
    assert Identity().affine_matrix(2).tolist() == np.eye(3).tolist()
