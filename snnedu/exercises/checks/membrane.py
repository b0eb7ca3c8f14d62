"""Checks for notebook 01 (membrane equilibria).

Every expected value is computed by
:mod:`snnedu.models.membrane` from the lecture's concentration set at 37 °C.
"""

from __future__ import annotations

from functools import cache

from snnedu.exercises.checking import (
    explain_prompt,
    function_check,
    prediction_task,
    value_check,
)
from snnedu.models import membrane

HIGH_K_OUT = 10.0
"""Extracellular K⁺ [mM] in the "raise external potassium" exercise (normal: 4 mM)."""

SOMA_RADIUS_UM = 10.0
"""Radius of the spherical soma in the "how many ions move" exercise [µm]."""


def _lecture():
    return membrane.LECTURE_CONCENTRATIONS


value_check(
    "membrane.nernst_k",
    expected=lambda: membrane.nernst(_lecture().k_out, _lecture().k_in, 1, 37.0),
    hint="E = (RT / zF) · ln([K⁺]out / [K⁺]in) with T in kelvin (37 °C = 310.15 K); "
    "RT/F ≈ 26.7 mV at 37 °C. Which side has more K⁺, and so what sign must E_K have?",
    atol=0.5,
    unit="mV",
)

function_check(
    "membrane.nernst_function",
    lambda c_out, c_in, z, temperature_c: membrane.nernst(c_out, c_in, z, temperature_c),
    cases=[
        (145.0, 16.5, 1, 37.0),
        (4.0, 130.0, 1, 37.0),
        (110.0, 10.0, -1, 37.0),
        (2.0, 1e-4, 2, 37.0),
        (20.0, 400.0, 1, 6.3),
        (10.0, 10.0, 1, 20.0),
    ],
    hint="nernst(c_out, c_in, z, temperature_c) must return millivolts: use R = 8.314462618, "
    "F = 96485.33212, T = temperature_c + 273.15, multiply volts by 1000, and divide by z "
    "(it can be negative or 2).",
    rtol=1e-4,
)

value_check(
    "membrane.ghk_rest",
    expected=lambda: membrane.ghk_voltage(_lecture(), membrane.REST_PERMEABILITIES),
    hint="GHK: V = (RT/F) ln((P_K[K]o + P_Na[Na]o) / (P_K[K]i + P_Na[Na]i)) with "
    "P_K : P_Na = 1 : 0.04; only the ratio matters.",
    atol=0.5,
    unit="mV",
)

value_check(
    "membrane.high_k_rest",
    expected=lambda: membrane.ghk_voltage(
        _lecture()._replace(k_out=HIGH_K_OUT), membrane.REST_PERMEABILITIES
    ),
    hint=f"Use the GHK equation again with [K⁺]out = {HIGH_K_OUT:g} mM and everything else "
    "unchanged; the potential should move towards 0 (depolarise).",
    atol=0.5,
    unit="mV",
)

value_check(
    "membrane.r_m",
    expected=lambda: (
        1.0
        / membrane.slope_conductance(
            membrane.ghk_voltage(_lecture(), membrane.REST_PERMEABILITIES),
            _lecture(),
            membrane.REST_PERMEABILITIES,
        )
    ),
    hint="R_m is the inverse slope of the total current at V_rest: take dI/dV there "
    "(µA/cm² per mV is mS/cm²) and invert it (1 / (mS/cm²) = kΩ·cm²).",
    rtol=0.05,
    unit="kΩ·cm²",
)

value_check(
    "membrane.pump_shift",
    expected=lambda: (
        membrane.mullins_noda_voltage(_lecture(), membrane.REST_PERMEABILITIES)
        - membrane.ghk_voltage(_lecture(), membrane.REST_PERMEABILITIES)
    ),
    hint="Mullins–Noda: multiply P_K by r = 3/2 in both numerator and denominator, compute "
    "V, and subtract the GHK V_rest. An outward pump current makes V more negative.",
    atol=0.3,
    unit="mV",
)

value_check(
    "membrane.charging_fraction",
    expected=lambda: membrane.charging_fraction(
        membrane.nernst(_lecture().k_out, _lecture().k_in, 1, 37.0),
        _lecture().k_in,
        volume_to_area_um=SOMA_RADIUS_UM / 3.0,
        c_m=1.0,
    ),
    hint="Charge per area Q = C_m·|E_K| (1 µF/cm² = 0.01 F/m²), moles per area Q/F; the soma "
    "holds [K⁺]in · (r/3) moles per area (mM = mol/m³, r in metres). Divide the two.",
    rtol=0.05,
)


@cache
def pump_blocked_potential(minutes: float = 30.0) -> float:
    """Membrane potential [mV] of ``PumpLeakParams()``'s cell after ``minutes`` without pump."""
    blocked = membrane.PumpLeakParams()._replace(i_pump_max=0.0)
    return float(membrane.simulate_pump_leak(duration=minutes * 60.0, params=blocked).v[-1])


prediction_task(
    "membrane.pump_blocked_30min",
    pump_blocked_potential,
    question="the membrane potential after 30 minutes with the pump blocked [mV]",
    unit="mV",
    atol=3.0,
    explanation="Blocking the pump removes its outward current at once, so V jumps up by the "
    "pump's electrogenic share within milliseconds. But that is not the end: without the pump "
    "nothing returns the Na⁺ that leaks in and the K⁺ that leaks out, so the gradients run "
    "down, E_K and E_Na both creep towards zero and the resting potential follows them, minute "
    "by minute. The slow drift is larger than the jump: the pump's main job is to keep the "
    "batteries charged, not to add its few mV.",
)

explain_prompt(
    "membrane.high_k_vs_e_k",
    question="Why does V_rest move by a different amount than E_K when [K⁺]out rises?",
    model_answer="E_K depends on [K⁺]out alone, through ln([K⁺]out/[K⁺]in). In the GHK equation "
    "[K⁺]out is added to the Na⁺ term P_Na·[Na⁺]out, which does not change, so the argument of "
    "the logarithm grows by a smaller factor and V_rest depolarises by less than E_K. The more "
    "the membrane is dominated by K⁺ (the smaller P_Na/P_K), the closer V_rest follows E_K.",
)
