"""Validation of a whole OME-Zarr hierarchy in a store: groups, arrays, labels, plates, wells.

The hierarchy is walked breadth first and each level is read in one batch (all well groups of
a plate at once, then all their fields and the arrays of those fields), concurrently for remote
stores and straight from the file system for local ones, so a 1536-well plate validates quickly.
"""

from __future__ import annotations

import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from typing import Any, Final, TypeVar

import zarr
from zarr.abc.store import Store

from .._io.documents import read_raw
from .._io.store import StoreLike, as_store, describe, join
from ..tables.spec import check_table_attributes
from ..vocab import READ_VERSIONS, zarr_format_of
from .document import DocumentResult, validate_document
from .levels import check_levels, parse_or_report
from .report import Finding
from .rules import Sink, axis_names, check_well_acquisitions
from .v06_store import check_v06_store

__all__ = ["validate_store"]

_T = TypeVar("_T")
# role of a group -> (code, message) when it is missing; None: optional group
_MISSING: Final[dict[str, tuple[str, str] | None]] = {
    "root": ("NGFF002", "no Zarr group here"),
    "well": ("NGFF503", "the plate lists this well but there is no well group"),
    "field": ("NGFF504", "the well lists this image but there is no image group"),
    "label": ("NGFF402", "'labels' lists this label but there is no label image group"),
    "series": ("NGFF601", "bioformats2raw image series missing"),
    "scene-image": ("NGFF802", "the scene's transformations refer to this group; it is missing"),
    "labels": None,
    "ome": None,
    "tables": None,
    "table": ("NGFF701", "'tables' lists this table but there is no table group"),
    "region": ("NGFF704", "the table's region.path names no group of this store"),
}
# roles of the table groups (ngio / Fractal table spec): not OME-NGFF documents
_TABLE_ROLES: Final[frozenset[str]] = frozenset({"tables", "table", "region"})
# role of a group -> kind of metadata it must hold
_REQUIRED_KIND: Final[dict[str, tuple[str, str]]] = {
    "well": ("well", "NGFF503"),
    "field": ("image", "NGFF504"),
    "label": ("image", "NGFF404"),
    "series": ("image", "NGFF601"),
    "scene-image": ("image", "NGFF802"),
}


@dataclass(frozen=True, slots=True, kw_only=True)
class _Node:
    path: str
    role: str
    parent_version: str | None = None
    acquisitions: tuple[int, ...] | None = None
    image_levels: int | None = None  # labels: the number of levels of their image


