"""``ngff-zarr validate STORE... [--strict] [--version V]``: print a validation report per store."""

from __future__ import annotations

import argparse
import json
from typing import Any

from ..errors import NgffZarrError
from ..validate import Severity, validate
from ..vocab import READ_VERSIONS

__all__ = ["add_parser", "run"]


def add_parser(subparsers: Any) -> None:
    """Register the ``validate`` sub-command."""
    parser = subparsers.add_parser(
        "validate",
        help=f"check OME-Zarr stores against the OME-NGFF specification "
        f"({READ_VERSIONS[0]} to {READ_VERSIONS[-1]})",
        description=(
            "Validate each STORE (path or URL) with the JSON Schemas and data-level checks of "
            "ngff_zarr. Exits with 1 when any store has an error."
        ),
    )
    parser.add_argument("stores", nargs="+", metavar="STORE", help="store path or URL")
    parser.add_argument("--strict", action="store_true", help="treat warnings as errors")
    parser.add_argument(
        "--version",
        dest="ngff_version",
        choices=list(READ_VERSIONS),
        default=None,
        help="validate as this OME-NGFF version (default: read from the metadata)",
    )
    parser.add_argument("--json", action="store_true", help="print the reports as JSON")


def run(args: argparse.Namespace) -> int:
    """Validate every store, print the reports; 1 if any has errors, else 0.

    Text is printed literally (a ``[validate]`` or ``[b2]`` in a message stays); with ``--json``
    stdout is one JSON list, a store that cannot be opened included (``"error"`` field).
    """
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    console = Console(highlight=False, soft_wrap=True)
    failed = False
    dumps: list[dict[str, Any]] = []
    for store in args.stores:
        try:
            report = validate(store, version=args.ngff_version, strict=args.strict)
        except (NgffZarrError, OSError) as exc:
            failed = True
            if args.json:
                dumps.append(
                    {"target": store, "version": args.ngff_version, "valid": False,
                     "strict": args.strict, "findings": [], "error": str(exc)}
                )  # fmt: skip
            else:  # the message names the store already when it is about the path
                message = str(exc) if store in str(exc) else f"{store}: {exc}"
                console.print(f"[bold red]{escape(message)}[/]")
            continue
        failed = failed or not report.valid
        if args.json:
            dumps.append(report.to_dict())
            continue
        style = "green" if report.valid else "bold red"
        console.print(f"[{style}]{escape(report.summary())}[/]")
        if report.findings:
            table = Table(show_header=True, header_style="bold", show_lines=False)
            for column in ("severity", "code", "path", "field", "message"):
                table.add_column(column, overflow="fold")
            for finding in report.findings:
                colour = "red" if finding.severity is Severity.ERROR else "yellow"
                table.add_row(
                    f"[{colour}]{finding.severity.value}[/]",
                    *(escape(text) for text in (finding.code, finding.path, finding.field or "")),
                    escape(finding.message),
                )
            console.print(table)
    if args.json:
        print(json.dumps(dumps, indent=2))
    return 1 if failed else 0
