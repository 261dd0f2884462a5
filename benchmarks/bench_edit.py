"""Issue 13 benchmark: in-place edits against rewriting the whole image, each case in its own
interpreter.

    python benchmarks/bench_edit.py [--quick] [--cases region,append,iterate]

Cases (figures: wall seconds; the load average is printed with each, as the machine is shared):
- region:  the W1 volume (256x1024x1024 uint16, 3 levels, chunks 64, shards 256, OME-Zarr 0.5)
           stored; one 256^3 region rewritten with ``write_region`` (its pyramid rebuilt), at a
           shard-aligned and at an unaligned offset, against rewriting the whole image with
           ``to_ngff_zarr`` (the same pixels, from memory). Alternating, median of the runs.
- append:  a t,z,y,x image of 64x256x256 uint16 frames, 3 levels: 100 single time points
           appended one at a time with ``append``; the time of the first and last 10 and in all.
- iterate: 1 GiB (256x2048x1024 uint16, 3 levels, chunks 64, shards 256) mapped with a cheap
           function (x + 1) by ``RegionIterator`` (its default regions: the output's shards)
           into a derived image, against reading, adding 1 and writing the same level-0 shards
           with zarr-python on the same number of threads (the raw I/O throughput); the
           derived image's pyramid rebuild is timed apart.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from typing import Any

import numpy as np


def _load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


def case_region(out: str, quick: str) -> dict[str, Any]:
    from _common import volume

    import ngff_zarr as nz

    small = quick == "1"
    shape = (64, 256, 256) if small else (256, 1024, 1024)
    edge, chunk, shard = (64, 16, 64) if small else (256, 64, 256)
    data = volume(shape)
    store = f"{out}/w1.ome.zarr"

    def multiscales(pixels: np.ndarray) -> nz.Multiscales:
        image = nz.to_ngff_image(pixels, dims=("z", "y", "x"))
        return nz.to_multiscales(image, scale_factors=[2, 4], chunks=chunk)  # default method

    def full() -> float:
        t0 = time.perf_counter()
        nz.to_ngff_zarr(store, multiscales(data), version="0.5",
                        chunks_per_shard=shard // chunk, overwrite=True)  # fmt: skip
        return time.perf_counter() - t0

    full()  # the stored image
    patch = volume((edge, edge, edge), seed=1)
    offsets = {"aligned": {"z": 0, "y": shard, "x": 2 * shard},
               "unaligned": {"z": 0, "y": shard + 44, "x": shard + 44}}  # fmt: skip
    runs: dict[str, list[float]] = {"full": [], "aligned": [], "unaligned": []}
    loads = []
    for _ in range(1 if small else 3):
        for name, start in offsets.items():
            t0 = time.perf_counter()
            nz.write_region(store, patch, start)
            runs[name].append(time.perf_counter() - t0)
        runs["full"].append(full())
        loads.append(_load())
    median = {k: statistics.median(v) for k, v in runs.items()}
    return {
        "method": getattr(multiscales(patch).method, "value", None),
        "median_s": {k: round(v, 3) for k, v in median.items()},
        "runs_s": {k: [round(x, 3) for x in v] for k, v in runs.items()},
        "speedup": {k: round(median["full"] / median[k], 1) for k in offsets},
        "load": loads,
    }


def case_append(out: str, quick: str) -> dict[str, Any]:
    import ngff_zarr as nz

    small = quick == "1"
    frame_shape = (16, 64, 64) if small else (64, 256, 256)
    count = 20 if small else 100
    rng = np.random.default_rng(0)
    frames = [rng.integers(0, 4000, frame_shape, dtype=np.uint16) for _ in range(count + 1)]
    store = f"{out}/movie.ome.zarr"
    image = nz.to_ngff_image(frames[0][None], dims=("t", "z", "y", "x"))
    nz.to_ngff_zarr(store, nz.to_multiscales(image, scale_factors=[2, 4]), version="0.5")
    times = []
    for frame in frames[1:]:
        t0 = time.perf_counter()
        nz.append(store, frame)
        times.append(time.perf_counter() - t0)
    shape = nz.from_ngff_zarr(store).images[0].shape
    return {
        "frames": count,
        "frame_MiB": round(frames[0].nbytes / 2**20, 1),
        "shape": shape,
        "total_s": round(sum(times), 2),
        "first10_median_s": round(statistics.median(times[:10]), 3),
        "last10_median_s": round(statistics.median(times[-10:]), 3),
        "load": _load(),
    }


def case_iterate(out: str, quick: str) -> dict[str, Any]:
    from concurrent.futures import ThreadPoolExecutor

    import zarr
    from _common import lazy_volume

    import ngff_zarr as nz
    import ngff_zarr.region_iterator as ri

    small = quick == "1"
    shape = (32, 256, 128) if small else (256, 2048, 1024)
    chunk, shard = (16, 32) if small else (64, 256)
    source, output = f"{out}/source.ome.zarr", f"{out}/derived.ome.zarr"
    image = nz.to_ngff_image(lazy_volume(shape, (chunk, 256, 256) if not small else (16, 128, 128)))
    nz.to_ngff_zarr(source, nz.to_multiscales(image, scale_factors=[2, 4], chunks=chunk),
                    version="0.5", chunks_per_shard=shard // chunk)  # fmt: skip
    nbytes = int(np.prod(shape)) * 2
    level0 = nz.from_ngff_zarr(source).metadata.datasets[0].path

    # raw: every level-0 shard read and written with zarr-python, on the same threads
    src = zarr.open_array(source, path=level0, mode="r")
    dst = zarr.create_array(
        f"{out}/raw.zarr",
        shape=src.shape,
        chunks=src.chunks,
        shards=src.shards,
        dtype=src.dtype,
        compressors=src.compressors,
    )
    boxes = [
        (slice(z, z + shard), slice(y, y + shard), slice(x, x + shard))
        for z in range(0, shape[0], shard)
        for y in range(0, shape[1], shard)
        for x in range(0, shape[2], shard)
    ]

    def copy(box: tuple[slice, ...]) -> None:
        dst[box] = src[box] + 1

    t0 = time.perf_counter()
    with ThreadPoolExecutor(nz.config.max_workers) as pool:
        list(pool.map(copy, boxes))
    raw = time.perf_counter() - t0

    rebuild = [0.0]
    original = ri.rewrite

    def timed_rewrite(*args: Any, **kwargs: Any) -> None:
        t = time.perf_counter()
        original(*args, **kwargs)
        rebuild[0] += time.perf_counter() - t

    ri.rewrite = timed_rewrite  # type: ignore[assignment]
    nz.derive_image(source, output)
    t0 = time.perf_counter()
    nz.RegionIterator(source, output).map(lambda block: block + 1)
    total = time.perf_counter() - t0
    regions = total - rebuild[0]
    return {
        "GiB": round(nbytes / 2**30, 2),
        "raw_read_write_s": round(raw, 2),
        "raw_MBps": round(nbytes / raw / 1e6),
        "iterator_regions_s": round(regions, 2),
        "iterator_MBps": round(nbytes / regions / 1e6),
        "iterator_vs_raw": round(raw / regions, 2),
        "pyramid_rebuild_s": round(rebuild[0], 2),
        "load": _load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cases", default="region,append,iterate")
    parser.add_argument("--case", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.case:  # the child: run one case, print its record
        with tempfile.TemporaryDirectory(dir=os.environ.get("NGFF_ZARR_BENCH_TMP")) as out:
            result = globals()[f"case_{args.case}"](out, "1" if args.quick else "0")
        print(json.dumps(result))
        return
    import subprocess

    for name in args.cases.split(","):
        command = [sys.executable, __file__, "--case", name] + (["--quick"] if args.quick else [])
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode:
            print(name, "failed:", done.stderr[-2000:], flush=True)
            continue
        print(name, done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
