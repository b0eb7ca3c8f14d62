r"""Spike-timing-dependent plasticity.

The pair-based window, its trace-based online form, and the four learning rules of Diehl & Cook
(2015) behind one numba-callable interface.

Traces
------
Every synapse sees a presynaptic trace :math:`x_{pre}` and the postsynaptic neuron keeps one or
two traces :math:`x_{post1}, x_{post2}`. Between spikes they decay,
:math:`\tau_{pre}\,\dot x_{pre} = -x_{pre}` (likewise with :math:`\tau_{post1}, \tau_{post2}`),
and on a spike the trace is **set to 1** (the convention of the Diehl & Cook code; the paper's
text adds 1). Decays are exact: :math:`x \leftarrow x\,e^{-\Delta t/\tau}`.

The four rules of Diehl & Cook (2015), Learning section (eqs. 3–8)
-------------------------------------------------------------------
Weights are clipped to :math:`[0, w_{max}]` after every update.

- ``triplet`` (default): pre spike :math:`w \mathrel{-}= \eta_{pre}\, x_{post1}`;
  post spike :math:`w \mathrel{+}= \eta_{post}\, x_{pre}\, x_{post2}^{before}`.
- ``pre_and_post``: pre spike :math:`w \mathrel{-}= \eta_{pre}\, x_{post}\, w^{\mu}`;
  post spike :math:`w \mathrel{+}= \eta_{post}\,(x_{pre} - x_{tar})\,(w_{max} - w)^{\mu}`.
- ``power_law``: post spike only,
  :math:`w \mathrel{+}= \eta_{post}\,(x_{pre} - x_{tar})\,(w_{max} - w)^{\mu}`.
- ``exponential``: post spike only,
  :math:`w \mathrel{+}= \eta_{post}\,(x_{pre} e^{-\beta w} - x_{tar} e^{-\beta (w_{max} - w)})`.

A fifth rule, not among the paper's four, is what other implementations run (BindsNET's
``PostPre`` in its Diehl & Cook example):

- ``pair``: pre spike :math:`w \mathrel{-}= \eta_{pre}\, x_{post1}`; post spike
  :math:`w \mathrel{+}= \eta_{post}\, x_{pre}`: it potentiates on every postsynaptic spike,
  whereas ``triplet`` only does when the neuron fired recently (:math:`x_{post2}^{before}`).

``triplet`` (Pfister & Gerstner 2006) is the rule the authors' published code runs; its
parameters (:class:`STDPParams` defaults) are the code's. :math:`x_{post2}^{before}` is the slow
postsynaptic trace read *before* the current postsynaptic spike sets it to 1. In
``pre_and_post`` the single postsynaptic trace :math:`x_{post}` is ``x_post1`` (τ_post1).

The paper gives no values for :math:`x_{tar}, \mu, \beta`; they are choices of this toolkit,
documented in :func:`stdp_params`. The published code defines two unused constants,
``exp_ee_post = 0.2`` and ``STDP_offset = 0.4``, which look like μ and x_tar left over from
the other rules; we take μ = 0.2 and x_tar = 0.4 from there and β = 3 from Querlioz et al. (2013).

Pair-based STDP window (lecture 6)
----------------------------------
For one pre spike and one post spike, :math:`\Delta t = t_{post} - t_{pre}`,

.. math::

    \Delta w(\Delta t) = \begin{cases}
        \;\;\eta_{post}\, f_+(w)\, e^{-\Delta t/\tau_{pre}} & \Delta t \ge 0 \\
        -\eta_{pre}\, f_-(w)\, e^{\Delta t/\tau_{post}} & \Delta t < 0
    \end{cases}

with weight dependence :math:`f_+(w) = (w_{max} - w)^{\mu}`, :math:`f_-(w) = w^{\mu}` (Gütig et al.
2003): :math:`\mu = 0` is **additive** STDP (weights need hard bounds), :math:`\mu = 1` is
**multiplicative** STDP with soft bounds (van Rossum et al. 2000). The online form produces
the window exactly: on a pre spike :math:`w \mathrel{-}= \eta_{pre} f_-(w) x_{post}`, on a post
spike :math:`w \mathrel{+}= \eta_{post} f_+(w) x_{pre}` (Song, Miller & Abbott 2000; Morrison et
al. 2008). :func:`measure_stdp_window` simulates spike pairs with that online rule.

References
----------
Diehl, P. U. & Cook, M. (2015). Unsupervised learning of digit recognition using
spike-timing-dependent plasticity. *Front. Comput. Neurosci.* 9:99; code
``peter-u-diehl/stdp-mnist``. Pfister, J.-P. & Gerstner, W. (2006). *J. Neurosci.* 26:9673.
Song, S., Miller, K. D. & Abbott, L. F. (2000). *Nat. Neurosci.* 3:919. van Rossum, M. C. W.,
Bi, G. Q. & Turrigiano, G. G. (2000). *J. Neurosci.* 20:8812. Gütig, R. et al. (2003).
*J. Neurosci.* 23:3697. Querlioz, D. et al. (2013). *IEEE Trans. Nanotechnol.* 12:288.

Examples
--------
>>> p = stdp_params("triplet")
>>> round(stdp_on_post(rule_code("triplet"), 0.5, 1.0, 0.5, p), 6)   # 0.5 + 0.01 * 1 * 0.5
0.505
>>> round(stdp_on_pre(rule_code("triplet"), 0.5, 1.0, p), 6)         # 0.5 - 0.0001 * 1
0.4999
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import jit
from snnedu.core.numerics import decay_factor
from snnedu.core.validation import (
    as_float_params,
    finite_array,
    require_non_negative,
    require_params_positive,
    require_positive,
)

__all__ = [
    "ALL_RULES",
    "EXPONENTIAL",
    "PAIR",
    "POWER_LAW",
    "PRE_AND_POST",
    "RULES",
    "TRIPLET",
    "PairSTDPParams",
    "STDPParams",
    "StdpWindow",
    "measure_stdp_window",
    "pair_on_post",
    "pair_on_pre",
    "rule_code",
    "stdp_on_post",
    "stdp_on_pre",
    "stdp_params",
    "stdp_window",
    "trace_decay",
    "uses_pre_update",
    "validate_stdp_params",
]


class STDPParams(NamedTuple):
    """Parameters of the four Diehl & Cook (2015) rules.

    Defaults are the values of the authors' published code (``triplet`` rule: traces,
    learning rates, ``w_max``). ``x_tar``, ``mu`` and ``beta`` are **not** given in the paper's
    text nor used by the code: the defaults here are this toolkit's choice (μ = 0.2 and
    x_tar = 0.4 are the code's unused ``exp_ee_post`` and ``STDP_offset``; β = 3 after Querlioz
    et al. 2013). Use :func:`stdp_params` for the per-rule presets.
    """

    tau_pre: float = 20.0  # ms, presynaptic trace
    tau_post1: float = 20.0  # ms, fast postsynaptic trace (x_post of pre_and_post)
    tau_post2: float = 40.0  # ms, slow postsynaptic trace (triplet)
    eta_pre: float = 0.0001  # learning rate applied on a presynaptic spike (depression)
    eta_post: float = 0.01  # learning rate applied on a postsynaptic spike
    w_max: float = 1.0  # maximum weight (weights are clipped to [0, w_max])
    x_tar: float = 0.4  # target x_pre at a post spike (power_law, exponential, pre_and_post)
    mu: float = 0.2  # weight-dependence exponent (power_law, pre_and_post)
    beta: float = 3.0  # strength of the exponential weight dependence (exponential)


RULES = ("triplet", "pre_and_post", "power_law", "exponential")
"""The four rules of Diehl & Cook (2015); the index is the integer code used in kernels."""

ALL_RULES = (*RULES, "pair")
"""The paper's four rules and ``pair`` (code 4), the pair-based rule of other implementations."""

