"""Membrane equilibria: Nernst and GHK potentials, the Na⁺/K⁺ pump, and drift–diffusion.

Units: concentrations in mM (= mol m⁻³), potentials in mV, temperatures in °C (argument
``temperature_c``; 37 °C = 310.15 K), permeabilities in cm s⁻¹, currents per membrane area in
µA cm⁻², capacitance in µF cm⁻². Sign convention: ``v = φ_in − φ_out``; outward current is
positive. Constants: R = 8.314462618 J mol⁻¹ K⁻¹ and F = 96485.33212 C mol⁻¹ (exact SI 2019).
Equations and tables: ``reference/biophysics.md`` §1–4.

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

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.jit import jit
from snnedu.core.validation import (
    finite_array,
    require_finite,
    require_non_negative,
    require_positive,
)

GAS_CONSTANT = 8.314462618
"""R [J mol⁻¹ K⁻¹] (exact, SI 2019)."""

FARADAY = 96485.33212
"""F [C mol⁻¹] (exact, SI 2019)."""

VACUUM_PERMITTIVITY = 8.8541878128e-12
"""ε₀ [F m⁻¹] (CODATA 2018)."""

ZERO_CELSIUS = 273.15
"""0 °C in kelvin."""

COUPLING_RATIO = 1.5
"""Na⁺ pumped out per K⁺ pumped in: 3 / 2 (Post & Jolly 1957)."""


class IonConcentrations(NamedTuple):
    """Ion concentrations on both sides of the membrane and the temperature.

    The defaults are the lecture's set at body temperature (reference sheet §1, chosen within
    mammalian ranges): E_Na = +58.09 mV, E_K = −93.04 mV, E_Cl = −64.09 mV at 37 °C.
    :data:`SQUID_CONCENTRATIONS` is the classical squid-axon set at 6.3 °C.
    """

    na_out: float = 145.0  # [mM]
    na_in: float = 16.5  # [mM]
    k_out: float = 4.0  # [mM]
    k_in: float = 130.0  # [mM]
    cl_out: float = 110.0  # [mM]
    cl_in: float = 10.0  # [mM]
    temperature_c: float = 37.0  # [°C]


LECTURE_CONCENTRATIONS = IonConcentrations()
"""The lecture's set at 37 °C (the :class:`IonConcentrations` defaults)."""

SQUID_CONCENTRATIONS = IonConcentrations(
    na_out=440.0, na_in=50.0, k_out=20.0, k_in=400.0, cl_out=560.0, cl_in=40.0, temperature_c=6.3
)
"""Squid giant axon (Hodgkin & Huxley's preparation) at 6.3 °C: E_K = −72.1 mV,
E_Na = +52.4 mV, E_Cl = −63.5 mV (reference sheet §1)."""


class Permeabilities(NamedTuple):
    """Resting membrane permeabilities [cm s⁻¹].

    Only the ratios matter for the GHK voltage; the absolute values set the leak currents.
    Defaults: P_K : P_Na : P_Cl = 1 : 0.04 : 0 (reference sheet §2: −69.2 mV with the lecture's
    concentrations). ``p_k = 5e-7 cm/s`` is a choice that gives a specific membrane resistance of
    about 20 kΩ cm² at rest (τ_m ≈ 20 ms with 1 µF cm⁻²), typical of a neuron at rest.
    :data:`SQUID_REST_PERMEABILITIES` has Hodgkin & Katz's (1949) ratios 1 : 0.04 : 0.45.
    """

    p_k: float = 5.0e-7  # [cm/s]
    p_na: float = 2.0e-8  # [cm/s]
    p_cl: float = 0.0  # [cm/s]


REST_PERMEABILITIES = Permeabilities()
"""P_K : P_Na : P_Cl = 1 : 0.04 : 0 (the :class:`Permeabilities` defaults)."""

SQUID_REST_PERMEABILITIES = Permeabilities(p_k=5.0e-7, p_na=2.0e-8, p_cl=2.25e-7)
"""Hodgkin & Katz (1949) resting ratios P_K : P_Na : P_Cl = 1 : 0.04 : 0.45 [cm s⁻¹]."""


class ReversalPotentials(NamedTuple):
    """Nernst potentials of the three ions [mV]."""

    e_na: float  # [mV]
    e_k: float  # [mV]
    e_cl: float  # [mV]


def thermal_voltage(temperature_c: float = 37.0) -> float:
    """RT/F [mV] at ``temperature_c`` [°C].

    >>> round(thermal_voltage(37.0), 3)
    26.727
    """
    kelvin = _kelvin(temperature_c)
    return 1000.0 * GAS_CONSTANT * kelvin / FARADAY


def nernst(c_out, c_in, z: float = 1, temperature_c: float = 37.0):
    """Nernst (equilibrium) potential ``E = RT/(zF) ln(c_out/c_in)`` [mV].

    Parameters
    ----------
    c_out, c_in : float or array
        Concentrations outside and inside [mM]; must be > 0.
    z : float
        Valence (+1 Na⁺ and K⁺, −1 Cl⁻, +2 Ca²⁺); must not be 0.
    temperature_c : float
        Temperature [°C]; must be above absolute zero.

    Returns
    -------
    float or array
        The potential ``φ_in − φ_out`` at which the ion is in equilibrium [mV].

    Examples
    --------
    >>> round(nernst(145.0, 16.5), 2), round(nernst(4.0, 130.0), 2)
    (58.09, -93.04)
    >>> round(nernst(110.0, 10.0, z=-1), 2)
    -64.09
    """
    c_out = _positive_concentration("c_out", c_out)
    c_in = _positive_concentration("c_in", c_in)
    z = _valence(z)
    result = thermal_voltage(temperature_c) / z * np.log(c_out / c_in)
    return float(result) if np.ndim(result) == 0 else result


