"""A rich progress bar per level of a write: regions done and the level's output throughput."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import Any

from .passes import Pass
from .pyramid import PyramidPlan

__all__ = ["Progress"]


class Progress:
    """A rich progress bar per level: regions done, and the level's output throughput."""

    def __init__(
        self, enabled: bool, plan: PyramidPlan, passes: Sequence[Pass], levels: Sequence[int]
    ) -> None:
        self._bar: Any = None
        self._tasks: dict[int, Any] = {}
        self._lock = threading.Lock()
        if not enabled:
            return
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            ProgressColumn,
            TextColumn,
            TimeElapsedColumn,
        )
        from rich.text import Text

        class Throughput(ProgressColumn):
            def render(self, task: Any) -> Text:
                elapsed = task.elapsed or 0.0
                rate = task.fields.get("nbytes", 0) / elapsed / 1e6 if elapsed > 0 else 0.0
                return Text(f"{rate:8.1f} MB/s")

        self._bar = Progress(
            TextColumn("[bold]{task.description}"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("regions"),
            Throughput(),
            TimeElapsedColumn(),
        )
        counts: dict[int, int] = {}
        for p in passes:
            for level in p.outputs:
                counts[level] = p.region_count
        for level in levels:
            self._tasks[level] = self._bar.add_task(
                f"level {level} {plan.shapes[level]}", total=counts.get(level, 1), nbytes=0
            )
        self._bar.start()

    def advance(self, level: int, nbytes: int) -> None:
        if self._bar is None:
            return
        with self._lock:
            task_id = self._tasks[level]
            done = self._bar.tasks[task_id].fields.get("nbytes", 0) + nbytes
            self._bar.update(task_id, advance=1, nbytes=done)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.stop()
