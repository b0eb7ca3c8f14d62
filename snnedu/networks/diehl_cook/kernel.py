r"""The numba kernel of the Diehl & Cook network: one image, all its attempts and rests.

Boundary: :func:`make_run` turns the parameters into one :class:`Run` (every constant of the
simulation, computed once), :func:`alloc_work` allocates the scratch arrays once per call of a
public function, and :func:`present` simulates one image in place on the network's arrays
and returns one :class:`Stats`. Nothing else crosses the boundary.

One step of :func:`present`, in the order of the algorithm (see the package docstring for the
equations and exact numerics):

1. :func:`_excitatory_step`: θ decays (training), every excitatory neuron integrates from
   the state of the previous step (refractory neurons are held if ``hold_exc``), its
   conductances decay, and thresholds of non-refractory neurons are tested;
   :func:`_inhibitory_step` does the same for the inhibitory neurons whose step is not the
   identity; :func:`_fire` resets the neurons above threshold.
2. :func:`_excitatory_spikes`: postsynaptic STDP on the 784 input weights of each firing
   excitatory neuron, its traces, the drive of its inhibitory partner.
3. :func:`_inhibitory_spikes`: ``g_i`` of every other excitatory neuron.
4. :func:`_deliver`: emitted input spikes write their weights into the ring of future
   ``g_e``; this step's slot is added to ``g_e``. :func:`_queued_arrivals` (or
   :func:`_scanned_arrivals`): presynaptic STDP of the synapses whose spike arrives now.
5. :func:`_decay_traces` (training); the rest is finished in closed form by
   :func:`_rest_jump` once :func:`_quiet` says nothing can happen any more.

All arrays are in their natural layout (``w[i, j]``: input i → neuron j). :class:`Layout`
holds what the delays imply: each synapse's cell in the ring of future ``g_e``
(``offset = delay·n + j``, so that an input spike adds its row of weights in one contiguous
pass) and each input's neurons sorted by delay (for the presynaptic updates).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numba
import numpy as np

from snnedu.core.jit import jit
from snnedu.models.stdp import STDPParams, rule_code, stdp_on_post, stdp_on_pre, uses_pre_update
from snnedu.networks.diehl_cook.params import (
    N_INPUTS,
    DiehlCookParams,
    ProtocolParams,
    derived_steps,
)
from snnedu.networks.diehl_cook.state import DiehlCookState

__all__ = ["Layout", "Rec", "Run", "Stats", "Work", "alloc_work", "make_run", "present"]

# the stages of one step are inlined into the step loop (numba IR inlining): called as
# functions they would copy the run, work and state structures at every step. Each array a
# stage receives costs an atomic reference-count pair per call unless numba's pruning pairs
# them, which needs the array's last use on every path through the stage, not in a branch
# or in one of two alternative loops (unpaired, they took about 10 % of the time)
_stage = numba.njit(cache=True, nogil=True, inline="always")
# numpy's error model in the step loop: a division by zero would give inf rather than raise
# (none occurs: every divisor is >= 1), so that the implicit membrane step vectorises
_step_loop = numba.njit(cache=True, nogil=True, error_model="numpy")

_QUEUE_MAX = 64  # queue arrivals while at most this many neurons have x_post1 != 0


class Layout(NamedTuple):
    """Where each input synapse delivers its spikes (derived from the delays)."""

    order: np.ndarray  # int32 (784, n): row i's neurons sorted by delay
    bstart: np.ndarray  # int32 (784, max_delay + 2): first position of each delay in order
    dsteps: np.ndarray  # int16 (784, n): delay of each synapse in steps
    offset: np.ndarray  # uint16 (784, n) (int32 if n_ring·n > 65535): dsteps·n + j, the
    # synapse's cell in the g_e ring


class Run(NamedTuple):
    """Every constant of a simulation, computed once by :func:`make_run`."""

    p: DiehlCookParams
    sp: STDPParams
    decay_pre: np.ndarray  # x_pre decay e^(-k dt / tau_pre), k = 0 … n_decay - 1
    rule: int  # STDP rule code
    learn: bool  # training (STDP, θ) or testing (frozen)
    record: bool  # fill the rasters of the last attempt
    skip_last_rest: bool  # testing from a rested network: no rest after the last attempt
    has_pre: bool  # the rule updates weights on presynaptic spikes
    implicit: bool  # linearly implicit membrane step instead of forward Euler
    hold_exc: bool  # excitatory v held at v_reset while refractory
    trace_add: bool  # traces += 1 (paper) instead of set to 1 (code)
    count_rest_spikes: bool
    normalise_retries: bool
    retry_on_total: bool
    n_present: int
    n_total: int
    max_delay: int
    n_ring: int  # slots of the ring of future g_e (max_delay + 1)
    n_ref_exc: int
    n_ref_inh: int
    n_decay: int
    min_spikes: int
    max_attempts: int
    ev_cap: int  # queued arrivals per ring slot
    dt: float
    a_e: float  # dt / tau_m_exc
    a_i: float  # dt / tau_m_inh
    c_ge: float  # one-step Euler decay of g_e
    c_gi: float  # one-step Euler decay of g_i
    c_theta: float  # one-step Euler decay of θ
    e1: float  # exact one-step decay of x_post1
    e2: float  # exact one-step decay of x_post2
    th_base: float  # v_th_exc - theta_offset
    intensity: float
    intensity_step: float
    w_sum: float
    rest_tol: float
    trace_floor: float


class Stats(NamedTuple):
    """Totals of one image over all its attempts (and rests)."""

    attempts: int
    input_spikes: int
    exc_spikes: int
    inh_spikes: int
    euler_unstable: int  # conductance jumps after which forward Euler overshoots


class Work(NamedTuple):
    """Scratch arrays of :func:`present`, allocated once per call of a public function.

    Kept from image to image for one ``w``, which only :func:`present` may change in between
    (``col_sums`` and ``changed`` describe it).
    """

    raw_step: np.ndarray  # int32 (784 n_present,): input spikes in draw order
    raw_idx: np.ndarray  # int32
    idx: np.ndarray  # int32: input spikes sorted by step
    ptr: np.ndarray  # int64 (n_present + 1,): idx[ptr[s]:ptr[s+1]] fire in step s
    fill: np.ndarray  # int64 (n_present,)
    rates: np.ndarray  # (784,) Hz of the current attempt
    counts: np.ndarray  # int32 (n,) excitatory spikes of the current attempt
    spk_e: np.ndarray  # int64 (n,) excitatory neurons firing this step
    spk_i: np.ndarray  # int64 (n,)
    inh_fired: np.ndarray  # bool (n,)
    margin_e: np.ndarray  # (n,) v - threshold (> 0: fires)
    margin_i: np.ndarray  # (n,)
    inh_live: np.ndarray  # int64 (n,) inhibitory neurons whose step is not the identity
    is_inh_live: np.ndarray  # bool (n,)
    factor: np.ndarray  # (n,) normalisation factor of each column of w
    col_sums: np.ndarray  # (n,) column sums of w as the last normalisation left them
    changed: np.ndarray  # bool (n,) columns of w changed since (all: unknown sums)
    newest: np.ndarray  # int64 (784,) global step of each input's latest spike (training)
    ring: np.ndarray  # (n_ring * n,) future g_e increments, slot-major
    act: np.ndarray  # int64 (n,) neurons with x_post1 != 0
    is_act: np.ndarray  # bool (n,)
    ev_i: np.ndarray  # int32 (n_ring, ev_cap) queued arrivals: input
    ev_j: np.ndarray  # int32 (n_ring, ev_cap) queued arrivals: neuron
    ev_n: np.ndarray  # int64 (n_ring,)
    mode: np.ndarray  # int64 (3,): [active neurons, queue mode on, traced neurons]
    traced: np.ndarray  # int64 (n,) neurons with x_post1 != 0 or x_post2 != 0 (training)
    is_traced: np.ndarray  # bool (n,)


class Rec(NamedTuple):
    """Rasters of the last attempt (time first); (1, 1) arrays when not recording."""

    input_spikes: np.ndarray  # bool (n_present, 784)
    exc_spikes: np.ndarray  # bool (n_present, n)
    inh_spikes: np.ndarray  # bool (n_present, n)


def make_run(
    p: DiehlCookParams,
    q: ProtocolParams,
    sp: STDPParams,
    rule: str,
    learn: bool,
    record: bool = False,
    skip_last_rest: bool = False,
) -> Run:
    """Collect the constants of a simulation with typed parameters ``p``, ``q``, ``sp``.

    ``skip_last_rest``: only for testing images that each start from a rested network, where
    the rest after the last attempt changes nothing that is kept (its spikes are not counted).
    """
    if skip_last_rest and learn:
        raise ValueError("skip_last_rest is only for testing (learn=False).")
    steps = derived_steps(p, q)
    n_decay = math.ceil(40.0 * sp.tau_pre / q.dt) + 2
    return Run(
        p=p, sp=sp, decay_pre=np.exp(-np.arange(n_decay) * q.dt / sp.tau_pre),
        rule=rule_code(rule), learn=bool(learn), record=bool(record),
        skip_last_rest=bool(skip_last_rest),
        has_pre=uses_pre_update(rule), implicit=q.implicit_euler, hold_exc=p.hold_exc,
        trace_add=q.trace_add, count_rest_spikes=q.count_rest_spikes,
        normalise_retries=q.normalise_retries, retry_on_total=q.retry_on_total,
        n_present=steps.n_present, n_total=steps.n_total, max_delay=steps.max_delay,
        n_ring=steps.max_delay + 1, n_ref_exc=steps.n_ref_exc, n_ref_inh=steps.n_ref_inh,
        n_decay=n_decay, min_spikes=q.min_spikes, max_attempts=q.max_attempts,
        ev_cap=4 * N_INPUTS if learn else 1, dt=q.dt, a_e=q.dt / p.tau_m_exc,
        a_i=q.dt / p.tau_m_inh, c_ge=1.0 - q.dt / p.tau_e, c_gi=1.0 - q.dt / p.tau_i,
        c_theta=1.0 - q.dt / p.tau_theta, e1=math.exp(-q.dt / sp.tau_post1),
        e2=math.exp(-q.dt / sp.tau_post2), th_base=p.v_th_exc - p.theta_offset,
        intensity=q.intensity, intensity_step=q.intensity_step, w_sum=q.w_sum,
        rest_tol=q.rest_tol, trace_floor=q.trace_floor,
    )  # fmt: skip


@jit
def alloc_work(run, n):
    """Scratch arrays for a network of ``n`` neurons."""
    n_in = N_INPUTS
    cap = n_in * run.n_present
    return Work(
        np.empty(cap, np.int32), np.empty(cap, np.int32), np.empty(cap, np.int32),
        np.empty(run.n_present + 1, np.int64), np.empty(run.n_present, np.int64),
        np.empty(n_in), np.zeros(n, np.int32), np.empty(n, np.int64), np.empty(n, np.int64),
        np.zeros(n, np.bool_), np.empty(n), np.empty(n), np.empty(n, np.int64),
        np.zeros(n, np.bool_), np.empty(n), np.empty(n), np.ones(n, np.bool_),
        np.empty(n_in, np.int64),
        np.zeros(run.n_ring * n), np.empty(n, np.int64), np.zeros(n, np.bool_),
        np.empty((run.n_ring, run.ev_cap), np.int32),
        np.empty((run.n_ring, run.ev_cap), np.int32), np.zeros(run.n_ring, np.int64),
        np.zeros(3, np.int64), np.empty(n, np.int64), np.zeros(n, np.bool_),
    )  # fmt: skip


def no_recording() -> Rec:
    """Return the placeholder rasters of a run that records nothing."""
    empty = np.zeros((1, 1), np.bool_)
    return Rec(empty, empty, empty)


# ------------------------------------------------------------------------------ input spikes


@jit
def seed_numba(seed):
    """Seed numba's generator (the one the kernel draws input spikes from)."""
    np.random.seed(seed)  # noqa: NPY002 (numba's generator)


