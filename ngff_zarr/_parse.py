"""Parsing OME-NGFF 0.1 to 0.5 multiscales attributes into the metadata dataclasses."""

from __future__ import annotations

from typing import Any, Final

from .errors import InvalidMetadataError, MetadataNotFoundError, UnsupportedVersionError
from .v04.zarr_metadata import (
    DIM_TYPES,
    SUPPORTED_DIMS,
    Axis,
    Dataset,
    Metadata,
    MethodMetadata,
    Omero,
    OmeroChannel,
    OmeroWindow,
    Scale,
    Translation,
)

SUPPORTED_VERSIONS: Final[tuple[str, ...]] = ("0.1", "0.2", "0.3", "0.4", "0.5")


def find_multiscales(
    attrs: dict[str, Any], zarr_format: int, where: str
) -> tuple[str, dict[str, Any]]:
    """The version and the attribute dict holding ``multiscales`` (the ``ome`` dict for 0.5)."""
    if "ome" in attrs and isinstance(attrs["ome"], dict):
        ome = attrs["ome"]
        version = str(ome.get("version", ""))
        if version != "0.5":
            raise UnsupportedVersionError(
                f"{where}: ome.version: expected '0.5', got {ome.get('version')!r}; "
                f"this package reads {', '.join(SUPPORTED_VERSIONS)}"
            )
        if "multiscales" not in ome:
            raise MetadataNotFoundError(f"{where}: no 'multiscales' under 'ome'")
        return version, ome
    if "multiscales" not in attrs:
        raise MetadataNotFoundError(
            f"{where}: no OME-NGFF image metadata (neither 'multiscales' nor 'ome.multiscales')"
        )
    multiscales = attrs["multiscales"]
    if not isinstance(multiscales, list) or not multiscales or not isinstance(multiscales[0], dict):
        raise InvalidMetadataError(
            "expected a non-empty list of objects", path=where, field="multiscales"
        )
    version = str(multiscales[0].get("version", "0.4" if zarr_format == 2 else "0.5"))
    if version not in SUPPORTED_VERSIONS:
        raise UnsupportedVersionError(
            f"{where}: multiscales[0].version: expected one of {list(SUPPORTED_VERSIONS)}, "
            f"got {multiscales[0].get('version')!r}"
        )
    return version, attrs


def parse_metadata(
    container: dict[str, Any], version: str, ndims: list[int], where: str
) -> Metadata:
    """Build :class:`Metadata` from a multiscales container; ``ndims`` per dataset (for 0.1-0.3)."""
    ms = container["multiscales"][0]
    if not isinstance(ms, dict):
        raise InvalidMetadataError("expected an object", path=where, field="multiscales[0]")
    datasets_raw = ms.get("datasets")
    if not isinstance(datasets_raw, list) or not datasets_raw:
        raise InvalidMetadataError(
            "expected a non-empty list", path=where, field="multiscales[0].datasets"
        )
    axes = _axes(ms.get("axes"), version, ndims[0] if ndims else 0, where)
    n = len(axes)
    datasets = []
    for i, ds in enumerate(datasets_raw):
        field = f"multiscales[0].datasets[{i}]"
        if not isinstance(ds, dict) or not isinstance(ds.get("path"), str):
            raise InvalidMetadataError(
                "expected an object with a string 'path'", path=where, field=field
            )
        transforms = _transforms(ds.get("coordinateTransformations"), n, where, field)
        if not any(isinstance(t, Scale) for t in transforms):
            transforms.insert(0, Scale([1.0] * n))
        datasets.append(Dataset(path=ds["path"], coordinateTransformations=transforms))
    global_transforms = None
    if ms.get("coordinateTransformations"):
        global_transforms = _transforms(
            ms["coordinateTransformations"], n, where, "multiscales[0].coordinateTransformations"
        )
    method = None
    meta = ms.get("metadata")
    if isinstance(meta, dict) and {"description", "method", "version"} <= meta.keys():
        method = MethodMetadata(
            description=str(meta["description"]),
            method=str(meta["method"]),
            version=str(meta["version"]),
            kwargs=dict(meta.get("kwargs") or {}),
        )
    return Metadata(
        axes=axes,
        datasets=datasets,
        coordinateTransformations=global_transforms,
        omero=parse_omero(container.get("omero"), where),
        name=str(ms.get("name", "image")),
        type=ms.get("type"),
        metadata=method,
    )


