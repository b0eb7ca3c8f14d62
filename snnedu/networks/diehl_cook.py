r"""The Diehl & Cook (2015) network: unsupervised STDP learning of MNIST digits.

Architecture
------------
784 Poisson inputs (one per pixel) → ``n`` excitatory neurons (all-to-all, plastic, each
synapse with its own delay drawn from U[0, 10] ms) → ``n`` inhibitory neurons (one-to-one,
fixed weight 10.4) → back to every excitatory neuron except the one they came from (fixed
weight 17.0): lateral inhibition, a soft winner-take-all.

Neurons (conductance-based leaky integrate-and-fire; ``g_e``, ``g_i`` dimensionless, in units
of the leak conductance, so a spike through a synapse of weight ``w`` adds ``w`` to ``g``):

.. math::

    \tau_m \frac{dv}{dt} = (v_{rest} - v) + g_e\,(e_{exc} - v) + g_i\,(e_{inh} - v), \qquad
    \tau_e \frac{dg_e}{dt} = -g_e, \qquad \tau_i \frac{dg_i}{dt} = -g_i .

An excitatory neuron fires when :math:`v > v_{th} + \theta - \theta_{offset}` (the code's
convention: θ starts at 20 mV and the offset is 20 mV, so the first threshold is −52 mV). On
a spike :math:`v \leftarrow v_{reset}`, v is held there for ``t_ref`` (default, as the Brian 2
ports' ``(unless refractory)``), and in training :math:`\theta \mathrel{+}= \theta_+`;
otherwise :math:`\tau_\theta\,d\theta/dt = -\theta`. ``DiehlCookParams.hold_exc = 0`` is
the Brian 1 (1.4) reading of the authors' code: their excitatory reset is a string, and Brian 1
only clamps v for a scalar reset, so ``refractory`` just blocks spikes while
:math:`t - t_{spike} < t_{ref} - dt/2` (``NeuronGroup._next_allowed_spiketime``) and v keeps
integrating. With forward Euler at 0.5 ms that variant is unstable in large networks (N = 400
diverged after ~1,400 images: a refractory neuron integrating g_i > 2 τ_m/dt overshoots), so it
is not the default. Inhibitory neurons (scalar reset) are held.
In testing θ is frozen. Inhibitory neurons have a fixed threshold.

Protocol (per image)
--------------------
Rates ``pixel / 8 · intensity`` Hz with intensity 2 (at most 63.75 Hz) for 350 ms, then 150 ms
without input. In training the input weights of every excitatory neuron are first scaled to
sum to 78. If the excitatory layer fires fewer than 5 spikes, the intensity goes up by 1
(+31.875 Hz at the brightest pixel) and the image is shown again. Learning: one of the four
rules of :mod:`snnedu.models.stdp` on the input synapses (``triplet`` by default, the code's).

Numerics (what the kernel does, exactly)
----------------------------------------
- Forward Euler at ``dt`` = 0.5 ms for v, g and θ, as Brian 1 did for these nonlinear equations
  (Diehl & Cook's simulator); STDP traces decay exactly. Forward Euler overshoots when
  ``dt·(1 + g_e + g_i)/τ_m > 2``, i.e. when more than about 23 inhibitory neurons fire in one
  step (g_i > 399); the kernel checks for this whenever a volley of spikes raises a
  conductance, and training or testing then warns, since the spike counts that follow can be
  artefacts (a storm of every neuron firing at every chance).
  ``ProtocolParams.implicit_euler = 1`` takes the linearly implicit step
  :math:`v' = (v + a(v_{rest} + g_e e_{exc} + g_i e_{inh})) / (1 + a(1 + g_e + g_i))`,
  :math:`a = dt/\tau_m`, which is first-order like forward Euler, equal to it for small
  conductances and stays between the reversal potentials for any conductance.
- One step: (1) every neuron integrates from the state of the previous step (refractory
  inhibitory neurons, and excitatory ones if ``hold_exc``, are held at ``v_reset``),
  thresholds of non-refractory neurons are tested; (2) excitatory spikes: STDP update of
  their 784 input weights, traces set to 1, ``g_e`` of their inhibitory partner += 10.4;
  (3) inhibitory spikes: ``g_i`` += 17 in all other excitatory neurons; (4) input spikes
  emitted now add their weights to the ring of future ``g_e``; this step's slot is added to
  ``g_e``; synapses whose spike arrives now (emitted ``delay`` steps ago) get the
  presynaptic STDP update (skipped while the neuron's ``x_post1`` is 0, i.e. below
  ``ProtocolParams.trace_floor`` at the end of an attempt) and their trace; (5) traces decay
  (in training only: testing never reads them).
- Input spikes are event-driven: each input's spike steps are drawn as geometric gaps, which is
  exactly a Bernoulli draw with probability ``rate·dt`` in every step (Brian's ``PoissonGroup``)
  at the cost of one draw per spike instead of one per pixel per step.
- Delays are whole steps, ``floor(delay / dt)`` (0…19 steps for U[0, 10) ms), and a spike's
  conductance increments are written into a ring of future values when it is emitted, with
  the weights of that moment — exactly what Brian 1's ``DelayConnection`` (the authors'
  simulator) does. The presynaptic STDP update and trace happen when the spike arrives.
- The presynaptic trace is lazy and kept per *input*, not per synapse: the trace of synapse
  (i, j) is the trace of input i delayed by that synapse's delay, ``x_pre(t) = X_i(t - d_ij)``,
  and ``X_i`` only changes when input i fires. Each input keeps its last ``max_delay + 2``
  spike steps and trace values, enough to evaluate ``X_i`` anywhere in the delay window; the
  value is only needed when a postsynaptic neuron fires.
- The 150 ms rest is stepped only while something can still happen (spikes in flight, a
  conductance above ``ProtocolParams.rest_tol``, or a neuron that could reach threshold); then
  it is finished in closed form, which is the Euler map itself for g = 0:
  :math:`v \leftarrow v_{rest} + (v - v_{rest})(1 - dt/\tau_m)^k`, ``g ← g (1 - dt/τ)^k``,
  θ and traces likewise; no neuron can fire in that part because v relaxes monotonically
  towards ``v_rest`` below threshold. The error against stepping is below
  ``rest_tol·|e - v|·dt/τ_m / (1 - c)`` ≈ 1e-9 mV.
- Evaluation presents every image to a *rested* network (v at rest, g = 0), in parallel over
  images; the authors' code runs sequentially and carries the small residual state of the
  previous image's rest over (``parallel=False`` does that).

Where the paper and the authors' code disagree, the code is the default and the paper's choice
is an option (see ``docs`` of :class:`ProtocolParams`): spikes counted only in the latest
attempt (code) or over all attempts (paper, ``retry_on_total=1``); +1 intensity (code,
+31.875 Hz) or +32 Hz (paper, ``intensity_step=256/255``); traces set to 1 (code) or increased
by 1 (paper, ``trace_add=1``); learning rule ``triplet`` (code) or the paper's others.

Reference
---------
Diehl, P. U. & Cook, M. (2015). Unsupervised learning of digit recognition using
spike-timing-dependent plasticity. *Front. Comput. Neurosci.* 9:99. Code:
``peter-u-diehl/stdp-mnist`` (``Diehl&Cook_spiking_MNIST.py``), which is the source of every
default below.

>>> import numpy as np
>>> net = init_diehl_cook(10, rng=np.random.default_rng(0))
>>> net.w.shape, round(float(net.w.sum(axis=0)[0]), 6)
((784, 10), 78.0)
"""

from __future__ import annotations

import json
import math
import os
import signal
import threading
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple

import numpy as np

from snnedu.core.jit import jit, parallel_jit, prange
from snnedu.core.validation import as_float_params, require_positive
from snnedu.models.stdp import (
    RULES,
    STDPParams,
    rule_code,
    stdp_on_post,
    stdp_on_pre,
    stdp_params,
    validate_stdp_params,
)

__all__ = [
    "SIZES",
    "DiehlCookNetwork",
    "DiehlCookParams",
    "DiehlCookState",
    "EvaluationResult",
    "ImageRecord",
    "ProtocolParams",
    "Responses",
    "TrainResult",
    "TrainingLog",
    "assign_labels",
    "draw_input_spikes",
    "evaluate_diehl_cook",
    "init_diehl_cook",
    "load_diehl_cook",
    "predict_labels",
    "read_metadata",
    "record_image",
    "respond_diehl_cook",
    "save_diehl_cook",
    "train_diehl_cook",
]

N_INPUTS = 784
"""28 × 28 pixels, one Poisson input each."""

SIZES = (100, 400, 1600, 6400)
"""Network sizes of the paper's table."""

PAPER_PASSES = {100: 1, 400: 3, 1600: 7, 6400: 15}
"""Passes over the 60,000 MNIST training images per size (paper; 400 → 3 is also the code's)."""

