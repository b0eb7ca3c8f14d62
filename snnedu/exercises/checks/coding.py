"""Checks for notebook 04 (Poisson neurons, coding, synapses).

Every expected value is
computed by :mod:`snnedu.models.encoders` or :mod:`snnedu.models.synapses`.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from snnedu.exercises.checking import (
    explain_prompt,
    function_check,
    prediction_task,
    value_check,
)
from snnedu.models import encoders, synapses

EXPECTED_COUNT_PIXEL = 200
"""Pixel value of the expected-count exercise."""

CV_RATE_HZ, CV_DT = 400.0, 0.5
"""Rate [Hz] and time step [ms] of the CV exercise: a high rate, where the grid matters."""

SHUNT_G_E, SHUNT_G_I = 5.0, 20.0
"""Conductances [nS] of the steady-state exercise."""

value_check(
    "coding.max_rate",
    expected=lambda: float(encoders.image_to_rate_hz(255)),
    hint="The rate code maps a pixel value to a rate (encoders.image_to_rate_hz, the lecture's "
    "f = pixel / 4). Which values can a pixel of an 8-bit image take? (8 bits hold 2⁸ values, "
    "counted from 0.)",
    rtol=1e-6,
    unit="Hz",
)

value_check(
    "coding.expected_count",
    expected=lambda: (
        float(encoders.image_to_rate_hz(EXPECTED_COUNT_PIXEL)) * encoders.PRESENTATION_MS / 1000.0
    ),
    hint="Mean count = rate × duration; the rate is pixel / 4 Hz and the image is shown for "
    "350 ms (= 0.35 s).",
    rtol=1e-6,
    unit="spikes",
)

value_check(
    "coding.poisson_cv",
    expected=lambda: encoders.poisson_isi_cv(CV_RATE_HZ, dt=CV_DT),
    hint="CV = std(ISI) / mean(ISI), with the ISIs of every train pooled (np.std, np.mean). On "
    "a grid of step dt a train fires in each step with probability p = rate · dt: the ISIs "
    "are geometric, not exponential, and no interval is shorter than one step.",
    atol=0.02,
)


def _latency(pixel, t_max_ms):
    return encoders.encode_latency(np.atleast_1d(pixel), t_max_ms=t_max_ms, dt=1e-9)[0]


function_check(
    "coding.latency",
    _latency,
    cases=[(255, 50.0), (128, 50.0), (10, 50.0), (200, 20.0), (1, 100.0)],
    hint="Brighter pixels fire earlier: 255 fires at t = 0, a pixel of 0 would fire at t_max, "
    "and the time falls linearly in between.",
    rtol=1e-6,
    atol=1e-6,
)

value_check(
    "coding.steady_state_v",
    expected=lambda: float(synapses.steady_state_v(g_e=SHUNT_G_E, g_i=SHUNT_G_I)),
    hint="Set dv/dt = 0: the steady state is the conductance-weighted mean of v_rest, e_exc "
    "and e_inh (g_L = 1/R = 10 nS).",
    atol=0.05,
    unit="mV",
)


@cache
def ei_rate_factor() -> float:
    """Excitatory rate of notebook 04's E/I network without / with recurrent inhibition."""
    rates = []
    for w_ie in (6.0, 0.0):
        net = synapses.simulate_ei_network(
            rng=np.random.default_rng(7),
            params=synapses.EIParams(w_ie=w_ie),
            duration=500.0,
            dt=0.1,
        )
        rates.append(float(net.exc.counts.mean()) / (net.exc.n_steps * net.exc.dt) * 1000.0)
    return rates[1] / rates[0]


prediction_task(
    "coding.ei_rate_factor",
    ei_rate_factor,
    question="the excitatory rate without inhibition divided by the rate with it",
    rtol=0.3,
    explanation="The inhibitory cells fire in proportion to the excitatory activity and feed it "
    "back within milliseconds: negative feedback. The stronger the loop (weights, connection "
    "probability, e_inh far below v), the more of any rise in excitation it cancels, so the "
    "excitatory rate with inhibition is a fraction of the open-loop rate; the factor is about "
    "one plus the loop gain.",
)

explain_prompt(
    "coding.cv_on_a_grid",
    question="Why does the CV differ from 1 at 400 Hz with 0.5 ms steps?",
    model_answer="On a grid a train fires in each step with probability p = r·dt (0.2 here), so "
    "the ISIs are geometric: at least one step, never shorter. Their standard deviation is "
    "√(1 − p) times their mean, so CV = √(1 − p) < 1. The exponential (CV = 1) is the limit "
    "p → 0: a simulation must keep r·dt small to be Poisson.",
)

explain_prompt(
    "coding.shunting",
    question="Does an inhibitory conductance with e_inh = v_rest change the response to "
    "excitation?",
    model_answer="At rest it carries no current (the driving force v − e_inh is zero), but it "
    "adds to the total conductance. When excitation depolarises the membrane, the shunt pulls "
    "v back towards rest and shortens the membrane time constant: the steady state becomes "
    "(g_L + g_e)/(g_L + g_e + g_shunt) of what it was — it divides the response rather than "
    "subtracting from it.",
)
