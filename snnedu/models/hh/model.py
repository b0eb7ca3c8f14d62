"""Hodgkin–Huxley model: parameters, rate functions, gates, currents and the resting state.

Equations and parameter sources: see :mod:`snnedu.models.hh`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import jit
from snnedu.core.numerics import bernoulli
from snnedu.core.validation import (
    finite_array,
    positive_int,
    require_finite,
    require_non_negative,
    require_positive,
)

KINETICS_GERSTNER_2014 = 0
"""``HHParams.kinetics`` code: rate functions of Gerstner et al. (2014), Table 2.1."""
KINETICS_HH_1952 = 1
"""``HHParams.kinetics`` code: rate functions of Hodgkin & Huxley (1952), −65 mV convention."""


class HHParams(NamedTuple):
    """Hodgkin–Huxley parameters; the defaults are the lecture's table.

    Source: Gerstner, Kistler, Naud & Paninski (2014), *Neuronal Dynamics*, Table 2.1.
    ``HHParams.squid_1952()`` gives Hodgkin & Huxley (1952). Variants: ``_replace``, e.g.
    ``HHParams()._replace(g_k=20.0)``.
    """

    c_m: float = 1.0  # membrane capacitance [µF/cm²]
    g_na: float = 40.0  # maximal sodium conductance [mS/cm²]
    g_k: float = 35.0  # maximal potassium conductance [mS/cm²]
    g_l: float = 0.3  # leak conductance [mS/cm²]
    e_na: float = 55.0  # sodium reversal potential [mV]
    e_k: float = -77.0  # potassium reversal potential [mV]
    e_l: float = -65.0  # leak reversal potential [mV]
    phi: float = 1.0  # temperature factor multiplying every α and β [1]
    kinetics: int = KINETICS_GERSTNER_2014  # which rate functions: 0 Gerstner 2014, 1 HH 1952

    @classmethod
    def squid_1952(cls, temperature: float = 6.3) -> HHParams:
        """Hodgkin & Huxley's (1952) squid axon at ``temperature`` [°C] (Q10 = 3 from 6.3 °C).

        >>> HHParams.squid_1952().g_na, round(HHParams.squid_1952(16.3).phi, 6)
        (120.0, 3.0)
        """
        return cls(
            c_m=1.0,
            g_na=120.0,
            g_k=36.0,
            g_l=0.3,
            e_na=50.0,
            e_k=-77.0,
            e_l=-54.387,
            phi=q10_factor(temperature),
            kinetics=KINETICS_HH_1952,
        )


LECTURE_PARAMS = HHParams()
"""The lecture's table (Gerstner et al. 2014, Table 2.1): the default of every function here."""


class HHState(NamedTuple):
    """State of ``n`` HH neurons: float64 arrays of shape (n,)."""

    v: np.ndarray  # membrane potential [mV]
    m: np.ndarray  # Na activation [1]
    h: np.ndarray  # Na inactivation [1]
    n: np.ndarray  # K activation [1]


class GateValues(NamedTuple):
    """One quantity for each gate (x0, τ, α or β), as arrays shaped like the voltage."""

    m: np.ndarray
    h: np.ndarray
    n: np.ndarray


class Currents(NamedTuple):
    """Ionic currents [µA/cm²], positive outward (I_Na < 0 while Na⁺ flows in)."""

    i_na: np.ndarray
    i_k: np.ndarray
    i_l: np.ndarray


def q10_factor(temperature: float, reference: float = 6.3, q10: float = 3.0) -> float:
    """Temperature factor φ = q10^((temperature − reference)/10) for the rates [1].

    >>> round(q10_factor(26.3), 3)
    9.0
    """
    temperature = require_finite("temperature", temperature, "°C")
    require_positive("q10", q10)
    return float(q10 ** ((temperature - require_finite("reference", reference, "°C")) / 10.0))


# --------------------------------------------------------------------------- rate functions


@jit
def _linoid(a, x, k):
    """Return a·x / (1 − exp(−x/k)) = a·k·B(−x/k), finite at x = 0 where it equals a·k."""
    return a * k * bernoulli(-x / k)