TRIPLET, PRE_AND_POST, POWER_LAW, EXPONENTIAL, PAIR = 0, 1, 2, 3, 4

# Per-rule presets (see stdp_params): only the fields that differ from STDPParams().
_PRESETS = {
    "triplet": {},
    "pre_and_post": {"x_tar": 0.4, "mu": 0.2, "eta_pre": 0.0001, "eta_post": 0.002},
    "power_law": {"x_tar": 0.4, "mu": 0.2, "eta_post": 0.002},
    "exponential": {"x_tar": 0.4, "beta": 3.0, "eta_post": 0.005},
    "pair": {"eta_pre": 0.0001, "eta_post": 0.01},
}


def rule_code(name: str) -> int:
    """The integer code of the rule ``name`` (its index in :data:`ALL_RULES`).

    >>> rule_code("power_law")
    2
    """
    if isinstance(name, (int, np.integer)) and not isinstance(name, bool):
        if 0 <= int(name) < len(ALL_RULES):
            return int(name)
    elif isinstance(name, str) and name in ALL_RULES:
        return ALL_RULES.index(name)
    raise ValueError(f"unknown STDP rule {name!r}; choose one of {', '.join(ALL_RULES)}.")


def stdp_params(rule: str = "triplet", **overrides) -> STDPParams:
    """The preset :class:`STDPParams` for ``rule``, with ``overrides`` applied.

    Presets (x_tar, μ, β and the rates of the last three rules are toolkit choices, not from
    the paper's text):

    - ``triplet``: the authors' code values, unchanged (η_pre = 1e-4, η_post = 0.01).
    - ``pre_and_post``: x_tar = 0.4, μ = 0.2, η_pre = 1e-4, η_post = 0.002.
    - ``power_law``: x_tar = 0.4, μ = 0.2, η_post = 0.002 (no presynaptic update).
    - ``exponential``: x_tar = 0.4, β = 3, η_post = 0.005 (no presynaptic update).
    - ``pair``: η_pre = 1e-4, η_post = 0.01 (BindsNET's Diehl & Cook example, ``nu``).

    With traces set to 1 on a spike and inputs up to 63.75 Hz, an input that fires steadily
    has a mean trace of about λτ/(1 + λτ) ≈ 0.56 at a postsynaptic spike; x_tar = 0.4 sits
    between that and the 0 of a silent input, so silent inputs are depressed and active ones
    potentiated, as the paper describes ("the higher the target value, the lower the weight").
    The rules with x_tar depress *every* silent input at *every* postsynaptic spike, so they
    need a smaller η_post than the triplet rule, whose potentiation also needs a recent
    postsynaptic spike. Measured in the Diehl & Cook network of
    :mod:`snnedu.networks.diehl_cook` (100 neurons, 3,000 MNIST training images, neurons labelled
    on 1,000 others, accuracy on 1,000 more, one seed; untrained network 28 %): triplet 67 %,
    pre_and_post 71 %, power_law 69 %, exponential 74 %; with η_post = 0.01 power_law fell to
    23 % and with 0.005 to 38 % (it overwrites a neuron's weights with each image).

    >>> stdp_params("power_law").x_tar
    0.4
    >>> stdp_params("triplet", eta_post=0.02).eta_post
    0.02
    """
    name = ALL_RULES[rule_code(rule)]
    params = STDPParams()._replace(**_PRESETS[name])
    try:
        params = params._replace(**overrides)
    except ValueError as error:
        fields = ", ".join(STDPParams._fields)
        raise ValueError(f"{error}; STDPParams fields are {fields}.") from None
    return validate_stdp_params(params)


