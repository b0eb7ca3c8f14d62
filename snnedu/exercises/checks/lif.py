"""Checks for notebook 03 (integrate-and-fire).

Every expected value is computed by
:mod:`snnedu.models.lif` for the default neuron ``LIFParams()`` (or the stated variant).
"""

from __future__ import annotations

from functools import cache

from snnedu.exercises.checking import (
    explain_prompt,
    function_check,
    prediction_task,
    value_check,
)
from snnedu.models import hh, lif

ADAPTATION_CURRENT_PA = 500.0
"""Current of the adaptation exercise [pA]."""

MAX_RATE_T_REF_MS = 3.0
"""Refractory period of the maximum-rate exercise [ms] (not one of the notebook's figures)."""

MATCHED_STEP_UA = 1.5
"""Step of the HH-matched LIF prediction [µA/cm²]."""

value_check(
    "lif.rheobase",
    expected=lambda: lif.rheobase_pa(params=lif.LIFParams()),
    hint="At the rheobase the steady state v_rest + R·i just reaches v_th. Mind the units: "
    "R in MΩ times i in pA gives µV, divide by 1000 for mV.",
    rtol=1e-3,
    unit="pA",
)

function_check(
    "lif.fi_curve",
    lambda i_ext: lif.lif_rate_hz(i_ext, params=lif.LIFParams()),
    cases=[(100.0,), (250.0,), (300.0,), (500.0,), (1000.0,), (5000.0,)],
    hint="Solve v(t) = v_∞ + (v_reset − v_∞) e^{−t/τ_m} for the time to reach v_th, add t_ref, "
    "and invert (ms → Hz: 1000 / T). Below the rheobase the rate is 0.",
    rtol=1e-4,
)

value_check(
    "lif.max_rate",
    expected=lambda: float(lif.lif_rate_hz(1e12, params=lif.LIFParams(t_ref=MAX_RATE_T_REF_MS))),
    hint="For a huge current the neuron reaches threshold at once after every refractory "
    "period: what is left of the period? (A period in ms gives a rate in Hz as 1000 / period.)",
    rtol=1e-3,
    unit="Hz",
)

value_check(
    "lif.adapted_rate",
    expected=lambda: float(lif.adaptive_lif_rate_hz(ADAPTATION_CURRENT_PA, params=lif.ADAPTIVE)),
    hint="Simulate lif.ADAPTIVE at 500 pA for a few seconds and count spikes in the last "
    "second only: the first hundreds of ms are the adaptation transient.",
    rtol=0.03,
    unit="Hz",
)


@cache
def matched_lif_rate() -> float:
    """Rate [Hz] of notebook 03's LIF neuron matched to the lecture's HH model, at 1.5 µA/cm²."""
    params = hh.HHParams()
    rheobase = hh.rheobase(params=params, duration=300.0, rtol=1e-2)
    matched, pa_per_ua = lif.lif_params_like_hh(
        rheobase, hh.resting_potential(params=params), c_m=params.c_m, g_l=params.g_l
    )
    return float(lif.lif_rate_hz(MATCHED_STEP_UA * pa_per_ua, params=matched))


prediction_task(
    "lif.matched_lif_rate",
    matched_lif_rate,
    question="the matched LIF neuron's rate at 1.5 µA/cm² [Hz]",
    unit="Hz",
    rtol=0.25,
    explanation="Matched at the rheobase, the LIF threshold sits less than 1 mV above rest, and "
    "after each spike the LIF neuron only has to recharge that millivolt (plus t_ref) through a "
    "3 ms membrane, so a current a little above the rheobase already gives hundreds of Hz. The "
    "HH neuron recovers through slow gates (h must reopen, n must close), which stretches every "
    "interval. One matched number (the rheobase) does not make two models agree elsewhere.",
)

explain_prompt(
    "lif.delta_reset",
    question="Why must the δ-term carry the factor C·(v_th − v_reset)?",
    model_answer="Integrate C dv/dt over an instant around the spike time: the leak and i_ext "
    "contribute nothing in zero time, while a δ-pulse of weight q changes C·v by q. To take v "
    "from v_th down to v_reset the pulse must remove the charge C·(v_th − v_reset); a weight of 1 "
    "would have the wrong units (charge, not voltage) and the wrong size.",
)
