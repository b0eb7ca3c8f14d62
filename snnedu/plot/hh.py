"""Figures for the Hodgkin–Huxley lecture.

The action potential with its gates and currents, gate kinetics, the f–I curve and the refractory
curve.

Every function takes ``ax=None`` (or ``axes=None``), draws arrays that the model functions in
:mod:`snnedu.models.hh` computed, and returns what it drew; none of them simulates.
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

GATE_COLOURS = {"m": "tab:red", "h": "tab:orange", "n": "tab:blue"}
CURRENT_COLOURS = {"i_na": "tab:red", "i_k": "tab:blue", "i_l": "tab:gray"}
CURRENT_LABELS = {"i_na": "$I_{Na}$", "i_k": "$I_K$", "i_l": "$I_L$"}


def _axis(ax):
    return plt.gca() if ax is None else ax


def _column(x, neuron: int):
    x = np.asarray(x)
    return x[:, neuron] if x.ndim == 2 else x


def plot_voltage(t, v, ax=None, neuron: int = 0, **style):
    """Membrane potential v(t) [mV].

    ``v`` may be (n_samples,) or (n_samples, n) (one column drawn). Returns the Line2D.
    """
    ax = _axis(ax)
    (line,) = ax.plot(t, _column(v, neuron), **{"color": "k", "lw": 1.2, **style})
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("v [mV]")
    return line


def plot_gates(t, m, h, n, ax=None, neuron: int = 0):
    """Gate variables m, h, n against time. Returns {"m": Line2D, "h": …, "n": …}."""
    ax = _axis(ax)
    lines = {}
    for name, x in (("m", m), ("h", h), ("n", n)):
        (lines[name],) = ax.plot(t, _column(x, neuron), color=GATE_COLOURS[name], label=name)
    ax.set_ylim(-0.02, 1.02)
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("gate [1]")
    ax.legend(loc="upper right", fontsize="small", ncol=3)
    return lines


def plot_currents(t, currents, ax=None, neuron: int = 0):
    """Ionic currents (a :class:`~snnedu.models.hh.Currents`) [µA/cm²], outward positive.

    Returns {"i_na": Line2D, "i_k": …, "i_l": …}.
    """
    ax = _axis(ax)
    lines = {}
    for name in ("i_na", "i_k", "i_l"):
        (lines[name],) = ax.plot(
            t,
            _column(getattr(currents, name), neuron),
            color=CURRENT_COLOURS[name],
            label=CURRENT_LABELS[name],
        )
    ax.axhline(0.0, color="k", lw=0.5)
    ax.set_xlabel("time [ms]")
    ax.set_ylabel("current [µA/cm²]\n(outward > 0)")
    ax.legend(loc="upper right", fontsize="small", ncol=3)
    return lines


def plot_action_potential(result, currents, i_ext=None, axes=None, neuron: int = 0):
    """Three stacked panels: v (with the input current), the gates, the ionic currents.

    Parameters
    ----------
    result : HHResult
        A run that recorded v, m, h and n.
    currents : Currents
        ``snnedu.models.hh.currents(result.v, result.m, result.h, result.n, params=params)``.
    i_ext : array, optional [µA/cm²]
        The input, drawn on a twin axis of the voltage panel.
    axes : three Axes, optional

    Returns
    -------
    dict of artists: "v", "i_ext" (or None), "gates" (dict), "currents" (dict), "axes".
    """
    if axes is None:
        _, axes = plt.subplots(3, 1, sharex=True, figsize=(7, 6.5), layout="constrained")
    ax_v, ax_g, ax_i = axes
    artists = {"v": plot_voltage(result.t, result.v, ax_v, neuron), "i_ext": None}
    if i_ext is not None:
        twin = ax_v.twinx()
        (artists["i_ext"],) = twin.plot(
            result.t, _column(i_ext, neuron)[: result.t.size], color="tab:green", lw=0.8
        )
        twin.set_ylabel("$i_{ext}$ [µA/cm²]", color="tab:green")
        artists["i_ext_axis"] = twin
    artists["gates"] = plot_gates(result.t, result.m, result.h, result.n, ax_g, neuron)
    artists["currents"] = plot_currents(result.t, currents, ax_i, neuron)
    for ax in (ax_v, ax_g):
        ax.set_xlabel("")
    artists["axes"] = list(axes)
    return artists


def plot_gate_kinetics(v, x0, tau, axes=None):
    """Steady states x₀(v) and time constants τ_x(v) of m, h, n (from ``hh.x0`` and ``hh.tau``).

    Returns {"x0": {gate: Line2D}, "tau": {gate: Line2D}, "axes": [ax_x0, ax_tau]}.
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(9, 3.5), layout="constrained")
    ax_x, ax_t = axes
    drawn = {"x0": {}, "tau": {}}
    for name in ("m", "h", "n"):
        colour = GATE_COLOURS[name]
        (drawn["x0"][name],) = ax_x.plot(v, getattr(x0, name), color=colour, label=f"${name}_0$")
        (drawn["tau"][name],) = ax_t.plot(
            v, getattr(tau, name), color=colour, label=rf"$\tau_{name}$"
        )
    ax_x.set_xlabel("v [mV]")
    ax_x.set_ylabel("steady state $x_0(v)$ [1]")
    ax_t.set_xlabel("v [mV]")
    ax_t.set_ylabel(r"time constant $\tau_x(v)$ [ms]")
    ax_t.set_yscale("log")
    for ax in axes:
        ax.legend(fontsize="small")
    drawn["axes"] = list(axes)
    return drawn


