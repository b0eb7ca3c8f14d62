"""Input currents for the Hodgkin–Huxley model [µA/cm²].

Steps, pulse trains, paired pulses and coloured noise, as :class:`~snnedu.core.stimulus.Stimulus`
arrays that know their time step.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.numerics import decay_factor
from snnedu.core.stimulus import Stimulus
from snnedu.core.validation import (
    finite_array,
    positive_int,
    require_finite,
    require_non_negative,
    require_positive,
    require_rng,
)


def n_steps_for(duration: float, dt: float) -> int:
    """Number of time steps of length ``dt`` in ``duration`` (both [ms])."""
    duration = require_positive("duration", duration, "ms")
    dt = require_positive("dt", dt, "ms")
    return max(1, round(duration / dt))


@renamed_arguments(old_order=("amplitude", "t_on", "t_off", "duration", "dt"))
def step_current(
    amplitude, t_on: float, t_off: float, duration: float, *, dt: float = 0.01
) -> Stimulus:
    """A current step [µA/cm²] switched on at ``t_on`` and off at ``t_off`` [ms].

    Returns a :class:`~snnedu.core.stimulus.Stimulus` that knows its ``dt``: shape (n_steps,),
    or (n_steps, len(amplitude)) for an array of amplitudes (one neuron each). Sample k holds
    the current during [k·dt, (k + 1)·dt).

    >>> current = step_current(2.0, t_on=0.02, t_off=0.04, duration=0.05)
    >>> current.tolist(), current.dt
    ([0.0, 0.0, 2.0, 2.0, 0.0], 0.01)
    """
    return pulse_train(amplitude, [t_on], t_off - t_on, duration, dt=dt)


@renamed_arguments(old_order=("amplitude", "onsets", "width", "duration", "dt"))
def pulse_train(
    amplitude, onsets: Sequence[float], width: float, duration: float, *, dt: float = 0.01
) -> Stimulus:
    """Rectangular pulses of ``width`` [ms] starting at each of ``onsets`` [ms].

    ``amplitude`` [µA/cm²] is a number (shape (n_steps,)) or an array (one neuron each, shape
    (n_steps, len(amplitude))). Returns a :class:`~snnedu.core.stimulus.Stimulus` sampled
    every ``dt``.
    """
    n_steps = n_steps_for(duration, dt)
    require_positive("width", width, "ms")
    amplitude = np.asarray(amplitude, dtype=float)
    if not np.all(np.isfinite(amplitude)) or amplitude.ndim > 1:
        raise ValueError(f"amplitude must be a finite number or 1-D array, got {amplitude!r}.")
    t = np.arange(n_steps) * dt
    shape = np.zeros(n_steps)
    for onset in np.atleast_1d(np.asarray(onsets, dtype=float)):
        require_finite("onset", onset, "ms")
        # a tiny margin so that t_on = k·dt starts exactly at sample k despite rounding
        shape[(t >= onset - 1e-9 * dt) & (t < onset + width - 1e-9 * dt)] = 1.0
    if amplitude.ndim == 0:
        return Stimulus(shape * float(amplitude), dt)
    return Stimulus(shape[:, None] * amplitude.ravel()[None, :], dt)


@renamed_arguments(old_order=("duration", "dt"))
def ou_current(
    duration: float,
    *,
    dt: float = 0.01,
    mean: float = 0.0,
    sigma: float = 1.0,
    tau: float = 5.0,
    n: int = 1,
    rng: np.random.Generator,
):
    """Ornstein–Uhlenbeck (coloured noise) current [µA/cm²], shape (n_steps, n).

    dI = −(I − mean)/τ dt + σ √(2/τ) dW, integrated exactly, starting from its stationary
    distribution (mean ``mean``, standard deviation ``sigma``, correlation time ``tau`` [ms]).

    >>> i = ou_current(2000.0, sigma=2.0, rng=np.random.default_rng(1))
    >>> i.shape, bool(abs(i.std() - 2.0) < 0.3)
    ((200000, 1), True)
    """
    require_rng(rng)
    n_steps = n_steps_for(duration, dt)
    n = positive_int("n", n)
    mean = require_finite("mean", mean, "µA/cm²")
    sigma = require_non_negative("sigma", sigma, "µA/cm²")
    tau = require_positive("tau", tau, "ms")
    decay = decay_factor(dt, tau)
    kicks = rng.standard_normal((n_steps, n)) * (sigma * math.sqrt(1.0 - decay**2))
    kicks[0] = rng.standard_normal(n) * sigma
    # x_k = decay·x_{k−1} + kick_k, a linear recursion solved with scipy's IIR filter
    from scipy.signal import lfilter

    return Stimulus(mean + lfilter([1.0], [1.0, -decay], kicks, axis=0), dt)


def paired_pulse_current(
    first_amplitude: float,
    second_amplitude,
    interval,
    *,
    first_width: float = 1.0,
    second_width: float = 0.5,
    t_on: float = 5.0,
    window: float = 30.0,
    dt: float = 0.01,
):
    """Two pulses [µA/cm²]: the second starts ``interval`` ms after the first.

    ``second_amplitude`` and ``interval`` broadcast together (one neuron per pair); the result has
    shape (n_steps, n_pairs). The run lasts until ``window`` ms after the latest second pulse.
    """
    second, interval = np.broadcast_arrays(
        finite_array("second_amplitude", second_amplitude), finite_array("interval", interval)
    )
    second, interval = second.ravel(), interval.ravel()
    if np.any(interval < first_width):
        raise ValueError(f"every interval must be >= first_width={first_width} ms (no overlap).")
    duration = t_on + float(interval.max()) + second_width + window
    current = pulse_train(float(first_amplitude), [t_on], first_width, duration, dt=dt)
    current = Stimulus(np.repeat(current[:, None], second.size, axis=1), dt)
    t = np.arange(current.shape[0]) * dt
    for j, (amp, gap) in enumerate(zip(second, interval, strict=True)):
        on = t_on + gap
        current[(t >= on - 1e-9 * dt) & (t < on + second_width - 1e-9 * dt), j] += amp
    return current
