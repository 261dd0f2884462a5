"""Benchmark HCS plates: write a 96-well plate, open and list a 1536-well plate, read a field.

Run::

    python benchmarks/bench_hcs.py [--version 0.4|0.5|both] [--workers N] [--keep DIR]

Measures, locally and over a loopback HTTP server started here:

* writing a 96-well plate, 2 fields per well, each 2x512x512 uint16 (3 pyramid levels),
  from one thread and from a thread pool;
* opening a 1536-well plate (2 fields per well; the fields' arrays are metadata only) and
  listing every well and field, with the concurrent ``load_wells`` and well by well;
* the HTTP figures twice: a plain loopback server, and one that waits ``--latency-ms`` before
  each response, as a remote store would;
* reading one field: open the plate, get the well and the field's Multiscales, and load its
  full-resolution pixels.
"""

from __future__ import annotations

import argparse
import functools
import json
import shutil
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import numpy as np

from ngff_zarr import Plate, from_hcs_zarr, to_hcs_zarr, write_hcs_well_image
from ngff_zarr.to_multiscales import to_multiscales
from ngff_zarr.to_ngff_image import to_ngff_image

ROWS_96, COLUMNS_96 = [chr(ord("A") + i) for i in range(8)], [str(i + 1) for i in range(12)]
ROWS_1536 = [chr(ord("A") + i) for i in range(26)] + ["AA", "AB", "AC", "AD", "AE", "AF"]
COLUMNS_1536 = [str(i + 1) for i in range(48)]
FIELDS = 2


class _Quiet(SimpleHTTPRequestHandler):
    latency = 0.0

    def log_message(self, format: str, *args: object) -> None:
        pass

    def send_head(self):  # type: ignore[no-untyped-def]
        if self.latency:
            time.sleep(self.latency)  # a simulated round trip to a remote store
        return super().send_head()


