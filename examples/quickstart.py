"""Quick start: a synthetic 3-channel volume into a validated, sharded OME-Zarr 0.5 store.

Usage: python examples/quickstart.py OUTPUT.ome.zarr
"""

from __future__ import annotations

import sys

import numpy as np

import ngff_zarr as nz


def main(output: str) -> None:
    z, y, x = np.mgrid[0:32, 0:128, 0:128]
    cells = (np.sin(x / 7.0) * np.cos(y / 9.0) * 1000 + 1000 + z * 10).astype("uint16")
    volume = np.stack([cells, cells[:, ::-1, :], cells[:, :, ::-1]])  # c, z, y, x
    image = nz.to_ngff_image(
        volume,
        dims=("c", "z", "y", "x"),
        scale={"z": 2.0, "y": 0.5, "x": 0.5},
        axes_units={"z": "micrometer", "y": "micrometer", "x": "micrometer"},
        name="quickstart",
    )
    multiscales = nz.to_multiscales(image, scale_factors=[2, 4], chunks=32)
    nz.to_ngff_zarr(output, multiscales, version="0.5", chunks_per_shard=2, overwrite=True)
    back = nz.from_ngff_zarr(output)
    print(output, [level.shape for level in back.images])


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "quickstart.ome.zarr")
