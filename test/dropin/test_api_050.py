"""ngff-zarr 0.50's public API, as recorded from its installed package, against ours.

``data/ngff_zarr_050_api.json`` is written by ``record_050.py`` in an interpreter with
ngff-zarr 0.50.0 (``inspect.signature``, dataclass fields and enum members of every public
name of the package and of the modules its API reference documents). Every call written for
0.50 must bind here to the same parameters: each of 0.50's parameters is here, at the same
position, of the same kind, with the same default. Ours may add optional parameters after
them, and may give a default to one 0.50 requires. A default that differs is listed in
``DEVIATIONS`` with the reason a 0.50 call still gets what it asked for; a name not provided
is listed in ``NOT_PROVIDED`` with where it belongs.
"""

from __future__ import annotations

import importlib
import inspect
import json
import sys
from pathlib import Path
from typing import Any, Final

import pytest

API: Final[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "data" / "ngff_zarr_050_api.json").read_text(encoding="utf-8")
)
_MACHINE = "None: the environment's value or the default (0.50's is computed on import)"
_VALIDATE = {
    "version": ("None", "None reads the version the document states (0.4 documents alike)"),
    "model": ("None", "None checks every kind the document holds (an image alike)"),
}
_WELL_VERSION = {
    "version": ("None", "None is the stored plate's version (0.50: 0.4, which must match)")
}
# where ours differs in a way every 0.50 call still accepts: "module:name": {param: (ours, why)}
DEVIATIONS: Final[dict[str, dict[str, tuple[str, str]]]] = {
    "ngff_zarr:validate": _VALIDATE,
    "ngff_zarr.validate:validate": _VALIDATE,
    "ngff_zarr:write_hcs_well_image": _WELL_VERSION,
    "ngff_zarr.hcs:write_hcs_well_image": _WELL_VERSION,
    "ngff_zarr.config:NgffZarrConfig": dict.fromkeys(
        [
            "memory_target",
            "task_target",
            "cache_store",
            "hcs_image_cache_size",
            "hcs_well_cache_size",
        ],
        ("None", _MACHINE),
    ),
}
_V06 = "OME-Zarr 0.6 transformations, scenes and fields (issue 11)"
_READERS = "microscope and medical file readers (issue 15); ours: read_image / read_images"
_RULES = (
    "one function per structural rule: ours run them all in validate_structural / "
    "validate_plate / validate_well, each finding named by its SpecRule"
)
_METHODS = (
    "methods of the data class would make the data layer import the pipeline: "
    "to_ome_zarr(store, multiscales) and from_ome_zarr(store) are the same calls"
)
# 0.50's names provided here with this package's own 0.6 API, whose 0.50 call forms do not
# bind (a deviation, listed in the closing note of issue 11): they must exist
OTHER_API: Final[dict[str, str]] = dict.fromkeys(
    [
        "ngff_zarr:CoordinateSystemIdentifier", "ngff_zarr:Coordinates",
        "ngff_zarr:Displacements", "ngff_zarr:NgffScene", "ngff_zarr:resample",
    ],
    "the 0.6 model of ngff_zarr.v06 and ngff_zarr.scene (fields, not 0.50's 'type' field "
    "or 'fields' parameter; scenes are written by to_ngff_scene)",
)  # fmt: skip
# 0.50's names that this package does not provide, and why
NOT_PROVIDED: Final[dict[str, str]] = {
    **{f"ngff_zarr:{name}": _V06 for name in (
        "AxisType", "FieldTransformType", "declare_field_transform",
        "resample_bounding_box", "ResampleBoundingBox", "itk_transform_to_ngff_matrix",
        "itk_transform_to_ngff_transform", "ngff_transform_to_itk_transform",
        "itk_displacement_field_to_ngff_transform", "ngff_displacement_field_to_itk_transform",
        "convert_itk_field_block", "V06_ONDISK_VERSION", "v09", "axis_type",
        "transformation", "displacement_field_transform",
    )},
    **{f"ngff_zarr:{name}": _READERS for name in (
        "lif_to_ngff_image", "lif_file_to_ngff_images", "lif_to_hcs_plate",
        "has_mosaic_dimension", "nibabel_image_to_ngff_image",
        "extract_omero_metadata_from_nibabel",
    )},
    **{f"ngff_zarr:{name}": "internals of ngff-zarr's command line; ours is ngff_zarr.cli"
       for name in ("cli_input_to_ngff_image", "detect_cli_io_backend", "ConversionBackend")},
    "ngff_zarr:rich_dask_progress": (
        "rich progress bars of dask graphs: ours report the streamed write's own progress "
        "(to_ngff_zarr(progress=True))"
    ),
    **{f"ngff_zarr.structural_validation:{name}": _RULES for name in (
        "is_rfc3_axis_model_allowed", "is_rfc4_orientation_enforced", "validate_axis_count",
        "validate_axis_names_unique", "validate_axis_order", "validate_axis_orientation",
        "validate_axis_type", "validate_dataset_order", "validate_ome_namespace",
        "validate_omero_color_hex", "validate_per_dataset_scale_count",
        "validate_plate_well_index_consistency", "validate_scale_length",
        "validate_spatial_axis_order", "validate_transform_order", "validate_well_acquisition",
        "validate_zarr_format_for_version",
    )},
}  # fmt: skip
# enum members of 0.50 that ours lack, and why
MISSING_MEMBERS: Final[dict[str, tuple[set[str], str]]] = {
    "ngff_zarr:NgffVersion": ({"V09dev1"}, "0.9.dev1 is not read here"),
}
# signatures whose 0.50 positions ours do not keep, and why keyword calls (the documented
# form) bind the same
KEYWORD_ONLY_USE: Final[dict[str, str]] = {
    "ngff_zarr.v05.zarr_metadata:Metadata": (
        "0.5 reuses the 0.4 Metadata, whose `version` (the version a document was read at) "
        "comes before `type`; 0.50's 0.5 class has no version field"
    ),
}
# methods of 0.50's classes that ours do not have, and why
NO_METHOD: Final[dict[str, str]] = {
    f"{where}:{cls}.{method}": _METHODS
    for where in ("ngff_zarr", "ngff_zarr.multiscales")
    for cls in ("Multiscales", "NgffMultiscales")
    for method in ("to_ome_zarr", "from_ome_zarr")
}