@jit
def draw_input_spikes(rates_hz, n_steps, dt, raw_step, raw_idx, ptr, idx, fill):
    """Draw Poisson spikes of every input for one presentation, sorted by step.

    Input i fires in each step with probability p = rate·dt (Bernoulli, as Brian's
    PoissonGroup); the gaps between its spikes are geometric, drawn once per spike.
    Fills ``ptr`` (n_steps + 1) and ``idx`` so that the inputs firing in step s are
    ``idx[ptr[s]:ptr[s+1]]`` (increasing index). Returns the number of spikes.
    """
    count = 0
    for i in range(rates_hz.shape[0]):
        p = rates_hz[i] * dt * 1e-3
        if p <= 0.0:
            continue
        if p >= 1.0:
            for s in range(n_steps):
                raw_step[count] = s
                raw_idx[count] = i
                count += 1
            continue
        log_q = math.log1p(-p)
        s = int(math.floor(math.log(1.0 - np.random.random()) / log_q))  # noqa: RUF046, NPY002
        while s < n_steps:
            raw_step[count] = s
            raw_idx[count] = i
            count += 1
            s += 1 + int(math.floor(math.log(1.0 - np.random.random()) / log_q))  # noqa: RUF046, NPY002
    ptr[:] = 0
    for k in range(count):
        ptr[raw_step[k] + 1] += 1
    for s in range(n_steps):
        ptr[s + 1] += ptr[s]
    for s in range(n_steps):
        fill[s] = ptr[s]
    for k in range(count):
        s = raw_step[k]
        idx[fill[s]] = raw_idx[k]
        fill[s] += 1
    return count


