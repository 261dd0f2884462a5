"""``ngff-zarr convert INPUT... OUTPUT``: microscope files, folders or stores to OME-Zarr."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from ..convert import (
    ConversionOptions,
    convert_file,
    convert_folder,
    convert_merged,
    convert_store,
)
from ..errors import NgffValueError, NgffZarrError, PathNotFoundError
from ..vocab import WRITE_VERSIONS


def add_parser(subparsers: Any) -> None:
    """Register the ``convert`` sub-command."""
    parser = subparsers.add_parser(
        "convert",
        help="convert microscope files (or a folder of them) to OME-Zarr",
        description="Convert TIFF/OME-TIFF/ImageJ/LSM/CZI/ND2/LIF files, a folder of them, or "
        "an OME-Zarr store to OME-Zarr. Several inputs are written one store each into the "
        "OUTPUT folder, or merged into one store with --merge-axis.",
    )
    parser.add_argument("inputs", nargs="+", metavar="INPUT", help="files or one folder")
    parser.add_argument("output", metavar="OUTPUT", help="output store (or folder)")
    parser.add_argument("--version", dest="ngff_version", choices=WRITE_VERSIONS, default="0.5")
    parser.add_argument("--chunks", help="chunk edge (e.g. 64) or per dim (z=16,y=256,x=256)")
    parser.add_argument("--chunks-per-shard", help="0.5 only: chunks per shard, int or per dim")
    parser.add_argument("--method", help="downsampling method (e.g. gaussian, local_mean, mode)")
    parser.add_argument(
        "--scale-factors",
        help="level factors, e.g. 2,4,8 (default: the file's stored pyramid "
        "if any, else halve until 128 pixels)",
    )
    parser.add_argument("--series", type=int, help="convert only this series/scene")
    parser.add_argument("--reader", help="force a reader (tiff, czi, nd2, lif)")
    parser.add_argument("--dims", help="NGFF names of the file's native axes, e.g. t,y,x")
    parser.add_argument("--scale", help="pixel sizes per dim, e.g. z=2,y=0.5,x=0.5")
    parser.add_argument("--units", help="units per dim, e.g. y=micrometer,x=micrometer,t=second")
    parser.add_argument("--channel-names", help="comma-separated channel names")
    parser.add_argument("--merge-axis", choices=("t", "z", "c"), help="merge inputs along axis")
    parser.add_argument("--merge-policy", choices=("strict", "pad"), default="strict")
    parser.add_argument("--pattern", default="*", help="file glob inside a folder input")
    parser.add_argument("--overwrite", action="store_true", help="replace existing output")
    parser.add_argument("--no-progress", action="store_true", help="hide progress bars")


def run(args: argparse.Namespace) -> int:
    """Run ``convert``; errors are printed as one line and give exit code 1."""
    try:
        return _convert(args)
    except (NgffZarrError, OSError, ValueError, KeyError) as exc:
        message = str(exc) if not isinstance(exc, KeyError) else f"unknown key {exc}"
        print(f"ngff-zarr convert: error: {message}", file=sys.stderr)
        return 1


def _convert(args: argparse.Namespace) -> int:
    options = ConversionOptions(
        version=args.ngff_version,
        scale_factors=_ints(args.scale_factors),
        method=args.method,
        chunks=_int_or_map(args.chunks),
        chunks_per_shard=_int_or_map(args.chunks_per_shard),
        reader=args.reader,
        dims=args.dims.split(",") if args.dims else None,
        scale=_float_map(args.scale, "--scale"),
        axes_units=_str_map(args.units),
        channel_names=args.channel_names.split(",") if args.channel_names else None,
        overwrite=args.overwrite,
        progress=not args.no_progress,
    )
    inputs = [Path(p) for p in args.inputs]
    output = Path(args.output)
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise PathNotFoundError(f"input: no such file or directory: {', '.join(missing)}")
    if len(inputs) == 1 and inputs[0].is_dir() and not _is_store(inputs[0]):
        report = convert_folder(
            inputs[0],
            output,
            pattern=args.pattern,
            merge_axis=args.merge_axis,
            merge_policy=args.merge_policy,
            skip_existing=not args.overwrite,
            options=options,
        )
        print(
            f"converted {len(report.converted)}, skipped {len(report.skipped)}, "
            f"failed {len(report.failed)}; report in {output / 'ngff_zarr_report.json'}"
        )
        for failure in report.failed:
            print(f"failed: {', '.join(failure['inputs'])}: {failure['error']}", file=sys.stderr)
        return 1 if report.failed else 0
    if len(inputs) == 1 and _is_store(inputs[0]):
        written = convert_store(inputs[0], output, options=options)
    elif args.merge_axis is not None:
        written = convert_merged(
            inputs,
            output,
            axis=args.merge_axis,
            policy=args.merge_policy,
            series=args.series,
            options=options,
        )
    elif len(inputs) == 1:
        written = convert_file(inputs[0], output, series=args.series, options=options)
    else:
        written = [
            store
            for path in inputs
            for store in convert_file(
                path, output / f"{path.stem}.ome.zarr", series=args.series, options=options
            )
        ]
    for store in written:
        print(f"wrote {store}")
    return 0


def _is_store(path: Path) -> bool:
    return path.is_dir() and ((path / "zarr.json").is_file() or (path / ".zattrs").is_file())


def _pairs(text: str | None, option: str) -> dict[str, str] | None:
    if not text:
        return None
    out = {}
    for item in text.split(","):
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise NgffValueError(
                f"{option}: expected dim=value pairs like y=0.5,x=0.5, got {text!r}"
            )
        out[key.strip()] = value.strip()
    return out


def _float_map(text: str | None, option: str) -> dict[str, float] | None:
    pairs = _pairs(text, option)
    if pairs is None:
        return None
    try:
        return {k: float(v) for k, v in pairs.items()}
    except ValueError:
        raise NgffValueError(f"{option}: expected numbers, got {text!r}") from None


def _str_map(text: str | None) -> dict[str, str] | None:
    return _pairs(text, "--units")


def _ints(text: str | None) -> list[int] | None:
    if not text:
        return None
    try:
        return [int(v) for v in text.split(",")]
    except ValueError:
        raise NgffValueError(
            f"--scale-factors: expected integers like 2,4,8, got {text!r}"
        ) from None


def _int_or_map(text: str | None) -> int | dict[str, int] | None:
    if not text:
        return None
    if "=" not in text:
        try:
            return int(text)
        except ValueError:
            raise NgffValueError(f"expected an integer or dim=int pairs, got {text!r}") from None
    pairs = _pairs(text, "chunks") or {}
    return {k: int(v) for k, v in pairs.items()}
