"""What differs between OME-NGFF versions on disk, in one registry.

For each written version: the Zarr format, the group's attribute document, and the functions
that place image, plate, well and label metadata in a group's attributes (0.4: top level with a
``version`` each; 0.5: under ``ome`` with one ``ome.version``). For every version read: how a
group's attributes state their version and where the OME content sits.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Final

from .errors import (
    InvalidMetadataError,
    MetadataNotFoundError,
    NgffWarning,
    UnsupportedVersionError,
)
from .v04 import labels as v04_labels
from .v04 import multiscales as v04_multiscales
from .v04 import plate as v04_plate
from .v04 import well as v04_well
from .v04.labels import ImageLabel
from .v04.multiscales import Metadata
from .v04.plate import Plate
from .v04.well import Well
from .v05 import labels as v05_labels
from .v05 import multiscales as v05_multiscales
from .v05 import plate as v05_plate
from .v05 import well as v05_well
from .v06 import common as v06_common
from .v06 import groups as v06_groups
from .v06 import multiscales as v06_multiscales
from .vocab import (
    READ_VERSIONS,
    VERSION_ALIASES,
    WRITE_VERSIONS,
    WriteVersion,
    ZarrFormat,
    check_version,
    nearest_version,
    zarr_format_of,
)

__all__ = [
    "LAYOUTS",
    "OME_ATTRIBUTE_KEYS",
    "Layout",
    "find_image",
    "layout",
    "layout_for_zarr_format",
    "ome_content",
    "plate_hint",
    "read_metadata",
    "stated_versions",
]

# the keys of a group's attributes that hold OME metadata, in any version (0.5: "ome")
OME_ATTRIBUTE_KEYS: Final[frozenset[str]] = frozenset(
    {"ome", "multiscales", "omero", "plate", "well", "labels", "image-label",
     "bioformats2raw.layout"}
)  # fmt: skip

# where a 0.1-0.4 document states its version, besides each multiscale
_VERSION_HOLDERS: Final[tuple[str, ...]] = ("plate", "well", "image-label")


@dataclass(frozen=True, slots=True, kw_only=True)
class Layout:
    """How one OME-NGFF version lays out its metadata in Zarr groups."""

    version: WriteVersion
    zarr_format: ZarrFormat
    attributes_key: str  # the document holding a group's attributes
    image_attributes: Callable[[Metadata], dict[str, Any]]
    plate_to_attributes: Callable[[Plate], dict[str, Any]]
    plate_from_attributes: Callable[..., Plate]
    well_to_attributes: Callable[[Well], dict[str, Any]]
    well_from_attributes: Callable[..., Well]
    label_to_attributes: Callable[[Metadata, ImageLabel], dict[str, Any]]
    label_from_attributes: Callable[..., ImageLabel]
    labels_to_attributes: Callable[[Sequence[str]], dict[str, Any]]
    labels_from_attributes: Callable[..., list[str]]

    def content(self, attrs: Mapping[str, Any]) -> Mapping[str, Any]:
        """The OME content of a group's attributes (the ``ome`` object from 0.5 on)."""
        if self.zarr_format == 3:
            ome = attrs.get("ome")
            return ome if isinstance(ome, Mapping) else {}
        return attrs

    def has(self, attrs: Mapping[str, Any], key: str) -> bool:
        """Whether the attributes hold OME metadata ``key`` (``"well"``, ``"plate"``, ...)."""
        return key in self.content(attrs)


def _common(
    version: str, write: Callable[[Metadata], dict[str, Any]]
) -> Callable[[Metadata], dict[str, Any]]:
    """``write`` for the common view of metadata: 0.6 metadata is converted down first (which
    raises when it has what ``version`` cannot express)."""

    def attributes(metadata: Metadata) -> dict[str, Any]:
        if isinstance(metadata, v06_common.Metadata):
            metadata = metadata.to_version(version)
        return write(metadata)

    return attributes


def _common_label(
    version: str, write: Callable[[Metadata, ImageLabel], dict[str, Any]]
) -> Callable[[Metadata, ImageLabel], dict[str, Any]]:
    def attributes(metadata: Metadata, label: ImageLabel) -> dict[str, Any]:
        if isinstance(metadata, v06_common.Metadata):
            metadata = metadata.to_version(version)
        return write(metadata, label)

    return attributes


