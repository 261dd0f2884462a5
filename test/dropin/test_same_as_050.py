"""The documented examples write the stores ngff-zarr 0.50 writes: documents and pixels.

``data/ngff_zarr_050_stores.json`` was recorded by ``record_050.py`` running the functions of
``_examples_050.py`` with ngff-zarr 0.50.0; here the same functions run with this package,
and every metadata document and every array's pixels must be the same, up to the
differences listed in ``_normalise`` (each with the reason a reader sees the same store).
The pixels are read back with zarr-python, an independent reader.

The itkwasm methods run itkwasm-downsample's WebAssembly here (``config.itkwasm_native = 0``),
as 0.50 does: by default ours computes them in NumPy, bit-identical for odd factors, and for
even factors within 1 on a few pixels in 10 000 of 16-bit data (``test/methods/
test_itkwasm_native.py``), which changes an array's digest.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import zarr
from _examples_050 import EXAMPLES, array_paths, digest, metadata_documents

import ngff_zarr as nz

RECORDED: dict[str, Any] = json.loads(
    (Path(__file__).parent / "data" / "ngff_zarr_050_stores.json").read_text(encoding="utf-8")
)
# what a store of 0.50 holds that ours leaves out, none of it read by an OME-Zarr reader
ONLY_050 = {
    "_ARRAY_DIMENSIONS",  # on each scale{i} group: the xarray name of an array's dims
    "@type",  # "ngff:Image" in a multiscales entry: no OME-Zarr version defines it
    "description",  # the method's description in the multiscales "metadata": free text
}
ONLY_OURS = {"active"}  # omero channels: "active": true, as ome-zarr-py and napari write


def _normalise(value: Any) -> Any:
    """A document with the keys above dropped, and zstd's level 0 (its default) as 3."""
    if isinstance(value, list):
        return [_normalise(v) for v in value]
    if not isinstance(value, dict):
        return value
    out = {k: _normalise(v) for k, v in value.items() if k not in ONLY_050 | ONLY_OURS}
    if out.get("name") == "zstd" and out.get("configuration", {}).get("level") == 0:
        out["configuration"] = {**out["configuration"], "level": 3}
    if out.get("id") == "zstd" and out.get("level") == 0:
        out["level"] = 3
    return out


def _method_provenance(documents: dict[str, Any]) -> None:
    """Drop the recorded function and version of the dask-computed methods (ours: numpy)."""
    for document in documents.values():
        attributes = document.get("attributes", document)
        for entry in attributes.get("ome", attributes).get("multiscales", []):
            if entry.get("type") in ("dask_image_mode", "dask_bin_shrink"):
                entry.pop("metadata", None)
        for nested in document.get("metadata", {}).values():  # .zmetadata
            if isinstance(nested, dict):
                _method_provenance({"": nested})
        consolidated = document.get("consolidated_metadata") or {}
        _method_provenance(consolidated.get("metadata", {}))


def _plate_version(documents: dict[str, Any]) -> None:
    """Ours also states ``version`` in a 0.5 plate object: its schema allows it and
    ome-zarr-models expects it."""
    for document in documents.values():
        plate = document.get("attributes", {}).get("ome", {}).get("plate")
        if isinstance(plate, dict):
            plate.pop("version", None)


def _omero_windows(ours: dict[str, Any], theirs: dict[str, Any], where: str) -> None:
    """The display windows' ``start``/``end`` quantiles within 1% of the data range of 0.50's.

    0.50 takes them from dask's per-chunk percentile estimate, ours are exact (NumPy's linear
    quantiles); ``min`` and ``max`` are exact in both. Ours are then set to 0.50's.
    """
    mine = ours.get("attributes", {}).get("ome", {}).get("omero")
    recorded = theirs.get("attributes", {}).get("ome", {}).get("omero")
    if mine is None or recorded is None:
        return
    for channel, expected in zip(mine["channels"], recorded["channels"], strict=True):
        window, reference = channel["window"], expected["window"]
        tolerance = 0.01 * (reference["max"] - reference["min"])
        for key in ("start", "end"):
            assert abs(window[key] - reference[key]) <= tolerance, f"{where}: omero {key}"
            window[key] = reference[key]


def _read(store: Path, path: str) -> np.ndarray:
    return np.asarray(zarr.open_array(store / path, mode="r")[...])


@pytest.mark.parametrize("example", sorted(EXAMPLES))
def test_same_stores_as_050(example: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("NGFF_ZARR_ITKWASM_NATIVE", "0")
    EXAMPLES[example](nz)
    theirs = {k.partition("/")[2]: v for k, v in RECORDED.items() if k.startswith(f"{example}/")}
    assert sorted(os.listdir(tmp_path)) == sorted(theirs)
    for name, recorded in theirs.items():
        store = tmp_path / name
        ours = metadata_documents(store)
        for entry in (ours, recorded):
            _method_provenance(entry["documents"])
        _plate_version(ours["documents"])
        assert sorted(ours["documents"]) == sorted(recorded["documents"]), name
        for path, document in recorded["documents"].items():
            mine = ours["documents"][path]
            _omero_windows(mine, document, f"{name}/{path}")
            for consolidated in ("consolidated_metadata",):
                inner = (mine.get(consolidated) or {}).get("metadata", {})
                _plate_version(inner)
            assert _normalise(mine) == _normalise(document), f"{name}/{path}"
        for key in ("order", "comment", "stored"):  # a zip: the same entries, order, comment
            assert ours.get(key) == recorded.get(key), f"{name}: {key}"
        for path in array_paths(ours["documents"]) if store.is_dir() else []:
            assert digest(_read(store, path)) == recorded["pixels"][path], f"{name}/{path}"