class _Reader:
    """Batched reads of metadata documents (the one document reader of ``_io``)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def read(self, keys: list[str]) -> dict[str, bytes | None]:
        return read_raw(self.store, keys)


class _Walker:
    def __init__(self, store: Store, requested: str | None) -> None:
        self.reader = _Reader(store)
        self.requested = requested
        self.findings: list[Finding] = []
        # caches keyed by the raw metadata bytes: findings are stored relative to the group
        self._group_cache: dict[Any, tuple[DocumentResult | None, list[Finding]]] = {}
        self._levels_cache: dict[Any, list[Finding]] = {}
        self.zarr_format = 2
        self.root_version: str | None = None

    # -- keys ----------------------------------------------------------------------------
    def _group_keys(self, path: str) -> list[str]:
        if self.zarr_format == 3:
            return [join(path, "zarr.json")]
        return [join(path, ".zattrs"), join(path, ".zgroup")]

    def _array_key(self, path: str) -> str:
        return join(path, "zarr.json" if self.zarr_format == 3 else ".zarray")

    # -- walk ----------------------------------------------------------------------------
    def run(self, root: str) -> None:
        probe = self.reader.read(
            [join(root, "zarr.json"), join(root, ".zattrs"), join(root, ".zgroup")]
        )
        self.zarr_format = 3 if probe[join(root, "zarr.json")] is not None else 2
        pending = [_Node(path=root, role="root", parent_version=self.requested)]
        raw = probe
        while pending:
            keys = [k for node in pending for k in self._group_keys(node.path)]
            raw = raw if all(k in raw for k in keys) else self.reader.read(keys)
            images: list[tuple[_Node, DocumentResult]] = []
            upcoming: list[_Node] = []
            for node in pending:
                result = self._group(node, raw)
                if result is None:
                    continue
                upcoming.extend(self._children(node, result))
                if result.version == "0.6" and {"image", "scene"} & set(result.kinds):
                    self._check_v06_store(node, result)
                if "image" in result.kinds:
                    images.append((node, result))
            self._check_arrays(images)
            pending, raw = upcoming, {}

    def _group(self, node: _Node, raw: dict[str, bytes | None]) -> DocumentResult | None:
        """Validate one group; identical metadata (plate fields, wells) is validated once."""
        keys = self._group_keys(node.path)
        key = (tuple(raw.get(k) for k in keys), node.role, node.parent_version, node.acquisitions)
        hit = self._group_cache.get(key)
        if hit is None:
            result, produced = self._collect(lambda: self._group_uncached(node, raw))
            hit = (result, [_relative(f, node.path) for f in produced])
            self._group_cache[key] = hit
        self.findings.extend(_absolute(f, node.path) for f in hit[1])
        return hit[0]

    def _collect(self, work: Callable[[], _T]) -> tuple[_T, list[Finding]]:
        """Run ``work`` and return its result with the findings it produced."""
        outer, self.findings = self.findings, []
        try:
            value = work()
        finally:
            produced, self.findings = self.findings, outer
        return value, produced

    def _group_uncached(self, node: _Node, raw: dict[str, bytes | None]) -> DocumentResult | None:
        keys = self._group_keys(node.path)
        sink = Sink(keys[0])
        docs = [parse_or_report(raw.get(k), Sink(k, findings=sink.findings)) for k in keys]
        self.findings.extend(sink.findings)
        if sink.findings:
            return None
        if all(d is None for d in docs):
            missing = _MISSING[node.role]
            if missing is not None:
                self._error(missing[0], keys[0], f"{missing[1]} (found no {' or '.join(keys)})")
            return None
        if self.zarr_format == 3:
            doc = docs[0] or {}
            if doc.get("node_type") != "group":
                self._error(
                    "NGFF002",
                    keys[0],
                    f"expected node_type 'group', found {doc.get('node_type')!r}",
                )
                return None
            attrs = doc.get("attributes", {})
        else:
            if docs[1] is None:
                self._error("NGFF007", keys[1], "a Zarr v2 group needs .zgroup; found only .zattrs")
            attrs = docs[0] or {}
        if not isinstance(attrs, dict):
            self._error("NGFF001", keys[0], f"attributes: expected an object, found {attrs!r}")
            return None
        if node.role in _TABLE_ROLES:
            return self._table_group(node, attrs, keys[0])
        result = validate_document(
            attrs, version=self.requested, default_version=node.parent_version, path=keys[0]
        )
        self.findings.extend(result.findings)
        if node.role == "root":
            self.root_version = result.version
        self._check_format(result, keys[0], node)
        required = _REQUIRED_KIND.get(node.role)
        if required is not None and required[0] not in result.kinds:
            self._error(
                required[1], keys[0], f"expected {required[0]} metadata in this {node.role} group"
            )
        if node.role == "label" and "label" not in result.kinds:
            self._error("NGFF402", keys[0], "expected image-label metadata in this label group")
        levels = _level_count(result.content)
        if (
            node.role == "label"
            and None not in (levels, node.image_levels)
            and (levels != node.image_levels)
        ):
            self._error(
                "NGFF406",
                keys[0],
                f"the label image has {levels} resolution levels, its image {node.image_levels}; "
                "they must have the same number",
                "multiscales[0].datasets",
            )
        if "well" in result.kinds and node.acquisitions is not None:
            check_well_acquisitions(
                result.content, node.acquisitions, Sink(keys[0], findings=self.findings)
            )
        return result

    def _table_group(self, node: _Node, attrs: dict[str, Any], key: str) -> DocumentResult | None:
        """A ``tables`` listing or one table: its metadata checked with the table spec's rules."""
        if node.role == "region":
            return None
        sink = Sink(key, findings=self.findings)
        if node.role == "tables":
            names = attrs.get("tables", [])
            if not isinstance(names, list) or not all(isinstance(n, str) and n for n in names):
                sink.error("NGFF703", f"expected a list of table names, found {names!r}", "tables")
                return None
            return DocumentResult(
                version=None, stated_version=None, content=attrs, kinds=("tables",)
            )
        for issue in check_table_attributes(attrs):
            if issue.error:
                sink.error(issue.code, issue.message, issue.field)
            else:
                sink.warn(issue.code, issue.message, issue.field)
        return DocumentResult(version=None, stated_version=None, content=attrs, kinds=("table",))

    def _check_format(self, result: DocumentResult, key: str, node: _Node) -> None:
        version = result.version or ""
        expected = zarr_format_of(version) if version in READ_VERSIONS else 2
        if version and self.zarr_format != expected and node.role == "root":
            self._error(
                "NGFF006",
                key,
                f"OME-NGFF {version} needs Zarr v{expected}, found Zarr v{self.zarr_format}",
            )
        parent = node.parent_version
        if parent and result.stated_version and result.stated_version != parent:
            self._error(
                "NGFF005", key, f"version {result.stated_version} inside a {parent} hierarchy"
            )

    def _children(self, node: _Node, result: DocumentResult) -> list[_Node]:
        content, version, path = result.content, result.version, node.path
        out: list[_Node] = []
        if "image" in result.kinds and node.role != "label":
            levels = _level_count(content)
            out.append(
                _Node(path=join(path, "labels"), role="labels", parent_version=version,
                      image_levels=levels)
            )  # fmt: skip
        if ("image" in result.kinds and node.role != "label") or "plate" in result.kinds:
            out.append(_Node(path=join(path, "tables"), role="tables"))
        if "tables" in result.kinds:
            out += [
                _Node(path=join(path, n), role="table") for n in _strings(content.get("tables"))
            ]
        if "table" in result.kinds:
            region = content.get("region")
            target = region.get("path") if isinstance(region, dict) else None
            if isinstance(target, str) and target:
                resolved = posixpath.normpath(posixpath.join(_parent(path), target))
                if not resolved.startswith(".."):
                    out.append(_Node(path=resolved.lstrip("./"), role="region"))
        if "labels" in result.kinds:
            out += [
                _Node(path=join(path, name), role="label", parent_version=version,
                      image_levels=node.image_levels)
                for name in _strings(content.get("labels"))
            ]  # fmt: skip
        if "plate" in result.kinds:
            plate = content.get("plate")
            plate = plate if isinstance(plate, dict) else {}
            acquisitions = _dicts(plate.get("acquisitions"))
            ids = tuple(a["id"] for _, a in acquisitions if isinstance(a.get("id"), int))
            wells = dict.fromkeys(_strings([w.get("path") for _, w in _dicts(plate.get("wells"))]))
            out += [
                _Node(path=join(path, w), role="well", parent_version=version, acquisitions=ids)
                for w in wells
            ]
        if "well" in result.kinds:
            well = content.get("well")
            listed = _dicts(well.get("images") if isinstance(well, dict) else None)
            images = dict.fromkeys(_strings([i.get("path") for _, i in listed]))
            out += [_Node(path=join(path, i), role="field", parent_version=version) for i in images]
        if "bf2raw" in result.kinds and "plate" not in result.kinds:
            out.append(_Node(path=join(path, "OME"), role="ome", parent_version=version))
            out.append(_Node(path=join(path, "0"), role="series", parent_version=version))
        if "scene" in result.kinds:
            out += [
                _Node(path=join(path, p), role="scene-image", parent_version=version)
                for p in _scene_images(content.get("scene"))
            ]
        if "series" in result.kinds:
            out += [
                _Node(path=_parent_join(path, s), role="series", parent_version=version)
                for s in _strings(content.get("series"))
                if s != "0"
            ]
        return out

    def _check_v06_store(self, node: _Node, result: DocumentResult) -> None:
        """0.6: stored parameter and field arrays, and a scene's references into its images."""
        key = self._group_keys(node.path)[0]
        seen = {(f.code, f.path, f.field, f.message) for f in self.findings}
        for finding in check_v06_store(result.content, node.path, key, self.reader.read):
            if (finding.code, finding.path, finding.field, finding.message) not in seen:
                self.findings.append(finding)

    # -- arrays --------------------------------------------------------------------------
    def _check_arrays(self, images: list[tuple[_Node, DocumentResult]]) -> None:
        keys = [
            self._array_key(join(node.path, ds["path"]))
            for node, result in images
            for _, ms in _dicts(result.content.get("multiscales"))
            for _, ds in _dicts(ms.get("datasets"))
            if isinstance(ds.get("path"), str)
        ]
        raw = self.reader.read(keys) if keys else {}
        for node, result in images:
            for i, ms in _dicts(result.content.get("multiscales")):
                paths = _strings([ds.get("path") for _, ds in _dicts(ms.get("datasets"))])
                docs = tuple(raw.get(self._array_key(join(node.path, p))) for p in paths)
                key = (id(result), i, node.role, docs)
                hit = self._levels_cache.get(key)
                if hit is None:
                    levels = [
                        (ds, self._array_key(join(node.path, ds["path"])),
                         raw.get(self._array_key(join(node.path, ds["path"]))))
                        for _, ds in _dicts(ms.get("datasets"))
                        if isinstance(ds.get("path"), str)
                    ]  # fmt: skip
                    version = result.version or "0.4"
                    produced: list[Finding] = []
                    check_levels(
                        levels,
                        index=i,
                        names=(
                            _intrinsic_axis_names(ms)
                            if version == "0.6"
                            else axis_names(ms, version)
                        ),
                        version=version,
                        zarr_format=self.zarr_format,
                        is_label="label" in result.kinds or node.role == "label",
                        findings=produced,
                    )
                    hit = [_relative(f, node.path) for f in produced]
                    self._levels_cache[key] = hit
                self.findings.extend(_absolute(f, node.path) for f in hit)

    def _error(self, code: str, key: str, message: str, fld: str | None = None) -> None:
        Sink(key, findings=self.findings).error(code, message, fld)


