"""OME-Zarr over the S3 protocol: an S3-compatible server (moto's) on loopback, through s3fs."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ngff_zarr import from_ngff_zarr, to_multiscales, to_ngff_image, to_ngff_zarr

pytest.importorskip("moto.server")
s3fs = pytest.importorskip("s3fs")


@pytest.mark.network
@pytest.mark.parametrize("version", ["0.4", "0.5"])
def test_read_and_write_over_s3(tmp_path: Path, s3: dict[str, object], version: str) -> None:
    data = np.random.default_rng(21).integers(0, 4000, (2, 10, 40, 48)).astype("uint16")
    image = to_ngff_image(
        data, dims="czyx", scale={"y": 0.5, "x": 0.5}, axes_units={"x": "micrometer"}
    )
    ms = to_multiscales(image, scale_factors=[2], chunks=8)
    shards = 2 if version == "0.5" else None
    # a store uploaded to S3 by another tool, read lazily from there
    to_ngff_zarr(tmp_path / "local.zarr", ms, version=version, chunks_per_shard=shards)  # type: ignore[arg-type]
    options = {k: v for k, v in s3.items() if k != "bucket"}
    bucket = s3["bucket"]
    fs = s3fs.S3FileSystem(**options)
    fs.put(str(tmp_path / "local.zarr"), f"{bucket}/uploaded.zarr", recursive=True)
    back = from_ngff_zarr(f"s3://{bucket}/uploaded.zarr", storage_options=options)
    assert back.metadata == ms.metadata.to_version(version)
    np.testing.assert_array_equal(back.images[0].data.compute(), data)
    np.testing.assert_array_equal(
        back.images[1].data[:, 1:4, 5:15].compute(), ms.images[1].data[:, 1:4, 5:15].compute()
    )
    # and written straight to S3 by the streaming writer
    url = f"s3://{bucket}/written.zarr"
    to_ngff_zarr(url, ms, version=version, chunks_per_shard=shards, storage_options=options)  # type: ignore[arg-type]
    again = from_ngff_zarr(url, storage_options=options)
    assert again.metadata == ms.metadata.to_version(version)
    np.testing.assert_array_equal(again.images[1].data.compute(), ms.images[1].data.compute())
