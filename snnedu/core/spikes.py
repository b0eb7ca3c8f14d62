"""Spike-train utilities shared by every model: rasters, spike times, rates and statistics.

A raster ``spikes`` is a bool array of shape ``(n_steps, n)`` (time first); step ``k`` covers
``[k dt, (k + 1) dt)``. ``dt`` may be left out when the raster is a
:class:`~snnedu.core.stimulus.Stimulus` (it knows its own); if given it must agree. Spike
times are in ms; ``np.inf`` means "never fires".

Statistics (Gerstner et al. 2014, *Neuronal Dynamics*, §7.3; Dayan & Abbott 2001, §1.4):

- interspike interval (ISI): the time between consecutive spikes of one neuron;
- coefficient of variation ``CV = std(ISI) / mean(ISI)`` (1 for a Poisson process, 0 for a
  clock);
- Fano factor ``F = Var(N) / E[N]`` of the spike count ``N`` in a window (1 for a Poisson
  process).

>>> import numpy as np
>>> spikes = np.zeros((10, 2), dtype=bool)
>>> spikes[[1, 4, 9], 0] = True
>>> interspike_intervals(spikes, dt=1.0)
array([3., 5.])
>>> firing_rate_hz(spikes, dt=1.0)
array([300.,   0.])
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.stimulus import resolve_dt
from snnedu.core.validation import require_positive


def as_raster(spikes, name: str = "spikes") -> np.ndarray:
    """Return ``spikes`` as a bool raster ``(n_steps, n)``; a 1-D train becomes ``(n_steps, 1)``."""
    array = np.asarray(spikes)
    if array.ndim == 1:
        array = array[:, None]
    if array.ndim != 2:
        raise ValueError(
            f"{name} must be a raster of shape (n_steps, n) (time first), got shape {array.shape}."
        )
    if array.dtype != bool:
        if not np.all((array == 0) | (array == 1)):
            raise ValueError(f"{name} must hold only 0/1 or True/False values.")
        array = array.astype(bool)
    return array


def spike_times_to_raster(spike_times_ms, duration_ms: float, dt: float) -> np.ndarray:
    """Raster of one-spike-per-neuron times (``np.inf`` = no spike).

    Parameters
    ----------
    spike_times_ms : array (n,)
        Spike time of each neuron [ms]; ``np.inf`` where the neuron never fires.
    duration_ms : float
        Length of the raster [ms]; spikes at or after it are dropped.
    dt : float
        Time step [ms].

    Returns
    -------
    spikes : bool array (n_steps, n)
        ``n_steps = round(duration_ms / dt)``; a spike at ``t`` sits in step ``floor(t / dt)``.

    >>> spike_times_to_raster(np.array([0.0, 2.5, np.inf]), duration_ms=4.0, dt=1.0).astype(int)
    array([[1, 0, 0],
           [0, 0, 0],
           [0, 1, 0],
           [0, 0, 0]])
    """
    dt = require_positive("dt", dt, "ms")
    duration_ms = require_positive("duration_ms", duration_ms, "ms")
    times = np.asarray(spike_times_ms, dtype=float).ravel()
    if np.any(np.isnan(times)) or np.any(times < 0):
        raise ValueError(
            "spike_times_ms must be >= 0 (use np.inf for 'never fires'), got NaN or < 0."
        )
    n_steps = round(duration_ms / dt)
    spikes = np.zeros((n_steps, times.size), dtype=bool)
    fires = np.isfinite(times)
    # a small tolerance so that times on the grid (k * dt) land in step k despite rounding
    steps = np.floor(times[fires] / dt + 1e-9).astype(np.int64)
    inside = steps < n_steps
    spikes[steps[inside], np.flatnonzero(fires)[inside]] = True
    return spikes


class SpikeEvents(NamedTuple):
    """Spikes of one population as events, sorted by time: neuron ``index[i]`` in ``step[i]``.

    >>> ev = SpikeEvents.from_raster(np.array([[0, 1], [1, 1]], dtype=bool), dt=0.5)
    >>> ev.step.tolist(), ev.index.tolist(), ev.counts.tolist()
    ([0, 1, 1], [1, 0, 1], [1, 2])
    """

    step: np.ndarray  # step of each spike (n_spikes,) int
    index: np.ndarray  # neuron of each spike (n_spikes,) int
    n: int  # neurons in the population
    n_steps: int  # steps simulated
    dt: float  # time step [ms]

    @classmethod
    def from_raster(cls, raster, dt: float) -> SpikeEvents:
        """The events of a bool raster ``(n_steps, n)``."""
        raster = as_raster(raster)
        step, index = np.nonzero(raster)
        return cls(step, index, raster.shape[1], raster.shape[0], float(dt))

    @property
    def counts(self) -> np.ndarray:
        """Spikes per neuron ``(n,)``."""
        return np.bincount(self.index, minlength=self.n)

    @property
    def times(self) -> np.ndarray:
        """Spike times [ms]: the start of each spike's step."""
        return self.step * self.dt

    def raster(self) -> np.ndarray:
        """The bool raster ``(n_steps, n)``."""
        return events_to_raster(self.step, self.index, self.n_steps, self.n)