def nernst_potentials(
    concentrations: IonConcentrations = LECTURE_CONCENTRATIONS,
) -> ReversalPotentials:
    """E_Na, E_K and E_Cl [mV] for a concentration set.

    >>> [round(e, 2) for e in nernst_potentials(SQUID_CONCENTRATIONS)]
    [52.37, -72.14, -63.55]
    """
    c = concentrations
    return ReversalPotentials(
        e_na=nernst(c.na_out, c.na_in, 1, c.temperature_c),
        e_k=nernst(c.k_out, c.k_in, 1, c.temperature_c),
        e_cl=nernst(c.cl_out, c.cl_in, -1, c.temperature_c),
    )


def ghk_voltage(
    concentrations: IonConcentrations = LECTURE_CONCENTRATIONS,
    permeabilities: Permeabilities = REST_PERMEABILITIES,
) -> float:
    """Resting potential from the Goldman–Hodgkin–Katz voltage equation [mV].

    Only the ratios of the permeabilities matter. At least one must be > 0.

    Examples
    --------
    >>> round(ghk_voltage(), 1)                       # 1 : 0.04 : 0
    -69.2
    >>> round(ghk_voltage(permeabilities=Permeabilities(1.0, 0.03, 0.45)), 2)
    -70.55
    """
    c = _checked_concentrations(concentrations)
    p = _checked_permeabilities(permeabilities)
    numerator = p.p_k * c.k_out + p.p_na * c.na_out + p.p_cl * c.cl_in
    denominator = p.p_k * c.k_in + p.p_na * c.na_in + p.p_cl * c.cl_out
    return thermal_voltage(c.temperature_c) * math.log(numerator / denominator)


def ghk_current(v, c_out, c_in, z: float = 1, permeability: float = 5.0e-7, temperature_c=37.0):
    """GHK constant-field current density of one ion species [µA cm⁻²], outward positive.

    ``I = P z F u (c_in − c_out e^{−u}) / (1 − e^{−u})`` with ``u = zFV/RT``; with P in cm/s and
    concentrations in mM this is directly µA cm⁻². It is zero at the Nernst potential.

    Parameters
    ----------
    v : float or array
        Membrane potential [mV].
    c_out, c_in : float
        Concentrations [mM], > 0.
    z : float
        Valence, ≠ 0.
    permeability : float
        Permeability [cm s⁻¹], ≥ 0.
    temperature_c : float
        Temperature [°C].

    Examples
    --------
    >>> e_k = nernst(4.0, 130.0)
    >>> abs(ghk_current(e_k, 4.0, 130.0)) < 1e-12
    True
    >>> ghk_current(-70.0, 4.0, 130.0) > 0          # K⁺ flows out above E_K
    True
    """
    v = np.asarray(_finite_values("v", v), dtype=float)
    c_out = _positive_concentration("c_out", c_out)
    c_in = _positive_concentration("c_in", c_in)
    z = _valence(z)
    permeability = require_non_negative("permeability", permeability, "cm/s")
    u = z * v / thermal_voltage(temperature_c)
    current = permeability * z * FARADAY * (c_in * _bernoulli_np(-u) - c_out * _bernoulli_np(u))
    return float(current) if current.ndim == 0 else current


def ghk_currents(v, concentrations=LECTURE_CONCENTRATIONS, permeabilities=REST_PERMEABILITIES):
    """The Na⁺, K⁺ and Cl⁻ GHK currents [µA cm⁻²] at potential(s) ``v`` [mV].

    Returns a dict ``{"na": ..., "k": ..., "cl": ...}``; their sum is zero at
    :func:`ghk_voltage`.

    >>> i = ghk_currents(ghk_voltage())
    >>> abs(i["na"] + i["k"] + i["cl"]) < 1e-12
    True
    """
    c = _checked_concentrations(concentrations)
    p = _checked_permeabilities(permeabilities)
    t = c.temperature_c
    return {
        "na": ghk_current(v, c.na_out, c.na_in, 1, p.p_na, t),
        "k": ghk_current(v, c.k_out, c.k_in, 1, p.p_k, t),
        "cl": ghk_current(v, c.cl_out, c.cl_in, -1, p.p_cl, t),
    }


def slope_conductance(
    v: float,
    concentrations: IonConcentrations = LECTURE_CONCENTRATIONS,
    permeabilities: Permeabilities = REST_PERMEABILITIES,
) -> float:
    """Slope conductance ``dI/dV`` of the total GHK current at ``v`` [mS cm⁻²].

    Its inverse is the specific membrane resistance ``R_m`` [kΩ cm²] (µA/cm² per mV =
    mS/cm²); with the defaults at rest, R_m ≈ 20 kΩ cm².

    >>> round(1.0 / slope_conductance(ghk_voltage()), 1)
    20.2
    """
    v = require_finite("v", v, "mV")
    step = 1e-3
    above = ghk_currents(v + step, concentrations, permeabilities)
    below = ghk_currents(v - step, concentrations, permeabilities)
    return sum(above[ion] - below[ion] for ion in above) / (2.0 * step)


def mullins_noda_voltage(
    concentrations: IonConcentrations = LECTURE_CONCENTRATIONS,
    permeabilities: Permeabilities = REST_PERMEABILITIES,
    coupling_ratio: float = COUPLING_RATIO,
) -> float:
    """Steady-state potential with the Na⁺/K⁺ pump balancing the leaks (Mullins & Noda 1963) [mV].

    ``V = RT/F ln((r P_K K_o + P_Na Na_o) / (r P_K K_i + P_Na Na_i))``. Chloride, which no pump
    moves, carries no net current in a steady state and drops out (``p_cl`` is ignored).
    ``coupling_ratio = 1`` (an electroneutral pump) gives back the GHK voltage of K⁺ and Na⁺.

    Examples
    --------
    >>> round(mullins_noda_voltage(), 1), round(ghk_voltage(), 1)
    (-75.1, -69.2)
    """
    c = _checked_concentrations(concentrations)
    p = _checked_permeabilities(permeabilities._replace(p_cl=0.0))
    r = require_positive("coupling_ratio", coupling_ratio)
    numerator = r * p.p_k * c.k_out + p.p_na * c.na_out
    denominator = r * p.p_k * c.k_in + p.p_na * c.na_in
    return thermal_voltage(c.temperature_c) * math.log(numerator / denominator)