_NEVER = -(2**40)  # "last arrival" of a synapse that never received a spike: x_pre = 0
_FORMAT = "snnedu.diehl_cook"
_FORMAT_VERSION = 1


class DiehlCookParams(NamedTuple):
    """Neurons and fixed synapses of the network.

    Every default is the authors' code (``Diehl&Cook_spiking_MNIST.py``; see
    ``shared/reference/diehl_cook_2015.md`` §1, §2, §4 for line numbers).
    """

    tau_m_exc: float = 100.0  # ms, excitatory membrane time constant
    v_rest_exc: float = -65.0  # mV
    v_reset_exc: float = -65.0  # mV
    v_th_exc: float = -52.0  # mV, base threshold; fires at v > v_th_exc + theta - theta_offset
    t_ref_exc: float = 5.0  # ms
    hold_exc: float = 1.0  # 1: v held at v_reset for t_ref; 0: v integrates, spikes blocked
    e_inh_exc: float = -100.0  # mV, reversal potential of g_i in excitatory neurons
    tau_m_inh: float = 10.0  # ms, inhibitory membrane time constant
    v_rest_inh: float = -60.0  # mV
    v_reset_inh: float = -45.0  # mV
    v_th_inh: float = -40.0  # mV
    t_ref_inh: float = 2.0  # ms
    e_exc: float = 0.0  # mV, reversal potential of g_e (both populations)
    tau_e: float = 1.0  # ms, excitatory conductance decay
    tau_i: float = 2.0  # ms, inhibitory conductance decay
    theta_init: float = 20.0  # mV, initial adaptive threshold theta
    theta_offset: float = 20.0  # mV, subtracted from theta in the threshold
    theta_plus: float = 0.05  # mV, theta increment per spike (training)
    tau_theta: float = 1e7  # ms, theta decay (training)
    v_init_offset: float = -40.0  # mV, v(0) = v_rest + v_init_offset
    w_exc_inh: float = 10.4  # g_e jump in the inhibitory partner of a firing excitatory neuron
    w_inh_exc: float = 17.0  # g_i jump in every other excitatory neuron
    w_init_scale: float = 0.3  # initial input weight = (U[0,1) + w_init_offset) * w_init_scale
    w_init_offset: float = 0.01
    delay_max: float = 10.0  # ms, input delays uniform in [0, delay_max]


class ProtocolParams(NamedTuple):
    """How images are presented and learned (authors' code by default).

    Paper-vs-code options: ``retry_on_total`` (0 = code: fewer than ``min_spikes`` in the latest
    attempt triggers a retry; 1 = paper: counted over all attempts of the image),
    ``intensity_step`` (1 = code, +31.875 Hz at pixel 255; 256/255 = the paper's +32 Hz),
    ``trace_add`` (0 = code: traces set to 1 on a spike; 1 = paper: increased by 1),
    ``count_rest_spikes`` (1 = code: spikes of the preceding rest count towards the next
    attempt; 0 = not), ``normalise_retries`` (1 = code: normalise before every attempt;
    0 = before each image only, as the Brian 2 example). ``w_sum = 0`` switches normalisation off.
    ``max_attempts`` is a safety cap the code does not have (a blank image would loop forever).
    """

    dt: float = 0.5  # ms, time step
    t_present: float = 350.0  # ms, input on
    t_rest: float = 150.0  # ms, input off
    rate_scale: float = 0.125  # Hz per grey level per unit of intensity (pixel / 8)
    intensity: float = 2.0  # initial intensity: rate_hz = pixel * rate_scale * intensity
    intensity_step: float = 1.0  # intensity added for each retry
    min_spikes: float = 5.0  # fewer excitatory spikes than this → present again
    max_attempts: float = 20.0  # cap on presentations of one image
    w_sum: float = 78.0  # target sum of each neuron's input weights (0: no normalisation)
    normalise_retries: float = 1.0  # 1: normalise before every attempt, 0: once per image
    retry_on_total: float = 0.0  # 0: code (latest attempt), 1: paper (all attempts)
    count_rest_spikes: float = 1.0  # 1: code (rest spikes count for the next attempt)
    trace_add: float = 0.0  # 0: code (traces set to 1), 1: paper (traces += 1)
    implicit_euler: float = 0.0  # 0: forward Euler for v (Brian 1); 1: linearly implicit Euler
    rest_tol: float = 1e-10  # conductance below which the rest is finished in closed form
    trace_floor: float = 1e-6  # x_post1 below this is set to 0 at the end of each attempt


class DiehlCookState(NamedTuple):
    """Dynamic state carried from one image to the next (float64 unless stated)."""

    v_exc: np.ndarray  # mV, (n,)
    v_inh: np.ndarray  # mV, (n,)
    g_e_exc: np.ndarray  # (n,), excitatory conductance of the excitatory neurons
    g_i_exc: np.ndarray  # (n,), inhibitory conductance of the excitatory neurons
    g_e_inh: np.ndarray  # (n,), excitatory conductance of the inhibitory neurons
    ref_exc: np.ndarray  # int32 (n,), refractory steps left
    ref_inh: np.ndarray  # int32 (n,)
    x_post1: np.ndarray  # (n,), fast postsynaptic trace
    x_post2: np.ndarray  # (n,), slow postsynaptic trace
    hist_step: np.ndarray  # int64 (784, k), global steps of each input's latest spikes
    hist_x: np.ndarray  # (784, k), the input's trace X_i just after each of those spikes
    hist_head: np.ndarray  # int64 (784,), slot of the newest entry (ring buffer)
    rest_counts: np.ndarray  # int32 (n,), excitatory spikes during the latest rest
    step: np.ndarray  # int64 (1,), global time step


class TrainingLog(NamedTuple):
    """What training recorded, one entry per image seen (for plots and running accuracy).

    Labels are only read to *monitor* (running accuracy); learning never sees them.
    ``assignments`` are refreshed every ``update_interval`` images from the mean responses per
    class in the previous window (as in the authors' code).
    """

    labels: np.ndarray  # int16 (images_seen,), -1 if unknown
    predictions: np.ndarray  # int16 (images_seen,), -1 before the first assignment
    exc_spikes: np.ndarray  # int32 (images_seen,), spikes of the recorded attempt
    attempts: np.ndarray  # int16 (images_seen,)
    assignments: np.ndarray  # int16 (n,), current label of each neuron (-1: none)
    window_sums: np.ndarray  # (10, n), summed responses per class in the current window
    window_counts: np.ndarray  # (10,), images per class in the current window


class DiehlCookNetwork(NamedTuple):
    """A network: parameters, weights, thresholds, delays and the state to resume from.

    ``seed`` (drawn from the ``rng`` given to :func:`init_diehl_cook`) and ``images_seen``
    determine the Poisson input of every training image, so an interrupted run resumes
    exactly where it stopped.
    """

    rule: str
    params: DiehlCookParams
    protocol: ProtocolParams
    stdp: STDPParams
    w: np.ndarray  # (784, n), input → excitatory weights
    delays: np.ndarray  # ms, (784, n), input → excitatory delays
    theta: np.ndarray  # mV, (n,)
    state: DiehlCookState
    seed: int
    images_seen: int
    log: TrainingLog

    @property
    def n(self) -> int:
        """Number of excitatory (= inhibitory) neurons."""
        return self.w.shape[1]


class ImageRecord(NamedTuple):
    """Counts for one image: the recorded attempt and totals over all attempts."""

    counts: np.ndarray  # int32 (n,), excitatory spikes per neuron in the recorded attempt
    attempts: int
    input_spikes: int  # over all attempts
    exc_spikes: int  # over all attempts (incl. rests)
    inh_spikes: int  # over all attempts (incl. rests)


class Responses(NamedTuple):
    """Responses of a fixed network to many images."""

    counts: np.ndarray  # int32 (n_images, n), excitatory spikes of the recorded attempt
    attempts: np.ndarray  # int32 (n_images,)
    input_spikes: np.ndarray  # int64 (n_images,), over all attempts
    exc_spikes: np.ndarray  # int64 (n_images,), over all attempts
    inh_spikes: np.ndarray  # int64 (n_images,), over all attempts


class TrainResult(NamedTuple):
    """The trained network and whether the run finished (False after Ctrl-C)."""

    network: DiehlCookNetwork
    completed: bool
    images_trained: int  # images presented in this call
    snapshots: tuple  # (images_seen, w (784, n)) every snapshot_every images


class EvaluationResult(NamedTuple):
    """Test-set accuracy with labels assigned on a separate (training) set."""

    accuracy: float
    predictions: np.ndarray  # int (n_test,)
    assignments: np.ndarray  # int (n,), -1 for neurons that never fired
    confusion: np.ndarray  # int (10, 10), rows true class, columns predicted
    label_responses: Responses
    test_responses: Responses
    method: str


