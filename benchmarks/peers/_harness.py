"""What every peer worker shares: sizes, synthetic data, measurement, store inspection.

This module is imported by workers that run in *different* virtual environments (ours, ngio,
ome-zarr-py, ngff-zarr 0.50, tensorstore), so it may import only the standard library, NumPy
and psutil at module level; dask and zarr are imported inside the functions that need them.

A worker runs ONE case in a fresh process and prints one JSON line (see :func:`run_worker`).
"""

from __future__ import annotations

import argparse
import contextlib
import importlib
import importlib.util
import json
import os
import resource
import sys
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

# --------------------------------------------------------------------------------------------
# Sizes. "full" is what issue 17 measures; "quick" keeps every case well under a second.
# --------------------------------------------------------------------------------------------

SIZES: dict[str, dict[str, Any]] = {
    "full": {
        "w1_shape": [256, 1024, 1024],
        "w2_shape": [512, 1024, 1024],
        "w2_chunkings": {"slab16": [16, 1024, 1024], "slab1": [1, 1024, 1024], "cube64": [64] * 3},
        "chunk": 64,  # the chunk edge where a workload fixes one (sharded 0.5, the W3 stores)
        "shard": 256,  # the shard edge of the sharded 0.5 stores
        "w3_blocks": 100,
        "w3_block_edge": 64,
        "w4_rows": 8,
        "w4_columns": 12,
        "w4_fields": 2,
        "w4_field_shape": [2, 512, 512],
        "w4_list_rows": 32,
        "w4_list_columns": 48,
        "w4_list_fields": 4,
        "w5_shape": [128, 512, 512],
    },
    "quick": {
        "w1_shape": [32, 128, 128],
        "w2_shape": [64, 128, 128],
        "w2_chunkings": {"slab16": [16, 128, 128], "slab1": [1, 128, 128], "cube64": [32] * 3},
        "chunk": 16,
        "shard": 32,
        "w3_blocks": 20,
        "w3_block_edge": 16,
        "w4_rows": 2,
        "w4_columns": 3,
        "w4_fields": 2,
        "w4_field_shape": [2, 64, 64],
        "w4_list_rows": 4,
        "w4_list_columns": 6,
        "w4_list_fields": 4,
        "w5_shape": [16, 64, 64],
    },
}

#: The pyramid of every image workload: 3 levels, each spatial dim halved per level (z too).
SCALE_FACTORS = [2, 4]
LEVELS = 3


def sizes(name: str, overrides: str | None = None) -> dict[str, Any]:
    """The size table ``name`` ('full' or 'quick') with a JSON object of overrides applied."""
    out = json.loads(json.dumps(SIZES[name]))
    if overrides:
        out.update(json.loads(overrides))
    return out


def plate_names(rows: int, columns: int) -> tuple[list[str], list[str]]:
    """Row names A..Z, AA..AF (as 1536-well plates name them) and column names '1'..'N'."""
    letters = [chr(ord("A") + i) for i in range(26)]
    row_names = (letters + ["A" + c for c in letters])[:rows]
    return row_names, [str(i + 1) for i in range(columns)]


# --------------------------------------------------------------------------------------------
# Synthetic data: cheap, deterministic, compressible, identical in every environment.
# A 1024x1024 tile (a few smooth waves plus noise) drifts by (3z, 2z) pixels per plane.
# --------------------------------------------------------------------------------------------

TILE = 1024


def tile(seed: int) -> np.ndarray:
    """The base plane: smooth structure and sensor-like noise, uint16 (values 100..~3400)."""
    rng = np.random.default_rng(seed)
    yy = np.arange(TILE, dtype=np.float32)[:, None]
    xx = np.arange(TILE, dtype=np.float32)[None, :]
    out = np.zeros((TILE, TILE), dtype=np.float32)
    for _ in range(6):
        # whole periods across the tile, so the tile wraps without a seam
        fy, fx = rng.integers(1, 24, size=2)
        phase = rng.random() * 2 * np.pi
        out += np.cos(2 * np.pi * (fy * yy + fx * xx) / TILE + phase)
    out = (out - out.min()) * (3000.0 / (np.ptp(out) + 1e-9)) + 100.0
    out += rng.integers(0, 256, size=(TILE, TILE)).astype(np.float32)
    return out.astype(np.uint16)