def validate_stdp_params(params: STDPParams) -> STDPParams:
    """``params`` with every field cast to float, or ValueError naming the bad field."""
    if not isinstance(params, STDPParams):
        kind = type(params).__name__
        raise ValueError(f"expected STDPParams, got {kind}; use stdp_params(rule).")
    require_params_positive(params, ("tau_pre", "tau_post1", "tau_post2", "w_max"))
    for name in ("eta_pre", "eta_post", "x_tar", "mu", "beta"):
        require_non_negative(f"STDPParams.{name}", getattr(params, name))
    return as_float_params(params)


def uses_pre_update(rule) -> bool:
    """Whether ``rule`` changes weights on presynaptic spikes (triplet, pre_and_post, pair).

    >>> uses_pre_update("power_law")
    False
    """
    return rule_code(rule) in (TRIPLET, PRE_AND_POST, PAIR)


@jit
def _clip(w, w_max):
    if w < 0.0:
        return 0.0
    if w > w_max:
        return w_max
    return w


@jit
def stdp_on_pre(rule, w, x_post1, p):
    """New weight after a presynaptic spike (numba-callable; clipped to [0, w_max]).

    Parameters
    ----------
    rule : int
        Rule code (:func:`rule_code`).
    w : float
        Weight before the spike.
    x_post1 : float
        Fast postsynaptic trace at the time of the presynaptic spike.
    p : STDPParams
        Float parameters (:func:`stdp_params`).
    """
    if rule == 0 or rule == 4:  # triplet, pair
        w = w - p.eta_pre * x_post1
    elif rule == 1:  # pre_and_post
        w = w - p.eta_pre * x_post1 * max(w, 0.0) ** p.mu
    return _clip(w, p.w_max)


