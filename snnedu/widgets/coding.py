"""Lecture 4 panels.

Poisson trains (rate, duration → raster and ISI histogram) and the rate and latency codes of a
digit.

In a notebook, leave a panel as the last expression of a cell::

    from snnedu.widgets.coding import poisson_panel, image_code_panel
    poisson_panel()

The compute halves are plain functions:

>>> run = poisson_response(rate_hz=20.0, duration=1000.0, seed=0)
>>> run["spikes"].shape
(2000, 20)
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.spikes import coefficient_of_variation, interspike_intervals
from snnedu.models.encoders import encode_latency, encode_poisson, poisson_spikes
from snnedu.plot.spikes import plot_isi_histogram, plot_raster, raster_points
from snnedu.widgets.panel import Panel, slider

DT = 0.5
"""Time step of the panels [ms]."""


@renamed_arguments(duration_ms="duration")
def poisson_response(rate_hz: float, duration: float, n: int = 20, seed: int = 0) -> dict:
    """``n`` homogeneous Poisson trains; the compute half of :func:`poisson_panel`.

    Returns {"spikes", "isi_ms", "cv" (NaN with fewer than two intervals)}.
    """
    rng = np.random.default_rng(seed)
    spikes = poisson_spikes(np.full(n, float(rate_hz)), duration=duration, dt=DT, rng=rng)
    isi = interspike_intervals(spikes, DT)
    cv = coefficient_of_variation(isi) if isi.size >= 2 else float("nan")
    return {"spikes": spikes, "isi_ms": isi, "cv": cv}


def poisson_panel(n: int = 20) -> Panel:
    """Rate and duration sliders → raster of ``n`` Poisson trains and their ISI histogram.

    The exponential density is drawn on top. ``panel.latest`` holds the
    :func:`poisson_response`.
    """
    controls = {
        "rate_hz": slider(20.0, 1.0, 100.0, 1.0, "rate [Hz]", ".0f"),
        "duration": slider(1000.0, 100.0, 5000.0, 100.0, "duration [ms]", ".0f"),
        "seed": widgets.IntSlider(
            value=0, min=0, max=20, description="seed", continuous_update=False
        ),
    }
    start = poisson_response(20.0, 1000.0, n, 0)
    with plt.ioff():
        figure, (ax_r, ax_h) = plt.subplots(1, 2, figsize=(10, 3.6), layout="constrained")
    raster = plot_raster(start["spikes"], DT, ax=ax_r)
    latest = dict(start)

    def update(rate_hz, duration, seed):
        run = poisson_response(rate_hz, duration, n, seed)
        raster.set_offsets(raster_points(run["spikes"], DT))
        ax_r.set_xlim(0.0, duration)
        ax_h.clear()
        plot_isi_histogram(run["isi_ms"], ax=ax_h, rate_hz=rate_hz, max_isi_ms=5000.0 / rate_hz)
        ax_h.set_title(f"CV = {run['cv']:.2f} ({run['isi_ms'].size} intervals)")
        latest.clear()
        latest.update(run)

    panel = Panel(figure, controls, update)
    panel.latest = latest
    return panel


@renamed_arguments(duration_ms="duration")
def image_codes(
    image,
    max_rate_hz: float,
    duration: float,
    t_max_ms: float,
    brighter_first: bool,
    seed: int = 0,
) -> dict:
    """Rate code (Poisson raster, counts per pixel) and latency code (spike times) of an image.

    The compute half of :func:`image_code_panel`.
    """
    rng = np.random.default_rng(seed)
    spikes = encode_poisson(image, duration=duration, dt=DT, rng=rng, max_rate_hz=max_rate_hz)
    times = encode_latency(image, t_max_ms=t_max_ms, dt=DT, brighter_first=brighter_first)
    shape = np.shape(image)
    return {
        "spikes": spikes,
        "counts": spikes.sum(axis=0).reshape(shape),
        "latency_ms": times,
        "latency_image": np.where(np.isfinite(times), times, np.nan).reshape(shape),
    }


def image_code_panel(images=None) -> Panel:
    """Pick a digit, its maximal rate and the latency window → the image and its two codes.

    Shows the image, its Poisson raster and spike counts, and its latency map and raster.

    Parameters
    ----------
    images : uint8 array (n, 28, 28), optional
        Default: :func:`snnedu.data.load_offline_digits` (no download).
    """
    if images is None:
        from snnedu.data import load_offline_digits

        images = load_offline_digits().images
    controls = {
        "index": widgets.IntSlider(
            value=0, min=0, max=len(images) - 1, description="image", continuous_update=False
        ),
        "max_rate_hz": slider(63.75, 10.0, 200.0, 0.25, "max rate [Hz]", ".2f"),
        "duration": slider(350.0, 50.0, 1000.0, 50.0, "duration [ms]", ".0f"),
        "t_max_ms": slider(50.0, 5.0, 200.0, 5.0, "latency window [ms]", ".0f"),
        "brighter_first": widgets.Checkbox(value=True, description="brighter fires first"),
    }
    values = {k: c.value for k, c in controls.items()}
    index = values.pop("index")
    start = image_codes(images[index], **values)
    with plt.ioff():
        figure, axes = plt.subplots(
            1,
            5,
            figsize=(14, 3.2),
            layout="constrained",
            gridspec_kw={"width_ratios": [1, 1, 2.2, 1, 2.2]},
        )
    picture = axes[0].imshow(images[index], cmap="gray", vmin=0, vmax=255)
    axes[0].set_title("digit")
    counts = axes[1].imshow(start["counts"], cmap="magma")
    axes[1].set_title("spike counts")
    raster = plot_raster(start["spikes"], DT, ax=axes[2], markersize=1.5)
    axes[2].set_title("rate code (Poisson)")
    latency = axes[3].imshow(start["latency_image"], cmap="viridis_r")
    axes[3].set_title("latency [ms]")
    fired = np.isfinite(start["latency_ms"])
    (lat_points,) = axes[4].plot(start["latency_ms"][fired], np.flatnonzero(fired), "k|", ms=3)
    axes[4].set_xlabel("time [ms]")
    axes[4].set_ylabel("pixel")
    axes[4].set_ylim(-0.5, start["spikes"].shape[1] - 0.5)
    axes[4].set_title("latency code")
    for ax in (axes[0], axes[1], axes[3]):
        ax.set_xticks([])
        ax.set_yticks([])
    latest = dict(start)

    def update(index, max_rate_hz, duration, t_max_ms, brighter_first):
        run = image_codes(images[index], max_rate_hz, duration, t_max_ms, brighter_first)
        picture.set_data(images[index])
        counts.set_data(run["counts"])
        counts.set_clim(0, max(1, int(run["counts"].max())))
        raster.set_offsets(raster_points(run["spikes"], DT))
        axes[2].set_xlim(0.0, duration)
        latency.set_data(run["latency_image"])
        latency.set_clim(0.0, t_max_ms)
        ok = np.isfinite(run["latency_ms"])
        lat_points.set_data(run["latency_ms"][ok], np.flatnonzero(ok))
        axes[4].set_xlim(-1.0, t_max_ms + 1.0)
        latest.clear()
        latest.update(run)

    panel = Panel(figure, controls, update)
    panel.latest = latest
    return panel