@jit
def _normalise(w, w_sum, factor, col_sums, changed):
    """Scale each neuron's input weights (a column of ``w``) to sum to ``w_sum``.

    Each column is summed in row order. ``col_sums`` are the sums the previous call left
    (summed while scaling); only the columns marked ``changed`` since are summed again, in a
    pass over all of ``w`` if there are many.
    """
    n_in, n = w.shape
    columns = np.flatnonzero(changed)
    if columns.shape[0] > n // 8:
        col_sums[:] = 0.0
        for i in range(n_in):
            for j in range(n):
                col_sums[j] += w[i, j]
    else:
        for j in columns:
            col_sums[j] = 0.0
        for i in range(n_in):
            for j in columns:
                col_sums[j] += w[i, j]
    for j in range(n):
        factor[j] = w_sum / col_sums[j] if col_sums[j] > 0.0 else 1.0
        col_sums[j] = 0.0
        changed[j] = False
    for i in range(n_in):
        for j in range(n):
            scaled = w[i, j] * factor[j]
            w[i, j] = scaled
            col_sums[j] += scaled


@_stage
def _push_input_spike(hist_step, hist_x, hist_head, i, now, decay_pre, add):
    """Record a spike of input i at global step ``now`` in its ring of recent spikes."""
    n_hist = hist_step.shape[1]
    h = hist_head[i]
    if add:
        lag = now - hist_step[i, h]
        x = hist_x[i, h] * (decay_pre[lag] if lag < decay_pre.shape[0] else 0.0) + 1.0
    else:
        x = 1.0
    h = h + 1 if h + 1 < n_hist else 0
    hist_step[i, h] = now
    hist_x[i, h] = x
    hist_head[i] = h


