"""Every public signature of ngff-zarr 0.50 against ours: the same calls must work here.

The signatures are recorded as data (from /work/notes/ngff-zarr-050.md, the survey of 0.50's
installed package): name, kind and default of every parameter, in order. Every call written
for 0.50 must bind here to the same parameters: each of 0.50's parameters is here, at the same
position, of the same kind, with the same default. Ours may add optional parameters after
them (our own options), and may give a default to one 0.50 requires (every 0.50 call passes
it). A default that differs is listed in ``DEVIATIONS``, with the reason a 0.50 call still
gets what it asked for.
"""

from __future__ import annotations

import importlib
import inspect
from typing import Any, Final

import pytest

P = inspect.Parameter
POS = P.POSITIONAL_OR_KEYWORD
KW = P.KEYWORD_ONLY
VAR_KW = P.VAR_KEYWORD
REQUIRED: Final = inspect.Parameter.empty
FACTORY: Final = "<factory>"  # a dataclass default_factory (a fresh value each time)


def sig(*params: tuple[Any, ...]) -> list[tuple[str, Any, Any]]:
    """``(name,)``: required; ``(name, default)``; ``(name, default, kind)``."""
    out = []
    for p in params:
        name = p[0]
        default = p[1] if len(p) > 1 else REQUIRED
        kind = p[2] if len(p) > 2 else (VAR_KW if name.startswith("**") else POS)
        out.append((name.lstrip("*"), default, kind))
    return out


_WRITE = sig(
    ("store",), ("multiscales",), ("version", None), ("overwrite", True),
    ("use_tensorstore", False), ("chunk_store", None), ("progress", None),
    ("chunks_per_shard", None), ("scale_strategy", "pad"), ("metadata_only", False),
    ("start_level", 0), ("consolidate_metadata", True), ("**kwargs",),
)  # fmt: skip
_READ = sig(
    ("store",), ("validate", False), ("version", None), ("storage_options", None),
    ("kind", None),
)  # fmt: skip
_OMERO = [("quantiles", (0.02, 0.98)), ("colors", None), ("labels", None), ("dense", False)]

