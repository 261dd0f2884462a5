"""The data model and the pipeline signatures are ngff-zarr 0.50's (its documented API)."""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import ngff_zarr as nz
from ngff_zarr import config
from ngff_zarr.v04.zarr_metadata import Axis, Metadata
from ngff_zarr.v05 import zarr_metadata as v05

# (name, default) of every parameter, in order, as ngff-zarr 0.50 documents them; ``inspect``
# marks a required parameter with ``inspect.Parameter.empty``
REQUIRED = inspect.Parameter.empty
SIGNATURES: dict[str, list[tuple[str, Any]]] = {
    "to_ngff_image": [
        ("data", REQUIRED), ("dims", None), ("scale", None), ("translation", None),
        ("name", "image"), ("axes_units", None), ("channel_names", None),
    ],
    "to_multiscales": [
        ("data", REQUIRED), ("scale_factors", 128), ("method", None), ("chunks", None),
        ("progress", None), ("cache", None), ("orientation", None), ("axis_order", "canonical"),
    ],
    "to_ngff_zarr": [
        ("store", REQUIRED), ("multiscales", REQUIRED), ("version", None), ("overwrite", True),
        ("use_tensorstore", False), ("chunk_store", None), ("progress", None),
        ("chunks_per_shard", None), ("scale_strategy", "pad"), ("metadata_only", False),
        ("start_level", 0), ("consolidate_metadata", True),
    ],
    "from_ngff_zarr": [
        ("store", REQUIRED), ("validate", False), ("version", None), ("storage_options", None),
        ("kind", None),
    ],
}  # fmt: skip


@pytest.mark.parametrize("name", sorted(SIGNATURES))
def test_pipeline_signature_is_ngff_zarrs(name: str) -> None:
    """Positional parameters and defaults match; our extra options come after, keyword-only."""
    function: Callable[..., Any] = getattr(nz, name)
    parameters = list(inspect.signature(function).parameters.values())
    documented = SIGNATURES[name]
    ours = [(p.name, p.default) for p in parameters[: len(documented)]]
    assert ours == documented
    assert all(
        p.kind is inspect.Parameter.POSITIONAL_OR_KEYWORD for p in parameters[: len(documented)]
    )
    extra = parameters[len(documented) :]
    assert all(
        p.kind in (inspect.Parameter.KEYWORD_ONLY, inspect.Parameter.VAR_KEYWORD) for p in extra
    )
    if name == "to_ngff_zarr":
        assert [p.name for p in extra] == [
            "memory_target", "storage_options", "omero", "backend", "kwargs",
        ]  # fmt: skip


def _fields(cls: type) -> list[str]:
    return [f.name for f in dataclasses.fields(cls)]


def test_dataclass_fields_in_ngff_zarrs_order() -> None:
    assert _fields(nz.NgffImage) == [
        "data", "dims", "scale", "translation", "name", "axes_units", "axes_orientations",
        "axes_types", "channel_names", "channel_colors", "computed_callbacks",
        "provenance",  # ours, after them
    ]  # fmt: skip
    assert _fields(nz.Multiscales) == [
        "images", "metadata", "scale_factors", "method", "chunks", "generated_data_keys",
        "root_attributes",
    ]  # fmt: skip
    assert nz.NgffMultiscales is nz.Multiscales
    assert _fields(Metadata) == [
        "axes", "datasets", "coordinateTransformations", "omero", "name", "version", "type",
        "metadata", "extra",
    ]  # fmt: skip
    assert _fields(Axis) == ["name", "type", "unit", "orientation"]
    assert nz.Metadata is Metadata and v05.Metadata is Metadata
    generated = next(
        f for f in dataclasses.fields(nz.Multiscales) if f.name == "generated_data_keys"
    )
    assert generated.repr is False and generated.compare is False


