"""The 0.6 checks that need more of the store than one group's metadata.

- **Stored arrays**: a transformation with a ``path`` (``displacements``, ``coordinates``, and
  ``affine``/``rotation``/``scale``/``translation`` stored in an array) names an array relative
  to the group holding it. A missing one is NGFF818; a field must be a 0.6 image group with one
  axis of type ``displacement`` (``coordinate`` for ``coordinates``), else NGFF818; its level
  array must have one dimension per axis, one grid axis per input axis and, for a transformation
  whose output system is known, that many vector components (NGFF817).
- **Scene references**: a scene's transformations name systems of its images
  (``{"path": "tile", "name": "physical"}``); each must be a coordinate system of that image
  (NGFF802). That the image group exists and is an image is checked by the walk itself.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from typing import Any, Final

from .._io.store import is_relative_key, join
from ..v06 import rules as v06_rules
from .report import Finding
from .rules import Sink

__all__ = ["check_v06_store"]

Read = Callable[[list[str]], dict[str, bytes | None]]

_FIELD_AXIS: Final[dict[str, str]] = {"displacements": "displacement", "coordinates": "coordinate"}
_STORED: Final[frozenset[str]] = frozenset(
    {"displacements", "coordinates", "affine", "rotation", "scale", "translation"}
)
_NESTED: Final[tuple[str, ...]] = ("transformations", "forward", "inverse", "transformation")


def check_v06_store(content: dict[str, Any], group: str, key: str, read: Read) -> list[Finding]:
    """The store-level findings of one 0.6 group (its ``ome`` object ``content`` at ``group``).

    ``key`` is the group's metadata key (where findings are reported); ``read`` reads a batch of
    store keys (None for a missing one).
    """
    sink = Sink(key)
    stored = list(_stored_arrays(content))
    if stored:
        _check_arrays(stored, content, group, read, sink)
    scene = content.get("scene")
    if isinstance(scene, dict):
        _check_scene(content, scene, group, read, sink)
    return sink.findings


# --- stored arrays ----------------------------------------------------------------------


def _stored_arrays(content: dict[str, Any]) -> Iterator[tuple[dict[str, Any], str, dict[str, Any]]]:
    """(transformation, its dotted field, the top-level transformation holding it)."""
    tops: list[tuple[dict[str, Any], str]] = []
    for i, ms in _dicts(content.get("multiscales")):
        fld = f"ome.multiscales[{i}]"
        tops += [(t, f"{fld}.coordinateTransformations[{k}]")
                 for k, t in _dicts(ms.get("coordinateTransformations"))]  # fmt: skip
        for j, ds in _dicts(ms.get("datasets")):
            tops += [(t, f"{fld}.datasets[{j}].coordinateTransformations[{k}]")
                     for k, t in _dicts(ds.get("coordinateTransformations"))]  # fmt: skip
    scene = content.get("scene")
    if isinstance(scene, dict):
        tops += [(t, f"ome.scene.coordinateTransformations[{k}]")
                 for k, t in _dicts(scene.get("coordinateTransformations"))]  # fmt: skip
    for top, fld in tops:
        for t, at in _members(top, fld):
            if t.get("type") in _STORED and isinstance(t.get("path"), str):
                yield t, at, top


def _members(t: dict[str, Any], fld: str) -> Iterator[tuple[dict[str, Any], str]]:
    yield t, fld
    for key in _NESTED:
        value = t.get(key)
        if isinstance(value, dict):
            yield from _members(value, f"{fld}.{key}")
        for k, member in _dicts(value):
            yield from _members(member, f"{fld}.{key}[{k}]")


def _check_arrays(
    stored: list[tuple[dict[str, Any], str, dict[str, Any]]],
    content: dict[str, Any],
    group: str,
    read: Read,
    sink: Sink,
) -> None:
    targets = {
        t["path"]: join(group, t["path"]) for t, _, _ in stored if is_relative_key(t["path"])
    }
    docs = _documents(read, [join(k, "zarr.json") for k in targets.values()])
    levels: dict[str, str] = {}
    for path, where in targets.items():
        first = _first_level(docs.get(join(where, "zarr.json")))
        if first is not None:
            levels[path] = join(where, first, "zarr.json")
    level_docs = _documents(read, list(levels.values())) if levels else {}
    systems = _system_sizes(content)
    for t, fld, top in stored:
        path = t["path"]
        if path not in targets:
            continue  # not a key below the group: the document rules report it
        doc = docs.get(join(targets[path], "zarr.json"))
        kind = t["type"]
        if doc is None:
            what = "field" if kind in _FIELD_AXIS else "parameter array"
            sink.error(
                "NGFF818",
                f"expected the {what} of the {kind} transformation at {path!r} (relative to "
                "this group), found nothing there",
                f"{fld}.path",
            )
        elif kind in _FIELD_AXIS:
            level_doc = level_docs.get(levels[path]) if path in levels else None
            n_in = systems.get(_name(t.get("input", top.get("input"))))
            n_out = systems.get(_name(t.get("output", top.get("output"))))
            _check_field(doc, level_doc, kind, path, n_in, n_out, sink, f"{fld}.path")
        elif doc.get("node_type") != "array":
            sink.error(
                "NGFF818",
                f"expected an array of the {kind} parameters at {path!r}, found a "
                f"{doc.get('node_type')!r}",
                f"{fld}.path",
            )


def _check_field(
    doc: dict[str, Any],
    level: dict[str, Any] | None,
    kind: str,
    path: str,
    n_in: int | None,
    n_out: int | None,
    sink: Sink,
    fld: str,
) -> None:
    axes = _field_axes(doc)
    wanted = _FIELD_AXIS[kind]
    if axes is None:
        sink.error(
            "NGFF818",
            f"expected a 0.6 image group holding the {kind} field at {path!r}, found no "
            "multiscales with coordinate systems",
            fld,
        )
        return
    vector = [i for i, a in enumerate(axes) if isinstance(a, dict) and a.get("type") == wanted]
    if len(vector) != 1:
        sink.error(
            "NGFF818",
            f"expected one axis of type {wanted!r} in the field at {path!r}, found "
            f"{len(vector)} (axis types {[a.get('type') for a in axes if isinstance(a, dict)]})",
            fld,
        )
        return
    if level is None or level.get("node_type") != "array":
        sink.error("NGFF818", f"expected the field's level array at {path!r}, found none", fld)
        return
    shape = level.get("shape")
    if not isinstance(shape, list):
        return
    expected: list[int | None] = [None] * len(axes)
    if n_out is not None:
        expected[vector[0]] = n_out
    wrong = len(shape) != len(axes) or (n_in is not None and len(axes) != n_in + 1)
    wrong = wrong or any(e is not None and e != s for e, s in zip(expected, shape, strict=False))
    if wrong:
        grid = "N" if n_in is None else str(n_in)
        sink.error(
            "NGFF817",
            f"expected the field at {path!r} with {grid} grid axes and "
            f"{'M' if n_out is None else n_out} vector components (axes "
            f"{[a.get('name') for a in axes if isinstance(a, dict)]}), found shape "
            f"{'x'.join(map(str, shape))}",
            fld,
        )


def _field_axes(doc: dict[str, Any]) -> list[Any] | None:
    """The axes of a field group's intrinsic coordinate system (its first one if unclear)."""
    ome = doc.get("attributes", {}).get("ome") if isinstance(doc.get("attributes"), dict) else None
    ms = ome.get("multiscales") if isinstance(ome, dict) else None
    first = ms[0] if isinstance(ms, list) and ms and isinstance(ms[0], dict) else None
    systems = [s for _, s in _dicts(first.get("coordinateSystems"))] if first else []
    if not systems:
        return None
    output = None
    for _, ds in _dicts(first.get("datasets") if first else None):
        for _, t in _dicts(ds.get("coordinateTransformations")):
            output = _name(t.get("output"))
    chosen = next((s for s in systems if s.get("name") == output), systems[0])
    axes = chosen.get("axes")
    return axes if isinstance(axes, list) else None