@jit
def stdp_on_post(rule, w, x_pre, x_post2_before, p):
    """New weight after a postsynaptic spike (numba-callable; clipped to [0, w_max]).

    Parameters
    ----------
    rule : int
        Rule code (:func:`rule_code`).
    w : float
        Weight before the spike.
    x_pre : float
        Presynaptic trace at the time of the postsynaptic spike.
    x_post2_before : float
        Slow postsynaptic trace just before this spike sets it to 1 (used by ``triplet``).
    p : STDPParams
        Float parameters (:func:`stdp_params`).
    """
    if rule == 0:  # triplet
        w = w + p.eta_post * x_pre * x_post2_before
    elif rule == 1 or rule == 2:  # pre_and_post, power_law
        w = w + p.eta_post * (x_pre - p.x_tar) * max(p.w_max - w, 0.0) ** p.mu
    elif rule == 3:  # exponential
        w = w + p.eta_post * (
            x_pre * math.exp(-p.beta * w) - p.x_tar * math.exp(-p.beta * (p.w_max - w))
        )
    elif rule == 4:  # pair: potentiation on every post spike
        w = w + p.eta_post * x_pre
    return _clip(w, p.w_max)


def trace_decay(dt: float, tau: float) -> float:
    """Exact decay factor e^(−dt/τ) of a trace over one step ``dt`` [ms].

    >>> round(trace_decay(20.0, 20.0), 6)
    0.367879
    """
    return float(decay_factor(require_positive("dt", dt, "ms"), require_positive("tau", tau, "ms")))


# --------------------------------------------------------------------------- pair-based window


class PairSTDPParams(NamedTuple):
    """Pair-based STDP window (lecture 6).

    Defaults after Song, Miller & Abbott (2000): equal time constants of 20 ms and slightly
    stronger depression than potentiation (A−/A+ = 1.05). ``mu`` selects the weight
    dependence: 0 = additive (hard bounds), 1 = multiplicative / soft bounds.
    """

    tau_pre: float = 20.0  # ms, presynaptic trace = decay of the potentiation side (Δt > 0)
    tau_post: float = 20.0  # ms, postsynaptic trace = decay of the depression side (Δt < 0)
    eta_pre: float = 0.0105  # amplitude of depression (applied on a presynaptic spike)
    eta_post: float = 0.01  # amplitude of potentiation (applied on a postsynaptic spike)
    w_max: float = 1.0  # maximum weight
    mu: float = 0.0  # weight-dependence exponent: 0 additive, 1 multiplicative


class StdpWindow(NamedTuple):
    """A measured STDP window: weight change per pair against Δt = t_post − t_pre."""

    delta_t: np.ndarray  # ms, (n,)
    dw: np.ndarray  # weight change per pair, (n,)


def _validate_pair(params: PairSTDPParams) -> PairSTDPParams:
    if not isinstance(params, PairSTDPParams):
        raise ValueError(f"expected PairSTDPParams, got {type(params).__name__}.")
    require_params_positive(params, ("tau_pre", "tau_post", "w_max"))
    for name in ("eta_pre", "eta_post", "mu"):
        require_non_negative(f"PairSTDPParams.{name}", getattr(params, name))
    return as_float_params(params)


@jit
def pair_on_pre(w, x_post, p):
    """Pair rule, presynaptic spike: w −= η_pre · w^μ · x_post (clipped; numba-callable)."""
    return _clip(w - p.eta_pre * max(w, 0.0) ** p.mu * x_post, p.w_max)


@jit
def pair_on_post(w, x_pre, p):
    """Pair rule, postsynaptic spike: w += η_post · (w_max − w)^μ · x_pre (clipped)."""
    return _clip(w + p.eta_post * max(p.w_max - w, 0.0) ** p.mu * x_pre, p.w_max)