@jit
def _rates(v, kinetics, phi):
    """(α_m, β_m, α_h, β_h, α_n, β_n) [1/ms] at voltage ``v`` [mV]."""
    if kinetics == KINETICS_GERSTNER_2014:
        # Gerstner et al. (2014) Table 2.1; β_h = 0.25 e^{(v+62)/6} / e^{(v+90)/12} simplified
        am = _linoid(0.182, v + 35.0, 9.0)
        bm = _linoid(0.124, -(v + 35.0), 9.0)
        ah = 0.25 * math.exp(-(v + 90.0) / 12.0)
        bh = 0.25 * math.exp((v + 34.0) / 12.0)
        an = _linoid(0.02, v - 25.0, 9.0)
        bn = _linoid(0.002, -(v - 25.0), 9.0)
    else:
        # Hodgkin & Huxley (1952), rest at −65 mV
        am = _linoid(0.1, v + 40.0, 10.0)
        bm = 4.0 * math.exp(-(v + 65.0) / 18.0)
        ah = 0.07 * math.exp(-(v + 65.0) / 20.0)
        bh = 1.0 / (1.0 + math.exp(-(v + 35.0) / 10.0))
        an = _linoid(0.01, v + 55.0, 10.0)
        bn = 0.125 * math.exp(-(v + 65.0) / 80.0)
    return phi * am, phi * bm, phi * ah, phi * bh, phi * an, phi * bn


@jit
def _rates_array(v, kinetics, phi):
    """Rows α_m, β_m, α_h, β_h, α_n, β_n [1/ms] at each voltage of the 1-D array ``v``."""
    out = np.empty((6, v.size))
    for i in range(v.size):
        out[0, i], out[1, i], out[2, i], out[3, i], out[4, i], out[5, i] = _rates(
            v[i], kinetics, phi
        )
    return out


gate_rates = _rates
"""``gate_rates(v, kinetics, phi)``: (α_m, β_m, α_h, β_h, α_n, β_n) [1/ms] at one voltage ``v``
[mV], for numba kernels of other models (``kinetics`` and ``phi`` from :class:`HHParams`);
Python code calls :func:`alpha_beta`."""


@renamed_arguments(old_order=("v", "params"))
def alpha_beta(v, *, params: HHParams | None = None) -> tuple[GateValues, GateValues]:
    """Opening and closing rates (α, β) [1/ms] of the three gates at voltage(s) ``v`` [mV].

    >>> alpha, beta = alpha_beta(25.0)   # the removable singularity of α_n, β_n
    >>> round(float(alpha.n), 6), round(float(beta.n), 6)
    (0.18, 0.018)
    """
    params = _checked_params(params)
    v = np.asarray(v, dtype=float)
    rates = _rates_array(finite_array("v", v).ravel(), params.kinetics, params.phi)
    rates = rates.reshape((6, *v.shape))
    return GateValues(rates[0], rates[2], rates[4]), GateValues(rates[1], rates[3], rates[5])


@renamed_arguments(old_order=("v", "params"))
def x0(v, *, params: HHParams | None = None) -> GateValues:
    """Steady-state gate values x₀(v) = α/(α + β) [1] of m, h, n at voltage(s) ``v`` [mV].

    >>> [round(float(g), 3) for g in x0(resting_potential())]
    [0.061, 0.544, 0.001]
    """
    alpha, beta = alpha_beta(v, params=params)
    return GateValues(*(a / (a + b) for a, b in zip(alpha, beta, strict=True)))


@renamed_arguments(old_order=("v", "params"))
def tau(v, *, params: HHParams | None = None) -> GateValues:
    """Gate time constants τ_x(v) = 1/(α + β) [ms] of m, h, n at voltage(s) ``v`` [mV].

    >>> [round(float(t), 1) for t in tau(resting_potential())]
    [0.3, 20.5, 5.7]
    """
    alpha, beta = alpha_beta(v, params=params)
    return GateValues(*(1.0 / (a + b) for a, b in zip(alpha, beta, strict=True)))