class Recording(NamedTuple):
    """Rasters of the recorded (last) attempt of one image (time first)."""

    input_spikes: np.ndarray  # bool (n_steps, 784)
    exc_spikes: np.ndarray  # bool (n_steps, n)
    inh_spikes: np.ndarray  # bool (n_steps, n)
    counts: np.ndarray  # int32 (n,)
    attempts: int
    dt: float  # ms


# ------------------------------------------------------------------------------------ kernels


@jit
def _seed(seed):
    np.random.seed(seed)  # noqa: NPY002 (numba's generator)


@jit
def _draw_input_spikes(rates_hz, n_steps, dt, raw_step, raw_idx, ptr, idx):
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
    fill = ptr[:n_steps].copy()
    for k in range(count):
        s = raw_step[k]
        idx[fill[s]] = raw_idx[k]
        fill[s] += 1
    return count


@jit
def _normalise(w, order, w_sum):
    """Scale each neuron's input weights to sum to ``w_sum`` (``w`` in sorted layout)."""
    n_in, n = w.shape
    sums = np.zeros(n)
    for i in range(n_in):
        for b in range(n):
            sums[order[i, b]] += w[i, b]
    for j in range(n):
        sums[j] = w_sum / sums[j] if sums[j] > 0.0 else 1.0
    for i in range(n_in):
        for b in range(n):
            w[i, b] *= sums[order[i, b]]


@jit
def _present(
    rates_base, w, lay, theta, st, p, q, sp, rule, learn, decay_pre,
    counts_out, scratch_i, scratch_p, spk_e, spk_i, rec_in, rec_exc, rec_inh, record,
):  # fmt: skip
    """Present one image (all attempts and rests) to the network; modify state in place.

    ``w`` is in the delay-sorted layout of ``lay``
    (row i ordered by delay, ``lay.order[i, b]`` is the neuron at position b), so that the
    synapses that an input spike reaches in one step are contiguous.

    Returns (attempts, input spikes, excitatory spikes, inhibitory spikes), totals over all
    attempts; ``counts_out`` receives the per-neuron counts of the recorded attempt.
    """
    n_in, n = w.shape
    order = lay.order
    pos = lay.pos
    bstart = lay.bstart
    v_exc = st.v_exc
    v_inh = st.v_inh
    g_e_exc = st.g_e_exc
    g_i_exc = st.g_i_exc
    g_e_inh = st.g_e_inh
    ref_exc = st.ref_exc
    ref_inh = st.ref_inh
    x_post1 = st.x_post1
    x_post2 = st.x_post2
    hist_step = st.hist_step
    hist_x = st.hist_x
    hist_head = st.hist_head
    n_hist = hist_step.shape[1]
    dsteps = lay.dsteps
    rest_counts = st.rest_counts
    dt = q.dt
    n_present = int(round(q.t_present / dt))  # noqa: RUF046
    n_total = n_present + int(round(q.t_rest / dt))  # noqa: RUF046
    max_delay = bstart.shape[1] - 2
    hold_e = p.hold_exc > 0.5
    # held: v clamped for t_ref; Brian 1 (string reset): v integrates and spikes are blocked
    # while t - t_spike < t_ref - dt/2, i.e. for round(t_ref/dt) - 1 steps
    n_ref_e = _blocked_steps(p.t_ref_exc, dt, hold_e)
    n_ref_i = int(round(p.t_ref_inh / dt))  # noqa: RUF046
    a_e = dt / p.tau_m_exc
    a_i = dt / p.tau_m_inh
    implicit = q.implicit_euler > 0.5
    c_ge = 1.0 - dt / p.tau_e
    c_gi = 1.0 - dt / p.tau_i
    c_theta = 1.0 - dt / p.tau_theta
    e1 = math.exp(-dt / sp.tau_post1)
    e2 = math.exp(-dt / sp.tau_post2)
    v_rest_e = p.v_rest_exc
    v_reset_e = p.v_reset_exc
    e_exc = p.e_exc
    e_inh_e = p.e_inh_exc
    th_base = p.v_th_exc - p.theta_offset
    v_rest_i = p.v_rest_inh
    v_reset_i = p.v_reset_inh
    v_th_i = p.v_th_inh
    n_decay = decay_pre.shape[0]
    trace_add = q.trace_add > 0.5
    has_pre = rule == 0 or rule == 1
    raw_step = scratch_i[0]
    raw_idx = scratch_i[1]
    idx = scratch_i[2]
    ptr = scratch_p
    counts = np.zeros(n, np.int32)
    rates = np.empty(n_in)
    inh_fired = np.zeros(n, np.bool_)
    margin_e = np.empty(n)
    n_ring = max_delay + 1
    ring = np.zeros((n_ring, n))
    act = np.empty(n, np.int64)  # neurons with x_post1 != 0
    queue_max = 64  # queue arrivals while at most this many neurons are active
    ev_cap = 4 * n_in if learn else 1
    ev_i = np.empty((n_ring, ev_cap), np.int32)
    ev_j = np.empty((n_ring, ev_cap), np.int32)
    ev_n = np.zeros(n_ring, np.int64)
    is_act = np.zeros(n, np.bool_)
    margin_i = np.empty(n)
    no_g = np.zeros(n)  # inhibitory neurons: no inhibition, no θ

    intensity = q.intensity
    attempts = 0
    total_in = 0
    total_e = 0
    total_i = 0
    unstable = 0  # conductance jumps that left forward Euler unstable (a (1 + g) > 2)
    presented_total = 0
    while True:
        attempts += 1
        if learn and q.w_sum > 0.0 and (attempts == 1 or q.normalise_retries > 0.5):
            _normalise(w, order, q.w_sum)
        for i in range(n_in):
            rates[i] = rates_base[i] * intensity
        n_spikes = _draw_input_spikes(rates, n_present, dt, raw_step, raw_idx, ptr, idx)
        total_in += n_spikes
        for j in range(n):
            counts[j] = rest_counts[j] if q.count_rest_spikes > 0.5 else 0
            rest_counts[j] = 0
        if record:
            rec_in[:, :] = False
            rec_exc[:, :] = False
            rec_inh[:, :] = False
            for s in range(n_present):
                for k in range(ptr[s], ptr[s + 1]):
                    rec_in[s, idx[k]] = True
        t0 = st.step[0]
        ring[:, :] = 0.0
        n_act = 0
        for j in range(n):
            is_act[j] = x_post1[j] != 0.0
            if is_act[j]:
                act[n_act] = j
                n_act += 1
        queue_mode = n_act <= queue_max
        ev_n[:] = 0
        for step in range(n_total):
            now = t0 + step
            # (1) integrate every neuron from the previous step's state; refractory neurons
            # cannot fire (and are held, see hold_exc). margin > 0: crosses its threshold now.
            if learn:
                for j in range(n):
                    theta[j] *= c_theta
            crossing = _membrane_step(
                v_exc, g_e_exc, g_i_exc, ref_exc, theta, margin_e, a_e, v_rest_e, e_exc,
                e_inh_e, th_base, c_ge, c_gi, hold_e, implicit,
            )  # fmt: skip
            crossing += _membrane_step(
                v_inh, g_e_inh, no_g, ref_inh, no_g, margin_i, a_i, v_rest_i, e_exc, 0.0,
                v_th_i, c_ge, 0.0, True, implicit,
            )  # fmt: skip
            n_e = 0
            n_i = 0
            if crossing > 0:
                for j in range(n):
                    if margin_e[j] > 0.0:
                        v_exc[j] = v_reset_e
                        ref_exc[j] = n_ref_e
                        if learn:
                            theta[j] += p.theta_plus
                        spk_e[n_e] = j
                        n_e += 1
                    if margin_i[j] > 0.0:
                        v_inh[j] = v_reset_i
                        ref_inh[j] = n_ref_i
                        spk_i[n_i] = j
                        n_i += 1
            # (2) excitatory spikes: learning, traces, drive of the inhibitory partner
            for k in range(n_e):
                j = spk_e[k]
                if learn:
                    x2_before = x_post2[j]
                    for i in range(n_in):
                        # x_pre counts arrivals before this step: the input's trace at
                        # now - delay, from its spikes strictly before then
                        x_pre = _input_trace(
                            hist_step, hist_x, hist_head, i, now - dsteps[i, j], n_hist,
                            decay_pre, n_decay,
                        )  # fmt: skip
                        b = pos[i, j]
                        w[i, b] = stdp_on_post(rule, w[i, b], x_pre, x2_before, sp)
                if not is_act[j]:
                    is_act[j] = True
                    act[n_act] = j
                    n_act += 1
                    if learn and has_pre and queue_mode and n_act > queue_max:
                        queue_mode = False  # many active neurons: check every arrival
                        ev_n[:] = 0
                    elif learn and has_pre and queue_mode:
                        # spikes already in flight that reach this neuron from now on
                        for s in range(max(0, step - max_delay), min(step - 1, n_present - 1) + 1):
                            for k in range(ptr[s], ptr[s + 1]):
                                i = idx[k]
                                arrival = s + dsteps[i, j]
                                if arrival >= step:
                                    slot = arrival % n_ring
                                    if ev_n[slot] == ev_cap:
                                        queue_mode = False
                                        ev_n[:] = 0
                                        break
                                    ev_i[slot, ev_n[slot]] = i
                                    ev_j[slot, ev_n[slot]] = j
                                    ev_n[slot] += 1
                            if not queue_mode:
                                break
                if trace_add:
                    x_post1[j] += 1.0
                    x_post2[j] += 1.0
                else:
                    x_post1[j] = 1.0
                    x_post2[j] = 1.0
                g_e_inh[j] += p.w_exc_inh
                unstable += not implicit and a_i * (1.0 + g_e_inh[j]) > 2.0
                if step < n_present:
                    counts[j] += 1
                    if record:
                        rec_exc[step, j] = True
                else:
                    rest_counts[j] += 1
            total_e += n_e
            # (3) inhibitory spikes: all excitatory neurons except the partner
            if n_i > 0:
                for k in range(n_i):
                    inh_fired[spk_i[k]] = True
                    if record and step < n_present:
                        rec_inh[step, spk_i[k]] = True
                for j in range(n):
                    if inh_fired[j]:
                        g_i_exc[j] += p.w_inh_exc * (n_i - 1)
                        inh_fired[j] = False
                    else:
                        g_i_exc[j] += p.w_inh_exc * n_i
                total_i += n_i
                if not implicit:
                    for j in range(n):
                        unstable += a_e * (1.0 + g_e_exc[j] + g_i_exc[j]) > 2.0
            # (4) input spikes. An emitted spike writes its whole row of weights into a ring of
            # future conductance increments, one slot per delay (Brian 1's DelayConnection);
            # the slot of this step is then added to g_e.
            if step < n_present:
                for k in range(ptr[step], ptr[step + 1]):
                    i = idx[k]
                    if learn:
                        _push_input_spike(hist_step, hist_x, hist_head, i, now, n_hist,
                                          decay_pre, n_decay, trace_add)  # fmt: skip
                        if queue_mode and has_pre:
                            for a in range(n_act):
                                j = act[a]
                                slot = (step + dsteps[i, j]) % n_ring
                                if ev_n[slot] == ev_cap:
                                    queue_mode = False  # too many: check every arrival
                                    ev_n[:] = 0
                                    break
                                ev_i[slot, ev_n[slot]] = i
                                ev_j[slot, ev_n[slot]] = j
                                ev_n[slot] += 1
                    for d in range(max_delay + 1):
                        slot = (step + d) % n_ring
                        for b in range(bstart[i, d], bstart[i, d + 1]):
                            ring[slot, order[i, b]] += w[i, b]
            slot = step % n_ring
            for j in range(n):
                g_e_exc[j] += ring[slot, j]
                ring[slot, j] = 0.0
            # presynaptic STDP update when a spike arrives at a synapse (after its delay);
            # it is zero unless the neuron's x_post1 is, so only those neurons are visited:
            # while few are, their arrivals are queued by arrival step (at emission, or when
            # a neuron becomes active while spikes are in flight); otherwise every arriving
            # synapse is checked
            if learn and has_pre:
                if queue_mode:
                    slot = step % n_ring
                    for e in range(ev_n[slot]):
                        i = ev_i[slot, e]
                        j = ev_j[slot, e]
                        if x_post1[j] != 0.0:
                            b = pos[i, j]
                            w[i, b] = stdp_on_pre(rule, w[i, b], x_post1[j], sp)
                    ev_n[slot] = 0
                elif n_act > 0:
                    for s in range(max(0, step - max_delay), min(step, n_present - 1) + 1):
                        d = step - s
                        for k in range(ptr[s], ptr[s + 1]):
                            i = idx[k]
                            for b in range(bstart[i, d], bstart[i, d + 1]):
                                j = order[i, b]
                                if x_post1[j] != 0.0:
                                    w[i, b] = stdp_on_pre(rule, w[i, b], x_post1[j], sp)
            # (5) postsynaptic traces decay one step
            if learn:
                for j in range(n):
                    x_post1[j] *= e1
                    x_post2[j] *= e2
            # rest: finish in closed form once nothing can happen any more
            if step >= n_present + max_delay and step < n_total - 1:
                remaining = n_total - 1 - step
                if _quiet(st, theta, p, q, learn, c_theta, remaining):
                    _rest_jump(
                        st, theta, p, learn, a_e, a_i, implicit, c_ge, c_gi, c_theta, e1, e2,
                        remaining,
                    )  # fmt: skip
                    break
        st.step[0] = t0 + n_total
        _flush(st, q.trace_floor)
        attempt_sum = 0
        for j in range(n):
            attempt_sum += counts[j]
        presented_total += attempt_sum
        criterion = presented_total if q.retry_on_total > 0.5 else attempt_sum
        if criterion >= q.min_spikes or attempts >= q.max_attempts:
            break
        intensity += q.intensity_step
    for j in range(n):
        counts_out[j] = counts[j]
    return attempts, total_in, total_e, total_i, unstable