@_stage
def _input_trace(hist_step, hist_x, hist_head, i, t, decay_pre):
    """X_i(t): the trace of input i at global step t from its spikes at steps < t."""
    n_hist = hist_step.shape[1]
    h = hist_head[i]
    for _ in range(n_hist):
        e = hist_step[i, h]
        if e < t:
            lag = t - e
            return hist_x[i, h] * decay_pre[lag] if lag < decay_pre.shape[0] else 0.0
        h = h - 1 if h > 0 else n_hist - 1
    return 0.0


# ----------------------------------------------------------------------------- one time step


@_stage
def _excitatory_step(run, theta, v, g_e, g_i, ref, margin):
    """Advance the excitatory neurons by one step; return how many are above threshold.

    θ decays (training); τ_m dv/dt = (v_rest − v) + g_e (e_exc − v) + g_i (e_inh − v) with
    a = dt/τ_m, by forward Euler or linearly implicit Euler (Diehl & Cook 2015, Front.
    Comput. Neurosci. 9:99); refractory neurons keep v if ``hold_exc``. Then the conductances
    decay and ``margin`` = v − (th_base + θ) (−1 while refractory: no spike). One pass for
    both methods (it vectorises; two loops would cost reference counting, see ``_stage``).
    """
    p = run.p
    a, v_rest, e_exc, e_inh = run.a_e, p.v_rest_exc, p.e_exc, p.e_inh_exc
    th_base, c_ge, c_gi, hold = run.th_base, run.c_ge, run.c_gi, run.hold_exc
    if run.learn:
        c_theta = run.c_theta
        for j in range(theta.shape[0]):
            theta[j] *= c_theta
    crossing = 0
    implicit = run.implicit
    for j in range(v.shape[0]):
        x, ge, gi, r = v[j], g_e[j], g_i[j], ref[j]
        if implicit:
            v_new = (x + a * (v_rest + ge * e_exc + gi * e_inh)) / (1.0 + a * (1.0 + ge + gi))
        else:
            v_new = x + a * ((v_rest - x) + ge * (e_exc - x) + gi * (e_inh - x))
        x = x if r > 0 and hold else v_new
        v[j] = x
        ref[j] = max(r - 1, 0)
        g_e[j] = ge * c_ge
        g_i[j] = gi * c_gi
        m = -1.0 if r > 0 else x - (th_base + theta[j])
        margin[j] = m
        crossing += m > 0.0
    return crossing


@_stage
def _inhibitory_step(run, v, g_e, ref, margin, live, is_live, n_live):
    """Advance the live inhibitory neurons by one step; return (above threshold, still live).

    The same step as :func:`_excitatory_step` without g_i and θ, refractory neurons held.
    Only ``live[:n_live]`` are stepped: a neuron leaves the list once its step is the
    identity (g_e = 0, not refractory, v unchanged, below threshold), which it then stays
    until its excitatory partner fires and puts it back.
    """
    p = run.p
    a, v_rest, e_exc, th, c_ge = run.a_i, p.v_rest_inh, p.e_exc, p.v_th_inh, run.c_ge
    crossing = 0
    kept = 0
    for k in range(n_live):
        j = live[k]
        x, ge, r = v[j], g_e[j], ref[j]
        if run.implicit:
            v_new = (x + a * (v_rest + ge * e_exc)) / (1.0 + a * (1.0 + ge))
        else:
            v_new = x + a * ((v_rest - x) + ge * (e_exc - x))
        x_old = x
        x = x if r > 0 else v_new
        v[j] = x
        ref[j] = max(r - 1, 0)
        g_e[j] = ge * c_ge
        m = -1.0 if r > 0 else x - th
        margin[j] = m
        crossing += m > 0.0
        if ge == 0.0 and r == 0 and x == x_old and m <= 0.0:
            is_live[j] = False
        else:
            live[kept] = j
            kept += 1
    return crossing, kept


@_stage
def _join(members, is_member, count, j):
    """Add ``j`` to the list ``members[:count]`` unless ``is_member[j]``; return the count."""
    if not is_member[j]:
        is_member[j] = True
        members[count] = j
        count += 1
    return count


@_stage
def _wake(live, is_live, n_live, spk_e, n_e):
    """Put the partners of this step's excitatory spikes on the live list; return its length."""
    for k in range(n_e):
        n_live = _join(live, is_live, n_live, spk_e[k])
    return n_live


@_stage
def _fire(run, st, theta, work):
    """Stage 1 (end): reset the neurons above threshold; returns (n_exc, n_inh) spikes."""
    p = run.p
    v_exc, v_inh, ref_exc, ref_inh = st.v_exc, st.v_inh, st.ref_exc, st.ref_inh
    margin_e, margin_i, spk_e, spk_i = work.margin_e, work.margin_i, work.spk_e, work.spk_i
    learn = run.learn
    n_e = 0
    n_i = 0
    for j in range(v_exc.shape[0]):
        if margin_e[j] > 0.0:
            v_exc[j] = p.v_reset_exc
            ref_exc[j] = run.n_ref_exc
            if learn:
                theta[j] += p.theta_plus
            spk_e[n_e] = j
            n_e += 1
        if margin_i[j] > 0.0:
            v_inh[j] = p.v_reset_inh
            ref_inh[j] = run.n_ref_inh
            spk_i[n_i] = j
            n_i += 1
    return n_e, n_i