class Source:
    """Generates any box of the synthetic volume; ``block`` counts the boxes it produced."""

    def __init__(self, seed: int) -> None:
        base = tile(seed)
        self._tile2 = np.tile(base, (2, 2))  # a window up to TILE x TILE is a plain slice
        self.calls: dict[tuple[int, ...], int] = {}
        self._lock = threading.Lock()

    def box(self, z: tuple[int, int], y: tuple[int, int], x: tuple[int, int]) -> np.ndarray:
        (z0, z1), (y0, y1), (x0, x1) = z, y, x
        out = np.empty((z1 - z0, y1 - y0, x1 - x0), dtype=np.uint16)
        for i, zz in enumerate(range(z0, z1)):
            r, c = (y0 - 3 * zz) % TILE, (x0 - 2 * zz) % TILE
            if y1 - y0 <= TILE and x1 - x0 <= TILE:
                window = self._tile2[r : r + y1 - y0, c : c + x1 - x0]
            else:
                rows = (np.arange(y0, y1) - 3 * zz) % TILE
                cols = (np.arange(x0, x1) - 2 * zz) % TILE
                window = self._tile2[np.ix_(rows, cols)]
            np.add(window, zz % 7, out=out[i])
        return out

    def volume(self, shape: list[int]) -> np.ndarray:
        return self.box((0, shape[0]), (0, shape[1]), (0, shape[2]))

    def lazy(self, shape: list[int], chunks: list[int]) -> Any:
        """A dask array over the same volume, one generator call per chunk, counted."""
        import dask.array as da

        def block(block_info: Any = None) -> np.ndarray:
            info = block_info[None]
            key = tuple(info["chunk-location"])
            with self._lock:
                self.calls[key] = self.calls.get(key, 0) + 1
            (z0, z1), (y0, y1), (x0, x1) = info["array-location"]
            return self.box((z0, z1), (y0, y1), (x0, x1))

        normalized = da.core.normalize_chunks(tuple(chunks), tuple(shape))
        meta = np.empty((0, 0, 0), dtype=np.uint16)
        return da.map_blocks(block, chunks=normalized, dtype=np.uint16, meta=meta)

    def count_report(self, shape: list[int], chunks: list[int]) -> dict[str, Any]:
        n = 1
        for s, c in zip(shape, chunks, strict=True):
            n *= -(-s // c)
        values = list(self.calls.values())
        return {
            "source_chunks": n,
            "source_chunk_calls": sum(values),
            "source_chunks_computed_more_than_once": sum(1 for v in values if v > 1),
            "source_max_calls_per_chunk": max(values, default=0),
        }


def field_image(src: Source, shape: list[int], index: int) -> np.ndarray:
    """Field ``index`` of a plate: (c, y, x) uint16, a different window of the tile per field."""
    c, h, w = shape
    off = (index * 97) % TILE
    planes = [src.box((k, k + 1), (off, off + h), (2 * off, 2 * off + w))[0] for k in range(c)]
    return np.stack(planes)


def labels(shape: list[int], seed: int) -> np.ndarray:
    """A uint32 label volume: irregular cells (a jittered grid) with ~50 000 ids, 0 between."""
    rng = np.random.default_rng(seed)
    z, y, x = (np.arange(n) for n in shape)
    cell = 24
    jy = (6 * np.sin(x / 17.0)).astype(np.int64)  # the walls wander
    jx = (6 * np.cos(y / 13.0)).astype(np.int64)
    zi = (z // 8)[:, None, None]
    yi = ((y[:, None] + jy[None, :]) // cell)[None, :, :]
    xi = ((x[None, :] + jx[:, None]) // cell)[None, :, :]
    ids = (zi * 7919 + yi * 104729 + xi * 1299709 + int(rng.integers(0, 1000))) % 50000 + 1
    background = ((y[:, None] + x[None, :]) % 97 < 9)[None, :, :]  # thin gaps of 0
    return np.where(background, 0, ids).astype(np.uint32)


def random_blocks(shape: list[int], edge: int, count: int, seed: int) -> list[tuple[int, ...]]:
    """``count`` block origins (z, y, x), uniform in the volume, fixed by ``seed``."""
    rng = np.random.default_rng(seed + 17)
    return [tuple(int(rng.integers(0, s - edge + 1)) for s in shape) for _ in range(count)]


# --------------------------------------------------------------------------------------------
# Measurement
# --------------------------------------------------------------------------------------------


def _rss() -> int:
    import psutil

    return int(psutil.Process().memory_info().rss)


def _maxrss() -> int:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024  # KiB on Linux


def _cpu() -> float:
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


@dataclass
class Context:
    """What a case function gets: sizes, seed, where to write, what to read, the variant."""

    case: str
    variant: str
    size: dict[str, Any]
    seed: int
    out: Path
    input: Path | None
    info: dict[str, Any] = field(default_factory=dict)
    result: dict[str, Any] = field(default_factory=dict)

    @contextlib.contextmanager
    def timed(self, interval: float = 0.005) -> Iterator[None]:
        """Measure the block: wall, CPU (all threads) and peak RSS above the RSS at entry."""
        baseline, maxrss0 = _rss(), _maxrss()
        peak = [baseline]
        done = threading.Event()

        def sample() -> None:
            while not done.wait(interval):
                peak[0] = max(peak[0], _rss())

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        cpu0, t0 = _cpu(), time.perf_counter()
        try:
            yield
        finally:
            wall, cpu = time.perf_counter() - t0, _cpu() - cpu0
            done.set()
            sampler.join()
            peak[0] = max(peak[0], _rss())
            maxrss1 = _maxrss()
            # ru_maxrss is the lifetime peak: it speaks for this block only if it grew in it
            top = max(peak[0], maxrss1) if maxrss1 > maxrss0 else peak[0]
            self.result.update(
                wall_s=round(wall, 4),
                cpu_s=round(cpu, 4),
                peak_rss_mib=round((top - baseline) / 2**20, 1),
                baseline_rss_mib=round(baseline / 2**20, 1),
            )


def run_worker(
    library: str,
    version: Callable[[], str],
    cases: dict[str, Callable[[Context], None]],
    imports: tuple[str, ...] = (),
    argv: list[str] | None = None,
) -> None:
    """Parse the worker command line, run one case, print one JSON line, exit 0 or 1."""
    parser = argparse.ArgumentParser(description=f"benchmark worker for {library}")
    parser.add_argument("--case", required=True, choices=sorted(cases))
    parser.add_argument("--variant", default="default")
    parser.add_argument("--size", default="full", choices=sorted(SIZES))
    parser.add_argument("--sizes-json", default=None, help="JSON object overriding sizes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, required=True, help="a folder to write into")
    parser.add_argument("--input", type=Path, default=None, help="a store to read")
    args = parser.parse_args(argv)
    ctx = Context(
        case=args.case,
        variant=args.variant,
        size=sizes(args.size, args.sizes_json),
        seed=args.seed,
        out=args.out,
        input=args.input,
    )
    record: dict[str, Any] = {"library": library, "case": args.case, "variant": args.variant}
    status = 0
    try:
        t0 = time.perf_counter()
        for module in imports:
            importlib.import_module(module)
        if "dask" in sys.modules and importlib.util.find_spec("distributed") is not None:
            # dask imports distributed on its first compute when it is installed (~1 s):
            # an import like the others, paid untimed
            importlib.import_module("distributed")
        record["import_s"] = round(time.perf_counter() - t0, 3)
        record["library_version"] = version()
        cases[args.case](ctx)
        if "wall_s" not in ctx.result:
            raise RuntimeError("the case measured nothing (no ctx.timed() block)")
    except BaseException as exc:  # a failed case is a result, not a crash
        status = 1
        record["error"] = f"{type(exc).__name__}: {exc}"[:2000]
        traceback.print_exc(file=sys.stderr)
    record.update(ctx.result)
    record["info"] = ctx.info
    print(json.dumps(record, default=str), flush=True)
    sys.exit(status)


# --------------------------------------------------------------------------------------------
# Store inspection (plain JSON, no library): what a writer actually produced.
# --------------------------------------------------------------------------------------------


def _attrs(group: Path) -> dict[str, Any]:
    if (group / "zarr.json").is_file():
        doc = json.loads((group / "zarr.json").read_text(encoding="utf-8"))
        attrs = doc.get("attributes", {})
        return dict(attrs.get("ome", attrs))
    if (group / ".zattrs").is_file():
        return dict(json.loads((group / ".zattrs").read_text(encoding="utf-8")))
    return {}


def _array_meta(array: Path) -> dict[str, Any]:
    if (array / "zarr.json").is_file():
        doc = json.loads((array / "zarr.json").read_text(encoding="utf-8"))
        chunks = doc["chunk_grid"]["configuration"]["chunk_shape"]
        codecs = doc.get("codecs", [])
        shard = None
        if codecs and codecs[0]["name"] == "sharding_indexed":
            shard, config = chunks, codecs[0]["configuration"]
            chunks, codecs = config["chunk_shape"], config.get("codecs", [])
        names = [c["name"] + _codec_detail(c.get("configuration", {})) for c in codecs]
        return {
            "zarr_format": 3,
            "shape": doc["shape"],
            "chunks": chunks,
            "shards": shard,
            "codecs": names,
        }
    doc = json.loads((array / ".zarray").read_text(encoding="utf-8"))
    comp = doc.get("compressor") or {}
    filters = [f["id"] + _codec_detail(f) for f in doc.get("filters") or []]
    names = [*filters, comp.get("id", "none") + _codec_detail(comp)]
    return {"zarr_format": 2, "shape": doc["shape"], "chunks": doc["chunks"], "codecs": names}


def _codec_detail(config: dict[str, Any]) -> str:
    keys = [k for k in ("cname", "clevel", "level", "shuffle") if k in config]
    return "(" + ",".join(f"{config[k]}" for k in keys) + ")" if keys else ""


def find_multiscales(root: Path) -> Path | None:
    """The first group below ``root`` (breadth first) that holds multiscales metadata.

    A store with a ``labels`` group (an image with labels beside it) is searched from there,
    so a label pyramid is found rather than its (empty) image.
    """
    queue = [root / "labels"] if (root / "labels").is_dir() else [root]
    while queue:
        group = queue.pop(0)
        if "multiscales" in _attrs(group):
            return group
        queue.extend(sorted(p for p in group.iterdir() if p.is_dir()))
    return None


def inspect_store(root: Path) -> dict[str, Any]:
    """Level shapes, level-0 chunks/shards/codecs, bytes and files on disk of a written store."""
    out: dict[str, Any] = {}
    files, total = 0, 0
    for dirpath, _, names in os.walk(root):
        for name in names:
            files += 1
            total += os.path.getsize(os.path.join(dirpath, name))
    out["disk_mib"], out["files"] = round(total / 2**20, 1), files
    group = find_multiscales(root)
    if group is None:
        return out
    multiscales = _attrs(group)["multiscales"][0]
    paths = [d["path"] for d in multiscales["datasets"]]
    out["levels"] = [_array_meta(group / p)["shape"] for p in paths]
    out["level0"] = _array_meta(group / paths[0])
    out["version"] = _attrs(group).get("version", multiscales.get("version"))
    return out


def check_plane(root: Path, expected: np.ndarray, z: int, lib: Adapter | None = None) -> str:
    """Read plane ``z`` of level 0 and compare: 'ok' or what differs.

    Reads with zarr-python where the environment has it, else with the library's own reader.
    """
    group = find_multiscales(root)
    if group is None:
        return "no multiscales group found"
    try:
        import zarr
    except ImportError:
        if lib is None:
            raise
        handle = lib.open_image(group, "default")
        got = lib.read(handle, (slice(z, z + 1), slice(None), slice(None)))[0]
    else:
        path = _attrs(group)["multiscales"][0]["datasets"][0]["path"]
        array = zarr.open_array(str(group / path), mode="r")
        got = np.asarray(array[(0,) * (array.ndim - 3) + (z,)])
    if got.shape != expected.shape:
        return f"plane {z}: shape {got.shape}, expected {expected.shape}"
    if not np.array_equal(got, expected):
        return f"plane {z}: {int((got != expected).sum())} voxels differ"
    return "ok"


def finish_write(
    ctx: Context,
    store: Path,
    expected: Callable[[int], np.ndarray],
    z: int,
    lib: Adapter | None = None,
) -> None:
    """After a timed write: describe the store and check one plane of level 0 (untimed)."""
    ctx.info["store"] = inspect_store(store)
    try:
        ctx.info["check"] = check_plane(store, expected(z), z, lib)
    except Exception as exc:  # a check that cannot run is reported, not fatal
        ctx.info["check"] = f"not checked: {type(exc).__name__}: {exc}"


# --------------------------------------------------------------------------------------------
# The workloads, written once against a small adapter that each worker implements.
# --------------------------------------------------------------------------------------------


class Adapter:
    """The library calls a worker provides; every method a workload uses is listed here.

    ``purpose`` tells ``write_image`` which pyramid method the workload asks for:
    ``"image"`` (the library's default method), ``"mean"`` (a mean-type method, W2) or
    ``"labels"`` (a label-safe method, W5). ``chunks``/``shard`` are ``None`` where the
    workload leaves them to the library's defaults. Arrays are (z, y, x) or, for plates,
    (c, y, x). A method a library cannot do raises ``NotImplementedError``.
    """

    #: Modules imported before any case runs, so that no timed block pays for an import:
    #: the library and the I/O packages it imports lazily on first use.
    imports: tuple[str, ...] = ()

    def write_image(
        self,
        store: Path,
        data: Any,
        *,
        dims: str,
        version: str,
        purpose: str,
        chunks: int | None,
        shard: int | None,
        variant: str,
    ) -> None:
        raise NotImplementedError

    def open_image(self, store: Path, variant: str) -> Any:
        """Open a multiscale image for reading; returns a handle for :meth:`read`."""
        raise NotImplementedError

    def read(self, handle: Any, box: tuple[slice, slice, slice]) -> np.ndarray:
        """Read a (z, y, x) box of level 0 into memory."""
        raise NotImplementedError

    def write_plate(
        self,
        store: Path,
        rows: list[str],
        columns: list[str],
        fields: int,
        images: dict[tuple[str, str, int], np.ndarray],
        *,
        version: str,
        variant: str,
    ) -> None:
        raise NotImplementedError

    def list_plate(self, store: Path, variant: str) -> int:
        """Open a plate and every field's image metadata (no pixels); return the field count."""
        raise NotImplementedError


_SOURCES: dict[int, Source] = {}


def source(seed: int) -> Source:
    if seed not in _SOURCES:
        _SOURCES[seed] = Source(seed)
    return _SOURCES[seed]


def _w1(version: str, sharded: bool) -> Callable[[Adapter, Context], None]:
    def case(lib: Adapter, ctx: Context) -> None:
        shape, src = ctx.size["w1_shape"], source(ctx.seed)
        volume = src.volume(shape)
        store = ctx.out / "w1.ome.zarr"
        chunks = ctx.size["chunk"] if sharded else None
        shard = ctx.size["shard"] if sharded else None
        with ctx.timed():
            lib.write_image(
                store, volume, dims="zyx", version=version, purpose="image",
                chunks=chunks, shard=shard, variant=ctx.variant,
            )  # fmt: skip
        finish_write(ctx, store, lambda z: volume[z], shape[0] // 2, lib)

    return case


def _w2(chunking: str) -> Callable[[Adapter, Context], None]:
    def case(lib: Adapter, ctx: Context) -> None:
        shape, src = ctx.size["w2_shape"], source(ctx.seed)
        chunks = ctx.size["w2_chunkings"][chunking]
        lazy = src.lazy(shape, chunks)
        store = ctx.out / "w2.ome.zarr"
        with ctx.timed():
            lib.write_image(
                store, lazy, dims="zyx", version="0.4", purpose="mean",
                chunks=None, shard=None, variant=ctx.variant,
            )  # fmt: skip
        ctx.info.update(src.count_report(shape, chunks))
        ctx.info["source_chunking"] = chunks

        def plane(z: int) -> np.ndarray:
            return src.box((z, z + 1), (0, shape[1]), (0, shape[2]))[0]

        finish_write(ctx, store, plane, shape[0] // 2, lib)

    return case


def _w3(what: str) -> Callable[[Adapter, Context], None]:
    def case(lib: Adapter, ctx: Context) -> None:
        if ctx.input is None:
            raise ValueError("W3 reads a prepared store: pass --input")
        shape = ctx.size["w1_shape"]
        edge = ctx.size["w3_block_edge"]
        if what == "whole":
            boxes = [(slice(0, shape[0]), slice(0, shape[1]), slice(0, shape[2]))]
        elif what == "zslice":
            z = shape[0] // 2
            boxes = [(slice(z, z + 1), slice(0, shape[1]), slice(0, shape[2]))]
        else:
            origins = random_blocks(shape, edge, ctx.size["w3_blocks"], ctx.seed)
            boxes = [tuple(slice(o, o + edge) for o in origin) for origin in origins]
        got: list[np.ndarray] = []
        with ctx.timed():
            handle = lib.open_image(ctx.input, ctx.variant)
            got.extend(lib.read(handle, box) for box in boxes)  # type: ignore[arg-type]
        src = source(ctx.seed)
        first = boxes[0]
        want = src.box(*((s.start, s.stop) for s in first))  # type: ignore[arg-type]
        same = got[0].shape == want.shape and np.array_equal(got[0].reshape(want.shape), want)
        ctx.info["check"] = "ok" if same else f"first box differs: got shape {got[0].shape}"
        ctx.info["boxes"] = len(boxes)

    return case


def _w4_write(lib: Adapter, ctx: Context) -> None:
    size, src = ctx.size, source(ctx.seed)
    rows, columns = plate_names(size["w4_rows"], size["w4_columns"])
    fields, shape = size["w4_fields"], size["w4_field_shape"]
    images = {}
    for i, (r, c, f) in enumerate((r, c, f) for r in rows for c in columns for f in range(fields)):
        images[(r, c, f)] = field_image(src, shape, i)
    store = ctx.out / "plate96.ome.zarr"
    with ctx.timed():
        lib.write_plate(store, rows, columns, fields, images, version="0.4", variant=ctx.variant)
    ctx.info["store"] = inspect_store(store)
    ctx.info["fields_written"] = len(images)
    try:
        # the last well's last field, found through the plate metadata (writers differ in
        # how they name columns: '1' or '01')
        wells = _attrs(store)["plate"]["wells"]
        well = next(
            w["path"]
            for w in wells
            if (w["rowIndex"], w["columnIndex"]) == (len(rows) - 1, len(columns) - 1)
        )
        field_path = _attrs(store / well)["well"]["images"][fields - 1]["path"]
        last = images[(rows[-1], columns[-1], fields - 1)]
        ctx.info["check"] = check_plane(store / well / field_path, last[-1], shape[0] - 1, lib)
    except Exception as exc:
        ctx.info["check"] = f"not checked: {type(exc).__name__}: {exc}"


def _w4_list(lib: Adapter, ctx: Context) -> None:
    if ctx.input is None:
        raise ValueError("W4 listing reads a prepared plate: pass --input")
    size = ctx.size
    expected = size["w4_list_rows"] * size["w4_list_columns"] * size["w4_list_fields"]
    with ctx.timed():
        found = lib.list_plate(ctx.input, ctx.variant)
    ctx.info["fields_listed"] = found
    ctx.info["check"] = "ok" if found == expected else f"listed {found}, expected {expected}"


def _w5(lib: Adapter, ctx: Context) -> None:
    shape = ctx.size["w5_shape"]
    volume = labels(shape, ctx.seed)
    store = ctx.out / "w5.ome.zarr"
    with ctx.timed():
        lib.write_image(
            store, volume, dims="zyx", version="0.4", purpose="labels",
            chunks=None, shard=None, variant=ctx.variant,
        )  # fmt: skip
    finish_write(ctx, store, lambda z: volume[z], shape[0] // 2, lib)


#: The W3 stores: which prepared store each read case reads.
W3_STORES = {"v04": "w3-chunked-v04.ome.zarr", "v05s": "w3-sharded-v05.ome.zarr"}


def workload_cases(lib: Adapter) -> dict[str, Callable[[Context], None]]:
    """Every workload case, bound to one library's adapter."""
    table: dict[str, Callable[[Adapter, Context], None]] = {
        "w1_v04": _w1("0.4", sharded=False),
        "w1_v05_sharded": _w1("0.5", sharded=True),
        "w4_write96": _w4_write,
        "w4_list1536": _w4_list,
        "w5_labels": _w5,
    }
    for chunking in SIZES["full"]["w2_chunkings"]:
        table[f"w2_{chunking}"] = _w2(chunking)
    for store in W3_STORES:
        for what in ("whole", "zslice", "blocks"):
            table[f"w3_{what}_{store}"] = _w3(what)
    return {name: (lambda ctx, fn=fn: fn(lib, ctx)) for name, fn in table.items()}


def read_only_cases(lib: Adapter) -> dict[str, Callable[[Context], None]]:
    return {k: v for k, v in workload_cases(lib).items() if k.startswith("w3_")}