@contextmanager
def http_server(directory: Path, latency: float = 0.0) -> Iterator[str]:
    handler_class = type("Handler", (_Quiet,), {"latency": latency})
    handler = functools.partial(handler_class, directory=str(directory))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    """Median wall time of ``repeat`` runs (seconds) and the last result."""
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def field_image(seed: int) -> Any:
    rng = np.random.default_rng(seed)
    yy, xx = np.mgrid[0:512, 0:512]
    base = (1000 + 500 * np.sin(yy / 37.0) * np.cos(xx / 23.0)).astype("uint16")
    data = np.stack([base, base // 2]) + rng.integers(0, 64, (2, 512, 512), dtype="uint16")
    return to_multiscales(to_ngff_image(data, dims=("c", "y", "x")), scale_factors=[2, 4])


def write_96(path: Path, version: str, workers: int) -> float:
    plate = Plate.from_names(ROWS_96, COLUMNS_96, field_count=FIELDS, name="bench 96")
    images = [field_image(i) for i in range(FIELDS)]
    jobs = [(w.path.split("/"), f) for w in plate.wells for f in range(FIELDS)]

    def one(job: tuple[list[str], int]) -> None:
        (row, column), index = job
        write_hcs_well_image(
            path, images[index], row=row, column=column, field_index=index, plate=plate,
            version=version,  # type: ignore[arg-type]
        )  # fmt: skip

    if path.exists():
        shutil.rmtree(path)
    start = time.perf_counter()
    to_hcs_zarr(plate, path, version=version)  # type: ignore[arg-type]
    if workers <= 1:
        for job in jobs:
            one(job)
    else:
        with ThreadPoolExecutor(max_workers=workers) as pool:
            list(pool.map(one, jobs))
    return time.perf_counter() - start


def make_1536(path: Path, version: str, template: Path) -> None:
    """A 1536-well plate whose fields copy the metadata (not the chunks) of ``template``."""
    plate = Plate.from_names(ROWS_1536, COLUMNS_1536, field_count=FIELDS, name="bench 1536")
    if path.exists():
        shutil.rmtree(path)
    to_hcs_zarr(plate, path, version=version)  # type: ignore[arg-type]
    names = {".zattrs", ".zgroup", ".zarray", "zarr.json"}
    metadata = [
        (p.relative_to(template), p.read_bytes())
        for p in template.rglob("*")
        if p.is_file() and p.name in names
    ]
    for well in plate.wells:
        well_dir = path / well.path
        images = [{"path": str(i)} for i in range(FIELDS)]
        if version == "0.4":
            doc: dict[str, Any] = {"well": {"images": images, "version": "0.4"}}
            (well_dir / ".zattrs").write_text(json.dumps(doc))
        else:
            ome = {"version": "0.5", "well": {"images": images}}
            doc = {"zarr_format": 3, "node_type": "group", "attributes": {"ome": ome}}
            (well_dir / "zarr.json").write_text(json.dumps(doc))
        for index in range(FIELDS):
            for relative, content in metadata:
                target = well_dir / str(index) / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(content)


def list_all(store: str, *, concurrent: bool) -> int:
    plate = from_hcs_zarr(store)
    wells = plate.load_wells() if concurrent else list(plate)
    return sum(len(w.images) for w in wells)


def read_field(store: str) -> tuple[float, float]:
    start = time.perf_counter()
    plate = from_hcs_zarr(store)
    multiscales = plate.get_well("D", "7").get_image(1)
    opened = time.perf_counter() - start
    pixels = multiscales.images[0].data.compute()
    assert pixels.shape == (2, 512, 512)
    return opened, time.perf_counter() - start


def run(version: str, workers: int, root: Path, latency_ms: float) -> dict[str, float]:
    out: dict[str, float] = {}
    p96 = root / f"plate96-{version}.zarr"
    out["write 96 wells x 2 fields, 1 thread (s)"] = write_96(p96, version, 1)
    out[f"write 96 wells x 2 fields, {workers} threads (s)"] = write_96(p96, version, workers)
    size = sum(f.stat().st_size for f in p96.rglob("*") if f.is_file())
    out["96-well plate size (MB)"] = size / 1e6
    p1536 = root / f"plate1536-{version}.zarr"
    make_1536(p1536, version, p96 / "A" / "1" / "0")
    with http_server(root) as url, http_server(root, latency_ms / 1000) as slow_url:
        sources = {"local": str(root), "http": url, f"http+{latency_ms:g}ms": slow_url}
        for where, base in sources.items():
            store = f"{base}/{p1536.name}"
            t_open, plate = timed(lambda store=store: from_hcs_zarr(store))
            assert len(plate) == 1536
            out[f"{where}: open 1536-well plate (s)"] = t_open
            t_list, count = timed(lambda store=store: list_all(store, concurrent=True))
            assert count == 1536 * FIELDS
            out[f"{where}: open + list 1536 wells / 3072 fields, load_wells (s)"] = t_list
            t_serial, _ = timed(lambda store=store: list_all(store, concurrent=False), repeat=1)
            out[f"{where}: open + list 1536 wells, well by well (s)"] = t_serial
            field_store = f"{base}/{p96.name}"
            results = [read_field(field_store) for _ in range(3)]
            out[f"{where}: open plate + get one field's Multiscales (s)"] = statistics.median(
                r[0] for r in results
            )
            out[f"{where}: ... + read its 2x512x512 pixels (s)"] = statistics.median(
                r[1] for r in results
            )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", choices=["0.4", "0.5", "both"], default="both")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the plates")
    parser.add_argument(
        "--latency-ms", type=float, default=20.0, help="simulated round trip of the slow server"
    )
    args = parser.parse_args()
    versions = ["0.4", "0.5"] if args.version == "both" else [args.version]
    root = args.keep or Path(tempfile.mkdtemp(prefix="bench-hcs-"))
    root.mkdir(parents=True, exist_ok=True)
    try:
        results = {v: run(v, args.workers, root, args.latency_ms) for v in versions}
    finally:
        if args.keep is None:
            shutil.rmtree(root, ignore_errors=True)
    names = list(next(iter(results.values())))
    width = max(len(n) for n in names)
    print(f"{'measure':<{width}}  " + "  ".join(f"{v:>8}" for v in versions))
    for name in names:
        print(f"{name:<{width}}  " + "  ".join(f"{results[v][name]:8.3f}" for v in versions))


if __name__ == "__main__":
    main()