@_stage
def _queue_in_flight(run, lay, work, j, step):
    """Queue the input spikes already in flight that reach neuron ``j`` from ``step`` on."""
    ptr, idx, dsteps = work.ptr, work.idx, lay.dsteps
    ev_i, ev_j, ev_n = work.ev_i, work.ev_j, work.ev_n
    for s in range(max(0, step - run.max_delay), min(step - 1, run.n_present - 1) + 1):
        for k in range(ptr[s], ptr[s + 1]):
            i = idx[k]
            arrival = s + dsteps[i, j]
            if arrival >= step:
                slot = arrival % run.n_ring
                if ev_n[slot] == run.ev_cap:
                    work.mode[1] = 0  # too many: check every arrival
                    ev_n[:] = 0
                    return
                ev_i[slot, ev_n[slot]] = i
                ev_j[slot, ev_n[slot]] = j
                ev_n[slot] += 1


@_stage
def _excitatory_spikes(run, st, w, lay, work, rec, step, now, n_e):
    """Stage 2: learning, traces and the inhibitory partner's drive of each excitatory spike.

    Returns the number of conductance jumps that left forward Euler unstable.
    """
    sp = run.sp
    rule = run.rule
    decay_pre = run.decay_pre
    hist_step, hist_x, hist_head = st.hist_step, st.hist_x, st.hist_head
    x_post1, x_post2, g_e_inh = st.x_post1, st.x_post2, st.g_e_inh
    dsteps, is_act, act, mode = lay.dsteps, work.is_act, work.act, work.mode
    counts, rest_counts, spk_e = work.counts, st.rest_counts, work.spk_e
    unstable = 0
    for k in range(n_e):
        j = spk_e[k]
        if run.learn:
            x2_before = x_post2[j]
            silent = now - run.max_delay - decay_pre.shape[0]  # x_pre = 0 for any delay
            for i in range(w.shape[0]):
                # x_pre counts arrivals before this step: the input's trace at now - delay,
                # from its spikes strictly before then
                if work.newest[i] <= silent:
                    x_pre = 0.0
                else:
                    x_pre = _input_trace(hist_step, hist_x, hist_head, i, now - dsteps[i, j],
                                         decay_pre)  # fmt: skip
                w[i, j] = stdp_on_post(rule, w[i, j], x_pre, x2_before, sp)
        if run.learn:
            mode[2] = _join(work.traced, work.is_traced, mode[2], j)
        if not is_act[j]:
            mode[0] = _join(act, is_act, mode[0], j)
            if run.learn and run.has_pre and mode[1] and mode[0] > _QUEUE_MAX:
                mode[1] = 0  # many active neurons: check every arrival
                work.ev_n[:] = 0
            elif run.learn and run.has_pre and mode[1]:
                _queue_in_flight(run, lay, work, j, step)
        if run.trace_add:
            x_post1[j] += 1.0
            x_post2[j] += 1.0
        else:
            x_post1[j] = 1.0
            x_post2[j] = 1.0
        g_e_inh[j] += run.p.w_exc_inh
        unstable += not run.implicit and run.a_i * (1.0 + g_e_inh[j]) > 2.0
        if step < run.n_present:
            counts[j] += 1
            if run.record:
                rec.exc_spikes[step, j] = True
        else:
            rest_counts[j] += 1
    return unstable


@_stage
def _inhibitory_spikes(run, st, work, rec, step, n_i):
    """Stage 3: every inhibitory spike raises g_i of all excitatory neurons but its partner.

    Returns the number of neurons left with forward Euler unstable.
    """
    w_inh = run.p.w_inh_exc
    inh_fired, spk_i = work.inh_fired, work.spk_i
    for k in range(n_i):
        inh_fired[spk_i[k]] = True
        if run.record and step < run.n_present:
            rec.inh_spikes[step, spk_i[k]] = True
    g_i = st.g_i_exc
    g_e = st.g_e_exc
    for j in range(g_i.shape[0]):
        if inh_fired[j]:
            g_i[j] += w_inh * (n_i - 1)
            inh_fired[j] = False
        else:
            g_i[j] += w_inh * n_i
    unstable = 0
    if not run.implicit:
        a_e = run.a_e
        for j in range(g_i.shape[0]):
            unstable += a_e * (1.0 + g_e[j] + g_i[j]) > 2.0
    return unstable


@_stage
def _input_history(run, st, lay, work, step, now):
    """Stage 4 (training): record this step's input spikes for the STDP rule.

    They enter their input's trace history and, while few neurons are active, the queue of
    arrivals at those neurons.
    """
    n_ring = run.n_ring
    idx, ptr = work.idx, work.ptr
    hist_step, hist_x, hist_head = st.hist_step, st.hist_x, st.hist_head
    dsteps, act, mode = lay.dsteps, work.act, work.mode
    ev_i, ev_j, ev_n = work.ev_i, work.ev_j, work.ev_n
    slot_now = step % n_ring
    for k in range(ptr[step], ptr[step + 1]):
        i = idx[k]
        _push_input_spike(hist_step, hist_x, hist_head, i, now, run.decay_pre, run.trace_add)
        work.newest[i] = now
        if mode[1] and run.has_pre:
            for a in range(mode[0]):
                j = act[a]
                slot = slot_now + dsteps[i, j]  # (step + delay) % n_ring
                slot = slot - n_ring if slot >= n_ring else slot
                if ev_n[slot] == run.ev_cap:
                    mode[1] = 0  # too many: check every arrival
                    ev_n[:] = 0
                    break
                ev_i[slot, ev_n[slot]] = i
                ev_j[slot, ev_n[slot]] = j
                ev_n[slot] += 1


