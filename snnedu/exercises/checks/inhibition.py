"""Checks for notebook 05 (lateral inhibition).

Every expected value is computed by
:mod:`snnedu.models.inhibition` and :mod:`snnedu.models.stimuli`.
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


value_check(
    "inhibition.bright_band_height",
    expected=lambda: float(
        np.max(inhibition.dog_response(stimuli.mach_ramp(), sigma_c=1.0, sigma_s=3.0))
        - inhibition.dog_response(stimuli.mach_ramp(), sigma_c=1.0, sigma_s=3.0)[-1]
    ),
    hint="response = dog_response(mach_ramp(), sigma_c=1.0, sigma_s=3.0); the band is the "
    "largest value of the response, the plateau far from the ramp is response[-1].",
    rtol=0.02,
    unit="a.u.",
)

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
        rng=rng,
        params=inhibition.WTAParams(inhibition=1.0, t_inh=300.0),
        duration=300.0,
    )
    return float(np.count_nonzero(result.counts))


value_check(
    "inhibition.hard_wta_winners",
    expected=_single_winner,
    hint="Run it and count: result.counts holds each neuron's spikes, and np.count_nonzero "
    "counts the neurons that fired at least once. Then ask why that many.",
    atol=0.0,
    rtol=0.0,
)


@cache
def short_window_winners(n_seeds: int = 20) -> float:
    """Median number of different neurons that fire in notebook 05's short-window WTA race."""
    counts = [
        np.count_nonzero(
            inhibition.simulate_wta(
                np.linspace(2000.0, 3000.0, 10),
                rng=np.random.default_rng(seed),
                params=inhibition.WTAParams(inhibition=1.0, t_inh=20.0),
                duration=300.0,
            ).counts
        )
        for seed in range(n_seeds)
    ]
    return float(np.median(counts))


prediction_task(
    "inhibition.short_window_winners",
    short_window_winners,
    question="how many different neurons fire in 300 ms (a count)",
    atol=1.5,
    explanation="Complete inhibition lets only the first neuron fire in each 20 ms window, but "
    "every window starts a new race, and the race is stochastic: Poisson input gives the "
    "strongest neuron the best odds, not a certainty. Over a dozen windows several neurons win "
    "at least once. One winner needs a window as long as the presentation (or much stronger "
    "differences between the inputs, or a winner that is favoured by its own history).",
)

explain_prompt(
    "inhibition.wavy_grid",
    question="What will the DoG model predict for the wavy grid, and what does that say?",
    model_answer="The DoG unit only sums light in a circular centre and surround; bending the "
    "streets barely changes how much white surrounds an intersection, so the model still "
    "predicts dark spots. Observers see none: the illusion depends on the streets being "
    "straight, which a circular retinal filter cannot sense. Orientation-selective, cortical "
    "mechanisms must be part of the explanation.",
)
