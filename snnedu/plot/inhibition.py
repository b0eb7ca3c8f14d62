"""Lateral inhibition: stimuli next to model responses, response images, winner-take-all.

Every function takes ``ax=None`` (draws on the current axes then) and returns what it drew;
none simulates anything.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

from snnedu.core.api import renamed_arguments

__all__ = [
    "plot_profile",
    "plot_response_image",
    "plot_stimulus_strip",
    "plot_wta_counts",
    "plot_wta_raster",
]


def plot_profile(
    stimulus, responses: Mapping[str, np.ndarray], ax=None, x=None, response_label: str = "response"
):
    """A 1-D luminance profile (grey, left axis) and model responses (right axis).

    Parameters
    ----------
    stimulus : array (n,)
        Luminance in [0, 1].
    responses : mapping name → array (n,)
        Model responses, drawn on a twin axis with its own scale.
    ax : matplotlib Axes, optional
    x : array (n,), optional
        Positions [px]; default ``0 … n−1``.
    response_label : str
        Label of the right axis (with units, e.g. ``"rate [Hz]"``).

    Returns
    -------
    list of Line2D
        The stimulus line first, then one line per response; the twin axis is
        ``lines[1].axes``.
    """
    ax = plt.gca() if ax is None else ax
    stimulus = np.asarray(stimulus, dtype=float)
    x = np.arange(stimulus.size) if x is None else np.asarray(x)
    (stim_line,) = ax.plot(x, stimulus, color="0.6", lw=3, label="stimulus")
    ax.set_xlabel("position [px]")
    ax.set_ylabel("luminance [0 = black, 1 = white]")
    twin = ax.twinx()
    lines = [stim_line]
    for k, (name, values) in enumerate(responses.items()):
        (line,) = twin.plot(x, np.asarray(values, dtype=float), color=f"C{k}", lw=1.5, label=name)
        lines.append(line)
    twin.set_ylabel(response_label)
    if responses:
        twin.legend(loc="upper left", fontsize="small")
    return lines


def plot_stimulus_strip(stimulus, ax=None, height: int = 20):
    """A 1-D luminance profile drawn as a grey-level strip (what the eye is shown).

    Returns
    -------
    matplotlib.image.AxesImage
    """
    ax = plt.gca() if ax is None else ax
    strip = np.tile(np.asarray(stimulus, dtype=float), (height, 1))
    image = ax.imshow(
        strip, cmap="gray", vmin=0.0, vmax=1.0, aspect="auto", interpolation="nearest"
    )
    ax.set_yticks([])
    ax.set_xlabel("position [px]")
    return image


def plot_response_image(
    image,
    ax=None,
    title: str | None = None,
    cmap: str = "gray",
    vmin: float | None = None,
    vmax: float | None = None,
    points=None,
    colorbar_label: str | None = None,
):
    """A stimulus or response map as an image, optionally marking Hermann-grid points.

    Parameters
    ----------
    image : array (rows, cols)
    ax : matplotlib Axes, optional
    title : str, optional
    cmap, vmin, vmax
        Colour map and limits (default: the image's range).
    points : HermannPoints, optional
        Intersections (red ×) and street midpoints (blue +) to mark.
    colorbar_label : str, optional
        Add a colour bar with this label (e.g. ``"rate [Hz]"``).

    Returns
    -------
    matplotlib.image.AxesImage
    """
    ax = plt.gca() if ax is None else ax
    shown = ax.imshow(
        np.asarray(image, dtype=float), cmap=cmap, vmin=vmin, vmax=vmax, interpolation="nearest"
    )
    ax.set_xlabel("x [px]")
    ax.set_ylabel("y [px]")
    if title:
        ax.set_title(title, fontsize="medium")
    if points is not None:
        ax.plot(points.intersections[:, 1], points.intersections[:, 0], "x", color="C3", ms=5)
        ax.plot(points.streets[:, 1], points.streets[:, 0], "+", color="C0", ms=5)
    if colorbar_label:
        ax.figure.colorbar(shown, ax=ax, label=colorbar_label, shrink=0.8)
    return shown


def plot_wta_raster(result, ax=None, markersize: float = 6.0):
    """Spikes of a winner-take-all race (:class:`~snnedu.models.inhibition.WTAResult`).

    Returns
    -------
    matplotlib.collections.PathCollection
    """
    ax = plt.gca() if ax is None else ax
    steps, neurons = result.spike_step, result.spike_index
    dots = ax.scatter(result.t[steps], neurons, marker="|", s=markersize**2, c="k")
    ax.set_xlim(0.0, float(result.t[-1]))
    ax.set_ylim(-0.5, result.counts.size - 0.5)
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("neuron")
    return dots


@renamed_arguments(duration_ms="duration")
def plot_wta_counts(rate_hz, counts, duration: float, ax=None, label: str | None = None):
    """Output rate of each neuron against its input rate (one curve per inhibition level).

    Parameters
    ----------
    rate_hz : array (n,)
        Input rate of each neuron [Hz].
    counts : array (n,)
        Output spike counts.
    duration : float
        Simulated time [ms].

    Returns
    -------
    Line2D
    """
    ax = plt.gca() if ax is None else ax
    (line,) = ax.plot(
        np.asarray(rate_hz) / 1000.0, np.asarray(counts) * 1000.0 / duration, "o-", label=label
    )
    ax.set_xlabel("input rate [kHz]")
    ax.set_ylabel("output rate [Hz]")
    return line