def _first_level(doc: dict[str, Any] | None) -> str | None:
    if doc is None:
        return None
    ome = doc.get("attributes", {}).get("ome") if isinstance(doc.get("attributes"), dict) else None
    ms = ome.get("multiscales") if isinstance(ome, dict) else None
    first = ms[0] if isinstance(ms, list) and ms and isinstance(ms[0], dict) else {}
    datasets = _dicts(first.get("datasets"))
    path = datasets[0][1].get("path") if datasets else None
    return path if isinstance(path, str) and is_relative_key(path) else None


def _system_sizes(content: dict[str, Any]) -> dict[str | None, int]:
    """Name -> number of axes of the coordinate systems of this document."""
    out: dict[str | None, int] = {}
    holders = [ms for _, ms in _dicts(content.get("multiscales"))]
    if isinstance(content.get("scene"), dict):
        holders.append(content["scene"])
    for holder in holders:
        for _, system in _dicts(holder.get("coordinateSystems")):
            if isinstance(system.get("axes"), list):
                out[system.get("name")] = len(system["axes"])
    return out


def _name(ref: Any) -> str | None:
    if isinstance(ref, str):
        return ref
    if isinstance(ref, dict) and "path" not in ref and isinstance(ref.get("name"), str):
        return str(ref["name"])
    return None


