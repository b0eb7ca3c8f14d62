"""Parameters of the Diehl & Cook network and the integers derived from them.

:class:`DiehlCookParams` (neurons, fixed synapses) and :class:`ProtocolParams` (how images are
presented and learned) hold the authors' code by default; :func:`check_params` validates them
and casts every field to its declared type (``float``, ``int`` or ``bool``) so that ``5`` and
``5.0`` share one compiled kernel. :func:`derived_steps` is the one place where time is turned
into step counts.

>>> p, q = check_params(None, ProtocolParams(min_spikes=5.0, implicit_euler=1))
>>> q.min_spikes, q.implicit_euler, derived_steps(p, q).n_present
(5, True, 700)
"""

from __future__ import annotations

import math
import typing
from typing import NamedTuple

from snnedu.core.validation import require_finite

__all__ = [
    "N_INPUTS",
    "PAPER_PASSES",
    "SIZES",
    "DiehlCookParams",
    "ProtocolParams",
    "Steps",
    "check_params",
    "derived_steps",
    "testing_protocol",
    "typed_params",
]

N_INPUTS = 784
"""28 × 28 pixels, one Poisson input each."""

SIZES = (100, 400, 1600, 6400)
"""Network sizes of the paper's table."""

PAPER_PASSES = {100: 1, 400: 3, 1600: 7, 6400: 15}
"""Passes over the 60,000 MNIST training images per size (paper; 400 → 3 is also the code's)."""