def plot_fi_curve(fi, ax=None, label: str | None = None, **style):
    """f–I curve (a :class:`~snnedu.models.hh.FICurve`): sustained rate against current.

    Currents that gave spikes during the transient but no sustained firing (a spike, then
    depolarisation block or rest) are marked with open circles at 0 Hz.
    Returns {"rate": Line2D, "transient_only": Line2D}.
    """
    ax = _axis(ax)
    i_ext, rate, n_spikes = (np.asarray(x) for x in fi)
    only = (rate == 0) & (n_spikes > 0)
    # the line breaks where firing stops after the transient, so a jump is not drawn as a slope
    (rate_line,) = ax.plot(
        i_ext, np.where(only, np.nan, rate), **{"marker": ".", "label": label, **style}
    )
    (transient,) = ax.plot(
        i_ext[only], rate[only], "o", mfc="none", color=rate_line.get_color(),
        label="spikes, then silent" if label is None else None,
    )  # fmt: skip
    ax.set_xlabel("$i_{ext}$ [µA/cm²]")
    ax.set_ylabel("firing rate [Hz]")
    return {"rate": rate_line, "transient_only": transient}


def plot_refractory_curve(curve, periods=None, ax=None, label: str | None = None, **style):
    """Second-pulse threshold against the interval, log scale, with the single-pulse baseline.

    From a :class:`~snnedu.models.hh.RefractoryCurve`.

    Intervals with no second spike up to the search limit (threshold inf) are marked at the top
    of the axis; with ``periods`` (a :class:`~snnedu.models.hh.RefractoryPeriods`) the absolute
    period is shaded. Returns {"threshold", "baseline", "none", "absolute"} artists.
    """
    ax = _axis(ax)
    interval = np.asarray(curve.interval)
    threshold = np.asarray(curve.threshold, dtype=float)
    finite = np.isfinite(threshold)
    (line,) = ax.plot(
        interval[finite], threshold[finite], **{"marker": ".", "label": label, **style}
    )
    top = threshold[finite].max() * 1.6 if finite.any() else 10 * curve.baseline
    (none,) = ax.plot(
        interval[~finite], np.full((~finite).sum(), top), "v", color=line.get_color(),
        label="no second spike" if label is None else None,
    )  # fmt: skip
    baseline = ax.axhline(curve.baseline, color="gray", ls="--", lw=1, label="single pulse")
    shade = None
    if periods is not None and np.isfinite(periods.absolute):
        shade = ax.axvspan(
            0, periods.absolute, color=line.get_color(), alpha=0.12, label="absolute refractory"
        )
    ax.set_yscale("log")
    ax.set_xlabel("interval between pulse onsets [ms]")
    ax.set_ylabel("second-pulse threshold [µA/cm²]")
    return {"threshold": line, "baseline": baseline, "none": none, "absolute": shade}


def plot_phase_plane(v, n, ax=None, neuron: int = 0, **style):
    """A trajectory in the (v, n) plane: the slow recovery variable against the voltage."""
    ax = _axis(ax)
    (line,) = ax.plot(_column(v, neuron), _column(n, neuron), **{"lw": 1.0, **style})
    ax.set_xlabel("v [mV]")
    ax.set_ylabel("n [1]")
    return line
