"""Figures for lecture 1.

Reversal potentials, GHK I–V curves, the pump over time, and the drift–diffusion profiles.

Every function takes ``ax=None`` (or ``axes=None``) and returns what it drew; none simulates.
"""

from __future__ import annotations

from collections.abc import Mapping

import matplotlib.pyplot as plt
import numpy as np

ION_COLOURS = {"na": "#d62728", "k": "#1f77b4", "cl": "#2ca02c", "rest": "k", "total": "k"}
"""One colour per ion, used by every membrane figure (Na⁺ red, K⁺ blue, Cl⁻ green)."""

_LABELS = {
    "e_na": "$E_{Na}$",
    "e_k": "$E_K$",
    "e_cl": "$E_{Cl}$",
    "v_rest": "$V_{rest}$",
    "v_pump": "with pump",
    "v_peak": "$V_{peak}$",
    "na": "Na$^+$",
    "k": "K$^+$",
    "cl": "Cl$^-$",
    "total": "total",
}
_BAR_COLOURS = {
    "e_na": ION_COLOURS["na"],
    "e_k": ION_COLOURS["k"],
    "e_cl": ION_COLOURS["cl"],
    "v_rest": "0.3",
    "v_pump": "0.55",
    "v_peak": "#ff7f0e",
}


def plot_concentrations(concentrations, ax=None):
    """Inside and outside concentrations of Na⁺, K⁺ and Cl⁻ side by side (log scale).

    Parameters
    ----------
    concentrations : IonConcentrations
    ax : matplotlib Axes, optional

    Returns
    -------
    dict ``"inside"``/``"outside"`` → BarContainer (bars in the order Na⁺, K⁺, Cl⁻)
    """
    ax = plt.gca() if ax is None else ax
    c = concentrations
    ions = ("na", "k", "cl")
    positions = np.arange(3)
    colours = [ION_COLOURS[ion] for ion in ions]
    inside = ax.bar(
        positions - 0.2, [c.na_in, c.k_in, c.cl_in], width=0.4, color=colours, label="inside"
    )
    outside = ax.bar(
        positions + 0.2,
        [c.na_out, c.k_out, c.cl_out],
        width=0.4,
        color="white",
        edgecolor=colours,
        hatch="//",
        label="outside",
    )
    for bars in (inside, outside):
        ax.bar_label(bars, fmt="%g", fontsize="small")
    ax.set_yscale("log")
    ax.set_ylim(1.0, 1000.0)
    ax.set_xticks(positions, [_LABELS[ion] for ion in ions])
    ax.set_ylabel("concentration [mM]")
    ax.legend(frameon=False)
    return {"inside": inside, "outside": outside}


def plot_reversal_potentials(potentials: Mapping[str, float], ax=None, ylim=(-120.0, 80.0)):
    """Bars of reversal potentials (and the resting potential) on one voltage axis.

    Parameters
    ----------
    potentials : mapping name → potential [mV]
        E.g. ``{"e_na": 58.1, "e_k": -93.0, "e_cl": -64.1, "v_rest": -69.2}`` (the names of
        :class:`~snnedu.models.membrane.ReversalPotentials` plus ``"v_rest"``).
    ax : matplotlib Axes, optional
    ylim : (float, float)
        Voltage range [mV].

    Returns
    -------
    dict
        ``"bars"`` (BarContainer, one bar per name in order) and ``"labels"`` (list of Text
        showing each value).
    """
    ax = plt.gca() if ax is None else ax
    names = list(potentials)
    values = [float(potentials[name]) for name in names]
    colours = [_BAR_COLOURS.get(name, "0.5") for name in names]
    bars = ax.bar(range(len(names)), values, color=colours, width=0.6)
    labels = [
        ax.text(i, value, f"{value:+.1f} mV", ha="center", va="bottom" if value >= 0 else "top")
        for i, value in enumerate(values)
    ]
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    ax.set_xticks(range(len(names)), [_LABELS.get(name, name) for name in names])
    ax.set_ylim(*ylim)
    ax.set_ylabel("potential $V = φ_{in} − φ_{out}$ [mV]")
    return {"bars": bars, "labels": labels}


