"""Checks for notebook 02 (Hodgkin–Huxley).

Every expected value is computed by
:mod:`snnedu.models.hh`: the lecture's parameters (Gerstner et al. 2014, Table 2.1) unless the
key says squid (Hodgkin & Huxley 1952).
"""

from __future__ import annotations

from functools import cache

import numpy as np

from snnedu.exercises.checking import explain_prompt, function_check, value_check
from snnedu.models import hh

REFRACTORY_INTERVALS = np.arange(1.5, 30.25, 0.5)
"""Intervals [ms] of the squid refractory curve that notebook 02 plots for the exercise."""

RHEOBASE_STEP_MS = 500.0
"""Length of the current step in the rheobase exercise [ms]."""


@cache
def squid_refractory_curve() -> hh.RefractoryCurve:
    """Return the squid axon's paired-pulse curve on :data:`REFRACTORY_INTERVALS` (cached)."""
    return hh.refractory_curve(REFRACTORY_INTERVALS, params=hh.HHParams.squid_1952())


value_check(
    "hh.resting_potential",
    expected=lambda: hh.resting_potential(params=hh.HHParams()),
    hint="Simulate without input for a few hundred ms and read v at the end, or find where the "
    "total steady-state current is zero. It is not E_L = −65 mV: Na⁺ and K⁺ channels are not "
    "completely shut at rest.",
    atol=0.1,
    unit="mV",
)

function_check(
    "hh.m_inf",
    lambda v: hh.x0(v, params=hh.HHParams()).m,
    cases=[(-80.0,), (-63.0,), (-50.0,), (-20.0,), (0.0,), (30.0,)],
    hint="m₀(v) = α_m / (α_m + β_m) with α_m = 0.182 (v + 35) / (1 − exp(−(v + 35)/9)) and "
    "β_m = −0.124 (v + 35) / (1 − exp((v + 35)/9)); mind the sign inside each exp.",
    rtol=1e-6,
)

value_check(
    "hh.pulse_threshold",
    expected=lambda: hh.threshold_current(params=hh.HHParams(), width=1.0),
    hint="Bisection: start from an amplitude that fails (0) and one that fires (say 20 µA/cm²); "
    "test the middle, keep the half that still brackets the threshold, stop when the bracket "
    "is 1 % wide. Watch up to 100 ms after the pulse: near threshold the spike comes late.",
    rtol=0.02,
    unit="µA/cm²",
)

value_check(
    "hh.rheobase",
    expected=lambda: hh.rheobase(params=hh.HHParams(), duration=RHEOBASE_STEP_MS),
    hint=f"Same bisection as for the pulse, but the current now stays on for "
    f"{RHEOBASE_STEP_MS:g} ms and any spike during the step counts. The answer is well below "
    "1 µA/cm²: a long step needs far less current than a 1 ms pulse.",
    rtol=0.03,
    unit="µA/cm²",
)

value_check(
    "hh.refractory_period",
    expected=lambda: hh.refractory_periods(squid_refractory_curve()).absolute,
    hint="On the squid axon's refractory curve, find the last interval at which no second spike "
    "could be evoked at all (marked at the top of the plot: the threshold is infinite there); "
    "the intervals are 0.5 ms apart, so give one of them exactly.",
    atol=0.05,
    unit="ms",
)

explain_prompt(
    "hh.gate_sign",
    question="What would happen to a gate slightly above x₀ if dx/dt = +(x − x₀)/τ?",
    model_answer="With a plus sign the rate of change has the same sign as the deviation: a gate "
    "above x₀ would grow faster and faster (x − x₀ ∝ e^{+t/τ}) and one below would fall, so every "
    "gate would run away from its steady state and out of [0, 1] — an unstable equation. With the "
    "minus sign the deviation decays as e^{−t/τ}: the gate relaxes to x₀(v), and τ says how fast.",
)
