r"""Learning prototypes with STDP and winner-take-all competition (lecture 6).

A small layer of LIF neurons (:class:`snnedu.models.lif.LIFParams`) sees Poisson-coded images
(rate ``pixel · max_rate_hz``) through plastic weights :math:`w_{ij} \in [0, w_{max}]`: every
input spike of pixel j raises :math:`v_i` by ``w_scale · w_ij``. The weights learn with one of
the four STDP rules of :mod:`snnedu.models.stdp` (default: the triplet rule of the Diehl & Cook
code), and, as in Diehl & Cook (2015), each neuron's weights are rescaled to a fixed sum before
every presentation and its threshold adapts, :math:`\theta \mathrel{+}= \theta_{plus}` per spike,
decaying with :math:`\tau_\theta` (homeostasis: a neuron that wins too often fires less).

Competition is the winner-take-all of :mod:`snnedu.models.inhibition`: when a neuron fires,
every other loses a fraction ``inhibition`` of its depolarisation and for ``t_inh`` all inputs
are scaled by ``1 − inhibition`` (1 = complete inhibition, 0 = independent neurons).

What it shows: without inhibition every neuron fires for every pattern and learns the same
average of all prototypes; with competition each neuron wins, and therefore learns, only the
patterns it already responds to best, so the neurons spread over the prototypes — one neuron
per prototype instead of several copies of the mean (the lecture's "prevents overfitting"
argument: no neuron is made to fit all the data).

Outer loop (one presentation per call) in Python, inner time loop in numba. Between
presentations the network rests: membrane potentials and traces return to rest, θ decays by
``exp(−rest_ms / tau_theta)`` (closed form, not stepped).

Reference: Diehl, P. U. & Cook, M. (2015). *Front. Comput. Neurosci.* 9:99; Masquelier, T.,
Guyonneau, R. & Thorpe, S. J. (2009). Competitive STDP-based spike pattern learning. *Neural
Comput.* 21:1259.

>>> import numpy as np
>>> from snnedu.models.stimuli import bar_prototypes, noisy_samples
>>> rng = np.random.default_rng(0)
>>> data = noisy_samples(bar_prototypes(4), 200, 0.1, rng)
>>> result = train_prototypes(data.images, 4, rng=rng)
>>> result.receptive_fields.shape
(4, 9, 9)
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import jit
from snnedu.core.numerics import decay_factor, relax
from snnedu.core.validation import (
    as_float_params,
    finite_array,
    positive_int,
    require_non_negative,
    require_positive,
    require_rng,
)
from snnedu.models.inhibition import wta_fire
from snnedu.models.lif import LIFParams, validate_lif_params
from snnedu.models.stdp import STDPParams, rule_code, stdp_on_post, stdp_on_pre, stdp_params

__all__ = [
    "PrototypeMatch",
    "PrototypeParams",
    "PrototypeResult",
    "match_prototypes",
    "prototype_responses",
    "train_prototypes",
]


class PrototypeParams(NamedTuple):
    """Presentation, input, competition and homeostasis of the prototype-learning layer.

    Toolkit choices sized for 9 × 9 patches and a handful of neurons: 100 ms presentations, a
    white pixel at 200 Hz, a weight sum of 10 per neuron (an untrained neuron then gets about
    the 20 mV threshold as mean drive from a bar; a trained one several times more).
    """

    presentation_ms: float = 100.0  # time each image is shown [ms]
    rest_ms: float = 150.0  # pause between images (closed form) [ms]
    max_rate_hz: float = 200.0  # Poisson rate of a pixel of value 1 [Hz]
    w_scale: float = 6.0  # depolarisation per input spike per unit weight [mV]
    weight_sum: float = 10.0  # each neuron's weights are rescaled to this sum (0: off)
    inhibition: float = 1.0  # 0 independent neurons ... 1 complete winner-take-all
    t_inh: float = 20.0  # duration of the inhibition after a spike [ms]
    theta_plus: float = 1.0  # threshold increase per spike [mV]
    tau_theta: float = 5000.0  # decay of the threshold increase [ms]
    w_init: float = 0.3  # initial weights uniform in [0, w_init)


class PrototypeResult(NamedTuple):
    """A trained layer."""

    w: np.ndarray  # weights (n_inputs, n_neurons)
    theta: np.ndarray  # adaptive threshold (n_neurons,) [mV]
    counts: np.ndarray  # spikes per neuron and presentation (n_samples, n_neurons)
    receptive_fields: np.ndarray  # weights as images (n_neurons, *image_shape)


class PrototypeMatch(NamedTuple):
    """How receptive fields map onto prototypes."""

    similarity: np.ndarray  # cosine similarity (n_neurons, n_prototypes)
    assignment: np.ndarray  # best prototype of each neuron, −1 if not selective (n_neurons,)
    one_to_one: bool  # every prototype has exactly one selective neuron and vice versa


def _params(params: PrototypeParams | None) -> PrototypeParams:
    params = PrototypeParams() if params is None else params
    if not isinstance(params, PrototypeParams):
        raise ValueError(f"params must be PrototypeParams, got {type(params).__name__}.")
    for name in ("presentation_ms", "tau_theta", "w_init"):
        require_positive(f"PrototypeParams.{name}", getattr(params, name))
    for name in params._fields:
        require_non_negative(f"PrototypeParams.{name}", getattr(params, name))
    if params.inhibition > 1:
        raise ValueError(
            f"PrototypeParams.inhibition must be in [0, 1] (1 = complete), got {params.inhibition}."
        )
    return as_float_params(params)


def _images(images) -> np.ndarray:
    images = finite_array("images", images)
    if images.ndim < 2 or images.shape[0] == 0:
        raise ValueError(f"images must be (n_samples, ...) with n_samples > 0, got {images.shape}.")
    if images.min() < 0 or images.max() > 1:
        raise ValueError("image values must lie in [0, 1]; divide uint8 images by 255.")
    return images


@renamed_arguments(
    old_order=(
        "images",
        "n_neurons",
        "rng",
        "params",
        "neuron",
        "rule",
        "stdp",
        "dt",
        "callback",
    )
)
def train_prototypes(
    images,
    n_neurons: int,
    *,
    rng: np.random.Generator,
    params: PrototypeParams | None = None,
    neuron: LIFParams | None = None,
    rule: str = "triplet",
    stdp: STDPParams | None = None,
    dt: float = 0.5,
    callback: Callable[[int, np.ndarray], None] | None = None,
) -> PrototypeResult:
    """Train a layer of ``n_neurons`` on ``images`` (one presentation each, in order).

    Parameters
    ----------
    images : array_like
        Training images in [0, 1], shape ``(n_samples, ...)`` (e.g. :func:`noisy_samples`).
    n_neurons : int
        Neurons in the layer.
    rng : numpy.random.Generator
        Initial weights and Poisson input (same seed, same result).
    params : PrototypeParams, optional
        Presentation, competition (``inhibition``) and homeostasis.
    neuron : LIFParams, optional
        Membrane parameters (``v_rest, v_reset, v_th, tau_m, t_ref``).
    rule : str
        STDP rule (:data:`snnedu.models.stdp.RULES`).
    stdp : STDPParams, optional
        Rule parameters; default ``stdp_params(rule, eta_post=0.05)`` (5 × the Diehl & Cook
        rate, so a few hundred presentations suffice).
    dt : float
        Time step [ms].
    callback : callable, optional
        ``callback(i, w)`` after presentation ``i`` (progress bars, live plots).

    Returns
    -------
    PrototypeResult
    """
    images = _images(images)
    n_neurons = positive_int("n_neurons", n_neurons)
    require_rng(rng)
    p = _params(params)
    lif = validate_lif_params(neuron)
    code = rule_code(rule)
    stdp = stdp_params(rule, eta_post=0.05) if stdp is None else stdp_params(rule, **stdp._asdict())
    dt = require_positive("dt", dt, "ms")
    n_steps = round(p.presentation_ms / dt)
    if p.max_rate_hz * dt / 1000.0 > 1:
        raise ValueError(
            f"max_rate_hz·dt must be <= 1 (got {p.max_rate_hz * dt / 1000:g}); reduce dt."
        )

    n_samples = images.shape[0]
    flat = images.reshape(n_samples, -1)
    w = rng.uniform(0.0, p.w_init, size=(flat.shape[1], n_neurons))
    theta = np.zeros(n_neurons)
    counts = np.zeros((n_samples, n_neurons), dtype=np.int64)
    theta_rest = math.exp(-p.rest_ms / p.tau_theta)
    seeds = rng.integers(2**63, size=n_samples)
    for i in range(n_samples):
        if p.weight_sum > 0:
            _normalise(w, p.weight_sum, stdp.w_max)
        rate = flat[i] * (p.max_rate_hz * dt / 1000.0)
        _present(w, theta, rate, n_steps, dt, p, lif, code, stdp, True, int(seeds[i]), counts[i])
        theta *= theta_rest
        if callback is not None:
            callback(i, w)
    if p.weight_sum > 0:
        _normalise(w, p.weight_sum, stdp.w_max)
    fields = w.T.reshape((n_neurons, *images.shape[1:]))
    return PrototypeResult(w, theta, counts, fields)


def _normalise(w: np.ndarray, total: float, w_max: float) -> None:
    """Rescale each neuron's column to sum ``total`` (in place), as Diehl & Cook do."""
    sums = w.sum(axis=0)
    sums[sums == 0] = 1.0
    np.multiply(w, total / sums, out=w)
    np.minimum(w, w_max, out=w)


