"""The 0.4 multiscales spec mirror: parse and serialise, and errors that name the field."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ngff_zarr import InvalidMetadataError
from ngff_zarr.v04.axes import Axis, parse_axes
from ngff_zarr.v04.multiscales import Metadata, image_attributes, multiscale_to_dict
from ngff_zarr.v04.omero import Omero
from ngff_zarr.v04.transformations import Scale, Translation, json_number, parse_transformations


def _ms(**changes: Any) -> dict[str, Any]:
    doc: dict[str, Any] = {
        "version": "0.4",
        "name": "img",
        "axes": [{"name": "y", "type": "space"}, {"name": "x", "type": "space"}],
        "datasets": [
            {"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1, 1]}]}
        ],
    }
    doc.update(changes)
    return doc


def test_spec_examples_round_trip(ngff_spec: Path) -> None:
    folder = ngff_spec / "0.4" / "examples" / "multiscales_strict"
    for path in sorted(p for p in folder.glob("*.json") if not p.name.startswith(".")):
        # the official examples carry // comment lines (JSONC)
        text = "\n".join(
            line for line in path.read_text(encoding="utf-8").splitlines() if "//" not in line
        )
        attrs = json.loads(text)
        for multiscale in attrs["multiscales"]:
            metadata = Metadata.from_dict(
                multiscale, version="0.4", ndim=len(multiscale["axes"]), omero=attrs.get("omero")
            )
            written = multiscale_to_dict(metadata, with_version="0.4")
            for key in ("axes", "datasets", "name", "type"):
                if key in multiscale:
                    assert json.loads(json.dumps(written[key])) == multiscale[key], (path, key)


@pytest.mark.parametrize(
    ("changes", "field", "expected"),
    [
        ({"datasets": []}, "multiscales[0].datasets", "expected a non-empty list"),
        ({"datasets": [{"path": None}]}, "multiscales[0].datasets[0]", "'path'"),
        ({"axes": "yx"}, "multiscales[0].axes", "expected a list"),
        ({"axes": [{"name": 1}, {"name": "x"}]}, "multiscales[0].axes[0]", "string 'name'"),
        ({"axes": [{"name": "y", "type": 3}, {"name": "x"}]}, "axes[0].type", "a string"),
        ({"axes": [{"name": "y", "unit": 3}, {"name": "x"}]}, "axes[0].unit", "a string"),
        ({"axes": [{"name": "x"}, {"name": "x"}]}, "multiscales[0].axes", "unique axis names"),
        (
            {"datasets": [{"path": "0", "coordinateTransformations": {"type": "scale"}}]},
            "datasets[0].coordinateTransformations",
            "expected a list",
        ),
        (
            {"datasets": [{"path": "0", "coordinateTransformations": ["scale"]}]},
            "coordinateTransformations[0]",
            "expected an object",
        ),
        (
            {"datasets": [{"path": "0", "coordinateTransformations": [{"type": "affine"}]}]},
            "coordinateTransformations[0].type",
            "expected type 'scale' or 'translation'",
        ),
        (
            {"datasets": [{"path": "0", "coordinateTransformations": [
                {"type": "scale", "path": "s.bin"}]}]},
            "coordinateTransformations[0]",
            "stored in a file",
        ),
        (
            {"datasets": [{"path": "0", "coordinateTransformations": [
                {"type": "scale", "scale": [1, "a"]}]}]},
            "coordinateTransformations[0].scale",
            "list of finite numbers",
        ),
        (
            {"datasets": [{"path": "0", "coordinateTransformations": [
                {"type": "scale", "scale": [1, 1, 1]}]}]},
            "coordinateTransformations[0].scale",
            "expected 2 values",
        ),
    ],
)  # fmt: skip
def test_malformed_multiscales_name_the_field(
    changes: dict[str, Any], field: str, expected: str
) -> None:
    with pytest.raises(InvalidMetadataError) as caught:
        Metadata.from_dict(_ms(**changes), version="0.4", ndim=2, path="img/.zattrs")
    message = str(caught.value)
    assert message.startswith("img/.zattrs: ")
    assert field in message and expected in message, message
    assert message.count(field.split(".")[-1]) == 1 or "[" in field, message


def test_older_versions_and_defaults() -> None:
    implied = parse_axes(None, "0.2", 3)
    assert [a.name for a in implied] == ["z", "y", "x"]
    assert [a.type for a in implied] == ["space"] * 3
    assert [a.name for a in parse_axes(["t", "y", "x"], "0.3", 3)] == ["t", "y", "x"]
    with pytest.raises(InvalidMetadataError, match="2 to 5 dims"):
        parse_axes(None, "0.1", 6)
    with pytest.raises(InvalidMetadataError, match=r"axes: missing \(required since 0.3\)"):
        parse_axes(None, "0.3", 2)
    metadata = Metadata.from_dict(
        _ms(datasets=[{"path": "0"}], name=None, type="gaussian"), version="0.4", ndim=2
    )
    assert metadata.datasets[0].coordinateTransformations == [Scale([1.0, 1.0])]
    assert metadata.name == "image" and metadata.type == "gaussian"
    with pytest.raises(InvalidMetadataError, match="expected an object"):
        Metadata.from_dict(["not", "a", "dict"], version="0.4", ndim=2)


def test_transformations_and_numbers() -> None:
    parsed = parse_transformations(
        [{"type": "identity"}, {"type": "scale", "scale": [2, 3]},
         {"type": "translation", "translation": [0.5, 1]}], 2,
    )  # fmt: skip
    assert parsed == [Scale([2.0, 3.0]), Translation([0.5, 1.0])]
    assert parse_transformations(None, 2) == []
    assert json_number(2) == 2.0
    with pytest.raises(InvalidMetadataError, match="expected a finite number"):
        json_number(float("nan"))
    with pytest.raises(InvalidMetadataError, match="expected a finite number"):
        Scale([1.0, float("inf")]).to_dict()


def test_omero_parse_and_window_errors() -> None:
    assert Omero.from_dict(None) is None
    assert Omero.from_dict({"channels": "none"}) is None
    omero = Omero.from_dict(
        {"name": "o", "channels": [{"window": {"min": 0, "max": 10}, "label": 5}]}
    )
    assert omero is not None and omero.name == "o"
    channel = omero.channels[0]
    assert (channel.color, channel.label, channel.window.start, channel.window.end) == (
        "FFFFFF", "5", 0.0, 10.0,
    )  # fmt: skip
    with pytest.raises(InvalidMetadataError, match=r"omero\.channels\[0\]: expected an object"):
        Omero.from_dict({"channels": ["red"]})
    with pytest.raises(InvalidMetadataError, match=r"omero\.channels\[0\]\.window: expected"):
        Omero.from_dict({"channels": [{"window": {"min": "low"}}]})


def test_image_attributes_of_a_written_image() -> None:
    metadata = Metadata.from_dict(_ms(), version="0.4", ndim=2)
    metadata.omero = Omero.from_dict({"channels": [{"color": "FF0000", "window": {}}]})
    attrs = image_attributes(metadata)
    assert attrs["multiscales"][0]["version"] == "0.4"
    assert attrs["omero"]["channels"][0]["color"] == "FF0000"
    assert Axis("c", "channel").to_dict() == {"name": "c", "type": "channel"}