def update_reversal_potentials(artists, potentials: Mapping[str, float]) -> None:
    """Set the bars and labels drawn by :func:`plot_reversal_potentials` to new values."""
    for bar, label, value in zip(
        artists["bars"], artists["labels"], potentials.values(), strict=True
    ):
        value = float(value)
        bar.set_height(value)
        label.set_position((label.get_position()[0], value))
        label.set_text(f"{value:+.1f} mV")
        label.set_va("bottom" if value >= 0 else "top")


def plot_ghk_iv(v, currents: Mapping[str, np.ndarray], ax=None, v_rest: float | None = None):
    """Current–voltage curves of the GHK currents of each ion and their sum.

    Parameters
    ----------
    v : array
        Membrane potentials [mV].
    currents : mapping ion → array
        Currents at ``v`` [µA/cm²] (outward positive), e.g. from
        :func:`~snnedu.models.membrane.ghk_currents`; a ``"total"`` curve is added.
    ax : matplotlib Axes, optional
    v_rest : float, optional
        Marks the resting potential (where the total is zero) [mV].

    Returns
    -------
    dict ion → Line2D (and ``"rest"`` → Line2D if ``v_rest`` is given)
    """
    ax = plt.gca() if ax is None else ax
    v = np.asarray(v, dtype=float)
    lines = {}
    total = np.zeros_like(v)
    for ion, current in currents.items():
        current = np.broadcast_to(np.asarray(current, dtype=float), v.shape)
        total = total + current
        (lines[ion],) = ax.plot(v, current, color=ION_COLOURS.get(ion), label=_LABELS.get(ion, ion))
    (lines["total"],) = ax.plot(v, total, color="k", linewidth=2.0, label="total")
    ax.axhline(0.0, color="0.6", linewidth=0.8)
    if v_rest is not None:
        (lines["rest"],) = ax.plot([v_rest], [0.0], "o", color="k", label="$V_{rest}$")
    ax.set_xlabel("membrane potential $V$ [mV]")
    ax.set_ylabel("current density (outward +) [µA/cm²]")
    ax.legend(loc="upper left", frameon=False)
    return lines