def _relative(finding: Finding, base: str) -> Finding:
    if base and finding.path.startswith(base + "/"):
        return replace(finding, path=finding.path[len(base) + 1 :])
    return finding


def _absolute(finding: Finding, base: str) -> Finding:
    return replace(finding, path=join(base, finding.path)) if base else finding


def _intrinsic_axis_names(ms: dict[str, Any]) -> list[str] | None:
    """0.6: the axis names of the system the datasets transform into (None when unclear)."""
    outputs = {
        t.get("output", {}).get("name") if isinstance(t.get("output"), dict) else None
        for _, ds in _dicts(ms.get("datasets"))
        for _, t in _dicts(ds.get("coordinateTransformations"))
    }
    if len(outputs) != 1:
        return None
    (name,) = outputs
    for _, system in _dicts(ms.get("coordinateSystems")):
        if system.get("name") == name and name is not None:
            names = [a.get("name") for _, a in _dicts(system.get("axes"))]
            return [str(n) for n in names] if all(isinstance(n, str) for n in names) else None
    return None


def _scene_images(scene: Any) -> list[str]:
    """The group paths a 0.6 scene's transformations refer to, in order of appearance."""
    found: list[str] = []

    def visit(value: Any) -> None:
        if isinstance(value, dict):
            for key in ("input", "output"):
                ref = value.get(key)
                if isinstance(ref, dict) and isinstance(ref.get("path"), str) and ref["path"]:
                    found.append(ref["path"])
            for member in value.values():
                visit(member)
        elif isinstance(value, list):
            for member in value:
                visit(member)

    visit(scene.get("coordinateTransformations") if isinstance(scene, dict) else None)
    return list(dict.fromkeys(found))


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    return (
        [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]
        if isinstance(value, list)
        else []
    )


