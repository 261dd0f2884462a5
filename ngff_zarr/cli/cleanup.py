"""``ngff-zarr cleanup STORE... [--dry-run]``: remove staging that interrupted writes left."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from .._io.stale import remove_stale_staging
from ..errors import NgffZarrError

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> None:
    """Register the ``cleanup`` sub-command."""
    parser = subparsers.add_parser(
        "cleanup",
        help="remove the hidden staging that interrupted writes of local stores left behind",
        description=(
            "Writes stage beside their target and rename into place when complete; a writer "
            "killed before that leaves a hidden '.NAME.ngff-zarr-*' directory. This removes "
            "those of each STORE and of the groups inside it (plate fields), never one a live "
            "writer holds, and puts back a store a dead writer had moved aside."
        ),
    )
    parser.add_argument("stores", nargs="+", metavar="STORE", help="local store path")
    parser.add_argument("--dry-run", action="store_true", help="only list what would be removed")


def run(args: argparse.Namespace) -> int:
    """Clean every store; prints one line per path handled; 1 when a store is missing."""
    failed = False
    verb = "would remove" if args.dry_run else "removed"
    for store in args.stores:
        try:
            done = remove_stale_staging(store, dry_run=args.dry_run)
        except NgffZarrError as exc:
            print(f"ngff-zarr cleanup: error: {exc}", file=sys.stderr)
            failed = True
            continue
        for path in done:
            print(f"{verb} {path}")
        if not done:
            print(f"{store}: nothing to clean")
    return 1 if failed else 0
