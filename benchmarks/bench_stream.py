"""Issue 3 benchmark: the streaming engine against its targets, each case in a fresh interpreter.

    python benchmarks/bench_stream.py [--quick]

Cases (figures: seconds, peak RSS above the interpreter's baseline after the input exists):
- codec:    compress the W1 volume's level-0 chunks (64^3) with the writer's codec (zstd 3)
            on 2 threads: the reference time for W1.
- W1-*:     256x1024x1024 uint16 in memory, 3 levels, local_mean / gaussian /
            itkwasm_gaussian (the default method, as ngff-zarr's), 0.4 and sharded 0.5,
            zarr-python and tensorstore backends.
- W2:       512x1024x1024 uint16 generated lazily by dask, 3 levels, local_mean, 0.4.
- slide:    40000x40000 uint16 generated lazily (3.2 GB), default int scale factors, 0.5.
- labels:   128x512x512 uint32 with ~10,000 labels, mode, 3 levels.
- reads:    a counting source: every level-0 region read exactly once.
- read:     a whole 512 MiB level through from_ngff_zarr vs dask.array.from_zarr defaults.
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import threading
import time

import numpy as np


def _ms(data, method: str = "local_mean", factors=(2, 4), chunks=64):  # type: ignore[no-untyped-def]
    import ngff_zarr as nz

    return nz.to_multiscales(
        nz.to_ngff_image(data), scale_factors=list(factors), method=method, chunks=chunks
    )


def case_codec(out: str) -> dict:  # type: ignore[type-arg]
    from concurrent.futures import ThreadPoolExecutor

    from _common import volume
    from numcodecs import Zstd

    from ngff_zarr import config

    data = volume((256, 1024, 1024))
    codec = Zstd(config.codec_level)
    starts = [
        (z, y, x) for z in range(0, 256, 64) for y in range(0, 1024, 64) for x in range(0, 1024, 64)
    ]
    chunks = [np.ascontiguousarray(data[z : z + 64, y : y + 64, x : x + 64]) for z, y, x in starts]
    t0 = time.perf_counter()
    with ThreadPoolExecutor(2) as pool:
        sizes = [len(b) for b in pool.map(codec.encode, chunks)]
    return {"seconds": time.perf_counter() - t0, "ratio": data.nbytes / sum(sizes)}


def case_w1(out: str, method: str, version: str, backend: str) -> dict:  # type: ignore[type-arg]
    from _common import current_rss_mib, peak_rss_mib, volume

    import ngff_zarr as nz

    data = volume((256, 1024, 1024))
    ms = _ms(data, method)
    base = current_rss_mib()
    t0 = time.perf_counter()
    nz.to_ngff_zarr(
        f"{out}/w1.zarr",
        ms,
        version=version,
        chunks_per_shard=4 if version == "0.5" else None,
        use_tensorstore=backend == "tensorstore",
    )  # type: ignore[arg-type]
    return {"seconds": time.perf_counter() - t0, "peak_above_baseline_MiB": peak_rss_mib() - base}


def case_w2(out: str) -> dict:  # type: ignore[type-arg]
    from _common import current_rss_mib, lazy_volume, peak_rss_mib

    import ngff_zarr as nz

    base = current_rss_mib()
    data = lazy_volume((512, 1024, 1024), (64, 256, 256))
    t0 = time.perf_counter()
    nz.to_ngff_zarr(f"{out}/w2.zarr", _ms(data), version="0.4")
    return {"seconds": time.perf_counter() - t0, "peak_above_baseline_MiB": peak_rss_mib() - base}


def case_slide(out: str) -> dict:  # type: ignore[type-arg]
    from _common import current_rss_mib, lazy_volume, peak_rss_mib

    import ngff_zarr as nz

    base = current_rss_mib()
    data = lazy_volume((40000, 40000), (1024, 1024))
    ms = nz.to_multiscales(
        nz.to_ngff_image(data), scale_factors=256, method="local_mean", chunks=256
    )
    t0 = time.perf_counter()
    nz.to_ngff_zarr(f"{out}/slide.zarr", ms, version="0.5", chunks_per_shard=8)
    return {
        "seconds": time.perf_counter() - t0,
        "levels": len(ms.images),
        "peak_MiB": peak_rss_mib(),
        "peak_above_baseline_MiB": peak_rss_mib() - base,
    }


def case_labels(out: str) -> dict:  # type: ignore[type-arg]
    import scipy.ndimage as ndi

    import ngff_zarr as nz

    rng = np.random.default_rng(0)
    seeds = np.zeros((128, 512, 512), dtype=np.uint32)
    idx = rng.integers(0, seeds.size, 10_000)
    seeds.flat[idx] = np.arange(1, 10_001, dtype=np.uint32)
    _, (iz, iy, ix) = ndi.distance_transform_edt(seeds == 0, return_indices=True)
    labels = seeds[iz, iy, ix]
    ms = nz.to_multiscales(nz.to_ngff_image(labels), scale_factors=[2, 4], method="mode", chunks=64)
    t0 = time.perf_counter()
    nz.to_ngff_zarr(f"{out}/labels.zarr", ms, version="0.4")
    return {"seconds": time.perf_counter() - t0, "labels": len(np.unique(labels))}


def case_reads(out: str) -> dict:  # type: ignore[type-arg]
    import ngff_zarr as nz

    data = np.arange(64 * 512 * 512, dtype=np.uint16).reshape(64, 512, 512)
    counts: dict[tuple, int] = {}  # type: ignore[type-arg]
    lock = threading.Lock()

    class Counting:
        shape, dtype, ndim = data.shape, data.dtype, 3

        def __getitem__(self, key):  # type: ignore[no-untyped-def]
            part = data[key]
            if part.size:  # dask probes the source with empty slices for its metadata
                with lock:
                    k = tuple((s.start, s.stop) for s in key)
                    counts[k] = counts.get(k, 0) + 1
            return part

    import dask.array as da

    source = da.from_array(Counting(), chunks=data.shape, asarray=False, lock=False)
    nz.to_ngff_zarr(
        f"{out}/count.zarr", _ms(source, factors=(2, 4)), version="0.4", memory_target=64 * 2**20
    )
    return {
        "regions_read": len(counts),
        "max_reads_of_one_region": max(counts.values()),
        "voxels_read_over_voxels": sum(np.prod([b - a for a, b in k]) for k in counts) / data.size,
    }


def case_read(out: str) -> dict:  # type: ignore[type-arg]
    import dask.array as da
    from _common import volume

    import ngff_zarr as nz

    data = volume((256, 1024, 1024))
    nz.to_ngff_zarr(f"{out}/r.zarr", _ms(data, factors=(2,)), version="0.5", chunks_per_shard=4)
    t0 = time.perf_counter()
    back = nz.from_ngff_zarr(f"{out}/r.zarr")
    ours = back.images[0].data.compute()
    t_ours = time.perf_counter() - t0
    t0 = time.perf_counter()
    theirs = da.from_zarr(f"{out}/r.zarr/{back.metadata.datasets[0].path}").compute()
    t_dask = time.perf_counter() - t0
    assert (ours == theirs).all()
    return {
        "ngff_zarr_seconds": t_ours,
        "dask_from_zarr_seconds": t_dask,
        "speedup": t_dask / t_ours,
    }


CASES = {
    "codec": lambda out: case_codec(out),
    "W1-local_mean-0.4-zarr": lambda out: case_w1(out, "local_mean", "0.4", "zarr"),
    "W1-local_mean-0.5-zarr": lambda out: case_w1(out, "local_mean", "0.5", "zarr"),
    "W1-local_mean-0.4-tensorstore": lambda out: case_w1(out, "local_mean", "0.4", "tensorstore"),
    "W1-local_mean-0.5-tensorstore": lambda out: case_w1(out, "local_mean", "0.5", "tensorstore"),
    "W1-gaussian-0.4-zarr": lambda out: case_w1(out, "gaussian", "0.4", "zarr"),
    "W1-gaussian-0.5-zarr": lambda out: case_w1(out, "gaussian", "0.5", "zarr"),
    "W1-gaussian-0.4-tensorstore": lambda out: case_w1(out, "gaussian", "0.4", "tensorstore"),
    "W1-gaussian-0.5-tensorstore": lambda out: case_w1(out, "gaussian", "0.5", "tensorstore"),
    "W1-itkwasm_gaussian-0.5-zarr": lambda out: case_w1(out, "itkwasm_gaussian", "0.5", "zarr"),
    "W1-itkwasm_gaussian-0.5-tensorstore": lambda out: case_w1(
        out, "itkwasm_gaussian", "0.5", "tensorstore"
    ),
    "W2": case_w2,
    "slide": case_slide,
    "labels": case_labels,
    "reads": case_reads,
    "read": case_read,
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--case")
    parser.add_argument("--only", nargs="*")
    args = parser.parse_args()
    if args.case:
        out = tempfile.mkdtemp(prefix="ngff-bench-")
        try:
            result = CASES[args.case](out)
        finally:
            shutil.rmtree(out, ignore_errors=True)
        print(
            json.dumps({k: (round(v, 3) if isinstance(v, float) else v) for k, v in result.items()})
        )
        return
    from _common import run_case_in_subprocess

    for name in args.only or CASES:
        print(name, run_case_in_subprocess("bench_stream", name), flush=True)


if __name__ == "__main__":
    main()
