"""Profile one worker case with py-spy (all threads) and print the top entries.

    python benchmarks/peers/profile_case.py w1_v04                  # ours, default variant
    python benchmarks/peers/profile_case.py w2_slab16 --variant local_mean+tensorstore
    python benchmarks/peers/profile_case.py w1_v04 --size quick --top 30

Needs ``py-spy`` (``pip install py-spy``) and the right to trace (root, or ptrace allowed).
Samples every thread of the worker (the writers run on thread pools, which cProfile would
miss), idle samples excluded, and prints: the functions with the most samples on top of the
stack (self), and the functions of ``ngff_zarr`` with the most samples anywhere on it
(inclusive). The samples include the worker's untimed setup (imports, generating the input):
read them next to the worker's ``wall_s``.
"""

from __future__ import annotations

import argparse
import collections
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _frame_name(frame: str) -> str:
    """'function (path/to/module.py:123)' -> 'function (module path from the package root)'."""
    name, _, where = frame.partition(" (")
    path = where.rstrip(")").rsplit(":", 1)[0]
    if "site-packages/" in path:
        path = path.split("site-packages/", 1)[1]
    elif "/ngff_zarr/" in path:
        path = "ngff_zarr/" + path.split("/ngff_zarr/", 1)[1]
    return f"{name} ({path})"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("case")
    parser.add_argument("--variant", default="default")
    parser.add_argument("--size", default="full")
    parser.add_argument("--library", default="ours")
    parser.add_argument("--python", default=sys.executable)
    parser.add_argument("--input", default=None)
    parser.add_argument("--rate", type=int, default=50, help="samples per second")
    parser.add_argument("--top", type=int, default=20)
    parser.add_argument("--native", action="store_true", help="include C frames (py-spy)")
    args = parser.parse_args()
    py_spy = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
    if not Path(py_spy).exists():
        print("profile_case.py needs py-spy: pip install py-spy", file=sys.stderr)
        return 2
    scratch = Path(tempfile.mkdtemp(prefix="bench-profile-"))
    raw = scratch / "profile.txt"
    worker = HERE / f"worker_{args.library}.py"
    cmd = [args.python, "-I", str(worker), "--case", args.case, "--variant", args.variant]
    cmd += ["--size", args.size, "--out", str(scratch)]
    if args.input:
        cmd += ["--input", args.input]
    try:
        spy = [py_spy, "record", "--format", "raw", "-r", str(args.rate), "-o", str(raw)]
        spy += ["--native"] if args.native else []
        proc = subprocess.run([*spy, "--", *cmd], capture_output=True, text=True)
        print(next((ln for ln in proc.stdout.splitlines() if ln.startswith("{")), proc.stderr))
        self_counts: collections.Counter[str] = collections.Counter()
        inclusive: collections.Counter[str] = collections.Counter()
        total = 0
        for line in raw.read_text(encoding="utf-8").splitlines():
            stack, _, count = line.rpartition(" ")
            frames = [_frame_name(f) for f in stack.split(";") if f]
            if not frames:
                continue
            n = int(count)
            total += n
            self_counts[frames[-1]] += n
            for name in set(frames):
                if "(ngff_zarr/" in name:
                    inclusive[name] += n
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"\n{total} samples at {args.rate}/s (all threads, idle excluded)")
    print(f"\ntop {args.top} self (on top of the stack):")
    for name, n in self_counts.most_common(args.top):
        print(f"  {100 * n / total:5.1f}%  {name}")
    print(f"\ntop {args.top} ngff_zarr functions, inclusive:")
    for name, n in inclusive.most_common(args.top):
        print(f"  {100 * n / total:5.1f}%  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
