"""What every ``ngff-zarr`` command shares: error lines, warnings, URLs.

- :func:`error_line`: an exception as one line that names command-line flags, not the Python
  keywords the library's messages name (``pass overwrite=True`` -> ``pass --overwrite``).
- :func:`console_warnings`: each distinct warning printed once, as one line on stderr.
- :func:`is_url` / :func:`local_path`: ``s3://``, ``http(s)://`` and other fsspec URLs stay
  URLs; ``file://`` names a local path.
"""

from __future__ import annotations

import re
import sys
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TextIO

__all__ = ["console_warnings", "error_line", "is_url", "local_path"]

# library keyword (as the messages spell it) -> the flag of the ``convert`` sub-command
CONVERT_FLAGS: dict[str, str] = {
    "overwrite=True": "--overwrite",
    "axes_units": "--units",
    "scale_factors": "--scale-factors",
    "chunks_per_shard": "--chunks-per-shard",
    "channel_names": "--channel-names",
    "merge_axis": "--merge-axis",
    "merge_policy": "--merge-policy",
    "memory_target": "--memory-target",
    "omero_windows": "--omero-window",
}
# what a warning suggests, as both forms spell it
WARNING_FLAGS: dict[str, str] = {
    "scale=...": "--scale",
    "axes_units=...": "--units",
    "dims=...": "--dims",
}
# and of ngff-zarr's ``-i INPUT`` form
CLASSIC_FLAGS: dict[str, str] = {
    "axes_units": "--units",
    "chunks_per_shard": "--chunks-per-shard",
    "memory_target": "--memory-target",
    "output_scale": "--output-scale",
}


def error_line(exc: BaseException, flags: Mapping[str, str], *, one_line: bool = True) -> str:
    """``exc`` as one line, with library keywords replaced by the command's flags.

    ``one_line=False`` keeps the message's own lines (ngff-zarr's form prints ngff-zarr's
    several-line messages as they are).

    >>> error_line(ValueError("x.zarr is not empty; pass overwrite=True"), CONVERT_FLAGS)
    'x.zarr is not empty; pass --overwrite'
    >>> error_line(ValueError("axes_units['x']: expected a unit"), CONVERT_FLAGS)
    '--units x: expected a unit'
    """
    text = (" ".join(str(exc).split()) if one_line else str(exc)) or type(exc).__name__
    ours = type(exc).__module__.startswith("ngff_zarr")
    if not ours and not isinstance(exc, OSError | ValueError | KeyError):
        text = f"{type(exc).__name__}: {text}"  # e.g. a storage library's own error
    for keyword, flag in flags.items():
        if "=" in keyword:
            text = text.replace(keyword, flag)
            continue
        text = re.sub(rf"\b{keyword}\['([^']*)'\]", rf"{flag} \1", text)
        text = re.sub(rf"\b{keyword}\b", flag, text)
    return text


@contextmanager
def console_warnings(stream: TextIO | None = None) -> Iterator[None]:
    """Print each distinct warning once, as ``ngff-zarr: warning: ...`` on one line."""
    seen: set[str] = set()

    def show(message: Warning | str, *args: Any, **kwargs: Any) -> None:
        text = " ".join(str(message).split())
        for keyword, flag in WARNING_FLAGS.items():
            text = text.replace(keyword, flag)
        if text not in seen:
            seen.add(text)
            print(f"ngff-zarr: warning: {text}", file=stream or sys.stderr)

    with warnings.catch_warnings():
        warnings.showwarning = show
        yield


def is_url(target: str) -> bool:
    """Whether ``target`` is a URL (``s3://``, ``http://``, ``file://``, ...), not a path."""
    return re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]+://", target) is not None


def local_path(target: str) -> Path | None:
    """The local path ``target`` names (``file://`` stripped), or None for a remote URL."""
    if target.startswith("file://"):
        return Path(target[len("file://") :])
    return None if is_url(target) else Path(target)
