"""The ``ngff-zarr`` command line.

Each sub-command lives in a module of this package (``cleanup``, ``convert``, ``info``,
``validate``, ``upgrade``, ``conformance``) that defines ``add_parser(subparsers)`` and
``run(args) -> int``; this module only dispatches. ngff-zarr's own form,
``ngff-zarr -i INPUT... [-o OUTPUT] [options]``, is :mod:`.classic`.
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
    "upgrade": "ngff_zarr.cli.upgrade",
    "conformance": "ngff_zarr.cli.conformance",
}


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="ngff-zarr",
        description="Convert images and microscope files to OME-Zarr, inspect and validate stores.",
        epilog="ngff-zarr's form also works: ngff-zarr -i INPUT... [-o OUTPUT] [options] "
        "(ngff-zarr -i x --help lists its options).",
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
    from .classic import is_classic

    arguments = list(sys.argv[1:] if argv is None else argv)
    if arguments and arguments[0] not in _COMMANDS and is_classic(arguments):
        from .classic import run

        return run(arguments)
    parser = _build_parser()
    args = parser.parse_args(arguments)
    if not getattr(args, "command", None):
        parser.print_help()
        return 2
    module = importlib.import_module(_COMMANDS[args.command])
    code: int = module.run(args)
    return code


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
