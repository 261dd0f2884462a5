"""Small real inputs for the examples of ngff-zarr's documentation (test/dropin/)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest


def cthead_like() -> np.ndarray:
    """A 256x256 uint8 image with structure (a stand-in for ITK's cthead1.png)."""
    y, x = np.mgrid[0:256, 0:256]
    head = ((x - 128) ** 2 / 100**2 + (y - 128) ** 2 / 120**2) < 1
    texture = (np.sin(x / 7.0) * np.cos(y / 11.0) * 40 + 120).astype(np.uint8)
    return np.where(head, texture, 0).astype(np.uint8)


def write_ome_tiff(path: Path, names: list[str], shape: tuple[int, ...] = (2, 32, 40)) -> None:
    """A multi-series OME-TIFF: one CYX series per name, with physical sizes in µm."""
    tifffile = pytest.importorskip("tifffile")
    with tifffile.TiffWriter(path, ome=True) as tif:
        for index, name in enumerate(names):
            data = np.full(shape, index * 10, dtype=np.uint16)
            data[..., : shape[-1] // 2] += 1
            tif.write(
                data,
                metadata={
                    "axes": "CYX",
                    "Name": name,
                    "PhysicalSizeX": 0.5,
                    "PhysicalSizeY": 0.5,
                    "PhysicalSizeXUnit": "µm",
                    "PhysicalSizeYUnit": "µm",
                },
            )