def _entries() -> list[tuple[str, dict[str, Any]]]:
    out = [(f"ngff_zarr:{name}", entry) for name, entry in API["top"].items()]
    for module, names in API["modules"].items():
        out += [(f"{module}:{name}", entry) for name, entry in names.items()]
    return sorted(out, key=lambda item: item[0])


def _resolve(key: str, entry: dict[str, Any]) -> Any:
    module_name, _, name = key.partition(":")
    if entry["kind"] == "module":  # a submodule: imported, whatever was imported before
        return importlib.import_module(f"{module_name}.{name}")
    importlib.import_module(module_name)
    return getattr(sys.modules[module_name], name)


def _default(obj: Any, param: inspect.Parameter) -> str:
    import dataclasses

    if dataclasses.is_dataclass(obj) and inspect.isclass(obj):
        field = {f.name: f for f in dataclasses.fields(obj)}.get(param.name)
        if field is not None and field.default_factory is not dataclasses.MISSING:
            return "<factory>"
    return "<required>" if param.default is inspect.Parameter.empty else repr(param.default)


def _check_call(key: str, obj: Any, theirs: list[list[str]]) -> None:
    ours = [p for p in inspect.signature(obj).parameters.values() if p.name not in ("self", "cls")]
    by_name = {p.name: p for p in ours}
    deviations = DEVIATIONS.get(key, {})
    for position, (name, kind, default) in enumerate(theirs):
        assert name in by_name, f"{key}: no parameter {name!r} (0.50 has it at {position})"
        param = by_name[name]
        if kind == "POSITIONAL_OR_KEYWORD" and key not in KEYWORD_ONLY_USE:
            assert ours.index(param) == position, f"{key}: {name!r} is not at position {position}"
        assert param.kind.name == kind, f"{key}: {name!r} is {param.kind.name}, 0.50: {kind}"
        if name in deviations:
            assert _default(obj, param) == deviations[name][0], f"{key}: {name!r} deviation"
        elif default != "<required>":
            assert _default(obj, param) == default, (
                f"{key}: {name!r} defaults to {_default(obj, param)}, 0.50: {default}"
            )
    for param in ours:  # our own options: optional
        if param.name not in {name for name, _, _ in theirs}:
            assert param.kind.name.startswith("VAR_") or param.default is not param.empty, (
                f"{key}: extra parameter {param.name!r} is required"
            )


@pytest.mark.parametrize(("key", "entry"), _entries(), ids=[k for k, _ in _entries()])
def test_050_name(key: str, entry: dict[str, Any]) -> None:
    if key in NOT_PROVIDED:
        with pytest.raises((AttributeError, ImportError)):
            _resolve(key, entry)
        return
    obj = _resolve(key, entry)
    if key in OTHER_API:
        return
    kind = entry["kind"]
    if kind == "enum":
        members = {m.name: str(m.value) for m in obj}
        missing = MISSING_MEMBERS.get(key, (set(), ""))[0]
        assert missing.isdisjoint(members), f"{key}: now has {missing & members.keys()}"
        expected = {k: v for k, v in entry["members"].items() if k not in missing}
        assert expected.items() <= members.items(), f"{key}: members"
    elif kind in ("class", "function") and entry.get("parameters") is not None:
        _check_call(key, obj, entry["parameters"])
        if "fields" in entry:  # 0.50's fields first, in order; ours after them
            import dataclasses

            if dataclasses.is_dataclass(obj):
                fields = [f.name for f in dataclasses.fields(obj)]
                if key in KEYWORD_ONLY_USE:
                    assert set(entry["fields"]) <= set(fields), f"{key}: fields"
                else:
                    assert fields[: len(entry["fields"])] == entry["fields"], f"{key}: fields"
            else:  # a class of settings: each field is an attribute
                assert all(hasattr(obj, name) for name in entry["fields"]), f"{key}: fields"
        for method, parameters in entry.get("methods", {}).items():
            if f"{key}.{method}" in NO_METHOD:
                assert not hasattr(obj, method), f"{key}.{method}: now provided"
                continue
            assert hasattr(obj, method), f"{key}: no method {method!r}"
            if parameters is not None:
                _check_call(f"{key}.{method}", getattr(obj, method), parameters)
    elif kind == "module":
        assert inspect.ismodule(obj)


def test_the_recording_is_of_050() -> None:
    assert API["version"] == "0.50.0"
    assert len(API["top"]) >= 120  # every public name of the package, not a subset
