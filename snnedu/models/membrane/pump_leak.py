"""The Na⁺/K⁺ pump with GHK leaks over time (fixed cell volume, fixed bath).

Equations and sources: see :mod:`snnedu.models.membrane`.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.numerics import bernoulli
from snnedu.core.validation import (
    positive_int,
    require_finite,
    require_non_negative,
    require_positive,
)
from snnedu.models.membrane.equilibria import (
    FARADAY,
    LECTURE_CONCENTRATIONS,
    IonConcentrations,
    _checked_concentrations,
    _positive_concentration,
    thermal_voltage,
)


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


@renamed_arguments(old_order=("na_in", "k_out", "params"))
def pump_current(na_in, k_out: float, *, params: PumpLeakParams | None = None):
    """Net outward current of the Na⁺/K⁺ pump [µA cm⁻²] (one charge out per cycle).

    ``I_p = i_pump_max (Na_i/(Na_i + k_na))³ (K_o/(K_o + k_k))²``.

    >>> round(pump_current(16.5, 4.0), 3)
    0.277
    """
    params = _checked_pump_params(params)
    na_in = np.asarray(na_in, dtype=float)
    f_na = (na_in / (na_in + params.k_na)) ** 3
    f_k = (k_out / (k_out + params.k_k)) ** 2
    result = params.i_pump_max * f_na * f_k
    return float(result) if result.ndim == 0 else result


@renamed_arguments(old_order=("na_in", "k_in", "concentrations", "params"))
def pump_leak_rest(
    na_in: float,
    k_in: float,
    *,
    concentrations: IonConcentrations | None = None,
    params: PumpLeakParams | None = None,
) -> float:
    """Return the potential [mV] at which leak and pump currents sum to zero.

    For the given internal concentrations: the potential the membrane settles to within a few
    τ_m.
    """
    concentrations = LECTURE_CONCENTRATIONS if concentrations is None else concentrations
    c = concentrations._replace(na_in=float(na_in), k_in=float(k_in))
    _checked_concentrations(c)
    params = _checked_pump_params(params)
    args = _pump_args(c, params)
    return _zero_current_v(c.na_in, c.k_in, *args)


@renamed_arguments(
    old_order=("duration", "concentrations", "params", "na_in0", "k_in0", "v0", "n_samples"),
    t_end_s="duration",
)
def simulate_pump_leak(
    *,
    duration: float,
    concentrations: IonConcentrations | None = None,
    params: PumpLeakParams | None = None,
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
    duration : float
        Duration [s] (this model's time unit: the concentrations change over minutes).
    concentrations : IonConcentrations, optional
        Outside concentrations (held fixed), temperature, and the default initial inside ones;
        default ``LECTURE_CONCENTRATIONS``.
    params : PumpLeakParams, optional
        Leak, pump and cell parameters, default ``PumpLeakParams()``;
        ``params._replace(i_pump_max=0.0)`` blocks the pump (as ouabain does).
    na_in0, k_in0 : float, optional
        Initial inside concentrations [mM]; default those of ``concentrations``.
    v0 : float, optional
        Initial potential [mV]; default: where all currents cancel at the initial
        concentrations with the normal pump strength (``DEFAULT_PUMP_LEAK.i_pump_max``), i.e.
        the cell at rest just before a change of pump strength (blocking it, say) takes effect.
    n_samples : int
        Number of output times, evenly spaced from 0 to ``duration``.

    Returns
    -------
    PumpLeakResult

    Examples
    --------
    >>> blocked = PumpLeakParams()._replace(i_pump_max=0.0)
    >>> run = simulate_pump_leak(duration=600.0, params=blocked, n_samples=3)
    >>> bool(run.na_in[-1] > run.na_in[0] and run.v[-1] > run.v[0])
    True
    """
    from scipy.integrate import solve_ivp

    duration = require_positive("duration", duration, "s")
    n_samples = positive_int("n_samples", n_samples, minimum=2)
    c = _checked_concentrations(
        LECTURE_CONCENTRATIONS if concentrations is None else concentrations
    )
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

    t_eval = np.linspace(0.0, duration, n_samples)
    solution = solve_ivp(
        rhs,
        (0.0, duration),
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
        raise ValueError(
            "an internal concentration fell to zero; shorten duration or check params."
        )
    i_pump = pump_current(na_in, c.k_out, params=params)
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
    """GHK leak currents of Na⁺ and K⁺ and the pump current [µA/cm²] at ``v`` [mV]."""
    u = v / v_t
    b_minus, b_plus = bernoulli(-u), bernoulli(u)
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


def _checked_pump_params(params: PumpLeakParams | None) -> PumpLeakParams:
    """Return ``params`` (default ``PumpLeakParams()``) checked, as floats."""
    if params is None:
        return DEFAULT_PUMP_LEAK
    if not isinstance(params, PumpLeakParams):
        raise ValueError(f"params must be a PumpLeakParams, got {type(params).__name__}.")
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