# --- scenes -----------------------------------------------------------------------------


def _check_scene(
    content: dict[str, Any], scene: dict[str, Any], group: str, read: Read, sink: Sink
) -> None:
    images = sorted(_referenced_groups(scene.get("coordinateTransformations")))
    keys = {p: join(group, p, "zarr.json") for p in images if is_relative_key(p)}
    docs = _documents(read, list(keys.values()))
    group_systems: dict[str, list[Any]] = {}
    for path, key in keys.items():
        ome = _ome(docs.get(key))
        ms = ome.get("multiscales") if ome else None
        if isinstance(ms, list) and ms and isinstance(ms[0], dict):
            group_systems[path] = [s for _, s in _dicts(ms[0].get("coordinateSystems"))]
    for finding in v06_rules.check_v06_scene({"ome": content}, group_systems=group_systems):
        if (finding.field or "").endswith(".path"):
            continue  # a missing or non-image group: reported by the walk
        report = sink.error if finding.severity == "error" else sink.warn
        report(finding.code, finding.message, finding.field)


def _referenced_groups(value: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(value, dict):
        for key in ("input", "output"):
            ref = value.get(key)
            if isinstance(ref, dict) and isinstance(ref.get("path"), str) and "name" in ref:
                found.add(ref["path"])
        for member in value.values():
            found |= _referenced_groups(member)
    elif isinstance(value, list):
        for member in value:
            found |= _referenced_groups(member)
    return found


# --- helpers ----------------------------------------------------------------------------


def _documents(read: Read, keys: list[str]) -> dict[str, dict[str, Any]]:
    """The JSON documents at ``keys`` that exist and parse as objects."""
    out: dict[str, dict[str, Any]] = {}
    for key, raw in read(keys).items():
        if raw is None:
            continue
        try:
            doc = json.loads(raw)
        except ValueError:
            continue  # malformed documents are reported where the walk reads them
        if isinstance(doc, dict):
            out[key] = doc
    return out


def _ome(doc: dict[str, Any] | None) -> dict[str, Any] | None:
    attrs = doc.get("attributes") if doc else None
    ome = attrs.get("ome") if isinstance(attrs, dict) else None
    return ome if isinstance(ome, dict) else None


def _dicts(value: Any) -> list[tuple[int, dict[str, Any]]]:
    if not isinstance(value, list):
        return []
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)]
