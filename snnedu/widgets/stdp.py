"""Lecture 6 panels.

STDP window parameters → window plot (analytic and measured), and learning rate / inhibition →
receptive fields after training on oriented bars.

In a notebook, leave the panel as the last expression of a cell::

    from snnedu.widgets.stdp import stdp_window_panel
    stdp_window_panel()
"""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from snnedu.models.stdp import PairSTDPParams, measure_stdp_window, stdp_params, stdp_window
from snnedu.models.stimuli import bar_prototypes, noisy_samples
from snnedu.networks.prototypes import PrototypeParams, match_prototypes, train_prototypes
from snnedu.plot.images import plot_field_panels
from snnedu.plot.stdp import plot_stdp_window
from snnedu.widgets.panel import Panel, slider

__all__ = ["prototype_learning_panel", "prototype_run", "stdp_window_panel"]

DELTA_T = np.linspace(-100.0, 100.0, 401)
"""Δt axis of the window panel [ms]."""


def stdp_window_panel() -> Panel:
    """Time constants, amplitudes, weight dependence μ and the weight w → the STDP window.

    Dots are measured from simulated spike pairs with the online trace rule.

    ``panel.line`` is the analytic curve, ``panel.dots`` the measured points.
    """
    controls = {
        "tau_pre": slider(20.0, 2.0, 60.0, 1.0, "τ_pre [ms]", ".0f"),
        "tau_post": slider(20.0, 2.0, 60.0, 1.0, "τ_post [ms]", ".0f"),
        "eta_post": slider(0.01, 0.0, 0.02, 0.0005, "η_post (LTP)", ".4f"),
        "eta_pre": slider(0.0105, 0.0, 0.02, 0.0005, "η_pre (LTD)", ".4f"),
        "mu": slider(0.0, 0.0, 1.0, 0.05, "μ (0 additive, 1 multiplicative)"),
        "w": slider(0.5, 0.0, 1.0, 0.05, "weight w / w_max"),
    }
    sample = np.linspace(-100.0, 100.0, 21)
    params = PairSTDPParams()
    with plt.ioff():
        figure, ax = plt.subplots(figsize=(7, 4), layout="constrained")
    line, dots = plot_stdp_window(
        DELTA_T,
        stdp_window(DELTA_T, w=0.5, params=params),
        ax=ax,
        measured=measure_stdp_window(sample, w=0.5, params=params),
    )
    ax.set_ylim(-0.021, 0.021)

    def update(tau_pre, tau_post, eta_post, eta_pre, mu, w):
        p = PairSTDPParams(
            tau_pre=tau_pre, tau_post=tau_post, eta_pre=eta_pre, eta_post=eta_post, mu=mu
        )
        line.set_ydata(stdp_window(DELTA_T, w=w, params=p))
        measured = measure_stdp_window(sample, w=w, params=p)
        dots.set_data(measured.delta_t, measured.dw)

    panel = Panel(figure, controls, update)
    panel.line = line
    panel.dots = dots
    return panel


def prototype_run(
    eta_post: float,
    inhibition: float,
    n_samples: int = 300,
    seed: int = 0,
    n_bars: int = 4,
    noise: float = 0.1,
    rule: str = "triplet",
):
    """Train on noisy oriented bars; returns ``(result, match, prototypes)``."""
    rng = np.random.default_rng(seed)
    prototypes = bar_prototypes(n_bars)
    data = noisy_samples(prototypes, n_samples, noise, rng)
    result = train_prototypes(
        data.images,
        n_bars,
        rng=rng,
        params=PrototypeParams(inhibition=inhibition),
        rule=rule,
        stdp=stdp_params(rule, eta_post=eta_post),
    )
    return result, match_prototypes(result.receptive_fields, prototypes), prototypes


def prototype_learning_panel(n_samples: int = 300, seed: int = 0) -> Panel:
    """Learning rate η_post and inhibition → receptive fields after training on four bars.

    ``panel.images`` are the receptive-field images.
    """
    controls = {
        "eta_post": slider(0.05, 0.0, 0.2, 0.005, "η_post", ".3f"),
        "inhibition": slider(1.0, 0.0, 1.0, 0.05, "inhibition h"),
    }
    result, _, _ = prototype_run(0.05, 1.0, n_samples, seed)
    with plt.ioff():
        figure, axes = plt.subplots(1, 4, figsize=(8, 2.6), layout="constrained")
    images = plot_field_panels(result.receptive_fields, axes=axes)

    def update(eta_post, inhibition):
        result, match, _ = prototype_run(eta_post, inhibition, n_samples, seed)
        for k, (image, field) in enumerate(zip(images, result.receptive_fields, strict=True)):
            image.set_data(field)
            image.set_clim(0.0, max(field.max(), 1e-9))
            best = match.assignment[k]
            axes[k].set_title(
                f"neuron {k}: " + (f"bar {best}" if best >= 0 else "mixed"), fontsize="small"
            )
        figure.suptitle(
            "one neuron per bar" if match.one_to_one else "not one-to-one", fontsize="medium"
        )

    panel = Panel(figure, controls, update)
    panel.images = images
    return panel
