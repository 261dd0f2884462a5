"""The ``ngff-zarr`` command line.

Each sub-command lives in a module of this package (``cleanup``, ``convert``, ``info``,
``validate``) that defines ``add_parser(subparsers)`` and ``run(args) -> int``; this module
only dispatches.
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence

__all__ = ["main"]

# sub-command name -> the module implementing it
_COMMANDS: dict[str, str] = {
    "cleanup": "ngff_zarr.cli.cleanup",
    "convert": "ngff_zarr.cli.convert",
    "info": "ngff_zarr.cli.info",
    "validate": "ngff_zarr.cli.validate",
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ngff-zarr",
        description="Convert images and microscope files to OME-Zarr, inspect and validate stores.",
    )
    from importlib.metadata import version

    parser.add_argument("--version", action="version", version=version("ngff-zarr"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for module_name in _COMMANDS.values():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the process exit code."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    module = importlib.import_module(_COMMANDS[args.command])
    code: int = module.run(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