def membrane_capacitance(thickness_nm: float = 2.5, eps_r: float = 2.8) -> float:
    """Capacitance per area of a lipid bilayer as a parallel-plate capacitor [µF cm⁻²].

    ``C_m = ε_r ε₀ / d``; the hydrocarbon core (d ≈ 2.5 nm, ε_r ≈ 2.8) gives ≈ 1 µF cm⁻².

    >>> round(membrane_capacitance(), 2)
    0.99
    """
    d = require_positive("thickness_nm", thickness_nm, "nm") * 1e-9
    eps_r = require_positive("eps_r", eps_r)
    return eps_r * VACUUM_PERMITTIVITY / d * 100.0  # F/m² → µF/cm²


def charging_fraction(v, c_in: float, volume_to_area_um: float, c_m: float = 1.0, z=1) -> float:
    """Fraction of a cell's ions that must cross the membrane to charge it to ``v``.

    Charge per area ``|C_m v|`` carried by ions of valence ``z``, relative to the ions a cell of
    volume-per-area ``volume_to_area_um`` (a sphere of radius r has r/3) holds at ``c_in``.

    Parameters
    ----------
    v : float
        Membrane potential [mV].
    c_in : float
        Concentration of the ion inside [mM].
    volume_to_area_um : float
        Cell volume / membrane area [µm].
    c_m : float
        Membrane capacitance [µF cm⁻²].
    z : float
        Valence of the ion.

    Examples
    --------
    >>> f = charging_fraction(-93.0, 130.0, volume_to_area_um=10.0 / 3)   # r = 10 µm
    >>> 1e-5 < f < 1e-4
    True
    """
    v = require_finite("v", v, "mV")
    c_in = _positive_concentration("c_in", c_in)
    w = require_positive("volume_to_area_um", volume_to_area_um, "µm") * 1e-6
    c_m = require_positive("c_m", c_m, "µF/cm²") * 1e-2  # → F/m²
    moles_per_area = c_m * abs(v) * 1e-3 / (abs(_valence(z)) * FARADAY)
    return float(moles_per_area / (c_in * w))


# ---------------------------------------------------------------------------------------------
# Pump and leak over time


class PumpLeakParams(NamedTuple):
    """A cell with GHK leaks of Na⁺ and K⁺, a 3 Na⁺ : 2 K⁺ pump, and fixed volume.

    Leak permeabilities are the :class:`Permeabilities` defaults (P_Na/P_K = 0.04). The pump's
    saturation constants are of the order measured for the α1 Na⁺/K⁺-ATPase (Na⁺ ≈ 10 mM per
    site inside, K⁺ ≈ 1.5 mM outside; e.g. the pump of Kager, Wadman & Somjen 2000).
    ``i_pump_max`` was chosen so the lecture's concentrations (:class:`IonConcentrations`) are
    the steady state to within 0.1 mM. ``volume_to_area = 10/3 µm`` is a spherical soma of radius
    10 µm. Extracellular concentrations are held fixed (a large, well-mixed bath); chloride is
    taken as passively distributed and left out; cell volume does not change.
    """

    p_k: float = 5.0e-7  # K⁺ leak permeability [cm/s]
    p_na: float = 2.0e-8  # Na⁺ leak permeability [cm/s]
    i_pump_max: float = 2.17  # maximal pump current [µA/cm²]
    k_na: float = 10.0  # half-activation by internal Na⁺, per site [mM]
    k_k: float = 1.5  # half-activation by external K⁺, per site [mM]
    c_m: float = 1.0  # membrane capacitance [µF/cm²]
    volume_to_area: float = 10.0 / 3.0  # cell volume / membrane area [µm]


DEFAULT_PUMP_LEAK = PumpLeakParams()
"""The :class:`PumpLeakParams` defaults."""


class PumpLeakResult(NamedTuple):
    """Time course of :func:`simulate_pump_leak`."""

    t_s: np.ndarray  # time [s]
    na_in: np.ndarray  # internal Na⁺ [mM]
    k_in: np.ndarray  # internal K⁺ [mM]
    v: np.ndarray  # membrane potential [mV]
    i_pump: np.ndarray  # net (outward) pump current [µA/cm²]


def pump_current(na_in, k_out: float, params: PumpLeakParams = DEFAULT_PUMP_LEAK):
    """Net outward current of the Na⁺/K⁺ pump [µA cm⁻²] (one charge out per cycle).

    ``I_p = i_pump_max (Na_i/(Na_i + k_na))³ (K_o/(K_o + k_k))²``.

    >>> round(pump_current(16.5, 4.0), 3)
    0.277
    """
    na_in = np.asarray(na_in, dtype=float)
    f_na = (na_in / (na_in + params.k_na)) ** 3
    f_k = (k_out / (k_out + params.k_k)) ** 2
    result = params.i_pump_max * f_na * f_k
    return float(result) if result.ndim == 0 else result


def pump_leak_rest(
    na_in: float,
    k_in: float,
    concentrations=LECTURE_CONCENTRATIONS,
    params: PumpLeakParams = DEFAULT_PUMP_LEAK,
) -> float:
    """The potential [mV] at which leak and pump currents sum to zero for given internal
    concentrations (the potential the membrane settles to within a few τ_m)."""
    c = concentrations._replace(na_in=float(na_in), k_in=float(k_in))
    _checked_concentrations(c)
    params = _checked_pump_params(params)
    args = _pump_args(c, params)
    return _zero_current_v(c.na_in, c.k_in, *args)


