"""Validation of one metadata document (the attributes of one group), without a store.

Finds the version (from the content, the caller, or the parent group), the kinds of metadata
present (image, label, plate, well, ...), validates each kind against its schema and runs the
data-level checks of :mod:`.rules` (0.6: :mod:`ngff_zarr.v06.rules`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Final

from .._versions import stated_versions
from ..config import config
from ..v06 import rules as v06_rules
from ..vocab import (
    READ_VERSIONS,
    VERSION_ALIASES,
    check_version,
    nearest_version,
    zarr_format_of,
)
from .report import Finding
from .rules import CHECKS, Sink
from .schema import available_schemas, schema_violations

__all__ = [
    "KINDS",
    "DocumentResult",
    "check_version_argument",
    "too_many_values",
    "validate_document",
]

# attribute key -> kind of metadata (and name of its schema)
_KIND_KEYS: Final[dict[str, str]] = {
    "multiscales": "image",
    "image-label": "label",
    "labels": "labels",
    "plate": "plate",
    "well": "well",
    "bioformats2raw.layout": "bf2raw",
    "series": "series",
    "scene": "scene",
}
# 0.6: the rules of each kind, over the whole attributes (image-label: those of a label image)
_V06_CHECKS: Final[dict[str, Callable[[dict[str, Any]], list[v06_rules.RuleFinding]]]] = {
    "image": v06_rules.check_v06_image,
    "label": v06_rules.check_v06_label,
    "plate": v06_rules.check_v06_plate,
    "well": v06_rules.check_v06_well,
    "scene": v06_rules.check_v06_scene,
}
KINDS: Final[tuple[str, ...]] = tuple(_KIND_KEYS.values())


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
    if version is not None:
        check_version(version)


def validate_document(
    attrs: dict[str, Any],
    *,
    version: str | None = None,
    default_version: str | None = None,
    path: str = "<attributes>",
    kind: str | None = None,
) -> DocumentResult:
    """Validate the attributes ``attrs`` of one group.

    ``version`` is a requirement (a different stated version is an error); ``default_version``
    is used when the document states none (e.g. the version of the parent group). ``kind``
    (one of :data:`KINDS`) checks the document as that kind only, and requires it.
    """
    sink = Sink(path)
    stated = [VERSION_ALIASES.get(v, v) for v in stated_versions(attrs)]
    wrapped = isinstance(attrs.get("ome"), dict)
    unknown = [v for v in stated if v not in READ_VERSIONS]
    known = [v for v in stated if v in READ_VERSIONS]
    version_reported = bool(unknown)
    for value in unknown:
        sink.error(
            "NGFF003",
            f"expected a version among {', '.join(READ_VERSIONS)}, found {value!r}",
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
    if effective is None:  # no known version: that of a development spelling ("0.6.dev2")
        near = [nearest_version(v) for v in unknown]
        effective = next((v for v in near if v is not None), "0.5" if wrapped else "0.4")
    content = attrs["ome"] if wrapped and zarr_format_of(effective) == 3 else attrs
    kinds = tuple(
        dict.fromkeys(
            kind for key, kind in _KIND_KEYS.items() if isinstance(content, dict) and key in content
        )
    )
    kinds = tuple(k for k in kinds if (effective, k) in available_schemas())
    if kind is not None:
        if kind not in kinds:
            key = next(k for k, v in _KIND_KEYS.items() if v == kind)
            sink.error("NGFF002", f"expected {kind} metadata (a {key!r} object), found none")
        kinds = tuple(k for k in kinds if k == kind)
    elif not kinds:
        sink.error(
            "NGFF002",
            f"expected OME-NGFF {effective} metadata (one of {', '.join(_KIND_KEYS)}), "
            f"found keys {sorted(content)[:10] if isinstance(content, dict) else content!r}",
        )
        if zarr_format_of(effective) == 3 and wrapped:
            _schema(attrs["ome"], effective, "ome", sink, "ome.", version_reported)
    if kinds and too_many_values([content.get(_KIND_FIELDS[kind]) for kind in kinds]):
        sink.error(
            "NGFF009",
            f"more than {config.metadata_max_values} values of {', '.join(kinds)} metadata: not "
            "checked (config.metadata_max_values)",
        )
        kinds = ()
    for kind in kinds:
        _schema(attrs, effective, kind, sink, "", version_reported)
    checks_sink = Sink(path, prefix="ome." if content is not attrs else "")
    if effective == "0.6":
        _v06_rules(attrs, kinds, Sink(path, findings=checks_sink.findings))
    else:
        for kind in kinds:
            CHECKS[kind](content, effective, checks_sink)
    return DocumentResult(
        version=effective,
        stated_version=known[0] if len(known) == 1 else None,
        content=content if isinstance(content, dict) else {},
        kinds=kinds,
        findings=sink.findings + checks_sink.findings,
    )


# kind of metadata -> the attribute key holding it
_KIND_FIELDS: Final[dict[str, str]] = {kind: key for key, kind in _KIND_KEYS.items()}


def too_many_values(values: list[Any]) -> bool:
    """Whether ``values`` hold more than ``config.metadata_max_values`` values in all.

    Stops counting at the limit, so it costs at most that many steps.
    """
    budget = config.metadata_max_values
    stack = list(values)
    while stack:
        value = stack.pop()
        budget -= 1
        if budget < 0:
            return True
        if isinstance(value, dict):
            stack.extend(value.values())
        elif isinstance(value, list):
            if len(value) > budget:
                return True
            stack.extend(value)
    return False


def _v06_rules(attrs: dict[str, Any], kinds: tuple[str, ...], sink: Sink) -> None:
    """The 0.6 rules of ``kinds`` (:mod:`ngff_zarr.v06.rules`; fields start at ``ome``)."""
    if "label" in kinds:  # a label image's rules include those of its image
        kinds = tuple(k for k in kinds if k != "image")
    for kind in kinds:
        check = _V06_CHECKS.get(kind)
        for finding in check(attrs) if check is not None else []:
            report = sink.error if finding.severity == "error" else sink.warn
            report(finding.code, finding.message, finding.field)


def _schema(
    document: dict[str, Any], version: str, kind: str, sink: Sink, prefix: str, skip_version: bool
) -> None:
    for fld, message in schema_violations(document, version, kind):
        if skip_version and fld.rsplit(".", 1)[-1] == "version":
            continue  # already reported as NGFF003 / NGFF005
        sink.error("NGFF010", f"{kind} schema: {message}", f"{prefix}{fld}" if prefix else fld)
