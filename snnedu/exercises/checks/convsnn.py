"""Checks for notebook 08 (time-coded convolutional STDP network).

Every expected value is
computed by :mod:`snnedu.models.convsnn_layers` and :mod:`snnedu.networks.convsnn`.
"""

from __future__ import annotations

import numpy as np

from snnedu.energy import EnergyParams, SpikeBudget, energy_per_image
from snnedu.exercises.checking import explain_prompt, function_check, value_check
from snnedu.models import convsnn_layers as layers
from snnedu.networks import convsnn

_POOL_CASES = [
    (np.array([[3, 15], [15, 7]]), 2),
    (np.array([[5, 1, 9, 15], [2, 8, 15, 15], [15, 15, 4, 6], [11, 0, 15, 3]]), 2),
    (np.arange(36).reshape(6, 6) % 16, 3),
]


def _pool_reference(times, window):
    pooled = layers.pool_first_spike(
        np.asarray(times, dtype=np.int16)[None, None], window, window, n_steps=16
    )
    return pooled[0, 0]


def _learned_2018() -> int:
    p = convsnn.Conv2018Params()
    return p.conv1_maps * 2 * p.conv1_window**2 + p.conv2_maps * p.conv1_maps * p.conv2_window**2


function_check(
    "convsnn.first_spike_pool",
    _pool_reference,
    cases=_POOL_CASES,
    hint="Cut the map into window × window blocks (stride = window); each pooled neuron fires "
    "with the earliest (smallest) spike time of its block. A silent neuron holds a large "
    "value, so it never wins.",
)

value_check(
    "convsnn.conv1_weights",
    expected=lambda: (
        convsnn.Conv2018Params().conv1_maps * 2 * convsnn.Conv2018Params().conv1_window ** 2
    ),
    hint="Each conv1 map has one kernel, shared by all its neurons; a kernel sees a window of "
    "window × window pixels in each of the input maps (DoG on and DoG off).",
    rtol=0,
)

value_check(
    "convsnn.alexnet_ratio",
    expected=lambda: convsnn.ALEXNET_PARAMETERS / _learned_2018(),
    hint="Add the learned weights of conv1 (maps × input maps × window²) and conv2 (maps × "
    "conv1 maps × window²); divide AlexNet's count by that sum.",
    rtol=0.01,
)

value_check(
    "convsnn.stdp_ltp",
    expected=lambda: (
        layers.stdp_update(
            np.full((1, 1, 1, 1), 0.5),
            np.zeros((1, 1, 1, 1), np.int16),
            np.array([[[[3]]]], np.int16),
            [[0, 0, 0, 0]],
            0.004,
            0.003,
        )[0, 0, 0, 0]
        - 0.5
    ),
    hint="The input fired before the output, so Δw = +a⁺ · w · (1 − w).",
    rtol=1e-6,
)

value_check(
    "convsnn.first_bin_size",
    expected=lambda: int(
        np.count_nonzero(layers.rank_order_latency(np.arange(1.0, 62.0)[None], n_steps=15) == 0)
    ),
    hint="The non-zero values are cut into n_steps packets of equal size ⌊nnz / n_steps⌋; the "
    "remainder never fires.",
    rtol=0,
)


LECTURE_SPIKES = 16 + 1
"""Spikes of the lecture's example classification."""

PHONE_POWER_W = 1.0
"""The lecture's phone power budget [W]."""


def _phone_classifications() -> float:
    energy = energy_per_image(
        SpikeBudget(0.0, float(LECTURE_SPIKES), 0.0, 100), params=EnergyParams(count_input=False)
    ).energy_j
    return PHONE_POWER_W / energy


value_check(
    "convsnn.phone_classifications",
    expected=_phone_classifications,
    hint="Energy per classification = spikes × energy per spike (1 pJ = 1e-12 J); a power of "
    "1 W is 1 J per second. How many classifications fit into one joule?",
    rtol=0.02,
    unit="per second",
)

explain_prompt(
    "convsnn.energy_is_more_than_spikes",
    question="Which costs does a spike count leave out?",
    model_answer="Each spike is delivered to many synapses, and every synaptic event costs "
    "energy too (tens of pJ on TrueNorth or Loihi), so with a large fan-out the events, not the "
    "spikes, dominate. Weights must be read from memory, which on conventional hardware costs "
    "far more than the arithmetic, and a chip draws static (idle) power whether it spikes or "
    "not. The spike count is a lower bound, useful to compare codes, not a chip's bill.",
)
