"""Checks for notebook 07 (the Diehl & Cook MNIST network).

Every expected value is computed
by :mod:`snnedu.networks.diehl_cook` or :mod:`snnedu.energy`.
"""

from __future__ import annotations

import numpy as np

from snnedu.energy import EnergyParams, SpikeBudget, energy_per_image
from snnedu.exercises.checking import function_check, value_check
from snnedu.networks.diehl_cook import DiehlCookParams, ProtocolParams, predict_labels

_P = DiehlCookParams()
_Q = ProtocolParams()
_GREY = 144  # grey level of the pixel in Exercises 1 and 3 (no rate the notebook prints)
_RETRIES = 3  # retries before the presentation of Exercise 4
_SPIKES_FIRED = 60  # spikes before the threshold of Exercise 2
_SPIKES_PRICED = 23  # excitatory spikes priced in Exercise 6

value_check(
    "mnist.max_rate",
    expected=lambda: _GREY * _Q.rate_scale * _Q.intensity,
    hint="Find the rate code in §1 (rate per grey level and the starting intensity in "
    "ProtocolParams()) and apply it to the pixel's grey level.",
    rtol=1e-6,
    unit="Hz",
)

value_check(
    "mnist.retry_rate",
    expected=lambda: 255 * _Q.rate_scale * (_Q.intensity + _RETRIES * _Q.intensity_step),
    hint="Find in ProtocolParams how the intensity starts and how much each retry adds to it; "
    "then apply the rate code (pixel / 8 · intensity) to the brightest pixel.",
    rtol=1e-6,
    unit="Hz",
)

value_check(
    "mnist.first_threshold",
    expected=lambda: _P.v_th_exc + _P.theta_init + _SPIKES_FIRED * _P.theta_plus - _P.theta_offset,
    hint="The effective threshold is v_th + θ − θ_offset; θ starts at theta_init and every "
    "spike adds theta_plus (read them all from DiehlCookParams()).",
    rtol=0.0,
    atol=1e-6,
    unit="mV",
)

value_check(
    "mnist.inputs_integrated",
    expected=lambda: _GREY * _Q.rate_scale * _Q.intensity * _P.tau_m_exc / 1e3,
    hint="A membrane integrates over about τ_m: rate [Hz] × τ_m [s] input spikes.",
    rtol=1e-3,
)

value_check(
    "mnist.power_pw",
    expected=lambda: (
        energy_per_image(
            SpikeBudget(0.0, float(_SPIKES_PRICED), 0.0, 100),
            params=EnergyParams(count_input=False),
        ).power_w
        * 1e12
    ),
    hint="Energy per image = spikes × the energy per spike of EnergyParams() (its field "
    "e_spike_pj); power = energy per image × images classified per second.",
    rtol=1e-6,
    unit="pW",
)


def _predict(counts, assignments):
    return int(predict_labels(np.asarray(counts)[None], np.asarray(assignments))[0])


_rng = np.random.default_rng(7)
function_check(
    "mnist.predict",
    _predict,
    cases=[
        ([5, 0, 1, 2], [0, 1, 1, 2]),
        ([0, 4, 4, 0, 1], [3, 3, 7, 7, 7]),
        ([1, 1, 1, 9], [2, 2, 2, 5]),
        ([3, 0, 2, 0, 0, 6], [4, 4, 1, 1, 1, 9]),
        *[(list(_rng.integers(0, 6, 20)), list(_rng.integers(0, 10, 20))) for _ in range(5)],
    ],
    hint="For each class, average the counts of the neurons assigned to it (classes without "
    "neurons score 0) and return the class with the highest average.",
    rtol=0.0,
)
