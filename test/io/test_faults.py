"""Fault injection in real processes: kill -9 and Ctrl-C at random points of image, label and
plate-field rewrites, a full disk, and readers racing writers. After every fault the store
holds exactly one complete version (never a mix, never zeros), validates, and the staging of a
dead writer is removed by the next write.

Child processes come from a multiprocessing forkserver that imports ngff_zarr once, so a trial
costs a fork, not an interpreter start-up. The random points are drawn from a seeded generator
(the seed is in each assertion message).
"""

from __future__ import annotations

import json
import multiprocessing
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from _fault_worker import create, read_loop, rewrite_loop, values_of, write

from ngff_zarr import remove_stale_staging, validate

KINDS = pytest.mark.parametrize(
    ("kind", "version"),
    [("image", "0.4"), ("image", "0.5"), ("field", "0.4"), ("field", "0.5"), ("label", "0.5")],
)
KILLS = 3  # kill -9 trials per kind and version
INTERRUPTS = 2  # SIGINT trials per kind and version


@pytest.fixture(scope="module")
def processes() -> Any:
    """A multiprocessing context whose server has ngff_zarr and the workers imported."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["ngff_zarr", "_fault_worker"])
    # The server process finds _fault_worker through PYTHONPATH (Python 3.11's forkserver
    # does not pass sys.path on); it starts with the first child.
    helpers = str(Path(__file__).resolve().parents[1])
    saved = os.environ.get("PYTHONPATH")
    os.environ["PYTHONPATH"] = os.pathsep.join(p for p in (helpers, saved) if p)
    try:
        context.Process(target=time.sleep, args=(0,)).start()
    finally:
        if saved is None:
            del os.environ["PYTHONPATH"]
        else:
            os.environ["PYTHONPATH"] = saved
    return context


def _staging(directory: Path) -> list[str]:
    return sorted(name for name in os.listdir(directory) if ".ngff-zarr-" in name)


def _home(path: Path, kind: str) -> Path:
    """The directory whose entries hold the staging of a write of ``kind``."""
    return {"image": path.parent, "label": path / "labels"}.get(kind, path / "A" / "1")


def _log(log: Path) -> tuple[set[int], int | None]:
    """The values of the writes a writer completed, and of the last one it started."""
    done, started = set(), None
    for line in log.read_text(encoding="utf-8").splitlines():
        state, value, _ = line.split()
        if state == "done":
            done.add(int(value))
        else:
            started = int(value)
    return done, started


def _durations(log: Path) -> list[float]:
    """How long each completed write of a writer took."""
    times: dict[str, float] = {}
    out = []
    for line in log.read_text(encoding="utf-8").splitlines():
        state, value, at = line.split()
        if state == "start":
            times[value] = float(at)
        elif value in times:
            out.append(float(at) - times[value])
    return out


def _run_and_stop(
    processes: Any,
    path: Path,
    kind: str,
    version: str,
    first: int,
    how: signal.Signals,
    after: int,
    delay: float,
) -> tuple[int | None, Path]:
    """Start a writer; ``delay`` seconds into its write number ``after`` + 1, send ``how``."""
    log = path.parent / f"log-{first}.txt"
    child = processes.Process(target=rewrite_loop, args=(str(path), kind, version, str(log), first))
    child.start()
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8") if log.exists() else ""
        if text.count("start") > after:
            break
        time.sleep(0.005)
    time.sleep(delay)
    os.kill(child.pid, how)
    child.join(30)
    assert not child.is_alive(), f"the writer ignored {how.name}"
    return child.exitcode, log


@KINDS
def test_kill_and_interrupt_at_random_points_keep_one_whole_version(
    processes: Any, tmp_path: Path, kind: str, version: str
) -> None:
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    path = tmp_path / "store.zarr"
    create(path, kind, version, 0)
    started = time.perf_counter()
    write(path, kind, version, 1)
    durations = [time.perf_counter() - started]  # of one rewrite, on this machine now
    committed = {1}
    trials = [signal.SIGKILL] * KILLS + [signal.SIGINT] * INTERRUPTS
    rng.shuffle(trials)
    for trial, how in enumerate(trials):
        first = 100 * (trial + 1)
        # a random point of the child's first or second rewrite (the first two trials let at
        # least one rewrite complete)
        after = 1 if trial < 2 else rng.choice([0, 1])
        delay = rng.uniform(0, 1.2 * max(durations[-3:]))
        # what writers killed before left (a write that reaches its target removes it)
        left_before = set(_staging(_home(path, kind)))
        code, log = _run_and_stop(processes, path, kind, version, first, how, after, delay)
        durations += _durations(log)
        done, started = _log(log)
        committed |= done
        where = f"seed {seed}, trial {trial} ({how.name}, exit {code})"
        found = values_of(path, kind)
        assert len(found) == 1, f"{where}: a mix of versions {sorted(found)}"
        (value,) = found
        # the last completed write, or the one killed after its rename and before its log line
        assert value in committed | {started}, f"{where}: unexpected version {value}"
        committed.add(value)
        assert validate(path).valid, where
        if how == signal.SIGINT:
            assert code != 0, where
            left = set(_staging(_home(path, kind))) - left_before
            assert not left, f"{where}: Ctrl-C left staging behind: {sorted(left)}"
    assert len(committed) > 1, f"seed {seed}: no trial let a rewrite complete"
    # the next write removes whatever the killed writers left, and succeeds
    write(path, kind, version, 7)
    assert _staging(_home(path, kind)) == []
    assert values_of(path, kind) == {7}
    if kind == "field":  # the other field of the plate was never touched
        assert validate(path).valid
    if kind == "label":  # nor the image the label belongs to
        assert values_of(path, "image") == {5000}


def test_stale_staging_is_removed_but_never_a_live_writers(processes: Any, tmp_path: Path) -> None:
    path = tmp_path / "store.zarr"
    create(path, "image", "0.5", 1)
    log = tmp_path / "log.txt"
    child = processes.Process(target=rewrite_loop, args=(str(path), "image", "0.5", str(log), 10))
    child.start()
    try:
        live = _stop_while_staging(child.pid, tmp_path)
        assert remove_stale_staging(path) == []
        assert _staging(tmp_path) == live  # a live writer's staging is never touched
        write(path.parent / "other.zarr", "image", "0.5", 3, overwrite=False)
        assert _staging(tmp_path) == live  # nor by a write of another target
    finally:
        os.kill(child.pid, signal.SIGKILL)
        os.kill(child.pid, signal.SIGCONT)
        child.join(30)
    left = _staging(tmp_path)
    removed = remove_stale_staging(path)
    assert sorted(p.name for p in removed) == [n for n in left if not n.endswith(".lock")]
    assert _staging(tmp_path) == []
    assert len(values_of(path, "image")) == 1


def _stop_while_staging(pid: int, directory: Path) -> list[str]:
    """Stop the writer ``pid`` at a moment it has a staging directory; that staging."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if not [n for n in _staging(directory) if not n.endswith(".lock")]:
            time.sleep(0.002)
            continue
        os.kill(pid, signal.SIGSTOP)
        while _state(pid) != "T":  # the signal takes effect asynchronously
            time.sleep(0.001)
        live = _staging(directory)
        if [n for n in live if not n.endswith(".lock")]:
            return live
        os.kill(pid, signal.SIGCONT)  # it had just renamed its staging into place: again
    raise AssertionError("the writer never staged")


