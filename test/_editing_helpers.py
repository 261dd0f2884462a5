"""Shared helpers of the in-place editing tests: stores written whole, compared level by level."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

import ngff_zarr as nz


def write(
    path: Any,
    data: np.ndarray,
    dims: tuple[str, ...],
    *,
    method: str | nz.Methods | None = None,
    version: str = "0.5",
    chunks: int | dict[str, int] = 8,
    chunks_per_shard: int | None = 2,
    scale_factors: list[int] | None = None,
) -> None:
    """Write ``data`` whole, the reference every in-place edit is compared with."""
    image = nz.to_ngff_image(data, dims=dims)
    multiscales = nz.to_multiscales(
        image,
        scale_factors=[2, 4] if scale_factors is None else scale_factors,
        chunks=chunks,
        **({} if method is None else {"method": method}),
    )
    nz.to_ngff_zarr(
        path,
        multiscales,
        version=version,  # type: ignore[arg-type]
        chunks_per_shard=chunks_per_shard if version == "0.5" else None,
        overwrite=True,
    )


def levels(path: Any) -> list[np.ndarray]:
    """Every level of the image at ``path``, read whole."""
    return [np.asarray(im.data.compute()) for im in nz.from_ngff_zarr(path).images]


def same_levels(a: Any, b: Any) -> list[bool]:
    """Whether each level of the images ``a`` and ``b`` holds the same pixels."""
    return [np.array_equal(x, y) for x, y in zip(levels(a), levels(b), strict=True)]


def shard_files(path: Path) -> dict[str, bytes]:
    """Every chunk or shard file of a local store, by its path below the store."""
    out = {}
    for file in sorted(path.rglob("*")):
        if file.is_file() and not file.name.startswith((".z", "zarr.json")):
            out[str(file.relative_to(path))] = file.read_bytes()
    return out