@renamed_arguments(old_order=("v", "m", "h", "n", "params"))
def currents(v, m, h, n, *, params: HHParams | None = None) -> Currents:
    """Ionic currents I_Na = g_Na m³h (v − E_Na), I_K = g_K n⁴ (v − E_K), I_L = g_L (v − E_L).

    Arrays of any matching shape (e.g. a :class:`HHResult`'s traces) [µA/cm²], outward positive.
    """
    p = _checked_params(params)
    v, m, h, n = (np.asarray(x, dtype=float) for x in (v, m, h, n))
    return Currents(
        p.g_na * m**3 * h * (v - p.e_na), p.g_k * n**4 * (v - p.e_k), p.g_l * (v - p.e_l)
    )


@renamed_arguments(old_order=("v", "params"))
def steady_state_current(v, *, params: HHParams | None = None):
    """The current i_ext [µA/cm²] that holds the membrane at ``v`` [mV] with every gate at x₀(v).

    Its zeros are the fixed points of the unstimulated neuron; where it has a local maximum the
    resting state disappears (the onset of firing for a class I neuron like ``HHParams()``).
    """
    p = _checked_params(params)
    m, h, n = x0(v, params=p)
    return sum(currents(v, m, h, n, params=p))


@renamed_arguments(old_order=("params", "i_ext"))
def resting_potential(*, params: HHParams | None = None, i_ext: float = 0.0) -> float:
    """The most hyperpolarised fixed point of the membrane for a constant ``i_ext`` [mV].

    For ``HHParams()`` at i_ext = 0 this is the stable rest −63.05 mV (the other two fixed points,
    −52.9 and −36.1 mV, are unstable).

    >>> round(resting_potential(params=HHParams.squid_1952()), 3)
    -64.996
    """
    from scipy.optimize import brentq

    p = _checked_params(params)
    i_ext = require_finite("i_ext", i_ext, "µA/cm²")
    grid = np.arange(-120.0, 60.0, 0.05)
    residual = i_ext - steady_state_current(grid, params=p)
    crossings = np.flatnonzero(np.sign(residual[:-1]) != np.sign(residual[1:]))
    if crossings.size == 0:
        raise ValueError(f"no fixed point between −120 and 60 mV for i_ext={i_ext}; check params.")
    k = crossings[0]
    return float(
        brentq(
            lambda u: i_ext - float(steady_state_current(u, params=p)),
            grid[k],
            grid[k + 1],
            xtol=1e-9,
        )
    )


@renamed_arguments(old_order=("params", "n", "v"))
def init_hh_state(*, params: HHParams | None = None, n: int = 1, v: float | None = None) -> HHState:
    """Return ``n`` neurons at ``v`` [mV] with gates at x₀(v); ``v=None`` means at rest."""
    n = positive_int("n", n)
    v = resting_potential(params=params) if v is None else require_finite("v", v, "mV")
    gates = x0(v, params=params)
    return HHState(*(np.full(n, float(x)) for x in (v, *gates)))


# --------------------------------------------------------------------------- validation


def _checked_params(params: HHParams | None) -> HHParams:
    """Return ``params`` (default ``HHParams()``) checked, with float fields and an int code."""
    if params is None:
        return LECTURE_PARAMS
    if not isinstance(params, HHParams):
        raise ValueError(f"params must be an HHParams, got {type(params).__name__}.")
    values = HHParams(
        *(
            require_finite(f"HHParams.{name}", value)
            for name, value in zip(HHParams._fields[:-1], params[:-1], strict=True)
        ),
        kinetics=params.kinetics,
    )
    require_positive("HHParams.c_m", values.c_m, "µF/cm²")
    for name in ("g_na", "g_k", "g_l"):
        require_non_negative(f"HHParams.{name}", getattr(values, name), "mS/cm²")
    require_positive("HHParams.phi", values.phi)
    if isinstance(values.kinetics, bool) or values.kinetics not in (
        KINETICS_GERSTNER_2014,
        KINETICS_HH_1952,
    ):
        raise ValueError(
            f"HHParams.kinetics must be KINETICS_GERSTNER_2014 (0) or KINETICS_HH_1952 (1), "
            f"got {values.kinetics!r}."
        )
    return values._replace(kinetics=int(values.kinetics))
