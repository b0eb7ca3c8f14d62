"""Prediction tasks for the axon in notebook 02.

Every model value is computed by
:mod:`snnedu.models.cable`.
"""

from __future__ import annotations

from functools import cache

from snnedu.exercises.checking import prediction_task
from snnedu.models import cable

THIN_DIAMETER_UM = 476.0 / 4
"""Diameter of the thin axon in the prediction [µm] (a quarter of the squid's)."""


@cache
def thin_axon_velocity() -> float:
    """Conduction velocity [m/s] of the squid axon with a quarter of its diameter."""
    axon = cable.AxonParams(length_mm=40.0, diameter_um=THIN_DIAMETER_UM, dx_mm=0.125)
    run = cable.simulate_axon(params=axon, duration=8.0)
    return cable.conduction_velocity(run, start_mm=8.0, stop_mm=32.0)


prediction_task(
    "cable.thin_axon_velocity",
    thin_axon_velocity,
    question="the conduction velocity of the 119 µm axon [m/s]",
    unit="m/s",
    rtol=0.15,
    explanation="The spike spreads ahead of itself over about one length constant, and "
    "λ = sqrt(R_m d / (4 R_i)) grows as the square root of the diameter; the time a patch needs "
    "to charge and fire is set by its membrane and does not depend on d. So the velocity scales "
    "like λ, as √d: a quarter of the diameter halves the speed. Thick axons are fast but "
    "costly in volume; vertebrates instead wrap axons in myelin, which raises the membrane "
    "resistance and lowers its capacitance between the nodes, so the spike jumps from node to "
    "node.",
)