def test_documented_python_interface_example() -> None:
    """ngff-zarr's "Generate Multiscales" example: its documented values, from our objects."""
    data = np.arange(256 * 256, dtype=np.uint8).reshape(256, 256)
    image = nz.to_ngff_image(
        data, dims=["y", "x"], scale={"y": 1.0, "x": 1.0}, translation={"y": 0.0, "x": 0.0}
    )
    assert image.data.chunksize == (256, 256) and image.name == "image"
    multiscales = nz.to_multiscales(image, scale_factors=[2, 4], chunks=64)
    assert [im.data.shape for im in multiscales.images] == [(256, 256), (128, 128), (64, 64)]
    assert all(im.data.chunksize == (64, 64) for im in multiscales.images)
    assert [im.scale for im in multiscales.images] == [{"y": s, "x": s} for s in (1.0, 2.0, 4.0)]
    assert [im.translation for im in multiscales.images] == [
        {"y": t, "x": t} for t in (0.0, 0.5, 1.5)
    ]
    metadata = multiscales.metadata
    assert [(a.name, a.type, a.unit) for a in metadata.axes] == [
        ("y", "space", None),
        ("x", "space", None),
    ]
    assert [d.path for d in metadata.datasets] == ["scale0/image", "scale1/image", "scale2/image"]
    transforms = metadata.datasets[2].coordinateTransformations
    assert [t.type for t in transforms] == ["scale", "translation"]
    assert transforms[0].scale == [4.0, 4.0] and transforms[1].translation == [1.5, 1.5]  # type: ignore[union-attr]
    assert metadata.coordinateTransformations is None and metadata.name == "image"
    assert multiscales.scale_factors == [2, 4]
    assert multiscales.method is nz.Methods.ITKWASM_GAUSSIAN
    assert multiscales.chunks == {"y": 64, "x": 64}
    assert metadata.to_version("0.4").version == "0.4"


def test_ngff_image_checks_orientations_and_keeps_callbacks() -> None:
    called: list[int] = []
    image = nz.NgffImage(
        np.zeros((4, 5, 6), np.uint8),
        dims=("z", "y", "x"),
        scale={},
        translation={},
        axes_orientations={"x": "left-to-right", "y": nz.RAS["y"]},
        computed_callbacks=[lambda: called.append(1)],
    )
    assert image.axes_orientations == {"y": nz.RAS["y"], "x": nz.RAS["x"]}
    with pytest.raises(nz.NgffValueError, match=r"orientation.value: expected one of"):
        nz.NgffImage(np.zeros((4, 5)), ("y", "x"), {}, {}, axes_orientations={"x": "left"})
    with pytest.raises(nz.NgffValueError, match=r"axes_orientations: dims \['z'\] are not"):
        nz.NgffImage(np.zeros((4, 5)), ("y", "x"), {}, {}, axes_orientations=nz.LPS)
    assert len(image.computed_callbacks) == 1


def test_computed_callbacks_run_after_the_write(tmp_path) -> None:  # type: ignore[no-untyped-def]
    called: list[str] = []
    image = nz.to_ngff_image(np.zeros((16, 16), np.uint8))
    image.computed_callbacks.append(lambda: called.append("done"))
    nz.to_ngff_zarr(tmp_path / "a.zarr", nz.to_multiscales(image, scale_factors=[2]))
    assert called == ["done"]


def test_metadata_keeps_unknown_keys_and_root_attributes(tmp_path) -> None:  # type: ignore[no-untyped-def]
    ms = nz.to_multiscales(np.zeros((16, 16), np.uint8), scale_factors=[2])
    ms.metadata.extra["@type"] = "ngff:Image"
    ms.root_attributes = {"acquisition": {"direction": [0, -1, 0, 1, 0, 0, 0, 0, 1]}}
    for version in ("0.4", "0.5"):
        path = tmp_path / f"a{version}.zarr"
        nz.to_ngff_zarr(path, ms, version=version)
        back = nz.from_ngff_zarr(path)
        assert back.metadata.extra == {"@type": "ngff:Image"}
        assert back.root_attributes == ms.root_attributes
    ms.root_attributes = {"omero": {}}
    with pytest.raises(nz.NgffValueError, match=r"root_attributes: cannot set \['omero'\]"):
        nz.to_ngff_zarr(tmp_path / "b.zarr", ms)
    assert not (tmp_path / "b.zarr").exists()


def test_config_has_ngff_zarrs_settings(tmp_path) -> None:  # type: ignore[no-untyped-def]
    assert config.task_target == 50_000
    assert config.hcs_well_cache_size == 500 and config.hcs_image_cache_size == 100
    assert str(config.cache_store).endswith("ngff-zarr")
    try:
        config.memory_target = 10**9
        config.task_target = 10
        config.cache_store = tmp_path / "cache"
        config.hcs_well_cache_size = 100
        assert (config.memory_target, config.task_target) == (10**9, 10)
        assert config.cache_store == tmp_path / "cache" and nz.config.hcs_well_cache_size == 100
        with pytest.raises(nz.NgffValueError, match=r"config.task_target: expected a value >= 1"):
            config.task_target = 0
    finally:
        for name in ("memory_target", "task_target", "cache_store", "hcs_well_cache_size"):
            delattr(config, name)
    assert config.task_target == 50_000