@renamed_arguments(old_order=("delta_t", "w", "params"))
def stdp_window(delta_t, *, w: float = 0.5, params: PairSTDPParams | None = None) -> np.ndarray:
    """Analytic pair-based STDP window Δw(Δt) for one pre/post pair.

    Parameters
    ----------
    delta_t : array_like
        Δt = t_post − t_pre [ms]; Δt ≥ 0 potentiates (pre before post).
    w : float
        Weight before the pair (matters only when ``params.mu > 0``).
    params : PairSTDPParams, optional
        Window parameters; default :class:`PairSTDPParams` (additive).

    Returns
    -------
    numpy.ndarray
        Weight change for each Δt (before clipping to [0, w_max]).

    >>> stdp_window([0.0, -20.0], w=0.5).round(5).tolist()
    [0.01, -0.00386]
    """
    p = _validate_pair(params if params is not None else PairSTDPParams())
    delta_t = finite_array("delta_t", delta_t)
    w = require_non_negative("w", w)
    if w > p.w_max:
        raise ValueError(f"w must be in [0, w_max={p.w_max}], got {w}.")
    f_plus = (p.w_max - w) ** p.mu
    f_minus = w**p.mu
    ltp = p.eta_post * f_plus * np.exp(-np.abs(delta_t) / p.tau_pre)
    ltd = -p.eta_pre * f_minus * np.exp(-np.abs(delta_t) / p.tau_post)
    return np.where(delta_t >= 0, ltp, ltd)


@jit
def _pair_protocol(steps_pre, steps_post, n_steps, w0, decay_pre, decay_post, p):
    """Step the online pair rule through one spike pair per entry; returns Δw per entry."""
    n = steps_pre.shape[0]
    out = np.empty(n)
    for k in range(n):
        w = w0
        x_pre = 0.0
        x_post = 0.0
        for step in range(n_steps):
            x_pre *= decay_pre
            x_post *= decay_post
            # pre before post within a step: simultaneous spikes count as Δt = 0 (potentiation)
            if step == steps_pre[k]:
                x_pre = 1.0
                w = pair_on_pre(w, x_post, p)
            if step == steps_post[k]:
                x_post = 1.0
                w = pair_on_post(w, x_pre, p)
        out[k] = w - w0
    return out


@renamed_arguments(old_order=("delta_t", "w", "params", "dt"))
def measure_stdp_window(
    delta_t,
    *,
    w: float = 0.5,
    params: PairSTDPParams | None = None,
    dt: float = 0.1,
) -> StdpWindow:
    """Measure the STDP window by simulating one pre/post spike pair per Δt.

    With the online trace rule (:func:`pair_on_pre`, :func:`pair_on_post`), time-stepped at
    ``dt``.

    Each pair starts from weight ``w`` with both traces at 0; Δt is rounded to the grid.
    The result should match :func:`stdp_window` (a test checks it).

    Parameters
    ----------
    delta_t : array_like
        Δt = t_post − t_pre [ms].
    w : float
        Initial weight.
    params : PairSTDPParams, optional
        Rule parameters.
    dt : float
        Time step [ms].

    >>> win = measure_stdp_window([-10.0, 10.0])
    >>> bool(win.dw[0] < 0 < win.dw[1])
    True
    """
    p = _validate_pair(params if params is not None else PairSTDPParams())
    dt = require_positive("dt", dt, "ms")
    delta_t = finite_array("delta_t", delta_t, ndim=1)
    w = require_non_negative("w", w)
    if w > p.w_max:
        raise ValueError(f"w must be in [0, w_max={p.w_max}], got {w}.")
    offsets = np.rint(delta_t / dt).astype(np.int64)
    lead = int(max(0, -offsets.min(initial=0))) + 1
    steps_pre = np.full(offsets.shape, lead, dtype=np.int64)
    steps_post = lead + offsets
    n_steps = int(steps_post.max(initial=lead)) + 2
    dw = _pair_protocol(
        steps_pre,
        steps_post,
        n_steps,
        w,
        decay_factor(dt, p.tau_pre),
        decay_factor(dt, p.tau_post),
        p,
    )
    return StdpWindow(offsets * dt, dw)