def events_to_raster(spike_steps, spike_index, n_steps: int, n: int) -> np.ndarray:
    """Bool raster ``(n_steps, n)`` from spike events.

    Step ``spike_steps[i]`` of neuron ``spike_index[i]``.

    Simulators return spikes as events (a raster of 10,000 neurons × 10,000 steps is 100 MB);
    this is the raster for plots and statistics that want one.

    >>> events_to_raster([0, 2, 2], [1, 0, 1], n_steps=3, n=2).astype(int)
    array([[0, 1],
           [0, 0],
           [1, 1]])
    """
    steps = np.asarray(spike_steps, dtype=np.int64).ravel()
    index = np.asarray(spike_index, dtype=np.int64).ravel()
    if steps.shape != index.shape:
        raise ValueError(
            f"spike_steps and spike_index must have the same length, got {steps.size} and "
            f"{index.size}."
        )
    if steps.size and (steps.min() < 0 or steps.max() >= n_steps):
        raise ValueError(f"spike_steps must lie in [0, {n_steps - 1}].")
    if index.size and (index.min() < 0 or index.max() >= n):
        raise ValueError(f"spike_index must lie in [0, {n - 1}].")
    raster = np.zeros((n_steps, n), dtype=bool)
    raster[steps, index] = True
    return raster


def raster_to_spike_times(spikes, dt: float | None = None) -> list[np.ndarray]:
    """Spike times [ms] of each neuron (start of the step it spiked in), one array per neuron.

    >>> raster_to_spike_times(np.array([[0, 1], [1, 1]]), dt=0.5)
    [array([0.5]), array([0. , 0.5])]
    """
    dt = resolve_dt(dt, None, spikes=spikes)
    spikes = as_raster(spikes)
    return [np.flatnonzero(spikes[:, j]) * dt for j in range(spikes.shape[1])]


def first_spike_times(spikes, dt: float | None = None) -> np.ndarray:
    """Time [ms] of each neuron's first spike, ``np.inf`` for silent neurons.

    >>> first_spike_times(np.array([[0, 0], [1, 0]]), dt=2.0)
    array([ 2., inf])
    """
    dt = resolve_dt(dt, None, spikes=spikes)
    spikes = as_raster(spikes)
    times = np.full(spikes.shape[1], np.inf)
    fired = spikes.any(axis=0)
    times[fired] = np.argmax(spikes[:, fired], axis=0) * dt
    return times


def firing_rate_hz(spikes, dt: float | None = None) -> np.ndarray:
    """Mean firing rate [Hz] of each neuron over the whole raster."""
    dt = resolve_dt(dt, None, spikes=spikes)
    spikes = as_raster(spikes)
    return spikes.sum(axis=0) / (spikes.shape[0] * dt) * 1000.0


def population_rate_hz(
    spikes, dt: float | None = None, window_ms: float | None = None
) -> np.ndarray:
    """Population rate [Hz] at each step: the fraction of neurons spiking, divided by ``dt``.

    Parameters
    ----------
    spikes : bool array (n_steps, n)
    dt : float, optional
        Time step [ms]; default the raster's own (a :class:`~snnedu.core.stimulus.Stimulus`).
    window_ms : float, optional
        Width of a centred box filter [ms] that smooths the rate (none by default).

    Returns
    -------
    rate_hz : float array (n_steps,)
    """
    dt = resolve_dt(dt, None, spikes=spikes)
    spikes = as_raster(spikes)
    rate = spikes.mean(axis=1) / dt * 1000.0
    if window_ms is not None:
        width = max(1, round(require_positive("window_ms", window_ms, "ms") / dt))
        rate = np.convolve(rate, np.ones(width) / width, mode="same")
    return rate


def interspike_intervals(spikes, dt: float | None = None) -> np.ndarray:
    """All interspike intervals [ms], pooled over neurons (each neuron's own consecutive spikes)."""
    dt = resolve_dt(dt, None, spikes=spikes)
    spikes = as_raster(spikes)
    neurons, steps = np.nonzero(spikes.T)  # sorted by neuron, then by time
    gaps = np.diff(neurons) == 0
    return np.diff(steps)[gaps] * dt


def coefficient_of_variation(isi_ms) -> float:
    """``CV = std(ISI) / mean(ISI)`` (population std); NaN-free: needs at least two intervals.

    >>> coefficient_of_variation([2.0, 2.0, 2.0])
    0.0
    """
    isi = np.asarray(isi_ms, dtype=float).ravel()
    if isi.size < 2:
        raise ValueError(
            f"need at least 2 interspike intervals for a CV, got {isi.size}; "
            "simulate longer or at a higher rate."
        )
    mean = isi.mean()
    if mean <= 0:
        raise ValueError("interspike intervals must be positive.")
    return float(isi.std() / mean)


def spike_counts(spikes, dt: float | None, window_ms: float) -> np.ndarray:
    """Spike counts of each neuron in consecutive windows: int array ``(n_windows, n)``.

    The tail of the raster that does not fill a whole window is dropped.
    """
    dt = resolve_dt(dt, None, spikes=spikes)
    spikes = as_raster(spikes)
    width = round(require_positive("window_ms", window_ms, "ms") / dt)
    if width < 1 or width > spikes.shape[0]:
        raise ValueError(
            f"window_ms={window_ms} must span between one step ({dt} ms) and the whole raster "
            f"({spikes.shape[0] * dt} ms)."
        )
    n_windows = spikes.shape[0] // width
    trimmed = spikes[: n_windows * width].reshape(n_windows, width, spikes.shape[1])
    return trimmed.sum(axis=1)


def fano_factor(counts) -> float:
    """``F = Var(N) / mean(N)`` of spike counts (unbiased variance), pooled over all entries.

    >>> fano_factor([3, 3, 3, 3])
    0.0
    """
    counts = np.asarray(counts, dtype=float).ravel()
    if counts.size < 2:
        raise ValueError(f"need at least 2 spike counts for a Fano factor, got {counts.size}.")
    mean = counts.mean()
    if mean <= 0:
        raise ValueError("no spikes in any window: the Fano factor is undefined; use more time.")
    return float(counts.var(ddof=1) / mean)