def simulate_pump_leak(
    t_end_s: float,
    concentrations: IonConcentrations = LECTURE_CONCENTRATIONS,
    params: PumpLeakParams = DEFAULT_PUMP_LEAK,
    na_in0: float | None = None,
    k_in0: float | None = None,
    v0: float | None = None,
    n_samples: int = 400,
) -> PumpLeakResult:
    """Internal Na⁺, K⁺ and the membrane potential over time with leaks and the pump.

    Integrates the three ODEs of the module docstring (stiff: V settles in milliseconds, the
    concentrations in minutes) with SciPy's BDF method to a relative tolerance of 1e-8.

    Parameters
    ----------
    t_end_s : float
        Duration [s].
    concentrations : IonConcentrations
        Outside concentrations (held fixed), temperature, and the default initial inside ones.
    params : PumpLeakParams
        Leak, pump and cell parameters; ``params._replace(i_pump_max=0.0)`` blocks the pump
        (as ouabain does).
    na_in0, k_in0 : float, optional
        Initial inside concentrations [mM]; default those of ``concentrations``.
    v0 : float, optional
        Initial potential [mV]; default: where all currents cancel at the initial
        concentrations with the normal pump strength (``DEFAULT_PUMP_LEAK.i_pump_max``), i.e.
        the cell at rest just before a change of pump strength (blocking it, say) takes effect.
    n_samples : int
        Number of output times, evenly spaced from 0 to ``t_end_s``.

    Returns
    -------
    PumpLeakResult

    Examples
    --------
    >>> blocked = PumpLeakParams()._replace(i_pump_max=0.0)
    >>> run = simulate_pump_leak(600.0, params=blocked, n_samples=3)
    >>> bool(run.na_in[-1] > run.na_in[0] and run.v[-1] > run.v[0])
    True
    """
    from scipy.integrate import solve_ivp

    t_end_s = require_positive("t_end_s", t_end_s, "s")
    if int(n_samples) < 2:
        raise ValueError(f"n_samples must be at least 2, got {n_samples!r}.")
    c = _checked_concentrations(concentrations)
    params = _checked_pump_params(params)
    na0 = c.na_in if na_in0 is None else _positive_concentration("na_in0", na_in0)
    k0 = c.k_in if k_in0 is None else _positive_concentration("k_in0", k_in0)
    if v0 is None:  # the same cell at rest with the normal pump, just before the change
        before = params._replace(i_pump_max=DEFAULT_PUMP_LEAK.i_pump_max)
        v0 = _zero_current_v(na0, k0, *_pump_args(c, before))
    v0 = require_finite("v0", v0, "mV")
    args = _pump_args(c, params)
    c_m = params.c_m
    flux_scale = 1e4 / (FARADAY * params.volume_to_area)  # µA/cm² → mM/s

    def rhs(_t, y):
        na_in, k_in, v = y
        i_na, i_k, i_p = _pump_leak_currents(v, na_in, k_in, *args)
        return [
            -(i_na + 3.0 * i_p) * flux_scale,
            -(i_k - 2.0 * i_p) * flux_scale,
            -1000.0 * (i_na + i_k + i_p) / c_m,  # µA/µF = V/s → mV/s
        ]

    t_eval = np.linspace(0.0, t_end_s, int(n_samples))
    solution = solve_ivp(
        rhs,
        (0.0, t_end_s),
        [na0, k0, v0],
        method="BDF",
        t_eval=t_eval,
        rtol=1e-8,
        atol=[1e-9, 1e-9, 1e-7],
        first_step=1e-6,
    )
    if not solution.success:  # pragma: no cover - BDF on this small system does not fail
        raise ValueError(f"the pump-and-leak integration failed: {solution.message}")
    na_in, k_in, v = solution.y
    if np.any(na_in <= 0) or np.any(k_in <= 0):
        raise ValueError("an internal concentration fell to zero; shorten t_end_s or check params.")
    i_pump = pump_current(na_in, c.k_out, params)
    return PumpLeakResult(solution.t, na_in, k_in, v, np.asarray(i_pump, dtype=float))


def _pump_args(c: IonConcentrations, params: PumpLeakParams) -> tuple:
    """Scalars the pump-and-leak currents need, in the order :func:`_pump_leak_currents` takes."""
    f_k = (c.k_out / (c.k_out + params.k_k)) ** 2
    return (
        c.na_out,
        c.k_out,
        params.p_na,
        params.p_k,
        params.i_pump_max * f_k,
        params.k_na,
        thermal_voltage(c.temperature_c),
    )


def _pump_leak_currents(v, na_in, k_in, na_out, k_out, p_na, p_k, i_max_k, k_na, v_t):
    u = v / v_t
    b_minus, b_plus = _bernoulli_scalar(-u), _bernoulli_scalar(u)
    i_na = p_na * FARADAY * (na_in * b_minus - na_out * b_plus)
    i_k = p_k * FARADAY * (k_in * b_minus - k_out * b_plus)
    i_p = i_max_k * (na_in / (na_in + k_na)) ** 3
    return i_na, i_k, i_p


def _zero_current_v(na_in, k_in, *args) -> float:
    """Bisection for the potential of zero total current (GHK currents increase with V)."""

    def total(v):
        return sum(_pump_leak_currents(v, na_in, k_in, *args))

    low, high = -300.0, 300.0
    for _ in range(100):
        middle = 0.5 * (low + high)
        if total(middle) > 0:
            high = middle
        else:
            low = middle
    return 0.5 * (low + high)