def _axes(raw: Any, version: str, ndim: int, where: str) -> list[Axis]:
    if raw is None:
        if version in ("0.1", "0.2"):
            if not 2 <= ndim <= 5:
                raise InvalidMetadataError(
                    f"a {version} image must have 2 to 5 dims, its first array has {ndim}",
                    path=where,
                )
            return [Axis(name=d, type=DIM_TYPES[d]) for d in SUPPORTED_DIMS[-ndim:]]
        raise InvalidMetadataError(
            "missing (required since 0.3)", path=where, field="multiscales[0].axes"
        )
    if not isinstance(raw, list):
        raise InvalidMetadataError("expected a list", path=where, field="multiscales[0].axes")
    axes = []
    for i, entry in enumerate(raw):
        field = f"multiscales[0].axes[{i}]"
        if isinstance(entry, str):  # 0.3: names only
            axes.append(Axis(name=entry, type=DIM_TYPES.get(entry)))
            continue
        if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
            raise InvalidMetadataError(
                "expected an object with a string 'name'", path=where, field=field
            )
        kind = entry.get("type")
        if kind is not None and kind not in ("time", "space", "channel"):
            raise InvalidMetadataError(
                f"unknown axis type {kind!r}; expected 'time', 'space' or 'channel'",
                path=where,
                field=f"{field}.type",
            )
        axes.append(Axis(name=entry["name"], type=kind, unit=entry.get("unit")))
    names = [a.name for a in axes]
    if len(set(names)) != len(names):
        raise InvalidMetadataError(
            f"axis names must be unique, got {names}", path=where, field="multiscales[0].axes"
        )
    return axes


def _transforms(raw: Any, n: int, where: str, field: str) -> list[Scale | Translation]:
    if raw is None:
        return []
    if not isinstance(raw, list):
        raise InvalidMetadataError(
            "expected a list", path=where, field=f"{field}.coordinateTransformations"
        )
    out: list[Scale | Translation] = []
    for j, t in enumerate(raw):
        sub = f"{field}.coordinateTransformations[{j}]"
        if not isinstance(t, dict):
            raise InvalidMetadataError("expected an object", path=where, field=sub)
        kind = t.get("type")
        if kind == "identity":
            continue
        if kind not in ("scale", "translation"):
            raise InvalidMetadataError(
                f"expected type 'scale' or 'translation', got {kind!r}",
                path=where,
                field=f"{sub}.type",
            )
        values = t.get(kind)
        if "path" in t and values is None:
            raise InvalidMetadataError(
                "transformations stored in a file ('path') are not supported", path=where, field=sub
            )
        if not isinstance(values, list) or not all(
            isinstance(v, int | float) and not isinstance(v, bool) for v in values
        ):
            raise InvalidMetadataError(
                f"expected a list of numbers, got {values!r}", path=where, field=f"{sub}.{kind}"
            )
        if len(values) != n:
            raise InvalidMetadataError(
                f"expected {n} values (one per axis), got {len(values)}",
                path=where,
                field=f"{sub}.{kind}",
            )
        out.append(
            Scale([float(v) for v in values])
            if kind == "scale"
            else Translation([float(v) for v in values])
        )
    return out


def parse_omero(raw: Any, where: str) -> Omero | None:
    if not isinstance(raw, dict) or not isinstance(raw.get("channels"), list):
        return None
    channels = []
    for i, ch in enumerate(raw["channels"]):
        if not isinstance(ch, dict):
            raise InvalidMetadataError(
                "expected an object", path=where, field=f"omero.channels[{i}]"
            )
        raw_window = ch.get("window")
        win: dict[str, Any] = raw_window if isinstance(raw_window, dict) else {}
        try:
            window = OmeroWindow(
                min=float(win.get("min", 0.0)),
                max=float(win.get("max", 0.0)),
                start=float(win.get("start", win.get("min", 0.0))),
                end=float(win.get("end", win.get("max", 0.0))),
            )
        except (TypeError, ValueError) as exc:
            raise InvalidMetadataError(
                f"expected numbers ({exc})", path=where, field=f"omero.channels[{i}].window"
            ) from exc
        channels.append(
            OmeroChannel(
                color=str(ch.get("color", "FFFFFF")),
                window=window,
                label=None if ch.get("label") is None else str(ch.get("label")),
                active=bool(ch.get("active", True)),
            )
        )
    return Omero(channels=channels, name=raw.get("name"))
