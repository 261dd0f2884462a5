"""The package's layers: a module imports only its own layer or lower, and no import cycles.

Every import counts, also one inside a function or under ``TYPE_CHECKING``: a lazy import
hides a dependency, it does not remove it. A new module must be given a layer here.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

import ngff_zarr

PACKAGE = Path(ngff_zarr.__file__).parent

# module (or subpackage) -> layer, lowest first; the longest matching prefix wins
LAYERS: dict[str, int] = {
    # 0: errors, the vocabulary, settings
    "ngff_zarr.errors": 0,
    "ngff_zarr.vocab": 0,
    "ngff_zarr.config": 0,
    "ngff_zarr._palette": 0,
    # 1: the spec mirror and the dataclasses
    "ngff_zarr.v04": 1,
    "ngff_zarr.v05": 1,
    "ngff_zarr.v06": 1,
    "ngff_zarr.rfc4": 1,
    "ngff_zarr._versions": 1,
    "ngff_zarr._arrays": 1,
    "ngff_zarr.ngff_image": 1,
    "ngff_zarr.multiscales": 1,
    "ngff_zarr.tables.spec": 1,
    "ngff_zarr.zarr_metadata": 1,
    # 2: methods, file formats, store I/O, array writers
    "ngff_zarr.methods": 2,
    "ngff_zarr.formats": 2,
    "ngff_zarr._io": 2,
    "ngff_zarr._writers": 2,
    "ngff_zarr.codecs": 2,
    "ngff_zarr.rfc9_zip": 2,
    "ngff_zarr.tables": 2,
    # 3: the write engine and validation
    "ngff_zarr._engine": 3,
    "ngff_zarr._validation": 3,
    "ngff_zarr._editing": 3,
    # 4: the pipeline, one public function (family) per module
    "ngff_zarr.to_ngff_image": 4,
    "ngff_zarr.to_multiscales": 4,
    "ngff_zarr.to_ngff_zarr": 4,
    "ngff_zarr.from_ngff_zarr": 4,
    "ngff_zarr.read_image": 4,
    "ngff_zarr.concatenate": 4,
    "ngff_zarr.to_ome_tiff": 4,
    "ngff_zarr.to_xarray": 4,
    "ngff_zarr.from_xarray": 4,
    "ngff_zarr.validate": 4,
    "ngff_zarr.structural_validation": 4,
    "ngff_zarr.memory_usage": 4,
    "ngff_zarr.task_count": 4,
    "ngff_zarr.open_array": 4,
    "ngff_zarr.update_root_attributes": 4,
    "ngff_zarr.upgrade_ome_zarr": 4,
    "ngff_zarr.resample": 4,
    "ngff_zarr.transformation_arrays": 4,
    "ngff_zarr.tiff_to_ngff_image": 4,
    "ngff_zarr.itk_image_to_ngff_image": 4,
    "ngff_zarr.ngff_image_to_itk_image": 4,
    "ngff_zarr.labels": 4,
    "ngff_zarr.rois": 4,
    "ngff_zarr.compute_omero": 4,
    "ngff_zarr.write_region": 4,
    "ngff_zarr.append": 4,
    "ngff_zarr.update_metadata": 4,
    "ngff_zarr.derive": 4,
    "ngff_zarr.region_iterator": 4,
    # 5: plates, batch conversion, the command line, the contract tests, the package itself
    "ngff_zarr.hcs": 5,
    "ngff_zarr.scene": 5,
    "ngff_zarr.convert": 5,
    "ngff_zarr.cli": 5,
    "ngff_zarr.testing": 5,
    "ngff_zarr.napari": 5,
    "ngff_zarr": 6,
}


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        yield ".".join(parts), path


MODULES = dict(_modules())


def _layer(module: str) -> int:
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return LAYERS[best]


def _resolve(module: str, path: Path, node: ast.ImportFrom) -> list[str]:
    """The package modules an ``from ... import ...`` statement imports."""
    if node.level:
        base = module.split(".")
        if path.name != "__init__.py":
            base = base[:-1]
        base = base[: len(base) - (node.level - 1)]
        target = ".".join([*base, node.module] if node.module else base)
    else:
        target = node.module or ""
    if not target.startswith("ngff_zarr"):
        return []
    found = []
    for alias in node.names:
        sub = f"{target}.{alias.name}"
        found.append(sub if sub in MODULES else target)
    return found


def _imports(module: str, path: Path) -> set[str]:
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.ImportFrom):
            out.update(_resolve(module, path, node))
        elif isinstance(node, ast.Import):
            out.update(a.name for a in node.names if a.name.startswith("ngff_zarr"))
    return {m for m in out if m in MODULES and m != module}


GRAPH = {module: _imports(module, path) for module, path in MODULES.items()}


def test_every_module_has_a_layer() -> None:
    unplaced = [m for m in MODULES if m != "ngff_zarr" and _layer(m) == LAYERS["ngff_zarr"]]
    assert not unplaced, f"give these modules a layer in test/test_layers.py: {unplaced}"


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_upward_import(module: str) -> None:
    upward = sorted(m for m in GRAPH[module] if _layer(m) > _layer(module))
    assert not upward, f"{module} (layer {_layer(module)}) imports higher layers: " + ", ".join(
        f"{m} (layer {_layer(m)})" for m in upward
    )


def test_no_import_cycles() -> None:
    # a package's __init__ importing its own submodules is not a cycle with them
    graph = {
        m: {d for d in deps if not (MODULES[m].name == "__init__.py" and d.startswith(m + "."))}
        for m, deps in GRAPH.items()
    }
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if state.get(dep) == 1:
                cycles.append([*stack[stack.index(dep) :], dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for module in sorted(graph):
        if module not in state:
            visit(module)
    assert not cycles, "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_the_check_sees_lazy_and_relative_imports(tmp_path: Path) -> None:
    """The walker must not be blind to the imports that hid cycles before."""
    source = (
        "from __future__ import annotations\n"
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from ..hcs import read\n"
        "def f():\n    from .. import validate\n"
    )
    path = PACKAGE / "_io" / "store.py"
    tree = ast.parse(source)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.update(_resolve("ngff_zarr._io.store", path, node))
    assert found == {"ngff_zarr.hcs.read", "ngff_zarr.validate"}
