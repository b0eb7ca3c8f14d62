"""Checks for notebook 03 (integrate-and-fire). Every expected value is computed by
:mod:`snnedu.models.lif` for the default neuron ``LIFParams()`` (or the stated variant)."""

from __future__ import annotations

from snnedu.exercises.checking import function_check, value_check
from snnedu.models import lif

ADAPTATION_CURRENT_PA = 500.0
"""Current of the adaptation exercise [pA]."""

value_check(
    "lif.rheobase",
    expected=lambda: lif.rheobase_pa(lif.LIFParams()),
    hint="At the rheobase the steady state v_rest + R·i just reaches v_th. Mind the units: "
    "R in MΩ times i in pA gives µV, divide by 1000 for mV.",
    rtol=1e-3,
    unit="pA",
)

function_check(
    "lif.fi_curve",
    lambda i_ext: lif.lif_rate_hz(i_ext, lif.LIFParams()),
    cases=[(100.0,), (250.0,), (300.0,), (500.0,), (1000.0,), (5000.0,)],
    hint="Solve v(t) = v_∞ + (v_reset − v_∞) e^{−t/τ_m} for the time to reach v_th, add t_ref, "
    "and invert (ms → Hz: 1000 / T). Below the rheobase the rate is 0.",
    rtol=1e-4,
)

value_check(
    "lif.max_rate",
    expected=lambda: float(lif.lif_rate_hz(1e12, lif.LIFParams())),
    hint="For a huge current the neuron reaches threshold at once after every refractory "
    "period: what is left of the period?",
    rtol=1e-3,
    unit="Hz",
)

value_check(
    "lif.adapted_rate",
    expected=lambda: float(lif.adaptive_lif_rate_hz(ADAPTATION_CURRENT_PA, lif.ADAPTIVE)),
    hint="Simulate lif.ADAPTIVE at 500 pA for a few seconds and count spikes in the last "
    "second only: the first hundreds of ms are the adaptation transient.",
    rtol=0.03,
    unit="Hz",
)