def prototype_responses(
    result: PrototypeResult,
    prototypes,
    rng: np.random.Generator,
    params: PrototypeParams | None = None,
    neuron: LIFParams | None = None,
    dt: float = 0.5,
    repeats: int = 5,
) -> np.ndarray:
    """Mean spike count of each neuron to each prototype, learning off, inhibition as in ``params``.

    Shape ``(n_prototypes, n_neurons)``.
    """
    prototypes = _images(prototypes)
    p = _params(params)
    lif = validate_lif_params(neuron)
    n_steps = round(p.presentation_ms / require_positive("dt", dt, "ms"))
    w = np.array(result.w, dtype=float)
    flat = prototypes.reshape(prototypes.shape[0], -1)
    if flat.shape[1] != w.shape[0]:
        raise ValueError(
            f"prototypes have {flat.shape[1]} pixels but the layer {w.shape[0]} inputs."
        )
    out = np.zeros((flat.shape[0], w.shape[1]))
    counts = np.zeros(w.shape[1], dtype=np.int64)
    for k in range(flat.shape[0]):
        rate = flat[k] * (p.max_rate_hz * dt / 1000.0)
        for _ in range(int(repeats)):
            counts[:] = 0
            theta = np.array(result.theta, dtype=float)
            seed = int(rng.integers(2**63))
            _present(w, theta, rate, n_steps, dt, p, lif, 0, STDPParams(), False, seed, counts)
            out[k] += counts
    return out / int(repeats)


