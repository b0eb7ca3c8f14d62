"""Checks for notebook 06 (STDP, winner-take-all, prototypes).

Every expected value is computed
by :mod:`snnedu.models.stdp` or :mod:`snnedu.networks.prototypes`.
"""

from __future__ import annotations

from functools import cache

import numpy as np

from snnedu.exercises.checking import function_check, prediction_task, value_check
from snnedu.models import stdp
from snnedu.models.stimuli import bar_prototypes, noisy_samples
from snnedu.networks.prototypes import PrototypeParams, match_prototypes, train_prototypes

value_check(
    "stdp.window_ltp",
    expected=lambda: float(stdp.stdp_window([10.0], w=0.5, params=stdp.PairSTDPParams())[0]),
    hint="Pre 10 ms before post: Δw = η_post · exp(−Δt / τ_pre) with the default "
    "PairSTDPParams (additive, μ = 0).",
    rtol=1e-3,
)

value_check(
    "stdp.window_ltd_soft",
    expected=lambda: float(stdp.stdp_window([-20.0], w=0.8, params=stdp.PairSTDPParams(mu=1.0))[0]),
    hint="Post 20 ms before pre depresses: Δw = −η_pre · w^μ · exp(Δt / τ_post); with μ = 1 the "
    "change is proportional to w.",
    rtol=1e-3,
)

_TRIPLET = stdp.rule_code("triplet")


def _triplet_on_post(w, x_pre, x_post2_before, params):
    return stdp.stdp_on_post(_TRIPLET, w, x_pre, x_post2_before, params)


_P = stdp.stdp_params("triplet", eta_post=0.3)
function_check(
    "stdp.triplet_on_post",
    _triplet_on_post,
    cases=[
        (0.5, 1.0, 0.5, _P),
        (0.2, 0.3, 0.0, _P),
        (0.95, 1.0, 1.0, _P),  # must be clipped at w_max
        (0.1, 0.7, 0.9, stdp.stdp_params("triplet")),
    ],
    hint="Use the triplet rule's post-synaptic update from the text above (which traces does it "
    "multiply?), then keep w inside [0, w_max].",
    rtol=1e-9,
    atol=1e-12,
)


@cache
def prototypes_learned_without_inhibition(seed: int = 0, n_samples: int = 300) -> int:
    """How many different bars the four neurons prefer after training without inhibition."""
    rng = np.random.default_rng(seed)
    prototypes = bar_prototypes(4)
    data = noisy_samples(prototypes, n_samples, 0.1, rng)
    result = train_prototypes(data.images, 4, rng=rng, params=PrototypeParams(inhibition=0.0))
    match = match_prototypes(result.receptive_fields, prototypes)
    return int(np.unique(np.argmax(match.similarity, axis=1)).size)


prediction_task(
    "stdp.bars_without_inhibition",
    lambda: float(prototypes_learned_without_inhibition()),
    question="how many different bars the four neurons prefer without inhibition (a count)",
    atol=0.5,
    explanation="Without inhibition every neuron sees every image, fires for it and strengthens "
    "the inputs that drove it. Nothing makes the neurons differ, and the bar that happened to "
    "drive them most early on is reinforced in all of them (rich get richer), so they converge "
    "on the same receptive field. Winner-take-all breaks the symmetry: only the winner fires "
    "and learns, and the adaptive threshold hands the next images to the others.",
)
