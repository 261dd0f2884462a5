"""memory_usage and task_count: ngff-zarr's partition estimates, on its documented numbers."""

from __future__ import annotations

import dask.array as da
import numpy as np
import pytest

import ngff_zarr as nz


def test_single_chunk_image() -> None:
    image = nz.to_ngff_image(np.zeros((100, 200, 300), np.uint16))
    assert (nz.memory_usage(image), nz.task_count(image)) == (12_000_000, 1)


@pytest.mark.parametrize(
    ("constrained", "memory", "tasks"),
    [
        (None, 12_000_000, 1000),
        (set(), 12_000_000, 1000),
        ({"z"}, 1_200_000, 1100),
        ({"y", "x"}, 120_000, 1010),
        ({"z", "y", "x"}, 12_000, 1001),
    ],
)
def test_chunked_image(constrained: set[str] | None, memory: int, tasks: int) -> None:
    data = da.zeros((100, 200, 300), dtype=np.uint16, chunks=(10, 20, 30))
    image = nz.to_ngff_image(data)
    assert nz.memory_usage(image, constrained) == memory
    assert nz.task_count(image, constrained) == tasks
    # the partition a constrained rechunk gives holds exactly that many bytes
    if constrained:
        chunks = {
            d: (c if d in constrained else -1) for d, c in zip("zyx", (10, 20, 30), strict=True)
        }
        block = data.rechunk(tuple(chunks.values())).blocks[(0,) * 3]
        assert block.nbytes == memory


def test_channels_and_unknown_dims() -> None:
    data = da.zeros((3, 100, 200), dtype=np.float32, chunks=(1, 50, 50))
    image = nz.to_ngff_image(data, dims=["c", "y", "x"])
    assert (nz.memory_usage(image), nz.task_count(image)) == (240_000, 24)
    assert (nz.memory_usage(image, {"c"}), nz.task_count(image, {"c"})) == (80_000, 32)
    with pytest.raises(nz.InvalidDimsError, match=r"constrained_dims: .*got \['t'\]"):
        nz.memory_usage(image, {"t"})
