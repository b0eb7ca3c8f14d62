"""Figures of the Diehl & Cook MNIST network.

Receptive fields, θ, confusion matrix, learning curve, spikes per image, sweep results. Every
function takes ``ax=None`` and returns what it drew; none simulates anything.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from snnedu.plot.images import as_fields, plot_receptive_fields, tile_images

__all__ = [
    "plot_accuracy_curve",
    "plot_confusion",
    "plot_receptive_fields",
    "plot_spikes_per_image",
    "plot_sweep",
    "plot_theta",
    "receptive_field_grid",
]


def receptive_field_grid(w, columns: int | None = None, gap: int = 1) -> np.ndarray:
    """Arrange the 784 input weights of every excitatory neuron as 28×28 tiles in one image.

    :func:`snnedu.plot.images.tile_images` of ``w``'s columns.

    >>> receptive_field_grid(np.ones((784, 4)), gap=0).shape
    (56, 56)
    """
    w = np.asarray(w, dtype=float)
    if w.ndim != 2 or w.shape[0] != 784:
        raise ValueError(f"w must have shape (784, n), got {w.shape}.")
    return tile_images(as_fields(w), columns, gap)


def plot_theta(theta, ax=None, bins: int = 30, **kwargs):
    """Histogram of the adaptive thresholds θ [mV]. Returns the bar container."""
    ax = plt.gca() if ax is None else ax
    _, _, bars = ax.hist(np.asarray(theta, dtype=float), bins=bins, color="C1", **kwargs)
    ax.set_xlabel("adaptive threshold θ [mV]")
    ax.set_ylabel("neurons")
    return bars


def plot_confusion(
    confusion, ax=None, class_names=None, normalise: bool = True, colorbar: bool = False
):
    """Confusion matrix (rows.

    True class, columns: predicted; ``normalise``: each row as fractions of that class's
    images). ``colorbar=True`` adds the scale. Returns the ``AxesImage``.
    """
    ax = plt.gca() if ax is None else ax
    matrix = np.asarray(confusion, dtype=float)
    if normalise:
        totals = matrix.sum(axis=1, keepdims=True)
        matrix = np.divide(matrix, totals, out=np.zeros_like(matrix), where=totals > 0)
    image = ax.imshow(matrix, cmap="Blues", vmin=0.0)
    k = matrix.shape[0]
    names = class_names or [str(i) for i in range(k)]
    ax.set_xticks(range(k), names, rotation=90 if max(map(len, names)) > 2 else 0)
    ax.set_yticks(range(k), names)
    ax.set_xlabel("predicted class")
    ax.set_ylabel("true class")
    for i in range(k):
        for j in range(k):
            if matrix[i, j] >= 0.05:
                text = f"{matrix[i, j]:.2f}" if normalise else f"{int(matrix[i, j])}"
                dark = matrix[i, j] > 0.6 * matrix.max()
                ax.text(j, i, text, ha="center", va="center", fontsize=7,
                        color="white" if dark else "black")  # fmt: skip
    if colorbar:
        label = "fraction of the true class's images" if normalise else "images"
        ax.figure.colorbar(image, ax=ax, label=label)
    return image


def plot_accuracy_curve(images_seen, accuracy, ax=None, label: str | None = None, **kwargs):
    """Plot the running accuracy [%] against images seen during training; return the line."""
    ax = plt.gca() if ax is None else ax
    (line,) = ax.plot(np.asarray(images_seen), 100 * np.asarray(accuracy, dtype=float),
                      marker="o", label=label, **kwargs)  # fmt: skip
    ax.set_xlabel("training images seen")
    ax.set_ylabel("running accuracy [%]")
    ax.set_ylim(0, 100)
    return line


def plot_spikes_per_image(spikes, ax=None, window: int = 100, **kwargs):
    """Excitatory spikes per image during training, raw and as a moving average.

    Raw counts as grey dots, the average as a line, with a legend. Returns the two lines
    (raw, average).
    """
    ax = plt.gca() if ax is None else ax
    spikes = np.asarray(spikes, dtype=float)
    x = np.arange(1, len(spikes) + 1)
    (raw,) = ax.plot(x, spikes, ".", markersize=1.5, color="0.6", label="one image", **kwargs)
    window = max(1, min(window, len(spikes)))
    mean = np.convolve(spikes, np.ones(window) / window, mode="valid") if len(spikes) else spikes
    (avg,) = ax.plot(x[window - 1 :], mean, color="C0", label=f"mean of {window}")
    ax.set_xlabel("training images seen")
    ax.set_ylabel("excitatory spikes per image")
    ax.legend(loc="upper right", fontsize="small", markerscale=4)
    return raw, avg


def plot_sweep(rows, ax=None, metric: str = "accuracy"):
    """Accuracy [%] against network size, one line per rule (mean ± sd over seeds).

    Returns the error-bar containers by rule.
    """
    ax = plt.gca() if ax is None else ax
    drawn = {}
    for rule in sorted({r["rule"] for r in rows}):
        sizes = sorted({r["n"] for r in rows if r["rule"] == rule})
        values = [[r[metric] for r in rows if r["rule"] == rule and r["n"] == n] for n in sizes]
        mean = [100 * np.mean(v) for v in values]
        sd = [100 * np.std(v) for v in values]
        drawn[rule] = ax.errorbar(sizes, mean, yerr=sd, marker="o", capsize=3, label=rule)
    ax.set_xscale("log")
    ax.set_xlabel("excitatory neurons")
    ax.set_ylabel("test accuracy [%]")
    ax.legend(title="STDP rule")
    return drawn
