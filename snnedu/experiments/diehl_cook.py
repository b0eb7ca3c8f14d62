"""One pipeline for the Diehl & Cook network, shared by ``snnedu mnist`` and the sweep.

:func:`make_network` builds a network from a preset (with the command line's overrides),
:func:`evaluate` labels the neurons on training images and tests (both prediction rules, the
forward-Euler instability count read from the results), and :func:`train_and_evaluate` does
both after training.
"""

from __future__ import annotations

import time
import warnings
from typing import NamedTuple

import numpy as np

from snnedu.core.validation import positive_int
from snnedu.networks import diehl_cook as dc

__all__ = ["INTEGRATORS", "Evaluation", "evaluate", "integrator_of", "make_network",
           "train_and_evaluate"]  # fmt: skip

INTEGRATORS = ("euler", "implicit")
"""Membrane steps: forward Euler (the authors' simulator) or linearly implicit Euler."""


class Evaluation(NamedTuple):
    """Test accuracy of a trained network, both prediction rules."""

    result: dc.EvaluationResult  # the paper's ("mean") prediction rule
    accuracy: float  # mean rule
    accuracy_proportion: float  # proportion weighting
    euler_unstable: int  # forward-Euler overshoots while labelling and testing
    seconds: float  # wall time


def make_network(
    n: int,
    preset: str = "paper",
    rule: str | None = None,
    integrator: str | None = None,
    rng: np.random.Generator | None = None,
) -> dc.DiehlCookNetwork:
    """Build a fresh network of preset ``preset``.

    Parameters
    ----------
    n : int
        Excitatory (= inhibitory) neurons.
    preset : str
        ``"paper"`` or ``"course"`` (:mod:`snnedu.networks.diehl_cook.presets`).
    rule, integrator : str, optional
        STDP rule and membrane step (``"euler"`` or ``"implicit"``); override the preset's.
    rng : numpy.random.Generator

    Raises
    ------
    ValueError
        For an unknown integrator, preset or rule, or a size that is not a whole number >= 1.
    """
    if integrator is not None and integrator not in INTEGRATORS:
        raise ValueError(f"integrator must be 'euler' or 'implicit', got {integrator!r}.")
    n = positive_int("n (the network size in excitatory neurons)", n)
    protocol = None
    if integrator is not None:
        protocol = dc.preset(preset, int(n))[1]._replace(implicit_euler=integrator == "implicit")
    return dc.init_diehl_cook(int(n), rule=rule, protocol=protocol, rng=rng, preset=preset)


def integrator_of(network: dc.DiehlCookNetwork) -> str:
    """``"implicit"`` or ``"euler"``: the membrane step ``network`` uses."""
    return "implicit" if network.protocol.implicit_euler else "euler"


def evaluate(
    network: dc.DiehlCookNetwork,
    label_images,
    label_labels,
    test_images,
    test_labels,
    rng: np.random.Generator,
    method: str = "mean",
    parallel: bool = True,
) -> Evaluation:
    """Label on ``label_images``, test on ``test_images``; ``result`` uses ``method``."""
    start = time.perf_counter()
    with warnings.catch_warnings():
        # counted below and reported by the caller
        warnings.filterwarnings("ignore", message="forward Euler became unstable")
        result = dc.evaluate_diehl_cook(network, label_images, label_labels, test_images,
                                        test_labels, rng, method, parallel)  # fmt: skip
    seconds = time.perf_counter() - start
    test_labels = np.asarray(test_labels)
    counts = result.test_responses.counts
    by_mean = dc.predict_labels(counts, result.assignments)
    proportions = dc.class_proportions(result.label_responses.counts, label_labels)
    by_prop = dc.predict_labels(counts, result.assignments, "proportion", proportions)
    unstable = int(result.label_responses.euler_unstable.sum()) + int(
        result.test_responses.euler_unstable.sum()
    )
    return Evaluation(result, _mean(by_mean == test_labels), _mean(by_prop == test_labels),
                      unstable, seconds)  # fmt: skip


def train_and_evaluate(
    network: dc.DiehlCookNetwork,
    train_images,
    train_labels,
    test_images,
    test_labels,
    passes: int,
    rng: np.random.Generator,
    **train_options,
) -> dict:
    """Train ``network`` on the training images, label on them, test; one row of facts.

    The row has the sweep's columns: accuracy (both rules), timings, spikes and attempts per
    test image, and ``euler_unstable`` (forward-Euler overshoots in training and testing:
    non-zero means the figures are not trustworthy).
    """
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="forward Euler became unstable")
        trained = dc.train_diehl_cook(network, train_images, train_labels, passes=passes,
                                      **train_options)  # fmt: skip
    train_s = time.perf_counter() - start
    ev = evaluate(trained.network, train_images, train_labels, test_images, test_labels, rng)
    responses = ev.result.test_responses
    return {
        "network": trained.network, "completed": trained.completed,
        "n": trained.network.n, "rule": trained.network.rule,
        "preset": trained.network.preset, "integrator": integrator_of(trained.network),
        "passes": passes, "n_train": len(train_images), "n_test": len(test_images),
        "accuracy": ev.accuracy, "accuracy_proportion": ev.accuracy_proportion,
        "train_s": train_s, "eval_s": ev.seconds,
        "train_images_per_s": trained.images_trained / train_s if train_s > 0 else float("nan"),
        "spikes_per_image": float(responses.exc_spikes.mean()) if len(responses.counts)
        else float("nan"),
        "attempts_per_image": float(responses.attempts.mean()) if len(responses.counts)
        else float("nan"),
        "euler_unstable": trained.euler_unstable + ev.euler_unstable,
    }  # fmt: skip


def _mean(values) -> float:
    return float(np.mean(values)) if len(values) else float("nan")
