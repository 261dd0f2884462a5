"""``upgrade_ome_zarr``: change the OME-Zarr version of a stored image, in place or to a copy.

The target's layout comes from the version registry (:mod:`ngff_zarr._versions`): a version
registered there is a target, with its Zarr format and its metadata writer. In place, only
metadata is rewritten: within one Zarr format, the root document; from Zarr v2 (0.4) to v3
(0.5), every group and array document becomes a ``zarr.json`` (arrays keep their chunk files
through the ``v2`` chunk key encoding) and the v2 documents are removed last. Into an output
store, the image is read lazily and written anew at the target version.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Any, Final

import numpy as np
from zarr.abc.store import Store
from zarr.core.sync import sync

from ._io.documents import group_attributes, read_json
from ._io.edit import write_document
from ._io.store import StoreLike, as_store, describe, join
from ._versions import LAYOUTS, OME_ATTRIBUTE_KEYS, Layout, find_image, layout, read_metadata
from .codecs import resolve_compressors
from .errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffValueError,
    UnsupportedVersionError,
)
from .v04.multiscales import Metadata

__all__ = ["upgrade_ome_zarr"]

# versions ngff-zarr writes that this package does not write yet, and what they need
_LATER: Final[dict[str, str]] = {
    "0.9.dev1": "this package's OME-Zarr 0.9.dev1 support (RFC-3 axes)",
}
_V2_DOCUMENTS: Final[tuple[str, ...]] = (".zarray", ".zattrs", ".zgroup", ".zmetadata")


def _target(version: str) -> Layout:
    """The layout to upgrade to; a version this package does not write yet says what it needs."""
    if version in LAYOUTS:
        return LAYOUTS[version]
    if version in _LATER:
        raise UnsupportedVersionError(
            f"version: upgrading to OME-Zarr {version} needs {_LATER[version]}, which this "
            f"version of ngff_zarr does not have; it upgrades to {', '.join(LAYOUTS)}"
        )
    return layout(version)


def upgrade_ome_zarr(
    input: StoreLike,
    output: StoreLike | None = None,
    *,
    version: str = "0.6",
    validate: bool = False,
    storage_options: Mapping[str, Any] | None = None,
    overwrite: bool = True,
) -> None:
    """Rewrite an OME-Zarr image at OME-Zarr ``version``, in place or into ``output``.

    Parameters
    ----------
    input
        The image: a local directory (in place, or as a source), or a URL, ``.ozx`` or zarr
        store (as a source).
    output
        Where to write the upgraded copy; ``input`` is then only read. Default: in place,
        metadata only (array chunks are never touched).
    version
        The target version: ``"0.6"`` (the default, as ngff-zarr), ``"0.5"`` or ``"0.4"``.
        0.6 metadata goes down to 0.5/0.4 only when it has no coordinate systems or
        transformations besides the intrinsic ones (the error names them).
    validate
        Validate the source against the specification first.
    storage_options
        Passed to fsspec for URLs.
    overwrite
        Replace an existing ``output``.

    Raises
    ------
    UnsupportedVersionError
        A target this package does not write, or an in-place change from Zarr v3 to v2
        (chunk keys would change: pass ``output``).
    NgffValueError
        The source is not an image (e.g. a plate: upgrade each field, ``plate.zarr/A/1/0``), an
        in-place upgrade of a read-only source, an array this cannot convert in place, or 0.6
        metadata that the target version cannot express (nothing is changed).
    NgffValidationError
        ``validate`` is True and the source is invalid.

    Examples
    --------
    >>> import numpy as np, os, tempfile, json
    >>> import ngff_zarr as nz
    >>> path = os.path.join(tempfile.mkdtemp(), "image.ome.zarr")
    >>> image = nz.to_ngff_image(np.zeros((4, 32, 32), np.uint8), dims=["z", "y", "x"])
    >>> nz.to_ngff_zarr(path, nz.to_multiscales(image, scale_factors=[2]), version="0.4")
    >>> nz.upgrade_ome_zarr(path, version="0.5")
    >>> with open(os.path.join(path, "zarr.json")) as handle:
    ...     json.load(handle)["attributes"]["ome"]["version"]
    '0.5'
    >>> sorted(os.listdir(path))[-1], ".zattrs" in os.listdir(path)
    ('zarr.json', False)
    >>> nz.upgrade_ome_zarr(path)  # to 0.6: coordinate systems, metadata only
    >>> nz.from_ngff_zarr(path).metadata.intrinsic_coordinate_system.name
    'physical'
    """
    target = _target(str(version))
    if output is not None:
        _copy(input, output, target, validate, storage_options, overwrite)
        return
    remote = isinstance(input, str | os.PathLike) and (
        "://" in os.fspath(input) or os.path.isfile(os.fspath(input))
    )
    if remote:
        raise NgffValueError(
            f"input: {os.fspath(input)} is read-only (a URL or a zipped store); pass output= "  # type: ignore[arg-type]
            "to write the upgraded copy elsewhere"
        )
    if isinstance(input, str | os.PathLike) and not os.path.isdir(os.fspath(input)):
        raise MetadataNotFoundError(f"{os.fspath(input)}: no such store (no directory)")
    store = as_store(input, read_only=False, storage_options=storage_options)
    if validate:
        from .validate import validate as run_validation

        run_validation(input, storage_options=storage_options).raise_on_error()
    zarr_format, attrs = group_attributes(store, "")
    where = describe(store, "zarr.json" if zarr_format == 3 else ".zattrs")
    source_version, content = _image(attrs, zarr_format, where)
    metadata = _metadata(store, content, source_version, zarr_format, where)
    extra = {k: v for k, v in attrs.items() if k not in OME_ATTRIBUTE_KEYS}
    root_attrs = {**extra, **target.image_attributes(metadata)}
    # 0.6 label images have coordinate systems: converted with the image (read before writing)
    labels = (
        _label_documents(store, target, zarr_format)
        if "0.6" in (source_version, target.version)
        else {}
    )
    if zarr_format == target.zarr_format:
        for path, attrs_ in labels.items():
            _set_group(store, path, zarr_format, attrs_)
        _set_group(store, "", zarr_format, root_attrs)  # the root last
        return
    if zarr_format == 3:
        raise UnsupportedVersionError(
            f"{describe(store)}: an in-place downgrade from OME-Zarr {source_version} (Zarr v3) "
            f"to {target.version} (Zarr v2) cannot keep the chunk files (Zarr v2 chunk keys "
            "differ); pass output= to write a downgraded copy"
        )
    _v2_to_v3(store, root_attrs, metadata, labels)


def _image(attrs: Mapping[str, Any], zarr_format: int, where: str) -> tuple[str, Any]:
    try:
        return find_image(attrs, zarr_format, where)
    except MetadataNotFoundError:
        if "plate" in attrs or "plate" in (attrs.get("ome") or {}):
            raise NgffValueError(
                f"{where}: a plate; upgrade_ome_zarr upgrades one image: upgrade each field "
                "(plate.ome.zarr/A/1/0)"
            ) from None
        raise


def _label_documents(store: Store, target: Layout, zarr_format: int) -> dict[str, dict[str, Any]]:
    """The attributes of the ``labels`` group and its label images at the target version."""
    labels = read_json(store, join("labels", "zarr.json" if zarr_format == 3 else ".zattrs"))
    if labels is None:
        return {}
    attrs = labels.get("attributes", {}) if zarr_format == 3 else labels
    source = LAYOUTS["0.4" if zarr_format == 2 else "0.5"]
    names = source.labels_from_attributes(attrs, path="labels")
    out: dict[str, dict[str, Any]] = {"labels": target.labels_to_attributes(names)}
    for name in names:
        path = join("labels", name)
        found = group_attributes(store, path)[1]
        where = describe(store, join(path, "zarr.json" if zarr_format == 3 else ".zattrs"))
        version, label_content = _image(found, zarr_format, where)
        metadata = _metadata(store, label_content, version, zarr_format, where, path)
        label = source.label_from_attributes(found, path=where)
        out[path] = target.label_to_attributes(metadata, label)
    return out


def _metadata(
    store: Store, content: Any, version: str, zarr_format: int, where: str, base: str = ""
) -> Metadata:
    multiscale = content["multiscales"][0]
    datasets = multiscale.get("datasets") if isinstance(multiscale, dict) else None
    first = datasets[0].get("path") if isinstance(datasets, list) and datasets else None
    array = read_json(store, join(base, str(first), "zarr.json" if zarr_format == 3 else ".zarray"))
    if array is None:
        raise InvalidMetadataError(
            f"dataset {first!r} has no array", path=where, field="multiscales[0].datasets[0]"
        )
    return read_metadata(content, version, len(array.get("shape", [])), where)


def _copy(
    input: StoreLike,
    output: StoreLike,
    target: Layout,
    validate: bool,
    storage_options: Mapping[str, Any] | None,
    overwrite: bool,
) -> None:
    from .from_ngff_zarr import from_ngff_zarr
    from .to_ngff_zarr import to_ngff_zarr

    multiscales = from_ngff_zarr(input, validate=validate, storage_options=storage_options)
    to_ngff_zarr(output, multiscales, version=target.version, overwrite=overwrite)
    source = as_store(input, read_only=True, storage_options=storage_options)
    extra = {
        k: v for k, v in group_attributes(source, "")[1].items() if k not in OME_ATTRIBUTE_KEYS
    }
    if extra and not (isinstance(output, str | os.PathLike) and os.path.isfile(os.fspath(output))):
        from .update_root_attributes import update_root_attributes

        update_root_attributes(output, extra)


def _set_group(store: Store, path: str, zarr_format: int, attrs: dict[str, Any]) -> None:
    if zarr_format == 3:
        document = read_json(store, join(path, "zarr.json")) or {}
        write_document(
            store,
            join(path, "zarr.json"),
            {**document, "zarr_format": 3, "node_type": "group", "attributes": attrs},
        )
    else:
        write_document(store, join(path, ".zattrs"), attrs)


def _keys(store: Store) -> list[str]:
    async def listing() -> list[str]:
        return [key async for key in store.list()]

    return sorted(sync(listing()))


def _v2_to_v3(
    store: Store,
    root_attrs: dict[str, Any],
    metadata: Metadata,
    converted: Mapping[str, dict[str, Any]],
) -> None:
    """Every v2 document of the hierarchy as a ``zarr.json``, then the v2 documents removed."""
    keys = _keys(store)
    arrays = sorted({k.rsplit("/", 1)[0] if "/" in k else "" for k in keys if _is(k, ".zarray")})
    groups = sorted({k.rsplit("/", 1)[0] if "/" in k else "" for k in keys if _is(k, ".zgroup")})
    group_attrs = {path: read_json(store, join(path, ".zattrs")) or {} for path in groups}
    # 0.5 arrays of a multiscale name their dims: the image's, and those of its labels
    dims = {join(d.path): list(metadata.dims) for d in metadata.datasets}
    for path, attrs in group_attrs.items():
        dims.update(_dataset_dims(path, attrs))
    documents: dict[str, dict[str, Any]] = {}
    for path in arrays:
        zarray = read_json(store, join(path, ".zarray")) or {}
        attrs = read_json(store, join(path, ".zattrs")) or {}
        documents[join(path, "zarr.json")] = _array_document(zarray, attrs, dims.get(path), path)
    for path, attrs in group_attrs.items():
        if path:
            new = converted.get(path) or _as_v3_attributes(attrs)
            documents[join(path, "zarr.json")] = _group_document(new)
    for key, document in documents.items():
        write_document(store, key, document)
    # the root last: until it is written, the image still reads as the 0.4 it was
    write_document(store, "zarr.json", _group_document(root_attrs))
    for key in keys:
        if _is(key, *_V2_DOCUMENTS):
            sync(store.delete(key))


def _dataset_dims(group: str, attrs: Mapping[str, Any]) -> dict[str, list[str]]:
    """The axis names of each dataset array of the multiscales in a group's 0.4 attributes."""
    out: dict[str, list[str]] = {}
    multiscales = attrs.get("multiscales")
    for multiscale in multiscales if isinstance(multiscales, list) else []:
        axes = multiscale.get("axes") if isinstance(multiscale, dict) else None
        names = [a.get("name") if isinstance(a, dict) else a for a in axes or []]
        if not names or not all(isinstance(n, str) for n in names):
            continue
        for dataset in multiscale.get("datasets") or []:
            if isinstance(dataset, dict) and isinstance(dataset.get("path"), str):
                out[join(group, dataset["path"])] = [str(n) for n in names]
    return out


