"""Side-by-side benchmark against the peers: ngio, ome-zarr-py and upstream ngff-zarr 0.50.

Run (after ``bash benchmarks/peers/setup_envs.sh``, from this checkout's environment)::

    python benchmarks/bench_peers.py              # full sizes, median of 3 (1-2 hours on 2 cores)
    python benchmarks/bench_peers.py --quick      # tiny sizes, a smoke test (well under 1 min)
    python benchmarks/bench_peers.py --only w1_v04,w3 --repeats 5 --json out.json

Every (workload, library, variant) run is a fresh process of that library's worker in that
library's own virtual environment (``benchmarks/peers/worker_*.py``, run with ``python -I``);
this package runs from the interpreter running this script (or ``--ours-python``). Runs
alternate between libraries (A B C A B C ..., never all of one first), and the table shows
the median of ``--repeats`` runs, its range, CPU seconds, peak RSS above the baseline taken
once the input exists, and the ratio to the best peer of the same run (the fastest of ngio,
ome-zarr-py and ngff-zarr 0.50 on that workload). Rows come in two blocks: the default path
of every library, then tuned settings of ours. W3 also shows the ratio to tensorstore alone.
See ``benchmarks/README.md`` for what each workload means.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
PEERS = HERE / "peers"
PEER_LIBRARIES = ("ngio", "ome_zarr", "ngff_zarr050")
REFERENCE = "tensorstore"
LABELS = {
    "ours": "ours",
    "ngio": "ngio",
    "ome_zarr": "ome-zarr-py",
    "ngff_zarr050": "ngff-zarr",
    "tensorstore": "tensorstore",
}
DEFAULT_VENVS = Path(
    os.environ.get("NGFF_ZARR_BENCH_VENVS", Path.home() / ".cache/ngff-zarr-bench/venvs")
)


@dataclass(frozen=True)
class Entry:
    library: str
    variant: str = "default"
    tuned: bool = False  # a tuned setting of ours, shown after the default path
    quick: bool = True  # part of --quick


@dataclass(frozen=True)
class Group:
    case: str
    title: str
    entries: tuple[Entry, ...]
    needs: str | None = None  # a prepared input (key of PREPARE)
    quick: bool = True  # part of --quick


# every writer backend (the default, "auto", is the first installed of
# ngff_zarr._writers.AUTO_ORDER), with the default method, with local_mean and gaussian
_W1_TUNED = (
    "local_mean+zarrs",
    "gaussian",
    "zarr",
    "zarrs",
    "tensorstore",
    "wasm",
    "local_mean+zarr",
    "local_mean+tensorstore",
)


def _peers(*tuned: str, reference: bool = False) -> tuple[Entry, ...]:
    """Every library's default path, then tuned variants of ours (only the first in --quick)."""
    default = [Entry("ours"), *(Entry(lib) for lib in PEER_LIBRARIES)]
    if reference:
        default.append(Entry(REFERENCE))
    return (*default, *(Entry("ours", v, tuned=True, quick=i == 0) for i, v in enumerate(tuned)))


def plan(size: dict[str, Any]) -> list[Group]:
    """Every group of runs, in order. Titles carry the sizes actually used."""
    w1, w2, w5 = (" x ".join(map(str, size[k])) for k in ("w1_shape", "w2_shape", "w5_shape"))
    chunk, shard = size["chunk"], size["shard"]
    groups = [
        Group(
            "w1_v04",
            f"W1 write 0.4, {w1} uint16, 3 levels, each library's default method and codec",
            _peers(*_W1_TUNED),
        ),
        Group(
            "w1_v05_sharded",
            f"W1 write sharded 0.5, {w1} uint16, {chunk}^3 chunks in {shard}^3 shards,"
            " default method and codec",
            _peers(*_W1_TUNED),
            quick=False,
        ),
    ]
    for name, chunks in size["w2_chunkings"].items():
        groups.append(
            Group(
                f"w2_{name}",
                f"W2 write 0.4 from a lazy dask array {w2} chunked {'x'.join(map(str, chunks))},"
                " mean-type method (ngio: its default)",
                _peers("local_mean+tensorstore"),
                quick=name == "slab16",
            )
        )
    reads = {"whole": "whole level 0", "zslice": "one z-slice", "blocks": "random blocks"}
    stores = {"v04": f"chunked 0.4 ({chunk}^3)", "v05s": f"sharded 0.5 ({shard}^3 shards)"}
    for store, store_title in stores.items():
        for what, what_title in reads.items():
            count = f" ({size['w3_blocks']} x {size['w3_block_edge']}^3)"
            count = count if what == "blocks" else ""
            groups.append(
                Group(
                    f"w3_{what}_{store}",
                    f"W3 read {what_title}{count} of a {store_title} store written by ours",
                    _peers("handle", reference=True),
                    needs=f"w3_{store}",
                    quick=(what, store) == ("blocks", "v05s"),
                )
            )
    wells = size["w4_rows"] * size["w4_columns"]
    big = size["w4_list_rows"] * size["w4_list_columns"]
    field_shape = "x".join(map(str, size["w4_field_shape"]))
    groups += [
        Group(
            "w4_write96",
            f"W4 write a {wells}-well 0.4 plate, {size['w4_fields']} fields of {field_shape}"
            " uint16 each, 3 levels",
            _peers(),
        ),
        Group(
            "w4_list1536",
            f"W4 open + list a {big}-well x {size['w4_list_fields']}-field plate"
            " (every field's image metadata, no pixels)",
            _peers(),
            needs="plate1536",
        ),
        Group("w5_labels", f"W5 label pyramid 0.4, {w5} uint32, label-safe method", _peers()),
    ]
    return groups