class DiehlCookParams(NamedTuple):
    """Neurons and fixed synapses of the network.

    Every default is the authors' code (``Diehl&Cook_spiking_MNIST.py``; see
    ``shared/reference/diehl_cook_2015.md`` §1, §2, §4 for line numbers) as Brian 1 ran it.
    ``hold_exc``: False (Brian 1 with the code's string reset, the default) = v keeps
    integrating during the refractory period and only spikes are blocked; True = v is clamped
    at ``v_reset_exc`` (Brian 2's ``(unless refractory)``, which the Brian 2 ports use).
    """

    tau_m_exc: float = 100.0  # ms, excitatory membrane time constant
    v_rest_exc: float = -65.0  # mV
    v_reset_exc: float = -65.0  # mV
    v_th_exc: float = -52.0  # mV, base threshold; fires at v > v_th_exc + theta - theta_offset
    t_ref_exc: float = 5.0  # ms
    hold_exc: bool = False  # False: v integrates during t_ref (Brian 1); True: v held
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

    Paper-vs-code options: ``retry_on_total`` (False = code: fewer than ``min_spikes`` in the
    latest attempt triggers a retry; True = paper: counted over all attempts of the image),
    ``intensity_step`` (1 = code, +31.875 Hz at pixel 255; 256/255 = the paper's +32 Hz),
    ``trace_add`` (False = code: traces set to 1 on a spike; True = paper: increased by 1),
    ``count_rest_spikes`` (True = code: spikes of the preceding rest count towards the next
    attempt), ``normalise_retries`` (True = code: normalise before every attempt; False =
    before each image only, as the Brian 2 example). ``w_sum = 0`` switches normalisation off;
    ``min_spikes = 0`` switches the retry rule off. ``max_attempts`` is a safety cap the code
    does not have (a blank image would loop forever). ``shuffle``: False = images in the order
    given (the code); True = a new permutation in every pass, drawn from the network's seed and
    the pass index (so a resumed run sees the same order). ``eta_decay``: both STDP learning
    rates are multiplied by ``eta_decay ** (k / n_images)`` at the network's ``k``-th training
    image of passes over ``n_images`` images, i.e. by ``eta_decay`` per pass, smoothly (1 = the
    code: constant rates); it depends only on ``k``, so a resumed run learns as an uninterrupted
    one. ``test_rate_factor``: while testing (frozen network) every input rate, of the first
    attempt and of the retries, is multiplied by it (1 = the code: as in training).
    """

    dt: float = 0.5  # ms, time step
    t_present: float = 350.0  # ms, input on
    t_rest: float = 150.0  # ms, input off
    rate_scale: float = 0.125  # Hz per grey level per unit of intensity (pixel / 8)
    intensity: float = 2.0  # initial intensity: rate_hz = pixel * rate_scale * intensity
    intensity_step: float = 1.0  # intensity added for each retry
    min_spikes: int = 5  # fewer excitatory spikes than this → present again (0: never)
    max_attempts: int = 20  # cap on presentations of one image
    w_sum: float = 78.0  # target sum of each neuron's input weights (0: no normalisation)
    normalise_retries: bool = True  # True: normalise before every attempt, False: once per image
    retry_on_total: bool = False  # False: code (latest attempt), True: paper (all attempts)
    count_rest_spikes: bool = True  # True: code (rest spikes count for the next attempt)
    trace_add: bool = False  # False: code (traces set to 1), True: paper (traces += 1)
    implicit_euler: bool = False  # False: forward Euler for v (Brian 1); True: linearly implicit
    rest_tol: float = 1e-10  # conductance below which the rest is finished in closed form
    trace_floor: float = 1e-6  # x_post1 below this is set to 0 at the end of each attempt
    shuffle: bool = False  # False: images in the order given; True: new order every pass
    eta_decay: float = 1.0  # learning rates × this per pass (1: constant, the code)
    test_rate_factor: float = 1.0  # input rates × this while testing (1: as training, the code)


class Steps(NamedTuple):
    """Step counts derived from the parameters (computed here and nowhere else)."""

    n_present: int  # steps with input on
    n_total: int  # steps of one attempt (presentation + rest)
    max_delay: int  # largest input delay [steps]
    n_hist: int  # spikes kept per input for its lazy trace (max_delay + 2)
    n_ref_exc: int  # steps after a spike in which an excitatory neuron cannot fire
    n_ref_inh: int  # the same for inhibitory neurons


def derived_steps(p: DiehlCookParams, q: ProtocolParams) -> Steps:
    """Return the step counts of one attempt for parameters ``p``, ``q``.

    Refractoriness (Brian 1, the authors' simulator): a neuron that fired at step ``s`` cannot
    fire while ``t - t_spike < t_ref - dt/2``, i.e. in steps ``s+1 … s+round(t_ref/dt)-1``
    (``n_ref_*`` steps), and may fire again ``round(t_ref/dt)`` steps after its spike (10 at
    t_ref = 5 ms, dt = 0.5 ms). A clamped neuron (inhibitory ones, and excitatory ones with
    ``hold_exc``) is held at ``v_reset`` during those steps and integrates again in the step
    it may fire, as Brian 1's ``Refractoriness`` for a scalar reset does.
    """
    n_present = round(q.t_present / q.dt)
    max_delay = round(p.delay_max / q.dt)
    return Steps(
        n_present=n_present,
        n_total=n_present + round(q.t_rest / q.dt),
        max_delay=max_delay,
        n_hist=max_delay + 2,
        n_ref_exc=max(round(p.t_ref_exc / q.dt) - 1, 0),
        n_ref_inh=max(round(p.t_ref_inh / q.dt) - 1, 0),
    )


def testing_protocol(q: ProtocolParams) -> ProtocolParams:
    """``q`` as a frozen network is tested: intensities × ``q.test_rate_factor``.

    >>> testing_protocol(ProtocolParams(intensity=4.0, test_rate_factor=2.0)).intensity
    8.0
    """
    f = q.test_rate_factor
    return q._replace(intensity=q.intensity * f, intensity_step=q.intensity_step * f)


def typed_params(params):
    """``params`` with every field cast to its declared type (``float``, ``int``, ``bool``).

    A bool field takes True/False or 0/1; an int field takes a whole number (``5.0`` is 5):
    anything else is a ValueError naming the field.
    """
    kind = type(params).__name__
    hints = typing.get_type_hints(type(params))
    values = []
    for name, value in zip(params._fields, params, strict=True):
        declared = hints[name]
        if declared is bool:
            if value in (0, 1) and not isinstance(value, str):
                values.append(bool(value))
                continue
            raise ValueError(f"{kind}.{name} must be True or False, got {value!r}.")
        number = require_finite(f"{kind}.{name}", value)
        if declared is int:
            if number != math.floor(number):
                raise ValueError(f"{kind}.{name} must be a whole number, got {value!r}.")
            values.append(int(number))
        else:
            values.append(number)
    return type(params)(*values)


def check_params(params, protocol) -> tuple[DiehlCookParams, ProtocolParams]:
    """Return validated, typed parameters (defaults for None).

    Raises
    ------
    ValueError
        Naming the field that is out of range or of the wrong type.
    """
    p = DiehlCookParams() if params is None else params
    q = ProtocolParams() if protocol is None else protocol
    if not isinstance(p, DiehlCookParams):
        raise ValueError(f"params must be DiehlCookParams, got {type(p).__name__}.")
    if not isinstance(q, ProtocolParams):
        raise ValueError(f"protocol must be ProtocolParams, got {type(q).__name__}.")
    p, q = typed_params(p), typed_params(q)
    for name in ("tau_m_exc", "tau_m_inh", "tau_e", "tau_i", "tau_theta", "w_init_scale"):
        if getattr(p, name) <= 0:
            raise ValueError(f"DiehlCookParams.{name} must be > 0, got {getattr(p, name)}.")
    for name in ("dt", "t_present", "rate_scale", "intensity", "max_attempts", "test_rate_factor"):
        if getattr(q, name) <= 0:
            raise ValueError(f"ProtocolParams.{name} must be > 0, got {getattr(q, name)}.")
    for name in ("t_ref_exc", "t_ref_inh", "delay_max", "theta_plus", "w_exc_inh", "w_inh_exc"):
        if getattr(p, name) < 0:
            raise ValueError(f"DiehlCookParams.{name} must be >= 0, got {getattr(p, name)}.")
    for name in ("t_rest", "intensity_step", "min_spikes", "w_sum", "rest_tol"):
        if getattr(q, name) < 0:
            raise ValueError(f"ProtocolParams.{name} must be >= 0, got {getattr(q, name)}.")
    if not 0 < q.eta_decay <= 1:
        raise ValueError(
            f"ProtocolParams.eta_decay must be in (0, 1] (1: constant learning rates), "
            f"got {q.eta_decay}."
        )
    if q.dt >= min(p.tau_e, p.tau_i, p.tau_m_inh):
        raise ValueError(
            f"dt = {q.dt} ms is too large for forward Euler with tau_e = {p.tau_e} ms; "
            "use dt < the smallest time constant (the code uses 0.5 ms)."
        )
    return p, q
