"""With a dask distributed Client active, the regions run as tasks on its cluster."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from _interop import assert_valid_with_ome_zarr_models

from ngff_zarr import from_ngff_zarr, to_multiscales, to_ngff_image, to_ngff_zarr

distributed = pytest.importorskip("distributed")

# distributed's LocalCluster leaves a listening socket to the garbage collector after a clean
# shutdown (its own, not ours): when it is collected during these tests it must not fail them
pytestmark = [
    pytest.mark.filterwarnings("ignore:unclosed <socket:ResourceWarning"),
    pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning"),
]


@pytest.mark.parametrize("use_tensorstore", [False, True])
def test_regions_run_on_the_cluster_and_equal_the_threaded_write(
    tmp_path: Path, use_tensorstore: bool
) -> None:
    data = np.random.default_rng(11).integers(0, 3000, (2, 24, 70, 90)).astype("uint16")
    ms = to_multiscales(
        to_ngff_image(data, dims="czyx"), scale_factors=[2, 4], method="gaussian", chunks=8
    )
    to_ngff_zarr(tmp_path / "threads.zarr", ms, version="0.5", chunks_per_shard=2)
    with (
        distributed.LocalCluster(
            n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
        ) as cluster,
        distributed.Client(cluster) as client,
        distributed.get_task_stream(client) as stream,
    ):
        to_ngff_zarr(
            tmp_path / "cluster.zarr",
            ms,
            version="0.5",
            chunks_per_shard=2,
            memory_target=2**20,  # several regions
            use_tensorstore=use_tensorstore,
        )
    tasks = [t for t in stream.data if "_region_task" in str(t["key"])]
    assert len(tasks) >= 4
    assert len({t["worker"] for t in tasks}) == 2  # both worker processes took regions
    threaded, clustered = (
        from_ngff_zarr(tmp_path / "threads.zarr"),
        from_ngff_zarr(tmp_path / "cluster.zarr"),
    )
    assert clustered.metadata == threaded.metadata
    for a, b in zip(threaded.images, clustered.images, strict=True):
        np.testing.assert_array_equal(a.data.compute(), b.data.compute())
    assert_valid_with_ome_zarr_models(tmp_path / "cluster.zarr", "0.5")