# "module:qualname" -> 0.50's parameters (self omitted)
SIGNATURES: Final[dict[str, list[tuple[str, Any, Any]]]] = {
    "ngff_zarr:to_ngff_image": sig(
        ("data",), ("dims", None), ("scale", None), ("translation", None), ("name", "image"),
        ("axes_units", None), ("channel_names", None),
    ),
    "ngff_zarr:to_multiscales": sig(
        ("data",), ("scale_factors", 128), ("method", None), ("chunks", None),
        ("progress", None), ("cache", None), ("orientation", None),
        ("axis_order", "canonical"),
    ),
    "ngff_zarr:to_ngff_zarr": _WRITE,
    "ngff_zarr:to_ome_zarr": _WRITE,
    "ngff_zarr:from_ngff_zarr": _READ,
    "ngff_zarr:from_ome_zarr": _READ,
    "ngff_zarr:update_root_attributes": sig(("store",), ("attributes",)),
    "ngff_zarr:open_array": sig(("store",), ("path", None), ("storage_options", None)),
    "ngff_zarr:upgrade_ome_zarr": sig(
        ("input",), ("output", None), ("version", "0.6", KW), ("validate", False, KW),
        ("storage_options", None, KW), ("overwrite", True, KW),
    ),
    "ngff_zarr:memory_usage": sig(("image",), ("constrained_dims", None)),
    "ngff_zarr:task_count": sig(("image",), ("constrained_dims", None)),
    "ngff_zarr:NgffImage": sig(
        ("data",), ("dims",), ("scale",), ("translation",), ("name", "image"),
        ("axes_units", None), ("axes_orientations", None), ("axes_types", None),
        ("channel_names", None), ("channel_colors", None), ("computed_callbacks", FACTORY),
    ),
    "ngff_zarr:NgffMultiscales": sig(
        ("images",), ("metadata",), ("scale_factors", None), ("method", None),
        ("chunks", None), ("generated_data_keys", None), ("root_attributes", None),
    ),
    "ngff_zarr:Metadata": sig(
        ("axes",), ("datasets",), ("coordinateTransformations",), ("omero", None),
        ("name", "image"), ("version", "0.4"), ("type", None), ("metadata", None),
        ("extra", FACTORY),
    ),
    "ngff_zarr:MethodMetadata": sig(("description",), ("method",), ("version",)),
    "ngff_zarr:Axis": sig(("name",), ("type",), ("unit", None), ("orientation", None)),
    "ngff_zarr:Dataset": sig(("path",), ("coordinateTransformations",)),
    "ngff_zarr:Scale": sig(("scale",), ("type", "scale")),
    "ngff_zarr:Translation": sig(("translation",), ("type", "translation")),
    "ngff_zarr:Identity": sig(("type", "identity")),
    "ngff_zarr:Omero": sig(("channels",)),
    "ngff_zarr:OmeroChannel": sig(("color",), ("window",), ("label", None)),
    "ngff_zarr:OmeroWindow": sig(("min",), ("max",), ("start",), ("end",)),
    "ngff_zarr:compute_omero_from_ngff_image": sig(("ngff_image",), *_OMERO),
    "ngff_zarr:compute_omero_from_multiscales": sig(("multiscales",), *_OMERO),
    "ngff_zarr:Plate": sig(
        ("columns",), ("rows",), ("wells",), ("version", "0.4"), ("acquisitions", None),
        ("field_count", None), ("name", None),
    ),
    "ngff_zarr:PlateAcquisition": sig(
        ("id",), ("name", None), ("maximumfieldcount", None), ("description", None),
        ("starttime", None), ("endtime", None),
    ),
    "ngff_zarr:PlateColumn": sig(("name",)),
    "ngff_zarr:PlateRow": sig(("name",)),
    "ngff_zarr:PlateWell": sig(("path",), ("rowIndex",), ("columnIndex",)),
    "ngff_zarr:Well": sig(("images",), ("version", "0.4")),
    "ngff_zarr:WellImage": sig(("path",), ("acquisition", None)),
    "ngff_zarr:HCSPlate": sig(
        ("store",), ("plate_metadata",), ("well_cache_size", None),
        ("image_cache_size", None), ("validate", False),
    ),
    "ngff_zarr:HCSPlate.get_well": sig(("row_name",), ("column_name",)),
    "ngff_zarr:HCSPlate.get_well_by_indices": sig(("row_index",), ("column_index",)),
    "ngff_zarr:HCSWell": sig(
        ("store",), ("well_path",), ("well_metadata",), ("well_group_metadata",),
        ("image_cache_size", None),
    ),
    "ngff_zarr:HCSWell.from_store": sig(
        ("store",), ("well_path",), ("well_metadata",), ("image_cache_size", None)
    ),
    "ngff_zarr:HCSWell.get_image": sig(("field_index", 0)),
    "ngff_zarr:HCSWell.get_image_by_acquisition": sig(("acquisition_id",), ("field_index", 0)),
    "ngff_zarr:HCSPlateWriter": sig(
        ("store",), ("plate_metadata",), ("version", None), ("overwrite", True)
    ),
    "ngff_zarr:HCSPlateWriter.write_well_image": sig(
        ("multiscales",), ("row_name",), ("column_name",), ("field_index", 0),
        ("acquisition_id", 0), ("well_metadata", None), ("**kwargs",),
    ),
    "ngff_zarr.hcs:LRUCache": sig(("max_size", 100)),
    "ngff_zarr:from_hcs_zarr": sig(
        ("store",), ("validate", False), ("well_cache_size", None), ("image_cache_size", None)
    ),
    "ngff_zarr:to_hcs_zarr": sig(("plate",), ("store",), ("overwrite", True)),
    "ngff_zarr:write_hcs_well_image": sig(
        ("store",), ("multiscales",), ("plate_metadata",), ("row_name",), ("column_name",),
        ("field_index", 0), ("acquisition_id", 0), ("well_metadata", None),
        ("version", "0.4"), ("**kwargs",),
    ),
    "ngff_zarr:validate": sig(
        ("ngff_dict",), ("version", "0.4"), ("model", "image"), ("strict", False)
    ),
    "ngff_zarr.validate:load_schema": sig(
        ("version", "0.4"), ("model", "image"), ("strict", False)
    ),
    "ngff_zarr:validate_structural": sig(("metadata",), ("options", None), ("version", None)),
    "ngff_zarr:validate_plate": sig(("plate",), ("options", None)),
    "ngff_zarr:validate_well": sig(("plate",), ("well",), ("options", None)),
    "ngff_zarr:ValidationError": sig(("rule",), ("message",), ("location", None)),
    "ngff_zarr:AnatomicalOrientation": sig(("value",), ("type", "anatomical")),
    "ngff_zarr:itk_lps_to_anatomical_orientation": sig(("axis_name",)),
    "ngff_zarr:itk_direction_to_anatomical_orientation": sig(("direction_column",)),
    "ngff_zarr:anatomical_orientation_to_itk_direction": sig(("orientation",)),
    "ngff_zarr:orientation_from_name": sig(("name",)),
    "ngff_zarr:add_anatomical_orientation_to_axis": sig(("axis_dict",), ("orientation",)),
    "ngff_zarr:remove_anatomical_orientation_from_axis": sig(("axis_dict",)),
    "ngff_zarr:is_ozx_path": sig(("path",)),
    "ngff_zarr:read_ozx_json_first": sig(("zip_path",)),
    "ngff_zarr:read_ozx_version": sig(("zip_path",)),
    "ngff_zarr:write_store_to_zip": sig(
        ("source_store",), ("zip_path",), ("version", "0.5"), ("compression", 0)
    ),
    "ngff_zarr.rfc9_zip:ZipReadStore": sig(("path",), ("prefix", ""), ("_shared", None)),
    "ngff_zarr:itk_image_to_ngff_image": sig(("itk_image",), ("add_anatomical_orientation", True)),
    "ngff_zarr:ngff_image_to_itk_image": sig(
        ("ngff_image",), ("wasm", True), ("t_index", None), ("c_index", None)
    ),
    "ngff_zarr:tiff_file_to_ngff_images": sig(
        ("tiff_path",), ("series", None), ("reuse_existing_pyramids", False)
    ),
    "ngff_zarr:codec_from_name": sig(("name",), ("level", None)),
    "ngff_zarr:get_available_codecs": sig(),
}  # fmt: skip

