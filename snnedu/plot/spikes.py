"""Spike rasters, population rates and interspike-interval histograms.

Every function takes ``ax=None`` (draws on the current axes then) and returns what it drew;
none simulates anything.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from snnedu.core.spikes import as_raster, population_rate_hz


def raster_points(spikes, dt: float, t0: float = 0.0, offset: int = 0) -> np.ndarray:
    """``(n_spikes, 2)`` array of (time [ms], neuron index) for every spike in a raster.

    The form :meth:`~matplotlib.collections.PathCollection.set_offsets` takes (widgets use it).
    """
    steps, neurons = np.nonzero(as_raster(spikes))
    return np.column_stack([t0 + steps * dt, neurons + offset]).astype(float)


def plot_raster(
    spikes,
    dt: float,
    ax=None,
    t0: float = 0.0,
    color: str = "k",
    markersize: float = 2.0,
    offset: int = 0,
    **kwargs,
):
    """Dot raster: one dot per spike at (time, neuron).

    Parameters
    ----------
    spikes : bool array (n_steps, n)
        Time-first raster.
    dt : float
        Time step [ms].
    ax : matplotlib Axes, optional
    t0 : float
        Time of the first step [ms].
    color, markersize
        Dot colour and size [points].
    offset : int
        Added to the neuron index (to stack several populations in one raster).
    **kwargs
        Passed to ``ax.scatter``.

    Returns
    -------
    matplotlib.collections.PathCollection
    """
    ax = plt.gca() if ax is None else ax
    spikes = as_raster(spikes)
    points = raster_points(spikes, dt, t0, offset)
    ticks = spikes.shape[1] <= 50  # few neurons: vertical ticks; many: dots
    collection = ax.scatter(
        points[:, 0],
        points[:, 1],
        s=(3.0 * markersize) ** 2 if ticks else markersize**2,
        c=color,
        marker="|" if ticks else ".",
        linewidths=1.0,
        **kwargs,
    )
    ax.set_xlim(t0, t0 + spikes.shape[0] * dt)
    low, high = ax.get_ylim() if offset else (np.inf, -np.inf)
    ax.set_ylim(min(low, offset - 0.5), max(high, offset + spikes.shape[1] - 0.5))
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("neuron")
    return collection


def plot_population_rate(
    spikes, dt: float, ax=None, window_ms: float | None = 5.0, t0: float = 0.0, **kwargs
):
    """Population rate [Hz] over time, smoothed with a centred box of ``window_ms`` [ms].

    The rate is the fraction of neurons spiking per step, divided by dt.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    ax = plt.gca() if ax is None else ax
    rate = population_rate_hz(spikes, dt, window_ms)
    (line,) = ax.plot(t0 + np.arange(rate.size) * dt, rate, **kwargs)
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("population rate [Hz]")
    return line


def plot_isi_histogram(
    isi_ms,
    ax=None,
    bins=40,
    rate_hz: float | None = None,
    max_isi_ms: float | None = None,
    **kwargs,
):
    """Histogram of interspike intervals as a probability density [1/ms].

    Optionally with the exponential density ``r e^{-r t}`` of a Poisson process of rate
    ``rate_hz`` on top.

    Parameters
    ----------
    isi_ms : array
        Interspike intervals [ms] (e.g. from :func:`snnedu.core.spikes.interspike_intervals`).
    ax : matplotlib Axes, optional
    bins : int or array
        Histogram bins.
    rate_hz : float, optional
        Rate of the Poisson process to compare with [Hz].
    max_isi_ms : float, optional
        Upper end of the histogram [ms]; default: the 99th percentile of the ISIs.

    Returns
    -------
    (patches, line)
        The histogram's ``BarContainer`` and the theory ``Line2D`` (``None`` without ``rate_hz``).
    """
    ax = plt.gca() if ax is None else ax
    isi = np.asarray(isi_ms, dtype=float).ravel()
    if max_isi_ms is None:
        max_isi_ms = float(np.percentile(isi, 99)) if isi.size else 1.0
    kwargs.setdefault("color", "0.6")
    _, edges, patches = ax.hist(isi, bins=bins, range=(0.0, max_isi_ms), density=True, **kwargs)
    line = None
    if rate_hz is not None and rate_hz > 0:
        t = np.linspace(0.0, edges[-1], 200)
        r = rate_hz / 1000.0
        (line,) = ax.plot(t, r * np.exp(-r * t), "C3", label=f"Poisson, {rate_hz:g} Hz")
        ax.legend(frameon=False)
    ax.set_xlabel("interspike interval [ms]")
    ax.set_ylabel("density [1/ms]")
    return patches, line
