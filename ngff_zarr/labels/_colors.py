"""Default label colours: a distinct, reproducible colour per label value, background clear."""

from __future__ import annotations

import numpy as np

from ..v04.labels import LabelValue, Rgba

__all__ = ["default_colors"]

_GOLDEN = 0.6180339887498949


def default_colors(values: np.ndarray) -> dict[LabelValue, Rgba]:
    """A colour per label value: 0 is transparent, others get hues spread by the golden ratio.

    The colour of a value depends only on the value, so a label keeps its colour whatever
    other labels the image holds.

    >>> default_colors(np.array([0, 1, 2]))
    {0: (0, 0, 0, 0), 1: (87, 129, 231, 255), 2: (165, 233, 70, 255)}
    """
    values = np.asarray(values).ravel()
    hue = (values.astype(np.float64) * _GOLDEN) % 1.0
    # value and saturation vary a little with the value too, so neighbours stay apart
    saturation = 0.55 + 0.2 * ((values.astype(np.float64) * 0.377) % 1.0)
    brightness = 0.9 + 0.05 * ((values.astype(np.float64) * 0.123) % 1.0)
    rgb = _hsv_to_rgb(hue, saturation, brightness)
    out: dict[LabelValue, Rgba] = {}
    for value, (r, g, b) in zip(values.tolist(), rgb.tolist(), strict=True):
        out[value] = (0, 0, 0, 0) if value == 0 else (int(r), int(g), int(b), 255)
    return out


def _hsv_to_rgb(h: np.ndarray, s: np.ndarray, v: np.ndarray) -> np.ndarray:
    i = np.floor(h * 6.0).astype(np.int64) % 6
    f = h * 6.0 - np.floor(h * 6.0)
    p, q, t = v * (1 - s), v * (1 - f * s), v * (1 - (1 - f) * s)
    choices = [(v, t, p), (q, v, p), (p, v, t), (p, q, v), (t, p, v), (v, p, q)]
    out = np.zeros((h.size, 3))
    for k, (r, g, b) in enumerate(choices):
        sel = i == k
        out[sel, 0], out[sel, 1], out[sel, 2] = r[sel], g[sel], b[sel]
    result: np.ndarray = np.rint(out * 255).astype(np.int64)
    return result