@jit
def _push_input_spike(hist_step, hist_x, hist_head, i, now, n_hist, decay_pre, n_decay, add):
    """Record a spike of input i at global step ``now`` in its ring of recent spikes."""
    h = hist_head[i]
    if add:
        lag = now - hist_step[i, h]
        x = hist_x[i, h] * (decay_pre[lag] if lag < n_decay else 0.0) + 1.0
    else:
        x = 1.0
    h = h + 1 if h + 1 < n_hist else 0
    hist_step[i, h] = now
    hist_x[i, h] = x
    hist_head[i] = h


@jit
def _input_trace(hist_step, hist_x, hist_head, i, t, n_hist, decay_pre, n_decay):
    """X_i(t): the trace of input i at global step t from its spikes at steps < t."""
    h = hist_head[i]
    for _ in range(n_hist):
        e = hist_step[i, h]
        if e < t:
            lag = t - e
            return hist_x[i, h] * decay_pre[lag] if lag < n_decay else 0.0
        h = h - 1 if h > 0 else n_hist - 1
    return 0.0


@jit
def _membrane_step(
    v, g_e, g_i, ref, theta, margin, a, v_rest, e_exc, e_inh, th_base, c_ge, c_gi, hold, implicit
):
    """One step of τ_m dv/dt = (v_rest − v) + g_e (e_exc − v) + g_i (e_inh − v) for a
    population (a = dt/τ_m; forward Euler or linearly implicit; refractory neurons keep v if
    ``hold``), then the conductances decay and ``margin`` = v − (th_base + θ) (−1 while
    refractory: no spike). Returns the number of neurons above threshold. The two methods are
    two loops rather than a branch inside one, so that each vectorises."""
    n = v.shape[0]
    if implicit:
        for j in range(n):
            ge = g_e[j]
            gi = g_i[j]
            v_new = (v[j] + a * (v_rest + ge * e_exc + gi * e_inh)) / (1.0 + a * (1.0 + ge + gi))
            v[j] = v[j] if ref[j] > 0 and hold else v_new
    else:
        for j in range(n):
            x = v[j]
            v_new = x + a * ((v_rest - x) + g_e[j] * (e_exc - x) + g_i[j] * (e_inh - x))
            v[j] = x if ref[j] > 0 and hold else v_new
    crossing = 0
    for j in range(n):
        r = ref[j]
        ref[j] = max(r - 1, 0)
        g_e[j] *= c_ge
        g_i[j] *= c_gi
        m = -1.0 if r > 0 else v[j] - (th_base + theta[j])
        margin[j] = m
        crossing += m > 0.0
    return crossing


@jit
def _flush(st, trace_floor):
    """End of an attempt: x_post1 below ``trace_floor`` and other traces and conductances
    below 1e-30 become exactly 0 (no denormal arithmetic; fewer neurons to visit)."""
    for j in range(st.v_exc.shape[0]):
        if st.x_post1[j] < trace_floor:
            st.x_post1[j] = 0.0
        if st.x_post2[j] < 1e-30:
            st.x_post2[j] = 0.0
        if st.g_e_exc[j] < 1e-30:
            st.g_e_exc[j] = 0.0
        if st.g_i_exc[j] < 1e-30:
            st.g_i_exc[j] = 0.0
        if st.g_e_inh[j] < 1e-30:
            st.g_e_inh[j] = 0.0


@jit
def _quiet(st, theta, p, q, learn, c_theta, remaining):
    """True if no neuron can fire and no conductance matters for the rest of the rest."""
    tol = q.rest_tol
    shrink = c_theta**remaining if learn else 1.0
    for j in range(st.v_exc.shape[0]):
        if st.g_e_exc[j] > tol or st.g_i_exc[j] > tol or st.g_e_inh[j] > tol:
            return False
        threshold = p.v_th_exc + theta[j] * min(shrink, 1.0) - p.theta_offset
        top = max(st.v_exc[j], p.v_rest_exc, p.v_reset_exc)
        if top >= threshold:
            return False
        if max(st.v_inh[j], p.v_rest_inh, p.v_reset_inh) >= p.v_th_inh:
            return False
    return True


