"""Leaky integrate-and-fire (LIF) neurons with a refractory period and an adaptive threshold.

The lecture's integrate-and-fire equation (Gerstner et al. 2014, *Neuronal Dynamics*, §1.3):

.. math::

    C \\frac{dv}{dt} = i_{ext} - \\frac{v - v_{rest}}{R}
        \\;[- g_e (v - e_{exc}) - g_i (v - e_{inh})],
    \\qquad \\tau_m = R C,

with the bracket present for conductance-based input. When ``v`` reaches the threshold
``v_th + theta`` the neuron spikes, ``v`` is reset to ``v_reset`` and held there for the
refractory period ``t_ref``. The threshold adapts (Querlioz et al. 2013; Diehl & Cook 2015):

.. math::

    \\frac{d\\theta}{dt} = -\\frac{\\theta}{\\tau_\\theta}, \\qquad
    \\theta \\leftarrow \\theta + \\theta_{plus} \\text{ at each spike},

i.e. the lecture's ``dv_th/dt = −(v_th − v_th,0)/τ_th`` with ``v_th,0 = v_th`` and the
adaptive part ``theta``. Between spikes the equation is linear with inputs held constant
during a step, so each step is integrated exactly:
``v ← v_∞ + (v − v_∞) e^{−Δt g_tot / C}`` with ``g_tot = 1/R + g_e + g_i`` and
``v_∞ = (v_rest / R + g_e e_exc + g_i e_inh + i_ext) / g_tot``.

**f–I curve.** For constant current above the rheobase ``i_rh = (v_th − v_rest)/R`` and
``theta_plus = 0`` the neuron fires periodically with

.. math::

    T = t_{ref} + \\tau_m \\ln \\frac{R i - (v_{reset} - v_{rest})}{R i - (v_{th} - v_{rest})},
    \\qquad f = 1/T \\le 1/t_{ref}.

With an adaptive threshold the periodic state satisfies
``v_∞ + (v_reset − v_∞) e^{−(T − t_ref)/τ_m} = v_th + theta_plus · a / (1 − a)``,
``a = e^{−T/τ_θ}`` (solved numerically by :func:`adaptive_lif_rate_hz`).

Units: ms, mV, pA, nS, pF; ``r_m`` in MΩ (so ``R i`` [mV] = ``r_m`` · ``i`` / 1000 and the
leak conductance is ``1000 / r_m`` nS).

>>> result = simulate_lif(np.array([150.0, 300.0]), duration=200.0, dt=0.1)
>>> result.spike_count     # 150 pA is below the 200 pA rheobase
array([ 0, 15])
>>> round(float(lif_rate_hz(300.0)), 2)    # 1 / (2 ms + 10 ms · ln 3)
77.01
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import jit
from snnedu.core.numerics import decay_factor, relax
from snnedu.core.spikes import events_to_raster
from snnedu.core.stimulus import Stimulus, require_constant, resolve_dt
from snnedu.core.validation import (
    as_float_params,
    finite_array,
    float_array,
    positive_int,
    require_finite,
    require_positive,
    require_rng,
)


class LIFParams(NamedTuple):
    """Leaky integrate-and-fire parameters.

    Defaults: a generic cortical neuron in the style of Gerstner et al. (2014), *Neuronal
    Dynamics*, §1.3 (τ_m = 10 ms, threshold 20 mV above rest, R = 100 MΩ so the rheobase is
    200 pA, 2 ms refractory period). The adaptive threshold follows Diehl & Cook (2015) with
    ``theta_plus = 0`` by default (no adaptation; see :data:`ADAPTIVE`). Reversal potentials
    of conductance-based input: 0 mV (AMPA) and −80 mV (GABA_A) (Dayan & Abbott 2001, §5.8).
    """

    v_rest: float = -70.0  # resting potential [mV]
    v_reset: float = -70.0  # reset potential after a spike [mV]
    v_th: float = -50.0  # base threshold v_th,0 [mV]
    tau_m: float = 10.0  # membrane time constant R C [ms]
    r_m: float = 100.0  # membrane resistance [MΩ]
    t_ref: float = 2.0  # absolute refractory period [ms]
    theta_plus: float = 0.0  # threshold increase per spike [mV]
    tau_theta: float = 100.0  # decay time constant of the threshold increase [ms]
    e_exc: float = 0.0  # reversal potential of excitatory conductances [mV]
    e_inh: float = -80.0  # reversal potential of inhibitory conductances [mV]


ADAPTIVE = LIFParams(theta_plus=2.0, tau_theta=100.0)
"""The default neuron with a visibly adaptive threshold (+2 mV per spike, 100 ms decay)."""


class LIFState(NamedTuple):
    """State of a LIF population (float64 arrays of shape ``(n,)``)."""

    v: np.ndarray  # membrane potential [mV]
    theta: np.ndarray  # adaptive part of the threshold [mV]
    refractory: np.ndarray  # refractory time left [ms]


class LIFResult(NamedTuple):
    """What :func:`simulate_lif` returns.

    ``v`` and ``v_th`` hold the recorded neurons only (``record``), sampled at the end of each
    step (after a reset); ``v_th`` is ``v_th + theta``. Spikes of all neurons are events, sorted
    by time: neuron ``spike_index[i]`` fired in step ``spike_step[i]`` (detected at its end,
    ``t[spike_step[i]]``). ``raster`` is the bool raster ``(n_steps, n)`` only if
    ``raster=True`` was asked for (10,000 neurons × 10,000 steps would be 100 MB), else None;
    :func:`spike_raster` makes one from the events.
    """

    t: np.ndarray  # end time of each step (n_steps,) [ms]
    v: np.ndarray  # (n_steps, n_recorded) [mV]
    v_th: np.ndarray  # effective threshold (n_steps, n_recorded) [mV]
    spike_step: np.ndarray  # step of each spike (n_spikes,) int
    spike_index: np.ndarray  # neuron of each spike (n_spikes,) int
    spike_count: np.ndarray  # spikes per neuron (n,) int
    raster: np.ndarray | None  # (n_steps, n) bool if raster=True, else None
    state: LIFState  # final state
    dt: float  # time step [ms]

    @property
    def spike_times(self) -> np.ndarray:
        """Time [ms] of each spike: the end of the step in which it was detected."""
        return (self.spike_step + 1) * self.dt

    @property
    def spikes(self) -> np.ndarray:
        """The bool raster ``(n_steps, n)``; needs ``raster=True`` in :func:`simulate_lif`."""
        return _require_raster(self.raster, "simulate_lif")


def _require_raster(raster, simulator: str):
    if raster is None:
        raise ValueError(
            f"this run kept its spikes as events (spike_step, spike_index, spike_count); pass "
            f"raster=True to {simulator} for the (n_steps, n) raster, or call spike_raster(result)."
        )
    return raster


def spike_raster(result) -> Stimulus:
    """Return the spikes of a :class:`LIFResult` or :class:`PoissonDriveResult` as a raster.

    A bool :class:`~snnedu.core.stimulus.Stimulus` ``(n_steps, n)`` that knows its ``dt``.
    """
    n_steps = result.t.size if hasattr(result, "t") else result.n_steps
    raster = events_to_raster(
        result.spike_step, result.spike_index, n_steps, result.spike_count.size
    )
    return Stimulus(raster, result.dt)


@renamed_arguments(old_order=("n", "params"))
def init_lif_state(n: int, *, params: LIFParams | None = None) -> LIFState:
    """Return ``n`` neurons at rest, with no threshold increase and not refractory."""
    n = positive_int("n", n)
    params = validate_lif_params(params)
    return LIFState(np.full(n, params.v_rest), np.zeros(n), np.zeros(n))


@renamed_arguments(old_order=("params",))
def leak_conductance_ns(*, params: LIFParams | None = None) -> float:
    """Return the leak conductance ``1 / R`` [nS]."""
    params = validate_lif_params(params)
    return 1000.0 / params.r_m


@renamed_arguments(old_order=("params",))
def capacitance_pf(*, params: LIFParams | None = None) -> float:
    """Return the capacitance ``C = τ_m / R`` [pF]."""
    params = validate_lif_params(params)
    return 1000.0 * params.tau_m / params.r_m


@renamed_arguments(old_order=("params",))
def rheobase_pa(*, params: LIFParams | None = None) -> float:
    """Smallest constant current that fires a non-adapting LIF: ``(v_th − v_rest)/R`` [pA]."""
    params = validate_lif_params(params)
    return (params.v_th - params.v_rest) * leak_conductance_ns(params=params)


@renamed_arguments(
    old_order=("i_ext", "params", "dt", "duration", "state", "g_e", "g_i", "record"),
    duration_ms="duration",
)
def simulate_lif(
    i_ext,
    *,
    duration: float | None = None,
    dt: float | None = None,
    params: LIFParams | None = None,
    state: LIFState | None = None,
    g_e=None,
    g_i=None,
    record=None,
    raster: bool = False,
) -> LIFResult:
    """Simulate a population of LIF neurons with an adaptive threshold.

    Parameters
    ----------
    i_ext : float, array (n,), array (n_steps, n) or Stimulus
        External current [pA]: constant per neuron (shape (n,) or (1, n)), or one row per
        time step.
    duration : float, optional
        Simulated time [ms]; required unless an input has one row per step.
    dt : float, optional
        Time step [ms]. Default: the inputs' own ``dt`` if they are
        :class:`~snnedu.core.stimulus.Stimulus` arrays, else 0.1 ms. An input built with
        another ``dt`` is refused.
    params : LIFParams, optional
        Default ``LIFParams()``.
    state : LIFState, optional
        Initial state (not modified); default: at rest.
    g_e, g_i : array (n,) or (n_steps, n), optional
        Excitatory / inhibitory conductances [nS] (conductance-based input with reversal
        potentials ``params.e_exc`` / ``params.e_inh``), e.g. from
        :func:`snnedu.models.synapses.exponential_conductance`.
    record : array of int, optional
        Neurons whose ``v`` and threshold are recorded; default all (``[]``: none).
    raster : bool
        Also return the spikes as a bool raster ``(n_steps, n)`` (``result.spikes``); by
        default they are events only.

    Returns
    -------
    LIFResult

    Examples
    --------
    >>> result = simulate_lif(np.array([150.0, 300.0]), duration=200.0, dt=0.1)
    >>> result.spike_count          # 150 pA is below the 200 pA rheobase
    array([ 0, 15])
    """
    params = validate_lif_params(params)
    dt = resolve_dt(dt, 0.1, i_ext=i_ext, g_e=g_e, g_i=g_i)
    inputs = {"i_ext": i_ext, "g_e": g_e, "g_i": g_i}
    n = None
    rows = None
    for name, value in inputs.items():
        if value is None:
            continue
        array = np.asarray(value, dtype=float)
        if array.ndim > 2:
            raise ValueError(f"{name} must have shape (n,) or (n_steps, n), got {array.shape}.")
        width = array.shape[-1] if array.ndim else None
        if width is not None:
            if n is not None and width != n:
                raise ValueError(
                    f"{name} describes {width} neurons but another input describes {n}; "
                    "give every input the same number of columns."
                )
            n = width
        if array.ndim == 2 and array.shape[0] > 1:  # (1, n) is a constant per neuron
            if rows is not None and array.shape[0] != rows:
                raise ValueError(f"{name} has {array.shape[0]} time steps, another input {rows}.")
            rows = array.shape[0]
    if n is None:
        n = 1 if state is None else np.asarray(state.v).size
    if duration is None:
        if rows is None:
            raise ValueError("give duration (no input has one row per time step).")
        n_steps = rows
    else:
        n_steps = round(require_positive("duration", duration, "ms") / dt)
        if rows is not None and rows != n_steps:
            raise ValueError(
                f"inputs have {rows} time steps but duration / dt = {n_steps}; "
                "drop duration or make them agree."
            )
    if n_steps < 1:
        raise ValueError(f"duration={duration} is shorter than one step dt={dt} ms.")
    i_arr = _as_input("i_ext", i_ext, n, 0.0)
    conductance = g_e is not None or g_i is not None
    ge_arr = _as_input("g_e", g_e, n, 0.0)
    gi_arr = _as_input("g_i", g_i, n, 0.0)
    if conductance and (ge_arr.min() < 0 or gi_arr.min() < 0):
        raise ValueError("conductances g_e and g_i must be >= 0 nS; use e_inh for inhibition.")
    v0, theta0, ref0 = _initial_state(state, n, params)
    record = _record_indices(record, n)
    v_out = np.empty((n_steps, record.size))
    th_out = np.empty((n_steps, record.size))
    raster_out = np.zeros((n_steps if raster else 0, n), dtype=np.bool_)
    capacity = _event_capacity(n, n_steps, dt)
    while True:
        v, theta = v0.copy(), theta0.copy()
        ref_steps = np.round(ref0 / dt).astype(np.int64)
        spike_step = np.empty(capacity, dtype=np.int64)
        spike_index = np.empty(capacity, dtype=np.int64)
        n_spikes = _lif_run(
            params,
            dt,
            i_arr,
            ge_arr,
            gi_arr,
            conductance,
            v,
            theta,
            ref_steps,
            record,
            v_out,
            th_out,
            n_steps,
            raster_out,
            spike_step,
            spike_index,
        )
        if n_spikes <= capacity:
            break
        capacity = n_spikes
    t = (np.arange(n_steps) + 1) * dt
    final = LIFState(v, theta, ref_steps * dt)
    steps, index = spike_step[:n_spikes], spike_index[:n_spikes]
    return LIFResult(
        t,
        v_out,
        th_out,
        steps,
        index,
        np.bincount(index, minlength=n),
        Stimulus(raster_out, dt) if raster else None,
        final,
        dt,
    )


def _event_capacity(n: int, n_steps: int, dt: float) -> int:
    """A first guess for the spike-event buffers.

    50 Hz per neuron (a kernel that finds more reports how many, and the run is repeated with
    buffers of that size).
    """
    return min(n * n_steps, n * (int(n_steps * dt / 20.0) + 4))


@jit
def _lif_run(
    p,
    dt,
    i_ext,
    g_e,
    g_i,
    conductance,
    v,
    theta,
    ref,
    record,
    v_out,
    th_out,
    n_steps,
    raster,
    spike_step,
    spike_index,
):
    """Advance LIF neurons ``n_steps`` exactly (inputs constant within a step), in place.

    Writes the recorded traces, the raster if it has rows, and spike events up to the buffers'
    size; returns the number of spikes (more than the buffers hold: run again, larger).
    """
    n = v.size
    g_l = 1000.0 / p.r_m
    c_m = 1000.0 * p.tau_m / p.r_m
    a_m = decay_factor(dt, p.tau_m)
    a_theta = decay_factor(dt, p.tau_theta)
    n_ref = round(p.t_ref / dt)
    vary_i = i_ext.shape[0] > 1
    vary_ge = g_e.shape[0] > 1
    vary_gi = g_i.shape[0] > 1
    keep_raster = raster.shape[0] > 0
    capacity = spike_step.size
    n_spikes = 0
    r_mv = p.r_m / 1000.0  # mV per pA
    for k in range(n_steps):
        ki = k if vary_i else 0
        ke = k if vary_ge else 0
        kg = k if vary_gi else 0
        for j in range(n):
            theta[j] *= a_theta
            if ref[j] > 0:
                ref[j] -= 1
            else:
                if conductance:
                    ge = g_e[ke, j]
                    gi = g_i[kg, j]
                    g_tot = g_l + ge + gi
                    v_inf = (g_l * p.v_rest + ge * p.e_exc + gi * p.e_inh + i_ext[ki, j]) / g_tot
                    v[j] = relax(v[j], v_inf, decay_factor(dt * g_tot, c_m))
                else:
                    v[j] = relax(v[j], p.v_rest + r_mv * i_ext[ki, j], a_m)
                if v[j] >= p.v_th + theta[j]:
                    if n_spikes < capacity:
                        spike_step[n_spikes] = k
                        spike_index[n_spikes] = j
                    n_spikes += 1
                    if keep_raster:
                        raster[k, j] = True
                    v[j] = p.v_reset
                    theta[j] += p.theta_plus
                    ref[j] = n_ref
        for r in range(record.size):
            v_out[k, r] = v[record[r]]
            th_out[k, r] = p.v_th + theta[record[r]]
    return n_spikes


class PoissonDriveResult(NamedTuple):
    """What :func:`simulate_lif_poisson_drive` returns.

    Spikes as events (see :class:`LIFResult`), the raster only if ``raster=True`` was asked for.
    """

    spike_step: np.ndarray  # step of each spike (n_spikes,) int, sorted by time
    spike_index: np.ndarray  # neuron of each spike (n_spikes,) int
    spike_count: np.ndarray  # spikes per neuron (n,)
    raster: np.ndarray | None  # (n_steps, n) bool if raster=True, else None
    state: LIFState  # final state
    i_syn: np.ndarray  # final synaptic current (n,) [pA]
    n_steps: int  # number of steps simulated
    dt: float  # time step [ms]

    @property
    def spike_times(self) -> np.ndarray:
        """Time [ms] of each spike: the end of the step in which it was detected."""
        return (self.spike_step + 1) * self.dt

    @property
    def spikes(self) -> np.ndarray:
        """The bool raster ``(n_steps, n)``; needs ``raster=True``."""
        return _require_raster(self.raster, "simulate_lif_poisson_drive")


@renamed_arguments(
    old_order=(
        "n",
        "input_rate_hz",
        "weight_pa",
        "rng",
        "params",
        "tau_syn",
        "duration",
        "dt",
        "i_ext",
        "state",
    ),
    duration_ms="duration",
)
def simulate_lif_poisson_drive(
    n: int,
    input_rate_hz,
    weight_pa: float,
    *,
    rng: np.random.Generator,
    params: LIFParams | None = None,
    tau_syn: float = 5.0,
    duration: float = 1000.0,
    dt: float = 0.1,
    i_ext=0.0,
    state: LIFState | None = None,
    raster: bool = False,
) -> PoissonDriveResult:
    """Simulate LIF neurons, each driven by its own Poisson input through a current synapse.

    The synapses are exponential; the input spikes are drawn inside the kernel (event-driven).

    Each neuron receives input events at total rate ``input_rate_hz`` (e.g. 100 synapses ×
    10 Hz = 1000 Hz); every event adds ``weight_pa`` to its synaptic current ``i_syn``, which
    decays with ``tau_syn``: ``tau_syn di_syn/dt = −i_syn``. The membrane sees
    ``i_ext + i_syn``. The joint linear dynamics of (v, i_syn) are integrated exactly
    (Rotter & Diesmann 1999); events are applied at the start of the step they fall in.

    Parameters
    ----------
    n : int
        Number of neurons.
    input_rate_hz : float or array (n,)
        Total rate of input events per neuron [Hz].
    weight_pa : float
        Jump of the synaptic current per input event [pA] (negative: inhibitory).
    rng : numpy.random.Generator
        Seeds the kernel's generator (same seed → same spikes).
    params : LIFParams, optional
        Default ``LIFParams()``.
    tau_syn : float
        Synaptic time constant [ms].
    duration, dt : float
        Simulated time and time step [ms].
    i_ext : float or array (n,)
        Constant external current [pA].
    state : LIFState, optional
        Initial state (not modified).
    raster : bool
        Also return the bool raster ``(n_steps, n)``; by default spikes are events only.

    Returns
    -------
    PoissonDriveResult

    Examples
    --------
    >>> out = simulate_lif_poisson_drive(3, 2000.0, 30.0, rng=np.random.default_rng(0),
    ...                                  duration=100.0, raster=True)
    >>> out.spikes.shape, out.spike_count.sum() == out.spikes.sum()
    ((1000, 3), np.True_)
    """
    require_rng(rng)
    n = positive_int("n", n)
    params = validate_lif_params(params)
    dt = require_positive("dt", dt, "ms")
    tau_syn = require_positive("tau_syn", tau_syn, "ms")
    weight_pa = require_finite("weight_pa", weight_pa, "pA")
    n_steps = round(require_positive("duration", duration, "ms") / dt)
    if n_steps < 1:
        raise ValueError(f"duration={duration} is shorter than one step dt={dt} ms.")
    require_constant("input_rate_hz", input_rate_hz)
    require_constant("i_ext", i_ext)
    rate = np.broadcast_to(finite_array("input_rate_hz", input_rate_hz), (n,)).copy()
    if rate.min() < 0:
        raise ValueError(f"input_rate_hz must be >= 0 Hz, got a minimum of {rate.min():g}.")
    current = np.broadcast_to(finite_array("i_ext", i_ext), (n,)).copy()
    v0, theta0, ref0 = _initial_state(state, n, params)
    raster_out = np.zeros((n_steps if raster else 0, n), dtype=np.bool_)
    seed = int(rng.integers(2**63))
    capacity = _event_capacity(n, n_steps, dt)
    while True:
        v, theta = v0.copy(), theta0.copy()
        ref_steps = np.round(ref0 / dt)  # float steps: the kernel does arithmetic on them
        i_syn = np.zeros(n)
        spike_step = np.empty(capacity, dtype=np.int64)
        spike_index = np.empty(capacity, dtype=np.int64)
        n_spikes = _lif_poisson_run(
            params,
            dt,
            tau_syn,
            rate * (dt / 1000.0),
            weight_pa,
            current,
            v,
            theta,
            ref_steps,
            i_syn,
            n_steps,
            raster_out,
            spike_step,
            spike_index,
            seed,
        )
        if n_spikes <= capacity:
            break
        capacity = n_spikes
    index = spike_index[:n_spikes]
    return PoissonDriveResult(
        spike_step[:n_spikes],
        index,
        np.bincount(index, minlength=n),
        Stimulus(raster_out, dt) if raster else None,
        LIFState(v, theta, ref_steps * dt),
        i_syn,
        n_steps,
        dt,
    )


@jit
def _lif_poisson_run(
    p,
    dt,
    tau_syn,
    rate_per_step,
    weight,
    i_ext,
    v,
    theta,
    ref,
    i_syn,
    n_steps,
    raster,
    spike_step,
    spike_index,
    seed,
):
    """Advance Poisson-driven LIF neurons with exponential current synapses ``n_steps``.

    (v, i_syn) are propagated exactly; input events are drawn here, seeded from ``seed``.
    Writes the raster if it has rows and spike events up to the buffers' size; returns the
    number of spikes.
    """
    np.random.seed(seed)  # noqa: NPY002 (numba's own generator, seeded from rng)
    n = v.size
    a_m = decay_factor(dt, p.tau_m)
    a_s = decay_factor(dt, tau_syn)
    a_theta = decay_factor(dt, p.tau_theta)
    r_mv = p.r_m / 1000.0
    # exact propagator from i_syn to v over one step
    if abs(tau_syn - p.tau_m) > 1e-9 * p.tau_m:
        p_sv = r_mv * tau_syn / (tau_syn - p.tau_m) * (a_s - a_m)
    else:
        p_sv = r_mv * dt / p.tau_m * a_m
    n_ref = round(p.t_ref / dt)
    v_inf = np.empty(n)
    threshold = np.empty(n)
    fired = np.zeros(n, dtype=np.uint8)
    keep_raster = raster.shape[0] > 0
    capacity = spike_step.size
    n_spikes = 0
    for j in range(n):
        v_inf[j] = p.v_rest + r_mv * i_ext[j]
        threshold[j] = p.v_th + theta[j]
    # The inputs of all neurons together form one Poisson process of the summed rate; each
    # event goes to neuron j with probability rate_j / total (uniform when rates are equal),
    # which makes the per-neuron counts independent Poisson variables.
    cumulative = np.cumsum(rate_per_step)
    total = cumulative[-1]
    uniform = True
    for j in range(n):
        if rate_per_step[j] != rate_per_step[0]:
            uniform = False
    # targets come from an inlined SplitMix64 stream (cheaper per event than numba's
    # Mersenne Twister); both generators are seeded from ``seed``
    stream = np.uint64(seed) ^ np.uint64(0x5DEECE66D)
    n_u64 = np.uint64(n)
    for k in range(n_steps):
        if total > 0:
            for _ in range(np.random.poisson(total)):  # noqa: NPY002
                stream, bits = _splitmix64(stream)
                if uniform:
                    # Lemire's multiply-shift: a uniform integer in [0, n) from 32 random bits
                    target = np.int64(((bits >> np.uint64(32)) * n_u64) >> np.uint64(32))
                else:
                    u = float(bits >> np.uint64(11)) * 2.0**-53
                    target = np.int64(
                        min(np.searchsorted(cumulative, u * total, side="right"), n - 1)
                    )
                i_syn[target] += weight
        # arithmetic instead of branches, spikes collected in a second pass: the loop vectorises
        for j in range(n):
            thr = p.v_th + (threshold[j] - p.v_th) * a_theta
            r = ref[j]
            v_old = v[j]
            v_new = v_inf[j] + (v_old - v_inf[j]) * a_m + p_sv * i_syn[j]
            fire = 1.0 if (r <= 0.0 and v_new >= thr) else 0.0
            v_new = v_new if r <= 0.0 else v_old
            v[j] = v_new + fire * (p.v_reset - v_new)
            threshold[j] = thr + fire * p.theta_plus
            ref[j] = r - 1.0 + fire * (n_ref + 1.0 - r)
            fired[j] = np.uint8(fire)
            i_syn[j] *= a_s
        # collect the spikes: a vectorised count per block of 64 neurons, a scan only where
        # a block has one (a few of the 10,000 neurons fire in a step)
        for start in range(0, n, 64):
            stop = min(start + 64, n)
            count = 0
            for j in range(start, stop):
                count += fired[j]
            if count == 0:
                continue
            for j in range(start, stop):
                if fired[j]:
                    if n_spikes < capacity:
                        spike_step[n_spikes] = k
                        spike_index[n_spikes] = j
                    n_spikes += 1
                    if keep_raster:
                        raster[k, j] = True
    for j in range(n):
        theta[j] = threshold[j] - p.v_th
        ref[j] = max(ref[j], 0.0)
    return n_spikes


@jit
def _splitmix64(state):
    """Next state and 64 random bits of the SplitMix64 generator (Steele, Lea & Flood 2014)."""
    state = state + np.uint64(0x9E3779B97F4A7C15)
    z = state
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return state, z ^ (z >> np.uint64(31))


@renamed_arguments(old_order=("i_ext", "params"))
def lif_rate_hz(i_ext, *, params: LIFParams | None = None) -> np.ndarray:
    """Analytic firing rate [Hz] of a non-adapting LIF neuron under constant current.

    ``f = 1 / (t_ref + τ_m ln((R i − (v_reset − v_rest)) / (R i − (v_th − v_rest))))`` above
    the rheobase, 0 below. ``params.theta_plus`` is ignored (see :func:`adaptive_lif_rate_hz`).

    Parameters
    ----------
    i_ext : float or array
        Constant current [pA].
    params : LIFParams

    Returns
    -------
    rate_hz : float array of the shape of ``i_ext``

    >>> lif_rate_hz([100.0, 200.0, 1e9]).round(1)    # below, at rheobase, → 1 / t_ref
    array([  0.,   0., 500.])
    """
    params = validate_lif_params(params)
    drive = float_array("i_ext", i_ext) * params.r_m / 1000.0
    above = drive > params.v_th - params.v_rest
    rate = np.zeros(drive.shape)
    d = drive[above]
    period = params.t_ref + params.tau_m * np.log(
        (d - (params.v_reset - params.v_rest)) / (d - (params.v_th - params.v_rest))
    )
    rate[above] = 1000.0 / period
    return rate if rate.ndim else rate[()]


@renamed_arguments(old_order=("i_ext", "params"))
def adaptive_lif_rate_hz(i_ext, *, params: LIFParams | None = None) -> np.ndarray:
    """Steady-state rate [Hz] of a LIF neuron with an adaptive threshold under constant current.

    In the periodic state the threshold just before a spike is ``v_th + theta_plus·a/(1 − a)``
    with ``a = e^{−T/τ_θ}``; the period ``T`` solves
    ``v_∞ + (v_reset − v_∞) e^{−(T − t_ref)/τ_m} = v_th + theta_plus · a/(1 − a)``
    (left side rising, right side falling in ``T``: one root, found by bisection).
    Equals :func:`lif_rate_hz` when ``theta_plus = 0``.

    >>> bool(adaptive_lif_rate_hz(400.0) < lif_rate_hz(400.0))
    True
    """
    from scipy.optimize import brentq

    params = validate_lif_params(params, ADAPTIVE)
    currents = float_array("i_ext", i_ext)
    rate = np.zeros(currents.shape)
    v_gap = params.v_th - params.v_reset
    for index, current in np.ndenumerate(currents):
        v_inf = params.v_rest + current * params.r_m / 1000.0
        if v_inf <= params.v_th:
            continue

        def mismatch(period, v_inf=v_inf):
            v = v_inf + (params.v_reset - v_inf) * math.exp(-(period - params.t_ref) / params.tau_m)
            a = math.exp(-period / params.tau_theta)
            return v - params.v_reset - v_gap - params.theta_plus * a / (1.0 - a)

        low = params.t_ref + 1e-12
        high = 2.0 * params.t_ref + 10.0 * params.tau_m
        while mismatch(high) < 0:
            high *= 2.0
            if high > 1e9:  # firing too slow to resolve
                break
        else:
            rate[index] = 1000.0 / brentq(mismatch, low, high, xtol=1e-12, rtol=1e-12)
    return rate if rate.ndim else rate[()]


@renamed_arguments(old_order=("rheobase_ua_cm2", "v_rest", "c_m", "g_l", "t_ref", "area_cm2"))
def lif_params_like_hh(
    rheobase_ua_cm2: float,
    v_rest: float,
    *,
    c_m: float = 1.0,
    g_l: float = 0.3,
    t_ref: float = 2.0,
    area_cm2: float = 1e-4,
) -> tuple[LIFParams, float]:
    """LIF parameters that share a Hodgkin–Huxley neuron's passive membrane and rheobase.

    The HH model is per unit area; a patch of ``area_cm2`` (default 10,000 µm²) turns
    ``c_m`` [µF/cm²] and ``g_l`` [mS/cm²] into ``C`` [pF] and ``R`` [MΩ], so ``τ_m = c_m/g_l``.
    The threshold is placed so that the LIF rheobase equals ``rheobase_ua_cm2``.

    Parameters
    ----------
    rheobase_ua_cm2 : float
        The HH neuron's rheobase [µA/cm²] (e.g. :func:`snnedu.models.hh.rheobase`).
    v_rest : float
        Its resting potential [mV] (also used as the reset).
    c_m, g_l : float
        Membrane capacitance [µF/cm²] and leak conductance [mS/cm²].
    t_ref : float
        Refractory period given to the LIF [ms].
    area_cm2 : float
        Membrane area of the patch [cm²].

    Returns
    -------
    (LIFParams, pa_per_ua_cm2)
        The parameters and the factor that converts an HH current density [µA/cm²] to the
        LIF's current [pA].

    >>> params, scale = lif_params_like_hh(0.4, -63.0)
    >>> round(params.tau_m, 3), round(params.r_m, 2), scale
    (3.333, 33.33, 100.0)
    """
    rheobase_ua_cm2 = require_positive("rheobase_ua_cm2", rheobase_ua_cm2, "µA/cm²")
    v_rest = require_finite("v_rest", v_rest, "mV")
    c_m = require_positive("c_m", c_m, "µF/cm²")
    g_l = require_positive("g_l", g_l, "mS/cm²")
    area_cm2 = require_positive("area_cm2", area_cm2, "cm²")
    pa_per_ua_cm2 = 1e6 * area_cm2  # 1 µA/cm² × area [cm²] = area µA = 1e6 · area pA
    r_m = 1.0 / (g_l * 1e-3 * area_cm2) / 1e6  # [MΩ]
    v_th = v_rest + r_m * rheobase_ua_cm2 * pa_per_ua_cm2 / 1000.0
    params = LIFParams(
        v_rest=v_rest, v_reset=v_rest, v_th=v_th, tau_m=c_m / g_l, r_m=r_m, t_ref=t_ref
    )
    return validate_lif_params(params), pa_per_ua_cm2


def validate_lif_params(params: LIFParams | None, default: LIFParams | None = None) -> LIFParams:
    """``params`` (or ``default``, or ``LIFParams()``) checked and cast to float.

    Raises a ValueError naming a bad field.
    """
    if params is None:
        params = LIFParams() if default is None else default
    if not isinstance(params, LIFParams):
        raise ValueError(f"params must be a LIFParams, got {type(params).__name__}.")
    for name in ("tau_m", "r_m", "tau_theta"):
        require_positive(f"LIFParams.{name}", getattr(params, name))
    for name in ("t_ref", "theta_plus"):
        value = require_finite(f"LIFParams.{name}", getattr(params, name))
        if value < 0:
            raise ValueError(f"LIFParams.{name} must be >= 0, got {value!r}.")
    for name in ("v_rest", "v_reset", "v_th", "e_exc", "e_inh"):
        require_finite(f"LIFParams.{name}", getattr(params, name), "mV")
    if params.v_reset >= params.v_th:
        raise ValueError(
            f"v_reset ({params.v_reset} mV) must lie below v_th ({params.v_th} mV), "
            "otherwise the neuron fires at every step."
        )
    return as_float_params(params)


def _as_input(name: str, value, n: int, default: float) -> np.ndarray:
    if value is None:
        return np.full((1, n), default)
    array = float_array(name, value)
    if array.ndim == 0:
        return np.full((1, n), float(array))
    if array.ndim == 1:
        return np.ascontiguousarray(array.reshape(1, n))
    return np.ascontiguousarray(array)


def _initial_state(state: LIFState | None, n: int, params: LIFParams):
    if state is None:
        return np.full(n, params.v_rest), np.zeros(n), np.zeros(n)
    fields = []
    for name, value in zip(LIFState._fields, state, strict=True):
        array = finite_array(f"state.{name}", value).copy()
        if array.shape != (n,):
            raise ValueError(f"state.{name} has shape {array.shape}, expected ({n},).")
        fields.append(array)
    if fields[2].min() < 0:
        raise ValueError("state.refractory must be >= 0 ms.")
    return tuple(fields)


def _record_indices(record, n: int) -> np.ndarray:
    if record is None:
        return np.arange(n, dtype=np.int64)
    indices = np.asarray(record, dtype=np.int64).ravel()
    if indices.size and (indices.min() < 0 or indices.max() >= n):
        raise ValueError(f"record indices must lie in [0, {n - 1}], got {indices.tolist()}.")
    return indices
