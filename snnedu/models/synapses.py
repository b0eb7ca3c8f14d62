"""Excitatory and inhibitory synapses, current- and conductance-based, and a small E/I network.

**Exponential synapses.** Every presynaptic spike makes the synaptic variable ``s`` (a
current [pA] or a conductance [nS]) jump by the weight ``w``; in between it decays:

.. math:: \\tau \\frac{ds}{dt} = -s + \\tau \\sum_k w\\,\\delta(t - t_k).

A *current-based* synapse adds ``i_syn = s`` to the membrane equation; inhibition is a
negative weight. A *conductance-based* synapse adds ``−g (v − e_rev)``: the effect depends on
``v``; inhibition is a positive conductance with a reversal potential ``e_inh`` below rest.
When ``e_inh ≈ v_rest`` inhibition is *shunting*: it does not move ``v`` at rest, but it
divides the response to excitation by increasing the total conductance.

**Steady states in closed form.** With constant conductances the membrane relaxes to

.. math::

    v_\\infty = \\frac{g_L v_{rest} + g_e e_{exc} + g_i e_{inh} + i_{ext}}{g_L + g_e + g_i},
    \\qquad \\tau_{eff} = \\frac{C}{g_L + g_e + g_i},

and a Poisson input of rate ``r`` through weight ``w`` gives a mean conductance
``⟨g⟩ = r w τ`` with variance ``r w² τ / 2`` (Campbell's theorem).

Defaults (``tau_e = 5 ms``, ``tau_i = 10 ms``, ``e_exc = 0 mV``, ``e_inh = −80 mV``) are those of
the conductance-based (COBA) benchmark of Brette et al. (2007), *J. Comput. Neurosci.* 23,
349–398, after Vogels & Abbott (2005); see also Dayan & Abbott (2001), §5.8.

>>> spikes = np.zeros((4, 1), dtype=bool); spikes[0, 0] = True
>>> exponential_synapse(spikes, 2.0, tau=1.0, dt=1.0).ravel().round(3)
Stimulus([2.   , 0.736, 0.271, 0.1  ], dt=1.0)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import jit
from snnedu.core.numerics import decay_factor, relax
from snnedu.core.spikes import SpikeEvents, as_raster
from snnedu.core.stimulus import Stimulus, resolve_dt
from snnedu.core.validation import (
    as_float_params,
    finite_array,
    positive_int,
    require_positive,
    require_rng,
)
from snnedu.models.lif import (
    LIFParams,
    capacitance_pf,
    float_array,
    leak_conductance_ns,
    validate_lif_params,
)


class SynapseParams(NamedTuple):
    """Exponential synapses (Brette et al. 2007, COBA benchmark; Vogels & Abbott 2005)."""

    tau_e: float = 5.0  # decay time of excitatory synapses [ms]
    tau_i: float = 10.0  # decay time of inhibitory synapses [ms]
    e_exc: float = 0.0  # excitatory reversal potential [mV]
    e_inh: float = -80.0  # inhibitory reversal potential [mV]


def exponential_synapse(spikes, weights, tau: float, dt: float | None = None) -> Stimulus:
    """Filter presynaptic spikes through exponential synapses.

    Parameters
    ----------
    spikes : bool array (n_steps, n_pre)
        Presynaptic raster.
    weights : float, array (n_pre,) or array (n_pre, n_post)
        Jump per presynaptic spike (pA for a current, nS for a conductance). A scalar or a
        vector means one postsynaptic neuron.
    tau : float
        Decay time constant [ms].
    dt : float, optional
        Time step [ms]; default the raster's own if it is a
        :class:`~snnedu.core.stimulus.Stimulus` (e.g. from
        :func:`~snnedu.models.encoders.poisson_spikes`), which must then agree.

    Returns
    -------
    s : Stimulus (n_steps, n_post)
        Value during each step: a spike in step ``k`` is felt from step ``k`` on.
    """
    dt = resolve_dt(dt, None, spikes=spikes)
    spikes = as_raster(spikes)
    tau = require_positive("tau", tau, "ms")
    w = finite_array("weights", weights)
    n_pre = spikes.shape[1]
    if np.ndim(weights) == 0:  # ascontiguousarray makes a number 1-D
        w = np.full((n_pre, 1), float(w.ravel()[0]))
    elif w.ndim == 1:
        w = w.reshape(-1, 1)
    if w.ndim != 2 or w.shape[0] != n_pre:
        raise ValueError(
            f"weights must have shape (n_pre,) or (n_pre, n_post) with n_pre = {n_pre} "
            f"(the raster's columns), got {np.shape(weights)}."
        )
    out = np.empty((spikes.shape[0], w.shape[1]))
    _exp_filter(spikes.view(np.ndarray), np.ascontiguousarray(w), decay_factor(dt, tau), out)
    return Stimulus(out, dt)


def exponential_conductance(spikes, weights_ns, tau: float, dt: float | None = None) -> Stimulus:
    """:func:`exponential_synapse` for conductances [nS]; weights must be ``>= 0``."""
    if np.min(weights_ns) < 0:
        raise ValueError(
            "conductance weights must be >= 0 nS; make a synapse inhibitory through its "
            "reversal potential (e_inh), not through the sign of its weight."
        )
    return exponential_synapse(spikes, weights_ns, tau, dt)


@jit
def _exp_filter(spikes, w, decay, out):
    """Write into ``out`` (n_steps, n_post) the exponentially decaying sum of weighted spikes."""
    n_steps, n_pre = spikes.shape
    s = np.zeros(w.shape[1])
    for k in range(n_steps):
        for j in range(s.size):
            s[j] *= decay
        for i in range(n_pre):
            if spikes[k, i]:
                for j in range(s.size):
                    s[j] += w[i, j]
        out[k] = s


def steady_state_v(g_e=0.0, g_i=0.0, i_ext=0.0, params: LIFParams | None = None):
    """Membrane potential [mV] the LIF relaxes to under constant conductances and current.

    ``v_∞ = (g_L v_rest + g_e e_exc + g_i e_inh + i_ext) / (g_L + g_e + g_i)`` with
    ``g_L = 1/R`` and the reversal potentials of ``params`` (no threshold).

    >>> float(steady_state_v(g_e=10.0))       # g_e = g_L: halfway between −70 and 0 mV
    -35.0
    """
    params = validate_lif_params(params)
    g_e, g_i = _non_negative("g_e", g_e), _non_negative("g_i", g_i)
    i_ext = float_array("i_ext", i_ext)
    g_l = leak_conductance_ns(params=params)
    return (g_l * params.v_rest + g_e * params.e_exc + g_i * params.e_inh + i_ext) / (
        g_l + g_e + g_i
    )


def effective_tau_ms(g_e=0.0, g_i=0.0, params: LIFParams | None = None):
    """Effective membrane time constant ``C / (g_L + g_e + g_i)`` [ms].

    Open synapses make the membrane faster (the "high-conductance state").
    """
    params = validate_lif_params(params)
    g_e, g_i = _non_negative("g_e", g_e), _non_negative("g_i", g_i)
    return capacitance_pf(params=params) / (leak_conductance_ns(params=params) + g_e + g_i)


def mean_conductance_ns(rate_hz, weight_ns, tau: float):
    """Mean conductance [nS] of an exponential synapse driven by Poisson spikes.

    ``⟨g⟩ = r w τ`` (Campbell's theorem; rate in Hz, τ in ms).
    """
    tau = require_positive("tau", tau, "ms")
    return _non_negative("rate_hz", rate_hz) * float_array("weight_ns", weight_ns) * tau / 1000.0


def conductance_variance_ns2(rate_hz, weight_ns, tau: float):
    """Variance [nS²] of that conductance: ``r w² τ / 2`` (Campbell's theorem)."""
    tau = require_positive("tau", tau, "ms")
    w = float_array("weight_ns", weight_ns)
    return _non_negative("rate_hz", rate_hz) * w**2 * tau / 2000.0


def _non_negative(name, value):
    array = float_array(name, value)
    if array.size and array.min() < 0:
        raise ValueError(f"{name} must be >= 0, got a minimum of {array.min():g}.")
    return array


# ---------------------------------------------------------------------------------------------
# A small E/I network


class EIParams(NamedTuple):
    """A Poisson-driven excitatory population with recurrent inhibition.

    ``n_input`` Poisson inputs → ``n_exc`` excitatory LIF neurons (random, probability
    ``p_connect``); excitatory → ``n_inh`` inhibitory neurons and inhibitory → excitatory
    neurons, both random with ``p_connect``. Conductance-based exponential synapses
    (:class:`SynapseParams`), one step of synaptic delay. Weights chosen so that the
    excitatory neurons fire at ≈ 10 Hz, and at ≈ 50 Hz without inhibition (``w_ie = 0``).
    """

    n_input: int = 200  # Poisson input neurons
    n_exc: int = 160  # excitatory neurons
    n_inh: int = 40  # inhibitory neurons
    input_rate_hz: float = 20.0  # rate of each input [Hz]
    p_connect: float = 0.2  # connection probability of every projection
    w_input: float = 1.2  # input → excitatory conductance jump [nS]
    w_ei: float = 1.5  # excitatory → inhibitory [nS]
    w_ie: float = 6.0  # inhibitory → excitatory [nS]


class EIResult(NamedTuple):
    """Spikes of the three populations as events, and the rasters if they were asked for.

    ``input``, ``exc`` and ``inh`` are :class:`~snnedu.core.spikes.SpikeEvents`
    (``.counts``, ``.times``, ``.raster()``). ``input_spikes``, ``exc_spikes`` and
    ``inh_spikes`` are the bool rasters ``(n_steps, n)``, kept only with ``raster=True``.
    """

    t: np.ndarray  # end time of each step [ms]
    input: SpikeEvents  # Poisson inputs
    exc: SpikeEvents  # excitatory neurons
    inh: SpikeEvents  # inhibitory neurons
    rasters: tuple | None  # (input, exc, inh) bool rasters if raster=True, else None

    @property
    def input_spikes(self) -> np.ndarray:
        """Raster of the Poisson inputs ``(n_steps, n_input)``; needs ``raster=True``."""
        return self._raster(0)

    @property
    def exc_spikes(self) -> np.ndarray:
        """Raster of the excitatory neurons ``(n_steps, n_exc)``; needs ``raster=True``."""
        return self._raster(1)

    @property
    def inh_spikes(self) -> np.ndarray:
        """Raster of the inhibitory neurons ``(n_steps, n_inh)``; needs ``raster=True``."""
        return self._raster(2)

    def _raster(self, k: int) -> np.ndarray:
        if self.rasters is None:
            raise ValueError(
                "this run kept its spikes as events (result.input, .exc, .inh); pass "
                "raster=True to simulate_ei_network for the rasters, or call "
                "result.exc.raster()."
            )
        return self.rasters[k]


@renamed_arguments(
    old_order=("rng", "params", "duration", "dt", "exc", "inh", "synapses"),
    duration_ms="duration",
)
def simulate_ei_network(
    *,
    rng: np.random.Generator,
    params: EIParams | None = None,
    duration: float = 500.0,
    dt: float = 0.1,
    exc: LIFParams | None = None,
    inh: LIFParams | None = None,
    synapses: SynapseParams | None = None,
    raster: bool = False,
) -> EIResult:
    """Simulate the E/I network of :class:`EIParams`.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the connectivity and the input spikes (same seed → same spikes).
    params : EIParams
    duration, dt : float
        Simulated time and time step [ms].
    exc, inh : LIFParams
        Neuron parameters of the two populations (default :class:`LIFParams` for both, with
        a 1 ms refractory period for the inhibitory cells).
    synapses : SynapseParams
        Time constants and reversal potentials (these override the LIFParams' e_exc/e_inh).
    raster : bool
        Also keep the three bool rasters; by default spikes are events only.

    Returns
    -------
    EIResult

    >>> out = simulate_ei_network(rng=np.random.default_rng(0), duration=50.0)
    >>> out.exc.n_steps, out.exc.n, bool(out.exc.counts.sum() > 0)
    (500, 160, True)
    """
    from snnedu.models.encoders import poisson_spikes

    require_rng(rng)
    params = EIParams() if params is None else params
    syn = as_float_params(SynapseParams() if synapses is None else synapses)
    require_positive("SynapseParams.tau_e", syn.tau_e, "ms")
    require_positive("SynapseParams.tau_i", syn.tau_i, "ms")
    exc = validate_lif_params(exc)._replace(e_exc=syn.e_exc, e_inh=syn.e_inh)
    inh = validate_lif_params(inh if inh is not None else LIFParams(t_ref=1.0))._replace(
        e_exc=syn.e_exc, e_inh=syn.e_inh
    )
    for name in ("n_input", "n_exc", "n_inh"):
        positive_int(f"EIParams.{name}", getattr(params, name))
    if not 0.0 <= params.p_connect <= 1.0:
        raise ValueError(f"EIParams.p_connect must lie in [0, 1], got {params.p_connect!r}.")
    for name in ("w_input", "w_ei", "w_ie"):
        if not (getattr(params, name) >= 0):
            raise ValueError(f"EIParams.{name} must be >= 0 nS, got {getattr(params, name)!r}.")
    dt = require_positive("dt", dt, "ms")
    n_in, n_e, n_i = int(params.n_input), int(params.n_exc), int(params.n_inh)
    w_in = (rng.random((n_in, n_e)) < params.p_connect) * float(params.w_input)
    w_ei = (rng.random((n_e, n_i)) < params.p_connect) * float(params.w_ei)
    w_ie = (rng.random((n_i, n_e)) < params.p_connect) * float(params.w_ie)
    input_spikes = poisson_spikes(
        np.full(n_in, params.input_rate_hz), duration=duration, dt=dt, rng=rng
    )
    n_steps = input_spikes.shape[0]
    exc_spikes = np.zeros((n_steps, n_e), dtype=np.bool_)
    inh_spikes = np.zeros((n_steps, n_i), dtype=np.bool_)
    _ei_run(
        exc, inh, dt, syn.tau_e, syn.tau_i, input_spikes, w_in, w_ei, w_ie, exc_spikes, inh_spikes
    )
    t = (np.arange(n_steps) + 1) * dt
    rasters = (input_spikes, exc_spikes, inh_spikes)
    events = [SpikeEvents.from_raster(r, dt) for r in rasters]
    return EIResult(t, *events, tuple(Stimulus(r, dt) for r in rasters) if raster else None)


@jit
def _lif_conductance_step(p, dt, v, ge, gi, ref, spikes_row, n_ref):
    """One exact step of conductance-based LIF neurons (no adaptation); writes spikes."""
    g_l = 1000.0 / p.r_m
    c_m = 1000.0 * p.tau_m / p.r_m
    for j in range(v.size):
        if ref[j] > 0:
            ref[j] -= 1
            continue
        g_tot = g_l + ge[j] + gi[j]
        v_inf = (g_l * p.v_rest + ge[j] * p.e_exc + gi[j] * p.e_inh) / g_tot
        v[j] = relax(v[j], v_inf, decay_factor(dt * g_tot, c_m))
        if v[j] >= p.v_th:
            spikes_row[j] = True
            v[j] = p.v_reset
            ref[j] = n_ref


@jit
def _ei_run(exc, inh, dt, tau_e, tau_i, input_spikes, w_in, w_ei, w_ie, exc_spikes, inh_spikes):
    """Run the E/I network over the input raster; writes the two output rasters in place.

    Conductance-based LIF neurons, exponential synapses, one step of synaptic delay.
    """
    n_steps = input_spikes.shape[0]
    n_e = exc_spikes.shape[1]
    n_i = inh_spikes.shape[1]
    a_e = decay_factor(dt, tau_e)
    a_i = decay_factor(dt, tau_i)
    v_e = np.full(n_e, exc.v_rest)
    v_i = np.full(n_i, inh.v_rest)
    ge_e = np.zeros(n_e)
    gi_e = np.zeros(n_e)
    ge_i = np.zeros(n_i)
    gi_i = np.zeros(n_i)
    ref_e = np.zeros(n_e, dtype=np.int64)
    ref_i = np.zeros(n_i, dtype=np.int64)
    n_ref_e = round(exc.t_ref / dt)
    n_ref_i = round(inh.t_ref / dt)
    for k in range(n_steps):
        ge_e *= a_e
        gi_e *= a_i
        ge_i *= a_e
        # input spikes of this step and network spikes of the previous step (1-step delay)
        for i in range(input_spikes.shape[1]):
            if input_spikes[k, i]:
                ge_e += w_in[i]
        if k > 0:
            for i in range(n_e):
                if exc_spikes[k - 1, i]:
                    ge_i += w_ei[i]
            for i in range(n_i):
                if inh_spikes[k - 1, i]:
                    gi_e += w_ie[i]
        _lif_conductance_step(exc, dt, v_e, ge_e, gi_e, ref_e, exc_spikes[k], n_ref_e)
        _lif_conductance_step(inh, dt, v_i, ge_i, gi_i, ref_i, inh_spikes[k], n_ref_i)