LAYOUTS: Final[dict[str, Layout]] = {
    "0.4": Layout(
        version="0.4",
        zarr_format=2,
        attributes_key=".zattrs",
        image_attributes=_common("0.4", v04_multiscales.image_attributes),
        plate_to_attributes=v04_plate.plate_to_attributes,
        plate_from_attributes=v04_plate.plate_from_attributes,
        well_to_attributes=v04_well.well_to_attributes,
        well_from_attributes=v04_well.well_from_attributes,
        label_to_attributes=_common_label("0.4", v04_labels.label_attributes),
        label_from_attributes=v04_labels.image_label_from_attributes,
        labels_to_attributes=v04_labels.labels_to_attributes,
        labels_from_attributes=v04_labels.labels_from_attributes,
    ),
    "0.5": Layout(
        version="0.5",
        zarr_format=3,
        attributes_key="zarr.json",
        image_attributes=_common("0.5", v05_multiscales.image_attributes),
        plate_to_attributes=v05_plate.plate_to_attributes,
        plate_from_attributes=v05_plate.plate_from_attributes,
        well_to_attributes=v05_well.well_to_attributes,
        well_from_attributes=v05_well.well_from_attributes,
        label_to_attributes=_common_label("0.5", v05_labels.label_attributes),
        label_from_attributes=v05_labels.image_label_from_attributes,
        labels_to_attributes=v05_labels.labels_to_attributes,
        labels_from_attributes=v05_labels.labels_from_attributes,
    ),
    "0.6": Layout(
        version="0.6",
        zarr_format=3,
        attributes_key="zarr.json",
        image_attributes=v06_common.image_attributes,
        plate_to_attributes=v06_groups.plate_to_attributes,
        plate_from_attributes=v06_groups.plate_from_attributes,
        well_to_attributes=v06_groups.well_to_attributes,
        well_from_attributes=v06_groups.well_from_attributes,
        label_to_attributes=v06_groups.label_attributes,
        label_from_attributes=v06_groups.image_label_from_attributes,
        labels_to_attributes=v06_groups.labels_to_attributes,
        labels_from_attributes=v06_groups.labels_from_attributes,
    ),
}
assert tuple(LAYOUTS) == WRITE_VERSIONS


def layout(version: str, *, field: str = "version") -> Layout:
    """The layout of a written ``version``; the error lists the versions available."""
    return LAYOUTS[check_version(version, writing=True, field=field)]


def layout_for_zarr_format(zarr_format: int) -> Layout:
    """The layout used to read a group of Zarr format ``zarr_format`` (0.1-0.3 read as 0.4)."""
    return LAYOUTS["0.4" if zarr_format == 2 else "0.5"]


def stated_versions(attrs: Mapping[str, Any]) -> list[str]:
    """Every version a group's attributes state, in order of appearance, without repeats.

    A version that is not a string is given as its ``repr``.
    """
    ome = attrs.get("ome")
    if isinstance(ome, Mapping):
        found: list[Any] = [ome["version"]] if "version" in ome else []
    else:
        multiscales = attrs.get("multiscales")
        found = [
            ms["version"]
            for ms in (multiscales if isinstance(multiscales, list) else [])
            if isinstance(ms, Mapping) and "version" in ms
        ]
        for key in _VERSION_HOLDERS:
            holder = attrs.get(key)
            if isinstance(holder, Mapping) and "version" in holder:
                found.append(holder["version"])
    return list(dict.fromkeys(v if isinstance(v, str) else repr(v) for v in found))


def ome_content(attrs: Mapping[str, Any], version: str) -> Mapping[str, Any]:
    """The OME content of attributes of ``version``: the ``ome`` object from 0.5 on."""
    ome = attrs.get("ome")
    if version in READ_VERSIONS and zarr_format_of(version) == 3 and isinstance(ome, Mapping):
        return ome
    return attrs