def _checked_pump_params(params: PumpLeakParams) -> PumpLeakParams:
    params = PumpLeakParams(
        *(
            require_finite(f"PumpLeakParams.{n}", v)
            for n, v in zip(PumpLeakParams._fields, params, strict=True)
        )
    )
    for name in ("p_k", "p_na", "i_pump_max"):
        require_non_negative(f"PumpLeakParams.{name}", getattr(params, name))
    for name in ("k_na", "k_k", "c_m", "volume_to_area"):
        require_positive(f"PumpLeakParams.{name}", getattr(params, name))
    if params.p_k + params.p_na <= 0:
        raise ValueError("PumpLeakParams: p_k and p_na are both 0; at least one leak is needed.")
    return params


# ---------------------------------------------------------------------------------------------
# Drift–diffusion (Nernst–Planck–Poisson) across a membrane


class DriftDiffusionParams(NamedTuple):
    """An ion between two compartments across a membrane permeable only to it.

    The permeant cation (K⁺ by default: the lecture's 130 mM inside, 4 mM outside; valence
    ``z > 0``) is balanced in each compartment by an impermeant monovalent anion at ``z`` times
    its concentration, so both start electroneutral at 0 mV. Other ions are left out: unable
    to cross, they would only add screening. Diffusion coefficients in water: K⁺
    1.96 nm² ns⁻¹ (= 1.96e-9 m² s⁻¹); the anion as mobile as Cl⁻, 2.03 nm² ns⁻¹ (it is kept
    out of the membrane, not slowed). The membrane is a 2.5 nm hydrocarbon core with ε_r = 2.8
    (C_m ≈ 1 µF cm⁻²); water has ε_r = 80. Inside the lipid the cation has an extra free energy
    ``−ln β`` (in RT), so at equal potential the membrane holds ``β`` times the water
    concentration: the ions in transit through the channels.

    The membrane is made about 3 × 10⁶ times more permeable to the cation than a real resting
    membrane (``β D_membrane / thickness`` = 0.016 m s⁻¹ instead of 5e-9 m s⁻¹, the
    :class:`Permeabilities` default) and the compartments are only tens of nanometres deep,
    so the whole approach to equilibrium takes a few hundred nanoseconds — some 50,000 time
    steps with ``dx = 0.5 nm`` — instead of tens of milliseconds. Neither changes the
    equilibrium, which depends only on the concentrations (reference sheet §4).
    """

    c_in: float = 130.0  # permeant cation (and its anion) inside [mM]
    c_out: float = 4.0  # permeant cation (and its anion) outside [mM]
    z: float = 1.0  # valence of the permeant ion
    temperature_c: float = 37.0  # [°C]
    d_ion: float = 1.96  # diffusion coefficient of the cation in water [nm²/ns]
    d_anion: float = 2.03  # diffusion coefficient of the anion in water [nm²/ns]
    d_membrane: float = 1.0  # diffusion coefficient of the cation in the membrane [nm²/ns]
    partition: float = 0.04  # β: membrane/water concentration ratio at equal potential
    length_in: float = 10.0  # depth of the inside compartment [nm]
    length_out: float = 25.0  # depth of the outside compartment [nm]
    thickness: float = 2.5  # membrane thickness [nm]
    eps_water: float = 80.0  # relative permittivity of water
    eps_membrane: float = 2.8  # relative permittivity of the membrane core


DEFAULT_DRIFT_DIFFUSION = DriftDiffusionParams()
"""The :class:`DriftDiffusionParams` defaults (K⁺ 130 mM inside, 4 mM outside, 37 °C)."""


class DriftDiffusionResult(NamedTuple):
    """Output of :func:`simulate_drift_diffusion`.

    Fluxes are in mM nm ns⁻¹ (= mol m⁻² s⁻¹), positive from inside to outside, measured at the
    middle of the membrane; ``j_diffusion = −D ∂c/∂x`` and ``j_drift = j_total − j_diffusion``.
    """

    x: np.ndarray  # cell centres [nm]; 0 is the inner face of the membrane
    membrane: tuple  # (start, end) of the membrane [nm]
    t: np.ndarray  # sample times [ns]
    v: np.ndarray  # φ(inside end) − φ(outside end) at each sample [mV]
    j_total: np.ndarray  # cation flux across the membrane's middle [mM nm/ns]
    j_diffusion: np.ndarray  # its diffusive part [mM nm/ns]
    j_drift: np.ndarray  # its drift part [mM nm/ns]
    t_frames: np.ndarray  # times of the stored profiles [ns]
    c: np.ndarray  # cation concentration, shape (n_frames, n_cells) [mM]
    anion: np.ndarray  # anion concentration, shape (n_frames, n_cells) [mM]
    phi: np.ndarray  # electric potential (0 at the outer boundary), (n_frames, n_cells) [mV]
    dt: float  # time step used [ns]
    z: float  # valence of the permeant ion
    temperature_c: float  # [°C]


def drift_diffusion_max_dt(
    params: DriftDiffusionParams = DEFAULT_DRIFT_DIFFUSION, dx: float = 0.5
) -> float:
    """Largest time step [ns] :func:`simulate_drift_diffusion` accepts for grid spacing ``dx``.

    Explicit Euler with Scharfetter–Gummel fluxes keeps concentrations positive when
    ``dt · D (B(Δψ_left) + B(−Δψ_right)) / dx² ≤ 1`` in every cell (B(x) = x/(eˣ − 1)); with
    ``B(±x) ≤ 1 + |x|`` and a potential-energy step per face of at most
    ``Δψ_max = |ln(c_in/c_out)| + |ln β| + 1`` (in units of RT) this gives
    ``dt ≤ dx² / (2 D_max (1 + Δψ_max))``. The charge relaxation (dielectric) time
    ``ε V_T / (F Σ z² D c)`` bounds it too.

    >>> round(drift_diffusion_max_dt(dx=0.5), 5)
    0.00708
    """
    p = _checked_dd_params(params)
    dx = require_positive("dx", dx, "nm")
    d_max = max(p.d_ion, p.d_anion, p.d_membrane)
    step = abs(math.log(p.c_in / p.c_out)) + abs(math.log(p.partition)) + 1.0
    diffusion_limit = dx * dx / (2.0 * d_max * (1.0 + step))
    v_t = thermal_voltage(p.temperature_c) * 1e-3
    c_max = max(p.c_in, p.c_out)
    conductivity = FARADAY * c_max * (p.z * p.z * p.d_ion + p.d_anion) * 1e-9  # D: nm²/ns → m²/s
    dielectric = p.eps_water * VACUUM_PERMITTIVITY * v_t / conductivity * 1e9  # s → ns
    return min(diffusion_limit, 0.5 * dielectric)


