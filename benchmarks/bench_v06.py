"""Issue 11 benchmark: OME-Zarr 0.6 resampling and read cost.

1. ``resample``: a 256x1024x1024 uint16 volume (stored as 0.6, chunks 64^3) resampled through a
   rotation of 10 degrees about z (the y/x plane turns) onto its own grid, the result written as
   0.6: wall time and peak RSS of the child process.
2. ``read05`` / ``read06``: open the same data stored as 0.5 and as 0.6 and read level 0 whole,
   alternating the two versions, each run in a fresh interpreter.

Every case runs in its own interpreter (peak RSS is its own). Hold the shared lock:

    flock /tmp/bench.lock python benchmarks/bench_v06.py [--shape 256,1024,1024] [--repeats 3]
"""

from __future__ import annotations

import argparse
import json
import math
import os
import shutil
import statistics
import tempfile
import time


def _write(out: str, shape: tuple[int, ...], version: str) -> None:
    from _common import lazy_volume

    import ngff_zarr as nz

    data = lazy_volume(shape, tuple(min(c, n) for c, n in zip((64, 256, 256), shape, strict=True)))
    image = nz.to_ngff_image(data, dims=("z", "y", "x"), scale={"z": 2.0, "y": 0.5, "x": 0.5})
    ms = nz.to_multiscales(image, scale_factors=[], chunks=64)
    nz.to_ngff_zarr(f"{out}/src{version.replace('.', '')}.ome.zarr", ms, version=version)


def _case(case: str, shape: tuple[int, ...], out: str, degrees: float) -> dict[str, object]:
    import numpy as np
    from _common import peak_rss_mib

    import ngff_zarr as nz

    t0 = time.perf_counter()
    if case.startswith("write"):
        _write(out, shape, case[-3:])
        extra: dict[str, object] = {}
    elif case == "resample":
        from ngff_zarr.v06.matrices import Rotation

        moving = nz.from_ngff_zarr(f"{out}/src06.ome.zarr").images[0]
        a = math.radians(degrees)
        rotation = Rotation(
            [[1, 0, 0], [0, math.cos(a), -math.sin(a)], [0, math.sin(a), math.cos(a)]]
        )
        # rotate about the centre of the y/x plane: translate, rotate, translate back
        from ngff_zarr.v06.composite import TransformSequence
        from ngff_zarr.v06.elementary import Translation

        centre = [0.0, shape[1] * 0.5 / 2, shape[2] * 0.5 / 2]
        transform = TransformSequence(
            [Translation([-c for c in centre]), rotation, Translation(centre)]
        )
        result = nz.resample(transform, moving, moving, interpolator="linear")
        ms = nz.to_multiscales(result, scale_factors=[], chunks=64)
        nz.to_ngff_zarr(f"{out}/rotated.ome.zarr", ms, version="0.6")
        wall = time.perf_counter() - t0
        back = nz.from_ngff_zarr(f"{out}/rotated.ome.zarr").images[0].data[shape[0] // 2]
        extra = {"write_seconds": round(wall, 2), "mid_plane_nonzero": int(np.count_nonzero(back))}
    else:
        version = "05" if case == "read05" else "06"
        back = nz.from_ngff_zarr(f"{out}/src{version}.ome.zarr")
        arr = back.images[0].data.compute()
        extra = {"sum_gt0": int(arr.sum(dtype=np.uint64) > 0)}
    wall = time.perf_counter() - t0
    return {"case": case, "seconds": round(wall, 2), "peak_rss_MiB": round(peak_rss_mib()), **extra}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--shape", default="256,1024,1024")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--degrees", type=float, default=10.0)
    parser.add_argument("--out", default=None)
    parser.add_argument("--case", default=None, help=argparse.SUPPRESS)
    parser.add_argument("--skip", default="", help="comma-separated: write,resample,read")
    args = parser.parse_args()
    shape = tuple(int(n) for n in args.shape.split(","))
    if args.case:
        print(json.dumps(_case(args.case, shape, args.out, args.degrees)))
        return
    from _common import run_case_in_subprocess

    out = args.out or tempfile.mkdtemp(prefix="bench_v06_")
    extra = ["--shape", args.shape, "--out", out, "--degrees", str(args.degrees)]
    module = os.path.splitext(os.path.basename(__file__))[0]
    try:
        skip = set(args.skip.split(","))
        for case in () if "write" in skip else ("write0.5", "write0.6"):
            print(json.dumps(run_case_in_subprocess(module, case, *extra)), flush=True)
        if "resample" not in skip:
            print(json.dumps(run_case_in_subprocess(module, "resample", *extra)), flush=True)
        if "read" not in skip:
            times: dict[str, list[float]] = {"read05": [], "read06": []}
            for _ in range(args.repeats):
                for case in ("read05", "read06"):
                    r = run_case_in_subprocess(module, case, *extra)
                    print(json.dumps(r), flush=True)
                    times[case].append(float(r["seconds"]))  # type: ignore[arg-type]
            m05, m06 = statistics.median(times["read05"]), statistics.median(times["read06"])
            print(
                json.dumps(
                    {
                        "read05_median_s": m05,
                        "read06_median_s": m06,
                        "ratio_06_over_05": round(m06 / m05, 3),
                    }
                )
            )
    finally:
        if args.out is None:
            shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
