"""The ``ngff-zarr`` command line.

Each sub-command lives in a module of this package (``cleanup``, ``convert``, ``info``,
``validate``, ``upgrade``, ``conformance``, ``download``) that defines
``add_parser(subparsers)`` and ``run(args) -> int``; this module only dispatches.
ngff-zarr's own form, ``ngff-zarr -i INPUT... [-o OUTPUT] [options]``, is :mod:`.classic`.
"""

from __future__ import annotations

import argparse
import importlib
import os
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
    "download": "ngff_zarr.cli.download",
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
    """Run the command line; returns the process exit code.

    Ctrl-C ends a command with one line on stderr and exit code 130 (a store being written is
    left as it was: the writer moves a store into place only when it is complete). Run as the
    ``ngff-zarr`` script (``argv`` None), each distinct warning is printed once, on one line.
    """
    try:
        if argv is not None:
            return _main(list(argv))
        from ._common import console_warnings

        with console_warnings():
            return _main(sys.argv[1:])
    except KeyboardInterrupt:
        import logging

        # the I/O tasks the interrupt left pending are dropped at exit: not worth a report
        logging.getLogger("asyncio").setLevel(logging.CRITICAL)
        print("ngff-zarr: interrupted", file=sys.stderr)
        if argv is None:  # the script: I/O threads still waiting (a server that never answers)
            sys.stdout.flush()  # must not hold the exit; writes were settled before this point
            sys.stderr.flush()
            os._exit(130)
        return 130


def _main(arguments: list[str]) -> int:
    from .classic import is_classic

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
