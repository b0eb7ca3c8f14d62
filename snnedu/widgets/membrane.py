"""Lecture 1 panels: Nernst and GHK potentials live, the pump over time, drift–diffusion.

In a notebook, leave the panel as the last expression of a cell::

    from snnedu.widgets.membrane import nernst_panel
    nernst_panel()

Each panel's compute half is a plain function, e.g. what :func:`nernst_panel` shows:

>>> from snnedu.models.membrane import LECTURE_CONCENTRATIONS
>>> shown = membrane_potentials(LECTURE_CONCENTRATIONS._replace(k_out=10.0), 0.04, 0.0)
>>> round(shown["e_k"], 1), round(shown["v_rest"], 1)     # raised external K⁺ depolarises
(-68.6, -56.5)
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt

from snnedu.core.api import renamed_arguments
from snnedu.models.membrane import (
    DEFAULT_DRIFT_DIFFUSION,
    DEFAULT_PUMP_LEAK,
    LECTURE_CONCENTRATIONS,
    REST_PERMEABILITIES,
    IonConcentrations,
    Permeabilities,
    ghk_voltage,
    mullins_noda_voltage,
    nernst,
    nernst_potentials,
    simulate_drift_diffusion,
    simulate_pump_leak,
)
from snnedu.plot.membrane import (
    plot_drift_diffusion_timecourse,
    plot_profiles,
    plot_pump_leak,
    plot_reversal_potentials,
    update_reversal_potentials,
)
from snnedu.widgets.panel import Panel, slider


def membrane_potentials(
    concentrations: IonConcentrations, p_na_ratio: float, p_cl_ratio: float
) -> dict:
    """E_Na, E_K, E_Cl, the GHK resting potential and the pump's steady state [mV].

    ``p_na_ratio`` = P_Na/P_K and ``p_cl_ratio`` = P_Cl/P_K. The compute half of
    :func:`nernst_panel`.
    """
    permeabilities = Permeabilities(p_k=1.0, p_na=p_na_ratio, p_cl=p_cl_ratio)
    reversal = nernst_potentials(concentrations)
    return {
        **reversal._asdict(),
        "v_rest": ghk_voltage(concentrations, permeabilities),
        "v_pump": mullins_noda_voltage(concentrations, permeabilities),
    }


def nernst_panel(concentrations: IonConcentrations = LECTURE_CONCENTRATIONS) -> Panel:
    """Concentrations and temperature → E_Na, E_K, E_Cl, GHK V_rest and V with the pump, live.

    Concentration sliders are logarithmic (1–1000 mM); ``p_na`` and ``p_cl`` are permeabilities
    relative to K⁺. The panel's ``potentials`` attribute holds the values shown [mV]
    (:func:`membrane_potentials`).
    """
    c = concentrations
    ratio_na = REST_PERMEABILITIES.p_na / REST_PERMEABILITIES.p_k
    ratio_cl = REST_PERMEABILITIES.p_cl / REST_PERMEABILITIES.p_k
    controls = {
        "na_out": _log_slider(c.na_out, "[Na⁺] out [mM]"),
        "k_out": _log_slider(c.k_out, "[K⁺] out [mM]"),
        "cl_out": _log_slider(c.cl_out, "[Cl⁻] out [mM]"),
        "na_in": _log_slider(c.na_in, "[Na⁺] in [mM]"),
        "k_in": _log_slider(c.k_in, "[K⁺] in [mM]"),
        "cl_in": _log_slider(c.cl_in, "[Cl⁻] in [mM]"),
        "temperature_c": slider(c.temperature_c, 0.0, 45.0, 0.5, "T [°C]", ".1f"),
        "p_na": slider(ratio_na, 0.0, 0.2, 0.005, "P_Na / P_K", ".3f"),
        "p_cl": slider(ratio_cl, 0.0, 1.0, 0.05, "P_Cl / P_K", ".2f"),
    }
    values = membrane_potentials(c, ratio_na, ratio_cl)
    with plt.ioff():
        figure, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    names = ("e_na", "e_k", "e_cl", "v_rest", "v_pump")
    artists = plot_reversal_potentials({name: values[name] for name in names}, ax=ax)
    ax.set_title("equilibrium potentials and the resting potential")

    def update(na_out, k_out, cl_out, na_in, k_in, cl_in, temperature_c, p_na, p_cl):
        conc = IonConcentrations(na_out, na_in, k_out, k_in, cl_out, cl_in, temperature_c)
        new = membrane_potentials(conc, p_na, p_cl)
        update_reversal_potentials(artists, {name: new[name] for name in names})
        potentials.update(new)

    potentials = dict(values)
    panel = Panel(figure, controls, update)
    panel.potentials = potentials
    return panel


def pump_panel(concentrations: IonConcentrations = LECTURE_CONCENTRATIONS) -> Panel:
    """The Na⁺/K⁺ pump over time.

    Scale the pump (0 = blocked) and the Na⁺ leak, watch [Na⁺]_i, [K⁺]_i and V drift from the
    lecture's resting state over tens of minutes.

    ``panel.latest["result"]`` is the :class:`~snnedu.models.membrane.PumpLeakResult` shown.
    """
    controls = {
        "pump_scale": slider(1.0, 0.0, 2.0, 0.1, "pump strength (× normal)", ".1f"),
        "p_na_ratio": slider(0.04, 0.01, 0.1, 0.005, "P_Na / P_K", ".3f"),
        "minutes": slider(30.0, 5.0, 120.0, 5.0, "duration [min]", ".0f"),
    }
    run = _pump_run(concentrations, 1.0, 0.04, 30.0)
    with plt.ioff():
        figure, axes = plt.subplots(1, 2, figsize=(10, 3.5), layout="constrained")
    lines = plot_pump_leak(run, axes=axes)
    _at_least_span(axes[1], 10.0)

    def update(pump_scale, p_na_ratio, minutes):
        new = _pump_run(concentrations, pump_scale, p_na_ratio, minutes)
        t_min = new.t_s / 60.0
        lines["na_in"].set_data(t_min, new.na_in)
        lines["k_in"].set_data(t_min, new.k_in)
        lines["v"].set_data(t_min, new.v)
        for ax in axes:
            ax.relim()
            ax.autoscale_view()
        _at_least_span(axes[1], 10.0)
        latest["result"] = new

    latest = {"result": run}
    panel = Panel(figure, controls, update)
    panel.latest = latest
    return panel


def _at_least_span(ax, span):
    # a steady state would otherwise be autoscaled into a range of microvolts
    low, high = ax.get_ylim()
    if high - low < span:
        middle = 0.5 * (low + high)
        ax.set_ylim(middle - 0.5 * span, middle + 0.5 * span)


def _pump_run(concentrations, pump_scale, p_na_ratio, minutes):
    params = DEFAULT_PUMP_LEAK._replace(
        i_pump_max=DEFAULT_PUMP_LEAK.i_pump_max * pump_scale,
        p_na=DEFAULT_PUMP_LEAK.p_k * p_na_ratio,
    )
    return simulate_pump_leak(
        duration=minutes * 60.0, concentrations=concentrations, params=params, n_samples=200
    )


@renamed_arguments(old_order=("duration", "dx"), t_end="duration")
def drift_diffusion_panel(duration: float = 300.0, dx: float = 0.5) -> Panel:
    """Drift–diffusion across a membrane.

    Choose the concentrations, see the potential build up to the Nernst potential (a run of
    ``duration`` ns on a grid of ``dx`` nm per change).

    ``panel.latest["result"]`` is the :class:`~snnedu.models.membrane.DriftDiffusionResult`
    shown.
    """
    p = DEFAULT_DRIFT_DIFFUSION
    controls = {
        "c_in": _log_slider(p.c_in, "cation in [mM]"),
        "c_out": _log_slider(p.c_out, "cation out [mM]"),
        "temperature_c": slider(p.temperature_c, 0.0, 45.0, 0.5, "T [°C]", ".1f"),
    }
    run = simulate_drift_diffusion(params=p, duration=duration, dx=dx, n_frames=2)
    with plt.ioff():
        figure, axes = plt.subplots(1, 3, figsize=(13, 3.5), layout="constrained")
    lines = plot_drift_diffusion_timecourse(
        run, axes=axes[:2], e_nernst=_nernst_of(run), nernst_label="Nernst, final concentrations"
    )
    (phi_line,) = plot_profiles(run, "phi", ax=axes[2], frames=[-1])

    def update(c_in, c_out, temperature_c):
        params = p._replace(c_in=c_in, c_out=c_out, temperature_c=temperature_c)
        new = simulate_drift_diffusion(params=params, duration=duration, dx=dx, n_frames=2)
        lines["v"].set_ydata(new.v)
        lines["nernst"].set_ydata([_nernst_of(new)] * 2)
        for name in ("j_diffusion", "j_drift", "j_total"):
            lines[name].set_ydata(getattr(new, name))
        phi_line.set_ydata(new.phi[-1])
        for ax in axes:
            ax.relim()
            ax.autoscale_view()
        latest["result"] = new

    latest = {"result": run}
    panel = Panel(figure, controls, update)
    panel.latest = latest
    return panel


def _nernst_of(run) -> float:
    """Nernst potential of the concentrations now at the two ends of the compartments [mV]."""
    return nernst(run.c[-1, -1], run.c[-1, 0], run.z, run.temperature_c)


def _log_slider(value: float, description: str) -> widgets.FloatLogSlider:
    return widgets.FloatLogSlider(
        value=value,
        base=10,
        min=0.0,
        max=3.0,
        step=0.01,
        description=description,
        continuous_update=False,
        readout_format=".3g",
        style={"description_width": "initial"},
        layout=widgets.Layout(width="320px"),
    )


__all__ = ["drift_diffusion_panel", "membrane_potentials", "nernst_panel", "pump_panel"]
