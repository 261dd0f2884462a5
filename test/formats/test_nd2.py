"""ND2 time step. nd2 cannot write files, so the interpretation is tested on the loop and event
records nd2 returns for the real files of ../shared/testdata, rearranged into the layouts the
defect was seen on (a time lapse of Z stacks)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

nd2 = pytest.importorskip("nd2")

from ngff_zarr.formats._nd2 import time_step  # noqa: E402


def _records(path: Path) -> tuple[list[Any], list[dict[str, Any]]]:
    with nd2.ND2File(path) as f:
        return list(f.experiment), list(f.events())


def test_timelapse_file(testdata: Path) -> None:
    loops, events = _records(testdata / "nd2/example-timelapse.nd2")
    assert loops[0].parameters.periodMs == 0  # "no delay": measured interval only
    assert time_step(loops, events) == pytest.approx(0.50016, rel=1e-5)


def test_time_points_of_z_stacks_are_not_z_planes(testdata: Path) -> None:
    """3 time points 10.6 s apart, each an 11-plane Z stack taken 0.5 s per plane."""
    timeloop, _ = _records(testdata / "nd2/example-timelapse.nd2")
    _, z_events = _records(testdata / "nd2/example-zstack.nd2")
    params = dataclasses.replace(timeloop[0].parameters, periodMs=0.0, periodDiff=None)
    loops = [dataclasses.replace(timeloop[0], count=3, parameters=params)]
    events = [
        {**event, "T Index": t, "Time [s]": event["Time [s]"] + 10.6 * t}
        for t in range(3)
        for event in z_events
    ]
    assert time_step(loops, events) == pytest.approx(10.6)  # not the 0.5 s between planes
    nominal = dataclasses.replace(params, periodMs=10_000.0)
    assert time_step([dataclasses.replace(loops[0], parameters=nominal)], events) == 10.0
    assert time_step([], events[:11]) is None  # one time point: no step