#: Prepared inputs: key -> (case of worker_ours, folder it writes below the output dir).
PREPARE = {
    "w3_v04": ("prep_w3_v04", "w3-chunked-v04.ome.zarr"),
    "w3_v05s": ("prep_w3_v05s", "w3-sharded-v05.ome.zarr"),
    "plate1536": ("prep_plate1536", "plate1536.ome.zarr"),
}


@dataclass
class Runner:
    venvs: Path
    ours_python: str
    size_name: str
    sizes_json: str | None
    seed: int
    timeout: float
    workdir: Path
    log: list[dict[str, Any]] = field(default_factory=list)
    counter: int = 0

    def python(self, library: str) -> str:
        return self.ours_python if library == "ours" else str(self.venvs / library / "bin/python")

    def command(
        self, library: str, case: str, variant: str, out: Path, inp: Path | None
    ) -> list[str]:
        python = self.python(library)
        worker = PEERS / f"worker_{library}.py"
        cmd = [python, "-I", str(worker), "--case", case, "--variant", variant]
        cmd += ["--size", self.size_name, "--seed", str(self.seed), "--out", str(out)]
        if self.sizes_json:
            cmd += ["--sizes-json", self.sizes_json]
        if inp is not None:
            cmd += ["--input", str(inp)]
        return cmd

    def run(self, library: str, case: str, variant: str = "default", inp: Path | None = None,
            out: Path | None = None) -> dict[str, Any]:  # fmt: skip
        """One fresh worker process; its JSON line, or a record of how it failed."""
        self.counter += 1
        scratch = out or self.workdir / f"run-{self.counter:04d}"
        scratch.mkdir(parents=True, exist_ok=True)
        cmd = self.command(library, case, variant, scratch, inp)
        record: dict[str, Any] = {"library": library, "case": case, "variant": variant}
        record["load_before"] = round(os.getloadavg()[0], 2)
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                cmd, capture_output=True, text=True, timeout=self.timeout, cwd=scratch
            )
        except subprocess.TimeoutExpired:
            record["error"] = f"timeout after {self.timeout:g} s"
        except OSError as exc:
            record["error"] = f"could not start {cmd[0]}: {exc} (run peers/setup_envs.sh?)"
        else:
            lines = [ln for ln in proc.stdout.splitlines() if ln.startswith("{")]
            if lines:
                record.update(json.loads(lines[-1]))
            else:
                tail = (proc.stderr.strip().splitlines() or ["no output"])[-1]
                record["error"] = f"exit {proc.returncode}: {tail}"[:500]
        record["process_s"] = round(time.perf_counter() - start, 2)
        if out is None:
            shutil.rmtree(scratch, ignore_errors=True)
        self.log.append(record)
        return record


def run_group(runner: Runner, group: Group, repeats: int, inputs: dict[str, Path | None],
              jobs: int) -> list[dict[str, Any]]:  # fmt: skip
    """Every entry ``repeats`` times, alternating: A B C .. A B C .. (ABAB order)."""
    inp = inputs.get(group.needs) if group.needs else None
    if group.needs and inp is None:
        error = f"input {group.needs} was not prepared"
        return [
            {"library": e.library, "case": group.case, "variant": e.variant, "error": error}
            for e in group.entries
        ]
    order = [e for _ in range(repeats) for e in group.entries]
    if jobs <= 1:
        return [runner.run(e.library, group.case, e.variant, inp) for e in order]
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        futures = [pool.submit(runner.run, e.library, group.case, e.variant, inp) for e in order]
        return [f.result() for f in futures]


