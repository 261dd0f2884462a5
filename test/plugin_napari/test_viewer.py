"""The plugin in a real napari viewer, in a subprocess: open, then save.

napari builds real layers from the reader's tuples, and hands the writer its real layer
attributes (Colormap objects, pint units), which the headless tests cannot produce. The
viewer is napari's ``ViewerModel`` (the viewer without its Qt window) under
``QT_QPA_PLATFORM=offscreen``: the Qt window draws with OpenGL, which offscreen Qt does not
provide here (vispy fails reading the GL extensions), and the layers, the reader and writer
dispatch and the saved store are the same without it.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

import ngff_zarr as nz

pytestmark = pytest.mark.skipif(
    importlib.util.find_spec("napari") is None,
    reason="napari is not installed (pip install -e '.[test,napari]'; not in the test extra)",
)

_SCRIPT = r"""
import json, sys
import npe2
from napari.components import ViewerModel

npe2.PluginManager.instance().discover()  # what napari's window does when it starts
viewer = ViewerModel()
viewer.open(sys.argv[1], plugin="ngff-zarr")
out = []
for layer in viewer.layers:
    entry = {
        "name": layer.name,
        "type": type(layer).__name__,
        "multiscale": bool(layer.multiscale),
        "levels": len(layer.data) if layer.multiscale else 1,
        "scale": [float(v) for v in layer.scale],
        "translate": [float(v) for v in layer.translate],
        "axis_labels": list(layer.axis_labels),
        "units": [str(u) for u in layer.units],
    }
    if type(layer).__name__ == "Image":
        entry["contrast_limits"] = [float(v) for v in layer.contrast_limits]
        entry["color"] = [float(v) for v in layer.colormap.colors[-1]]
        entry["blending"] = str(layer.blending)
    else:
        entry["color_1"] = [float(v) for v in layer.colormap.map(1)]
    out.append(entry)
viewer.layers.save(sys.argv[2], plugin="ngff-zarr")
print("RESULT " + json.dumps(out))
"""


def test_a_viewer_opens_the_layers_and_saves_them(tmp_path: Path) -> None:
    store = tmp_path / "cells.ome.zarr"
    rng = np.random.default_rng(1)
    image = nz.to_ngff_image(
        rng.integers(0, 1000, (2, 256, 256), dtype=np.uint16),
        dims=("c", "y", "x"),
        scale={"y": 0.5, "x": 0.5},
        translation={"y": 3.0},
        axes_units={"y": "micrometer", "x": "micrometer"},
        channel_names=["DAPI", "GFP"],
        name="cells",
    )
    image = replace(image, channel_colors=["0000FF", "00FF00"])
    nz.to_ngff_zarr(store, nz.to_multiscales(image, scale_factors=[2]))
    nz.write_labels(store, "nuclei", np.ones((256, 256), np.uint8), colors={1: (255, 0, 0, 255)})
    saved = tmp_path / "saved.ome.zarr"
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    done = subprocess.run(
        [sys.executable, "-c", _SCRIPT, str(store), str(saved)],
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    layers = json.loads(line.removeprefix("RESULT "))
    assert [(entry["name"], entry["type"]) for entry in layers] == [
        ("cells DAPI", "Image"),
        ("cells GFP", "Image"),
        ("nuclei", "Labels"),
    ]
    omero = nz.from_ngff_zarr(store).metadata.omero
    assert omero is not None
    for entry, channel in zip(layers[:2], omero.channels, strict=True):
        assert entry["multiscale"] and entry["levels"] == 2
        assert entry["scale"] == [0.5, 0.5] and entry["translate"] == [3.0, 0.0]
        assert entry["axis_labels"] == ["y", "x"]
        assert entry["units"] == ["micrometer", "micrometer"]
        assert entry["contrast_limits"] == [channel.window.start, channel.window.end]
        rgb = [int(channel.color[i : i + 2], 16) / 255 for i in (0, 2, 4)]
        assert entry["color"] == pytest.approx([*rgb, 1.0])
        assert entry["blending"] == "additive"
    assert layers[2]["color_1"] == pytest.approx([1.0, 0.0, 0.0, 1.0])
    # what napari saved through the plugin: one 2-channel image and its label image
    again = nz.from_ngff_zarr(saved)
    assert again.images[0].dims == ("c", "y", "x") and again.images[0].name == "cells"
    assert again.images[0].scale == {"c": 1.0, "y": 0.5, "x": 0.5}
    assert again.metadata.omero is not None
    assert [c.label for c in again.metadata.omero.channels] == ["DAPI", "GFP"]
    assert [c.color for c in again.metadata.omero.channels] == ["0000FF", "00FF00"]
    np.testing.assert_array_equal(again.images[0].data.compute(), image.data.compute())
    assert nz.read_labels(saved)["nuclei"].colors[1] == (255, 0, 0, 255)