@_stage
def _deliver(run, w, offset, ring, idx, ptr, g_e, step):
    """Stage 4: deliver this step's input spikes through their delays.

    Each spike writes its row of weights into the ring of future g_e (one slot per delay,
    Brian 1's DelayConnection); this step's slot joins g_e.
    """
    n = w.shape[1]
    base = (step % run.n_ring) * n
    # unsigned cells: no test for negative indices in the innermost loop
    size = np.uint64(ring.shape[0])
    first = np.uint64(base)
    # the spikes of this step, none in the rest (an empty range, not a branch: see _stage)
    for k in range(ptr[min(step, run.n_present)], ptr[min(step + 1, run.n_present)]):
        i = idx[k]
        row_w, row_offset = w[i], offset[i]
        # cell of synapse (i, j): slot (step + delay) % n_ring, column j
        for j in range(n):
            cell = first + np.uint64(row_offset[j])
            cell = cell - size if cell >= size else cell
            ring[cell] += row_w[j]
    arriving = ring[base : base + n]  # a view: ring[base + j] would not vectorise
    for j in range(n):
        g_e[j] += arriving[j]
        arriving[j] = 0.0


@_stage
def _queued_arrivals(run, st, w, work, step):
    """Stage 4 (end): presynaptic STDP of the queued synapses whose spike arrives now.

    The update is zero unless the neuron's x_post1 is, so only those neurons are visited:
    while few are, their arrivals are queued by arrival step (at emission, or when a neuron
    becomes active while spikes are in flight); otherwise :func:`_scanned_arrivals`.
    """
    x1 = st.x_post1
    rule, sp = run.rule, run.sp
    ev_i, ev_j, ev_n = work.ev_i, work.ev_j, work.ev_n
    slot = step % run.n_ring
    for e in range(ev_n[slot]):
        i = ev_i[slot, e]
        j = ev_j[slot, e]
        if x1[j] != 0.0:
            w[i, j] = stdp_on_pre(rule, w[i, j], x1[j], sp)
    ev_n[slot] = 0


@_stage
def _scanned_arrivals(run, st, w, lay, work, step):
    """Stage 4 (end), many active neurons: check every synapse whose spike arrives now."""
    x1 = st.x_post1
    rule, sp = run.rule, run.sp
    ptr, idx, bstart, order = work.ptr, work.idx, lay.bstart, lay.order
    for s in range(max(0, step - run.max_delay), min(step, run.n_present - 1) + 1):
        d = step - s
        for k in range(ptr[s], ptr[s + 1]):
            i = idx[k]
            for b in range(bstart[i, d], bstart[i, d + 1]):
                j = order[i, b]
                if x1[j] != 0.0:
                    w[i, j] = stdp_on_pre(rule, w[i, j], x1[j], sp)


@_stage
def _decay_traces(x1, x2, e1, e2, traced, n_traced):
    """Stage 5: postsynaptic traces decay one step (exactly); zero traces stay zero."""
    for k in range(n_traced):
        j = traced[k]
        x1[j] *= e1
        x2[j] *= e2


@jit
def _flush(st, trace_floor):
    """Zero the negligible traces and conductances at the end of an attempt.

    x_post1 below ``trace_floor`` and other traces and conductances below 1e-30 become
    exactly 0 (no denormal arithmetic; fewer neurons to visit).
    """
    x1, x2, g_e, g_i, g_e_inh = st.x_post1, st.x_post2, st.g_e_exc, st.g_i_exc, st.g_e_inh
    for j in range(x1.shape[0]):
        if x1[j] < trace_floor:
            x1[j] = 0.0
        if x2[j] < 1e-30:
            x2[j] = 0.0
        if g_e[j] < 1e-30:
            g_e[j] = 0.0
        if g_i[j] < 1e-30:
            g_i[j] = 0.0
        if g_e_inh[j] < 1e-30:
            g_e_inh[j] = 0.0


@jit
def _quiet(run, st, theta, remaining):
    """Return True if no neuron can fire and no conductance matters for the rest of the rest."""
    p = run.p
    tol = run.rest_tol
    shrink = run.c_theta**remaining if run.learn else 1.0
    g_e, g_i, g_e_inh, v_exc, v_inh = st.g_e_exc, st.g_i_exc, st.g_e_inh, st.v_exc, st.v_inh
    for j in range(v_exc.shape[0]):
        if g_e[j] > tol or g_i[j] > tol or g_e_inh[j] > tol:
            return False
        threshold = p.v_th_exc + theta[j] * min(shrink, 1.0) - p.theta_offset
        top = max(v_exc[j], p.v_rest_exc, p.v_reset_exc)
        if top >= threshold:
            return False
        if max(v_inh[j], p.v_rest_inh, p.v_reset_inh) >= p.v_th_inh:
            return False
    return True


