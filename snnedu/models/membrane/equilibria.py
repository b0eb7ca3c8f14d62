"""Membrane equilibria: Nernst and GHK potentials and currents, Mullins–Noda, capacitance.

Equations, units and sources: see :mod:`snnedu.models.membrane`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.numerics import bernoulli_array
from snnedu.core.validation import (
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

    The defaults are the lecture's set at body temperature (chosen within mammalian ranges;
    Nernst potentials computed with :func:`nernst`): E_Na = +58.09 mV, E_K = −93.04 mV,
    E_Cl = −64.09 mV at 37 °C.
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
E_Na = +52.4 mV, E_Cl = −63.5 mV (computed with :func:`nernst`)."""


class Permeabilities(NamedTuple):
    """Resting membrane permeabilities [cm s⁻¹].

    Only the ratios matter for the GHK voltage; the absolute values set the leak currents.
    Defaults: P_K : P_Na : P_Cl = 1 : 0.04 : 0 (−69.2 mV with the lecture's concentrations,
    :func:`ghk_voltage`; Hodgkin & Katz 1949). ``p_k = 5e-7 cm/s`` is a choice that gives a
    specific membrane resistance of about 20 kΩ cm² at rest (τ_m ≈ 20 ms with 1 µF cm⁻²),
    typical of a neuron at rest.
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
    current = permeability * z * FARADAY * (c_in * bernoulli_array(-u) - c_out * bernoulli_array(u))
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
