"""``ngff-zarr upgrade INPUT [-o OUTPUT] [--to VERSION]``: change a store's OME-Zarr version."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ..errors import NgffZarrError

_TARGETS = ("0.4", "0.5", "0.6", "0.9.dev1")


def add_parser(subparsers: Any) -> None:
    """Register the ``upgrade`` sub-command (ngff-zarr's options)."""
    parser = subparsers.add_parser(
        "upgrade",
        help="change the OME-Zarr version of an image store",
        description="Upgrade an OME-Zarr store to another specification version. Without "
        "--output the store is upgraded in place, metadata only (array chunks are left "
        "untouched); with --output an upgraded copy is written and the source is kept.",
    )
    parser.add_argument("input", help="the source OME-Zarr store")
    parser.add_argument("-o", "--output", help="destination store (default: in place)")
    parser.add_argument("--to", "--version", dest="to", choices=_TARGETS, default="0.6")
    parser.add_argument("--validate", action="store_true", help="validate the source first")
    overwrite = parser.add_mutually_exclusive_group()
    overwrite.add_argument("--overwrite", dest="overwrite", action="store_true", default=True)
    overwrite.add_argument("--no-overwrite", dest="overwrite", action="store_false")


def run(args: argparse.Namespace) -> int:
    """Print the source version, the target and the mode; errors give exit code 1."""
    from .._io.documents import group_attributes
    from .._io.store import as_store
    from .._versions import stated_versions
    from ..upgrade_ome_zarr import upgrade_ome_zarr

    try:
        attrs = group_attributes(as_store(args.input, read_only=True), "")[1]
        source = (stated_versions(attrs) or ["unknown"])[0]
        mode = "in place (metadata only)" if args.output is None else f"copy to {args.output}"
        print(f"{args.input}: OME-Zarr {source} -> {args.to}, {mode}")
        upgrade_ome_zarr(
            args.input, args.output, version=args.to, validate=args.validate,
            overwrite=args.overwrite,
        )  # fmt: skip
    except (NgffZarrError, OSError, ValueError) as exc:
        print(f"Error: {exc}", file=sys.stderr)
        return 1
    print("done")
    return 0
