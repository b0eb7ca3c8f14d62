"""STDP windows, receptive fields and prototype matching.

Every function takes ``ax=None`` (or ``axes=None``) and returns what it drew; none simulates
anything.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as plt
import numpy as np

from snnedu.plot.images import plot_field_panels

__all__ = ["plot_field_panels", "plot_receptive_fields", "plot_similarity", "plot_stdp_window"]


def plot_stdp_window(delta_t, dw, ax=None, measured=None, label: str = "analytic"):
    """The STDP window Δw against Δt = t_post − t_pre.

    Parameters
    ----------
    delta_t, dw : array (n,)
        Analytic curve (:func:`snnedu.models.stdp.stdp_window`).
    ax : matplotlib Axes, optional
    measured : StdpWindow, optional
        Values measured from simulated spike pairs, drawn as dots.
    label : str
        Legend label of the curve.

    Returns
    -------
    list of Line2D
        The curve, then the measured dots if given.
    """
    ax = plt.gca() if ax is None else ax
    (line,) = ax.plot(delta_t, dw, color="C0", lw=2, label=label)
    lines = [line]
    if measured is not None:
        (dots,) = ax.plot(
            measured.delta_t, measured.dw, "o", color="C1", ms=4, label="measured (spike pairs)"
        )
        lines.append(dots)
    ax.axhline(0.0, color="0.7", lw=0.8)
    ax.axvline(0.0, color="0.7", lw=0.8)
    ax.set_xlabel("Δt = t_post − t_pre [ms]")
    ax.set_ylabel("weight change Δw [1]")
    ax.legend(fontsize="small")
    return lines


def plot_receptive_fields(fields, axes=None, titles=None, cmap: str = "hot", vmax=None):
    """Deprecated name of :func:`snnedu.plot.images.plot_field_panels` (separate panels).

    :func:`snnedu.plot.images.plot_receptive_fields` draws a layer's fields as one grid.
    """
    warnings.warn(
        "snnedu.plot.stdp.plot_receptive_fields is now snnedu.plot.images.plot_field_panels "
        "(the same panels); the old name is deprecated.",
        DeprecationWarning,
        stacklevel=2,
    )
    return plot_field_panels(fields, axes=axes, titles=titles, cmap=cmap, vmax=vmax)


def plot_similarity(similarity, ax=None):
    """Cosine similarity of each receptive field (rows) with each prototype (columns).

    Returns
    -------
    matplotlib.image.AxesImage
    """
    ax = plt.gca() if ax is None else ax
    similarity = np.asarray(similarity, dtype=float)
    image = ax.imshow(similarity, cmap="viridis", vmin=0.0, vmax=1.0)
    ax.set_xlabel("prototype")
    ax.set_ylabel("neuron")
    ax.set_xticks(range(similarity.shape[1]))
    ax.set_yticks(range(similarity.shape[0]))
    ax.figure.colorbar(image, ax=ax, label="cosine similarity", shrink=0.8)
    return image
