"""Checks for notebook 05 (lateral inhibition). Every expected value is computed by
:mod:`snnedu.models.inhibition` and :mod:`snnedu.models.stimuli`."""

from __future__ import annotations

import numpy as np

from snnedu.exercises.checking import function_check, value_check
from snnedu.models import inhibition, stimuli

UNIFORM_EXCITATION_HZ = 20.0
"""Excitation e of every receptor in the uniform-field exercise [Hz]."""

UNIFORM_STRENGTH = 0.6
"""Total inhibition ΣK in the uniform-field exercise."""

value_check(
    "inhibition.uniform_rate",
    expected=lambda: float(
        inhibition.hartline_ratliff(
            np.full(200, UNIFORM_EXCITATION_HZ),
            inhibition.hr_kernel(strength=UNIFORM_STRENGTH, length=3.0),
        )[100]
    ),
    hint="In a uniform field every unit has the same rate r, so r = e − ΣK · r. Solve for r.",
    rtol=1e-3,
    unit="Hz",
)

value_check(
    "inhibition.bright_band_position",
    expected=lambda: float(
        np.argmax(inhibition.dog_response(stimuli.mach_ramp(), sigma_c=1.0, sigma_s=3.0))
    ),
    hint="Plot the DoG response to mach_ramp() and find where it is largest: is it where the "
    "ramp meets the dark plateau or the bright one?",
    atol=1.0,
    unit="px",
)


def _dog_kernel_1d(sigma_c, sigma_s, radius):
    return inhibition.dog_kernel(sigma_c, sigma_s, radius=radius)


function_check(
    "inhibition.dog_kernel",
    _dog_kernel_1d,
    cases=[(1.0, 3.0, 12), (2.0, 5.0, 20), (0.5, 1.5, 6)],
    hint="Build x = −radius … radius, two Gaussians exp(−x²/2σ²), divide each by its own sum, "
    "then subtract the surround from the centre.",
    rtol=1e-6,
    atol=1e-12,
)


def _single_winner() -> float:
    rng = np.random.default_rng(0)
    result = inhibition.simulate_wta(
        np.linspace(2000.0, 3000.0, 10),
        rng,
        inhibition.WTAParams(inhibition=1.0, t_inh=300.0),
        duration_ms=300.0,
    )
    return float(np.count_nonzero(result.counts))


value_check(
    "inhibition.hard_wta_winners",
    expected=_single_winner,
    hint="With complete inhibition every neuron is held at v_rest until t_s + t_inh after the "
    "first spike; how many neurons can fire if t_inh is as long as the whole run?",
    atol=0.0,
    rtol=0.0,
)