def _state(pid: int) -> str:
    with open(f"/proc/{pid}/stat", encoding="utf-8") as handle:
        return handle.read().rsplit(")", 1)[1].split()[0]


def test_a_store_moved_aside_by_a_dead_writer_is_put_back(tmp_path: Path) -> None:
    """A writer that dies between its two renames (systems without an atomic exchange)."""
    path = tmp_path / "store.zarr"
    create(path, "image", "0.4", 4)
    token = "0123456789ab"
    backup = tmp_path / f".store.zarr.ngff-zarr-old-{token}"
    staging = tmp_path / f".store.zarr.ngff-zarr-{token}"
    path.rename(backup)
    shutil.copytree(backup, staging)  # the new tree, not yet renamed
    (tmp_path / f".store.zarr.ngff-zarr-{token}.lock").write_text("")  # its writer is dead
    write(path.parent / "other.zarr", "image", "0.4", 5, overwrite=False)  # unrelated target
    assert backup.exists()  # only writes to the same target settle its staging
    removed = remove_stale_staging(path)
    assert {p.name for p in removed} == {backup.name, staging.name}
    assert values_of(path, "image") == {4}
    assert _staging(tmp_path) == []


@pytest.mark.parametrize("kind", ["image", "field"])
def test_readers_racing_a_writer_see_one_version_each(
    processes: Any, tmp_path: Path, kind: str
) -> None:
    path = tmp_path / "store.zarr"
    create(path, kind, "0.5", 1)
    log = tmp_path / "log.txt"
    # the writer pauses between rewrites, so that some reads fall between two and complete
    writer = processes.Process(target=rewrite_loop, args=(str(path), kind, "0.5", str(log), 2, 0.3))
    outs = [tmp_path / f"reads-{i}.json" for i in range(2)]
    readers = [
        processes.Process(target=read_loop, args=(str(path), kind, str(log), 4, str(out)))
        for out in outs
    ]
    writer.start()
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join(120)
    writer.kill()
    writer.join(30)
    results = [r for out in outs for r in json.loads(out.read_text(encoding="utf-8"))]
    done, _ = _log(log)
    assert len(done) >= 2, "the writer did not rewrite the store while it was read"
    states = [state for state, _ in results]
    assert "mixed" not in states, [r for r in results if r[0] == "mixed"][:3]
    assert "error" not in states, [r for r in results if r[0] == "error"][:3]
    assert states.count("ok") >= 1, results
    # reads spanning a rewrite said so (the writer rewrote the store while they read)


