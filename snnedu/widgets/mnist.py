"""Lecture 7 panels for the Diehl & Cook network.

One digit through a trained network, and the receptive fields during training.

In a notebook, leave a panel as the last expression of a cell::

    from snnedu.widgets.mnist import digit_panel, snapshot_panel
    digit_panel(network, images, labels)
    snapshot_panel(result.snapshots)

The compute half of :func:`digit_panel` is :func:`digit_response`.
"""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from snnedu.networks.diehl_cook import DiehlCookNetwork, record_image
from snnedu.plot.mnist import plot_receptive_fields, receptive_field_grid
from snnedu.plot.spikes import plot_raster, raster_points
from snnedu.widgets.panel import Panel


def digit_response(network: DiehlCookNetwork, image, seed: int = 0) -> dict:
    """Present ``image`` to the frozen ``network``: rasters, counts and the winning neuron.

    Returns {"recording" (:class:`~snnedu.networks.diehl_cook.Recording`), "winner" (index of
    the neuron with most spikes, -1 if none), "counts"}.
    """
    recording = record_image(network, image, np.random.default_rng(seed))
    counts = recording.counts
    winner = int(np.argmax(counts)) if counts.max() > 0 else -1
    return {"recording": recording, "winner": winner, "counts": counts}


def digit_panel(network: DiehlCookNetwork, images, labels=None, assignments=None) -> Panel:
    """Pick a digit and show what the network does with it.

    The panel shows its input raster, the excitatory raster, the winning neuron and that
    neuron's receptive field (with its label if ``assignments`` are given).
    ``panel.latest`` holds the :func:`digit_response`, ``panel.axes`` the axes by name
    ("digit", "input", "exc", "counts", "rf").
    """
    images = np.asarray(images)
    controls = {
        "index": widgets.IntSlider(value=0, min=0, max=len(images) - 1, description="image",
                                   continuous_update=False),
        "seed": widgets.IntSlider(value=0, min=0, max=20, description="seed",
                                  continuous_update=False),
    }  # fmt: skip
    start = digit_response(network, images[0], 0)
    dt = start["recording"].dt
    with plt.ioff():
        figure, axes = plt.subplot_mosaic(
            [["digit", "input", "input", "rf"], ["counts", "exc", "exc", "rf"]],
            figsize=(12, 5.5), layout="constrained",
        )  # fmt: skip
    digit = axes["digit"].imshow(images[0].reshape(28, 28), cmap="gray_r", vmin=0, vmax=255)
    axes["digit"].set_xticks([])
    axes["digit"].set_yticks([])
    in_raster = plot_raster(start["recording"].input_spikes, dt, ax=axes["input"], markersize=1)
    axes["input"].set_ylabel("input (pixel)")
    exc_raster = plot_raster(start["recording"].exc_spikes, dt, ax=axes["exc"], color="C3",
                             markersize=3)  # fmt: skip
    axes["exc"].set_ylabel("excitatory neuron")
    bars = axes["counts"].bar(np.arange(network.n), start["counts"], color="C3")
    axes["counts"].set_xlabel("excitatory neuron")
    axes["counts"].set_ylabel("spikes")
    w_max = float(network.w.max())
    rf = axes["rf"].imshow(np.zeros((28, 28)), cmap="hot_r", vmin=0, vmax=w_max)
    axes["rf"].set_xticks([])
    axes["rf"].set_yticks([])
    latest = dict(start)

    def update(index, seed):
        run = digit_response(network, images[index], seed)
        rec = run["recording"]
        digit.set_data(images[index].reshape(28, 28))
        in_raster.set_offsets(raster_points(rec.input_spikes, dt))
        exc_raster.set_offsets(raster_points(rec.exc_spikes, dt))
        for bar, count in zip(bars, run["counts"], strict=True):
            bar.set_height(count)
        axes["counts"].set_ylim(0, max(1, run["counts"].max()) * 1.1)
        true = "" if labels is None else f" (label {labels[index]})"
        axes["digit"].set_title(f"image {index}{true}")
        axes["input"].set_title(f"{rec.input_spikes.sum()} input spikes, "
                                f"{rec.attempts} presentation(s)")  # fmt: skip
        axes["exc"].set_title(f"{rec.exc_spikes.sum()} excitatory spikes")
        if run["winner"] >= 0:
            rf.set_data(network.w[:, run["winner"]].reshape(28, 28))
            said = "" if assignments is None else f", labelled {assignments[run['winner']]}"
            axes["rf"].set_title(f"winner: neuron {run['winner']}{said}")
        else:
            rf.set_data(np.zeros((28, 28)))
            axes["rf"].set_title("no excitatory spike")
        latest.clear()
        latest.update(run)

    panel = Panel(figure, controls, update, columns=2)
    panel.latest = latest
    panel.axes = axes
    return panel


def snapshot_panel(snapshots) -> Panel:
    """Scrub through training: the receptive fields of all excitatory neurons per snapshot.

    ``snapshots`` is ``TrainResult.snapshots``: pairs (images seen, w).
    """
    snapshots = list(snapshots)
    if not snapshots:
        raise ValueError("no snapshots: train with snapshot_every > 0.")
    controls = {
        "snapshot": widgets.IntSlider(value=len(snapshots) - 1, min=0, max=len(snapshots) - 1,
                                      description="snapshot", continuous_update=False),
    }  # fmt: skip
    with plt.ioff():
        figure, ax = plt.subplots(figsize=(6.5, 6.5), layout="constrained")
    vmax = max(float(w.max()) for _, w in snapshots)
    image = plot_receptive_fields(snapshots[-1][1], ax=ax, vmax=vmax)

    def update(snapshot):
        seen, w = snapshots[snapshot]
        image.set_data(receptive_field_grid(w))
        ax.set_title(f"receptive fields after {seen} training images")

    return Panel(figure, controls, update)