def _is(key: str, *names: str) -> bool:
    return key.rsplit("/", 1)[-1] in names


def _group_document(attrs: dict[str, Any]) -> dict[str, Any]:
    return {"zarr_format": 3, "node_type": "group", "attributes": attrs}


def _as_v3_attributes(attrs: Mapping[str, Any]) -> dict[str, Any]:
    """A 0.4 group's attributes in 0.5 form: the OME keys under ``ome`` with one version."""
    ome: dict[str, Any] = {}
    out: dict[str, Any] = {}
    for key, value in attrs.items():
        if key not in OME_ATTRIBUTE_KEYS:
            out[key] = value
            continue
        if key == "multiscales" and isinstance(value, list):
            value = [
                {k: v for k, v in m.items() if k != "version"} if isinstance(m, dict) else m
                for m in value
            ]
        elif isinstance(value, dict):
            value = {k: v for k, v in value.items() if k != "version"}
        ome[key] = value
    if ome:
        out["ome"] = {"version": "0.5", **ome}
    return out


def _array_document(
    zarray: Mapping[str, Any], attrs: Mapping[str, Any], dims: list[str] | None, path: str
) -> dict[str, Any]:
    """The Zarr v3 ``zarr.json`` of a v2 array whose chunk files stay where they are."""
    if zarray.get("order", "C") != "C" or zarray.get("filters"):
        raise NgffValueError(
            f"{path}: a Zarr v2 array with order {zarray.get('order')!r} or filters "
            f"{zarray.get('filters')!r} cannot be upgraded in place; pass output= to write a "
            "converted copy"
        )
    dtype = np.dtype(zarray["dtype"])
    bytes_codec: dict[str, Any] = {"name": "bytes"}
    if dtype.itemsize > 1:
        bytes_codec["configuration"] = {"endian": "big" if dtype.byteorder == ">" else "little"}
    codecs: list[dict[str, Any]] = [bytes_codec]
    compressor = zarray.get("compressor")
    if compressor is not None:
        codec = resolve_compressors(compressor)[0].v3_json()
        if codec["name"] == "blosc":
            codec["configuration"]["typesize"] = dtype.itemsize
        codecs.append(codec)
    fill = zarray.get("fill_value")
    document: dict[str, Any] = {
        "zarr_format": 3,
        "node_type": "array",
        "shape": list(zarray["shape"]),
        "data_type": dtype.newbyteorder("=").name,
        "chunk_grid": {"name": "regular", "configuration": {"chunk_shape": list(zarray["chunks"])}},
        "chunk_key_encoding": {
            "name": "v2",
            "configuration": {"separator": zarray.get("dimension_separator", ".")},
        },
        "fill_value": (False if dtype.kind == "b" else 0) if fill is None else fill,
        "codecs": codecs,
        "attributes": dict(attrs),
    }
    if dims is not None:
        document["dimension_names"] = dims
    return document
