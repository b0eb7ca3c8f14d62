"""Checks for notebook 08 (time-coded convolutional STDP network). Every expected value is
computed by :mod:`snnedu.models.convsnn_layers` and :mod:`snnedu.networks.convsnn`."""

from __future__ import annotations

import numpy as np

from snnedu.exercises.checking import function_check, value_check
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