def plot_pump_leak(result, axes=None, label: str = "", nernst=None):
    """Internal Na⁺ and K⁺ and the membrane potential over time (minutes).

    Parameters
    ----------
    result : PumpLeakResult
        From :func:`~snnedu.models.membrane.simulate_pump_leak`.
    axes : (Axes, Axes), optional
        Concentrations, potential; a new figure with two panels if omitted.
    label : str
        Appended to the legend entries (to compare several runs on one figure).
    nernst : mapping, optional
        ``{"e_k": array, "e_na": array}`` over the same times [mV], drawn dashed.

    Returns
    -------
    dict name → Line2D (``"na_in"``, ``"k_in"``, ``"v"``, and ``"e_k"``/``"e_na"`` if given)
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
    ax_c, ax_v = axes
    minutes = np.asarray(result.t_s) / 60.0
    suffix = f" {label}" if label else ""
    lines = {
        "na_in": ax_c.plot(
            minutes, result.na_in, color=ION_COLOURS["na"], label=f"[Na$^+$]$_i${suffix}"
        )[0],
        "k_in": ax_c.plot(
            minutes, result.k_in, color=ION_COLOURS["k"], label=f"[K$^+$]$_i${suffix}"
        )[0],
        "v": ax_v.plot(minutes, result.v, color="k", label=f"$V${suffix}")[0],
    }
    for name, values in (nernst or {}).items():
        ion = name.removeprefix("e_")
        lines[name] = ax_v.plot(
            minutes,
            values,
            "--",
            color=ION_COLOURS.get(ion),
            label=f"{_LABELS.get(name, name)}{suffix}",
        )[0]
    ax_c.set_xlabel("time [min]")
    ax_c.set_ylabel("internal concentration [mM]")
    ax_v.set_xlabel("time [min]")
    ax_v.set_ylabel("membrane potential [mV]")
    for ax in axes:
        ax.legend(frameon=False, fontsize="small")
    return lines


def plot_profiles(result, quantity: str = "c", ax=None, frames=None, log: bool | None = None):
    """Profiles across the compartments and the membrane (shaded) at the stored times.

    Parameters
    ----------
    result : DriftDiffusionResult
        From :func:`~snnedu.models.membrane.simulate_drift_diffusion`.
    quantity : {"c", "anion", "charge", "phi"}
        Cation or anion concentration [mM], net charge ``z c − a`` [mM], or potential [mV].
    ax : matplotlib Axes, optional
    frames : sequence of int, optional
        Which stored profiles to draw (default all), earliest lightest.
    log : bool, optional
        Logarithmic y axis (default for concentrations).

    Returns
    -------
    list of Line2D, one per frame
    """
    ax = plt.gca() if ax is None else ax
    values = _profile_values(result, quantity)
    frames = range(len(result.t_frames)) if frames is None else list(frames)
    frames = list(frames)
    cmap = plt.get_cmap("viridis")
    lines = []
    for k, frame in enumerate(frames):
        colour = cmap(0.15 + 0.75 * k / max(1, len(frames) - 1))
        (line,) = ax.plot(
            result.x, values[frame], color=colour, label=f"t = {result.t_frames[frame]:.3g} ns"
        )
        lines.append(line)
    ax.axvspan(*result.membrane, color="0.85", zorder=0)
    if log if log is not None else quantity in ("c", "anion"):
        ax.set_yscale("log")
    ax.set_xlabel("position $x$ (membrane shaded) [nm]")
    ax.set_ylabel(
        {
            "c": "permeant cation $c$ [mM]",
            "anion": "impermeant anion $a$ [mM]",
            "charge": "net charge $zc − a$ [mM]",
            "phi": "potential $φ$ [mV]",
        }[quantity]
    )
    return lines


def _profile_values(result, quantity: str) -> np.ndarray:
    if quantity == "c":
        return result.c
    if quantity == "anion":
        return result.anion
    if quantity == "phi":
        return result.phi
    if quantity == "charge":
        return result.z * result.c - result.anion
    raise ValueError(f"quantity must be 'c', 'anion', 'charge' or 'phi', got {quantity!r}.")


def plot_drift_diffusion_timecourse(
    result, axes=None, e_nernst: float | None = None, nernst_label: str = "Nernst"
):
    """Membrane potential and the diffusive, drift and total fluxes through the membrane.

    Parameters
    ----------
    result : DriftDiffusionResult
    axes : (Axes, Axes), optional
        Potential, fluxes; a new figure with two panels if omitted.
    e_nernst : float, optional
        Nernst potential to mark [mV].
    nernst_label : str
        Its legend entry.

    Returns
    -------
    dict name → Line2D: ``"v"``, ``"j_diffusion"``, ``"j_drift"``, ``"j_total"`` (and
    ``"nernst"`` if given)
    """
    if axes is None:
        _, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
    ax_v, ax_j = axes
    lines = {"v": ax_v.plot(result.t, result.v, color="k", label="$V = φ_{in} − φ_{out}$")[0]}
    if e_nernst is not None:
        lines["nernst"] = ax_v.axhline(
            e_nernst, color=ION_COLOURS["k"], linestyle="--", label=nernst_label
        )
    ax_v.set_xlabel("time [ns]")
    ax_v.set_ylabel("membrane potential [mV]")
    ax_v.legend(frameon=False)
    lines["j_diffusion"] = ax_j.plot(
        result.t, result.j_diffusion, label="diffusion $-D\\,∂c/∂x$", color="#ff7f0e"
    )[0]
    lines["j_drift"] = ax_j.plot(result.t, result.j_drift, label="drift", color="#9467bd")[0]
    lines["j_total"] = ax_j.plot(result.t, result.j_total, label="total", color="k")[0]
    ax_j.axhline(0.0, color="0.6", linewidth=0.8)
    ax_j.set_xlabel("time [ns]")
    ax_j.set_ylabel("flux, inside → outside [mol m$^{-2}$ s$^{-1}$]")
    ax_j.legend(frameon=False)
    return lines
