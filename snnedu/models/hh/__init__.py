"""The Hodgkin–Huxley model: three parallel currents, gates, spikes and refractoriness.

Membrane equation (per unit area) and gating, x ∈ {m, h, n}:

.. math::

    C_m \\frac{dv}{dt} = i_{ext} - g_{Na} m^3 h (v - E_{Na}) - g_K n^4 (v - E_K) - g_L (v - E_L)

    \\frac{dx}{dt} = \\alpha_x(v)(1 - x) - \\beta_x(v) x = -\\frac{x - x_0(v)}{\\tau_x(v)},

    x_0 = \\frac{\\alpha_x}{\\alpha_x + \\beta_x}, \\qquad \\tau_x = \\frac{1}{\\alpha_x + \\beta_x}

Every α and β is multiplied by the temperature factor ``phi`` = Q10^((T − T_ref)/10).

Two parameter sets:

- ``HHParams()``: the lecture's table, Gerstner, Kistler, Naud & Paninski (2014) *Neuronal
  Dynamics*, Table 2.1 (E_Na 55, E_K −77, E_L −65 mV; g_Na 40, g_K 35, g_L 0.3 mS/cm²), rate
  functions fitted to cortical pyramidal neurons (m, n: Mainen et al. 1995; h: Naud). Rest is
  −63.05 mV (not −65: the leak is not the only current open at rest); the model fires tonically
  only for 0.4–2 µA/cm² and goes into depolarisation block above.
- ``HHParams.squid_1952()``: Hodgkin & Huxley (1952) *J. Physiol.* 117, 500–544, squid giant axon
  at 6.3 °C, shifted to the −65 mV rest convention (E_Na 50, E_K −77, E_L −54.387 mV; g_Na 120,
  g_K 36, g_L 0.3 mS/cm²), with Q10 = 3 temperature scaling.

Units (per membrane area, the HH convention): v and E in mV, t in ms, g in mS/cm², i in µA/cm²,
C_m in µF/cm², α and β in 1/ms. Currents are positive outward, so I_Na is negative while
Na⁺ rushes in.

Integration (:func:`simulate_hh`): the gates are staggered half a step from v, as in NEURON's
second-order scheme (Hines 1984). Each gate is advanced exactly for v frozen at the midpoint of
its step (the Rush–Larsen / exponential-Euler update ``x ← x0 + (x − x0) exp(−dt/τ)``), then v is
advanced with the trapezoidal (Crank–Nicolson) rule for the midpoint conductances. Both steps are
centred, so the scheme is second order in dt. α and β come from a table with 0.05 mV spacing
(linear interpolation, relative error < 1e-5; evaluated exactly outside −150…+100 mV), because
``exp`` costs more than the rest of a step together. A dt at which the scheme is inaccurate or
the trapezoidal rule would oscillate is refused (:func:`max_dt`).

>>> res = simulate_hh(step_current(1.0, t_on=10.0, t_off=210.0, duration=250.0))
>>> round(resting_potential(), 2), res.spike_times.size        # rest, spikes in 200 ms at 1 µA/cm²
(-63.05, 5)
>>> simulate_hh(step_current(10.0, 10.0, 210.0, 250.0)).spike_times.size   # depolarisation block
1
"""

from snnedu.models.hh.model import (
    KINETICS_GERSTNER_2014,
    KINETICS_HH_1952,
    LECTURE_PARAMS,
    Currents,
    GateValues,
    HHParams,
    HHState,
    alpha_beta,
    currents,
    gate_rates,
    init_hh_state,
    q10_factor,
    resting_potential,
    steady_state_current,
    tau,
    x0,
)
from snnedu.models.hh.protocols import (
    FICurve,
    RefractoryCurve,
    RefractoryPeriods,
    SpikeFeatures,
    fi_curve,
    refractory_curve,
    refractory_periods,
    rheobase,
    spike_features,
    spike_times,
    threshold_current,
)
from snnedu.models.hh.simulate import (
    SPIKE_HYSTERESIS,
    HHResult,
    max_dt,
    simulate_hh,
    spike_counts,
    spike_raster,
    spike_trains,
)
from snnedu.models.hh.stimuli import (
    n_steps_for,
    ou_current,
    paired_pulse_current,
    pulse_train,
    step_current,
)

__all__ = [
    "KINETICS_GERSTNER_2014",
    "KINETICS_HH_1952",
    "LECTURE_PARAMS",
    "SPIKE_HYSTERESIS",
    "Currents",
    "FICurve",
    "GateValues",
    "HHParams",
    "HHResult",
    "HHState",
    "RefractoryCurve",
    "RefractoryPeriods",
    "SpikeFeatures",
    "alpha_beta",
    "currents",
    "fi_curve",
    "gate_rates",
    "init_hh_state",
    "max_dt",
    "n_steps_for",
    "ou_current",
    "paired_pulse_current",
    "pulse_train",
    "q10_factor",
    "refractory_curve",
    "refractory_periods",
    "resting_potential",
    "rheobase",
    "simulate_hh",
    "spike_counts",
    "spike_features",
    "spike_raster",
    "spike_times",
    "spike_trains",
    "steady_state_current",
    "step_current",
    "tau",
    "threshold_current",
    "x0",
]