def simulate_drift_diffusion(
    params: DriftDiffusionParams = DEFAULT_DRIFT_DIFFUSION,
    t_end: float = 300.0,
    dx: float = 0.5,
    dt: float | None = None,
    n_frames: int = 6,
    n_samples: int = 400,
    frame_times=None,
) -> DriftDiffusionResult:
    """Nernst–Planck–Poisson: a permeant ion crossing a membrane until drift balances diffusion.

    Conservative finite volumes on a uniform grid (inside compartment | membrane | outside
    compartment), Scharfetter–Gummel fluxes (exact for a constant field between cell centres;
    zero flux exactly when neighbouring cells are in Boltzmann ratio; at the two membrane
    faces the water and membrane half cells are taken in series), explicit Euler in time,
    Poisson's equation solved at every step with the permittivity of water or membrane.
    Both ends are closed (no flux, so every ion is conserved); the inside end has zero field
    (the middle of the cell) and the outside end is grounded (φ = 0).

    Parameters
    ----------
    params : DriftDiffusionParams
        Concentrations, diffusion coefficients, geometry, permittivities.
    t_end : float
        Duration [ns].
    dx : float
        Grid spacing [nm]; each region gets ``round(length / dx)`` cells (at least 1).
    dt : float, optional
        Time step [ns]; default 0.9 × :func:`drift_diffusion_max_dt`. A larger one is refused.
    n_frames : int
        Number of stored profiles, evenly spaced in time from 0 to ``t_end`` (1: only the
        final one).
    n_samples : int
        Number of samples of the potential and the fluxes.
    frame_times : sequence of float, optional
        Times [ns] at which to store profiles instead of ``n_frames`` evenly spaced ones
        (rounded to the nearest step; between 0 and ``t_end``).

    Returns
    -------
    DriftDiffusionResult

    Examples
    --------
    >>> run = simulate_drift_diffusion(t_end=5.0, dx=0.5)
    >>> bool(run.v[0] == 0.0 and run.v[-1] < -10.0)        # the inside turns negative
    True
    """
    p = _checked_dd_params(params)
    dx = require_positive("dx", dx, "nm")
    t_end = require_positive("t_end", t_end, "ns")
    n_frames, n_samples = int(n_frames), int(n_samples)
    if n_frames < 1 or n_samples < 2:
        raise ValueError(f"need n_frames ≥ 1 and n_samples ≥ 2, got {n_frames}, {n_samples}.")
    dt_max = drift_diffusion_max_dt(p, dx)
    if dt is None:
        dt = 0.9 * dt_max
    dt = require_positive("dt", dt, "ns")
    if dt > dt_max:
        raise ValueError(
            f"dt = {dt:g} ns is too large for a stable explicit step with dx = {dx:g} nm "
            f"(limit {dt_max:.4g} ns); pass a smaller dt or leave dt=None."
        )
    n_in = max(1, round(p.length_in / dx))
    n_mem = max(1, round(p.thickness / dx))
    n_out = max(1, round(p.length_out / dx))
    n = n_in + n_mem + n_out
    membrane = slice(n_in, n_in + n_mem)
    x = (np.arange(n) + 0.5 - n_in) * dx

    d_ion = np.full(n, p.d_ion)
    d_ion[membrane] = p.d_membrane
    d_anion = np.full(n, p.d_anion)
    d_anion[membrane] = 0.0
    eps = np.full(n, p.eps_water)
    eps[membrane] = p.eps_membrane
    barrier = np.zeros(n)
    barrier[membrane] = -math.log(p.partition)
    c0 = np.zeros(n)
    c0[:n_in] = p.c_in
    c0[n_in + n_mem :] = p.c_out
    a0 = p.z * c0  # electroneutral start: the monovalent anion balances z c

    v_t = thermal_voltage(p.temperature_c)
    n_steps = max(1, math.ceil(t_end / dt))
    dt = t_end / n_steps
    # Poisson in units of V_T: Σ ε_face (ψ_i − ψ_j) = K (z c_i − a_i); K = dx² F / (ε₀ V_T).
    poisson_k = (dx * 1e-9) ** 2 * FARADAY / (VACUUM_PERMITTIVITY * v_t * 1e-3)
    eps_face = _harmonic(eps[:-1], eps[1:])
    lower, diag, upper = _poisson_matrix(eps, eps_face)
    sample_steps = np.unique(np.round(np.linspace(0, n_steps, n_samples)).astype(np.int64))
    if frame_times is not None:
        times = finite_array("frame_times", frame_times, ndim=1)
        if times.size == 0 or np.any(times < 0) or np.any(times > t_end * (1 + 1e-12)):
            raise ValueError(f"frame_times must lie between 0 and t_end = {t_end:g} ns.")
        frame_steps = np.unique(np.round(times / dt).astype(np.int64).clip(0, n_steps))
    elif n_frames == 1:  # only the final profile
        frame_steps = np.array([n_steps], dtype=np.int64)
    else:
        frame_steps = np.unique(np.round(np.linspace(0, n_steps, n_frames)).astype(np.int64))
    flux_face = n_in + n_mem // 2 - 1 if n_mem > 1 else n_in - 1
    out = _drift_diffusion_run(
        c0,
        a0,
        float(p.z),
        d_ion,
        d_anion,
        barrier,
        eps_face,
        lower,
        diag,
        upper,
        poisson_k,
        dx,
        dt,
        n_steps,
        sample_steps,
        frame_steps,
        flux_face,
    )
    status, v, j_total, j_diff, c_frames, a_frames, psi_frames = out
    if status != 0:
        raise ValueError(
            f"the drift–diffusion step became unstable at step {status} (a concentration went "
            f"negative); pass a smaller dt than {dt:g} ns."
        )
    return DriftDiffusionResult(
        x=x,
        membrane=(0.0, n_mem * dx),
        t=sample_steps * dt,
        v=v * v_t,
        j_total=j_total,
        j_diffusion=j_diff,
        j_drift=j_total - j_diff,
        t_frames=frame_steps * dt,
        c=c_frames,
        anion=a_frames,
        phi=psi_frames * v_t,
        dt=dt,
        z=p.z,
        temperature_c=p.temperature_c,
    )