def match_prototypes(receptive_fields, prototypes, margin: float = 0.2) -> PrototypeMatch:
    """Match each receptive field to the prototype it resembles most (cosine similarity).

    A neuron is *selective* when its best similarity exceeds the second best by ``margin``;
    non-selective neurons get assignment −1. ``one_to_one`` is true when every neuron is
    selective and every prototype is chosen exactly once (needs as many neurons as prototypes).

    >>> import numpy as np
    >>> protos = np.eye(3).reshape(3, 1, 3)
    >>> match_prototypes(protos[[2, 0, 1]], protos).assignment.tolist()
    [2, 0, 1]
    >>> match_prototypes(np.ones((3, 1, 3)), protos).one_to_one     # all the same: no match
    False
    """
    fields = finite_array("receptive_fields", receptive_fields)
    prototypes = finite_array("prototypes", prototypes)
    margin = require_non_negative("margin", margin)
    a = fields.reshape(fields.shape[0], -1)
    b = prototypes.reshape(prototypes.shape[0], -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"receptive fields have {a.shape[1]} pixels, prototypes {b.shape[1]}.")
    norm_a = np.linalg.norm(a, axis=1, keepdims=True)
    norm_b = np.linalg.norm(b, axis=1, keepdims=True)
    similarity = (a / np.where(norm_a == 0, 1, norm_a)) @ (b / np.where(norm_b == 0, 1, norm_b)).T
    ordered = np.sort(similarity, axis=1)
    best = np.argmax(similarity, axis=1)
    gap = ordered[:, -1] - (ordered[:, -2] if b.shape[0] > 1 else 0.0)
    assignment = np.where(gap >= margin, best, -1)
    one_to_one = bool(
        a.shape[0] == b.shape[0]
        and np.all(assignment >= 0)
        and np.unique(assignment).size == b.shape[0]
    )
    return PrototypeMatch(similarity, assignment, one_to_one)


