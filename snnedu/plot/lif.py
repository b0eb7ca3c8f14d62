"""Integrate-and-fire figures: voltage with its (adaptive) threshold, f–I curves, rate spreads.

Every function takes ``ax=None`` and returns what it drew; none simulates.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np


def plot_voltage_threshold(
    t,
    v,
    v_th=None,
    spikes=None,
    ax=None,
    spike_height: float = 20.0,
    color: str = "C0",
    label: str = "v",
):
    """Membrane potential [mV] over time [ms], with the threshold and spikes drawn as lines.

    Parameters
    ----------
    t : array (n_steps,)
        Times [ms].
    v : array (n_steps,)
        Membrane potential of one neuron [mV].
    v_th : array (n_steps,), optional
        Its (adaptive) threshold [mV].
    spikes : bool array (n_steps,), optional
        Spike steps; drawn as vertical strokes of ``spike_height`` mV above the threshold.
    ax : matplotlib Axes, optional
    spike_height : float
        Length of the spike strokes [mV].
    color, label : str
        Colour and legend label of the voltage trace (and of the strokes).

    Returns
    -------
    dict
        ``{"v": Line2D, "v_th": Line2D or None, "spikes": LineCollection or None}``.
    """
    ax = plt.gca() if ax is None else ax
    t = np.asarray(t, dtype=float)
    v = np.asarray(v, dtype=float).ravel()
    (v_line,) = ax.plot(t, v, color=color, lw=1.2, label=label)
    th_line = None
    if v_th is not None:
        (th_line,) = ax.plot(
            t,
            np.asarray(v_th, float).ravel(),
            color="C3",
            lw=1.0,
            ls="--",
            label="threshold $v_{th} + \\theta$",
        )
    strokes = None
    if spikes is not None:
        strokes = ax.vlines(*spike_segments(t, spikes, v_th, spike_height), color=color, lw=1.0)
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("membrane potential [mV]")
    ax.legend(loc="lower right", frameon=False)
    return {"v": v_line, "v_th": th_line, "spikes": strokes}


def spike_segments(t, spikes, v_th=None, spike_height: float = 20.0):
    """(x, y_min, y_max) of the spike strokes of :func:`plot_voltage_threshold` (for updates)."""
    t = np.asarray(t, dtype=float)
    index = np.flatnonzero(np.asarray(spikes).ravel())
    base = np.asarray(v_th, float).ravel()[index] if v_th is not None else np.zeros(index.size)
    return t[index], base, base + spike_height


def plot_fi_curve(i_ext, rate_hz, ax=None, kind: str = "line", label: str | None = None, **kwargs):
    """Firing rate [Hz] against input current [pA].

    ``kind="line"`` for an analytic curve, ``"points"`` for simulated values.

    Returns
    -------
    matplotlib.lines.Line2D
    """
    ax = plt.gca() if ax is None else ax
    if kind not in ("line", "points"):
        raise ValueError(f"kind must be 'line' or 'points', got {kind!r}.")
    style = {"marker": "o", "ls": "none", "ms": 4} if kind == "points" else {"lw": 1.5}
    style.update(kwargs)
    (line,) = ax.plot(np.asarray(i_ext, float), np.asarray(rate_hz, float), label=label, **style)
    ax.set_xlabel("input current $i_{ext}$ [pA]")
    ax.set_ylabel("firing rate [Hz]")
    if label is not None:
        ax.legend(frameon=False)
    return line


def plot_rate_spread(rates_by_label: dict, ax=None):
    """Sorted firing rates of a population, one curve per condition.

    E.g. with and without adaptation: how uniform are the rates?

    Parameters
    ----------
    rates_by_label : dict of label → array (n,)
        Rates [Hz].

    Returns
    -------
    list of Line2D
    """
    ax = plt.gca() if ax is None else ax
    lines = []
    for label, rates in rates_by_label.items():
        rates = np.sort(np.asarray(rates, float))
        (line,) = ax.plot(np.arange(rates.size), rates, marker=".", label=label)
        lines.append(line)
    ax.set_xlabel("neuron (sorted by rate)")
    ax.set_ylabel("firing rate [Hz]")
    ax.legend(frameon=False)
    return lines
