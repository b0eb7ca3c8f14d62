"""Figures for the time-coded convolutional networks: kernels, spike-time maps, counts.

Every function takes ``ax=None`` (a new figure) and returns what it drew; none simulates.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from snnedu.plot.images import tile_images


def tile_kernels(kernels, n_cols: int = 8, gap: int = 1) -> np.ndarray:
    """Arrange ``(n, h, w)`` kernels into one mosaic array, each scaled to [0, 1].

    Gaps are NaN (:func:`snnedu.plot.images.tile_images` with ``scale_each``).
    """
    kernels = np.asarray(kernels, dtype=float)
    if kernels.ndim != 3 or kernels.shape[0] == 0:
        raise ValueError(f"kernels must be (n, height, width), got shape {kernels.shape}.")
    return tile_images(kernels, columns=n_cols, gap=gap, scale_each=True)


def plot_kernels(kernels, ax=None, n_cols: int = 8, title: str | None = None, cmap: str = "gray"):
    """Show kernels (fixed filters, learned weights or preferred inputs) as a mosaic.

    Each kernel is scaled to its own range (white = largest weight). Returns the ``AxesImage``.
    """
    ax = _axes(ax)
    image = ax.imshow(tile_kernels(kernels, n_cols), cmap=cmap, interpolation="nearest")
    ax.set_xticks([])
    ax.set_yticks([])
    if title:
        ax.set_title(title)
    return image


def earliest_spike(times) -> np.ndarray:
    """Per position, the earliest spike over maps: ``(maps, h, w)`` → ``(h, w)``."""
    times = np.asarray(times)
    return times.min(axis=0) if times.ndim == 3 else times


def plot_spike_times(
    times, n_steps: int, ax=None, title: str | None = None, colorbar: bool = False
):
    """Spike-time map.

    Colour = time bin of the earliest spike at each position (bright = early); silent positions
    are left white. ``times``: ``(h, w)`` or ``(maps, h, w)``.

    Returns the ``AxesImage``.
    """
    ax = _axes(ax)
    data = np.ma.masked_greater_equal(earliest_spike(times).astype(float), n_steps)
    cmap = plt.get_cmap("viridis_r").with_extremes(bad="white")
    image = ax.imshow(data, cmap=cmap, vmin=0, vmax=n_steps - 1, interpolation="nearest")
    ax.set_xlabel("column [px]")
    ax.set_ylabel("row [px]")
    if title:
        ax.set_title(title)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, label="spike time [bin]")
    return image


def plot_spike_count_by_time(
    times, n_steps: int, ax=None, label: str | None = None, log: bool = False
):
    """How many neurons of one layer fire in each time bin, as a line with markers.

    Several layers can share one axes; ``log=True`` for a log count axis when the layers differ
    by orders of magnitude. Returns the ``Line2D``.
    """
    ax = _axes(ax)
    times = np.asarray(times).ravel()
    counts = np.bincount(times[times < n_steps].astype(int), minlength=n_steps)[:n_steps]
    (line,) = ax.plot(np.arange(n_steps), counts, marker="o", markersize=3, label=label)
    ax.set_xlabel("time [bin]")
    ax.set_ylabel("spikes per time bin")
    if log:
        ax.set_yscale("log")
    return line


def plot_parameter_counts(counts: dict, ax=None, reference: dict | None = None):
    """Horizontal bars (log scale) of parameter counts.

    E.g. ``{"this network": 20800, "AlexNet": 60e6}``. Returns the ``BarContainer``.
    """
    ax = _axes(ax)
    items = {**counts, **(reference or {})}
    names, values = list(items), [float(v) for v in items.values()]
    bars = ax.barh(names, values, color=["C0"] * len(counts) + ["C3"] * len(reference or {}))
    ax.set_xscale("log")
    ax.set_xlabel("number of parameters")
    for bar, value in zip(bars, values, strict=True):
        ax.text(value, bar.get_y() + bar.get_height() / 2, f" {value:,.0f}", va="center")
    return bars


def plot_accuracies(results: dict, ax=None, title: str | None = None):
    """Bars of accuracies ``{name: fraction}`` in percent. Returns the ``BarContainer``."""
    ax = _axes(ax)
    names, values = list(results), [100 * float(v) for v in results.values()]
    bars = ax.bar(names, values, color=[f"C{i}" for i in range(len(names))])
    ax.set_ylabel("accuracy [%]")
    ax.set_ylim(0, 100)
    for bar, value in zip(bars, values, strict=True):
        ax.text(bar.get_x() + bar.get_width() / 2, value, f"{value:.1f}", ha="center", va="bottom")
    if title:
        ax.set_title(title)
    ax.tick_params(axis="x", labelrotation=20)
    return bars


def _axes(ax):
    if ax is None:
        _, ax = plt.subplots()
    return ax
