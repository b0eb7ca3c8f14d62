"""Why randomness helps learning: two small, honest demonstrations.

The lecture says Poisson (random) spike trains help because they *avoid resonances* and
*local minima*. Both claims can be seen in a few lines:

1. **Resonance / lock-in.** A LIF neuron driven by a *regular* (clock-like) input train
   locks to it: over ranges of a bias current its output rate sticks to a rational fraction
   of the input rate (a "devil's staircase"; Coombes & Bressloff 1999, *Phys. Rev. E* 60,
   2086). On such a plateau a change of the input changes nothing, so a learning rule driven
   by output rates gets no signal. The same mean input delivered as a *Poisson* train
   smooths the curve (noise linearises the f–I curve): the output follows the input
   gradually. :func:`locking_curves` computes both curves.

2. **Local minima.** Gradient descent on a tilted double well
   ``L(x) = x⁴ − 2x² + tilt·x`` started in the shallow basin stays there; adding Gaussian
   noise to each step that decays over training (Langevin dynamics / simulated annealing;
   Kirkpatrick et al. 1983, *Science* 220, 671) lets most runs cross the barrier and
   settle in the deeper minimum. :func:`noisy_descent` returns the final positions.

>>> import numpy as np
>>> out = noisy_descent(rng=np.random.default_rng(0), noise_std=0.0, n_runs=3)
>>> bool(np.all(out.final_x > 0))        # no noise: stuck in the shallow (right) basin
True
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.stimulus import Stimulus
from snnedu.core.validation import (
    positive_int,
    require_non_negative,
    require_positive,
    require_rng,
)
from snnedu.models.encoders import poisson_spikes
from snnedu.models.lif import LIFParams, simulate_lif, validate_lif_params
from snnedu.models.synapses import exponential_synapse


class LockingResult(NamedTuple):
    """Output rate [Hz] against bias current [pA] for regular and Poisson input trains."""

    i_bias: np.ndarray  # bias currents (n,) [pA]
    rate_regular_hz: np.ndarray  # output rate with a regular input train (n,) [Hz]
    rate_poisson_hz: np.ndarray  # output rate with a Poisson train of the same rate (n,) [Hz]
    input_rate_hz: float  # rate of both input trains [Hz]


@renamed_arguments(old_order=("rate_hz", "duration", "dt", "phase_ms"), duration_ms="duration")
def regular_spikes(
    rate_hz: float, *, duration: float, dt: float, phase_ms: float = 0.0
) -> Stimulus:
    """A clock-like train: one spike every ``1000 / rate_hz`` ms, bool ``(n_steps, 1)``."""
    rate_hz = require_positive("rate_hz", rate_hz, "Hz")
    dt = require_positive("dt", dt, "ms")
    n_steps = round(require_positive("duration", duration, "ms") / dt)
    spikes = np.zeros((n_steps, 1), dtype=bool)
    times = np.arange(phase_ms, n_steps * dt, 1000.0 / rate_hz)
    spikes[np.floor(times / dt + 1e-9).astype(np.int64), 0] = True
    return Stimulus(spikes, dt)


@renamed_arguments(
    old_order=(
        "rng",
        "i_bias",
        "input_rate_hz",
        "weight_pa",
        "tau_syn",
        "duration",
        "dt",
        "params",
    ),
    duration_ms="duration",
)
def locking_curves(
    *,
    rng: np.random.Generator,
    i_bias=None,
    input_rate_hz: float = 40.0,
    weight_pa: float = 600.0,
    tau_syn: float = 2.0,
    duration: float = 2000.0,
    dt: float = 0.1,
    params: LIFParams | None = None,
) -> LockingResult:
    """Output rate of a LIF neuron against a bias current, for regular and Poisson input.

    Both input trains have the same mean rate and drive a current-based exponential synapse.

    Parameters
    ----------
    rng : numpy.random.Generator
        Draws the Poisson train.
    i_bias : array, optional
        Bias currents [pA]; default 60 values from 0 to 300 pA.
    input_rate_hz : float
        Rate of the input train [Hz].
    weight_pa, tau_syn : float
        Jump [pA] and decay time [ms] of the synaptic current per input spike.
    duration, dt : float
        Simulated time and step [ms].
    params : LIFParams, optional
        Default ``LIFParams()``.

    Returns
    -------
    LockingResult
    """
    params = validate_lif_params(params)
    i_bias = np.linspace(0.0, 300.0, 60) if i_bias is None else np.asarray(i_bias, float)
    if i_bias.ndim != 1 or not np.all(np.isfinite(i_bias)):
        raise ValueError("i_bias must be a 1-D array of finite currents [pA].")
    rates = []
    for train in (
        regular_spikes(input_rate_hz, duration=duration, dt=dt),
        poisson_spikes(np.array([input_rate_hz]), duration=duration, dt=dt, rng=rng),
    ):
        i_syn = exponential_synapse(train, weight_pa, tau_syn)  # (n_steps, 1), knows its dt
        result = simulate_lif(i_syn + i_bias[None, :], params=params, dt=dt, record=[])
        rates.append(result.spike_count / (result.t[-1] / 1000.0))
    return LockingResult(i_bias, rates[0], rates[1], float(input_rate_hz))


def plateau_fraction(i_bias, rate_hz, tolerance_hz: float = 0.5) -> float:
    """Return how much of a rate curve is flat (a locking plateau).

    The fraction of neighbouring bias values between which the rate changes by less than
    ``tolerance_hz``, among those where the neuron fires.
    """
    rate = np.asarray(rate_hz, dtype=float)
    firing = rate[:-1] > 0
    if not np.any(firing):
        return 0.0
    flat = np.abs(np.diff(rate)) < tolerance_hz
    return float(np.mean(flat[firing]))


class DescentResult(NamedTuple):
    """Trajectories of (noisy) gradient descent on the tilted double well."""

    x: np.ndarray  # positions (n_steps + 1, n_runs)
    final_x: np.ndarray  # last positions (n_runs,)
    global_minimum: float  # position of the deeper minimum
    local_minimum: float  # position of the shallower minimum


def double_well(x, tilt: float = 0.5):
    """``L(x) = x⁴ − 2x² + tilt·x``: two minima near ±1, the left one deeper for tilt > 0."""
    x = np.asarray(x, dtype=float)
    return x**4 - 2.0 * x**2 + tilt * x


def double_well_gradient(x, tilt: float = 0.5):
    """``dL/dx = 4x³ − 4x + tilt``."""
    x = np.asarray(x, dtype=float)
    return 4.0 * x**3 - 4.0 * x + tilt


def double_well_minima(tilt: float = 0.5) -> tuple[float, float]:
    """(global, local) minimum of :func:`double_well` for ``0 < tilt < 8/(3√3)``."""
    tilt = require_positive("tilt", tilt)
    if tilt >= 8.0 / (3.0 * np.sqrt(3.0)):
        raise ValueError(f"tilt={tilt} leaves only one minimum; use 0 < tilt < 1.5.")
    roots = np.roots([4.0, 0.0, -4.0, tilt]).real
    minima = sorted(r for r in roots if 12.0 * r**2 - 4.0 > 0)
    return float(minima[0]), float(minima[-1])


@renamed_arguments(
    old_order=("rng", "noise_std", "n_runs", "n_steps", "learning_rate", "x0", "tilt")
)
def noisy_descent(
    *,
    rng: np.random.Generator,
    noise_std: float = 0.3,
    n_runs: int = 200,
    n_steps: int = 2000,
    learning_rate: float = 0.01,
    x0: float = 1.2,
    tilt: float = 0.5,
) -> DescentResult:
    """Gradient descent with annealed Gaussian noise on :func:`double_well`.

    ``x ← x − η L'(x) + σ_k ξ``, ``ξ ~ N(0, 1)``, with ``σ_k`` falling linearly from
    ``noise_std`` to 0 over the run (so every run ends by plain descent into a minimum).

    Parameters
    ----------
    rng : numpy.random.Generator
    noise_std : float
        Initial noise standard deviation per step (0: plain gradient descent).
    n_runs, n_steps : int
        Independent runs and steps per run.
    learning_rate : float
        η.
    x0 : float
        Start, in the basin of the shallow minimum.
    tilt : float
        Asymmetry of the double well.
    """
    require_rng(rng)
    noise_std = require_non_negative("noise_std", noise_std)
    learning_rate = require_positive("learning_rate", learning_rate)
    n_runs, n_steps = positive_int("n_runs", n_runs), positive_int("n_steps", n_steps)
    global_min, local_min = double_well_minima(tilt)
    x = np.empty((int(n_steps) + 1, int(n_runs)))
    x[0] = x0
    sigma = noise_std * (1.0 - np.arange(n_steps) / n_steps)
    for k in range(int(n_steps)):
        step = x[k] - learning_rate * double_well_gradient(x[k], tilt)
        x[k + 1] = np.clip(step + sigma[k] * rng.standard_normal(int(n_runs)), -3.0, 3.0)
    return DescentResult(x, x[-1].copy(), global_min, local_min)


def fraction_in_global_minimum(result: DescentResult) -> float:
    """Fraction of runs that ended nearer the deeper minimum than the shallower one."""
    closer = np.abs(result.final_x - result.global_minimum) < np.abs(
        result.final_x - result.local_minimum
    )
    return float(np.mean(closer))
