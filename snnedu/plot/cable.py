"""Figures for the axon in notebook 02: the passive cable's decay and the travelling spike.

Every function takes ``ax=None`` (or ``axes=None``), draws arrays that
:mod:`snnedu.models.cable` computed, and returns what it drew; none of them simulates.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def _axis(ax):
    return plt.gca() if ax is None else ax


def plot_passive_profile(x, profile, length_constant_mm: float, ax=None):
    """Plot a passive cable's steady-state depolarisation against distance [mm].

    The depolarisation is relative to the injection site; drawn with :math:`e^{-x/\\lambda}`
    and a line at one λ. Returns {"profile": Line2D, "exponential": Line2D, "lambda": Line2D}.
    """
    ax = _axis(ax)
    x = np.asarray(x, dtype=float)
    (profile_line,) = ax.plot(x, profile, label="compartments (steady state)")
    (exponential,) = ax.plot(
        x, np.exp(-(x - x[0]) / length_constant_mm), "k:", label="$e^{-x/\\lambda}$"
    )
    lam = ax.axvline(x[0] + length_constant_mm, color="0.6", lw=1, label="one λ")
    ax.set_xlabel("distance along the axon [mm]")
    ax.set_ylabel("depolarisation / at the injection site")
    ax.legend(frameon=False)
    return {"profile": profile_line, "exponential": exponential, "lambda": lam}


def plot_propagation(result, positions_mm, axes=None):
    """Plot the spike of an axon at a few positions (left) and its arrival time along it (right).

    ``result`` is an :class:`~snnedu.models.cable.AxonResult`. Returns
    {"traces": [Line2D], "arrival": Line2D}.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(11, 3.4), layout="constrained")
    traces = []
    for position in positions_mm:
        k = int(np.argmin(np.abs(result.x - position)))
        (line,) = axes[0].plot(result.t, result.v[:, k], label=f"{result.x[k]:.0f} mm")
        traces.append(line)
    axes[0].set_xlabel("time [ms]")
    axes[0].set_ylabel("v [mV]")
    axes[0].legend(frameon=False, title="position")
    (arrival,) = axes[1].plot(result.x, result.arrival, ".", ms=3)
    axes[1].set_xlabel("distance along the axon [mm]")
    axes[1].set_ylabel("arrival of the spike [ms]")
    return {"traces": traces, "arrival": arrival}