# ---- the table ---------------------------------------------------------------------------


def _median(records: list[dict[str, Any]], key: str) -> float | None:
    values = [r[key] for r in records if key in r and "error" not in r]
    return statistics.median(values) if values else None


def summarize(group: Group, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for entry in group.entries:
        mine = [
            r for r in records if r["library"] == entry.library and r["variant"] == entry.variant
        ]
        ok = [r for r in mine if "error" not in r]
        walls = sorted(r["wall_s"] for r in ok)
        rows.append(
            {
                "entry": entry,
                "runs": len(mine),
                "ok": len(ok),
                "wall": _median(mine, "wall_s"),
                "wall_range": (walls[0], walls[-1]) if walls else None,
                "cpu": _median(mine, "cpu_s"),
                "rss": _median(mine, "peak_rss_mib"),
                "errors": sorted({r["error"] for r in mine if "error" in r}),
                "version": next((r["library_version"] for r in mine if "library_version" in r), ""),
                "info": ok[-1]["info"] if ok else {},
            }
        )
    peers = [r["wall"] for r in rows if r["entry"].library in PEER_LIBRARIES and r["wall"]]
    reference = [r["wall"] for r in rows if r["entry"].library == REFERENCE and r["wall"]]
    best = min(peers) if peers else None
    for row in rows:
        row["vs_best_peer"] = row["wall"] / best if row["wall"] and best else None
        row["vs_tensorstore"] = row["wall"] / reference[0] if row["wall"] and reference else None
    return rows


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def _notes(row: dict[str, Any]) -> str:
    info, notes = row["info"], []
    if "source_chunk_calls" in info:
        notes.append(
            f"source chunks computed {info['source_chunk_calls']}/{info['source_chunks']}"
            f" (max {info['source_max_calls_per_chunk']}x)"
        )
    check = info.get("check")
    if check and check != "ok":
        notes.append(f"CHECK: {check}")
    notes += [f"FAILED: {e}" for e in row["errors"]]
    if row["runs"] and row["ok"] < row["runs"]:
        notes.append(f"{row['ok']}/{row['runs']} runs ok")
    return "; ".join(notes)


def format_group(group: Group, rows: list[dict[str, Any]]) -> str:
    w3 = group.case.startswith("w3_")
    header = ["library", "variant", "wall s", "(min-max)", "CPU s", "RSS MiB", "vs best peer"]
    if w3:
        header.append("vs tensorstore")
    header.append("notes")
    table = []
    for row in rows:
        entry, rng = row["entry"], row["wall_range"]
        cells = [
            LABELS[entry.library] + (f" {row['version']}" if entry.library != "ours" else ""),
            ("tuned: " if entry.tuned else "") + entry.variant,
            _fmt(row["wall"], ".3f"),
            f"({rng[0]:.3f}-{rng[1]:.3f})" if rng else "",
            _fmt(row["cpu"], ".2f"),
            _fmt(row["rss"], ".0f"),
            _fmt(row["vs_best_peer"], ".2f"),
        ]
        if w3:
            cells.append(_fmt(row["vs_tensorstore"], ".2f"))
        cells.append(_notes(row))
        table.append(cells)
    widths = [max(len(str(c)) for c in col) for col in zip(header, *table, strict=True)]
    widths[-1] = 0  # the notes column is not padded
    lines = [group.title] + [
        "  " + "  ".join(str(c).ljust(w) for c, w in zip(cells, widths, strict=True))
        for cells in [header, *table]
    ]
    return "\n".join(line.rstrip() for line in lines)


def format_layouts(group: Group, rows: list[dict[str, Any]]) -> str:
    """What each library wrote: level-0 chunks, shards, codecs, size on disk."""
    out = []
    for row in rows:
        store = row["info"].get("store")
        if not store or "level0" not in store:
            continue
        level0 = store["level0"]
        shards = f" shards {level0['shards']}" if level0.get("shards") else ""
        label = LABELS[row["entry"].library] + " " + row["entry"].variant
        out.append(
            f"    {label:<32} zarr v{level0['zarr_format']} chunks {level0['chunks']}{shards}"
            f" {'+'.join(level0['codecs'])}, {store['disk_mib']} MiB in {store['files']} files"
        )
    return "\n".join(out)


# ---- main --------------------------------------------------------------------------------


def _selected(groups: Iterable[Group], only: str | None, quick: bool) -> list[Group]:
    chosen = [g for g in groups if g.quick or not quick]
    if quick:
        chosen = [
            Group(g.case, g.title, tuple(e for e in g.entries if e.quick), g.needs) for g in chosen
        ]
    if only:
        patterns = [re.compile(p) for p in only.split(",")]
        chosen = [g for g in chosen if any(p.search(g.case) for p in patterns)]
    return chosen


def _ours_revision() -> str:
    try:
        out = subprocess.run(
            ["git", "-C", str(HERE), "describe", "--always", "--dirty"],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return out.stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, 1 run, a subset")
    parser.add_argument("--repeats", type=int, default=None, help="runs per entry (default 3)")
    parser.add_argument("--only", default=None, help="comma-separated regexes on case names")
    parser.add_argument("--libraries", default=None, help="comma-separated subset to run")
    parser.add_argument(
        "--variants", default=None, help="comma-separated regexes on variant names (full match)"
    )
    parser.add_argument("--sizes-json", default=None, help="JSON object overriding sizes")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--venvs", type=Path, default=DEFAULT_VENVS)
    parser.add_argument("--ours-python", default=sys.executable)
    parser.add_argument("--timeout", type=float, default=None, help="seconds per run")
    parser.add_argument("--jobs", type=int, default=None, help="runs at once (default 1)")
    parser.add_argument("--workdir", type=Path, default=None, help="scratch folder")
    parser.add_argument("--json", type=Path, default=None, help="write every run's record")
    args = parser.parse_args(argv)

    sys.path.insert(0, str(PEERS))
    import _harness

    size_name = "quick" if args.quick else "full"
    size = _harness.sizes(size_name, args.sizes_json)
    repeats = args.repeats or (1 if args.quick else 3)
    jobs = args.jobs or (2 if args.quick else 1)
    timeout = args.timeout or (120.0 if args.quick else 1200.0)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="bench-peers-"))
    workdir.mkdir(parents=True, exist_ok=True)
    runner = Runner(
        args.venvs, args.ours_python, size_name, args.sizes_json, args.seed, timeout, workdir
    )
    groups = _selected(plan(size), args.only, args.quick)
    if args.libraries:
        keep = set(args.libraries.split(","))
        groups = [
            Group(g.case, g.title, tuple(e for e in g.entries if e.library in keep), g.needs)
            for g in groups
        ]
    if args.variants:
        wanted = [re.compile(p) for p in args.variants.split(",")]
        groups = [
            Group(
                g.case,
                g.title,
                tuple(e for e in g.entries if any(p.fullmatch(e.variant) for p in wanted)),
                g.needs,
            )
            for g in groups
        ]
    missing = [lib for lib in (*PEER_LIBRARIES, REFERENCE) if not (args.venvs / lib).is_dir()]
    print(
        f"bench_peers: {size_name} sizes, median of {repeats}, {jobs} run(s) at once,"
        f" {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f}, ours at {_ours_revision()}"
    )
    if missing:
        print(f"  missing environments {missing} under {args.venvs}: run peers/setup_envs.sh")
    if jobs > 1:
        print("  NOTE: runs share the cores (--jobs > 1): the timings are a smoke test only")
    t0 = time.perf_counter()
    inputs: dict[str, Path | None] = {}
    try:
        for key in sorted({g.needs for g in groups if g.needs}):
            case, name = PREPARE[key]
            if (workdir / "inputs" / name).exists():  # a kept --workdir: prepared before
                inputs[key] = workdir / "inputs" / name
                print(f"  reused {key} from {inputs[key]} (delete it to prepare it again)")
                continue
            record = runner.run("ours", case, out=workdir / "inputs")
            ok = "error" not in record and (workdir / "inputs" / name).exists()
            inputs[key] = workdir / "inputs" / name if ok else None
            state = f"{record.get('wall_s', 0):.1f} s" if ok else f"FAILED: {record.get('error')}"
            print(f"  prepared {key} with ours: {state}")
        all_rows = []
        for group in groups:
            records = run_group(runner, group, repeats, inputs, jobs)
            rows = summarize(group, records)
            all_rows.append((group, rows))
            print()
            print(format_group(group, rows))
            layouts = format_layouts(group, rows)
            if layouts:
                print("  what each wrote (level 0):")
                print(layouts)
            sys.stdout.flush()
    finally:
        if args.json:
            args.json.write_text(json.dumps(runner.log, indent=1, default=str))
        if args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
    versions = {r["library"]: r["library_version"] for r in runner.log if "library_version" in r}
    print()
    print("versions: " + ", ".join(f"{LABELS[k]} {v}" for k, v in sorted(versions.items())))
    print(f"total {time.perf_counter() - t0:.0f} s, load now {os.getloadavg()[0]:.2f}")
    failures = sum(1 for r in runner.log if "error" in r)
    if failures:
        print(f"{failures} run(s) failed (see the notes column)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