def _can_mount_tmpfs() -> str | None:
    """Why a private tmpfs cannot be mounted here (None when it can)."""
    if sys.platform != "linux" or shutil.which("unshare") is None:
        return "needs Linux and unshare(1)"
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    probe = subprocess.run(
        ["unshare", *flags, "sh", "-c", "mount -t tmpfs -o size=1m tmpfs /mnt 2>&1 || "
         "mount -t tmpfs -o size=1m tmpfs /tmp 2>&1"],
        capture_output=True, text=True, encoding="utf-8", check=False,
    )  # fmt: skip
    if probe.returncode != 0:
        return f"cannot mount a private tmpfs (unshare {' '.join(flags)}): {probe.stdout.strip()}"
    return None


def test_disk_full_is_a_write_error_that_says_what_was_kept(tmp_path: Path) -> None:
    reason = _can_mount_tmpfs()
    if reason is not None:
        pytest.skip(reason)
    small = tmp_path / "small"
    small.mkdir()
    flags = ["-m"] if os.geteuid() == 0 else ["-r", "-m"]
    worker = Path(__file__).resolve().parents[1] / "_fault_worker.py"
    script = (
        f'mount -t tmpfs -o size=1m tmpfs "{small}" && exec "{sys.executable}" "{worker}" "{small}"'
    )
    result = subprocess.run(
        ["unshare", *flags, "sh", "-c", script],
        capture_output=True, text=True, encoding="utf-8", check=False, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    for backend in ("zarr", "zarrs", "tensorstore"):
        name, is_write_error, message = report[f"rewrite-{backend}"]
        assert is_write_error, (backend, name, message)
        assert str(small / "image.zarr") in message
        assert "No space left on device" in message
        assert "kept unchanged" in message
        assert report[f"rewrite-{backend}-values"] == [1]  # the old image, whole
        assert report[f"rewrite-{backend}-valid"]
        assert report[f"rewrite-{backend}-left"] == ["image.zarr"]  # no staging left
    name, is_write_error, message = report["new"]
    assert is_write_error and "nothing was written" in message, message
    assert report["new-left"] == ["image.zarr"]
    name, is_write_error, message = report["field"]
    assert is_write_error and "kept unchanged" in message, message
    assert str(small / "plate.zarr" / "A" / "1" / "0") in message
    assert report["field-values"] == [3]
    assert report["field-valid"]
    assert not [n for n in report["field-left"] if ".ngff-zarr-" in n]