def _poisson_matrix(eps, eps_face):
    """Tridiagonal Poisson matrix, zero field at the left end, φ = 0 on the right face."""
    n = eps.size
    diag = np.zeros(n)
    diag[:-1] += eps_face
    diag[1:] += eps_face
    diag[-1] += 2.0 * eps[-1]  # half a cell to the grounded face
    return -eps_face.copy(), diag, -eps_face.copy()


def _harmonic(a, b):
    total = a + b
    return np.where(total > 0, 2.0 * a * b / np.where(total > 0, total, 1.0), 0.0)


@jit
def _bernoulli(x):
    """B(x) = x / (eᵡ − 1), with B(0) = 1."""
    if abs(x) < 1e-8:
        return 1.0 - 0.5 * x
    return x / math.expm1(x)


@jit
def _interface_flux(c_i, c_j, d_i, d_j, step_w, step_phi, dx):
    """Scharfetter–Gummel flux across a face where D and the barrier w jump (water |
    membrane): the two half cells in series.

    With the potential linear between the centres and J constant, ``J = −D e^{−ψ} d(c e^{ψ})/dx``
    integrates to ``J = (c_i − c_j e^{ψ_j − ψ_i}) / ∫ e^{ψ − ψ_i}/D dx``; each half cell
    contributes ``(dx/2)/D · (e^{y} − 1)/y`` with ``y = step_phi/2``, the far one times
    ``e^{step_w + y}``. Equal D and no step give back the ordinary Scharfetter–Gummel flux.
    """
    half = 0.5 * step_phi
    growth = 1.0 / _bernoulli(half)  # (e^y − 1) / y
    integral = 0.5 * dx * growth * (1.0 / d_i + math.exp(step_w + half) / d_j)
    return (c_i - c_j * math.exp(step_phi + step_w)) / integral


@jit
def _drift_diffusion_run(
    c,
    a,
    z,
    d_ion,
    d_anion,
    barrier,
    eps_face,
    lower,
    diag,
    upper,
    poisson_k,
    dx,
    dt,
    n_steps,
    sample_steps,
    frame_steps,
    flux_face,
):
    n = c.size
    c = c.copy()
    a = a.copy()
    d_c = np.empty(n - 1)
    d_a = np.empty(n - 1)
    interface = np.empty(n - 1, dtype=np.bool_)
    for i in range(n - 1):
        interface[i] = barrier[i] != barrier[i + 1] or d_ion[i] != d_ion[i + 1]
        s = d_ion[i] + d_ion[i + 1]
        d_c[i] = 2.0 * d_ion[i] * d_ion[i + 1] / s if s > 0 else 0.0
        s = d_anion[i] + d_anion[i + 1]
        d_a[i] = 2.0 * d_anion[i] * d_anion[i + 1] / s if s > 0 else 0.0
    # Thomas algorithm: the matrix never changes, so factor it once.
    c_prime = np.empty(n)
    denom = np.empty(n)
    denom[0] = diag[0]
    c_prime[0] = upper[0] / denom[0]
    for i in range(1, n):
        denom[i] = diag[i] - lower[i - 1] * c_prime[i - 1]
        if i < n - 1:
            c_prime[i] = upper[i] / denom[i]
    psi = np.zeros(n)
    rhs = np.empty(n)
    flux_c = np.zeros(n - 1)
    flux_a = np.zeros(n - 1)
    v = np.zeros(sample_steps.size)
    j_total = np.zeros(sample_steps.size)
    j_diff = np.zeros(sample_steps.size)
    c_frames = np.zeros((frame_steps.size, n))
    a_frames = np.zeros((frame_steps.size, n))
    psi_frames = np.zeros((frame_steps.size, n))
    inv_dx = 1.0 / dx
    next_sample = 0
    next_frame = 0
    for step in range(n_steps + 1):
        # Poisson: potential (units of V_T) from the present charge.
        for i in range(n):
            rhs[i] = poisson_k * (z * c[i] - a[i])
        psi[0] = rhs[0] / denom[0]
        for i in range(1, n):
            psi[i] = (rhs[i] - lower[i - 1] * psi[i - 1]) / denom[i]
        for i in range(n - 2, -1, -1):
            psi[i] -= c_prime[i] * psi[i + 1]
        # Scharfetter–Gummel fluxes between cell centres.
        for i in range(n - 1):
            if interface[i]:
                flux_c[i] = _interface_flux(
                    c[i],
                    c[i + 1],
                    d_ion[i],
                    d_ion[i + 1],
                    barrier[i + 1] - barrier[i],
                    z * (psi[i + 1] - psi[i]),
                    dx,
                )
            else:
                # B(−x) = B(x) + x: one exponential per face and species.
                step_c = z * (psi[i + 1] - psi[i])
                b = _bernoulli(step_c)
                flux_c[i] = d_c[i] * inv_dx * (b * c[i] - (b + step_c) * c[i + 1])
            if d_a[i] > 0.0:
                step_a = psi[i] - psi[i + 1]
                b = _bernoulli(step_a)
                flux_a[i] = d_a[i] * inv_dx * (b * a[i] - (b + step_a) * a[i + 1])
        if next_sample < sample_steps.size and step == sample_steps[next_sample]:
            v[next_sample] = psi[0] - psi[n - 1]
            j_total[next_sample] = flux_c[flux_face]
            j_diff[next_sample] = -d_c[flux_face] * inv_dx * (c[flux_face + 1] - c[flux_face])
            next_sample += 1
        if next_frame < frame_steps.size and step == frame_steps[next_frame]:
            c_frames[next_frame] = c
            a_frames[next_frame] = a
            psi_frames[next_frame] = psi
            next_frame += 1
        if step == n_steps:
            break
        # Conservative update: what leaves one cell enters its neighbour.
        for i in range(n):
            inflow_c = 0.0
            inflow_a = 0.0
            if i > 0:
                inflow_c += flux_c[i - 1]
                inflow_a += flux_a[i - 1]
            if i < n - 1:
                inflow_c -= flux_c[i]
                inflow_a -= flux_a[i]
            c[i] += dt * inv_dx * inflow_c
            a[i] += dt * inv_dx * inflow_a
            if c[i] < 0.0 or a[i] < 0.0 or not math.isfinite(c[i]):
                return step + 1, v, j_total, j_diff, c_frames, a_frames, psi_frames
    return 0, v, j_total, j_diff, c_frames, a_frames, psi_frames