@jit
def _present(w, theta, rate, n_steps, dt, p, lif, rule, sp, learn, seed, counts):
    """One presentation: Poisson input, LIF neurons, WTA, STDP (if ``learn``) in place."""
    np.random.seed(seed)  # noqa: NPY002 (numba's own generator, seeded from rng)
    n_in, n = w.shape
    a_m = decay_factor(dt, lif.tau_m)
    a_pre = decay_factor(dt, sp.tau_pre)
    a_post1 = decay_factor(dt, sp.tau_post1)
    a_post2 = decay_factor(dt, sp.tau_post2)
    a_theta = decay_factor(dt, p.tau_theta)
    n_ref = round(lif.t_ref / dt)
    n_inh = round(p.t_inh / dt)
    pre_rule = rule == 0 or rule == 1
    v = np.full(n, lif.v_rest)
    v_th = np.empty(n)
    drive = np.zeros(n)
    ref = np.zeros(n, dtype=np.int64)
    fired = np.zeros(n, dtype=np.bool_)
    x_pre = np.zeros(n_in)
    x_post1 = np.zeros(n)
    x_post2 = np.zeros(n)
    inhibited = 0
    for _ in range(n_steps):
        for j in range(n_in):
            x_pre[j] *= a_pre
        for i in range(n):
            x_post1[i] *= a_post1
            x_post2[i] *= a_post2
            theta[i] *= a_theta
            drive[i] = 0.0
        # presynaptic spikes: input drive, trace set to 1, presynaptic STDP update
        for j in range(n_in):
            if rate[j] > 0.0 and np.random.random() < rate[j]:  # noqa: NPY002
                x_pre[j] = 1.0
                for i in range(n):
                    if learn and pre_rule:
                        w[j, i] = stdp_on_pre(rule, w[j, i], x_post1[i], sp)
                    drive[i] += w[j, i]
        gain = p.w_scale * (1.0 - p.inhibition) if inhibited > 0 else p.w_scale
        for i in range(n):
            v_th[i] = lif.v_th + theta[i]
            if ref[i] > 0:
                ref[i] -= 1
                v[i] = lif.v_reset
            else:
                v[i] = relax(v[i], lif.v_rest, a_m) + gain * drive[i]
        if inhibited > 0:
            inhibited -= 1
        if wta_fire(v, v_th, lif.v_rest, p.inhibition, fired) > 0:
            if p.inhibition > 0.0:
                inhibited = n_inh
            for i in range(n):
                if not fired[i]:
                    continue
                counts[i] += 1
                v[i] = lif.v_reset
                ref[i] = n_ref
                if learn:
                    theta[i] += p.theta_plus
                    for j in range(n_in):
                        w[j, i] = stdp_on_post(rule, w[j, i], x_pre[j], x_post2[i], sp)
                x_post1[i] = 1.0
                x_post2[i] = 1.0
