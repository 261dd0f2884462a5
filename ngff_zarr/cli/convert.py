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
    convert_image,
    convert_merged,
    convert_store,
)
from ..errors import NgffValueError, PathNotFoundError
from ..vocab import WRITE_VERSIONS, normalize_unit
from ._common import CONVERT_FLAGS, error_line, local_path
from ._inputs import ITK_SUFFIXES, read_with_itk

# options that describe how a microscope file is read: refused for an OME-Zarr input, whose
# metadata states them (the others, --scale, --units, --channel-names included, apply)
_FILE_ONLY = ("dims", "reader", "series", "merge_axis")


def add_parser(subparsers: Any) -> None:
    """Register the ``convert`` sub-command."""
    parser = subparsers.add_parser(
        "convert",
        help="convert microscope files (or a folder of them) to OME-Zarr",
        description="Convert TIFF/OME-TIFF/ImageJ/LSM/CZI/ND2/LIF files, a folder of them, or "
        "an OME-Zarr store to OME-Zarr. Several inputs are written one store each into the "
        "OUTPUT folder, or merged into one store with --merge-axis.",
    )
    parser.add_argument(
        "inputs", nargs="+", metavar="INPUT", help="files, one folder, or one OME-Zarr store"
    )
    parser.add_argument(
        "output", metavar="OUTPUT", help="output store (or folder); a URL such as s3://b/x.zarr"
    )
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
    parser.add_argument("--translation", help="origin per dim, e.g. z=10,y=-5.5,x=0")
    parser.add_argument("--name", help="the image's name")
    parser.add_argument(
        "--omero-window", action="append", metavar="MIN,MAX,START,END",
        help="display range of a channel (once per channel, in order)",
    )  # fmt: skip
    parser.add_argument("--codec", help="compression: zstd, gzip, lz4, blosc:zstd, ..., none")
    parser.add_argument("--compression-level", type=int, help="the codec's level")
    parser.add_argument("--memory-target", help="memory bound of the write, e.g. 4GB, 500M")
    parser.add_argument(
        "--local-cluster", action="store_true", help="run on a dask distributed LocalCluster"
    )
    parser.add_argument("--storage-options", metavar="JSON", help="fsspec options of a URL")
    parser.add_argument("--merge-axis", choices=("t", "z", "c"), help="merge inputs along axis")
    parser.add_argument("--merge-policy", choices=("strict", "pad"), default="strict")
    parser.add_argument("--pattern", default="*", help="file glob inside a folder input")
    parser.add_argument("--overwrite", action="store_true", help="replace existing output")
    parser.add_argument(
        "-q", "--quiet", "--no-progress", dest="no_progress", action="store_true",
        help="hide progress bars",
    )  # fmt: skip
    parser.add_argument(
        "--no-omero",
        action="store_true",
        help="do not write omero display metadata computed from the pixels (2%%/98%% windows)",
    )


def run(args: argparse.Namespace) -> int:
    """Run ``convert``; errors are printed as one line and give exit code 1."""
    try:
        return _run(args)
    except Exception as exc:  # one line, naming the flags: also a storage library's error
        message = (
            f"unknown key {exc}" if isinstance(exc, KeyError) else error_line(exc, CONVERT_FLAGS)
        )
        print(f"ngff-zarr convert: error: {message}", file=sys.stderr)
        return 1


def _run(args: argparse.Namespace) -> int:
    from ..config import config
    from .classic import local_cluster, parse_bytes

    settings = {"memory_target": parse_bytes(args.memory_target)} if args.memory_target else {}
    with config.set(**settings):
        cluster = local_cluster() if args.local_cluster else None
        try:
            return _convert(args)
        finally:
            if cluster is not None:
                cluster.close()


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
        omero=not args.no_omero,
        name=args.name,
        translation=_float_map(args.translation, "--translation"),
        codec=args.codec,
        compression_level=args.compression_level,
        storage_options=_json(args.storage_options),
        omero_windows=[_window(w) for w in args.omero_window] if args.omero_window else None,
    )
    local = local_path(args.output)
    output: Path | str = local if local is not None else args.output
    remote = [p for p in args.inputs if local_path(p) is None]
    if remote:  # an OME-Zarr store at a URL (http(s)://, s3://, ...)
        if len(args.inputs) > 1:
            raise NgffValueError(f"INPUT: a URL ({remote[0]}) is one store: give it alone")
        _refuse_file_options(args, "an OME-Zarr input")
        written = convert_store(remote[0], output, options=options)
        print(f"wrote {written[0]}")
        return 0
    inputs = [local_path(p) or Path(p) for p in args.inputs]  # file:// names a local path
    missing = [str(p) for p in inputs if not p.exists()]
    if missing:
        raise PathNotFoundError(f"input: no such file or directory: {', '.join(missing)}")
    folder = len(inputs) == 1 and inputs[0].is_dir() and not _is_store(inputs[0])
    if isinstance(output, str) and (folder or len(inputs) > 1):
        raise NgffValueError(
            f"OUTPUT: a URL ({output}) takes one store: give one input file or store"
        )
    if folder:
        assert isinstance(output, Path)
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
    medical = len(inputs) == 1 and inputs[0].name.lower().endswith(ITK_SUFFIXES)
    if len(inputs) == 1 and (medical or _is_store(inputs[0])):
        _refuse_file_options(args, "a medical image" if medical else "an OME-Zarr input")
        if medical:
            written = convert_image(read_with_itk(str(inputs[0])), output, options=options)
        else:
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
        assert isinstance(output, Path)
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


def _refuse_file_options(args: argparse.Namespace, kind: str) -> None:
    given = [f"--{o.replace('_', '-')}" for o in _FILE_ONLY if getattr(args, o) is not None]
    if given:
        raise NgffValueError(
            f"{', '.join(given)}: not used for {kind} (its metadata states the axes and there "
            "is one image); --scale, --units, --channel-names, --chunks, --method and "
            "--scale-factors apply"
        )


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
    """``--units``, each checked and normalised as the Python API does (``um``: micrometer)."""
    pairs = _pairs(text, "--units")
    if pairs is None:
        return None
    try:
        return {dim: normalize_unit(unit, dim) for dim, unit in pairs.items()}
    except NgffValueError as exc:
        raise NgffValueError(error_line(exc, CONVERT_FLAGS)) from None


def _window(text: str) -> tuple[float, float, float, float]:
    try:
        low, high, start, end = (float(v) for v in text.split(","))
    except ValueError:
        raise NgffValueError(
            f"--omero-window: expected MIN,MAX,START,END like 0,4095,100,2000, got {text!r}"
        ) from None
    return low, high, start, end


def _json(text: str | None) -> dict[str, Any] | None:
    import json

    if not text:
        return None
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise NgffValueError(
            f"--storage-options: expected a JSON object, got {text!r}: {exc}"
        ) from None
    if not isinstance(value, dict):
        raise NgffValueError(f"--storage-options: expected a JSON object, got {text!r}")
    return value


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
