"""The Hodgkin–Huxley model: three parallel currents, gates, spikes and refractoriness.

Membrane equation (per unit area) and gating, x ∈ {m, h, n}:

.. math::

    C_m \\frac{dv}{dt} = i_{ext} - g_{Na} m^3 h (v - E_{Na}) - g_K n^4 (v - E_K) - g_L (v - E_L)

    \\frac{dx}{dt} = \\alpha_x(v)(1 - x) - \\beta_x(v) x = -\\frac{x - x_0(v)}{\\tau_x(v)},

    x_0 = \\frac{\\alpha_x}{\\alpha_x + \\beta_x}, \\qquad \\tau_x = \\frac{1}{\\alpha_x + \\beta_x}

Every α and β is multiplied by the temperature factor ``phi`` = Q10^((T − T_ref)/10).

Two parameter sets (reference sheet ``biophysics.md`` §5–7):

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

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numba
import numpy as np

from snnedu.core.jit import jit
from snnedu.core.stimulus import Stimulus, resolve_dt
from snnedu.core.validation import (
    finite_array,
    require_finite,
    require_non_negative,
    require_positive,
)

KINETICS_GERSTNER_2014 = 0.0
"""``HHParams.kinetics`` code: rate functions of Gerstner et al. (2014), Table 2.1."""
KINETICS_HH_1952 = 1.0
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
    kinetics: float = KINETICS_GERSTNER_2014  # which rate functions: 0 Gerstner 2014, 1 HH 1952

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


class HHResult(NamedTuple):
    """What :func:`simulate_hh` recorded.

    Traces are sampled at ``t`` (every ``record_every`` steps) with shape (len(t), n_neurons);
    a trace that was not asked for has shape (0, n_neurons). The integrator keeps the gates half
    a step ahead of v; the recorded gates are the mean of the two half-step values around each
    sample. Spikes are events, not a raster (1,000 neurons × 1 s would be 10⁸ booleans): upward
    crossings of ``v_th`` with the crossing time interpolated within the step, sorted by time;
    :func:`spike_trains` splits them by neuron and :func:`spike_raster` makes a raster.
    """

    t: np.ndarray  # sample times [ms], shape (n_samples,)
    v: np.ndarray  # membrane potential [mV], shape (n_samples, n_neurons)
    m: np.ndarray  # Na activation [1]
    h: np.ndarray  # Na inactivation [1]
    n: np.ndarray  # K activation [1]
    spike_times: np.ndarray  # [ms], shape (n_spikes,)
    spike_index: np.ndarray  # which neuron spiked, shape (n_spikes,)
    state: HHState  # state at the end, to continue a run
    dt: float  # time step [ms]


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
    """a·x / (1 − exp(−x/k)), finite at x = 0 where it equals a·k (expm1 keeps it accurate)."""
    y = x / k
    if abs(y) < 1e-7:
        return a * k * (1.0 + 0.5 * y)
    return a * x / -math.expm1(-y)


@jit
def _rates(v, kinetics, phi):
    """(α_m, β_m, α_h, β_h, α_n, β_n) [1/ms] at voltage ``v`` [mV]."""
    if kinetics == 0.0:
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
    out = np.empty((6, v.size))
    for i in range(v.size):
        out[0, i], out[1, i], out[2, i], out[3, i], out[4, i], out[5, i] = _rates(
            v[i], kinetics, phi
        )
    return out


def alpha_beta(v, params: HHParams = LECTURE_PARAMS) -> tuple[GateValues, GateValues]:
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


def x0(v, params: HHParams = LECTURE_PARAMS) -> GateValues:
    """Steady-state gate values x₀(v) = α/(α + β) [1] of m, h, n at voltage(s) ``v`` [mV].

    >>> [round(float(g), 3) for g in x0(resting_potential())]
    [0.061, 0.544, 0.001]
    """
    alpha, beta = alpha_beta(v, params)
    return GateValues(*(a / (a + b) for a, b in zip(alpha, beta, strict=True)))


def tau(v, params: HHParams = LECTURE_PARAMS) -> GateValues:
    """Gate time constants τ_x(v) = 1/(α + β) [ms] of m, h, n at voltage(s) ``v`` [mV].

    >>> [round(float(t), 1) for t in tau(resting_potential())]
    [0.3, 20.5, 5.7]
    """
    alpha, beta = alpha_beta(v, params)
    return GateValues(*(1.0 / (a + b) for a, b in zip(alpha, beta, strict=True)))


def currents(v, m, h, n, params: HHParams = LECTURE_PARAMS) -> Currents:
    """Ionic currents I_Na = g_Na m³h (v − E_Na), I_K = g_K n⁴ (v − E_K), I_L = g_L (v − E_L).

    Arrays of any matching shape (e.g. a :class:`HHResult`'s traces) [µA/cm²], outward positive.
    """
    p = _checked_params(params)
    v, m, h, n = (np.asarray(x, dtype=float) for x in (v, m, h, n))
    return Currents(
        p.g_na * m**3 * h * (v - p.e_na), p.g_k * n**4 * (v - p.e_k), p.g_l * (v - p.e_l)
    )


def steady_state_current(v, params: HHParams = LECTURE_PARAMS):
    """The current i_ext [µA/cm²] that holds the membrane at ``v`` [mV] with every gate at x₀(v).

    Its zeros are the fixed points of the unstimulated neuron; where it has a local maximum the
    resting state disappears (the onset of firing for a class I neuron like ``HHParams()``).
    """
    p = _checked_params(params)
    m, h, n = x0(v, p)
    return sum(currents(v, m, h, n, p))


def resting_potential(params: HHParams = LECTURE_PARAMS, i_ext: float = 0.0) -> float:
    """The most hyperpolarised fixed point of the membrane for a constant ``i_ext`` [mV].

    For ``HHParams()`` at i_ext = 0 this is the stable rest −63.05 mV (the other two fixed points,
    −52.9 and −36.1 mV, are unstable).

    >>> round(resting_potential(HHParams.squid_1952()), 3)
    -64.996
    """
    from scipy.optimize import brentq

    p = _checked_params(params)
    i_ext = require_finite("i_ext", i_ext, "µA/cm²")
    grid = np.arange(-120.0, 60.0, 0.05)
    residual = i_ext - steady_state_current(grid, p)
    crossings = np.flatnonzero(np.sign(residual[:-1]) != np.sign(residual[1:]))
    if crossings.size == 0:
        raise ValueError(f"no fixed point between −120 and 60 mV for i_ext={i_ext}; check params.")
    k = crossings[0]
    return float(
        brentq(lambda u: i_ext - float(steady_state_current(u, p)), grid[k], grid[k + 1], xtol=1e-9)
    )


def init_hh_state(params: HHParams = LECTURE_PARAMS, n: int = 1, v: float | None = None) -> HHState:
    """``n`` neurons at ``v`` [mV] with gates at x₀(v); ``v=None`` means at rest."""
    n = _require_count("n", n)
    v = resting_potential(params) if v is None else require_finite("v", v, "mV")
    gates = x0(v, params)
    return HHState(*(np.full(n, float(x)) for x in (v, *gates)))


# --------------------------------------------------------------------------- input currents


def n_steps_for(duration: float, dt: float) -> int:
    """Number of time steps of length ``dt`` in ``duration`` (both [ms])."""
    duration = require_positive("duration", duration, "ms")
    dt = require_positive("dt", dt, "ms")
    return max(1, round(duration / dt))


def step_current(
    amplitude, t_on: float, t_off: float, duration: float, *, dt: float = 0.01
) -> Stimulus:
    """A current step [µA/cm²] switched on at ``t_on`` and off at ``t_off`` [ms].

    Returns a :class:`~snnedu.core.stimulus.Stimulus` that knows its ``dt``: shape (n_steps,),
    or (n_steps, len(amplitude)) for an array of amplitudes (one neuron each). Sample k holds
    the current during [k·dt, (k + 1)·dt).

    >>> current = step_current(2.0, t_on=0.02, t_off=0.04, duration=0.05)
    >>> current.tolist(), current.dt
    ([0.0, 0.0, 2.0, 2.0, 0.0], 0.01)
    """
    return pulse_train(amplitude, [t_on], t_off - t_on, duration, dt=dt)


def pulse_train(
    amplitude, onsets: Sequence[float], width: float, duration: float, *, dt: float = 0.01
) -> Stimulus:
    """Rectangular pulses of ``width`` [ms] starting at each of ``onsets`` [ms].

    ``amplitude`` [µA/cm²] is a number (shape (n_steps,)) or an array (one neuron each, shape
    (n_steps, len(amplitude))). Returns a :class:`~snnedu.core.stimulus.Stimulus` sampled
    every ``dt``.
    """
    n_steps = n_steps_for(duration, dt)
    require_positive("width", width, "ms")
    amplitude = np.asarray(amplitude, dtype=float)
    if not np.all(np.isfinite(amplitude)) or amplitude.ndim > 1:
        raise ValueError(f"amplitude must be a finite number or 1-D array, got {amplitude!r}.")
    t = np.arange(n_steps) * dt
    shape = np.zeros(n_steps)
    for onset in np.atleast_1d(np.asarray(onsets, dtype=float)):
        require_finite("onset", onset, "ms")
        # a tiny margin so that t_on = k·dt starts exactly at sample k despite rounding
        shape[(t >= onset - 1e-9 * dt) & (t < onset + width - 1e-9 * dt)] = 1.0
    if amplitude.ndim == 0:
        return Stimulus(shape * float(amplitude), dt)
    return Stimulus(shape[:, None] * amplitude.ravel()[None, :], dt)


def ou_current(
    duration: float,
    *,
    dt: float = 0.01,
    mean: float = 0.0,
    sigma: float = 1.0,
    tau: float = 5.0,
    n: int = 1,
    rng: np.random.Generator,
):
    """Ornstein–Uhlenbeck (coloured noise) current [µA/cm²], shape (n_steps, n).

    dI = −(I − mean)/τ dt + σ √(2/τ) dW, integrated exactly, starting from its stationary
    distribution (mean ``mean``, standard deviation ``sigma``, correlation time ``tau`` [ms]).

    >>> i = ou_current(2000.0, sigma=2.0, rng=np.random.default_rng(1))
    >>> i.shape, bool(abs(i.std() - 2.0) < 0.3)
    ((200000, 1), True)
    """
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy Generator, e.g. rng=np.random.default_rng(0).")
    n_steps = n_steps_for(duration, dt)
    n = _require_count("n", n)
    mean = require_finite("mean", mean, "µA/cm²")
    sigma = require_non_negative("sigma", sigma, "µA/cm²")
    tau = require_positive("tau", tau, "ms")
    decay = math.exp(-dt / tau)
    kicks = rng.standard_normal((n_steps, n)) * (sigma * math.sqrt(1.0 - decay**2))
    kicks[0] = rng.standard_normal(n) * sigma
    # x_k = decay·x_{k−1} + kick_k, a linear recursion solved with scipy's IIR filter
    from scipy.signal import lfilter

    return Stimulus(mean + lfilter([1.0], [1.0, -decay], kicks, axis=0), dt)


# --------------------------------------------------------------------------- the simulator


_V_LO = -150.0  # lower end of the rate table [mV]
_V_HI = 100.0  # upper end of the rate table [mV]
_DV = 0.05  # table spacing [mV]
_MAX_PHI_DT = 0.05  # accuracy limit on φ·dt [ms]
_MAX_CONDUCTANCE_DT = 2.0  # accuracy limit on dt·(g_Na + g_K + g_L)/C_m [1]


def max_dt(params: HHParams = LECTURE_PARAMS) -> float:
    """The largest time step [ms] :func:`simulate_hh` accepts for ``params``.

    Two conditions: the trapezoidal step for v must not overshoot even with every channel open,
    dt·(g_Na + g_K + g_L)/C_m ≤ 2, and the rates must change little within a step, φ·dt ≤ 0.05 ms.
    At the limit, spike times after 200 ms of firing are within ≈ 0.03 ms of a tight ``solve_ivp``
    solution (at dt = 0.01 ms: within 0.005 ms).

    >>> round(max_dt(), 4), round(max_dt(HHParams.squid_1952()), 4)
    (0.0266, 0.0128)
    """
    p = _checked_params(params)
    g_max = p.g_na + p.g_k + p.g_l
    return min(_MAX_PHI_DT / p.phi, _MAX_CONDUCTANCE_DT * p.c_m / g_max if g_max > 0 else np.inf)


# the kernel may fuse multiply-adds and reorder arithmetic, but must keep NaN and inf visible
_fast_jit = numba.njit(
    cache=True, nogil=True, fastmath={"contract", "arcp", "nsz", "afn", "reassoc"}
)


@jit
def _gate_table(kinetics, phi, dt, v_lo, dv, n_nodes):
    """Row i: for m, h, n the update x ← x·a + b at v = v_lo + i·dv, and slopes to row i + 1.

    Columns 0–5: a_m, b_m, a_h, b_h, a_n, b_n; columns 6–11: their increments to the next row.
    """
    table = np.zeros((n_nodes, 12))
    for i in range(n_nodes):
        am, bm, ah, bh, an, bn = _rates(v_lo + i * dv, kinetics, phi)
        table[i, 0], table[i, 1] = _exp_euler_coefficients(am, bm, dt)
        table[i, 2], table[i, 3] = _exp_euler_coefficients(ah, bh, dt)
        table[i, 4], table[i, 5] = _exp_euler_coefficients(an, bn, dt)
    for i in range(n_nodes - 1):
        for c in range(6):
            table[i, 6 + c] = table[i + 1, c] - table[i, c]
    return table


@jit
def _exp_euler_coefficients(alpha, beta, dt):
    """(a, b) with x(t + dt) = a·x(t) + b for dx/dt = α(1 − x) − βx at constant α, β."""
    s = alpha + beta
    decay = -math.expm1(-dt * s)  # 1 − e^{−dt/τ}, accurate for small dt/τ
    return 1.0 - decay, alpha / s * decay


@_fast_jit
def _hh_kernel(
    p,
    table,
    v_lo,
    inv_dv,
    exact,
    v,
    m,
    h,
    n,
    armed,
    i_ext,
    step_t,
    step_n,
    n_steps,
    dt,
    v_th,
    v_rearm,
    record_every,
    v_rec,
    m_rec,
    h_rec,
    n_rec,
    spike_t,
    spike_i,
):
    """Advance every neuron ``n_steps``; write traces, spikes and the final state in place.

    Time is the outer loop so that the CPU overlaps the work of independent neurons. Returns the
    number of spikes (entries beyond ``spike_t.size`` are counted, not written).
    """
    n_neurons = v.size
    n_rows = table.shape[0] - 1
    record_v = v_rec.shape[0] > 0
    record_m = m_rec.shape[0] > 0
    record_h = h_rec.shape[0] > 0
    record_n = n_rec.shape[0] > 0
    for j in range(n_neurons):
        if record_v:
            v_rec[0, j] = v[j]
        if record_m:
            m_rec[0, j] = m[j]
        if record_h:
            h_rec[0, j] = h[j]
        if record_n:
            n_rec[0, j] = n[j]
        # the gates live half a step ahead of v: first move them from t = 0 to dt/2
        am, bm, ah, bh, an, bn = _rates(v[j], p.kinetics, p.phi)
        a, b = _exp_euler_coefficients(am, bm, 0.5 * dt)
        m[j] = a * m[j] + b
        a, b = _exp_euler_coefficients(ah, bh, 0.5 * dt)
        h[j] = a * h[j] + b
        a, b = _exp_euler_coefficients(an, bn, 0.5 * dt)
        n[j] = a * n[j] + b
    dt_c = dt / p.c_m
    half_dt_c = 0.5 * dt_c
    n_spikes = 0
    countdown = record_every
    for k in range(n_steps):
        countdown -= 1
        # sample k + 1 is written at the end of this step, from the gates either side of it
        record = countdown == 0 and k + 1 < n_steps
        last = k + 1 == n_steps
        r = (k + 1) // record_every
        row_t = k * step_t
        for j in range(n_neurons):
            vj = v[j]
            mj = m[j]
            hj = h[j]
            nj = n[j]
            # membrane: exact for the conductances at the midpoint of the step
            n2 = nj * nj
            g_na = p.g_na * mj * mj * mj * hj
            g_k = p.g_k * n2 * n2
            g_total = g_na + g_k + p.g_l
            i_j = i_ext[row_t, j * step_n]
            drive = i_j + g_na * (p.e_na - vj) + g_k * (p.e_k - vj) + p.g_l * (p.e_l - vj)
            v_new = vj + drive * dt_c / (1.0 + half_dt_c * g_total)
            if vj < v_th <= v_new and armed[j]:
                if n_spikes < spike_t.size:
                    spike_t[n_spikes] = (k + (v_th - vj) / (v_new - vj)) * dt
                    spike_i[n_spikes] = j
                n_spikes += 1
                armed[j] = False
            elif v_new < v_rearm:
                armed[j] = True
            # gates: exact for v frozen at its new value, over the next full step
            x = (v_new - v_lo) * inv_dv
            if not exact and x >= 0.0 and x < n_rows:
                row = int(x)
                f = x - row
                m_new = mj * (table[row, 0] + f * table[row, 6]) + table[row, 1] + f * table[row, 7]
                h_new = hj * (table[row, 2] + f * table[row, 8]) + table[row, 3] + f * table[row, 9]
                n_new = (
                    nj * (table[row, 4] + f * table[row, 10]) + table[row, 5] + f * table[row, 11]
                )
            else:
                am, bm, ah, bh, an, bn = _rates(v_new, p.kinetics, p.phi)
                a, b = _exp_euler_coefficients(am, bm, dt)
                m_new = a * mj + b
                a, b = _exp_euler_coefficients(ah, bh, dt)
                h_new = a * hj + b
                a, b = _exp_euler_coefficients(an, bn, dt)
                n_new = a * nj + b
            v[j] = v_new
            if record:
                # gates at t = (k + 1)·dt: mean of the half-step values either side
                if record_v:
                    v_rec[r, j] = v_new
                if record_m:
                    m_rec[r, j] = 0.5 * (mj + m_new)
                if record_h:
                    h_rec[r, j] = 0.5 * (hj + h_new)
                if record_n:
                    n_rec[r, j] = 0.5 * (nj + n_new)
            if last:
                # the final state has v and the gates at the same time, t = n_steps·dt
                m_new, h_new, n_new = 0.5 * (mj + m_new), 0.5 * (hj + h_new), 0.5 * (nj + n_new)
            m[j] = m_new
            h[j] = h_new
            n[j] = n_new
        if countdown == 0:
            countdown = record_every
    return n_spikes


_TABLE_CACHE: dict = {}


def _table_for(params: HHParams, dt: float) -> np.ndarray:
    key = (params.kinetics, params.phi, dt)
    if key not in _TABLE_CACHE:
        if len(_TABLE_CACHE) > 16:
            _TABLE_CACHE.clear()
        n_nodes = round((_V_HI - _V_LO) / _DV) + 1
        _TABLE_CACHE[key] = _gate_table(params.kinetics, params.phi, dt, _V_LO, _DV, n_nodes)
    return _TABLE_CACHE[key]


_TRACES = ("v", "m", "h", "n")
SPIKE_HYSTERESIS = 20.0
"""[mV] After a spike, the next upward crossing of v_th counts only once v has fallen this far
below v_th, so that a membrane pushed back up during the downstroke is not a second spike."""
_MAX_RECORD_BYTES = 2e9


def simulate_hh(
    i_ext=0.0,
    duration: float | None = None,
    *,
    dt: float | None = None,
    params: HHParams = LECTURE_PARAMS,
    state: HHState | None = None,
    n: int | None = None,
    record: Sequence[str] = _TRACES,
    record_every: int = 1,
    v_th: float = 0.0,
    exact_rates: bool = False,
) -> HHResult:
    """Simulate one HH neuron or a population of independent ones.

    Parameters
    ----------
    i_ext : float, array or Stimulus [µA/cm²]
        External current, broadcast to shape (n_steps, n_neurons) with numpy's rules: a number
        (constant), shape (n_steps,) (one neuron's time course), (1, n) (a constant per neuron),
        (n_steps, 1) (one time course for all) or (n_steps, n). Sample k holds during
        [k·dt, (k + 1)·dt). A :class:`~snnedu.core.stimulus.Stimulus` (what
        :func:`step_current` and the other builders return) carries its own ``dt``.
    duration : float, optional [ms]
        Needed when ``i_ext`` has no time axis; otherwise it must agree with it.
    dt : float, optional [ms]
        Time step; at most :func:`max_dt`. Default: the stimulus' own ``dt``, else 0.01 ms.
        A stimulus built with another ``dt`` is refused (its samples would last the wrong time).
    params : HHParams
    state : HHState, optional
        Start here (not modified); default: every neuron at rest.
    n : int, optional
        Number of neurons, when neither ``i_ext`` nor ``state`` says it.
    record : sequence of {"v", "m", "h", "n"}
        Traces to keep; ``()`` keeps only spikes (1,000 neurons × 1 s then take kilobytes).
    record_every : int
        Keep every ``record_every``-th sample of the recorded traces.
    v_th : float [mV]
        Spikes are upward crossings of ``v_th`` (the next one counts only after v has fallen
        below v_th − :data:`SPIKE_HYSTERESIS`).
    exact_rates : bool
        Evaluate α and β with ``exp`` at every step instead of the 0.05 mV table (slower; for
        checking the table).

    Returns
    -------
    HHResult

    Examples
    --------
    >>> res = simulate_hh([[1.0, 3.0]], duration=200.0, record=())   # two neurons, spikes only
    >>> res.v.shape, np.bincount(res.spike_index).tolist()
    ((0, 2), [5, 1])
    """
    p = _checked_params(params)
    dt = resolve_dt(dt, 0.01, i_ext=i_ext)
    limit = max_dt(p)
    if dt > limit:
        raise ValueError(
            f"dt={dt} ms is too large for an accurate HH integration with these parameters "
            f"(limit {limit:.4g} ms, set by the fastest gate and membrane time constants); "
            f"use dt <= {limit:.4g} (dt=0.01 suits both parameter sets at their own temperature)."
        )
    v_th = require_finite("v_th", v_th, "mV")
    record_every = _require_count("record_every", record_every)
    unknown = set(record) - set(_TRACES)
    if isinstance(record, str) or unknown:
        raise ValueError(f"record must be a tuple of names from {_TRACES}, got {record!r}.")

    current = finite_array("i_ext", i_ext)
    if current.ndim > 2:
        raise ValueError(
            f"i_ext must have at most 2 dimensions (time, neuron), got {current.ndim}."
        )
    current = current.reshape(
        (-1, 1) if current.ndim == 1 else (1, 1) * (2 - current.ndim) + current.shape
    )
    if current.shape[0] > 1:
        n_steps = current.shape[0]
        if duration is not None and n_steps_for(duration, dt) != n_steps:
            raise ValueError(
                f"duration={duration} ms is {n_steps_for(duration, dt)} steps of dt={dt} but "
                f"i_ext has {n_steps} time samples; drop duration or make them agree."
            )
    elif duration is None:
        raise ValueError("i_ext has no time axis: pass duration=<ms>.")
    else:
        n_steps = n_steps_for(duration, dt)

    sizes = {current.shape[1]} | ({state.v.size} if state is not None else set())
    sizes |= {_require_count("n", n)} if n is not None else set()
    sizes.discard(1)
    if len(sizes) > 1:
        raise ValueError(f"the number of neurons is ambiguous: i_ext, state and n give {sizes}.")
    n_neurons = sizes.pop() if sizes else 1
    if state is None:
        state = init_hh_state(p, n_neurons)
    start = [
        np.array(np.broadcast_to(finite_array(f"state.{name}", x), n_neurons), dtype=float)
        for name, x in zip(HHState._fields, state, strict=True)
    ]
    for name, gate in zip("mhn", start[1:], strict=True):
        if np.any((gate < 0) | (gate > 1)):
            raise ValueError(f"state.{name} must lie in [0, 1]; gates are open fractions.")

    n_samples = (n_steps + record_every - 1) // record_every
    if len(set(record)) * n_samples * n_neurons * 8 > _MAX_RECORD_BYTES:
        raise ValueError(
            f"recording {sorted(set(record))} for {n_neurons} neurons × {n_samples} samples would "
            f"take {len(set(record)) * n_samples * n_neurons * 8 / 1e9:.1f} GB; record fewer "
            "traces (record=('v',) or record=() for spikes only) or set record_every."
        )
    traces = {name: np.zeros((n_samples if name in record else 0, n_neurons)) for name in _TRACES}

    capacity = n_neurons * (int(n_steps * dt / 2.0) + 4)
    table = _table_for(p, dt)
    while True:
        v, m, h, gate_n = (x.copy() for x in start)
        spike_t = np.empty(capacity)
        spike_i = np.empty(capacity, dtype=np.int64)
        armed = v < v_th
        n_spikes = _hh_kernel(
            p,
            table,
            _V_LO,
            1.0 / _DV,
            bool(exact_rates),
            v,
            m,
            h,
            gate_n,
            armed,
            current,
            int(current.shape[0] > 1),
            int(current.shape[1] > 1),
            n_steps,
            dt,
            v_th,
            v_th - SPIKE_HYSTERESIS,
            record_every,
            traces["v"],
            traces["m"],
            traces["h"],
            traces["n"],
            spike_t,
            spike_i,
        )
        if n_spikes <= capacity:
            break
        capacity = n_spikes
    if not np.all(np.isfinite(v)):
        raise ValueError("the simulation produced NaN; check i_ext and params for extreme values.")
    order = np.lexsort((spike_i[:n_spikes], spike_t[:n_spikes]))
    return HHResult(
        t=np.arange(n_samples) * (dt * record_every),
        v=traces["v"],
        m=traces["m"],
        h=traces["h"],
        n=traces["n"],
        spike_times=spike_t[:n_spikes][order],
        spike_index=spike_i[:n_spikes][order],
        state=HHState(v, m, h, gate_n),
        dt=dt,
    )


def spike_trains(result: HHResult) -> list[np.ndarray]:
    """Spike times [ms] of each neuron of ``result``, as a list of arrays."""
    n_neurons = result.state.v.size
    return [result.spike_times[result.spike_index == j] for j in range(n_neurons)]


def spike_raster(result: HHResult) -> np.ndarray:
    """The spikes of ``result`` as a time-first bool raster, shape (n_steps, n_neurons), for
    :mod:`snnedu.core.spikes` and :func:`snnedu.plot.spikes.plot_raster` (step k holds the spikes
    in [k·dt, (k + 1)·dt)).

    >>> res = simulate_hh([[1.0, 2.0]], duration=100.0, record=())
    >>> raster = spike_raster(res)
    >>> raster.shape, raster.sum(axis=0).tolist()
    ((10000, 2), [2, 4])
    """
    spacing = result.t[1] - result.t[0] if result.t.size > 1 else result.dt
    n_steps = round(result.t.size * spacing / result.dt)
    raster = np.zeros((n_steps, result.state.v.size), dtype=bool)
    steps = np.minimum((result.spike_times / result.dt).astype(np.int64), n_steps - 1)
    raster[steps, result.spike_index] = True
    return raster


def spike_counts(result: HHResult, t_start: float = 0.0) -> np.ndarray:
    """Number of spikes of each neuron at or after ``t_start`` [ms]."""
    late = result.spike_times >= t_start
    return np.bincount(result.spike_index[late], minlength=result.state.v.size)


# --------------------------------------------------------------------------- measurements


def spike_times(t, v, v_th: float = 0.0) -> np.ndarray:
    """Upward crossings of ``v_th`` [mV] in a trace ``v`` sampled at ``t`` [ms], interpolated.

    As in :func:`simulate_hh`, a crossing after a spike counts only once v has fallen below
    v_th − :data:`SPIKE_HYSTERESIS`.

    >>> spike_times([0.0, 1.0, 2.0, 3.0], [-60.0, 20.0, 10.0, -70.0])
    array([0.75])
    """
    t = finite_array("t", t, ndim=1)
    v = finite_array("v", v, ndim=1)
    if t.shape != v.shape:
        raise ValueError(f"t and v must have the same length, got {t.size} and {v.size}.")
    v_th = require_finite("v_th", v_th, "mV")
    candidates = np.flatnonzero((v[:-1] < v_th) & (v[1:] >= v_th))
    rearmed = np.flatnonzero(v < v_th - SPIKE_HYSTERESIS)
    keep, armed_after = [], -1  # a crossing counts if v was re-armed since the last spike
    for k in candidates:
        if armed_after < 0 or np.any((rearmed > armed_after) & (rearmed <= k)):
            keep.append(k)
            armed_after = k
    k = np.asarray(keep, dtype=np.int64)
    return t[k] + (t[k + 1] - t[k]) * (v_th - v[k]) / (v[k + 1] - v[k])


class SpikeFeatures(NamedTuple):
    """Shape of the first action potential in a trace."""

    t_spike: float  # upward crossing of v_th [ms]
    peak: float  # maximum of v [mV]
    t_peak: float  # [ms]
    ahp: float  # after-hyperpolarisation: minimum of v after the peak [mV]
    t_ahp: float  # [ms]
    half_width: float  # width at half height between the AHP and the peak [ms]


def spike_features(t, v, v_th: float = 0.0) -> SpikeFeatures:
    """Peak, after-hyperpolarisation and half-width of the first spike in ``v(t)``.

    The AHP is the minimum between the first peak and the next spike (or the end of the trace).
    """
    t = finite_array("t", t, ndim=1)
    v = finite_array("v", v, ndim=1)
    crossings = spike_times(t, v, v_th)
    if crossings.size == 0:
        raise ValueError(f"the trace never crosses v_th={v_th} mV upwards: there is no spike.")
    start = int(np.searchsorted(t, crossings[0]))
    stop = int(np.searchsorted(t, crossings[1])) if crossings.size > 1 else t.size
    i_peak = start + int(np.argmax(v[start:stop]))
    i_ahp = i_peak + int(np.argmin(v[i_peak:stop]))
    half = 0.5 * (v[i_peak] + v[i_ahp])
    up = spike_times(t[: i_peak + 1], v[: i_peak + 1], half)
    down = spike_times(t[i_peak:], -v[i_peak:], -half)
    width = float(down[0] - up[-1]) if up.size and down.size else float("nan")
    return SpikeFeatures(
        float(crossings[0]),
        float(v[i_peak]),
        float(t[i_peak]),
        float(v[i_ahp]),
        float(t[i_ahp]),
        width,
    )


def _bracket_search(
    fires, low: float, high: float, rtol: float, n_probe: int, geometric: bool = False
) -> float:
    """Smallest x in (low, high] with ``fires(x)``, assuming fires is monotone in x.

    Bisection that tests ``n_probe`` points per round (``n_probe = 1`` is plain bisection);
    returns the upper end of the final bracket, or inf if ``fires(high)`` is false.
    """
    if not fires(np.array([high]))[0]:
        return float("inf")
    while high - low > rtol * high:
        if geometric and low > 0:
            probes = np.geomspace(low, high, n_probe + 2)[1:-1]
        else:
            probes = np.linspace(low, high, n_probe + 2)[1:-1]
        hit = fires(probes)
        first = int(np.argmax(hit)) if hit.any() else n_probe
        low = probes[first - 1] if first > 0 else low
        high = probes[first] if first < n_probe else high
    return float(high)


def threshold_current(
    params: HHParams = LECTURE_PARAMS,
    duration: float = 1.0,
    *,
    t_on: float = 5.0,
    window: float = 100.0,
    dt: float = 0.01,
    i_max: float = 1000.0,
    rtol: float = 1e-3,
    n_probe: int = 8,
) -> float:
    """Smallest amplitude [µA/cm²] of a current pulse of ``duration`` [ms] that fires a spike.

    Found by bisection (``n_probe`` amplitudes simulated at once per round, as one population
    run) from rest, counting spikes up to ``window`` ms after the pulse ends. With the default
    1 ms pulse this is the lecture's firing threshold (4.36 µA/cm² for ``HHParams()``); for a
    long step see :func:`rheobase`. Returns inf if even ``i_max`` does not fire.

    >>> round(threshold_current(HHParams.squid_1952()), 1)
    6.9
    """
    p = _checked_params(params)
    duration = require_positive("duration", duration, "ms")
    require_positive("window", window, "ms")
    require_non_negative("t_on", t_on, "ms")
    shape = pulse_train(1.0, [t_on], duration, t_on + duration + window, dt=dt)

    def fires(amplitudes):
        res = simulate_hh(shape[:, None] * amplitudes[None, :], params=p, dt=dt, record=())
        return np.bincount(res.spike_index, minlength=amplitudes.size) > 0

    return _bracket_search(
        fires, 0.0, require_positive("i_max", i_max), rtol, _require_count("n_probe", n_probe)
    )


def rheobase(
    params: HHParams = LECTURE_PARAMS,
    duration: float = 500.0,
    *,
    dt: float = 0.01,
    rtol: float = 1e-3,
    n_probe: int = 8,
) -> float:
    """Rheobase [µA/cm²]: the smallest step current (lasting ``duration`` ms) that fires a spike.

    Bisection as in :func:`threshold_current`, counting spikes during the step only. Near the
    rheobase of a class I neuron (``HHParams()``) the first spike comes late, so the value
    depends a little on ``duration``.
    """
    return threshold_current(
        params, duration, t_on=0.0, window=dt, dt=dt, i_max=100.0, rtol=rtol, n_probe=n_probe
    )


class FICurve(NamedTuple):
    """Firing rate against a constant current."""

    i_ext: np.ndarray  # step amplitudes [µA/cm²]
    rate_hz: np.ndarray  # sustained rate: spikes after t_skip / (duration − t_skip) [Hz]
    n_spikes: np.ndarray  # all spikes during the step, transient included


def fi_curve(
    amplitudes,
    params: HHParams = LECTURE_PARAMS,
    *,
    duration: float = 1000.0,
    t_skip: float = 200.0,
    dt: float = 0.01,
) -> FICurve:
    """f–I curve: one neuron per amplitude [µA/cm²], all in one population run from rest.

    The rate counts spikes after the transient ``t_skip`` [ms], so a neuron that fires once and
    then sits in depolarisation block has rate 0 but ``n_spikes`` 1.
    """
    amplitudes = finite_array("amplitudes", amplitudes, ndim=1)
    duration = require_positive("duration", duration, "ms")
    t_skip = require_non_negative("t_skip", t_skip, "ms")
    if t_skip >= duration:
        raise ValueError(f"t_skip={t_skip} ms must be shorter than duration={duration} ms.")
    res = simulate_hh(amplitudes[None, :], duration, dt=dt, params=params, record=())
    late = spike_counts(res, t_skip)
    return FICurve(amplitudes, late / ((duration - t_skip) / 1000.0), spike_counts(res))


class RefractoryCurve(NamedTuple):
    """Threshold of a second pulse against the time since the first (paired-pulse protocol)."""

    interval: np.ndarray  # onset of the second pulse after onset of the first [ms]
    threshold: np.ndarray  # second-pulse threshold [µA/cm²]; inf: no spike up to i_max
    baseline: float  # threshold of the second pulse alone, from rest [µA/cm²]
    first_amplitude: float  # [µA/cm²]


def paired_pulse_current(
    first_amplitude: float,
    second_amplitude,
    interval,
    *,
    first_width: float = 1.0,
    second_width: float = 0.5,
    t_on: float = 5.0,
    window: float = 30.0,
    dt: float = 0.01,
):
    """Two pulses [µA/cm²]: the second starts ``interval`` ms after the first.

    ``second_amplitude`` and ``interval`` broadcast together (one neuron per pair); the result has
    shape (n_steps, n_pairs). The run lasts until ``window`` ms after the latest second pulse.
    """
    second, interval = np.broadcast_arrays(
        finite_array("second_amplitude", second_amplitude), finite_array("interval", interval)
    )
    second, interval = second.ravel(), interval.ravel()
    if np.any(interval < first_width):
        raise ValueError(f"every interval must be >= first_width={first_width} ms (no overlap).")
    duration = t_on + float(interval.max()) + second_width + window
    current = pulse_train(float(first_amplitude), [t_on], first_width, duration, dt=dt)
    current = Stimulus(np.repeat(current[:, None], second.size, axis=1), dt)
    t = np.arange(current.shape[0]) * dt
    for j, (amp, gap) in enumerate(zip(second, interval, strict=True)):
        on = t_on + gap
        current[(t >= on - 1e-9 * dt) & (t < on + second_width - 1e-9 * dt), j] += amp
    return current


def refractory_curve(
    intervals,
    params: HHParams = LECTURE_PARAMS,
    *,
    first_amplitude: float | None = None,
    first_width: float = 1.0,
    second_width: float = 0.5,
    i_max: float = 1000.0,
    rtol: float = 0.01,
    n_probe: int = 6,
    dt: float = 0.01,
) -> RefractoryCurve:
    """Paired-pulse refractory curve: second-pulse threshold against the interval [ms].

    A first pulse (``first_width`` ms, default 3 × its threshold) fires a spike; a second pulse
    (``second_width`` ms) follows ``interval`` ms after the first one's onset. Its threshold is
    the smallest amplitude giving a second upward crossing of 0 mV (bisection on a log scale, all
    intervals in one population run per round). No second spike up to ``i_max`` → inf: the
    absolute refractory period. See :func:`refractory_periods`.
    """
    p = _checked_params(params)
    intervals = finite_array("intervals", intervals, ndim=1)
    if first_amplitude is None:
        first_amplitude = 3.0 * threshold_current(p, first_width, dt=dt, rtol=1e-3)
    first_amplitude = require_positive("first_amplitude", first_amplitude, "µA/cm²")
    i_max = require_positive("i_max", i_max, "µA/cm²")
    n_probe = _require_count("n_probe", n_probe)
    baseline = threshold_current(p, second_width, dt=dt, rtol=rtol, i_max=i_max)

    low = np.zeros(intervals.size)
    high = np.full(intervals.size, i_max)

    def second_spike(amplitudes, gaps):
        current = paired_pulse_current(
            first_amplitude,
            amplitudes,
            gaps,
            first_width=first_width,
            second_width=second_width,
            dt=dt,
        )
        res = simulate_hh(current, params=p, dt=dt, record=())
        return np.bincount(res.spike_index, minlength=amplitudes.size) >= 2

    possible = second_spike(high, intervals)
    high[~possible] = np.inf
    open_ = possible.copy()
    while open_.any() and np.any(high[open_] - low[open_] > rtol * high[open_]):
        idx = np.flatnonzero(open_)
        fractions = np.arange(1, n_probe + 1) / (n_probe + 1)
        lo = np.maximum(low[idx], baseline * 0.5)[:, None]
        probes = lo * (high[idx][:, None] / lo) ** fractions[None, :]
        hit = second_spike(probes.ravel(), np.repeat(intervals[idx], n_probe))
        hit = hit.reshape(idx.size, n_probe)
        for row, j in enumerate(idx):
            first = int(np.argmax(hit[row])) if hit[row].any() else n_probe
            if first > 0:
                low[j] = probes[row, first - 1]
            if first < n_probe:
                high[j] = probes[row, first]
        open_[idx] = high[idx] - low[idx] > rtol * high[idx]
    return RefractoryCurve(intervals, high, baseline, first_amplitude)


class RefractoryPeriods(NamedTuple):
    """Absolute and relative refractory periods read off a :class:`RefractoryCurve` [ms]."""

    absolute: float  # last tested interval at which no second spike could be evoked
    relative: float  # first interval from which the threshold stays within tolerance of baseline


def refractory_periods(curve: RefractoryCurve, tolerance: float = 0.1) -> RefractoryPeriods:
    """Absolute period (threshold infinite) and relative period (threshold above
    (1 + ``tolerance``) × baseline) from a refractory curve; nan if the curve never shows it."""
    tolerance = require_non_negative("tolerance", tolerance)
    interval = np.asarray(curve.interval)
    threshold = np.asarray(curve.threshold)
    refractory = ~np.isfinite(threshold)
    absolute = float(interval[refractory].max()) if refractory.any() else float("nan")
    raised = threshold > (1.0 + tolerance) * curve.baseline
    relative = float("nan")
    if raised.any() and not raised[-1]:
        relative = float(interval[np.flatnonzero(raised).max() + 1])
    return RefractoryPeriods(absolute, relative)


# --------------------------------------------------------------------------- validation


def _checked_params(params: HHParams) -> HHParams:
    if not isinstance(params, HHParams):
        raise ValueError(f"params must be an HHParams, got {type(params).__name__}.")
    values = HHParams(
        *(
            require_finite(f"HHParams.{name}", value)
            for name, value in zip(HHParams._fields, params, strict=True)
        )
    )
    require_positive("HHParams.c_m", values.c_m, "µF/cm²")
    for name in ("g_na", "g_k", "g_l"):
        require_non_negative(f"HHParams.{name}", getattr(values, name), "mS/cm²")
    require_positive("HHParams.phi", values.phi)
    if values.kinetics not in (KINETICS_GERSTNER_2014, KINETICS_HH_1952):
        raise ValueError(
            f"HHParams.kinetics must be KINETICS_GERSTNER_2014 (0) or KINETICS_HH_1952 (1), "
            f"got {values.kinetics!r}."
        )
    return values


def _require_count(name: str, value) -> int:
    if isinstance(value, bool) or not float(value).is_integer() or value < 1:
        raise ValueError(f"{name} must be a whole number >= 1, got {value!r}.")
    return int(value)
