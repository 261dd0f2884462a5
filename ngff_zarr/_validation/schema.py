"""JSON Schema part of validation: the package's schemas, an offline registry, cached validators.

The schemas live in ``ngff_zarr/schemas/<version>/<kind>.schema.json`` and are read once with
:mod:`importlib.resources`. Their ``$id`` use the reserved ``.invalid`` domain and the registry
has no retrieval function, so a reference can never reach the network.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from importlib import resources
from typing import Any

from ..errors import missing_dependency

__all__ = ["SCHEMA_BASE", "available_schemas", "schema_violations"]

SCHEMA_BASE = "https://ngff-zarr.invalid/schemas/"

# Violation = (dotted field path, message)
Violation = tuple[str, str]


def _schema_files() -> Iterator[tuple[str, str, Any]]:
    """(version, kind, parsed schema) of every schema shipped in the package."""
    root = resources.files("ngff_zarr").joinpath("schemas")
    for version_dir in sorted(root.iterdir(), key=lambda p: p.name):
        if not version_dir.is_dir():
            continue
        for entry in sorted(version_dir.iterdir(), key=lambda p: p.name):
            if entry.name.endswith(".schema.json"):
                kind = entry.name[: -len(".schema.json")]
                yield version_dir.name, kind, json.loads(entry.read_text(encoding="utf-8"))


@functools.cache
def _registry() -> Any:
    try:
        from referencing import Registry, Resource
        from referencing.jsonschema import DRAFT202012
    except ImportError as exc:
        raise missing_dependency("validation", "referencing", "validate") from exc
    resources_ = [
        (schema["$id"], Resource.from_contents(schema, default_specification=DRAFT202012))
        for _, _, schema in _schema_files()
    ]
    return Registry().with_resources(resources_).crawl()


@functools.cache
def available_schemas() -> frozenset[tuple[str, str]]:
    """The (version, kind) pairs that have a schema."""
    return frozenset((version, kind) for version, kind, _ in _schema_files())


@functools.cache
def _validator(version: str, kind: str) -> Any:
    """A compiled Draft 2020-12 validator for one schema (built once per process)."""
    try:
        from jsonschema import Draft202012Validator
    except ImportError as exc:
        raise missing_dependency("validation", "jsonschema", "validate") from exc
    registry = _registry()
    schema = registry.contents(f"{SCHEMA_BASE}{version}/{kind}.schema.json")
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema, registry=registry)


# Documents up to this size (as JSON text) are cached: the cache holds at most 4096 of them.
_CACHED_TEXT_LIMIT = 1 << 16


def schema_violations(document: dict[str, Any], version: str, kind: str) -> list[Violation]:
    """The schema violations of ``document`` against schema ``kind`` of ``version``."""
    key = json.dumps(document, sort_keys=True, default=str)
    if len(key) <= _CACHED_TEXT_LIMIT:
        return list(_cached_violations(key, version, kind))
    return list(_violations(key, version, kind))


@functools.lru_cache(maxsize=4096)
def _cached_violations(key: str, version: str, kind: str) -> tuple[Violation, ...]:
    # Plates repeat the same well and field metadata thousands of times: validate each
    # distinct document once.
    return _violations(key, version, kind)


def _violations(key: str, version: str, kind: str) -> tuple[Violation, ...]:
    validator = _validator(version, kind)
    found = []
    for error in validator.iter_errors(json.loads(key)):
        found.extend(_leaf_violations(error))
    return tuple(dict.fromkeys(found))


def _leaf_violations(error: Any) -> list[Violation]:
    """Violations for one jsonschema error; oneOf/anyOf failures report their best branch."""
    if error.context and error.validator in ("oneOf", "anyOf"):
        from jsonschema.exceptions import best_match

        best = best_match(error.context)
        if best is not None and best.validator not in ("required",):
            return _leaf_violations(best)
    return [(_dotted(error.absolute_path), _message(error))]


def _dotted(path: Any) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "<root>"


def _short(value: Any, limit: int = 80) -> str:
    text = json.dumps(value, default=str)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _msg_required(error: Any) -> str:
    missing = [k for k in error.validator_value if k not in error.instance]
    return f"missing required field(s) {', '.join(repr(k) for k in missing)}"


def _msg_const(error: Any) -> str:
    return f"expected {_short(error.validator_value)}, found {_short(error.instance)}"


def _msg_enum(error: Any) -> str:
    return f"expected one of {_short(error.validator_value)}, found {_short(error.instance)}"


def _msg_type(error: Any) -> str:
    return f"expected a value of type {error.validator_value}, found {_short(error.instance)}"


def _msg_min_items(error: Any) -> str:
    return f"expected at least {error.validator_value} item(s), found {len(error.instance)}"


def _msg_max_items(error: Any) -> str:
    return f"expected at most {error.validator_value} item(s), found {len(error.instance)}"


def _msg_unique(error: Any) -> str:
    return f"expected unique items, found duplicates in {_short(error.instance)}"


def _msg_pattern(error: Any) -> str:
    return f"expected a string matching {error.validator_value}, found {_short(error.instance)}"


def _msg_bound(error: Any) -> str:
    relation = {
        "minimum": ">=",
        "maximum": "<=",
        "exclusiveMinimum": ">",
        "exclusiveMaximum": "<",
    }[error.validator]
    return f"expected a number {relation} {error.validator_value}, found {_short(error.instance)}"


def _msg_contains(error: Any) -> str:
    return f"wrong number of matching items ({error.message})"


def _msg_false(error: Any) -> str:
    return f"unexpected item {_short(error.instance)}"


def _msg_default(error: Any) -> str:
    text: str = error.message
    return text if len(text) <= 160 else text[:157] + "..."


_MESSAGES: dict[str, Callable[[Any], str]] = {
    "required": _msg_required,
    "const": _msg_const,
    "enum": _msg_enum,
    "type": _msg_type,
    "minItems": _msg_min_items,
    "maxItems": _msg_max_items,
    "uniqueItems": _msg_unique,
    "pattern": _msg_pattern,
    "minimum": _msg_bound,
    "maximum": _msg_bound,
    "exclusiveMinimum": _msg_bound,
    "exclusiveMaximum": _msg_bound,
    "minContains": _msg_contains,
    "maxContains": _msg_contains,
    "contains": _msg_contains,
    "false": _msg_false,
}


def _message(error: Any) -> str:
    keyword = "false" if error.validator is None or error.schema is False else error.validator
    return _MESSAGES.get(keyword, _msg_default)(error)
