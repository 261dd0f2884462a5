"""Issue 12 benchmark: a 128x512x512 uint32 label image with ~10,000 labels.

Measures (wall and CPU seconds, median of ``--repeat`` runs):

1. the label pyramid, 3 levels on the image's grid: ``write_labels`` with given colours (the
   pyramid computed and the 3 levels streamed to disk), and the two lower levels computed
   alone in memory;
2. the masking ROI table built from the label image (one streamed pass) and written;
3. every label's masked region read through that table (``iter_masked``).

    python benchmarks/bench_labels.py [--out DIR] [--repeat 3] [--version 0.5]

The machine's load average is printed: on a shared machine, wall time follows the load and
CPU time is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import numpy as np

SHAPE = (128, 512, 512)


def label_volume(shape: tuple[int, int, int] = SHAPE, seed: int = 0) -> np.ndarray:
    """~10,000 cell-like labels: a 10x32x32 grid of boxes with jittered sizes, 1-pixel gaps."""
    rng = np.random.default_rng(seed)
    labels = np.zeros(shape, np.uint32)
    cells = (10, 32, 32)
    step = [s // c for s, c in zip(shape, cells, strict=True)]
    value = 0
    for i in range(cells[0]):
        for j in range(cells[1]):
            for k in range(cells[2]):
                value += 1
                lo = [i * step[0], j * step[1], k * step[2]]
                size = [int(rng.integers(max(1, s // 2), s)) for s in step]
                labels[
                    lo[0] : lo[0] + size[0], lo[1] : lo[1] + size[1], lo[2] : lo[2] + size[2]
                ] = value
    return labels


def _timed(work: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    walls, cpus, result = [], [], None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - t)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=None)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--version", default="0.5", choices=("0.4", "0.5"))
    args = parser.parse_args()

    import ngff_zarr as nz
    from ngff_zarr.methods import _numpy

    out = args.out or tempfile.mkdtemp(prefix="bench_labels_")
    path = os.path.join(out, "image.ome.zarr")
    labels = label_volume()
    values = np.unique(labels)
    print(f"labels: shape {labels.shape} uint32, {values.size - 1} labels; "
          f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")  # fmt: skip
    image = nz.to_ngff_image(
        np.zeros(SHAPE, np.uint16), dims=("z", "y", "x"), scale={"z": 1.0, "y": 0.5, "x": 0.5},
        axes_units=dict.fromkeys("zyx", "micrometer"),
    )  # fmt: skip
    nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2, 4]), version=args.version)
    colors = {int(v): (255, 0, 0, 255) for v in values if v}

    def lower_levels() -> None:
        level1 = _numpy.nearest(labels, (2, 2, 2), spatial=(True,) * 3)
        _numpy.nearest(level1, (2, 2, 2), spatial=(True,) * 3)

    wall, cpu, _ = _timed(lower_levels, args.repeat)
    print(f"label pyramid, levels 1-2 in memory (nearest): {wall:.3f} s wall, {cpu:.3f} s CPU")
    wall, cpu, _ = _timed(
        lambda: nz.write_labels(path, "cells", labels, colors=colors, overwrite=True), args.repeat
    )
    print(f"write_labels, 3 levels computed and written: {wall:.3f} s wall, {cpu:.3f} s CPU")
    wall, cpu, _ = _timed(
        lambda: nz.write_labels(path, "auto", labels, overwrite=True), args.repeat
    )
    print(f"write_labels with default colours (one more pass): {wall:.3f} s wall, {cpu:.3f} s CPU")
    wall, cpu, table = _timed(
        lambda: nz.build_masking_roi_table(path, "cells", name="cells_ROI_table", overwrite=True),
        args.repeat,
    )
    print(f"masking ROI table, {len(table)} rows, built and written: {wall:.3f} s wall, "
          f"{cpu:.3f} s CPU")  # fmt: skip

    def read_all() -> int:
        count = 0
        for region in nz.iter_masked(path, "cells", table="cells_ROI_table"):
            count += int(region.mask.sum())
        return count

    wall, cpu, voxels = _timed(read_all, args.repeat)
    assert voxels == int((labels > 0).sum())
    print(f"every label's masked region through the table ({len(table)} regions, "
          f"{voxels} labelled voxels): {wall:.3f} s wall, {cpu:.3f} s CPU")  # fmt: skip
    if args.out is None:
        shutil.rmtree(out, ignore_errors=True)


if __name__ == "__main__":
    main()
