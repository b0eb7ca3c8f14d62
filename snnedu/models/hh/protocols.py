"""Protocols on the Hodgkin–Huxley model.

Spike detection and shape, thresholds, rheobase, f–I curve and the paired-pulse refractory curve.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.validation import (
    finite_array,
    positive_int,
    require_finite,
    require_non_negative,
    require_positive,
)
from snnedu.models.hh.model import HHParams, _checked_params
from snnedu.models.hh.simulate import SPIKE_HYSTERESIS, simulate_hh, spike_counts
from snnedu.models.hh.stimuli import paired_pulse_current, pulse_train


def spike_times(t, v, v_th: float = 0.0) -> np.ndarray:
    """Upward crossings of ``v_th`` [mV] in a trace ``v`` sampled at ``t`` [ms], interpolated.

    As in :func:`simulate_hh`, a crossing after a spike counts only once v has fallen below
    v_th − :data:`SPIKE_HYSTERESIS`.

    >>> spike_times([0.0, 1.0, 2.0, 3.0], [-60.0, 20.0, 10.0, -70.0])
    array([0.75])
    """
    t = finite_array("t", t, ndim=1)
    v = finite_array("v", v, ndim=1)
    if t.shape != v.shape:
        raise ValueError(f"t and v must have the same length, got {t.size} and {v.size}.")
    v_th = require_finite("v_th", v_th, "mV")
    candidates = np.flatnonzero((v[:-1] < v_th) & (v[1:] >= v_th))
    rearmed = np.flatnonzero(v < v_th - SPIKE_HYSTERESIS)
    keep, armed_after = [], -1  # a crossing counts if v was re-armed since the last spike
    for k in candidates:
        if armed_after < 0 or np.any((rearmed > armed_after) & (rearmed <= k)):
            keep.append(k)
            armed_after = k
    k = np.asarray(keep, dtype=np.int64)
    return t[k] + (t[k + 1] - t[k]) * (v_th - v[k]) / (v[k + 1] - v[k])


class SpikeFeatures(NamedTuple):
    """Shape of the first action potential in a trace."""

    t_spike: float  # upward crossing of v_th [ms]
    peak: float  # maximum of v [mV]
    t_peak: float  # [ms]
    ahp: float  # after-hyperpolarisation: minimum of v after the peak [mV]
    t_ahp: float  # [ms]
    half_width: float  # width at half height between the AHP and the peak [ms]


def spike_features(t, v, v_th: float = 0.0) -> SpikeFeatures:
    """Peak, after-hyperpolarisation and half-width of the first spike in ``v(t)``.

    The AHP is the minimum between the first peak and the next spike (or the end of the trace).
    """
    t = finite_array("t", t, ndim=1)
    v = finite_array("v", v, ndim=1)
    crossings = spike_times(t, v, v_th)
    if crossings.size == 0:
        raise ValueError(f"the trace never crosses v_th={v_th} mV upwards: there is no spike.")
    start = int(np.searchsorted(t, crossings[0]))
    stop = int(np.searchsorted(t, crossings[1])) if crossings.size > 1 else t.size
    i_peak = start + int(np.argmax(v[start:stop]))
    i_ahp = i_peak + int(np.argmin(v[i_peak:stop]))
    half = 0.5 * (v[i_peak] + v[i_ahp])
    up = spike_times(t[: i_peak + 1], v[: i_peak + 1], half)
    down = spike_times(t[i_peak:], -v[i_peak:], -half)
    width = float(down[0] - up[-1]) if up.size and down.size else float("nan")
    return SpikeFeatures(
        float(crossings[0]),
        float(v[i_peak]),
        float(t[i_peak]),
        float(v[i_ahp]),
        float(t[i_ahp]),
        width,
    )


def _bracket_search(
    fires, low: float, high: float, rtol: float, n_probe: int, geometric: bool = False
) -> float:
    """Smallest x in (low, high] with ``fires(x)``, assuming fires is monotone in x.

    Bisection that tests ``n_probe`` points per round (``n_probe = 1`` is plain bisection);
    returns the upper end of the final bracket, or inf if ``fires(high)`` is false.
    """
    if not fires(np.array([high]))[0]:
        return float("inf")
    while high - low > rtol * high:
        if geometric and low > 0:
            probes = np.geomspace(low, high, n_probe + 2)[1:-1]
        else:
            probes = np.linspace(low, high, n_probe + 2)[1:-1]
        hit = fires(probes)
        first = int(np.argmax(hit)) if hit.any() else n_probe
        low = probes[first - 1] if first > 0 else low
        high = probes[first] if first < n_probe else high
    return float(high)


@renamed_arguments(old_order=("params", "width"), duration="width")
def threshold_current(
    *,
    params: HHParams | None = None,
    width: float = 1.0,
    t_on: float = 5.0,
    window: float = 100.0,
    dt: float = 0.01,
    i_max: float = 1000.0,
    rtol: float = 1e-3,
    n_probe: int = 8,
) -> float:
    """Smallest amplitude [µA/cm²] of a current pulse of ``width`` [ms] that fires a spike.

    Found by bisection (``n_probe`` amplitudes simulated at once per round, as one population
    run) from rest, counting spikes up to ``window`` ms after the pulse ends. With the default
    1 ms pulse this is the lecture's firing threshold (4.36 µA/cm² for ``HHParams()``); for a
    long step see :func:`rheobase`. Returns inf if even ``i_max`` does not fire.

    >>> round(threshold_current(params=HHParams.squid_1952()), 1)
    6.9
    """
    p = _checked_params(params)
    width = require_positive("width", width, "ms")
    require_positive("window", window, "ms")
    require_non_negative("t_on", t_on, "ms")
    shape = pulse_train(1.0, [t_on], width, t_on + width + window, dt=dt)

    def fires(amplitudes):
        res = simulate_hh(shape[:, None] * amplitudes[None, :], params=p, dt=dt, record=())
        return np.bincount(res.spike_index, minlength=amplitudes.size) > 0

    return _bracket_search(
        fires, 0.0, require_positive("i_max", i_max), rtol, positive_int("n_probe", n_probe)
    )


@renamed_arguments(old_order=("params", "duration"))
def rheobase(
    *,
    params: HHParams | None = None,
    duration: float = 500.0,
    dt: float = 0.01,
    rtol: float = 1e-3,
    n_probe: int = 8,
) -> float:
    """Rheobase [µA/cm²]: the smallest step current (lasting ``duration`` ms) that fires a spike.

    Bisection as in :func:`threshold_current`, counting spikes during the step only. Near the
    rheobase of a class I neuron (``HHParams()``) the first spike comes late, so the value
    depends a little on ``duration``.
    """
    return threshold_current(
        params=params,
        width=duration,
        t_on=0.0,
        window=dt,
        dt=dt,
        i_max=100.0,
        rtol=rtol,
        n_probe=n_probe,
    )


class FICurve(NamedTuple):
    """Firing rate against a constant current."""

    i_ext: np.ndarray  # step amplitudes [µA/cm²]
    rate_hz: np.ndarray  # sustained rate: spikes after t_skip / (duration − t_skip) [Hz]
    n_spikes: np.ndarray  # all spikes during the step, transient included


@renamed_arguments(old_order=("amplitudes", "params"))
def fi_curve(
    amplitudes,
    *,
    params: HHParams | None = None,
    duration: float = 1000.0,
    t_skip: float = 200.0,
    dt: float = 0.01,
) -> FICurve:
    """f–I curve: one neuron per amplitude [µA/cm²], all in one population run from rest.

    The rate counts spikes after the transient ``t_skip`` [ms], so a neuron that fires once and
    then sits in depolarisation block has rate 0 but ``n_spikes`` 1.
    """
    amplitudes = finite_array("amplitudes", amplitudes, ndim=1)
    duration = require_positive("duration", duration, "ms")
    t_skip = require_non_negative("t_skip", t_skip, "ms")
    if t_skip >= duration:
        raise ValueError(f"t_skip={t_skip} ms must be shorter than duration={duration} ms.")
    res = simulate_hh(amplitudes[None, :], duration=duration, dt=dt, params=params, record=())
    late = spike_counts(res, t_skip)
    return FICurve(amplitudes, late / ((duration - t_skip) / 1000.0), spike_counts(res))


class RefractoryCurve(NamedTuple):
    """Threshold of a second pulse against the time since the first (paired-pulse protocol)."""

    interval: np.ndarray  # onset of the second pulse after onset of the first [ms]
    threshold: np.ndarray  # second-pulse threshold [µA/cm²]; inf: no spike up to i_max
    baseline: float  # threshold of the second pulse alone, from rest [µA/cm²]
    first_amplitude: float  # [µA/cm²]


@renamed_arguments(old_order=("intervals", "params"))
def refractory_curve(
    intervals,
    *,
    params: HHParams | None = None,
    first_amplitude: float | None = None,
    first_width: float = 1.0,
    second_width: float = 0.5,
    i_max: float = 1000.0,
    rtol: float = 0.01,
    n_probe: int = 6,
    dt: float = 0.01,
) -> RefractoryCurve:
    """Paired-pulse refractory curve: second-pulse threshold against the interval [ms].

    A first pulse (``first_width`` ms, default 3 × its threshold) fires a spike; a second pulse
    (``second_width`` ms) follows ``interval`` ms after the first one's onset. Its threshold is
    the smallest amplitude giving a second upward crossing of 0 mV (bisection on a log scale, all
    intervals in one population run per round). No second spike up to ``i_max`` → inf: the
    absolute refractory period. See :func:`refractory_periods`.
    """
    p = _checked_params(params)
    intervals = finite_array("intervals", intervals, ndim=1)
    if first_amplitude is None:
        first_amplitude = 3.0 * threshold_current(params=p, width=first_width, dt=dt, rtol=1e-3)
    first_amplitude = require_positive("first_amplitude", first_amplitude, "µA/cm²")
    i_max = require_positive("i_max", i_max, "µA/cm²")
    n_probe = positive_int("n_probe", n_probe)
    baseline = threshold_current(params=p, width=second_width, dt=dt, rtol=rtol, i_max=i_max)

    low = np.zeros(intervals.size)
    high = np.full(intervals.size, i_max)

    def second_spike(amplitudes, gaps):
        current = paired_pulse_current(
            first_amplitude,
            amplitudes,
            gaps,
            first_width=first_width,
            second_width=second_width,
            dt=dt,
        )
        res = simulate_hh(current, params=p, dt=dt, record=())
        return np.bincount(res.spike_index, minlength=amplitudes.size) >= 2

    possible = second_spike(high, intervals)
    high[~possible] = np.inf
    open_ = possible.copy()
    while open_.any() and np.any(high[open_] - low[open_] > rtol * high[open_]):
        idx = np.flatnonzero(open_)
        fractions = np.arange(1, n_probe + 1) / (n_probe + 1)
        lo = np.maximum(low[idx], baseline * 0.5)[:, None]
        probes = lo * (high[idx][:, None] / lo) ** fractions[None, :]
        hit = second_spike(probes.ravel(), np.repeat(intervals[idx], n_probe))
        hit = hit.reshape(idx.size, n_probe)
        for row, j in enumerate(idx):
            first = int(np.argmax(hit[row])) if hit[row].any() else n_probe
            if first > 0:
                low[j] = probes[row, first - 1]
            if first < n_probe:
                high[j] = probes[row, first]
        open_[idx] = high[idx] - low[idx] > rtol * high[idx]
    return RefractoryCurve(intervals, high, baseline, first_amplitude)


class RefractoryPeriods(NamedTuple):
    """Absolute and relative refractory periods read off a :class:`RefractoryCurve` [ms]."""

    absolute: float  # last tested interval at which no second spike could be evoked
    relative: float  # first interval from which the threshold stays within tolerance of baseline


def refractory_periods(curve: RefractoryCurve, tolerance: float = 0.1) -> RefractoryPeriods:
    """Absolute and relative refractory periods read off a refractory curve.

    Absolute: the threshold is infinite; relative: it is above (1 + ``tolerance``) × baseline.
    nan if the curve never shows it.
    """
    tolerance = require_non_negative("tolerance", tolerance)
    interval = np.asarray(curve.interval)
    threshold = np.asarray(curve.threshold)
    refractory = ~np.isfinite(threshold)
    absolute = float(interval[refractory].max()) if refractory.any() else float("nan")
    raised = threshold > (1.0 + tolerance) * curve.baseline
    relative = float("nan")
    if raised.any() and not raised[-1]:
        relative = float(interval[np.flatnonzero(raised).max() + 1])
    return RefractoryPeriods(absolute, relative)
