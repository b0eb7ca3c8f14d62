r"""Transmitting the action potential along an axon: a passive cable and a chain of HH compartments.

An axon is a thin tube of membrane filled with a resistive solution. Cut into compartments of
length ``dx``, each compartment is a Hodgkin–Huxley membrane patch (:mod:`snnedu.models.hh`)
coupled to its neighbours through the axial resistance of the core (the cable equation,
Hodgkin & Huxley 1952, part V; Dayan & Abbott 2001, ch. 6):

.. math::

    c_m \frac{\partial v}{\partial t} = \frac{d}{4 R_i} \frac{\partial^2 v}{\partial x^2}
        - i_{ion}(v, m, h, n) + i_{ext}

with ``d`` the diameter and ``R_i`` the axial resistivity; discretised, each compartment is
coupled to each neighbour with the conductance per membrane area ``g_a = d / (4 R_i dx²)``.

**Passive cable.** With only the leak (``i_ion = g_L (v − E_L)``), a steady current injected at
one end decays along the cable as :math:`e^{-x/\lambda}` (a sealed end at ``L`` makes it
:math:`\cosh((L - x)/\lambda) / \cosh(L/\lambda)`), with the **length constant**

.. math::

    \lambda = \sqrt{\frac{r_m}{r_i}} = \sqrt{\frac{R_m\, d}{4 R_i}}, \qquad
    r_m = \frac{R_m}{\pi d}\ [\Omega\,\text{cm}], \quad
    r_i = \frac{4 R_i}{\pi d^2}\ [\Omega/\text{cm}],

where ``R_m = 1/g_L`` is the specific membrane resistance. For the squid giant axon
(d = 476 µm, R_i = 35.4 Ω·cm, g_L = 0.3 mS/cm²) λ ≈ 10.6 mm: a passive axon loses most of a
signal within a few mm, which is why the spike has to be regenerated as it goes.

**Active axon.** With HH channels in every compartment the spike regenerates itself and travels
at a constant **conduction velocity**; for the squid axon at 18.5 °C Hodgkin & Huxley computed
18.8 m/s and measured 21.2 m/s. Cable theory predicts that the velocity grows as
:math:`\sqrt{d}` (unmyelinated axons), which is why the squid's axon is giant.

Units: positions in mm, times in ms (so velocities in mm/ms = m/s), diameters in µm, ``R_i`` in
Ω·cm, membrane quantities per area as in :mod:`snnedu.models.hh`.

Integration (:func:`simulate_axon`): per step, each gate is advanced exactly for the voltage at
the start of the step (exponential Euler), then all voltages together with backward Euler — a
tridiagonal solve, stable for any ``dt`` and ``dx``.

>>> round(length_constant_mm(g_l=0.3), 2)   # squid axon, passive
10.59
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.jit import jit
from snnedu.core.validation import as_float_params, require_positive
from snnedu.models import hh

__all__ = [
    "SQUID_AXON",
    "AxonParams",
    "AxonResult",
    "axial_conductance",
    "conduction_velocity",
    "length_constant_mm",
    "passive_profile",
    "simulate_axon",
]


class AxonParams(NamedTuple):
    """Geometry of an unmyelinated axon; the defaults are the squid giant axon.

    Source: Hodgkin & Huxley (1952) *J. Physiol.* 117, 500–544, part V (diameter 476 µm,
    R_i = 35.4 Ω·cm).
    """

    diameter_um: float = 476.0  # axon diameter [µm]
    r_i: float = 35.4  # axial resistivity of the axoplasm [Ω·cm]
    length_mm: float = 40.0  # length of the modelled stretch [mm]
    dx_mm: float = 0.25  # compartment length [mm]


class AxonResult(NamedTuple):
    """What :func:`simulate_axon` recorded."""

    x: np.ndarray  # compartment centres [mm], shape (n_compartments,)
    t: np.ndarray  # sample times [ms], shape (n_samples,)
    v: np.ndarray  # membrane potential [mV], shape (n_samples, n_compartments)
    arrival: np.ndarray  # first upward crossing of 0 mV per compartment [ms] (nan: none)


SQUID_AXON = AxonParams()
"""The squid giant axon (the default geometry)."""


def _checked(params: AxonParams | None) -> AxonParams:
    if params is None:
        return SQUID_AXON
    if not isinstance(params, AxonParams):
        raise ValueError(f"params must be an AxonParams, got {type(params).__name__}.")
    for name in ("diameter_um", "r_i", "length_mm", "dx_mm"):
        require_positive(name, getattr(params, name))
    if params.dx_mm > params.length_mm / 3:
        raise ValueError(
            f"dx_mm = {params.dx_mm} is too coarse for length_mm = {params.length_mm}: use at "
            "least three compartments (a smaller dx_mm or a longer axon)."
        )
    return AxonParams(*(float(value) for value in params))


def axial_conductance(*, params: AxonParams | None = None) -> float:
    """Coupling between neighbouring compartments, g_a = d / (4 R_i dx²) [mS/cm² of membrane].

    >>> round(axial_conductance(params=AxonParams(dx_mm=0.5)), 1)
    134.5
    """
    p = _checked(params)
    d_cm, dx_cm = p.diameter_um * 1e-4, p.dx_mm * 0.1
    return 1e3 * d_cm / (4.0 * p.r_i * dx_cm**2)


def length_constant_mm(*, params: AxonParams | None = None, g_l: float = 0.3) -> float:
    """Length constant λ = sqrt(R_m d / (4 R_i)) [mm] of the passive cable, R_m = 1/g_L.

    ``g_l`` is the leak conductance [mS/cm²].
    """
    p = _checked(params)
    r_m = 1e3 / require_positive("g_l", g_l, "mS/cm²")  # Ω·cm²
    return 10.0 * math.sqrt(r_m * p.diameter_um * 1e-4 / (4.0 * p.r_i))


def _n_compartments(p: AxonParams) -> int:
    return round(p.length_mm / p.dx_mm)


def passive_profile(*, params: AxonParams | None = None, g_l: float = 0.3):
    """Steady-state depolarisation along a passive, sealed cable, relative to its first compartment.

    Current is injected into the first compartment; returns ``(x [mm], v / v[0])``.

    Solved on the compartments (a linear system), not from the formula, so it can be compared
    with :math:`\\cosh((L - x)/\\lambda) / \\cosh(L/\\lambda)`.
    """
    p = _checked(params)
    g_l = require_positive("g_l", g_l, "mS/cm²")
    n = _n_compartments(p)
    g_a = axial_conductance(params=p)
    a = np.zeros((n, n))
    for i in range(n):
        a[i, i] = g_l
        for j in (i - 1, i + 1):
            if 0 <= j < n:
                a[i, i] += g_a
                a[i, j] -= g_a
    rhs = np.zeros(n)
    rhs[0] = 1.0
    v = np.linalg.solve(a, rhs)
    return (np.arange(n) + 0.5) * p.dx_mm, v / v[0]


@jit
def _axon_kernel(
    v, m, h, n, g_a, kinetics, phi, c_m, g_na, g_k, g_l, e_na, e_k, e_l,
    amplitude, t_on, t_off, dt, n_steps, record_every, v_out, arrival,
):  # fmt: skip
    """Advance the axon ``n_steps`` steps in place.

    Each step: the gates exactly for v frozen, then v with implicit Euler on the tridiagonal
    cable. Writes v every ``record_every`` steps into ``v_out`` and each compartment's first
    upward crossing of 0 mV [ms] into ``arrival``.
    """
    size = v.size
    diag = np.empty(size)
    rhs = np.empty(size)
    cprime = np.empty(size)
    v_old = np.empty(size)
    for step in range(n_steps):
        t = step * dt
        if step % record_every == 0:
            v_out[step // record_every, :] = v
        stim = amplitude if (t >= t_on and t < t_off) else 0.0
        for i in range(size):
            am, bm, ah, bh, an, bn = hh.gate_rates(v[i], kinetics, phi)
            m[i] = am / (am + bm) + (m[i] - am / (am + bm)) * math.exp(-dt * (am + bm))
            h[i] = ah / (ah + bh) + (h[i] - ah / (ah + bh)) * math.exp(-dt * (ah + bh))
            n[i] = an / (an + bn) + (n[i] - an / (an + bn)) * math.exp(-dt * (an + bn))
            g_nai = g_na * m[i] ** 3 * h[i]
            g_ki = g_k * n[i] ** 4
            neighbours = (1.0 if i > 0 else 0.0) + (1.0 if i < size - 1 else 0.0)
            diag[i] = c_m / dt + g_nai + g_ki + g_l + neighbours * g_a
            rhs[i] = c_m / dt * v[i] + g_nai * e_na + g_ki * e_k + g_l * e_l
        rhs[0] += stim
        # Thomas algorithm: off-diagonals are all −g_a
        cprime[0] = -g_a / diag[0]
        rhs[0] = rhs[0] / diag[0]
        for i in range(1, size):
            denominator = diag[i] + g_a * cprime[i - 1]
            cprime[i] = -g_a / denominator
            rhs[i] = (rhs[i] + g_a * rhs[i - 1]) / denominator
        v_old[:] = v
        v[size - 1] = rhs[size - 1]
        for i in range(size - 2, -1, -1):
            v[i] = rhs[i] - cprime[i] * v[i + 1]
        for i in range(size):
            if np.isnan(arrival[i]) and v_old[i] < 0.0 <= v[i]:
                arrival[i] = t + dt * (0.0 - v_old[i]) / (v[i] - v_old[i])


def simulate_axon(
    *,
    params: AxonParams | None = None,
    hh_params: hh.HHParams | None = None,
    duration: float = 10.0,
    dt: float = 0.01,
    current_ua: float = 10.0,
    width: float = 0.5,
    record_every: int = 5,
) -> AxonResult:
    """A current pulse into the first compartment of an axon of HH compartments, from rest.

    Parameters
    ----------
    params
        Geometry (:class:`AxonParams`; ``None``: the squid giant axon, :data:`SQUID_AXON`).
    hh_params
        Membrane of every compartment; default ``hh.HHParams.squid_1952(18.5)``, the squid axon
        at the temperature of Hodgkin & Huxley's propagation experiment.
    duration, dt
        Simulated time and step [ms].
    current_ua, width
        The stimulating pulse into compartment 0, from t = 0.5 ms: total current [µA] (spread
        over the compartment's membrane, so it does not depend on ``dx_mm``) and length [ms].
    record_every
        Keep every ``record_every``-th step of v.
    """
    p = _checked(params)
    hp = hh.HHParams.squid_1952(18.5) if hh_params is None else hh_params
    if not isinstance(hp, hh.HHParams):
        raise ValueError(f"hh_params must be an hh.HHParams, got {type(hp).__name__}.")
    hp = as_float_params(hp)
    duration = require_positive("duration", duration, "ms")
    dt = require_positive("dt", dt, "ms")
    if dt > 0.05:
        raise ValueError(f"dt = {dt} ms is too coarse for the spike's upstroke; use dt <= 0.05 ms.")
    record_every = int(require_positive("record_every", record_every))
    size = _n_compartments(p)
    area_cm2 = math.pi * p.diameter_um * 1e-4 * p.dx_mm * 0.1
    amplitude = require_positive("current_ua", current_ua, "µA") / area_cm2  # µA/cm²
    v_rest = hh.resting_potential(params=hp)
    gates = hh.x0(v_rest, params=hp)
    v = np.full(size, v_rest)
    m, h, n = (np.full(size, float(g)) for g in gates)
    n_steps = round(duration / dt)
    v_out = np.empty(((n_steps - 1) // record_every + 1, size))
    arrival = np.full(size, np.nan)
    _axon_kernel(
        v, m, h, n, axial_conductance(params=p), hp.kinetics, hp.phi, hp.c_m, hp.g_na, hp.g_k,
        hp.g_l, hp.e_na, hp.e_k, hp.e_l, amplitude, 0.5, 0.5 + require_positive("width", width), dt,
        n_steps, record_every, v_out, arrival,
    )  # fmt: skip
    t = np.arange(v_out.shape[0]) * dt * record_every
    return AxonResult((np.arange(size) + 0.5) * p.dx_mm, t, v_out, arrival)


def conduction_velocity(result: AxonResult, *, start_mm: float, stop_mm: float) -> float:
    """Speed of the spike [m/s] from a straight-line fit of arrival time against position.

    The fit uses the compartments between ``start_mm`` and ``stop_mm`` (keep away from the
    stimulated and the sealed end).
    """
    inside = (result.x >= start_mm) & (result.x <= stop_mm)
    if np.count_nonzero(inside) < 2 or np.any(np.isnan(result.arrival[inside])):
        raise ValueError(
            f"no spike reached every compartment between {start_mm} and {stop_mm} mm; "
            "simulate longer, stimulate more strongly, or choose a stretch inside the axon."
        )
    slope = np.polyfit(result.x[inside], result.arrival[inside], 1)[0]  # ms per mm
    return float(1.0 / slope)
