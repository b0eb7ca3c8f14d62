r"""Energy per classified image of a spiking network, from its own spike counts.

The lecture's argument: a spiking network only spends energy when something spikes, so its
cost is *counted*, not assumed. For one classified image

.. math::

    E = e_{spike}\,(n_{in} + n_{exc} + n_{inh}) + e_{event}\,n_{events}, \qquad
    P = E \cdot r ,

with :math:`n_{in}, n_{exc}, n_{inh}` the input, excitatory and inhibitory spikes,
:math:`n_{events}` the synaptic events they cause (each input spike reaches all ``n``
excitatory neurons, each excitatory spike its one inhibitory partner, each inhibitory spike
the other ``n - 1`` excitatory neurons), and ``r`` the images classified per second. At the
network's own pace (real time: one image per 350 ms presentation + 150 ms rest, r = 2 /s) the
power is set against a GPU's board power (250 W in the lecture, for a card that classifies
many images per second).

Costs are stated and configurable (:class:`EnergyParams`): the lecture's 1 pJ per spike
(the order of digital neuromorphic chips, e.g. Merolla et al. 2014 report 26 pJ per synaptic
event for TrueNorth, Davies et al. 2018 ~24 pJ per synaptic operation for Loihi) and 0 pJ per
synaptic event by default, so that the lecture's spikes-only estimate is reproduced; set
``e_event_pj`` to include synaptic events.

>>> budget = SpikeBudget(input_spikes=2000.0, exc_spikes=17.0, inh_spikes=17.0, n=100)
>>> budget.synaptic_events
201700.0
>>> est = energy_per_image(budget, params=EnergyParams(e_spike_pj=1.0, e_event_pj=0.0))
>>> round(est.energy_j * 1e12, 3)   # pJ: 2034 spikes at 1 pJ
2034.0
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.validation import positive_int, require_non_negative, require_positive

__all__ = ["EnergyEstimate", "EnergyParams", "SpikeBudget", "energy_per_image", "spike_budget"]


class EnergyParams(NamedTuple):
    """Energy costs and the comparison point (lecture's figures by default)."""

    e_spike_pj: float = 1.0  # pJ per spike (lecture)
    e_event_pj: float = 0.0  # pJ per synaptic event (0: spikes only, as the lecture counts)
    gpu_power_w: float = 250.0  # W, GPU board power (lecture)
    images_per_s: float = 2.0  # images classified per second (real time: 500 ms per image)
    count_input: bool = True  # input spikes cost energy too (False: only the network's own)


class SpikeBudget(NamedTuple):
    """Mean spikes per classified image of a network with ``n`` excitatory neurons."""

    input_spikes: float
    exc_spikes: float
    inh_spikes: float
    n: int

    @property
    def synaptic_events(self) -> float:
        """Input→excitatory, excitatory→inhibitory and inhibitory→excitatory events."""
        return float(self.input_spikes * self.n + self.exc_spikes + self.inh_spikes * (self.n - 1))

    @property
    def spikes(self) -> float:
        """All spikes, inputs included."""
        return float(self.input_spikes + self.exc_spikes + self.inh_spikes)


class EnergyEstimate(NamedTuple):
    """Energy of one image, the power at ``images_per_s`` and the ratio to the GPU."""

    spikes: float  # counted spikes per image (inputs included if count_input)
    synaptic_events: float  # per image
    energy_j: float  # J per image
    power_w: float  # W at images_per_s
    gpu_power_w: float  # W
    ratio: float  # gpu_power_w / power_w


def spike_budget(responses, n: int) -> SpikeBudget:
    """Mean spikes per image from a network's responses (all attempts counted).

    ``responses`` has ``input_spikes``, ``exc_spikes`` and ``inh_spikes`` arrays, one entry per
    image (e.g. :class:`snnedu.networks.diehl_cook.Responses`).
    """
    n = positive_int("n", n)
    values = []
    for name in ("input_spikes", "exc_spikes", "inh_spikes"):
        counts = np.asarray(getattr(responses, name), dtype=float)
        if counts.size == 0:
            raise ValueError(f"responses.{name} is empty; present at least one image.")
        if np.any(counts < 0):
            raise ValueError(f"responses.{name} has negative counts.")
        values.append(float(counts.mean()))
    return SpikeBudget(*values, int(n))


@renamed_arguments(old_order=("budget", "params"))
def energy_per_image(budget: SpikeBudget, *, params: EnergyParams | None = None) -> EnergyEstimate:
    """Energy per image and power against a GPU, from a :class:`SpikeBudget`."""
    params = EnergyParams() if params is None else params
    e_spike = require_non_negative("e_spike_pj", params.e_spike_pj, "pJ")
    e_event = require_non_negative("e_event_pj", params.e_event_pj, "pJ")
    gpu = require_positive("gpu_power_w", params.gpu_power_w, "W")
    rate = require_positive("images_per_s", params.images_per_s, "1/s")
    spikes = budget.spikes if params.count_input else budget.spikes - budget.input_spikes
    events = budget.synaptic_events
    energy = (e_spike * spikes + e_event * events) * 1e-12
    power = energy * rate
    ratio = gpu / power if power > 0 else float("inf")
    return EnergyEstimate(float(spikes), float(events), energy, power, gpu, ratio)
