"""validate(): agreement with every official OME-NGFF case, and the report on real stores."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from _reports import report_of

from ngff_zarr import Severity, ValidationReport
from ngff_zarr.errors import UnsupportedVersionError

# Same location as the ngff_spec fixture of conftest.py (needed at collection time).
_SPEC = Path(os.environ.get("NGFF_ZARR_SHARED", Path(__file__).resolve().parents[2] / "shared"))
NGFF_SPEC = _SPEC / "ngff-spec"

# Official cases whose expected outcome contradicts a MUST of the specification text (listed in
# ../shared/ngff-spec/README.md, "Known upstream issues"). We follow the text; the code shows why.
OVERRIDES: dict[tuple[str, str, str], tuple[bool, str, str]] = {
    ("0.4", "image_suite", "valid/mismatch_axes_units.json"): (
        False,
        "NGFF202",
        "the scale has 2 values for 3 axes; each transformation MUST have one value per axis",
    ),
    **{
        ("0.4", suite, case): (
            False,
            "NGFF501",
            "well path is '<column>/<row>'; it MUST be '<row name>/<column name>' (fixed in 0.5)",
        )
        for suite, case in [
            ("plate_suite", "plate/minimal_no_acquisitions"),
            ("plate_suite", "plate/minimal_acquisitions"),
            ("plate_suite", "plate/non_alphanumeric_row"),
            ("strict_plate_suite", "plate/strict_no_acquisitions"),
            ("strict_plate_suite", "plate/strict_acquisitions"),
        ]
    },
}


def _suite_cases() -> list[Any]:
    cases = []
    for version in ("0.4", "0.5"):
        for suite in sorted((NGFF_SPEC / version / "tests").glob("*_suite.json")):
            tests = json.loads(suite.read_text(encoding="utf-8"))["tests"]
            for n, case in enumerate(tests):
                name = f"{version}-{suite.stem}-{n}-{case['formerly']}"
                cases.append(pytest.param(version, suite.stem, case, id=name))
    return cases


def _example_files() -> list[Any]:
    return [
        pytest.param(v, path, id=f"{v}-{path.parent.name}-{path.name}")
        for v in ("0.4", "0.5")
        for path in sorted((NGFF_SPEC / v / "examples").glob("*/*.json"))
        if path.name != ".config.json"
    ]


@pytest.mark.parametrize(("version", "suite", "case"), _suite_cases())
def test_official_suite_case(
    ngff_spec: Path, version: str, suite: str, case: dict[str, Any]
) -> None:
    strict = suite.startswith("strict_")  # the strict suites test the SHOULD rules
    expected = case["valid"]
    override = OVERRIDES.get((version, suite, case["formerly"]))
    if override is not None:
        expected, code, _reason = override
    report = report_of(case["data"], version=version, strict=strict)
    assert report.valid is expected, str(report)
    if override is not None:
        assert code in report.codes
    if not expected:
        assert report.errors
        assert all(f.code.startswith("NGFF") for f in report.errors)


def test_override_table_matches_official_files(ngff_spec: Path) -> None:
    """Every override names a real official case that is marked valid upstream."""
    for version, suite, name in OVERRIDES:
        tests = json.loads(
            (ngff_spec / version / "tests" / f"{suite}.json").read_text(encoding="utf-8")
        )["tests"]
        assert any(t["formerly"] == name and t["valid"] for t in tests), (version, suite, name)


@pytest.mark.parametrize(("version", "path"), _example_files())
def test_official_example_is_valid(ngff_spec: Path, version: str, path: Path) -> None:
    text = re.sub(
        r"//[^\n]*", "", path.read_text(encoding="utf-8")
    )  # the examples carry // comments
    document = json.loads(text)
    attrs = document["attributes"] if version == "0.5" else document
    strict = path.parent.name.endswith("_strict")
    report = report_of(attrs, strict=strict)
    assert report.valid, str(report)
    assert report.version == version


@pytest.mark.parametrize(
    "name",
    ["invalid_version.zarr", "missing_min.zarr", "no_version_v0.4.zarr", "no_version_v0.5.zarr"],
)
def test_validator_invalid_samples(ngff_spec: Path, name: str) -> None:
    store = ngff_spec / "validator" / "test_samples" / "invalid" / name
    report = report_of(store)
    assert not report.valid
    expected = {
        "invalid_version.zarr": "NGFF003",
        "missing_min.zarr": "NGFF010",
        "no_version_v0.4.zarr": "NGFF301",
        "no_version_v0.5.zarr": "NGFF002",
    }[name]
    assert expected in {f.code for f in report.errors}


def test_missing_min_names_file_and_field(ngff_spec: Path) -> None:
    report = report_of(ngff_spec / "validator/test_samples/invalid/missing_min.zarr")
    (error,) = report.errors
    assert error.path == ".zattrs"
    assert error.field == "omero.channels[0].window"
    assert "'min', 'max'" in error.message


# --- metadata documents ------------------------------------------------------------------


def _image04(**changes: Any) -> dict[str, Any]:
    ms: dict[str, Any] = {
        "version": "0.4",
        "name": "img",
        "type": "gaussian",
        "metadata": {"method": "test"},
        "axes": [
            {"name": "c", "type": "channel"},
            {"name": "y", "type": "space", "unit": "micrometer"},
            {"name": "x", "type": "space", "unit": "micrometer"},
        ],
        "datasets": [
            {"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1, 0.5, 0.5]}]},
            {"path": "1", "coordinateTransformations": [{"type": "scale", "scale": [1, 1.0, 1.0]}]},
        ],
    }
    ms.update(changes)
    return {"multiscales": [ms]}


def test_document_valid_and_version_detected() -> None:
    report = report_of(_image04(), strict=True)
    assert isinstance(report, ValidationReport)
    assert report.valid
    assert report.version == "0.4"
    assert report.findings == ()
    wrapped = {"ome": {"version": "0.5", "multiscales": _image04()["multiscales"]}}
    assert report_of(wrapped).version == "0.5"


@pytest.mark.parametrize(
    ("axes", "code"),
    [
        ([{"name": "x", "type": "space"}], "NGFF101"),
        (
            [{"name": "x", "type": "space"}, {"name": "x", "type": "space", "unit": "meter"}],
            "NGFF102",
        ),
        (
            [
                {"name": "y", "type": "space"},
                {"name": "t", "type": "time"},
                {"name": "x", "type": "space"},
            ],
            "NGFF103",
        ),
        ([{"name": "t", "type": "time"}, {"name": "x", "type": "space"}], "NGFF104"),
        (
            [
                {"name": "c", "type": "channel"},
                {"name": "a", "type": "angle"},
                {"name": "y", "type": "space"},
                {"name": "x", "type": "space"},
            ],
            "NGFF105",
        ),
    ],
)
def test_axis_rules(axes: list[dict[str, Any]], code: str) -> None:
    n = len(axes)
    datasets = [{"path": "0", "coordinateTransformations": [{"type": "scale", "scale": [1.0] * n}]}]
    report = report_of(_image04(axes=axes, datasets=datasets))
    assert code in {f.code for f in report.errors}, str(report)


def test_should_rules_are_warnings_and_strict_promotes_them() -> None:
    doc = _image04(
        axes=[
            {"name": "a", "type": "angle"},
            {"name": "y", "type": "space", "unit": "micron"},
            {"name": "x"},
        ]
    )
    del doc["multiscales"][0]["name"]
    doc["multiscales"][0]["axes"][2]["type"] = "space"
    report = report_of(doc)
    assert report.valid
    assert {f.code for f in report.warnings} == {"NGFF106", "NGFF108", "NGFF110"}
    strict = report_of(doc, strict=True)
    assert not strict.valid
    assert strict.warnings == ()
    assert {f.code for f in strict.errors} == {"NGFF106", "NGFF108", "NGFF110"}
    assert all(f.severity is Severity.ERROR for f in strict.findings)


def test_exactly_one_scale_and_lengths() -> None:
    two = [{"type": "scale", "scale": [1, 1, 1]}, {"type": "scale", "scale": [1, 1, 1]}]
    report = report_of(_image04(datasets=[{"path": "0", "coordinateTransformations": two}]))
    assert "NGFF201" in report.codes
    short = [
        {"type": "scale", "scale": [1, 1]},
        {"type": "translation", "translation": [0, 0, 0, 0]},
    ]
    report = report_of(_image04(datasets=[{"path": "0", "coordinateTransformations": short}]))
    lengths = [f for f in report.errors if f.code == "NGFF202"]
    assert [f.field for f in lengths] == [
        "multiscales[0].datasets[0].coordinateTransformations[0].scale",
        "multiscales[0].datasets[0].coordinateTransformations[1].translation",
    ]
    assert "expected 3 values" in lengths[0].message
    assert "found 2" in lengths[0].message


def test_requested_version_mismatch_and_unknown() -> None:
    assert "NGFF005" in report_of(_image04(), version="0.3").codes
    with pytest.raises(UnsupportedVersionError, match=r"0\.9"):
        report_of(_image04(), version="0.9")
    report = report_of({"ome": {"version": "0.7", "multiscales": []}})
    assert "NGFF003" in report.codes
    assert not report.valid


def test_older_versions() -> None:
    ms01 = {"version": "0.1", "name": "a", "datasets": [{"path": "0"}, {"path": "1"}]}
    assert report_of({"multiscales": [ms01]}).valid
    ms03 = {
        "version": "0.3",
        "name": "a",
        "axes": ["t", "z", "y", "x"],
        "datasets": [{"path": "0"}],
    }
    assert report_of({"multiscales": [ms03]}).valid
    ms03_bad = dict(ms03, axes=["y", "t", "x"])
    assert "NGFF103" in report_of({"multiscales": [ms03_bad]}).codes
    plate = {"plate": {"version": "0.2", "name": "p", "rows": [{"name": "A"}],
                       "columns": [{"name": "1"}], "wells": [{"path": "1/A"}]}}  # fmt: skip
    assert "NGFF501" in report_of(plate).codes


def test_no_ngff_metadata() -> None:
    report = report_of({"foo": 1})
    assert [f.code for f in report.errors] == ["NGFF002"]


def test_report_helpers_raise() -> None:
    from ngff_zarr.errors import NgffValidationError

    report = report_of({"well": {"images": []}})
    assert report.to_dict()["valid"] is False
    with pytest.raises(NgffValidationError) as info:
        report.raise_on_error()
    assert info.value.report is report
    report_of(_image04()).raise_on_error()  # valid: no error


def test_schemas_are_draft_2020_12_and_offline() -> None:
    from jsonschema import Draft202012Validator

    from ngff_zarr._validation.schema import SCHEMA_BASE, _registry, available_schemas

    pairs = available_schemas()
    for version in ("0.1", "0.2", "0.3", "0.4", "0.5"):
        assert {(version, k) for k in ("image", "label", "plate", "well")} <= pairs
    assert {("0.4", "bf2raw"), ("0.5", "bf2raw"), ("0.5", "ome")} <= pairs
    registry = _registry()
    for version, kind in pairs:
        schema = registry.contents(f"{SCHEMA_BASE}{version}/{kind}.schema.json")
        Draft202012Validator.check_schema(schema)
    # a reference outside the registry fails instead of being fetched
    from referencing.exceptions import Unresolvable

    with pytest.raises(Unresolvable):
        registry.resolver().lookup("https://ngff.openmicroscopy.org/0.4/schemas/image.schema")


DOC = Path(__file__).resolve().parents[1] / "docs" / "validation.md"


def test_docs_code_blocks_run_and_list_every_code(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ngff_zarr._validation.codes import CODES, RULE_NAMES

    monkeypatch.chdir(tmp_path)  # the page writes its example store in the working directory
    text = DOC.read_text(encoding="utf-8")
    blocks = re.findall(r"```python\n(.*?)```", text, re.S)
    assert blocks
    for block in blocks:
        exec(compile(block, str(DOC), "exec"), {})
    for code in CODES:
        assert f"`{code}`" in text, code
    package = Path(__file__).resolve().parents[1] / "ngff_zarr"
    used = set()
    for module in package.rglob("*.py"):
        used |= set(re.findall(r'"(NGFF\d{3})"', module.read_text(encoding="utf-8")))
    assert len(used) > 40  # the scan finds the codes the rules raise
    assert used <= set(CODES), used - set(CODES)
    assert set(RULE_NAMES) == set(CODES)


def _written_attrs(tmp_path: Path, version: str) -> dict[str, Any]:
    import numpy as np

    import ngff_zarr as nz

    image = nz.to_ngff_image(np.arange(1024, dtype="uint8").reshape(32, 32))
    path = tmp_path / f"v{version}.ome.zarr"
    nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version=version)
    if version == "0.4":
        attrs: dict[str, Any] = json.loads((path / ".zattrs").read_text(encoding="utf-8"))
    else:
        attrs = json.loads((path / "zarr.json").read_text(encoding="utf-8"))["attributes"]
    return attrs


def test_ngff_zarr_call_form(tmp_path: Path) -> None:
    """validate(ngff_dict, version, model, strict): returns when valid, raises when not."""
    import jsonschema

    from ngff_zarr import validate
    from ngff_zarr.errors import NgffValidationError, NgffValueError

    d4, d5 = _written_attrs(tmp_path, "0.4"), _written_attrs(tmp_path, "0.5")
    assert validate(d4).valid
    assert validate(d4, "0.4", "image", True).valid  # positional, as ngff-zarr orders them
    assert validate(d5, version="0.5", strict=True).valid
    assert validate(d5).version == "0.5"  # the stated version (ngff-zarr assumes 0.4 here)
    with pytest.raises(jsonschema.ValidationError):
        validate(d4, version="0.5")
    no_axes = json.loads(json.dumps(d4))
    del no_axes["multiscales"][0]["axes"]
    with pytest.raises(NgffValidationError) as info:
        validate(no_axes)
    assert isinstance(info.value, ValueError) and isinstance(info.value, jsonschema.ValidationError)
    assert "NGFF010" in info.value.report.codes
    bad_type = json.loads(json.dumps(d4))
    bad_type["multiscales"][0]["axes"][0]["type"] = 5
    with pytest.raises(jsonschema.ValidationError, match="axes"):
        validate(bad_type)
    with pytest.raises(UnsupportedVersionError):
        validate(d4, version="0.7")
    with pytest.raises(jsonschema.ValidationError, match="NGFF002"):
        validate({})
    # model selects the kind to check, and requires it
    with pytest.raises(jsonschema.ValidationError, match="expected plate metadata"):
        validate(d4, model="plate")
    with pytest.raises(NgffValueError, match=r"model: expected one of \['image'"):
        validate(d4, model="foo")


def test_load_schema() -> None:
    from ngff_zarr.errors import NgffValueError
    from ngff_zarr.validate import load_schema

    schema = load_schema()
    assert schema["$id"].endswith("/0.4/image.schema.json")
    assert load_schema("0.5", "well", strict=True)["$id"].endswith("/0.5/well.schema.json")
    with pytest.raises(UnsupportedVersionError, match=r"0\.7"):
        load_schema("0.7")
    with pytest.raises(NgffValueError, match="model"):
        load_schema("0.4", "foo")
