"""Lecture 5 panels.

Inhibition strength and range → response profile next to the stimulus; centre–surround size →
Hermann grid response; soft → hard winner-take-all.

In a notebook, leave the panel as the last expression of a cell::

    from snnedu.widgets.inhibition import inhibition_profile_panel
    inhibition_profile_panel()

The compute half of each panel is a plain function:

>>> stimulus, response = profile_response("mach ramp", "Hartline–Ratliff", 0.5, 3.0)
>>> int(np.argmax(response)), int(np.argmin(response))
(120, 80)
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.models.inhibition import (
    WTAParams,
    dog_response,
    hartline_ratliff,
    hr_kernel,
    simulate_wta,
)
from snnedu.models.stimuli import hermann_grid, hermann_points, mach_ramp, staircase
from snnedu.plot.inhibition import plot_profile, plot_response_image, plot_stimulus_strip
from snnedu.widgets.panel import Panel, slider

__all__ = [
    "MODELS",
    "STIMULI",
    "hermann_panel",
    "hermann_response",
    "inhibition_profile_panel",
    "profile_response",
    "wta_counts",
    "wta_panel",
]

STIMULI = {"mach ramp": mach_ramp, "staircase": staircase}
"""The 1-D stimuli of the profile panel (default arguments)."""

MODELS = ("Hartline–Ratliff", "difference of Gaussians")
"""The models of the profile panel."""

EXCITATION_HZ = 10.0
"""Rate of a white receptor without inhibition in the Hartline–Ratliff panels [Hz]."""


def profile_response(stimulus: str, model: str, strength: float, range_px: float):
    """Stimulus and model response for the profile panel.

    ``model`` is ``"Hartline–Ratliff"`` (``strength`` = ΣK, ``range_px`` = length of the
    exponential kernel; excitation ``10 Hz · L``) or ``"difference of Gaussians"`` (σ_c = 1 px,
    ``range_px`` = σ_s, ``strength`` = surround weight a_s).
    """
    if stimulus not in STIMULI:
        raise ValueError(f"stimulus must be one of {', '.join(STIMULI)}, got {stimulus!r}.")
    luminance = STIMULI[stimulus]()
    if model == MODELS[0]:
        kernel = hr_kernel(strength=strength, length=range_px)
        return luminance, hartline_ratliff(EXCITATION_HZ * luminance, kernel)
    if model == MODELS[1]:
        return luminance, dog_response(
            luminance, sigma_c=1.0, sigma_s=max(range_px, 1.1), a_s=strength
        )
    raise ValueError(f"model must be one of {', '.join(MODELS)}, got {model!r}.")


def inhibition_profile_panel() -> Panel:
    """Inhibition strength and range → the response profile next to the stimulus, live.

    Attributes ``panel.response_line`` and ``panel.stimulus_line`` are the drawn lines.
    """
    controls = {
        "stimulus": widgets.Dropdown(
            options=list(STIMULI), value="mach ramp", description="stimulus"
        ),
        "model": widgets.Dropdown(options=list(MODELS), value=MODELS[0], description="model"),
        "strength": slider(0.5, 0.0, 2.0, 0.05, "strength (ΣK or a_s)"),
        "range_px": slider(3.0, 1.5, 15.0, 0.5, "range [px]", ".1f"),
    }
    luminance, response = profile_response("mach ramp", MODELS[0], 0.5, 3.0)
    with plt.ioff():
        figure, (top, bottom) = plt.subplots(
            2, 1, figsize=(8, 5), height_ratios=(1, 3), sharex=True, layout="constrained"
        )
    strip = plot_stimulus_strip(luminance, ax=top)
    top.set_xlabel("")
    top.set_title("stimulus as seen", fontsize="medium")
    lines = plot_profile(
        luminance, {"response": response}, ax=bottom, response_label="response [Hz or a.u.]"
    )
    stimulus_line, response_line = lines
    twin = response_line.axes

    def update(stimulus, model, strength, range_px):
        lum, resp = profile_response(stimulus, model, strength, range_px)
        x = np.arange(lum.size)
        strip.set_data(np.tile(lum, (20, 1)))
        strip.set_extent((-0.5, lum.size - 0.5, 19.5, -0.5))
        stimulus_line.set_data(x, lum)
        response_line.set_data(x, resp)
        bottom.set_xlim(0, lum.size - 1)
        twin.relim()
        twin.autoscale_view()
        twin.set_ylabel("rate [Hz]" if model == MODELS[0] else "DoG response [a.u.]")

    panel = Panel(figure, controls, update, columns=2)
    panel.response_line = response_line
    panel.stimulus_line = stimulus_line
    return panel


def hermann_response(
    sigma_c: float,
    sigma_s: float,
    waviness: float = 0.0,
    n: int = 6,
    block: int = 16,
    street: int = 5,
):
    """Grid, balanced DoG response and the mean response at intersections and streets.

    Returns ``(grid, response, mean_intersection, mean_street)``.
    """
    grid = hermann_grid(n=n, block=block, street=street, waviness=waviness)
    response = dog_response(grid, sigma_c=sigma_c, sigma_s=sigma_s)
    points = hermann_points(n, block, street)
    return (
        grid,
        response,
        float(response[tuple(points.intersections.T)].mean()),
        float(response[tuple(points.streets.T)].mean()),
    )


def hermann_panel() -> Panel:
    """Centre and surround size (and a wavy bend) → DoG response to a Hermann grid.

    ``panel.response_image`` is the response image.
    """
    controls = {
        "sigma_c": slider(1.5, 0.5, 5.0, 0.25, "σ_c [px]"),
        "sigma_s": slider(4.5, 1.0, 15.0, 0.25, "σ_s [px]"),
        "waviness": slider(0.0, 0.0, 4.0, 0.5, "waviness [px]", ".1f"),
    }
    grid, response, _, _ = hermann_response(1.5, 4.5)
    points = hermann_points(6, 16, 5)
    with plt.ioff():
        figure, (left, right) = plt.subplots(1, 2, figsize=(9, 4.3), layout="constrained")
    grid_image = plot_response_image(grid, ax=left, title="stimulus")
    response_image = plot_response_image(
        response, ax=right, points=points, colorbar_label="DoG response [a.u.]"
    )

    def update(sigma_c, sigma_s, waviness):
        if sigma_s <= sigma_c:
            raise ValueError(f"σ_s ({sigma_s}) must be larger than σ_c ({sigma_c}).")
        grid, response, cross, street = hermann_response(sigma_c, sigma_s, waviness)
        grid_image.set_data(grid)
        response_image.set_data(response)
        response_image.set_clim(response.min(), response.max())
        verdict = "darker" if cross < street else "not darker"
        right.set_title(
            f"intersections {cross:.3f} vs streets {street:.3f}: {verdict}", fontsize="medium"
        )

    panel = Panel(figure, controls, update)
    panel.response_image = response_image
    return panel


@renamed_arguments(duration_ms="duration")
def wta_counts(
    inhibition: float, t_inh: float, n: int = 10, duration: float = 500.0, seed: int = 0
):
    """Input rates and spike counts of ``n`` racing neurons (input 1.5–3 kHz, fixed seed)."""
    rates = np.linspace(1500.0, 3000.0, n)
    result = simulate_wta(
        rates,
        rng=np.random.default_rng(seed),
        params=WTAParams(inhibition=inhibition, t_inh=t_inh),
        duration=duration,
    )
    return rates, result


def wta_panel() -> Panel:
    """Inhibition (soft → hard) and its duration → spike counts of ten racing neurons.

    ``panel.bars`` are the bars (one per neuron).
    """
    controls = {
        "inhibition": slider(1.0, 0.0, 1.0, 0.05, "inhibition h"),
        "t_inh": slider(20.0, 0.0, 200.0, 5.0, "t_inh [ms]", ".0f"),
    }
    rates, result = wta_counts(1.0, 20.0)
    with plt.ioff():
        figure, ax = plt.subplots(figsize=(7, 3.5), layout="constrained")
    bars = ax.bar(np.arange(rates.size), result.counts, color="C0")
    ax.set_xticks(np.arange(rates.size), [f"{r / 1000:.2g}" for r in rates])
    ax.set_xlabel("input rate of the neuron [kHz]")
    ax.set_ylabel("spikes in 500 ms")

    def update(inhibition, t_inh):
        _, res = wta_counts(inhibition, t_inh)
        for bar, count in zip(bars, res.counts, strict=True):
            bar.set_height(count)
        ax.set_ylim(0, max(1, res.counts.max()) * 1.1)
        ax.set_title(
            f"{np.count_nonzero(res.counts)} of {rates.size} neurons fire, "
            f"{res.counts.sum()} spikes",
            fontsize="medium",
        )

    panel = Panel(figure, controls, update)
    panel.bars = list(bars)
    return panel
