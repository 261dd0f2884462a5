"""Record what ngff-zarr 0.50 writes for the documented examples and what its API is.

Run from outside the checkout with an interpreter that has ngff-zarr 0.50.0 installed (not
this package), e.g. a throwaway venv::

    python3 -m venv /tmp/nz050 && /tmp/nz050/bin/pip install ngff-zarr==0.50.0
    cd /tmp && /tmp/nz050/bin/python /path/to/checkout/test/dropin/record_050.py

It rewrites ``data/ngff_zarr_050_stores.json`` (every metadata document of every store the
examples of ``test/_examples_050.py`` write, and a digest of every array's pixels read by
0.50's ``open_array``) and ``data/ngff_zarr_050_api.json`` (names, signatures, dataclass
fields, methods and enum members of the public API), which ``test_same_as_050.py`` and
``test_api_050.py`` compare with this package.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib
import inspect
import json
import os
import sys
import tempfile
import types
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
# the modules ngff-zarr 0.50's API reference documents, within this package's scope
MODULES = [
    "ngff_zarr.v04.zarr_metadata", "ngff_zarr.v05.zarr_metadata", "ngff_zarr.zarr_metadata",
    "ngff_zarr.hcs", "ngff_zarr.rfc4", "ngff_zarr.config", "ngff_zarr.codecs",
    "ngff_zarr.methods", "ngff_zarr.validate", "ngff_zarr.rfc9_zip",
    "ngff_zarr.structural_validation", "ngff_zarr.memory_usage", "ngff_zarr.task_count",
    "ngff_zarr.upgrade_ome_zarr", "ngff_zarr.to_ngff_zarr", "ngff_zarr.from_ngff_zarr",
    "ngff_zarr.to_multiscales", "ngff_zarr.to_ngff_image", "ngff_zarr.multiscales",
    "ngff_zarr.ngff_image", "ngff_zarr.tiff_to_ngff_image", "ngff_zarr.itk_image_to_ngff_image",
    "ngff_zarr.ngff_image_to_itk_image", "ngff_zarr.compute_omero", "ngff_zarr.cli",
]  # fmt: skip


def record_stores(nz: Any, read: Any) -> dict[str, Any]:
    """Run every example in a fresh folder; ``read(store, path)`` gives an array's values."""
    from _examples_050 import EXAMPLES, array_paths, digest, metadata_documents

    out: dict[str, Any] = {}
    for name, example in EXAMPLES.items():
        with tempfile.TemporaryDirectory() as folder:
            cwd = os.getcwd()
            os.chdir(folder)
            try:
                example(nz)
            finally:
                os.chdir(cwd)
            for store in sorted(Path(folder).iterdir()):
                entry = metadata_documents(store)
                if store.is_dir():
                    entry["pixels"] = {
                        path: digest(read(store, path)) for path in array_paths(entry["documents"])
                    }
                out[f"{name}/{store.name}"] = entry
    return out


def _default(obj: Any, param: inspect.Parameter) -> str:
    if dataclasses.is_dataclass(obj) and inspect.isclass(obj):
        field = {f.name: f for f in dataclasses.fields(obj)}.get(param.name)
        if field is not None and field.default_factory is not dataclasses.MISSING:
            return "<factory>"
    return "<required>" if param.default is inspect.Parameter.empty else repr(param.default)


def parameters(obj: Any) -> list[list[str]] | None:
    try:
        signature = inspect.signature(obj)
    except (TypeError, ValueError):
        return None
    return [[p.name, p.kind.name, _default(obj, p)] for p in signature.parameters.values()
            if p.name not in ("self", "cls")]  # fmt: skip


def describe(obj: Any) -> dict[str, Any]:
    """Kind, and the signature, fields, members or methods of one public object."""
    if isinstance(obj, types.ModuleType):
        return {"kind": "module"}
    if isinstance(obj, types.UnionType | types.GenericAlias) or type(obj).__module__ == "typing":
        return {"kind": "alias"}  # a typing name (Union, Literal, ...): exists, nothing to call
    if inspect.isclass(obj) and issubclass(obj, enum.Enum):
        return {"kind": "enum", "members": {m.name: str(m.value) for m in obj}}
    if inspect.isclass(obj):
        out: dict[str, Any] = {"kind": "class", "parameters": parameters(obj)}
        if dataclasses.is_dataclass(obj):
            out["fields"] = [f.name for f in dataclasses.fields(obj)]
        methods = {}
        for name in vars(obj):
            if not name.startswith("_") and callable(getattr(obj, name, None)):
                methods[name] = parameters(getattr(obj, name))
        out["methods"] = methods
        return out
    if callable(obj):
        return {"kind": "function", "parameters": parameters(obj)}
    return {"kind": "value", "type": type(obj).__name__}


def record_api(nz: Any) -> dict[str, Any]:
    top = {name: describe(getattr(nz, name)) for name in sorted(dir(nz))
           if not name.startswith("_") or name == "__version__"}  # fmt: skip
    modules: dict[str, Any] = {}
    for module_name in MODULES:
        importlib.import_module(module_name)
        module = sys.modules[module_name]
        modules[module_name] = {
            name: describe(value)
            for name, value in sorted(vars(module).items())
            if not name.startswith("_") and getattr(value, "__module__", None) == module_name
        }
    return {"version": nz.__version__, "top": top, "modules": modules}


def main() -> None:
    import ngff_zarr as nz

    if not nz.__version__.startswith("0.50."):
        sys.exit(f"needs ngff-zarr 0.50 (found {nz.__version__} at {nz.__file__})")
    sys.path.insert(0, str(HERE.parent))  # test/: _examples_050

    def read(store: Path, path: str) -> Any:
        return nz.open_array(str(store), path)[...]

    data = HERE / "data"
    data.mkdir(exist_ok=True)
    for filename, record in (("ngff_zarr_050_api.json", record_api(nz)),
                             ("ngff_zarr_050_stores.json", record_stores(nz, read))):  # fmt: skip
        (data / filename).write_text(json.dumps(record, indent=1, sort_keys=False) + "\n")
        print(f"wrote {data / filename}")


if __name__ == "__main__":
    main()
