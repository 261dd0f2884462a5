"""Our 0.6 schemas and rules against every official 0.6 case and example, and exact round trips.

A document is valid for us when it has no violation of our schema of its kind and no rule error
(in strict mode: no rule warning either). The official files live in ``../shared/ngff-spec/0.6``
(``NGFF_ZARR_SHARED`` overrides ``../shared``); the tests skip when they are absent.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from ngff_zarr import validate
from ngff_zarr._validation.schema import schema_violations
from ngff_zarr.errors import InvalidMetadataError, NgffValidationError
from ngff_zarr.v06 import rules
from ngff_zarr.v06.multiscales import Image, Multiscale
from ngff_zarr.v06.scene import Scene
from ngff_zarr.v06.transformations import Transformation

_SHARED = Path(
    os.environ.get("NGFF_ZARR_SHARED", Path(__file__).resolve().parents[2].parent / "shared")
)
SPEC = _SHARED / "ngff-spec" / "0.6"
CASES = SPEC / "tests" / "attributes"
EXAMPLES = SPEC / "examples"

CHECKS: dict[str, Callable[[Any], list[rules.RuleFinding]]] = {
    "image": rules.check_v06_image,
    "label": rules.check_v06_label,
    "plate": rules.check_v06_plate,
    "well": rules.check_v06_well,
    "scene": rules.check_v06_scene,
    "bf2raw": lambda attrs: [],
    "series": lambda attrs: [],
}

_README = "listed in ngff-spec/README.md, 'Known upstream issues'"
_PLATE = (
    "the well path 'A/1' is '<column>/<row>' (row '1', column 'A'); it MUST be "
    "'<row name>/<column name>'. The README lists this defect for the 0.4 copies of these cases "
    "('fixed in 0.5'); the 0.6 copies still carry it, which the README's 0.6 section omits"
)

# Official cases whose expected outcome contradicts a MUST of the 0.6 text that JSON Schema
# cannot express: (our outcome, the rule code that decides it, why).
CASE_OVERRIDES: dict[str, tuple[bool, str, str]] = {
    "spec/valid/image/mismatch_axes_units.json": (
        False,
        "NGFF805",
        f"the scale has 2 values for 3 axes; its length MUST equal the number of axes ({_README})",
    ),
    "strict/valid/image/multiscales_example.json": (
        False,
        "NGFF803",
        f"dataset path '1' with input.path 's1'; input.path MUST equal the path ({_README})",
    ),
    "strict/valid/image/image_omero.json": (
        False,
        "NGFF802",
        f"a multiscale transformation's input 'intrinsic' is not a coordinate system ({_README})",
    ),
    **dict.fromkeys(
        (
            "spec/valid/plate/minimal_acquisitions.json",
            "spec/valid/plate/minimal_no_acquisitions.json",
            "spec/valid/plate/non_alphanumeric_row.json",
            "strict/valid/plate/strict_acquisitions.json",
            "strict/valid/plate/strict_no_acquisitions.json",
        ),
        (False, "NGFF501", _PLATE),
    ),
}

_UNCHECKED = (
    "the transformations/ and subspace/ examples name a schema that 0.6rc0 does not have, so "
    f"upstream never checks them ({_README})"
)

# Official examples that are not valid 0.6rc0 documents: the code that rejects each, and why.
EXAMPLE_OVERRIDES: dict[str, tuple[str, str]] = {
    "multiscales_strict/multiscales_example_relative.json": (
        "schema",
        f"a bare {{'multiscales': [...]}} without the attributes/ome wrapper ({_README})",
    ),
    "multiscales_strict/multiscales_reference_to_label.json": (
        "NGFF112",
        f"no 'metadata' (nor 'type'), which a strict image has ({_README})",
    ),
    "transformations/displacements/multiscales.json": (
        "schema",
        f"'ome' is the string '0.6rc0' instead of the namespace object ({_README})",
    ),
    "transformations/displacements/displacement_field.json": (
        "NGFF805",
        "the dataset scale has 2 values for the 3 axes (c, y, x) of 'physical'; its length MUST "
        "equal the number of axes. The README checked it against a schema only",
    ),
    "transformations/mapAxis1.json": (
        "schema",
        f"its first transformation has the pre-0.6rc0 string input/output; {_UNCHECKED}",
    ),
    "transformations/byDimensionXarray.json": (
        "schema",
        f"byDimension members without their 'transformation' (a draft form); {_UNCHECKED}",
    ),
    "transformations/sequenceSubspace1.json": (
        "NGFF805",
        "sequence members on subsets of the axes (a draft form, byDimension does this in "
        f"0.6rc0): the 1D scale does not fit the 2D sequence; {_UNCHECKED}",
    ),
    "transformations/bijection_verbose.json": (
        "NGFF802",
        "a lone transformation whose systems 'src' and 'tgt' are those of bijection.json "
        "(test_bijection_verbose_with_its_systems checks it with them)",
    ),
    # the specification shows these two as invalid byDimension transformations
    "transformations/byDimensionInvalid1.json": ("NGFF809", "invalid by the specification's text"),
    "transformations/byDimensionInvalid2.json": ("NGFF809", "invalid by the specification's text"),
}

# the kind whose strict schema an example folder's .config.json names
STRICT_KIND = {
    "label_strict": "label",
    "multiscales_strict": "image",
    "plate_strict": "plate",
    "well_strict": "well",
}
_KIND_KEYS = {
    "multiscales": "image",
    "image-label": "label",
    "plate": "plate",
    "well": "well",
    "scene": "scene",
    "bioformats2raw.layout": "bf2raw",
    "series": "series",
}


def _load(path: Path) -> Any:
    return json.loads(
        re.sub(r"//[^\n]*", "", path.read_text(encoding="utf-8"))
    )  # some examples are JSONC


def _files(root: Path) -> list[str]:
    if not root.is_dir():
        return []
    return sorted(
        str(p.relative_to(root)) for p in root.rglob("*.json") if p.name != ".config.json"
    )


def _codes(attrs: Any, kind: str, *, strict: bool) -> set[str]:
    """What rejects ``attrs`` as ``kind``: 'schema' for a schema violation, and rule codes."""
    codes = {"schema"} if schema_violations(attrs, "0.6", kind) else set()
    findings = CHECKS[kind](attrs)
    if kind == "label":  # the label's own rules; its multiscales are checked as an image
        findings = [f for f in findings if (f.field or "").startswith("ome.image-label")]
    return codes | {f.code for f in findings if f.severity == "error" or strict}


# --- the official test cases --------------------------------------------------------------


def _case(name: str) -> tuple[dict[str, Any], dict[str, Any], str]:
    doc = json.loads((CASES / name).read_text(encoding="utf-8"))
    conformance = doc.pop("_conformance", {})
    schema_id = conformance.get("schema", {}).get("id", f"schemas/{Path(name).parent.name}")
    kind = Path(schema_id).name.split(".")[0].removeprefix("strict_")
    return doc, conformance, kind


@pytest.mark.parametrize("name", _files(CASES))
def test_official_case(ngff_spec: Path, name: str) -> None:
    doc, conformance, kind = _case(name)
    expected = conformance.get("valid", True)
    override = CASE_OVERRIDES.get(name)
    if override is not None:
        expected = override[0]
    codes = _codes(doc, kind, strict=conformance.get("strict", False))
    assert (not codes) is expected, codes
    if override is not None:
        assert override[1] in codes


def _validate_codes(doc: dict[str, Any], *, strict: bool) -> set[str]:
    """The error codes of the public :func:`ngff_zarr.validate` (a document: raises on error)."""
    try:
        report = validate(doc, strict=strict)
    except NgffValidationError as exc:
        return {f.code for f in exc.report.errors}
    assert report.version == "0.6"
    return set()


@pytest.mark.parametrize("name", _files(CASES))
def test_official_case_through_validate(ngff_spec: Path, name: str) -> None:
    doc, conformance, _ = _case(name)
    expected = conformance.get("valid", True)
    override = CASE_OVERRIDES.get(name)
    if override is not None:
        expected = override[0]
    codes = _validate_codes(doc, strict=conformance.get("strict", False))
    assert (not codes) is expected, codes
    if override is not None:
        assert override[1] in codes


@pytest.mark.parametrize("version", ["0.6", "0.6rc0"])
def test_validate_reads_the_release_and_its_candidate(version: str) -> None:
    doc = json.loads(json.dumps(_MINIMAL))
    doc["ome"]["version"] = version
    assert _validate_codes(doc, strict=True) == set()


def test_validate_refuses_a_development_version_but_checks_it_as_0_6() -> None:
    doc = json.loads(json.dumps(_MINIMAL))
    doc["ome"]["version"] = "0.6.dev2"
    doc["ome"]["multiscales"][0]["datasets"][0]["coordinateTransformations"][0]["input"] = {
        "path": "elsewhere"
    }
    codes = _validate_codes(doc, strict=False)
    assert {"NGFF003", "NGFF803"} <= codes, codes


_MINIMAL: dict[str, Any] = {
    "ome": {
        "version": "0.6",
        "multiscales": [
            {
                "name": "image",
                "type": "local_mean",
                "metadata": {"method": "local_mean"},
                "coordinateSystems": [
                    {
                        "name": "physical",
                        "axes": [
                            {"name": "y", "type": "space", "unit": "micrometer"},
                            {"name": "x", "type": "space", "unit": "micrometer"},
                        ],
                    }
                ],
                "datasets": [
                    {
                        "path": "s0",
                        "coordinateTransformations": [
                            {
                                "type": "scale",
                                "scale": [0.5, 0.5],
                                "input": {"path": "s0"},
                                "output": {"name": "physical"},
                            }
                        ],
                    }
                ],
            }
        ],
    }
}


def test_case_overrides_name_valid_official_cases(ngff_spec: Path) -> None:
    for name in CASE_OVERRIDES:
        _, conformance, _ = _case(name)
        assert conformance.get("valid", True), name


def test_every_case_kind_has_a_schema_and_rules(ngff_spec: Path) -> None:
    names = _files(CASES)
    assert len(names) == 143
    assert {_case(n)[2] for n in names} == {"image", "label", "plate", "well", "scene"}


@pytest.mark.parametrize(
    "name", [n for n in _files(CASES) if "/valid/" in n and _case(n)[2] in ("image", "scene")]
)
def test_valid_case_round_trips_exactly(ngff_spec: Path, name: str) -> None:
    doc, _, kind = _case(name)
    if kind == "image":
        assert Image.from_attributes(doc).to_attributes() == doc
    else:
        assert Scene.from_attributes(doc).to_dict() == doc["ome"]["scene"]


# --- the official examples ----------------------------------------------------------------


def _example_attrs(name: str) -> Any:
    doc = _load(EXAMPLES / name)
    attrs = doc.get("attributes", doc)
    if "ome" not in attrs and "coordinateTransformations" in attrs:  # a coordinate-system fragment
        return {"ome": {"version": "0.6", "scene": attrs}}
    if "ome" not in attrs and "type" in attrs:  # a lone transformation
        return {"ome": {"version": "0.6", "scene": {"coordinateTransformations": [attrs]}}}
    return attrs


def _example_kinds(attrs: Any) -> list[str]:
    ome = attrs.get("ome")
    return [k for key, k in _KIND_KEYS.items() if isinstance(ome, dict) and key in ome] or ["image"]


@pytest.mark.parametrize("name", _files(EXAMPLES))
def test_official_example(ngff_spec: Path, name: str) -> None:
    attrs = _example_attrs(name)
    strict_kind = STRICT_KIND.get(Path(name).parent.name)
    codes = set().union(*(_codes(attrs, k, strict=k == strict_kind) for k in _example_kinds(attrs)))
    override = EXAMPLE_OVERRIDES.get(name)
    if override is None:
        assert not codes, codes
    else:
        assert override[0] in codes, codes


def test_example_count_and_overrides(ngff_spec: Path) -> None:
    names = _files(EXAMPLES)
    assert len(names) == 38
    assert set(EXAMPLE_OVERRIDES) <= set(names)


def test_bijection_verbose_with_its_systems(ngff_spec: Path) -> None:
    systems = _load(EXAMPLES / "transformations/bijection.json")["coordinateSystems"]
    lone = _load(EXAMPLES / "transformations/bijection_verbose.json")
    scene = {"coordinateSystems": systems, "coordinateTransformations": [lone]}
    attrs = {"ome": {"version": "0.6", "scene": scene}}
    assert _codes(attrs, "scene", strict=False) == set()


_UNREADABLE = {"transformations/mapAxis1.json", "transformations/byDimensionXarray.json"}


@pytest.mark.parametrize("name", _files(EXAMPLES))
def test_example_round_trips_exactly(ngff_spec: Path, name: str) -> None:
    doc = _load(EXAMPLES / name)
    attrs = doc.get("attributes", doc)
    ome = attrs.get("ome")
    objects: list[tuple[Any, Callable[[Any], Any]]] = []
    if isinstance(ome, dict) and "multiscales" in ome:
        objects.append((ome, lambda d: Image.from_dict(d).to_dict()))
    elif isinstance(ome, dict) and "scene" in ome:
        objects.append((ome["scene"], lambda d: Scene.from_dict(d).to_dict()))
    elif "coordinateTransformations" in attrs:
        objects.append((attrs, lambda d: Scene.from_dict(d).to_dict()))
    elif "type" in attrs:
        objects.append((attrs, lambda d: Transformation.from_dict(d).to_dict()))
    elif "multiscales" in attrs:  # the bare multiscales of two faulty examples
        objects += [(m, lambda d: Multiscale.from_dict(d).to_dict()) for m in attrs["multiscales"]]
    if not objects:
        pytest.skip("no 0.6 coordinate metadata (bioformats2raw, series, plate, well)")
    for obj, round_trip in objects:
        if name in _UNREADABLE:
            with pytest.raises(InvalidMetadataError):
                round_trip(obj)
        else:
            assert round_trip(obj) == obj
            assert json.dumps(round_trip(obj), sort_keys=True) == json.dumps(obj, sort_keys=True)