# Where ours differs from 0.50 in a way every call written for 0.50 still accepts:
# "key": {parameter: (our default, why)}.
DEVIATIONS: Final[dict[str, dict[str, tuple[Any, str]]]] = {
    "ngff_zarr:validate": {
        "version": (None, "None reads the version the document states (0.4 documents alike)"),
        "model": (None, "None checks every kind the document holds (an image alike)"),
    },
    "ngff_zarr:write_hcs_well_image": {
        # (plate_metadata, row_name, column_name are optional here: plate=, row=, column= are
        # our names for them, and without a plate the store's is read)
        "version": (None, "None is the stored plate's version (0.50: 0.4, which must match)"),
    },
}

# 0.50's top-level names that this package does not provide, and where they belong.
NOT_PROVIDED: Final[dict[str, str]] = {
    **dict.fromkeys(
        [
            "AxisType", "FieldTransformType", "declare_field_transform",
            "resample_bounding_box", "ResampleBoundingBox",
            "itk_transform_to_ngff_matrix", "itk_transform_to_ngff_transform",
            "ngff_transform_to_itk_transform", "itk_displacement_field_to_ngff_transform",
            "ngff_displacement_field_to_itk_transform", "convert_itk_field_block",
            "V06_ONDISK_VERSION", "v09",
        ],
        "OME-Zarr 0.6 transformations, scenes and fields (issue 11)",
    ),
    **dict.fromkeys(
        [
            "lif_to_ngff_image", "lif_file_to_ngff_images", "lif_to_hcs_plate",
            "has_mosaic_dimension", "nibabel_image_to_ngff_image",
            "extract_omero_metadata_from_nibabel",
        ],
        "microscope and medical file readers (issue 15); ours: read_image / read_images",
    ),
    **dict.fromkeys(
        ["cli_input_to_ngff_image", "detect_cli_io_backend", "ConversionBackend"],
        "internals of ngff-zarr's command line; ours is ngff_zarr.cli",
    ),
}  # fmt: skip


def _resolve(key: str) -> Any:
    module_name, _, qualname = key.partition(":")
    obj: Any = importlib.import_module(module_name)
    for part in qualname.split("."):
        obj = getattr(obj, part)
    return obj


def _parameters(obj: Any) -> list[inspect.Parameter]:
    params = list(inspect.signature(obj).parameters.values())
    if params and params[0].name in ("self", "cls"):
        params = params[1:]
    return params


def _default(param: inspect.Parameter, obj: Any) -> Any:
    import dataclasses

    if dataclasses.is_dataclass(obj):
        field = {f.name: f for f in dataclasses.fields(obj)}.get(param.name)
        if field is not None and field.default_factory is not dataclasses.MISSING:
            return FACTORY
    return param.default