@jit
def _blocked_steps(t_ref, dt, hold):
    """Steps after a spike in which an excitatory neuron cannot fire (see ``hold_exc``)."""
    n = int(round(t_ref / dt))  # noqa: RUF046
    return n if hold else max(n - 1, 0)


@jit
def _rest_jump(st, theta, p, learn, a_e, a_i, implicit, c_ge, c_gi, c_theta, e1, e2, m):
    """Advance ``m`` quiet steps at once: the step map of the rest, in closed form."""
    c_e = 1.0 / (1.0 + a_e) if implicit else 1.0 - a_e
    c_i = 1.0 / (1.0 + a_i) if implicit else 1.0 - a_i
    for j in range(st.v_exc.shape[0]):
        held = min(st.ref_exc[j], m)
        st.ref_exc[j] -= held
        if p.hold_exc <= 0.5:
            held = 0  # v relaxes while refractory
        st.v_exc[j] = p.v_rest_exc + (st.v_exc[j] - p.v_rest_exc) * c_e ** (m - held)
        held = min(st.ref_inh[j], m)
        st.ref_inh[j] -= held
        st.v_inh[j] = p.v_rest_inh + (st.v_inh[j] - p.v_rest_inh) * c_i ** (m - held)
        st.g_e_exc[j] *= c_ge**m
        st.g_i_exc[j] *= c_gi**m
        st.g_e_inh[j] *= c_ge**m
        st.x_post1[j] *= e1**m
        st.x_post2[j] *= e2**m
        if learn:
            theta[j] *= c_theta**m


@jit
def _train_image(
    seed, rates_base, w, lay, theta, st, p, q, sp, rule, decay_pre,
    counts_out, scratch_i, scratch_p, spk_e, spk_i, rec_in, rec_exc, rec_inh, record, learn,
):  # fmt: skip
    np.random.seed(seed)  # noqa: NPY002 (numba's generator)
    return _present(
        rates_base, w, lay, theta, st, p, q, sp, rule, learn, decay_pre,
        counts_out, scratch_i, scratch_p, spk_e, spk_i, rec_in, rec_exc, rec_inh, record,
    )  # fmt: skip


@jit
def _rested_state(p, n):
    """A network at rest (learning off: no input history is kept)."""
    return DiehlCookState(
        np.full(n, p.v_rest_exc), np.full(n, p.v_rest_inh), np.zeros(n), np.zeros(n),
        np.zeros(n), np.zeros(n, np.int32), np.zeros(n, np.int32), np.zeros(n), np.zeros(n),
        np.zeros((1, 1), np.int64), np.zeros((1, 1)), np.zeros(1, np.int64),
        np.zeros(n, np.int32), np.zeros(1, np.int64),
    )  # fmt: skip


@parallel_jit
def _respond_parallel(
    rates_base, seeds, w, lay, theta, p, q, sp, rule, decay_pre, n_chunks, counts_out, stats_out,
):  # fmt: skip
    n_images = rates_base.shape[0]
    n_in, n = w.shape
    n_present = int(round(q.t_present / q.dt))  # noqa: RUF046
    for c in prange(n_chunks):
        scratch_i = np.empty((3, n_in * n_present), np.int32)
        scratch_p = np.empty(n_present + 1, np.int64)
        spk_e = np.empty(n, np.int64)
        spk_i = np.empty(n, np.int64)
        rec = np.zeros((1, 1), np.bool_)
        w_local = w  # read only: learning is off
        theta_local = theta
        for img in range(c, n_images, n_chunks):
            st = _rested_state(p, n)
            np.random.seed(seeds[img])  # noqa: NPY002 (numba's generator)
            a, t_in, t_e, t_i, unstable = _present(
                rates_base[img], w_local, lay, theta_local, st, p, q, sp, rule,
                False, decay_pre, counts_out[img], scratch_i, scratch_p, spk_e, spk_i,
                rec, rec, rec, False,
            )  # fmt: skip
            stats_out[img, 0] = a
            stats_out[img, 1] = t_in
            stats_out[img, 2] = t_e
            stats_out[img, 3] = t_i
            stats_out[img, 4] = unstable


# --------------------------------------------------------------------------- public functions


def init_diehl_cook(
    n: int = 400,
    rule: str = "triplet",
    params: DiehlCookParams | None = None,
    protocol: ProtocolParams | None = None,
    stdp: STDPParams | None = None,
    rng: np.random.Generator | None = None,
) -> DiehlCookNetwork:
    """A fresh network as the authors' code starts it.

    Input weights ``(U + 0.01)·0.3``, normalised to column sums 78 (so that ``w`` is what the
    first image sees); delays U[0, 10] ms; θ = 20 mV; v = v_rest − 40 mV; traces zero.

    Parameters
    ----------
    n : int
        Excitatory (= inhibitory) neurons; the paper uses 100, 400, 1600, 6400.
    rule : str
        STDP rule, one of :data:`snnedu.models.stdp.RULES`.
    params, protocol : DiehlCookParams, ProtocolParams, optional
        Network and protocol parameters (defaults: the authors' code).
    stdp : STDPParams, optional
        Rule parameters; default :func:`snnedu.models.stdp.stdp_params` ``(rule)``.
    rng : numpy.random.Generator
        Source of the weights, delays and the network's seed for training inputs.
    """
    if rng is None or not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy Generator, e.g. np.random.default_rng(0).")
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n (number of excitatory neurons) must be a positive integer, got {n!r}.")
    name = RULES[rule_code(rule)]
    p, q = _check_params(params, protocol)
    sp = validate_stdp_params(stdp if stdp is not None else stdp_params(name))
    n = int(n)
    w = (rng.random((N_INPUTS, n)) + p.w_init_offset) * p.w_init_scale
    if q.w_sum > 0:
        w *= q.w_sum / w.sum(axis=0)
    delays = rng.uniform(0.0, p.delay_max, size=(N_INPUTS, n))
    theta = np.full(n, p.theta_init)
    state = DiehlCookState(
        v_exc=np.full(n, p.v_rest_exc + p.v_init_offset),
        v_inh=np.full(n, p.v_rest_inh + p.v_init_offset),
        g_e_exc=np.zeros(n), g_i_exc=np.zeros(n), g_e_inh=np.zeros(n),
        ref_exc=np.zeros(n, np.int32), ref_inh=np.zeros(n, np.int32),
        x_post1=np.zeros(n), x_post2=np.zeros(n),
        hist_step=np.full((N_INPUTS, _n_hist(p, q)), _NEVER, np.int64),
        hist_x=np.zeros((N_INPUTS, _n_hist(p, q))), hist_head=np.zeros(N_INPUTS, np.int64),
        rest_counts=np.zeros(n, np.int32), step=np.zeros(1, np.int64),
    )  # fmt: skip
    log = _empty_log(n)
    seed = int(rng.integers(2**62))
    return DiehlCookNetwork(name, p, q, sp, w, delays, theta, state, seed, 0, log)


