"""convert_store: a store another tool wrote (non-standard unit spelling, no downsampling
provenance) converts into one that passes our own ``validate(strict=True)``."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
import zarr

from ngff_zarr.convert import ConversionOptions, convert_store
from ngff_zarr.from_ngff_zarr import from_ngff_zarr
from ngff_zarr.validate import validate


def _foreign_store(path: Path) -> np.ndarray:
    data = (np.arange(3 * 32 * 32).reshape(3, 32, 32) % 4000).astype("uint16")
    group = zarr.open_group(path, mode="w", zarr_format=2)
    group.create_array("0", shape=data.shape, dtype=data.dtype, chunks=(1, 32, 32))[:] = data
    group.create_array("1", shape=(3, 16, 16), dtype=data.dtype, chunks=(1, 16, 16))[:] = data[
        :, ::2, ::2
    ]
    axes = [
        {"name": "t", "type": "time", "unit": "seconds"},
        {"name": "y", "type": "space", "unit": "micrometer"},
        {"name": "x", "type": "space", "unit": "micrometer"},
    ]
    datasets = [
        {"path": str(level), "coordinateTransformations": [{"type": "scale", "scale": scale}]}
        for level, scale in enumerate(([2.0, 0.5, 0.5], [2.0, 1.0, 1.0]))
    ]
    group.attrs["multiscales"] = [{"version": "0.4", "axes": axes, "datasets": datasets}]
    return data


@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_foreign_store_converts_to_a_strictly_valid_one(tmp_path: Path, version: str) -> None:
    data = _foreign_store(tmp_path / "in.ome.zarr")
    out = tmp_path / "out.ome.zarr"
    convert_store(tmp_path / "in.ome.zarr", out, options=ConversionOptions(version=version))
    report = validate(out, strict=True)
    assert report.valid, str(report)
    back = from_ngff_zarr(out)
    assert back.metadata.axes[0].unit == "second"
    assert [im.shape for im in back.images] == [(3, 32, 32), (3, 16, 16)]
    assert back.images[1].scale == {"t": 2.0, "y": 1.0, "x": 1.0}
    assert back.metadata.type is not None and back.metadata.metadata is not None
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
