"""Issue 16's malformed-metadata trial: N mutated stores, what each read and validation did.

The stores and their mutations are those of ``test/validation/test_fuzz.py`` (a 0.4 and a 0.5
image with labels, a 0.5 plate; one to three metadata documents broken per store), drawn by
hypothesis from a fixed seed. Unlike the test, which stops at the first untyped error, this
counts every outcome: typed errors by class, errors outside the package's hierarchy, the
slowest read and validation, and the process's peak memory.

Usage::

    python benchmarks/fuzz_malformed.py --examples 650 --seed 16
"""

from __future__ import annotations

import argparse
import collections
import resource
import shutil
import sys
import tempfile
import time
import uuid
import warnings
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st

_TEST = Path(__file__).resolve().parents[1] / "test"
sys.path[:0] = [str(_TEST), str(_TEST / "validation")]
import test_fuzz as fuzz  # noqa: E402 - the test's stores and mutations

from ngff_zarr import NgffWarning, NgffZarrError  # noqa: E402


def _outcome(work: Any) -> tuple[str, float]:
    started = time.perf_counter()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", NgffWarning)
            work()
        name = "ok"
    except NgffZarrError as exc:
        name = f"typed {type(exc).__name__}"
    except (Exception, RecursionError, MemoryError) as exc:
        name = f"UNTYPED {type(exc).__name__}"
    return name, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--examples", type=int, default=650)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument(
        "--keep-slow", type=float, default=None, help="copy stores slower than this (seconds)"
    )
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="fuzz-malformed-"))
    stores = {
        "image-0.4": base / "i4.zarr",
        "image-0.5": base / "i5.zarr",
        "plate": base / "p.zarr",
    }
    fuzz.write_image(stores["image-0.4"], "0.4")
    fuzz.write_image(stores["image-0.5"], "0.5")
    fuzz.write_plate(stores["plate"])
    for name, path in stores.items():  # warm up: the first read imports and starts things
        (fuzz.read_plate if name == "plate" else fuzz.read_image)(path)
        fuzz.validate_store(path)
    counts: collections.Counter[str] = collections.Counter()
    slowest: dict[str, float] = {"read": 0.0, "validate": 0.0}
    cases = [0]

    @seed(args.seed)
    @settings(
        max_examples=args.examples,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(data=st.data(), kind=st.sampled_from(sorted(stores)))
    def trial(data: Any, kind: str) -> None:
        target = base / f"case-{uuid.uuid4().hex[:8]}"
        shutil.copytree(stores[kind], target)
        try:
            fuzz.mutate_store(target, data)
            read = fuzz.read_plate if kind == "plate" else fuzz.read_image
            for step, work in (("read", read), ("validate", fuzz.validate_store)):
                name, elapsed = _outcome(lambda: work(target))  # noqa: B023 - called at once
                counts[f"{step}: {name}"] += 1
                slowest[step] = max(slowest[step], elapsed)
                if args.keep_slow is not None and elapsed > args.keep_slow:
                    kept = base.parent / f"{base.name}-slow-{step}-{cases[0]}"
                    shutil.copytree(target, kept)
                    print(f"case {cases[0]} ({kind}): {step} {name} took {elapsed:.1f} s: {kept}")
        finally:
            shutil.rmtree(target, ignore_errors=True)
        cases[0] += 1

    started = time.perf_counter()
    trial()
    total = time.perf_counter() - started
    shutil.rmtree(base, ignore_errors=True)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{cases[0]} mutated stores (seed {args.seed}) in {total:.1f} s")
    for name, count in sorted(counts.items()):
        print(f"  {count:5d}  {name}")
    untyped = sum(c for n, c in counts.items() if "UNTYPED" in n)
    print(f"untyped errors: {untyped}")
    print(f"slowest read {slowest['read']:.2f} s, slowest validate {slowest['validate']:.2f} s")
    print(f"peak RSS of the whole run: {peak:.0f} MiB")


if __name__ == "__main__":
    main()
