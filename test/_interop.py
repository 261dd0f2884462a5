"""Independent cross-checks: ome-zarr-models validation and ome-zarr-py reading."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import zarr


def assert_valid_with_ome_zarr_models(path: Path, version: str) -> None:
    """ome-zarr-models must accept the image group at ``path``."""
    group = zarr.open_group(path, mode="r")
    if version == "0.4":
        from ome_zarr_models.v04.image import Image
    else:
        from ome_zarr_models.v05.image import Image
    model = Image.from_zarr(group)
    attrs = getattr(model.attributes, "ome", model.attributes)  # 0.5 nests under "ome"
    assert len(attrs.multiscales[0].datasets) >= 1


def assert_readable_by_ome_zarr_py(path: Path, expected_levels: list[np.ndarray]) -> None:
    """ome-zarr-py must find the image and return the same pixels on every level."""
    from ome_zarr.io import parse_url
    from ome_zarr.reader import Reader

    location = parse_url(str(path))
    assert location is not None, f"ome-zarr-py cannot parse {path}"
    nodes = list(Reader(location)())
    assert nodes, "ome-zarr-py found no node"
    pyramid = nodes[0].data
    assert len(pyramid) == len(expected_levels)
    for level, (theirs, ours) in enumerate(zip(pyramid, expected_levels, strict=True)):
        np.testing.assert_array_equal(np.asarray(theirs), ours, err_msg=f"level {level}")
