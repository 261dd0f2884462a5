"""Consolidated metadata composed from the files just written equals zarr-python's own."""

from __future__ import annotations

import json
import shutil
import warnings
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr
from zarr.storage import LocalStore

from ngff_zarr import from_ngff_zarr, to_multiscales, to_ngff_image, to_ngff_zarr
from ngff_zarr._io.consolidated import consolidate_local_image
from ngff_zarr.labels import write_labels


def _image(shape: tuple[int, ...] = (2, 40, 36)) -> Any:
    data = np.arange(np.prod(shape), dtype="uint16").reshape(shape)
    image = to_ngff_image(data, dims=("c", "y", "x")[-len(shape) :], scale={"y": 0.5, "x": 0.5})
    return to_multiscales(image, scale_factors=[2, 4], chunks=16)


def _consolidated(path: Path, zarr_format: int) -> dict[str, Any]:
    if zarr_format == 2:
        return json.loads((path / ".zmetadata").read_text())  # type: ignore[no-any-return]
    document = json.loads((path / "zarr.json").read_text())
    return document["consolidated_metadata"]  # type: ignore[no-any-return]


def _by_zarr(path: Path, zarr_format: int, tmp_path: Path) -> dict[str, Any]:
    """zarr-python's consolidation of a copy of ``path`` (its own one removed first)."""
    copy = tmp_path / "by-zarr"
    shutil.copytree(path, copy)
    if zarr_format == 2:
        (copy / ".zmetadata").unlink()
    else:
        document = json.loads((copy / "zarr.json").read_text())
        document.pop("consolidated_metadata")
        (copy / "zarr.json").write_text(json.dumps(document))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        zarr.consolidate_metadata(str(copy))
    return _consolidated(copy, zarr_format)


CASES = [
    ("0.4", {}, "zarr"),
    ("0.4", {}, "tensorstore"),
    ("0.4", {}, "zarrs"),
    ("0.5", {}, "zarr"),
    ("0.5", {"chunks_per_shard": 2}, "zarr"),
    ("0.5", {"chunks_per_shard": 2}, "tensorstore"),
    ("0.5", {}, "zarrs"),
]


@pytest.mark.parametrize(("version", "options", "backend"), CASES)
def test_an_images_consolidated_metadata_equals_zarr_pythons(
    tmp_path: Path, version: str, options: dict[str, Any], backend: str
) -> None:
    if backend == "tensorstore":
        pytest.importorskip("tensorstore")
    if backend == "zarrs":
        pytest.importorskip("zarrs")
    path = tmp_path / "img.ome.zarr"
    to_ngff_zarr(path, _image(), version=version, backend=backend, **options)
    zarr_format = 2 if version == "0.4" else 3
    written = _consolidated(path, zarr_format)
    assert consolidate_local_image(
        LocalStore(path), "", zarr_format
    )  # composed from the files, not by zarr
    ours = _consolidated(path, zarr_format)
    assert ours == written == _by_zarr(path, zarr_format, tmp_path)
    # and zarr-python reads the arrays through it as it reads them without it
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        through = zarr.open_group(str(path), mode="r", use_consolidated=True)
        plain = zarr.open_group(str(path), mode="r", use_consolidated=False)
    paths = [d.path for d in from_ngff_zarr(path).metadata.datasets]
    assert len(paths) == 3
    for name in paths:
        a, b = through[name], plain[name]
        assert isinstance(a, zarr.Array) and isinstance(b, zarr.Array)
        assert a.metadata == b.metadata
        np.testing.assert_array_equal(a[...], b[...])
    np.testing.assert_array_equal(
        np.asarray(from_ngff_zarr(path).images[0].data), np.asarray(_image().images[0].data)
    )


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_labels_kept_beside_a_replaced_image_are_consolidated_as_zarr_python_does(
    tmp_path: Path, version: str
) -> None:
    path = tmp_path / "img.ome.zarr"
    to_ngff_zarr(path, _image(), version=version)
    write_labels(path, "cells", np.zeros((2, 40, 36), dtype="uint8"))
    # replacing the image keeps its labels: the tree holds label groups and their arrays
    to_ngff_zarr(path, _image(), version=version, overwrite=True)
    zarr_format = 2 if version == "0.4" else 3
    ours = _consolidated(path, zarr_format)
    assert ours == _by_zarr(path, zarr_format, tmp_path)
    assert any(key.startswith("labels/cells/") for key in ours["metadata"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        through = zarr.open_group(str(path), mode="r", use_consolidated=True)
    label_path = (
        f"labels/cells/{from_ngff_zarr(path / 'labels' / 'cells').metadata.datasets[0].path}"
    )
    assert through[label_path].shape == (2, 40, 36)


def test_a_directory_without_a_node_document_is_left_to_zarr_python(tmp_path: Path) -> None:
    path = tmp_path / "img.ome.zarr"
    to_ngff_zarr(path, _image(), version="0.4")
    before = (path / ".zmetadata").read_bytes()
    (path / "stray").mkdir()
    assert not consolidate_local_image(LocalStore(path), "", 2)
    assert (path / ".zmetadata").read_bytes() == before  # nothing written
