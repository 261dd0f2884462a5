"""Issue 16, finding 10: whole-image reads made while another process rewrites the store.

A writer process rewrites an image (or a plate field) again and again, each time with a new
constant value, while two reader processes read every level of it. Each read is one version
(``ok``), a typed :class:`ReadError` saying the store was replaced under it (``replaced``), or
a mix of two versions (``mixed``, the defect). Uses the fault suite's workers.

Usage::

    python benchmarks/race_readers.py image 30
    python benchmarks/race_readers.py field 30
"""

from __future__ import annotations

import collections
import json
import subprocess
import sys
import tempfile
from pathlib import Path

TEST = Path(__file__).resolve().parents[1] / "test"
sys.path.insert(0, str(TEST))
from _fault_worker import create  # noqa: E402 - the fault suite's workers


def main() -> None:
    kind, rewrites = sys.argv[1], int(sys.argv[2])
    base = Path(tempfile.mkdtemp(prefix="race-readers-"))
    path, log = base / "store.zarr", base / "log.txt"
    create(path, kind, "0.5", 1)
    start = f"import sys; sys.path.insert(0, {str(TEST)!r}); import _fault_worker as w; "
    loop = f"w.rewrite_loop({str(path)!r}, {kind!r}, '0.5', {str(log)!r}, 2, 0.05)"
    writer = subprocess.Popen([sys.executable, "-c", start + loop])
    outs = [base / f"reads-{i}.json" for i in range(2)]
    readers = [
        subprocess.Popen([sys.executable, "-c", start + f"w.read_loop({str(path)!r}, {kind!r}, "
                          f"{str(log)!r}, {rewrites}, {str(out)!r})"])
        for out in outs
    ]  # fmt: skip
    for reader in readers:
        reader.wait()
    writer.kill()
    writer.wait()
    states = [r[0] for out in outs for r in json.loads(out.read_text(encoding="utf-8"))]
    counts = collections.Counter(states)
    done = log.read_text(encoding="utf-8").count("done")
    mixed = 100 * counts["mixed"] / max(1, len(states))
    print(f"{kind}: {done} rewrites, {len(states)} reads: {dict(counts)}; mixed {mixed:.1f}%")


if __name__ == "__main__":
    main()
