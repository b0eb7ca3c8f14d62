"""Lecture 3 panel: current, τ_m, θ, τ_θ and refractory period → voltage, threshold, rate.

In a notebook, leave the panel as the last expression of a cell::

    from snnedu.widgets.lif import lif_panel
    lif_panel()

The compute half is a plain function:

>>> run = lif_response(i_ext=400.0, tau_m=10.0, theta_plus=2.0, tau_theta=100.0, t_ref=2.0)
>>> run["rate_hz"] > 0
True
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.spikes import firing_rate_hz
from snnedu.models.lif import LIFParams, adaptive_lif_rate_hz, lif_rate_hz, simulate_lif
from snnedu.plot.lif import plot_fi_curve, plot_voltage_threshold, spike_segments
from snnedu.widgets.panel import Panel, slider

CURRENTS = np.linspace(0.0, 1000.0, 101)
"""Currents of the f–I curves in the panel [pA]."""


@renamed_arguments(duration_ms="duration")
def lif_response(
    i_ext: float,
    tau_m: float,
    theta_plus: float,
    tau_theta: float,
    t_ref: float,
    duration: float = 300.0,
    dt: float = 0.1,
    params: LIFParams | None = None,
) -> dict:
    """One neuron from rest under a constant current; the compute half of :func:`lif_panel`.

    Returns {"params", "result" (LIFResult), "rate_hz" (simulated, second half of the run),
    "fi_plain" and "fi_adaptive" (analytic f–I curves over :data:`CURRENTS`)}.
    """
    base = LIFParams() if params is None else params
    p = base._replace(tau_m=tau_m, theta_plus=theta_plus, tau_theta=tau_theta, t_ref=t_ref)
    result = simulate_lif(float(i_ext), params=p, dt=dt, duration=duration, raster=True)
    return {
        "params": p,
        "result": result,
        "rate_hz": float(firing_rate_hz(result.spikes[result.spikes.shape[0] // 2 :], dt)[0]),
        "fi_plain": lif_rate_hz(CURRENTS, params=p),
        "fi_adaptive": adaptive_lif_rate_hz(CURRENTS, params=p),
    }


@renamed_arguments(duration_ms="duration")
def lif_panel(duration: float = 300.0) -> Panel:
    """Sliders for the current and the neuron's time constants → v(t) and the f–I curves.

    v(t) is drawn with the adaptive threshold, the analytic f–I curves with the simulated rate
    marked.

    ``panel.latest`` holds the :func:`lif_response` shown.
    """
    controls = {
        "i_ext": slider(400.0, 0.0, 1000.0, 10.0, "current i_ext [pA]", ".0f"),
        "tau_m": slider(10.0, 1.0, 50.0, 1.0, "τ_m [ms]", ".0f"),
        "theta_plus": slider(2.0, 0.0, 10.0, 0.5, "θ per spike [mV]", ".1f"),
        "tau_theta": slider(100.0, 5.0, 500.0, 5.0, "τ_θ [ms]", ".0f"),
        "t_ref": slider(2.0, 0.0, 20.0, 0.5, "refractory t_ref [ms]", ".1f"),
    }
    start = lif_response(**{k: c.value for k, c in controls.items()}, duration=duration)
    with plt.ioff():
        figure, (ax_v, ax_f) = plt.subplots(
            1, 2, figsize=(10, 3.8), layout="constrained", gridspec_kw={"width_ratios": [1.6, 1]}
        )
    res = start["result"]
    trace = plot_voltage_threshold(res.t, res.v[:, 0], res.v_th[:, 0], res.spikes[:, 0], ax=ax_v)
    ax_v.legend(frameon=False, loc="upper left", ncol=2, fontsize="small")  # clear of the trace
    plain = plot_fi_curve(
        CURRENTS, start["fi_plain"], ax=ax_f, label="no adaptation (θ = 0)", color="0.5"
    )
    adaptive = plot_fi_curve(
        CURRENTS, start["fi_adaptive"], ax=ax_f, label="adaptive threshold", color="C3"
    )
    (marker,) = ax_f.plot([controls["i_ext"].value], [start["rate_hz"]], "ko", ms=7)
    ax_v.set_ylim(-75.0, 0.0)
    latest = dict(start)

    def update(i_ext, tau_m, theta_plus, tau_theta, t_ref):
        run = lif_response(i_ext, tau_m, theta_plus, tau_theta, t_ref, duration)
        r = run["result"]
        trace["v"].set_data(r.t, r.v[:, 0])
        trace["v_th"].set_data(r.t, r.v_th[:, 0])
        x, y0, y1 = spike_segments(r.t, r.spikes[:, 0], r.v_th[:, 0])
        trace["spikes"].set_segments(
            [[(xi, a), (xi, b)] for xi, a, b in zip(x, y0, y1, strict=True)]
        )
        ax_v.set_ylim(-75.0, max(0.0, float(r.v_th.max()) + 25.0))
        plain.set_ydata(run["fi_plain"])
        adaptive.set_ydata(run["fi_adaptive"])
        marker.set_data([i_ext], [run["rate_hz"]])
        ax_f.set_ylim(0.0, 1.05 * max(float(run["fi_plain"].max()), run["rate_hz"], 1.0))
        ax_v.set_title(f"rate {run['rate_hz']:.1f} Hz (last {duration / 2:g} ms)")
        latest.clear()
        latest.update(run)

    panel = Panel(figure, controls, update)
    panel.latest = latest
    return panel
