"""The network and its state: what is trained, saved, loaded and resumed.

The kernel works on these arrays as they are (no layout of its own), so what it trains is
what is saved and resumed.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.models.stdp import STDPParams
from snnedu.networks.diehl_cook.params import DiehlCookParams, ProtocolParams

__all__ = ["DiehlCookNetwork", "DiehlCookState", "TrainingLog", "copy_network"]


class DiehlCookState(NamedTuple):
    """Dynamic state carried from one image to the next (float64 unless stated)."""

    v_exc: np.ndarray  # mV, (n,)
    v_inh: np.ndarray  # mV, (n,)
    g_e_exc: np.ndarray  # (n,), excitatory conductance of the excitatory neurons
    g_i_exc: np.ndarray  # (n,), inhibitory conductance of the excitatory neurons
    g_e_inh: np.ndarray  # (n,), excitatory conductance of the inhibitory neurons
    ref_exc: np.ndarray  # int32 (n,), refractory steps left
    ref_inh: np.ndarray  # int32 (n,)
    x_post1: np.ndarray  # (n,), fast postsynaptic trace
    x_post2: np.ndarray  # (n,), slow postsynaptic trace
    hist_step: np.ndarray  # int64 (784, k), global steps of each input's latest spikes
    hist_x: np.ndarray  # (784, k), the input's trace X_i just after each of those spikes
    hist_head: np.ndarray  # int64 (784,), slot of the newest entry (ring buffer)
    rest_counts: np.ndarray  # int32 (n,), excitatory spikes during the latest rest
    step: np.ndarray  # int64 (1,), global time step


class TrainingLog(NamedTuple):
    """What training recorded, one entry per image seen (for plots and running accuracy).

    Labels are only read to *monitor* (running accuracy); learning never sees them.
    ``assignments`` are refreshed every ``update_interval`` images from the mean responses per
    class in the previous window (as in the authors' code).
    """

    labels: np.ndarray  # int16 (images_seen,), -1 if unknown
    predictions: np.ndarray  # int16 (images_seen,), -1 before the first assignment
    exc_spikes: np.ndarray  # int32 (images_seen,), spikes of the recorded attempt
    attempts: np.ndarray  # int16 (images_seen,)
    assignments: np.ndarray  # int16 (n,), current label of each neuron (-1: none)
    window_sums: np.ndarray  # (10, n), summed responses per class in the current window
    window_counts: np.ndarray  # (10,), images per class in the current window


PER_IMAGE = ("labels", "predictions", "exc_spikes", "attempts")
"""Fields of :class:`TrainingLog` with one entry per image seen."""


class DiehlCookNetwork(NamedTuple):
    """A network: parameters, weights, thresholds, delays and the state to resume from.

    ``seed`` (drawn from the ``rng`` given to :func:`init_diehl_cook`) and ``images_seen``
    determine the Poisson input (and, with ``ProtocolParams.shuffle``, the order) of every
    training image, so an interrupted run resumes exactly where it stopped. ``preset`` names
    the preset the network was made from (see :mod:`~snnedu.networks.diehl_cook.presets`).
    """

    rule: str
    params: DiehlCookParams
    protocol: ProtocolParams
    stdp: STDPParams
    w: np.ndarray  # (784, n), input → excitatory weights
    delays: np.ndarray  # ms, (784, n), input → excitatory delays
    theta: np.ndarray  # mV, (n,)
    state: DiehlCookState
    seed: int
    images_seen: int
    log: TrainingLog
    preset: str = "paper"

    @property
    def n(self) -> int:
        """Number of excitatory (= inhibitory) neurons."""
        return self.w.shape[1]


def copy_network(network: DiehlCookNetwork) -> DiehlCookNetwork:
    """Return ``network`` with its arrays copied (parameters are immutable)."""
    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    return network._replace(
        w=network.w.copy(), delays=network.delays.copy(), theta=network.theta.copy(),
        state=DiehlCookState(*(a.copy() for a in network.state)),
        log=TrainingLog(*(a.copy() for a in network.log)),
    )  # fmt: skip
