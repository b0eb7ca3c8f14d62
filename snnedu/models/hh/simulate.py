"""The Hodgkin–Huxley simulator: a staggered exponential-Euler / Crank–Nicolson kernel.

The scheme is described in :mod:`snnedu.models.hh`.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import fast_jit, jit
from snnedu.core.stimulus import resolve_dt
from snnedu.core.validation import finite_array, positive_int, require_finite
from snnedu.models.hh.model import HHParams, HHState, _checked_params, _rates, init_hh_state
from snnedu.models.hh.stimuli import n_steps_for


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


_V_LO = -150.0  # lower end of the rate table [mV]
_V_HI = 100.0  # upper end of the rate table [mV]
_DV = 0.05  # table spacing [mV]
_MAX_PHI_DT = 0.05  # accuracy limit on φ·dt [ms]
_MAX_CONDUCTANCE_DT = 2.0  # accuracy limit on dt·(g_Na + g_K + g_L)/C_m [1]


@renamed_arguments(old_order=("params",))
def max_dt(*, params: HHParams | None = None) -> float:
    """The largest time step [ms] :func:`simulate_hh` accepts for ``params``.

    Two conditions: the trapezoidal step for v must not overshoot even with every channel open,
    dt·(g_Na + g_K + g_L)/C_m ≤ 2, and the rates must change little within a step, φ·dt ≤ 0.05 ms.
    At the limit, spike times after 200 ms of firing are within ≈ 0.03 ms of a tight ``solve_ivp``
    solution (at dt = 0.01 ms: within 0.005 ms).

    >>> round(max_dt(), 4), round(max_dt(params=HHParams.squid_1952()), 4)
    (0.0266, 0.0128)
    """
    p = _checked_params(params)
    g_max = p.g_na + p.g_k + p.g_l
    return min(_MAX_PHI_DT / p.phi, _MAX_CONDUCTANCE_DT * p.c_m / g_max if g_max > 0 else np.inf)


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


@fast_jit
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


@renamed_arguments(old_order=("i_ext", "duration"))
def simulate_hh(
    i_ext=0.0,
    *,
    duration: float | None = None,
    dt: float | None = None,
    params: HHParams | None = None,
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
    params : HHParams, optional
        Default ``HHParams()``, the lecture's table.
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
    limit = max_dt(params=p)
    if dt > limit:
        raise ValueError(
            f"dt={dt} ms is too large for an accurate HH integration with these parameters "
            f"(limit {limit:.4g} ms, set by the fastest gate and membrane time constants); "
            f"use dt <= {limit:.4g} (dt=0.01 suits both parameter sets at their own temperature)."
        )
    v_th = require_finite("v_th", v_th, "mV")
    record_every = positive_int("record_every", record_every)
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
    sizes |= {positive_int("n", n)} if n is not None else set()
    sizes.discard(1)
    if len(sizes) > 1:
        raise ValueError(f"the number of neurons is ambiguous: i_ext, state and n give {sizes}.")
    n_neurons = sizes.pop() if sizes else 1
    if state is None:
        state = init_hh_state(params=p, n=n_neurons)
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
    """The spikes of ``result`` as a time-first bool raster, shape (n_steps, n_neurons).

    For :mod:`snnedu.core.spikes` and :func:`snnedu.plot.spikes.plot_raster`; step k holds the
    spikes in [k·dt, (k + 1)·dt).

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
