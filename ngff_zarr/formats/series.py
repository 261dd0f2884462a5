"""Choosing series of a multi-series file: by index, by a name pattern, or several.

>>> select_series("*GFP*", ["a_GFP", "b_Red", "c_GFP"], "f.tif")
[0, 2]
>>> select_series([1, "a"], ["a", "b"], "f.tif"), unique_names(["x", "y", "x"])
([1, 0], ['x_0', 'y', 'x_2'])
"""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Sequence

from ..errors import NgffValueError

__all__ = ["Series", "file_names", "select_series", "unique_names"]

Series = int | str | Sequence[int | str]
_UNSAFE = re.compile(r"[^\w.\-]+")


def file_names(names: list[str]) -> list[str]:
    """Series names usable as file names: unsafe characters replaced by ``_``, unique.

    >>> file_names(["TileScan 1/A", "TileScan 1/A", ""])
    ['TileScan_1_A_0', 'TileScan_1_A_1', 'image']
    """
    return unique_names([_UNSAFE.sub("_", n).strip("_") or "image" for n in names])


def unique_names(names: list[str]) -> list[str]:
    """``names`` with each repeated name made unique by its index (``"x_2"``)."""
    repeated = {n for n in names if names.count(n) > 1}
    return [f"{n}_{i}" if n in repeated else n for i, n in enumerate(names)]


def select_series(
    series: Series | None, names: list[str], path: str | os.PathLike[str]
) -> list[int]:
    """The indices of the chosen series, in the order asked, without repeats.

    ``series``: None or ``"all"`` for every series; an index (negative counts from the end); a
    glob pattern on the names; or a list of those.

    Raises
    ------
    NgffValueError
        An index out of range, or a pattern that matches no series.
    """
    if series is None or series == "all":
        return list(range(len(names)))
    wanted = [series] if isinstance(series, int | str) else list(series)
    chosen: list[int] = []
    for item in wanted:
        if isinstance(item, bool) or not isinstance(item, int | str):
            raise NgffValueError(f"series: expected an index or a name pattern, got {item!r}")
        if isinstance(item, int):
            if not -len(names) <= item < len(names):
                raise NgffValueError(
                    f"series: expected an index in 0..{len(names) - 1} for {os.fspath(path)}, "
                    f"got {item}"
                )
            matches = [item % len(names)]
        else:
            matches = [i for i, name in enumerate(names) if fnmatch.fnmatchcase(name, item)]
            if not matches:
                raise NgffValueError(
                    f"series: pattern {item!r} matches none of the series {names} of "
                    f"{os.fspath(path)}"
                )
        chosen.extend(i for i in matches if i not in chosen)
    return chosen
