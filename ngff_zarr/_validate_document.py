"""Validation of one metadata document (the attributes of one group), without a store.

Finds the version (from the content, the caller, or the parent group), the kinds of metadata
present (image, label, plate, well, ...), validates each kind against its schema and runs the
data-level checks of :mod:`ngff_zarr._validate_checks`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Final

from ._parse import SUPPORTED_VERSIONS
from ._validate_checks import CHECKS, Sink
from ._validate_schema import available_schemas, schema_violations
from .errors import UnsupportedVersionError
from .validate import Finding

__all__ = ["KNOWN_VERSIONS", "DocumentResult", "check_version_argument", "validate_document"]

KNOWN_VERSIONS: Final[tuple[str, ...]] = SUPPORTED_VERSIONS  # the versions the reader reads

# attribute key -> kind of metadata (and name of its schema)
_KIND_KEYS: Final[dict[str, str]] = {
    "multiscales": "image",
    "image-label": "label",
    "labels": "labels",
    "plate": "plate",
    "well": "well",
    "bioformats2raw.layout": "bf2raw",
    "series": "series",
}
# where a 0.1-0.4 document states its version
_VERSION_HOLDERS: Final[tuple[str, ...]] = ("plate", "well", "image-label")


@dataclass(frozen=True, slots=True, kw_only=True)
class DocumentResult:
    """What validating one document found: its version, content and kinds, and findings."""

    version: str | None
    stated_version: str | None
    content: dict[str, Any]
    kinds: tuple[str, ...]
    findings: list[Finding] = field(default_factory=list)


def check_version_argument(version: str | None) -> None:
    """Refuse a requested version that does not exist."""
    if version is not None and version not in KNOWN_VERSIONS:
        raise UnsupportedVersionError(
            f"version: expected one of {', '.join(KNOWN_VERSIONS)}, got {version!r}"
        )


def _stated_versions(attrs: dict[str, Any]) -> list[Any]:
    """Every version the document states, in order of appearance (0.5 'ome' or 0.1-0.4)."""
    ome = attrs.get("ome")
    if isinstance(ome, dict):
        return [ome["version"]] if "version" in ome else []
    multiscales = attrs.get("multiscales")
    found: list[Any] = [
        ms["version"]
        for ms in (multiscales if isinstance(multiscales, list) else [])
        if isinstance(ms, dict) and "version" in ms
    ]
    for key in _VERSION_HOLDERS:
        holder = attrs.get(key)
        if isinstance(holder, dict) and "version" in holder:
            found.append(holder["version"])
    return list(dict.fromkeys(v if isinstance(v, str) else repr(v) for v in found))


def validate_document(
    attrs: dict[str, Any],
    *,
    version: str | None = None,
    default_version: str | None = None,
    path: str = "<attributes>",
) -> DocumentResult:
    """Validate the attributes ``attrs`` of one group.

    ``version`` is a requirement (a different stated version is an error); ``default_version``
    is used when the document states none (e.g. the version of the parent group).
    """
    sink = Sink(path)
    stated = _stated_versions(attrs)
    wrapped = isinstance(attrs.get("ome"), dict)
    unknown = [v for v in stated if v not in KNOWN_VERSIONS]
    known = [v for v in stated if v in KNOWN_VERSIONS]
    version_reported = bool(unknown)
    for value in unknown:
        sink.error(
            "NGFF003",
            f"expected a version among {', '.join(KNOWN_VERSIONS)}, found {value!r}",
            "ome.version" if wrapped else "version",
        )
    if len(known) > 1:
        version_reported = True
        sink.error("NGFF005", f"the document states several versions: {known}", "version")
    if version is not None and known and version not in known:
        version_reported = True
        sink.error(
            "NGFF005", f"validating as {version} but the document states {known[0]}", "version"
        )
    effective = version or (known[0] if known else None) or default_version
    if effective is None:
        effective = "0.5" if wrapped else "0.4"
    content = attrs["ome"] if wrapped and effective == "0.5" else attrs
    kinds = tuple(
        dict.fromkeys(
            kind for key, kind in _KIND_KEYS.items() if isinstance(content, dict) and key in content
        )
    )
    kinds = tuple(k for k in kinds if (effective, k) in available_schemas())
    if not kinds:
        sink.error(
            "NGFF002",
            f"expected OME-NGFF {effective} metadata (one of {', '.join(_KIND_KEYS)}), "
            f"found keys {sorted(content)[:10] if isinstance(content, dict) else content!r}",
        )
        if effective == "0.5" and wrapped:
            _schema(attrs["ome"], effective, "ome", sink, "ome.", version_reported)
    for kind in kinds:
        _schema(attrs, effective, kind, sink, "", version_reported)
    checks_sink = Sink(path, prefix="ome." if content is not attrs else "")
    for kind in kinds:
        CHECKS[kind](content, effective, checks_sink)
    return DocumentResult(
        version=effective,
        stated_version=known[0] if len(known) == 1 else None,
        content=content if isinstance(content, dict) else {},
        kinds=kinds,
        findings=sink.findings + checks_sink.findings,
    )


def _schema(
    document: dict[str, Any], version: str, kind: str, sink: Sink, prefix: str, skip_version: bool
) -> None:
    for fld, message in schema_violations(document, version, kind):
        if skip_version and fld.rsplit(".", 1)[-1] == "version":
            continue  # already reported as NGFF003 / NGFF005
        sink.error("NGFF010", f"{kind} schema: {message}", f"{prefix}{fld}" if prefix else fld)
