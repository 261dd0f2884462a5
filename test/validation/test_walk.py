"""validate() on real stores: broken stores, arrays, labels, plates, hierarchy, CLI, reader."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr

from ngff_zarr import validate
from ngff_zarr.errors import NgffValidationError


def _multiscale(levels: int = 3, ndim: int = 3) -> dict[str, Any]:
    names = [("c", "channel"), ("z", "space"), ("y", "space"), ("x", "space")][-ndim:]
    if ndim == 2:
        names = [("y", "space"), ("x", "space")]
    axes = [
        {"name": n, "type": t, **({"unit": "micrometer"} if t == "space" else {})} for n, t in names
    ]
    return {
        "name": "img",
        "type": "local_mean",
        "metadata": {"method": "test"},
        "axes": axes,
        "datasets": [
            {
                "path": str(i),
                "coordinateTransformations": [
                    {
                        "type": "scale",
                        "scale": [1.0 if t == "channel" else 2.0**i for _, t in names],
                    }
                ],
            }
            for i in range(levels)
        ],
    }


def write_image(
    group: zarr.Group,
    *,
    version: str,
    shape: tuple[int, ...] = (2, 64, 48),
    levels: int = 3,
    dtype: str = "uint8",
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """A metadata-only image (arrays without chunks) written with zarr-python."""
    ms = _multiscale(levels, len(shape))
    names = [a["name"] for a in ms["axes"]]
    for i in range(levels):
        level = tuple(n if names[k] == "c" else max(1, n >> i) for k, n in enumerate(shape))
        kwargs = {"dimension_names": names} if version == "0.5" else {}
        group.create_array(str(i), shape=level, dtype=dtype, chunks=level, **kwargs)
    attrs: dict[str, Any] = {"multiscales": [ms], **(extra or {})}
    if version == "0.5":
        group.attrs.update({"ome": {"version": "0.5", **attrs}})
    else:
        ms["version"] = "0.4"
        group.attrs.update(attrs)
    return attrs


def _fmt(version: str) -> int:
    return 3 if version == "0.5" else 2


def _meta_key(version: str) -> str:
    return "zarr.json" if version == "0.5" else ".zattrs"


def _edit(path: Path, version: str, change: Callable[[dict[str, Any]], None]) -> None:
    """Rewrite the group metadata file with ``change`` applied to the multiscale object."""
    file = path / _meta_key(version)
    doc = json.loads(file.read_text(encoding="utf-8"))
    attrs = doc["attributes"]["ome"] if version == "0.5" else doc
    change(attrs["multiscales"][0])
    file.write_text(json.dumps(doc))


VERSIONS = pytest.mark.parametrize("version", ["0.4", "0.5"])


@VERSIONS
def test_valid_store_strict(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    write_image(zarr.open_group(path, mode="w", zarr_format=_fmt(version)), version=version)
    report = validate(path, strict=True)
    assert report.findings == (), str(report)
    assert report.valid
    assert report.version == version
    assert validate(zarr.open_group(path, mode="r")).valid
    assert validate(str(path)).valid


# --- broken stores: one test per case ------------------------------------------------------


@VERSIONS
def test_broken_malformed_json(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    write_image(zarr.open_group(path, mode="w", zarr_format=_fmt(version)), version=version)
    (path / _meta_key(version)).write_text('{"multiscales": [')
    report = validate(path)
    (error,) = report.errors
    assert error.code == "NGFF001"
    assert error.path == _meta_key(version)
    assert "malformed JSON" in error.message


@VERSIONS
def test_broken_missing_array(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    write_image(zarr.open_group(path, mode="w", zarr_format=_fmt(version)), version=version)
    shutil.rmtree(path / "1")
    report = validate(path)
    assert [(f.code, f.path) for f in report.errors] == [
        ("NGFF301", f"1/{'zarr.json' if version == '0.5' else '.zarray'}")
    ]


@VERSIONS
def test_broken_wrong_version_string(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    write_image(zarr.open_group(path, mode="w", zarr_format=_fmt(version)), version=version)
    file = path / _meta_key(version)
    doc = json.loads(file.read_text(encoding="utf-8"))
    if version == "0.5":
        doc["attributes"]["ome"]["version"] = "0.7"
    else:
        doc["multiscales"][0]["version"] = "4.0"
    file.write_text(json.dumps(doc))
    report = validate(path)
    assert [f.code for f in report.errors] == ["NGFF003"]
    assert report.errors[0].path == _meta_key(version)


@VERSIONS
def test_broken_scale_wrong_length(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    write_image(zarr.open_group(path, mode="w", zarr_format=_fmt(version)), version=version)

    def shorten(ms: dict[str, Any]) -> None:
        ms["datasets"][1]["coordinateTransformations"][0]["scale"] = [2.0, 2.0]

    _edit(path, version, shorten)
    report = validate(path)
    (error,) = report.errors
    assert error.code == "NGFF202"
    prefix = "ome." if version == "0.5" else ""
    assert error.field == f"{prefix}multiscales[0].datasets[1].coordinateTransformations[0].scale"
    assert "expected 3 values" in error.message


@VERSIONS
def test_broken_unknown_axis_type(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    write_image(zarr.open_group(path, mode="w", zarr_format=_fmt(version)), version=version)

    def retype(ms: dict[str, Any]) -> None:
        ms["axes"][0]["type"] = "wavelength"

    _edit(path, version, retype)
    report = validate(path)
    assert report.valid  # a custom type is allowed, but SHOULD be space/time/channel
    assert [f.code for f in report.warnings] == ["NGFF106"]
    assert "'wavelength'" in report.warnings[0].message
    assert [f.code for f in validate(path, strict=True).errors] == ["NGFF106"]


@VERSIONS
def test_reader_validate_true_raises_with_report(tmp_path: Path, version: str) -> None:
    from ngff_zarr import from_ngff_zarr

    path = tmp_path / "img.zarr"
    write_image(zarr.open_group(path, mode="w", zarr_format=_fmt(version)), version=version)
    from_ngff_zarr(path, validate=True)  # valid: no error
    shutil.rmtree(path / "2")
    with pytest.raises(NgffValidationError) as info:
        from_ngff_zarr(path, validate=True)
    assert "NGFF301" in info.value.report.codes


# --- data-level checks against arrays --------------------------------------------------------


@VERSIONS
def test_ndim_and_shrink_and_ratio(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    group = zarr.open_group(path, mode="w", zarr_format=_fmt(version))
    write_image(group, version=version, levels=3)
    kwargs: dict[str, Any] = {"dimension_names": ["z", "y", "x"]} if version == "0.5" else {}
    group.create_array("1", shape=(1, 80, 24), dtype="uint8", overwrite=True, **kwargs)  # y grows
    group.create_array(
        "2", shape=(1, 16, 20), dtype="uint8", overwrite=True, **kwargs
    )  # x: 20 != 12
    report = validate(path)
    # a level whose shape disagrees with its scale is read at a wrong size: an error
    assert {f.code for f in report.errors} == {"NGFF303", "NGFF304"}
    assert not report.warnings
    group.create_array("1", shape=(64, 48), dtype="uint8", overwrite=True)
    assert "NGFF302" in validate(path).codes


def test_dimension_names_must_match_axes(tmp_path: Path) -> None:
    path = tmp_path / "img.zarr"
    group = zarr.open_group(path, mode="w", zarr_format=3)
    write_image(group, version="0.5")
    group.create_array(
        "0", shape=(2, 64, 48), dtype="uint8", dimension_names=["z", "x", "y"], overwrite=True
    )
    report = validate(path)
    (error,) = report.errors
    assert error.code == "NGFF306"
    assert error.path == "0/zarr.json"


@VERSIONS
def test_labels(tmp_path: Path, version: str) -> None:
    path = tmp_path / "img.zarr"
    root = zarr.open_group(path, mode="w", zarr_format=_fmt(version))
    write_image(root, version=version)
    labels = root.create_group("labels")
    names = {"labels": ["cells", "nuclei", "ghost"]}
    labels.attrs.update({"ome": {"version": "0.5", **names}} if version == "0.5" else names)
    colors = {"image-label": {"colors": [{"label-value": 1, "rgba": [255, 0, 0, 255]}]}}
    if version == "0.4":
        colors["image-label"]["version"] = "0.4"
    write_image(labels.create_group("cells"), version=version, dtype="uint16", extra=colors)
    write_image(labels.create_group("nuclei"), version=version, dtype="float32", extra=colors)
    report = validate(path)
    codes = sorted((f.code, f.path.split("/")[1]) for f in report.errors)
    assert codes == [("NGFF401", "nuclei")] * 3 + [("NGFF402", "ghost")]


def test_version_consistent_within_hierarchy(tmp_path: Path) -> None:
    path = tmp_path / "img.zarr"
    root = zarr.open_group(path, mode="w", zarr_format=2)
    write_image(root, version="0.4")
    labels = root.create_group("labels")
    labels.attrs.update({"labels": ["old"]})
    label = labels.create_group("old")
    write_image(label, version="0.4", extra={"image-label": {"version": "0.3", "colors": []}})
    report = validate(path)
    assert "NGFF005" in {f.code for f in report.errors}


def test_zarr_format_must_match_version(tmp_path: Path) -> None:
    path = tmp_path / "img.zarr"
    group = zarr.open_group(path, mode="w", zarr_format=3)
    write_image(group, version="0.4")  # 0.4 attributes in a Zarr v3 store
    assert "NGFF006" in validate(path).codes


# --- plates --------------------------------------------------------------------------------


def write_plate(
    path: Path, version: str, *, rows: str = "AB", columns: int = 3, fields: int = 2
) -> None:
    root = zarr.open_group(path, mode="w", zarr_format=_fmt(version))
    wells = [
        {"path": f"{r}/{c + 1}", "rowIndex": i, "columnIndex": c}
        for i, r in enumerate(rows)
        for c in range(columns)
    ]
    plate = {
        "name": "p",
        "rows": [{"name": r} for r in rows],
        "columns": [{"name": str(c + 1)} for c in range(columns)],
        "acquisitions": [{"id": 0, "name": "a", "maximumfieldcount": fields}],
        "wells": wells,
    }
    well_meta = {"images": [{"path": str(f), "acquisition": 0} for f in range(fields)]}
    wrap = (lambda d: {"ome": {"version": "0.5", **d}}) if version == "0.5" else (lambda d: d)
    if version == "0.4":
        plate["version"] = well_meta["version"] = "0.4"  # type: ignore[assignment]
    root.attrs.update(wrap({"plate": plate}))
    for well in wells:
        group = root.require_group(well["path"])
        group.attrs.update(wrap({"well": well_meta}))
        for f in range(fields):
            write_image(group.create_group(str(f)), version=version, shape=(1, 16, 16), levels=2)


@VERSIONS
def test_plate_valid_then_missing_well_and_field(tmp_path: Path, version: str) -> None:
    path = tmp_path / "plate.zarr"
    write_plate(path, version)
    report = validate(path, strict=True)
    assert report.valid, str(report)
    shutil.rmtree(path / "A" / "2")
    shutil.rmtree(path / "B" / "3" / "1")
    report = validate(path)
    assert sorted((f.code, f.path) for f in report.errors) == [
        ("NGFF503", f"A/2/{'zarr.json' if version == '0.5' else '.zattrs'}"),
        ("NGFF504", f"B/3/1/{'zarr.json' if version == '0.5' else '.zattrs'}"),
    ]


def test_well_acquisition_must_exist_in_plate(tmp_path: Path) -> None:
    path = tmp_path / "plate.zarr"
    write_plate(path, "0.4", rows="A", columns=1, fields=1)
    file = path / "A" / "1" / ".zattrs"
    doc = json.loads(file.read_text(encoding="utf-8"))
    doc["well"]["images"][0]["acquisition"] = 7
    file.write_text(json.dumps(doc))
    report = validate(path)
    assert [f.code for f in report.errors] == ["NGFF508"]


# --- transports and CLI -------------------------------------------------------------------


@pytest.mark.network
def test_http_store(tmp_path: Path, http_server: Callable[[Path], str]) -> None:
    write_plate(tmp_path / "plate.zarr", "0.5", rows="A", columns=2, fields=1)
    base = http_server(tmp_path)
    assert validate(f"{base}/plate.zarr").valid
    shutil.rmtree(tmp_path / "plate.zarr" / "A" / "2" / "0" / "1")
    report = validate(f"{base}/plate.zarr")
    assert [f.code for f in report.errors] == ["NGFF301"]


def test_cli(tmp_path: Path, ngff_spec: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from ngff_zarr.cli import main

    good = tmp_path / "img.zarr"
    write_image(zarr.open_group(good, mode="w", zarr_format=2), version="0.4")
    assert main(["validate", str(good)]) == 0
    assert "valid" in capsys.readouterr().out
    bad = ngff_spec / "validator/test_samples/invalid/missing_min.zarr"
    assert main(["validate", str(good), str(bad)]) == 1
    out = capsys.readouterr().out
    assert "INVALID" in out
    assert "NGFF010" in out
    assert main(["validate", "--strict", "--json", str(good)]) == 0
    assert json.loads(capsys.readouterr().out)[0]["valid"] is True
    assert main(["validate", "--version", "0.5", str(good)]) == 1


def test_writer_output_is_strictly_valid(tmp_path: Path) -> None:
    from ngff_zarr import to_multiscales, to_ngff_image, to_ngff_zarr

    image = to_ngff_image(np.zeros((8, 32, 32), dtype="uint16"), dims=("z", "y", "x"))
    multiscales = to_multiscales(image, scale_factors=[2])
    for version in ("0.4", "0.5"):
        target = tmp_path / f"out{version}.zarr"
        to_ngff_zarr(target, multiscales, version=version)  # type: ignore[arg-type]
        report = validate(target, strict=True)
        assert report.valid, str(report)
        assert report.version == version