@pytest.mark.parametrize("key", sorted(SIGNATURES))
def test_signature_accepts_every_050_call(key: str) -> None:
    obj = _resolve(key)
    ours = _parameters(obj)
    theirs = SIGNATURES[key]
    deviations = DEVIATIONS.get(key, {})
    by_name = {p.name: p for p in ours}
    for position, (name, default, kind) in enumerate(theirs):
        assert name in by_name, f"{key}: no parameter {name!r} (0.50 has it at {position})"
        param = by_name[name]
        if kind is POS:
            assert ours.index(param) == position, f"{key}: {name!r} is not at position {position}"
        assert param.kind == kind, f"{key}: {name!r} is {param.kind}, 0.50: {kind}"
        ours_default = _default(param, obj)
        if name in deviations:
            assert ours_default == deviations[name][0], f"{key}: {name!r} deviation changed"
        elif default is not REQUIRED:
            assert ours_default == default, (
                f"{key}: {name!r} defaults to {ours_default!r}, 0.50: {default!r}"
            )
    extra = [p for p in ours if p.name not in {n for n, _, _ in theirs}]
    for param in extra:  # our own options: optional, after 0.50's (positions checked above)
        assert param.kind is VAR_KW or param.default is not REQUIRED, (
            f"{key}: extra parameter {param.name!r} is required"
        )


def test_every_050_name_is_here_or_listed() -> None:
    """0.50's 110 names of __all__: each is provided, or listed with where it belongs."""
    import ngff_zarr

    names_050 = {
        key.split(":", 1)[1].split(".")[0] for key in SIGNATURES if key.startswith("ngff_zarr:")
    }
    names_050 |= {
        "Methods", "Multiscales", "ScaleStrategy", "NgffVersion", "SUPPORTED_VERSIONS",
        "config", "GLASBEY_COLORS", "LPS", "RAS", "AnatomicalOrientationValues", "SpecRule",
        "ValidationLevel", "ValidateOptions", "AxesType", "AxisUnit", "SpatialDims",
        "SupportedDims", "SpaceUnits", "TimeUnits", "Units", "Transform", "HCSWell",
        "__version__", "v04", "v06", "CoordinateSystem", "CoordinateSystemIdentifier",
        "Coordinates", "Displacements", "NgffScene", "resample",
    }  # fmt: skip
    missing = sorted(n for n in names_050 if not hasattr(ngff_zarr, n) and n not in NOT_PROVIDED)
    assert missing == [], f"0.50 names missing here: {missing}"
    provided_anyway = sorted(n for n in NOT_PROVIDED if hasattr(ngff_zarr, n))
    assert provided_anyway == [], f"now provided, move to SIGNATURES: {provided_anyway}"
    assert ngff_zarr.__all__ == sorted(ngff_zarr.__all__)
    assert set(ngff_zarr.__all__) <= set(dir(ngff_zarr))


def test_aliases_are_the_same_objects() -> None:
    import ngff_zarr as nz

    assert nz.Multiscales is nz.NgffMultiscales
    assert nz.to_ome_zarr is nz.to_ngff_zarr
    assert nz.from_ome_zarr is nz.from_ngff_zarr
    from ngff_zarr.v04 import zarr_metadata as v04
    from ngff_zarr.zarr_metadata import Metadata

    assert Metadata is v04.Metadata is nz.Metadata


MODULES = [
    "ngff_zarr.v04.zarr_metadata", "ngff_zarr.v05.zarr_metadata", "ngff_zarr.zarr_metadata",
    "ngff_zarr.hcs", "ngff_zarr.rfc4", "ngff_zarr.codecs", "ngff_zarr.methods",
    "ngff_zarr.validate", "ngff_zarr.rfc9_zip", "ngff_zarr.structural_validation",
    "ngff_zarr.memory_usage", "ngff_zarr.task_count", "ngff_zarr.upgrade_ome_zarr",
    "ngff_zarr.to_ngff_zarr", "ngff_zarr.from_ngff_zarr", "ngff_zarr.to_multiscales",
    "ngff_zarr.to_ngff_image", "ngff_zarr.multiscales", "ngff_zarr.ngff_image",
    "ngff_zarr.tiff_to_ngff_image", "ngff_zarr.itk_image_to_ngff_image",
    "ngff_zarr.ngff_image_to_itk_image", "ngff_zarr.compute_omero", "ngff_zarr.cli",
]  # fmt: skip


@pytest.mark.parametrize("name", MODULES)
def test_module_paths(name: str) -> None:
    import sys

    importlib.import_module(name)
    assert inspect.ismodule(sys.modules[name])


def test_module_contents() -> None:
    import ngff_zarr as nz
    from ngff_zarr.config import NgffZarrConfig, config
    from ngff_zarr.hcs import (  # noqa: F401
        HCSPlate,
        HCSPlateWriter,
        HCSWell,
        LRUCache,
        from_hcs_zarr,
        to_hcs_zarr,
        write_hcs_well_image,
    )  # fmt: skip
    from ngff_zarr.v04.zarr_metadata import (  # noqa: F401
        Plate,
        PlateAcquisition,
        PlateColumn,
        PlateRow,
        PlateWell,
        Well,
        WellImage,
    )  # fmt: skip

    assert isinstance(config, NgffZarrConfig) and nz.config is config