def train_diehl_cook(
    network: DiehlCookNetwork,
    images,
    labels=None,
    passes: int = 1,
    resume: bool = False,
    update_interval: int = 10_000,
    callback: Callable[[int, ImageRecord], None] | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 1000,
    snapshot_every: int = 0,
    progress: bool | object = False,
    metadata: dict | None = None,
) -> TrainResult:
    """Train on ``images`` in order for ``passes`` passes (unsupervised; labels only monitor).

    Image ``k`` of the network's life is ``images[k % len(images)]`` with Poisson input seeded
    from ``(network.seed, k)``, so the result depends only on the network and the data.

    Parameters
    ----------
    network : DiehlCookNetwork
        Not modified; the trained copy is returned.
    images : uint8 array (n_images, 28, 28) or (n_images, 784)
    labels : int array (n_images,), optional
        Used only for the running accuracy (assignments from the previous window).
    passes : int
        Passes over ``images``.
    resume : bool
        False: train ``passes·len(images)`` more images. True: continue an interrupted run
        until ``network.images_seen == passes·len(images)``.
    update_interval : int
        Images per window of the running accuracy (code: 10,000).
    callback : callable, optional
        ``callback(images_seen, record)`` after each image; raising ``KeyboardInterrupt``
        stops cleanly, as Ctrl-C does.
    checkpoint : path, optional
        ``.npz`` written every ``checkpoint_every`` images and when the run stops.
    snapshot_every : int
        Keep a copy of the weights every this many images (0: none), for plots and widgets.
    progress : bool or tqdm-like
        True for a tqdm bar (images/s, spikes per image, running accuracy), or a bar object.
    metadata : dict, optional
        Extra JSON-serialisable facts stored in checkpoints (data set, command line, ...).

    Returns
    -------
    TrainResult
        ``completed`` is False if the run was stopped (Ctrl-C or the callback); the network
        then holds exactly the images done and can be resumed with ``resume=True``.
    """
    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    x = _rates_base(images, network.protocol)
    y = _labels(labels, len(x))
    passes = _positive_int("passes", passes)
    update_interval = _positive_int("update_interval", update_interval)
    checkpoint_every = _positive_int("checkpoint_every", checkpoint_every)
    if isinstance(snapshot_every, bool) or int(snapshot_every) < 0:
        raise ValueError(f"snapshot_every must be >= 0, got {snapshot_every!r}.")
    start = network.images_seen
    target = passes * len(x) if resume else start + passes * len(x)
    if start > target:
        raise ValueError(
            f"the network has already seen {start} images, more than passes·len(images) = "
            f"{target}; use resume=False to train further."
        )
    decay_pre, lay = _kernel_args(network)
    knet = _to_kernel(network, lay)
    log = _grow_log(network.log, target)
    counts = np.zeros(knet.n, np.int32)
    scratch_i, scratch_p, spk_e, spk_i, rec = _scratch(knet)
    rule = rule_code(knet.rule)
    bar = _progress_bar(progress, total=target, initial=start)
    stop = _StopFlag()
    seen = start
    completed = True
    snapshots = []
    window_correct = [0, 0]
    warned = False
    with stop.installed():
        try:
            for k in range(start, target):
                img = k % len(x)
                a, t_in, t_e, t_i, unstable = _train_image(
                    _image_seed(knet.seed, k), x[img], knet.w, lay, knet.theta, knet.state,
                    knet.params, knet.protocol, knet.stdp, rule, decay_pre, counts,
                    scratch_i, scratch_p, spk_e, spk_i, rec, rec, rec, False, True,
                )  # fmt: skip
                _log_image(log, k, counts, int(a), int(y[img]), update_interval, window_correct)
                seen = k + 1
                if unstable and not warned:
                    warned = True
                    _warn_unstable(int(unstable), f"training image {k}")
                if bar is not None:
                    bar.update(1)
                    acc = window_correct[0] / window_correct[1] if window_correct[1] else None
                    bar.set_postfix(
                        spikes=int(counts.sum()),
                        acc="-" if acc is None else f"{100 * acc:.1f}%",
                        refresh=False,
                    )
                if snapshot_every and seen % snapshot_every == 0:
                    snapshots.append((seen, np.take_along_axis(knet.w, lay.pos, axis=1)))
                if checkpoint is not None and seen % checkpoint_every == 0:
                    current = _from_kernel(knet, lay, log, seen)
                    save_diehl_cook(checkpoint, current, metadata)
                if callback is not None:
                    callback(
                        seen, ImageRecord(counts.copy(), int(a), int(t_in), int(t_e), int(t_i))
                    )
                if stop.requested:
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            completed = False
        finally:
            if bar is not None:
                bar.close()
    net = _from_kernel(knet, lay, log, seen)
    if checkpoint is not None:
        save_diehl_cook(checkpoint, net, metadata)
    return TrainResult(net, completed, seen - start, tuple(snapshots))


def respond_diehl_cook(
    network: DiehlCookNetwork,
    images,
    rng: np.random.Generator,
    parallel: bool = True,
) -> Responses:
    """Spike counts of the frozen network (no learning, θ fixed) for every image.

    Parameters
    ----------
    network : DiehlCookNetwork
    images : uint8 array (n_images, 28, 28) or (n_images, 784)
    rng : numpy.random.Generator
        One seed per image is drawn from it, so results do not depend on the thread count.
    parallel : bool
        True: every image starts from a rested network, images run in parallel on all cores.
        False: one after the other, carrying the state over like the authors' code.
    """
    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy Generator, e.g. np.random.default_rng(0).")
    x = _rates_base(images, network.protocol)
    n_images, n = len(x), network.n
    seeds = rng.integers(0, 2**32, size=n_images, dtype=np.int64)
    decay_pre, lay = _kernel_args(network)
    w = np.take_along_axis(network.w, lay.order, axis=1)
    counts = np.zeros((n_images, n), np.int32)
    stats = np.zeros((n_images, 5), np.int64)
    rule = rule_code(network.rule)
    if parallel and n_images > 0:
        import numba

        n_chunks = min(n_images, 8 * numba.get_num_threads())
        _respond_parallel(
            x, seeds, w, lay, network.theta, network.params, network.protocol, network.stdp,
            rule, decay_pre, n_chunks, counts, stats,
        )  # fmt: skip
    else:
        knet = _to_kernel(network, lay)
        scratch_i, scratch_p, spk_e, spk_i, rec = _scratch(knet)
        for img in range(n_images):
            stats[img] = _train_image(
                seeds[img], x[img], knet.w, lay, knet.theta, knet.state, knet.params,
                knet.protocol, knet.stdp, rule, decay_pre, counts[img], scratch_i, scratch_p,
                spk_e, spk_i, rec, rec, rec, False, False,
            )  # fmt: skip
    _warn_unstable(int(stats[:, 4].sum()), "testing")
    return Responses(counts, stats[:, 0].astype(np.int32), stats[:, 1], stats[:, 2], stats[:, 3])


def record_image(
    network: DiehlCookNetwork, image, rng: np.random.Generator, learn: bool = False
) -> Recording:
    """Rasters (input, excitatory, inhibitory) of one image's last attempt.

    The network is not modified. With ``learn=False`` (default) a frozen copy starts rested,
    as in :func:`respond_diehl_cook`; with ``learn=True`` a copy continues from the network's
    state and learns, as in training.
    """
    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    if not isinstance(rng, np.random.Generator):
        raise ValueError("rng must be a numpy Generator, e.g. np.random.default_rng(0).")
    x = _rates_base(np.asarray(image)[None], network.protocol)[0]
    decay_pre, lay = _kernel_args(network)
    knet = _to_kernel(network, lay)
    if not learn:
        knet = knet._replace(state=_rested_state(knet.params, knet.n))
    n_steps = round(knet.protocol.t_present / knet.protocol.dt)
    rec_in = np.zeros((n_steps, N_INPUTS), bool)
    rec_exc = np.zeros((n_steps, knet.n), bool)
    rec_inh = np.zeros((n_steps, knet.n), bool)
    counts = np.zeros(knet.n, np.int32)
    scratch_i, scratch_p, spk_e, spk_i, _ = _scratch(knet)
    stats = _train_image(
        int(rng.integers(0, 2**32)), x, knet.w, lay, knet.theta, knet.state, knet.params,
        knet.protocol, knet.stdp, rule_code(knet.rule), decay_pre, counts, scratch_i,
        scratch_p, spk_e, spk_i, rec_in, rec_exc, rec_inh, True, bool(learn),
    )  # fmt: skip
    return Recording(rec_in, rec_exc, rec_inh, counts, int(stats[0]), knet.protocol.dt)


def draw_input_spikes(image, intensity: float, seed: int, protocol: ProtocolParams | None = None):
    """The input spikes the kernel would draw for one attempt after seeding with ``seed``.

    Returns a list of ``n_steps`` integer arrays: the inputs firing in each step. Exposed so
    that a slow reference simulation can be given exactly the kernel's input.
    """
    q = _check_params(None, protocol)[1]
    x = _rates_base(np.asarray(image)[None], q)[0] * float(intensity)
    _seed(int(seed))
    return _draw_sequence(x, q)


def _draw_sequence(rates_hz, q):
    """Draw one attempt's input spikes from numba's generator in its current state."""
    n_steps = round(q.t_present / q.dt)
    cap = N_INPUTS * n_steps
    raw = np.empty((3, cap), np.int32)
    ptr = np.empty(n_steps + 1, np.int64)
    _draw_input_spikes(rates_hz, n_steps, q.dt, raw[0], raw[1], ptr, raw[2])
    return [raw[2, ptr[s] : ptr[s + 1]].copy() for s in range(n_steps)]


def assign_labels(counts, labels, n_classes: int = 10) -> np.ndarray:
    """Label each neuron with the class of its highest mean response (authors' rule).

    Parameters
    ----------
    counts : int array (n_images, n)
        Spike counts per image and neuron.
    labels : int array (n_images,)
    n_classes : int

    Returns
    -------
    int array (n,)
        Class of each neuron; -1 for a neuron that never fired (ties: lowest class).

    >>> assign_labels(np.array([[3, 0], [0, 0], [1, 0]]), np.array([0, 1, 1]), n_classes=2)
    array([ 0, -1])
    """
    counts, labels = _counts_labels(counts, labels)
    means = _class_means(counts, labels, n_classes)
    assignments = np.argmax(means, axis=0).astype(np.int64)
    assignments[means.max(axis=0) <= 0] = -1
    return assignments