def _checked_dd_params(params: DriftDiffusionParams) -> DriftDiffusionParams:
    p = DriftDiffusionParams(
        *(
            require_finite(f"DriftDiffusionParams.{n}", v)
            for n, v in zip(DriftDiffusionParams._fields, params, strict=True)
        )
    )
    _positive_concentration("DriftDiffusionParams.c_in", p.c_in)
    _positive_concentration("DriftDiffusionParams.c_out", p.c_out)
    if _valence(p.z) < 0:
        raise ValueError(
            f"DriftDiffusionParams.z must be > 0 (a permeant cation), got {p.z!r}; the model's "
            "counter-ion is an impermeant anion."
        )
    _kelvin(p.temperature_c)
    for name in (
        "d_ion",
        "d_anion",
        "d_membrane",
        "partition",
        "length_in",
        "length_out",
        "thickness",
        "eps_water",
        "eps_membrane",
    ):
        require_positive(f"DriftDiffusionParams.{name}", getattr(p, name))
    if p.partition > 1.0:
        raise ValueError(
            f"DriftDiffusionParams.partition must be in (0, 1], got {p.partition!r}: ions are "
            "less soluble in lipid than in water."
        )
    return p


# ---------------------------------------------------------------------------------------------
# Validation and small helpers


def _kelvin(temperature_c) -> float:
    temperature_c = require_finite("temperature_c", temperature_c, "°C")
    kelvin = temperature_c + ZERO_CELSIUS
    if kelvin <= 0:
        raise ValueError(
            f"temperature_c = {temperature_c!r} °C is at or below absolute zero "
            f"({kelvin:g} K); temperatures are in °C (body temperature is 37)."
        )
    return kelvin


def _valence(z) -> float:
    z = require_finite("z (valence)", z)
    if z == 0:
        raise ValueError(
            "z (valence) must not be 0: a neutral particle has no Nernst potential; "
            "use +1 for Na⁺/K⁺, −1 for Cl⁻, +2 for Ca²⁺."
        )
    return z


def _positive_concentration(name: str, value):
    array = np.asarray(value, dtype=float) if not isinstance(value, (int, float)) else None
    if array is None:
        return require_positive(name, value, "mM")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values [mM].")
    if np.any(array <= 0):
        raise ValueError(f"{name} must be > 0 [mM], got {value!r}; concentrations are positive.")
    return array


def _finite_values(name: str, value):
    """``value`` as a float array, or a ValueError if it holds NaN or inf."""
    array = np.asarray(value, dtype=float)
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    return array


def _checked_concentrations(c: IonConcentrations) -> IonConcentrations:
    if not isinstance(c, IonConcentrations):
        raise ValueError(f"expected IonConcentrations, got {type(c).__name__}.")
    for name in IonConcentrations._fields[:-1]:
        _positive_concentration(name, getattr(c, name))
    _kelvin(c.temperature_c)
    return IonConcentrations(*(float(v) for v in c))


def _checked_permeabilities(p: Permeabilities) -> Permeabilities:
    if not isinstance(p, Permeabilities):
        raise ValueError(f"expected Permeabilities, got {type(p).__name__}.")
    for name in Permeabilities._fields:
        require_non_negative(name, getattr(p, name), "cm/s")
    if p.p_k + p.p_na + p.p_cl <= 0:
        raise ValueError("all permeabilities are 0; at least one ion must be able to cross.")
    return Permeabilities(*(float(v) for v in p))


def _bernoulli_np(x):
    """B(x) = x / (eᵡ − 1) elementwise, B(0) = 1."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    with np.errstate(over="ignore"):
        return np.where(small, 1.0 - 0.5 * x, safe / np.expm1(safe))


def _bernoulli_scalar(x: float) -> float:
    if abs(x) < 1e-8:
        return 1.0 - 0.5 * x
    if x > 700.0:
        return 0.0
    return x / math.expm1(x)
