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
a spike :math:`v \leftarrow v_{reset}` and in training :math:`\theta \mathrel{+}= \theta_+`;
otherwise :math:`\tau_\theta\,d\theta/dt = -\theta`. Refractoriness is Brian 1's (1.4, the
authors' simulator): a neuron cannot fire while :math:`t - t_{spike} < t_{ref} - dt/2`
(``NeuronGroup._next_allowed_spiketime``), so at most every ``round(t_ref/dt)`` steps (10 at
5 ms). The authors' excitatory reset is a string, and Brian 1 only clamps v for a scalar
reset, so by default (``DiehlCookParams.hold_exc = False``) v keeps integrating while
refractory; ``hold_exc = True`` holds it at ``v_reset`` until the step in which it may fire
again (Brian 2's ``(unless refractory)``, as the Brian 2 ports). Inhibitory neurons (scalar
reset) are held that way. With forward Euler at 0.5 ms the unclamped default overshoots in
large networks (N = 400 diverged after ~1,400 images: a refractory neuron integrating
g_i > 2 τ_m/dt); the kernel counts every such event and training and testing warn (see
Numerics), and ``ProtocolParams.implicit_euler`` is the stable alternative.
In testing θ is frozen. Inhibitory neurons have a fixed threshold.

Protocol (per image)
--------------------
Rates ``pixel / 8 · intensity`` Hz with intensity 2 (at most 63.75 Hz) for 350 ms, then 150 ms
without input. In training the input weights of every excitatory neuron are first scaled to
sum to 78. If the excitatory layer fires fewer than 5 spikes, the intensity goes up by 1
(+31.875 Hz at the brightest pixel) and the image is shown again. Learning: one of the rules of
:mod:`snnedu.models.stdp` on the input synapses (``triplet`` by default, the code's).

Numerics (what the kernel does, exactly)
----------------------------------------
- Forward Euler at ``dt`` = 0.5 ms for v, g and θ, as Brian 1 did for these nonlinear equations
  (Diehl & Cook's simulator); STDP traces decay exactly. Forward Euler overshoots when
  ``dt·(1 + g_e + g_i)/τ_m > 2``, i.e. when more than about 23 inhibitory neurons fire in one
  step (g_i > 399); the kernel checks for this whenever a volley of spikes raises a
  conductance, and training or testing then warns, since the spike counts that follow can be
  artefacts (a storm of every neuron firing at every chance).
  ``ProtocolParams.implicit_euler = True`` takes the linearly implicit step
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
  simulator) does. The ring is slot-major and each synapse knows its cell (``delay·n + j``),
  so an input spike adds its row of weights in one contiguous pass. The presynaptic STDP
  update and trace happen when the spike arrives.
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
  previous image's rest over (``parallel=False`` does that). From a rested network the rest
  after an image's last attempt changes nothing that is kept, so it is not simulated, and
  inhibitory neurons exactly at rest (their forward-Euler step is the identity) are not
  updated until the first excitatory spike of an attempt.

Where the paper and the authors' code disagree, the code is the default and the paper's choice
is an option (see ``docs`` of :class:`ProtocolParams`): spikes counted only in the latest
attempt (code) or over all attempts (paper, ``retry_on_total=True``); +1 intensity (code,
+31.875 Hz) or +32 Hz (paper, ``intensity_step=256/255``); traces set to 1 (code) or increased
by 1 (paper, ``trace_add=True``); learning rule ``triplet`` (code) or the paper's others.

Package layout
--------------
:mod:`~.params` (parameters, derived step counts), :mod:`~.presets` (``paper``, ``course``),
:mod:`~.state` (the network and its state), :mod:`~.kernel` (numba: one image),
:mod:`~.network` (init / train / respond / evaluate / record), :mod:`~.readout` (labels,
predictions, running accuracy), :mod:`~.io` (save / load).

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

from snnedu.models.stdp import STDPParams, stdp_params
from snnedu.networks.diehl_cook.io import (
    load_diehl_cook,
    read_metadata,
    save_diehl_cook,
)
from snnedu.networks.diehl_cook.network import (
    EvaluationResult,
    ImageRecord,
    Recording,
    Responses,
    TrainResult,
    decayed_stdp,
    draw_input_spikes,
    evaluate_diehl_cook,
    init_diehl_cook,
    record_image,
    respond_diehl_cook,
    train_diehl_cook,
    training_order,
)
from snnedu.networks.diehl_cook.params import (
    N_INPUTS,
    PAPER_PASSES,
    SIZES,
    DiehlCookParams,
    ProtocolParams,
)
from snnedu.networks.diehl_cook.presets import PRESETS, preset
from snnedu.networks.diehl_cook.readout import (
    assign_labels,
    class_proportions,
    predict_labels,
    running_accuracy,
)
from snnedu.networks.diehl_cook.state import (
    DiehlCookNetwork,
    DiehlCookState,
    TrainingLog,
    copy_network,
)

__all__ = [
    "N_INPUTS",
    "PAPER_PASSES",
    "PRESETS",
    "SIZES",
    "DiehlCookNetwork",
    "DiehlCookParams",
    "DiehlCookState",
    "EvaluationResult",
    "ImageRecord",
    "ProtocolParams",
    "Recording",
    "Responses",
    "STDPParams",
    "TrainResult",
    "TrainingLog",
    "assign_labels",
    "class_proportions",
    "copy_network",
    "decayed_stdp",
    "draw_input_spikes",
    "evaluate_diehl_cook",
    "init_diehl_cook",
    "load_diehl_cook",
    "predict_labels",
    "preset",
    "read_metadata",
    "record_image",
    "respond_diehl_cook",
    "running_accuracy",
    "save_diehl_cook",
    "stdp_params",
    "train_diehl_cook",
    "training_order",
]
