"""Panels for notebook 08: an image's spikes through the layers; a feature's preferred input."""

from __future__ import annotations

import ipywidgets as widgets
import matplotlib.pyplot as plt
import numpy as np

from snnedu.networks.convsnn import (
    Conv2016Model,
    Conv2018Model,
    layer_times_2016,
    layer_times_2018,
    preferred_input,
)
from snnedu.plot.convsnn import earliest_spike, plot_spike_times
from snnedu.widgets.panel import Panel


def layer_times_panel(model, images) -> Panel:
    """Pick an image → its spike-time maps through the layers (bright = early, white = silent).

    2018 network: DoG on, DoG off, conv1, pool1, conv2, pool2 (earliest spike over maps).
    2016 network: input, S1, C1, S2 at the scale chosen with the second control.
    """
    images = np.asarray(images)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"images must be (n, height, width), got shape {images.shape}.")
    n_steps = model.params.n_steps
    is_2018 = isinstance(model, Conv2018Model)
    if not (is_2018 or isinstance(model, Conv2016Model)):
        raise ValueError(
            f"model must be a Conv2016Model or Conv2018Model, got {type(model).__name__}."
        )

    def maps(index, scale=0):
        if is_2018:
            t = layer_times_2018(model, images[index])
            return {
                "DoG on": t["DoG"][0],
                "DoG off": t["DoG"][1],
                "conv1": t["conv1"],
                "pool1": t["pool1"],
                "conv2": t["conv2"],
                "pool2": t["pool2"],
            }
        t = layer_times_2016(model, images[index])
        return {
            "input": t["input"][scale],
            "S1": t["S1"][scale],
            "C1": t["C1"][scale],
            "S2": t["S2"][scale],
        }

    first = maps(0)
    with plt.ioff():
        fig, axes = plt.subplots(
            1, len(first) + 1, figsize=(2.3 * (len(first) + 1), 2.8), layout="constrained"
        )
    picture = axes[0].imshow(images[0], cmap="gray_r", vmin=0, vmax=255)
    axes[0].set_title("image")
    axes[0].set_xlabel("column [px]")
    artists = {}
    for ax, (name, times) in zip(axes[1:], first.items(), strict=True):
        artists[name] = plot_spike_times(times, n_steps, ax=ax, title=name)
        ax.set_ylabel("")
    counts = fig.suptitle("")

    def update(image, scale=0):
        picture.set_data(images[image])
        spikes = 0
        for name, times in maps(image, scale).items():
            earliest = earliest_spike(times).astype(float)
            artists[name].set_data(np.ma.masked_greater_equal(earliest, n_steps))
            artists[name].set_extent((-0.5, earliest.shape[1] - 0.5, earliest.shape[0] - 0.5, -0.5))
            spikes += int(np.count_nonzero(np.asarray(times) < n_steps))
        counts.set_text(f"image {image}: {spikes} spikes in these layers (bright = early)")

    controls = {
        "image": widgets.IntSlider(
            0, 0, images.shape[0] - 1, description="image", continuous_update=False
        )
    }
    if not is_2018:
        controls["scale"] = widgets.Dropdown(
            options=[(f"{s:.0%}", i) for i, s in enumerate(model.params.scales)],
            value=0,
            description="scale",
        )
    return Panel(fig, controls, update)


def preferred_input_panel(model) -> Panel:
    """Pick a learned feature → the input pattern it prefers.

    The pattern is its kernel projected back through the fixed filters. 2018: conv1 or conv2;
    2016: the S2 prototype at every scale.
    """
    is_2018 = isinstance(model, Conv2018Model)
    if not (is_2018 or isinstance(model, Conv2016Model)):
        raise ValueError(
            f"model must be a Conv2016Model or Conv2018Model, got {type(model).__name__}."
        )
    if is_2018:
        panels = [("conv1", 0), ("conv2", 0)]
    else:
        panels = [("S2", s) for s in range(len(model.params.scales))]
    with plt.ioff():
        fig, axes = plt.subplots(
            1, len(panels), figsize=(2.4 * len(panels), 2.8), layout="constrained"
        )
    axes = np.atleast_1d(axes)

    def patterns(feature, layer="conv1"):
        if is_2018:
            return [preferred_input(model, layer, feature)]
        return [preferred_input(model, "S2", feature, scale=s) for _, s in panels]

    def canvas(pattern, size):
        out = np.full((size, size), np.nan)
        h, w = min(pattern.shape[0], size), min(pattern.shape[1], size)
        top, left = (size - h) // 2, (size - w) // 2
        out[top : top + h, left : left + w] = pattern[:h, :w]
        return out

    size = 28
    images = []
    shown = (
        patterns(0)
        if not is_2018
        else [preferred_input(model, "conv1", 0), preferred_input(model, "conv2", 0)]
    )
    for ax, pattern, (layer, scale) in zip(axes, shown, panels, strict=True):
        images.append(ax.imshow(canvas(pattern, size), cmap="RdBu_r", interpolation="nearest"))
        title = layer if is_2018 else f"scale {model.params.scales[scale]:.0%}"
        ax.set_title(title)
        ax.set_xlabel("column [px]")
    axes[0].set_ylabel("row [px]")
    fig.suptitle("preferred input (red: bright, blue: dark)")

    def update(feature, layer="conv1"):
        if is_2018:
            index = 0 if layer == "conv1" else 1
            n_maps = (model.w1 if layer == "conv1" else model.w2).shape[0]
            if feature >= n_maps:
                raise ValueError(f"{layer} has {n_maps} maps; pick a feature below {n_maps}.")
            targets = [(images[index], preferred_input(model, layer, feature))]
        else:
            targets = list(zip(images, patterns(feature), strict=True))
        for image, pattern in targets:
            data = canvas(pattern, size)
            limit = np.nanmax(np.abs(data)) or 1.0
            image.set_data(data)
            image.set_clim(-limit, limit)

    n_features = max(model.w1.shape[0], model.w2.shape[0]) if is_2018 else model.w2.shape[0]
    controls = {
        "feature": widgets.IntSlider(
            0, 0, n_features - 1, description="feature", continuous_update=False
        )
    }
    if is_2018:
        controls["layer"] = widgets.Dropdown(
            options=["conv1", "conv2"], value="conv1", description="layer"
        )
    return Panel(fig, controls, update)