def class_proportions(counts, labels, n_classes: int = 10) -> np.ndarray:
    """``(n, n_classes)``: each neuron's mean response per class, normalised over classes
    (the weights of BindsNET's ``proportion_weighting``)."""
    counts, labels = _counts_labels(counts, labels)
    means = _class_means(counts, labels, n_classes).T
    total = means.sum(axis=1, keepdims=True)
    return np.divide(means, total, out=np.zeros_like(means), where=total > 0)


def predict_labels(
    counts, assignments, method: str = "mean", proportions=None, n_classes: int = 10
) -> np.ndarray:
    """Predict a class per image from spike counts.

    ``"mean"`` (the paper's): the class whose assigned neurons fire most on average.
    ``"proportion"``: as ``"mean"`` but each neuron's count weighted by the fraction of its
    mean response that belongs to the class (``proportions`` from :func:`class_proportions`).

    >>> predict_labels(np.array([[5, 0, 1], [0, 4, 0]]), np.array([0, 1, 1]), n_classes=2)
    array([0, 1])
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim == 1:
        counts = counts[None]
    assignments = np.asarray(assignments)
    if counts.shape[1] != assignments.shape[0]:
        raise ValueError(
            f"counts have {counts.shape[1]} neurons but assignments {assignments.shape[0]}."
        )
    if method not in ("mean", "proportion"):
        raise ValueError(f"unknown method {method!r}; choose 'mean' or 'proportion'.")
    if method == "proportion":
        if proportions is None:
            raise ValueError("method='proportion' needs proportions=class_proportions(...).")
        counts = counts[:, :, None] * np.asarray(proportions)[None]
    scores = np.zeros((counts.shape[0], n_classes))
    for c in range(n_classes):
        members = assignments == c
        if members.any():
            group = counts[:, members, c] if method == "proportion" else counts[:, members]
            scores[:, c] = group.sum(axis=1) / members.sum()
    return np.argmax(scores, axis=1)


def evaluate_diehl_cook(
    network: DiehlCookNetwork,
    label_images,
    label_labels,
    test_images,
    test_labels,
    rng: np.random.Generator,
    method: str = "mean",
    parallel: bool = True,
) -> EvaluationResult:
    """The paper's test: learning off, θ frozen, neurons labelled on ``label_images``
    (the training set), accuracy on ``test_images``.

    ``method``: ``"mean"`` (paper) or ``"proportion"`` (proportion weighting).
    """
    label_labels = _labels(label_labels, len(label_images), required=True)
    test_labels = _labels(test_labels, len(test_images), required=True)
    label_resp = respond_diehl_cook(network, label_images, rng, parallel)
    test_resp = respond_diehl_cook(network, test_images, rng, parallel)
    assignments = assign_labels(label_resp.counts, label_labels)
    proportions = class_proportions(label_resp.counts, label_labels)
    predictions = predict_labels(test_resp.counts, assignments, method, proportions)
    confusion = np.zeros((10, 10), np.int64)
    np.add.at(confusion, (test_labels.astype(int), predictions), 1)
    accuracy = float(np.mean(predictions == test_labels)) if len(test_labels) else float("nan")
    return EvaluationResult(
        accuracy, predictions, assignments, confusion, label_resp, test_resp, method
    )


# -------------------------------------------------------------------------------- save / load


def save_diehl_cook(path, network: DiehlCookNetwork, metadata: dict | None = None) -> Path:
    """Save ``network`` as a plain ``.npz`` (arrays + JSON metadata; no pickle), atomically."""
    path = Path(path)
    if path.suffix != ".npz":
        path = path.with_suffix(path.suffix + ".npz") if path.suffix else path.with_suffix(".npz")
    meta = {
        "format": _FORMAT,
        "version": _FORMAT_VERSION,
        "rule": network.rule,
        "n": network.n,
        "params": network.params._asdict(),
        "protocol": network.protocol._asdict(),
        "stdp": network.stdp._asdict(),
        "seed": int(network.seed),
        "images_seen": int(network.images_seen),
        "metadata": metadata or {},
    }
    arrays = {"w": network.w, "delays": network.delays, "theta": network.theta}
    arrays.update({f"state.{k}": v for k, v in network.state._asdict().items()})
    log = network.log
    seen = network.images_seen
    for k, v in log._asdict().items():
        arrays[f"log.{k}"] = v[:seen] if k in _PER_IMAGE else v
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp.npz")
    np.savez_compressed(tmp, meta=np.array(json.dumps(meta)), **arrays)
    os.replace(tmp, path)
    return path


def load_diehl_cook(path) -> DiehlCookNetwork:
    """Load a network saved by :func:`save_diehl_cook` (or a training checkpoint)."""
    path = Path(path)
    if not path.is_file():
        raise FileNotFoundError(
            f"{path} does not exist; train a network first (snnedu mnist train)."
        )
    with np.load(path, allow_pickle=False) as data:
        meta = _meta(data, path)
        arrays = {k: data[k] for k in data.files if k != "meta"}
    # files written before hold_exc existed were simulated with v held during t_ref
    p = DiehlCookParams(**{"hold_exc": 1.0, **meta["params"]})
    q = ProtocolParams(**meta["protocol"])
    sp = STDPParams(**meta["stdp"])
    state = DiehlCookState(**{k: arrays[f"state.{k}"] for k in DiehlCookState._fields})
    log = TrainingLog(**{k: arrays[f"log.{k}"] for k in TrainingLog._fields})
    return DiehlCookNetwork(
        meta["rule"], p, q, sp, arrays["w"], arrays["delays"], arrays["theta"], state,
        int(meta["seed"]), int(meta["images_seen"]), log,
    )  # fmt: skip


def read_metadata(path) -> dict:
    """The JSON metadata of a saved network (parameters, rule, images seen, extra facts)."""
    with np.load(path, allow_pickle=False) as data:
        return _meta(data, Path(path))


def copy_network(network: DiehlCookNetwork) -> DiehlCookNetwork:
    """A deep copy of the arrays of ``network`` (parameters are immutable)."""
    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    return network._replace(
        w=network.w.copy(), delays=network.delays.copy(), theta=network.theta.copy(),
        state=DiehlCookState(*(a.copy() for a in network.state)),
        log=TrainingLog(*(a.copy() for a in network.log)),
    )  # fmt: skip


# ---------------------------------------------------------------------------------- internals

_PER_IMAGE = ("labels", "predictions", "exc_spikes", "attempts")


def _meta(data, path) -> dict:
    if "meta" not in data.files:
        raise ValueError(f"{path} is not a snnedu Diehl & Cook network (no metadata).")
    meta = json.loads(str(data["meta"]))
    if meta.get("format") != _FORMAT:
        raise ValueError(f"{path} is not a snnedu Diehl & Cook network ({meta.get('format')}).")
    return meta


def _check_params(params, protocol):
    p = DiehlCookParams() if params is None else params
    q = ProtocolParams() if protocol is None else protocol
    if not isinstance(p, DiehlCookParams):
        raise ValueError(f"params must be DiehlCookParams, got {type(p).__name__}.")
    if not isinstance(q, ProtocolParams):
        raise ValueError(f"protocol must be ProtocolParams, got {type(q).__name__}.")
    p, q = as_float_params(p), as_float_params(q)
    for name in ("tau_m_exc", "tau_m_inh", "tau_e", "tau_i", "tau_theta", "w_init_scale"):
        require_positive(f"DiehlCookParams.{name}", getattr(p, name))
    for name in ("dt", "t_present", "rate_scale", "intensity", "max_attempts"):
        require_positive(f"ProtocolParams.{name}", getattr(q, name))
    for name in ("t_ref_exc", "t_ref_inh", "delay_max", "theta_plus", "w_exc_inh", "w_inh_exc"):
        if getattr(p, name) < 0:
            raise ValueError(f"DiehlCookParams.{name} must be >= 0, got {getattr(p, name)}.")
    for name in ("t_rest", "intensity_step", "min_spikes", "w_sum", "rest_tol"):
        if getattr(q, name) < 0:
            raise ValueError(f"ProtocolParams.{name} must be >= 0, got {getattr(q, name)}.")
    if q.dt >= min(p.tau_e, p.tau_i, p.tau_m_inh):
        raise ValueError(
            f"dt = {q.dt} ms is too large for forward Euler with tau_e = {p.tau_e} ms; "
            "use dt < the smallest time constant (the code uses 0.5 ms)."
        )
    return p, q


class _Layout(NamedTuple):
    """The input synapses of each input grouped by delay (kernel layout)."""

    order: np.ndarray  # int32 (784, n): neuron at sorted position b of row i
    pos: np.ndarray  # int32 (784, n): sorted position of neuron j in row i
    bstart: np.ndarray  # int32 (784, max_delay + 2): first position of each delay step
    dsteps: np.ndarray  # int16 (784, n): delay of each synapse in steps (natural layout)


def _kernel_args(net: DiehlCookNetwork):
    """Decay table of x_pre and the delay-sorted layout of the input synapses."""
    q = net.protocol
    n_decay = math.ceil(40.0 * net.stdp.tau_pre / q.dt) + 2
    decay_pre = np.exp(-np.arange(n_decay) * q.dt / net.stdp.tau_pre)
    max_delay = round(net.params.delay_max / q.dt)
    steps = np.clip(np.floor(net.delays / q.dt).astype(np.int64), 0, max_delay)
    order = np.argsort(steps, axis=1, kind="stable").astype(np.int32)
    pos = np.argsort(order, axis=1, kind="stable").astype(np.int32)
    bstart = np.zeros((N_INPUTS, max_delay + 2), np.int32)
    for d in range(max_delay + 1):
        bstart[:, d + 1] = bstart[:, d] + (steps == d).sum(axis=1)
    return decay_pre, _Layout(order, pos, bstart, steps.astype(np.int16))


def _to_kernel(net: DiehlCookNetwork, lay: _Layout) -> DiehlCookNetwork:
    """A copy of ``net`` with the per-synapse arrays in the kernel's sorted layout."""
    net = copy_network(net)
    st = net.state

    def srt(a):
        return np.take_along_axis(a, lay.order, axis=1) if a.shape == lay.order.shape else a

    return net._replace(
        w=srt(net.w),
        state=st,
    )