@jit
def _rest_jump(run, st, theta, m):
    """Advance ``m`` quiet steps at once: the step map of the rest, in closed form."""
    p = run.p
    c_e = 1.0 / (1.0 + run.a_e) if run.implicit else 1.0 - run.a_e
    c_i = 1.0 / (1.0 + run.a_i) if run.implicit else 1.0 - run.a_i
    v_exc, v_inh, ref_exc, ref_inh = st.v_exc, st.v_inh, st.ref_exc, st.ref_inh
    g_e_exc, g_i_exc, g_e_inh, x1, x2 = st.g_e_exc, st.g_i_exc, st.g_e_inh, st.x_post1, st.x_post2
    for j in range(v_exc.shape[0]):
        held = min(ref_exc[j], m)
        ref_exc[j] -= held
        if not run.hold_exc:
            held = 0  # v relaxes while refractory
        v_exc[j] = p.v_rest_exc + (v_exc[j] - p.v_rest_exc) * c_e ** (m - held)
        held = min(ref_inh[j], m)
        ref_inh[j] -= held
        v_inh[j] = p.v_rest_inh + (v_inh[j] - p.v_rest_inh) * c_i ** (m - held)
        g_e_exc[j] *= run.c_ge**m
        g_i_exc[j] *= run.c_gi**m
        g_e_inh[j] *= run.c_ge**m
        x1[j] *= run.e1**m
        x2[j] *= run.e2**m
        if run.learn:
            theta[j] *= run.c_theta**m


# ------------------------------------------------------------------------------- one image


@_stage
def _start_attempt(run, rates_base, w, lay, st, work, rec, intensity, attempts):
    """Normalise (training), draw the attempt's input spikes, reset the per-attempt arrays.

    Returns the number of input spikes.
    """
    n = w.shape[1]
    if run.learn and run.w_sum > 0.0 and (attempts == 1 or run.normalise_retries):
        _normalise(w, run.w_sum, work.factor, work.col_sums, work.changed)
    if run.learn:
        for i in range(rates_base.shape[0]):
            work.newest[i] = st.hist_step[i, st.hist_head[i]]
    rates = work.rates
    for i in range(rates_base.shape[0]):
        rates[i] = rates_base[i] * intensity
    n_spikes = draw_input_spikes(
        rates, run.n_present, run.dt, work.raw_step, work.raw_idx, work.ptr, work.idx,
        work.fill,
    )  # fmt: skip
    counts, rest_counts = work.counts, st.rest_counts
    for j in range(n):
        counts[j] = rest_counts[j] if run.count_rest_spikes else 0
        rest_counts[j] = 0
    if run.record:
        rec.input_spikes[:, :] = False
        rec.exc_spikes[:, :] = False
        rec.inh_spikes[:, :] = False
        for s in range(run.n_present):
            for k in range(work.ptr[s], work.ptr[s + 1]):
                rec.input_spikes[s, work.idx[k]] = True
    work.ring[:] = 0.0
    is_act, act, x1 = work.is_act, work.act, st.x_post1
    n_act = 0
    for j in range(n):
        is_act[j] = x1[j] != 0.0
        if is_act[j]:
            act[n_act] = j
            n_act += 1
    work.mode[0] = n_act
    work.mode[1] = n_act <= _QUEUE_MAX
    if run.learn:
        is_traced, traced, x2 = work.is_traced, work.traced, st.x_post2
        n_traced = 0
        for j in range(n):
            is_traced[j] = x1[j] != 0.0 or x2[j] != 0.0
            if is_traced[j]:
                traced[n_traced] = j
                n_traced += 1
        work.mode[2] = n_traced
    work.ev_n[:] = 0
    return n_spikes


@jit
def _attempt_done(run, counts, presented_before, attempts):
    """Apply the retry rule: return True if the image needs no further attempt.

    That is when this attempt's spikes (or all attempts', ``retry_on_total``) reach
    ``min_spikes``, or the attempts are used up.
    """
    attempt_sum = counts.sum()
    criterion = presented_before + attempt_sum if run.retry_on_total else attempt_sum
    return criterion >= run.min_spikes or attempts >= run.max_attempts


