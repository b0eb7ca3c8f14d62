"""Lecture 2 panels.

A current pulse into a Hodgkin–Huxley neuron (voltage, gates and currents live), and a paired-pulse
explorer of refractoriness.

In a notebook, leave the panel as the last expression of a cell::

    from snnedu.widgets.hh import hh_panel
    hh_panel()

The compute half of each panel is a plain function:

>>> run = pulse_response(amplitude=10.0, width=1.0)       # the lecture's parameters
>>> run["result"].spike_times.size, round(run["peak"], 1)
(1, 20.8)
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from snnedu.models.hh import (
    LECTURE_PARAMS,
    HHParams,
    RefractoryCurve,
    currents,
    paired_pulse_current,
    pulse_train,
    refractory_curve,
    simulate_hh,
    threshold_current,
)
from snnedu.plot.hh import plot_action_potential, plot_refractory_curve, plot_voltage
from snnedu.widgets.panel import Panel, slider

T_ON = 5.0
"""Pulse onset in the panels [ms]."""


def pulse_response(
    amplitude: float,
    width: float,
    params: HHParams = LECTURE_PARAMS,
    duration: float = 100.0,
    dt: float = 0.01,
) -> dict:
    """One neuron from rest, a pulse of ``amplitude`` [µA/cm²] and ``width`` [ms] at 5 ms.

    Returns {"i_ext", "result" (HHResult), "currents" (Currents), "peak" [mV]}; the compute
    half of :func:`hh_panel`.
    """
    i_ext = pulse_train(amplitude, [T_ON], width, duration, dt=dt)
    result = simulate_hh(i_ext, params=params, dt=dt)
    ionic = currents(result.v, result.m, result.h, result.n, params=params)
    return {"i_ext": i_ext, "result": result, "currents": ionic, "peak": float(result.v.max())}


def hh_panel(params: HHParams = LECTURE_PARAMS, duration: float = 100.0) -> Panel:
    """Pulse amplitude and width, and the three maximal conductances → v, gates, currents.

    ``panel.latest`` holds the :func:`pulse_response` shown.
    """
    controls = {
        "amplitude": slider(10.0, 0.0, 40.0, 0.1, "pulse amplitude [µA/cm²]", ".1f"),
        "width": slider(1.0, 0.1, 80.0, 0.1, "pulse width [ms]", ".1f"),
        "g_na": slider(params.g_na, 0.0, 3 * params.g_na, 1.0, "g_Na [mS/cm²]", ".0f"),
        "g_k": slider(params.g_k, 0.0, 3 * params.g_k, 1.0, "g_K [mS/cm²]", ".0f"),
        "g_l": slider(params.g_l, 0.05, 3.0, 0.05, "g_L [mS/cm²]", ".2f"),
    }
    start = pulse_response(10.0, 1.0, params, duration)
    with plt.ioff():
        figure, axes = plt.subplots(3, 1, sharex=True, figsize=(8, 7), layout="constrained")
    artists = plot_action_potential(start["result"], start["currents"], start["i_ext"], axes)
    latest = dict(start)

    def update(amplitude, width, g_na, g_k, g_l):
        new_params = params._replace(g_na=g_na, g_k=g_k, g_l=g_l)
        run = pulse_response(amplitude, width, new_params, duration)
        res = run["result"]
        artists["v"].set_data(res.t, res.v[:, 0])
        artists["i_ext"].set_data(res.t, run["i_ext"])
        for name in "mhn":
            artists["gates"][name].set_data(res.t, getattr(res, name)[:, 0])
        for name, line in artists["currents"].items():
            line.set_data(res.t, getattr(run["currents"], name)[:, 0])
        for ax in (*artists["axes"], artists["i_ext_axis"]):
            if ax is not artists["axes"][1]:
                ax.relim()
                ax.autoscale_view()
        axes[0].set_title(
            f"{res.spike_times.size} spike(s); peak {run['peak']:.1f} mV", fontsize="medium"
        )
        latest.clear()
        latest.update(run)

    panel = Panel(figure, controls, update)
    panel.latest = latest
    return panel


def paired_pulse_response(
    interval: float,
    second_amplitude: float,
    params: HHParams = LECTURE_PARAMS,
    first_amplitude: float | None = None,
    dt: float = 0.01,
) -> dict:
    """Response to two pulses, and whether the second one fires.

    1 ms at 3 × threshold, then 0.5 ms of ``second_amplitude`` [µA/cm²], ``interval`` ms after
    the first. Returns {"i_ext", "result", "second_spike" (bool)}.
    """
    if first_amplitude is None:
        first_amplitude = 3.0 * threshold_current(params=params, width=1.0, dt=dt)
    i_ext = paired_pulse_current(first_amplitude, second_amplitude, interval, dt=dt)[:, 0]
    result = simulate_hh(i_ext, params=params, dt=dt, record=("v",))
    return {"i_ext": i_ext, "result": result, "second_spike": result.spike_times.size >= 2}


def paired_pulse_panel(
    params: HHParams = LECTURE_PARAMS,
    curve: RefractoryCurve | None = None,
    intervals=None,
) -> Panel:
    """Paired-pulse explorer.

    Move the interval and the second pulse's amplitude and see whether a second spike comes; the
    right panel places your choice on the refractory curve.

    ``curve`` (a :class:`~snnedu.models.hh.RefractoryCurve` for ``params``) is computed if not
    given, on ``intervals`` [ms] (default 2–30 ms). ``panel.latest`` holds the
    :func:`paired_pulse_response` shown.
    """
    if curve is None:
        intervals = np.arange(2.0, 31.0, 1.0) if intervals is None else intervals
        curve = refractory_curve(intervals, params=params)
    first = curve.first_amplitude
    start = paired_pulse_response(10.0, 3 * curve.baseline, params, first)
    with plt.ioff():
        figure, (ax_v, ax_c) = plt.subplots(1, 2, figsize=(10, 3.8), layout="constrained")
    res = start["result"]
    line = plot_voltage(res.t, res.v, ax_v)
    ax_v.set_xlim(0, res.t[-1])
    ax_v.set_ylim(-90, 60)
    plot_refractory_curve(curve, ax=ax_c)
    (marker,) = ax_c.plot([10.0], [3 * curve.baseline], "*", ms=14, color="tab:green")
    ax_c.legend(fontsize="small", loc="upper right")
    latest = dict(start)

    def update(interval, second_amplitude):
        run = paired_pulse_response(interval, second_amplitude, params, first)
        new = run["result"]
        line.set_data(new.t, new.v[:, 0])
        ax_v.set_xlim(0, new.t[-1])
        marker.set_data([interval], [second_amplitude])
        marker.set_color("tab:green" if run["second_spike"] else "tab:red")
        ax_v.set_title(
            "second spike" if run["second_spike"] else "no second spike", fontsize="medium"
        )
        latest.clear()
        latest.update(run)

    controls = {
        "interval": slider(10.0, 1.0, 30.0, 0.25, "interval [ms]", ".2f"),
        "second_amplitude": widgets.FloatLogSlider(
            value=3 * curve.baseline, base=10, min=0.0, max=3.0, step=0.01,
            description="2nd pulse [µA/cm²]", continuous_update=False, readout_format=".1f",
            style={"description_width": "initial"}, layout=widgets.Layout(width="320px"),
        ),
    }  # fmt: skip
    panel = Panel(figure, controls, update, columns=2)
    panel.latest = latest
    panel.curve = curve
    return panel