def _from_kernel(knet, lay: _Layout, log: TrainingLog, seen: int) -> DiehlCookNetwork:
    """A natural-layout copy of a kernel-layout network, with the log trimmed to ``seen``."""
    st = knet.state

    def nat(a):
        if a.shape == lay.pos.shape:
            return np.take_along_axis(a, lay.pos, axis=1)
        return a.copy()

    net = knet._replace(
        w=nat(knet.w), delays=knet.delays.copy(), theta=knet.theta.copy(),
        state=DiehlCookState(*(nat(a) for a in st)),
    )  # fmt: skip
    return _with_log(net, log, seen)


def _n_hist(p: DiehlCookParams, q: ProtocolParams) -> int:
    return round(p.delay_max / q.dt) + 2


def _scratch(net: DiehlCookNetwork):
    n_present = round(net.protocol.t_present / net.protocol.dt)
    return (
        np.empty((3, N_INPUTS * n_present), np.int32),
        np.empty(n_present + 1, np.int64),
        np.empty(net.n, np.int64),
        np.empty(net.n, np.int64),
        np.zeros((1, 1), bool),
    )


def _rates_base(images, q) -> np.ndarray:
    """(n_images, 784) rates [Hz] at intensity 1, from uint8-range pixel values."""
    x = np.asarray(images)
    if x.ndim == 3 and x.shape[1:] == (28, 28):
        x = x.reshape(len(x), N_INPUTS)
    if x.ndim != 2 or x.shape[1] != N_INPUTS:
        raise ValueError(
            f"images must have shape (n_images, 28, 28) or (n_images, 784), got {x.shape}; "
            "for one image use image[None]."
        )
    if x.dtype.kind not in "uif":
        raise ValueError(f"images must be numeric pixel values 0-255, got dtype {x.dtype}.")
    x = np.ascontiguousarray(x, dtype=np.float64)
    if not np.all(np.isfinite(x)) or (x.size and (x.min() < 0 or x.max() > 255)):
        raise ValueError("images must hold pixel values in [0, 255] (uint8 grey levels).")
    return x * q.rate_scale


def _labels(labels, n_images: int, required: bool = False) -> np.ndarray:
    if labels is None:
        if required:
            raise ValueError("labels are required here.")
        return np.full(n_images, -1, np.int64)
    y = np.asarray(labels)
    if y.shape != (n_images,):
        raise ValueError(f"labels must have shape ({n_images},), got {y.shape}.")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise ValueError("labels must be classes 0-9.")
    return y.astype(np.int64)


def _counts_labels(counts, labels):
    counts = np.asarray(counts, dtype=float)
    labels = np.asarray(labels).astype(np.int64)
    if counts.ndim != 2 or counts.shape[0] != labels.shape[0]:
        raise ValueError(
            f"counts {counts.shape} and labels {labels.shape} must be (n_images, n) and "
            "(n_images,)."
        )
    return counts, labels


def _class_means(counts, labels, n_classes):
    sums = np.zeros((n_classes, counts.shape[1]))
    np.add.at(sums, labels, counts)
    per_class = np.bincount(labels, minlength=n_classes)[:, None]
    return np.divide(sums, per_class, out=np.zeros_like(sums), where=per_class > 0)


def _warn_unstable(count: int, where: str) -> None:
    """Warn that forward Euler overshot (its results are then numerical artefacts)."""
    if count:
        warnings.warn(
            f"forward Euler became unstable {count} times during {where}: so many neurons fired "
            "together that dt·(1 + g_e + g_i)/τ_m > 2 and the membrane potential "
            "overshoots; the spike counts from there on are not trustworthy. Use "
            "ProtocolParams(implicit_euler=1) (stable at any conductance) or a smaller dt.",
            RuntimeWarning,
            stacklevel=3,
        )


def _positive_int(name, value) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
        raise ValueError(f"{name} must be a positive integer, got {value!r}.")
    return int(value)


def _image_seed(base: int, k: int) -> int:
    """SplitMix64 of (base, k), truncated to the 32 bits numba's seed takes."""
    mask = (1 << 64) - 1
    z = (base + (k + 1) * 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return (z ^ (z >> 31)) & 0xFFFFFFFF


def _empty_log(n: int) -> TrainingLog:
    return TrainingLog(
        labels=np.zeros(0, np.int16), predictions=np.zeros(0, np.int16),
        exc_spikes=np.zeros(0, np.int32), attempts=np.zeros(0, np.int16),
        assignments=np.full(n, -1, np.int16), window_sums=np.zeros((10, n)),
        window_counts=np.zeros(10),
    )  # fmt: skip


def _grow_log(log: TrainingLog, size: int) -> TrainingLog:
    def grow(a):
        out = np.zeros(max(size, len(a)), a.dtype)
        out[: len(a)] = a
        return out

    return log._replace(**{k: grow(getattr(log, k)) for k in _PER_IMAGE},
                        assignments=log.assignments.copy(), window_sums=log.window_sums.copy(),
                        window_counts=log.window_counts.copy())  # fmt: skip


def _with_log(net: DiehlCookNetwork, log: TrainingLog, seen: int) -> DiehlCookNetwork:
    trimmed = log._replace(**{k: getattr(log, k)[:seen].copy() for k in _PER_IMAGE})
    return net._replace(log=trimmed, images_seen=seen)


def _log_image(log, k, counts, attempts, label, update_interval, window_correct):
    """Record image k; predict its label with the previous window's assignments."""
    log.labels[k] = label
    log.exc_spikes[k] = counts.sum()
    log.attempts[k] = attempts
    assigned = log.assignments
    if label >= 0 and (assigned >= 0).any():
        prediction = int(predict_labels(counts[None], assigned)[0])
        log.predictions[k] = prediction
        window_correct[0] += prediction == label
        window_correct[1] += 1
    else:
        log.predictions[k] = -1
    if label >= 0:
        log.window_sums[label] += counts
        log.window_counts[label] += 1
    if (k + 1) % update_interval == 0:
        per_class = log.window_counts[:, None]
        means = np.divide(log.window_sums, per_class, out=np.zeros_like(log.window_sums),
                          where=per_class > 0)  # fmt: skip
        new = np.argmax(means, axis=0)
        new[means.max(axis=0) <= 0] = -1
        log.assignments[:] = new
        log.window_sums[:] = 0
        log.window_counts[:] = 0
        window_correct[0] = window_correct[1] = 0


def running_accuracy(log: TrainingLog, window: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Accuracy of the training-time predictions in consecutive windows of ``window`` images.

    Returns ``(images_seen, accuracy)`` at the end of each window (NaN where no prediction).
    """
    window = _positive_int("window", window)
    ok = (log.predictions >= 0) & (log.labels >= 0)
    correct = ok & (log.predictions == log.labels)
    ends = np.arange(window, len(ok) + 1, window)
    acc = np.array([
        correct[e - window : e].sum() / ok[e - window : e].sum() if ok[e - window : e].any()
        else np.nan for e in ends
    ])  # fmt: skip
    return ends, acc


def _progress_bar(progress, total, initial):
    if progress is False or progress is None:
        return None
    if progress is True:
        from tqdm.auto import tqdm

        return tqdm(total=total, initial=initial, unit="img", desc="training", smoothing=0.05)
    return progress


class _StopFlag:
    """First Ctrl-C asks the training loop to stop after the current image; a second one
    interrupts at once."""

    def __init__(self):
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def installed(self):
        flag = self

        class _Context:
            def __enter__(self):
                if threading.current_thread() is threading.main_thread():
                    flag._previous = signal.signal(signal.SIGINT, flag._handler)
                return flag

            def __exit__(self, *exc):
                if flag._previous is not None:
                    signal.signal(signal.SIGINT, flag._previous)
                return False

        return _Context()