def _level_count(content: dict[str, Any]) -> int | None:
    """The number of datasets of the first multiscale, None when there is none."""
    multiscales = content.get("multiscales")
    first = multiscales[0] if isinstance(multiscales, list) and multiscales else None
    datasets = first.get("datasets") if isinstance(first, dict) else None
    return len(datasets) if isinstance(datasets, list) else None


def _strings(values: Any) -> list[str]:
    return [v for v in values if isinstance(v, str) and v] if values is not None else []


def _parent(path: str) -> str:
    return path.rsplit("/", 1)[0] if "/" in path else ""


def _parent_join(path: str, name: str) -> str:
    """``name`` next to ``path`` (the OME group lists series relative to the top group)."""
    return join(path.rsplit("/", 1)[0] if "/" in path else "", name)


def validate_store(
    store_like: StoreLike,
    *,
    version: str | None,
    storage_options: Mapping[str, Any] | None,
) -> tuple[str, str | None, list[Finding]]:
    """Validate the hierarchy below ``store_like``: (target description, version, findings)."""
    store = as_store(store_like, read_only=True, storage_options=storage_options)
    root = store_like.path if isinstance(store_like, zarr.Group) else ""
    walker = _Walker(store, version)
    walker.run(root)
    return describe(store, root), walker.root_version, walker.findings
