"""Issue 13 benchmark: in-place edits against rewriting the whole image, each case in its own
interpreter.

    python benchmarks/bench_edit.py [--quick] [--cases region,append,append_long,iterate]
                                     [--method NAME]

``--method`` picks the downsampling method of the region and append cases (default: the
package's default, itkwasm_gaussian).

Cases (figures: wall seconds; the load average is printed with each, as the machine is shared):
- region:  the W1 volume (256x1024x1024 uint16, 3 levels, chunks 64, shards 256, OME-Zarr 0.5)
           stored; one 256^3 region rewritten with ``write_region`` (its pyramid rebuilt), at a
           shard-aligned and at an unaligned offset, against rewriting the whole image with
           ``to_ngff_zarr`` (the same pixels, from memory). Alternating, median of the runs.
- append:  a t,z,y,x image of 64x256x256 uint16 frames, 3 levels: 100 single time points
           appended one at a time with ``append``; the time of the first and last 10 and in all.
- append_long: one 16x128x128 frame appended to a 1-frame image and to a 2000-frame one,
           alternating, 6 times each (the median of each).
- iterate: 1 GiB (256x2048x1024 uint16, 3 levels, chunks 64, shards 256) mapped with a cheap
           function (x + 1) by ``RegionIterator`` (its default regions: the output's shards)
           into a derived image, against reading, adding 1 and writing the same level-0 shards
           with zarr-python on the same number of threads (the raw I/O throughput); the
           derived image's pyramid rebuild is timed apart; the growth of the resident memory
           during the map (its peak above where it began), up to the rebuild and in all, shows
           the iterator's bound.
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


def _method() -> dict[str, str]:
    """The method the parent was given (``--method``), passed on to the child by environment."""
    name = os.environ.get("NGFF_ZARR_BENCH_METHOD")
    return {"method": name} if name else {}


def _load() -> str:
    return "/".join(f"{v:.1f}" for v in os.getloadavg())


class _PeakRss:
    """The peak resident memory of this process while the block runs, above where it began
    (sampled every 20 ms)."""

    def __enter__(self) -> _PeakRss:
        import threading

        import psutil

        self._process = psutil.Process()
        self._start = self._peak = self._process.memory_info().rss
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()
        return self

    def _sample(self) -> None:
        while not self._stop.wait(0.02):
            self._peak = max(self._peak, self._process.memory_info().rss)

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()

    @property
    def growth(self) -> int:
        return self._peak - self._start


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
        return nz.to_multiscales(image, scale_factors=[2, 4], chunks=chunk, **_method())

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
    multiscales = nz.to_multiscales(image, scale_factors=[2, 4], **_method())
    nz.to_ngff_zarr(store, multiscales, version="0.5")
    times = []
    for frame in frames[1:]:
        t0 = time.perf_counter()
        nz.append(store, frame)
        times.append(time.perf_counter() - t0)
    shape = nz.from_ngff_zarr(store).images[0].shape
    return {
        "method": getattr(multiscales.method, "value", None),
        "frames": count,
        "frame_MiB": round(frames[0].nbytes / 2**20, 1),
        "shape": shape,
        "total_s": round(sum(times), 2),
        "first10_median_s": round(statistics.median(times[:10]), 3),
        "last10_median_s": round(statistics.median(times[-10:]), 3),
        # the growth of one append's time with the image's length (0: proportional to the frame)
        "slope_ms_per_frame_stored": round(1000 * float(np.polyfit(range(count), times, 1)[0]), 3),
        "load": _load(),
    }


def case_append_long(out: str, quick: str) -> dict[str, Any]:
    """One frame appended to a 1-frame and to a long image, alternating: equal times mean an
    append costs the frame, not the image."""
    import dask.array as da

    import ngff_zarr as nz

    small = quick == "1"
    frame_shape = (4, 32, 32) if small else (16, 128, 128)
    long_t = 50 if small else 2000
    frame = np.random.default_rng(0).integers(0, 4000, frame_shape, dtype=np.uint16)

    def make(path: str, t: int) -> None:
        data = da.broadcast_to(da.from_array(frame[None]), (t, *frame_shape))
        image = nz.to_ngff_image(data.rechunk((1, *frame_shape)), dims=("t", "z", "y", "x"))
        multiscales = nz.to_multiscales(image, scale_factors=[2, 4], **_method())
        nz.to_ngff_zarr(path, multiscales, version="0.5")

    make(f"{out}/short.ome.zarr", 1)
    make(f"{out}/long.ome.zarr", long_t)
    times: dict[str, list[float]] = {"short": [], "long": []}
    for _ in range(6):
        for name, runs in times.items():
            t0 = time.perf_counter()
            nz.append(f"{out}/{name}.ome.zarr", frame)
            runs.append(time.perf_counter() - t0)
    return {
        "frame_MiB": round(frame.nbytes / 2**20, 2),
        "frames_stored": {"short": 1, "long": long_t},
        "median_s": {k: round(statistics.median(v), 3) for k, v in times.items()},
        "runs_s": {k: [round(x, 3) for x in v] for k, v in times.items()},
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
    regions_peak = [0]
    original = ri.rewrite

    def timed_rewrite(*args: Any, **kwargs: Any) -> None:
        regions_peak[0] = peak.growth  # the regions are done: the pyramid rebuild starts
        t = time.perf_counter()
        original(*args, **kwargs)
        rebuild[0] += time.perf_counter() - t

    ri.rewrite = timed_rewrite  # type: ignore[assignment]
    nz.derive_image(source, output)
    with _PeakRss() as peak:
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
        "map_rss_growth_MiB": round(peak.growth / 2**20),  # peak RSS during map - RSS before
        "regions_rss_growth_MiB": round(regions_peak[0] / 2**20),  # the same, up to the rebuild
        "load": _load(),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--cases", default="region,append,append_long,iterate")
    parser.add_argument("--method", help="downsampling method of the region and append cases")
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
        env = {**os.environ, **({"NGFF_ZARR_BENCH_METHOD": args.method} if args.method else {})}
        done = subprocess.run(command, capture_output=True, text=True, check=False, env=env)
        if done.returncode:
            print(name, "failed:", done.stderr[-2000:], flush=True)
            continue
        print(name, done.stdout.strip().splitlines()[-1], flush=True)


if __name__ == "__main__":
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    main()
