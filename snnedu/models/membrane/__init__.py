"""Membrane equilibria: Nernst and GHK potentials, the Na⁺/K⁺ pump, and drift–diffusion.

Units: concentrations in mM (= mol m⁻³), potentials in mV, temperatures in °C (argument
``temperature_c``; 37 °C = 310.15 K), permeabilities in cm s⁻¹, currents per membrane area in
µA cm⁻², capacitance in µF cm⁻². Sign convention: ``v = φ_in − φ_out``; outward current is
positive. Constants: R = 8.314462618 J mol⁻¹ K⁻¹ and F = 96485.33212 C mol⁻¹ (exact SI 2019).

**Nernst potential** (equilibrium of one ion species of valence ``z``)

.. math:: E_X = \\frac{RT}{zF} \\ln\\frac{[X]_{out}}{[X]_{in}}

**Goldman–Hodgkin–Katz** (Goldman 1943; Hodgkin & Katz 1949). Constant-field current of one
species, with :math:`u = zFV/RT`:

.. math:: I_X = P_X\\, z F\\, u\\, \\frac{[X]_{in} - [X]_{out} e^{-u}}{1 - e^{-u}}

and the potential at which the K⁺, Na⁺ and Cl⁻ currents sum to zero (anions swap sides):

.. math:: V_{rest} = \\frac{RT}{F}\\ln\\frac{P_K[K]_o + P_{Na}[Na]_o + P_{Cl}[Cl]_i}
                                         {P_K[K]_i + P_{Na}[Na]_i + P_{Cl}[Cl]_o}

**Na⁺/K⁺ pump** (Post & Jolly 1957: 3 Na⁺ out, 2 K⁺ in per ATP; one net charge out per
cycle). When the pump balances the passive Na⁺ and K⁺ fluxes, the passive currents stand in
the ratio ``I_Na = −r I_K`` with ``r = 3/2``, which gives Mullins & Noda (1963):

.. math:: V = \\frac{RT}{F}\\ln\\frac{r P_K[K]_o + P_{Na}[Na]_o}{r P_K[K]_i + P_{Na}[Na]_i}

Over time (:func:`simulate_pump_leak`) a cell of fixed volume per membrane area ``w`` obeys

.. math::
    C_m \\frac{dV}{dt} = -(I_{Na} + I_K + I_{pump}),\\quad
    \\frac{d[Na]_i}{dt} = -\\frac{I_{Na} + 3 I_{p}}{F w},\\quad
    \\frac{d[K]_i}{dt} = -\\frac{I_K - 2 I_{p}}{F w}

with GHK leak currents, ``I_pump = I_p`` (one net charge per cycle) and a pump rate that
saturates in internal Na⁺ and external K⁺:
``I_p = I_max (Na_i/(Na_i + K_Na))³ (K_o/(K_o + K_K))²``.

**Nernst–Planck with Poisson** (:func:`simulate_drift_diffusion`). One permeant cation
(concentration ``c``, valence ``z``) and one impermeant anion ``a`` in 1-D: an inside
compartment, a membrane, an outside compartment. Flux densities and charge:

.. math::
    J = -D\\left(\\frac{\\partial c}{\\partial x} + c\\,\\frac{\\partial}{\\partial x}
        \\Big(\\frac{zF\\varphi}{RT} + w\\Big)\\right),\\qquad
    \\frac{\\partial c}{\\partial t} = -\\frac{\\partial J}{\\partial x},\\qquad
    -\\frac{\\partial}{\\partial x}\\Big(\\varepsilon \\frac{\\partial\\varphi}{\\partial x}\\Big)
        = F (z c - a)

``w`` is the cation's extra free energy inside the lipid (in units of RT: the membrane holds
``β = e^{-w}`` times the water concentration at equilibrium). At zero flux ``c ∝ e^{-zFφ/RT}``
(Boltzmann) and, where both compartments are electroneutral, ``φ_in − φ_out`` is the Nernst
potential — whatever ``D`` or ``w`` are.
"""

from snnedu.models.membrane.drift_diffusion import (
    DEFAULT_DRIFT_DIFFUSION,
    DriftDiffusionParams,
    DriftDiffusionResult,
    drift_diffusion_max_dt,
    simulate_drift_diffusion,
)
from snnedu.models.membrane.equilibria import (
    COUPLING_RATIO,
    FARADAY,
    GAS_CONSTANT,
    LECTURE_CONCENTRATIONS,
    REST_PERMEABILITIES,
    SQUID_CONCENTRATIONS,
    SQUID_REST_PERMEABILITIES,
    VACUUM_PERMITTIVITY,
    ZERO_CELSIUS,
    IonConcentrations,
    Permeabilities,
    ReversalPotentials,
    charging_fraction,
    ghk_current,
    ghk_currents,
    ghk_voltage,
    membrane_capacitance,
    mullins_noda_voltage,
    nernst,
    nernst_potentials,
    slope_conductance,
    thermal_voltage,
)
from snnedu.models.membrane.pump_leak import (
    DEFAULT_PUMP_LEAK,
    PumpLeakParams,
    PumpLeakResult,
    pump_current,
    pump_leak_rest,
    simulate_pump_leak,
)

__all__ = [
    "COUPLING_RATIO",
    "DEFAULT_DRIFT_DIFFUSION",
    "DEFAULT_PUMP_LEAK",
    "FARADAY",
    "GAS_CONSTANT",
    "LECTURE_CONCENTRATIONS",
    "REST_PERMEABILITIES",
    "SQUID_CONCENTRATIONS",
    "SQUID_REST_PERMEABILITIES",
    "VACUUM_PERMITTIVITY",
    "ZERO_CELSIUS",
    "DriftDiffusionParams",
    "DriftDiffusionResult",
    "IonConcentrations",
    "Permeabilities",
    "PumpLeakParams",
    "PumpLeakResult",
    "ReversalPotentials",
    "charging_fraction",
    "drift_diffusion_max_dt",
    "ghk_current",
    "ghk_currents",
    "ghk_voltage",
    "membrane_capacitance",
    "mullins_noda_voltage",
    "nernst",
    "nernst_potentials",
    "pump_current",
    "pump_leak_rest",
    "simulate_drift_diffusion",
    "simulate_pump_leak",
    "slope_conductance",
    "thermal_voltage",
]
