"""``ngff-zarr conformance INPUT``: the RFC-4 (anatomical orientation) verdict of a store, as JSON.

The verdict comes from the validator's orientation rules (codes ``NGFF120`` to ``NGFF125``):

``{"input": ..., "format": "ome-zarr", "rfc4_valid": true, "axes": {"z": "inferior-to-superior",
...}, "violations": [], "warnings": []}``; violation names are ngff-zarr's
(``orientation-on-non-space``, ``bad-type``, ``missing-value``, ``bad-value``,
``duplicate-anatomical-axis``; ``null-orientation`` is a warning; ``input-unreadable`` and
``input-not-ome-zarr`` for inputs that are not images). The exit code is 0 with a verdict.
"""

from __future__ import annotations

import argparse
import json
from typing import Any, Final

from ..errors import NgffZarrError

# our rule code -> ngff-zarr's name of the conformance finding
_NAMES: Final[dict[str, str]] = {
    "NGFF120": "orientation-on-non-space",
    "NGFF121": "bad-type",
    "NGFF122": "duplicate-anatomical-axis",
    "NGFF123": "missing-value",
    "NGFF124": "bad-value",
    "NGFF125": "null-orientation",
}


def add_parser(subparsers: Any) -> None:
    """Register the ``conformance`` sub-command."""
    parser = subparsers.add_parser(
        "conformance",
        help="RFC-4 anatomical orientation verdict of a store (JSON)",
        description="Check the anatomical orientation (RFC-4) of an OME-Zarr image and print "
        "the verdict as JSON.",
    )
    parser.add_argument("input", help="the OME-Zarr store (directory, .zip or .ozx)")


def conformance_report(path: str) -> dict[str, Any]:
    """The verdict for the image at ``path`` (see the module docstring)."""
    from .._io.documents import group_attributes
    from .._io.store import as_store
    from .._validation.rules import Sink, check_image
    from .._versions import find_image

    report: dict[str, Any] = {
        "input": path, "format": "ome-zarr", "rfc4_valid": False, "axes": {},
        "violations": [], "warnings": [],
    }  # fmt: skip
    try:
        store = as_store(path, read_only=True)
        zarr_format, attrs = group_attributes(store, "")
    except FileNotFoundError:
        report["violations"].append("input-not-ome-zarr")
        return report
    except (NgffZarrError, OSError, ValueError):
        report["violations"].append("input-unreadable")
        return report
    try:
        version, content = find_image(attrs, zarr_format, path)
    except FileNotFoundError:
        report["violations"].append("input-not-ome-zarr")
        return report
    except (NgffZarrError, ValueError):
        report["violations"].append("input-unreadable")
        return report
    sink = Sink(path)
    check_image({"multiscales": content["multiscales"][:1]}, version, sink)
    for finding in sink.findings:
        name = _NAMES.get(finding.code)
        if name is None:
            continue
        kind = "warnings" if finding.code == "NGFF125" else "violations"
        if name not in report[kind]:
            report[kind].append(name)
    axes = content["multiscales"][0].get("axes") or []
    for axis in axes:
        orientation = axis.get("orientation") if isinstance(axis, dict) else None
        if isinstance(orientation, dict) and isinstance(orientation.get("value"), str):
            report["axes"][str(axis.get("name"))] = orientation["value"]
    report["rfc4_valid"] = not report["violations"]
    return report


def run(args: argparse.Namespace) -> int:
    """Print the verdict (2-space indented JSON); exit code 0."""
    print(json.dumps(conformance_report(args.input), indent=2))
    return 0