@_step_loop
def present(run, rates_base, w, lay, theta, st, work, rec, counts_out):
    """Present one image (all attempts and rests) to the network; modify state in place.

    ``rates_base`` are the image's rates [Hz] at intensity 1; ``counts_out`` receives the
    per-neuron counts of the recorded (last) attempt.
    Returns the :class:`Stats` of the image.
    """
    # arrays touched in every step, bound once
    v_exc, v_inh, ref_exc, ref_inh = st.v_exc, st.v_inh, st.ref_exc, st.ref_inh
    g_e_exc, g_i_exc, g_e_inh, x1, x2 = st.g_e_exc, st.g_i_exc, st.g_e_inh, st.x_post1, st.x_post2
    margin_e, margin_i, inh_live, is_inh_live = (work.margin_e, work.margin_i, work.inh_live,
                                                 work.is_inh_live)  # fmt: skip
    ring, idx, ptr, offset = work.ring, work.idx, work.ptr, lay.offset
    mode, ev_n = work.mode, work.ev_n
    learn = run.learn
    pre_rule = learn and run.has_pre
    intensity = run.intensity
    attempts = 0
    total_in = 0
    total_e = 0
    total_i = 0
    unstable = 0
    presented_total = 0
    while True:
        attempts += 1
        total_in += _start_attempt(run, rates_base, w, lay, st, work, rec, intensity, attempts)
        n_live = v_inh.shape[0]
        for j in range(n_live):
            inh_live[j] = j
            is_inh_live[j] = True
        t0 = st.step[0]
        for step in range(run.n_total):
            now = t0 + step
            # (1) integrate, threshold, reset
            crossing = _excitatory_step(run, theta, v_exc, g_e_exc, g_i_exc, ref_exc, margin_e)
            inh_crossing, n_live = _inhibitory_step(run, v_inh, g_e_inh, ref_inh, margin_i,
                                                    inh_live, is_inh_live, n_live)  # fmt: skip
            crossing += inh_crossing
            if step == run.n_present and run.skip_last_rest:
                # testing from a rested network: the rest after the last attempt changes
                # nothing that is kept
                if _attempt_done(run, work.counts, presented_total, attempts):
                    break
            if crossing > 0:
                n_e, n_i = _fire(run, st, theta, work)
                # (2) excitatory spikes: learning, traces, drive of the inhibitory partner
                if n_e > 0:
                    unstable += _excitatory_spikes(run, st, w, lay, work, rec, step, now, n_e)
                    n_live = _wake(inh_live, is_inh_live, n_live, work.spk_e, n_e)
                    total_e += n_e
                # (3) inhibitory spikes: all excitatory neurons except the partner
                if n_i > 0:
                    unstable += _inhibitory_spikes(run, st, work, rec, step, n_i)
                    total_i += n_i
            # (4) input spikes into the ring of future g_e; presynaptic STDP on arrival
            if learn and step < run.n_present and ptr[step + 1] > ptr[step]:
                _input_history(run, st, lay, work, step, now)
            _deliver(run, w, offset, ring, idx, ptr, g_e_exc, step)
            if pre_rule and mode[1]:
                if ev_n[step % run.n_ring] > 0:
                    _queued_arrivals(run, st, w, work, step)
            elif pre_rule and mode[0] > 0:
                _scanned_arrivals(run, st, w, lay, work, step)
            # (5) traces decay; the rest is finished in closed form once nothing can happen
            if learn:
                _decay_traces(x1, x2, run.e1, run.e2, work.traced, mode[2])
            if step >= run.n_present + run.max_delay and step < run.n_total - 1:
                remaining = run.n_total - 1 - step
                if _quiet(run, st, theta, remaining):
                    _rest_jump(run, st, theta, remaining)
                    break
        st.step[0] = t0 + run.n_total
        if learn:
            for a in range(mode[0]):
                work.changed[work.act[a]] = True  # the only columns STDP can have changed
        _flush(st, run.trace_floor)
        done = _attempt_done(run, work.counts, presented_total, attempts)
        presented_total += work.counts.sum()
        if done:
            break
        intensity += run.intensity_step
    for j in range(w.shape[1]):
        counts_out[j] = work.counts[j]
    return Stats(attempts, total_in, total_e, total_i, unstable)


@jit
def present_seeded(seed, run, rates_base, w, lay, theta, st, work, rec, counts_out):
    """:func:`present` with numba's generator seeded first (one seed per image)."""
    np.random.seed(seed)  # noqa: NPY002 (numba's generator)
    return present(run, rates_base, w, lay, theta, st, work, rec, counts_out)


@jit
def rested_state(p, n):
    """Return a network state at rest (learning off: no input history is kept)."""
    return DiehlCookState(
        np.full(n, p.v_rest_exc), np.full(n, p.v_rest_inh), np.zeros(n), np.zeros(n),
        np.zeros(n), np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n), np.zeros(n),
        np.zeros((1, 1), np.int64), np.zeros((1, 1)), np.zeros(1, np.int64),
        np.zeros(n, np.int32), np.zeros(1, np.int64),
    )  # fmt: skip


@jit
def respond_chunk(run, rates_base, seeds, w, lay, theta, rec, chunk, n_chunks, counts_out,
                  stats_out):  # fmt: skip
    """Compute frozen responses to images ``chunk, chunk + n_chunks, …``.

    Each starts from a rested network; the kernel releases the GIL, so chunks run in parallel
    threads. ``stats_out[img]`` receives the image's :class:`Stats` as a row.
    """
    n = w.shape[1]
    work = alloc_work(run, n)
    for img in range(chunk, rates_base.shape[0], n_chunks):
        st = rested_state(run.p, n)
        s = present_seeded(seeds[img], run, rates_base[img], w, lay, theta, st, work, rec,
                           counts_out[img])  # fmt: skip
        stats_out[img, 0] = s.attempts
        stats_out[img, 1] = s.input_spikes
        stats_out[img, 2] = s.exc_spikes
        stats_out[img, 3] = s.inh_spikes
        stats_out[img, 4] = s.euler_unstable