def find_image(
    attrs: Mapping[str, Any], zarr_format: int, where: str
) -> tuple[str, Mapping[str, Any]]:
    """The version of an image group and the content that holds its ``multiscales``.

    Raises
    ------
    MetadataNotFoundError
        The attributes hold no image metadata.
    UnsupportedVersionError
        The stated version is not one this package reads. A development or patch spelling
        of a known version (``"0.5-dev-..."``) is read as that version, with an
        :class:`~ngff_zarr.NgffWarning`.
    InvalidMetadataError
        ``multiscales`` is not a non-empty list of objects.
    """
    ome = attrs.get("ome")
    wrapped = ""
    if isinstance(ome, Mapping):
        version = ome.get("version")
        wrapped = nearest_version(version) or ""
        if not wrapped or zarr_format_of(wrapped) != 3:
            expected = " or ".join(repr(v) for v in READ_VERSIONS if zarr_format_of(v) == 3)
            raise UnsupportedVersionError(
                f"{where}: ome.version: expected {expected}, got {version!r}; this package "
                f"reads OME-NGFF {', '.join(READ_VERSIONS)}"
            )
        _warn_nearest(version, wrapped, where, "ome.version")
        if "multiscales" not in ome:
            raise MetadataNotFoundError(f"{where}: no 'multiscales' under 'ome'")
        content: Mapping[str, Any] = ome
    elif "multiscales" in attrs:
        content = attrs
    else:
        raise MetadataNotFoundError(
            f"{where}: no OME-NGFF image metadata (neither 'multiscales' nor 'ome.multiscales')"
        )
    multiscales = content["multiscales"]
    if (
        not isinstance(multiscales, list)
        or not multiscales
        or not isinstance(multiscales[0], Mapping)
    ):
        raise InvalidMetadataError(
            f"expected a non-empty list of objects, found {multiscales!r}",
            path=where,
            field="ome.multiscales" if content is ome else "multiscales",
        )
    if content is ome:
        return wrapped, content
    version = multiscales[0].get("version", "0.4" if zarr_format == 2 else "0.5")
    known = nearest_version(version)
    if known is None:
        raise UnsupportedVersionError(
            f"{where}: multiscales[0].version: expected one of {list(READ_VERSIONS)}, "
            f"got {version!r}"
        )
    _warn_nearest(version, known, where, "multiscales[0].version")
    return known, content


def read_metadata(content: Mapping[str, Any], version: str, ndim: int, where: str) -> Metadata:
    """The common view of the first multiscale of an image's OME ``content``.

    0.6 gives :class:`ngff_zarr.v06.common.Metadata` (with the coordinate systems and
    transformations); ``ndim`` (the first array's) matters only for 0.1 to 0.3.
    """
    if version == "0.6":
        multiscale = v06_multiscales.Multiscale.from_dict(
            content["multiscales"][0], path=where, field="ome.multiscales[0]"
        )
        return v06_common.Metadata.from_multiscale(
            multiscale, omero=content.get("omero"), path=where
        )
    return Metadata.from_dict(
        content["multiscales"][0],
        version=version,
        ndim=ndim,
        omero=content.get("omero"),
        path=where,
    )


def _warn_nearest(stated: Any, known: str, where: str, field: str) -> None:
    if stated != known and VERSION_ALIASES.get(stated) != known:
        warnings.warn(
            f"{where}: {field}: {stated!r} is not an OME-NGFF release; read as {known}",
            NgffWarning,
            stacklevel=4,
        )


def plate_hint(attrs: Mapping[str, Any], location: str) -> str | None:
    """For a plate group's attributes, the message that says to open one field instead.

    None when the attributes hold no plate.
    """
    ome = attrs.get("ome")
    plate = ome.get("plate") if isinstance(ome, Mapping) else attrs.get("plate")
    if not isinstance(plate, Mapping):
        return None
    wells = plate.get("wells")
    paths = (
        [w.get("path") for w in wells if isinstance(w, Mapping)] if isinstance(wells, list) else []
    )
    base = location.rstrip("/")
    examples = ", ".join(f"'{base}/{p}/0'" for p in paths[:3])
    return (
        f"The input appears to be an HCS (High Content Screening) plate structure with "
        f"{len(paths)} wells. To convert a specific well/image, provide the full path "
        f"including well and field:\n  Examples: {examples}\nFor programmatic access to the "
        "full plate, use from_hcs_zarr() instead of from_ngff_zarr()."
    )
