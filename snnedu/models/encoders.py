"""Turning numbers into spikes: Poisson (rate) coding and latency (time-to-first-spike) coding.

**Poisson trains.** In each time step of length ``dt`` a neuron with rate ``r(t)`` fires with
probability

.. math:: p = r(t)\\,\\Delta t ,

independently of everything else (a Bernoulli process that becomes a Poisson process as
``dt → 0``; it is how Brian's ``PoissonGroup`` draws spikes). The spike count in a window ``T``
has mean ``r T`` and variance ``r T (1 - p)``; interspike intervals are geometric, i.e.
exponential with mean ``1/r`` up to the grid; ``CV = Fano = 1`` up to ``O(p)``. ``p ≤ 1`` is
required: choose ``dt < 1000 / max(rate_hz)`` ms.

**Rate code of an image** (Diehl & Cook 2015, *Front. Comput. Neurosci.* 9:99, §2.3): pixel
intensities 0–255 set Poisson rates ``rate_hz = pixel / 255 · max_rate_hz``; the default
63.75 Hz is the paper's "intensity divided by 4". Each image is shown for 350 ms.

**Latency code** (Thorpe & Gautrais 1998; Kheradpisheh et al. 2018, §2.1): each pixel fires
at most once; the more salient the pixel, the earlier. With ``s`` the pixel's salience in
``[0, 1]`` (``pixel / 255`` when brighter pixels fire first, ``1 - pixel / 255`` when darker
ones do),

.. math:: t = t_{max}\\,(1 - s),

rounded to the ``dt`` grid; a pixel with ``s · 255 ≤ threshold`` never fires (``np.inf``).

>>> import numpy as np
>>> rng = np.random.default_rng(0)
>>> poisson_spikes(np.array([20.0, 50.0]), duration=1000.0, dt=0.5, rng=rng).shape
(2000, 2)
>>> image_to_rate_hz(np.array([0, 128, 255], dtype=np.uint8))
array([ 0.  , 32.  , 63.75])
>>> encode_latency(np.array([255, 128, 0]), t_max_ms=10.0, dt=1.0)
array([ 0.,  5., inf])
"""

from __future__ import annotations

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.spikes import spike_times_to_raster
from snnedu.core.stimulus import Stimulus, resolve_dt
from snnedu.core.validation import (
    pixels_array,
    require_non_negative,
    require_positive,
    require_rng,
)

MAX_RATE_HZ = 63.75
"""Diehl & Cook (2015): the brightest pixel (255) fires at 255 / 4 = 63.75 Hz."""

PRESENTATION_MS = 350.0
"""Diehl & Cook (2015): each image is presented for 350 ms."""


@renamed_arguments(old_order=("rate_hz", "duration", "dt", "rng"), duration_ms="duration")
def poisson_spikes(
    rate_hz, *, duration: float | None = None, dt: float | None = None, rng: np.random.Generator
) -> Stimulus:
    """Poisson spike trains, homogeneous or inhomogeneous.

    Parameters
    ----------
    rate_hz : float or array (n,) or array (n_steps, n)
        Firing rate of each neuron [Hz]: constant (shape ``(n,)``; a scalar is one neuron) or
        varying in time (shape ``(n_steps, n)``, one row per step; a
        :class:`~snnedu.core.stimulus.Stimulus` brings its own ``dt``).
    duration : float, optional
        Length of the trains [ms]; ``n_steps = round(duration / dt)``. Default: the rate's
        own time axis.
    dt : float, optional
        Time step [ms]; ``max(rate_hz) * dt / 1000`` must be ≤ 1. Default: the rate's own.
    rng : numpy.random.Generator
        Source of randomness (same seed → same spikes).

    Returns
    -------
    spikes : bool Stimulus (n_steps, n)
        A raster that knows its ``dt``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> spikes = poisson_spikes(np.full(100, 40.0), duration=1000.0, dt=0.1, rng=rng)
    >>> bool(35 < spikes.sum(axis=0).mean() < 45)
    True
    """
    require_rng(rng)
    dt = resolve_dt(dt, None, rate_hz=rate_hz)
    rate = np.asarray(rate_hz, dtype=float)
    if duration is None:
        if rate.ndim != 2:
            raise ValueError("pass duration=<ms>: a constant rate_hz has no time axis.")
        duration = rate.shape[0] * dt
    duration = require_positive("duration", duration, "ms")
    n_steps = round(duration / dt)
    if n_steps < 1:
        raise ValueError(f"duration={duration} is shorter than one step dt={dt} ms.")
    if rate.ndim == 0:
        rate = rate[None]
    if rate.ndim == 2 and rate.shape[0] != n_steps:
        raise ValueError(
            f"a time-varying rate_hz must have one row per step: shape ({n_steps}, n) for "
            f"duration={duration} and dt={dt}, got {rate.shape}."
        )
    if rate.ndim > 2:
        raise ValueError(f"rate_hz must have shape (n,) or (n_steps, n), got {rate.shape}.")
    _check_rates(rate, dt)
    p = rate * (dt / 1000.0)
    return Stimulus(rng.random((n_steps, rate.shape[-1])) < p, dt)


@renamed_arguments(old_order=("rate_hz", "dt"))
def poisson_isi_cv(rate_hz: float, *, dt: float) -> float:
    """Exact CV of the ISIs of :func:`poisson_spikes` at a constant rate.

    The intervals are geometric with ``p = rate · dt``, so ``CV = √(1 − p)`` (→ 1, the Poisson
    value, as dt → 0).

    >>> round(poisson_isi_cv(20.0, dt=0.5), 4)
    0.995
    """
    dt = require_positive("dt", dt, "ms")
    p = require_non_negative("rate_hz", rate_hz, "Hz") * dt / 1000.0
    if not 0 < p <= 1:
        raise ValueError(f"rate_hz · dt = {p:g} must lie in (0, 1]; use a positive rate.")
    return float(np.sqrt(1.0 - p))


def image_to_rate_hz(image, max_rate_hz: float = MAX_RATE_HZ) -> np.ndarray:
    """Poisson rates [Hz] of an image's pixels: ``pixel / 255 · max_rate_hz`` (same shape).

    Parameters
    ----------
    image : array of values in [0, 255]
        Any shape (one image or a batch); uint8 or float.
    max_rate_hz : float
        Rate of a pixel of value 255 [Hz]; the default is Diehl & Cook's 63.75 Hz.
    """
    max_rate_hz = require_non_negative("max_rate_hz", max_rate_hz, "Hz")
    return pixels_array("image", image) * (max_rate_hz / 255.0)


@renamed_arguments(
    old_order=("image", "duration", "dt", "rng", "max_rate_hz"), duration_ms="duration"
)
def encode_poisson(
    image,
    *,
    duration: float = PRESENTATION_MS,
    dt: float = 0.5,
    rng: np.random.Generator | None = None,
    max_rate_hz: float = MAX_RATE_HZ,
) -> Stimulus:
    """Rate-code an image as Poisson spike trains, one neuron per pixel.

    Parameters
    ----------
    image : array of values in [0, 255]
        One image of any shape (e.g. 28 × 28); it is flattened row by row.
    duration : float
        Presentation time [ms] (Diehl & Cook: 350 ms).
    dt : float
        Time step [ms].
    rng : numpy.random.Generator
        Source of randomness.
    max_rate_hz : float
        Rate of a white pixel [Hz].

    Returns
    -------
    spikes : bool array (n_steps, n_pixels)

    >>> image = np.full((28, 28), 255, dtype=np.uint8)
    >>> spikes = encode_poisson(image, rng=np.random.default_rng(0))
    >>> spikes.shape
    (700, 784)
    """
    rate = image_to_rate_hz(image, max_rate_hz).ravel()
    return poisson_spikes(rate, duration=duration, dt=dt, rng=rng)


@renamed_arguments(old_order=("image", "t_max_ms", "dt", "brighter_first", "threshold"))
def encode_latency(
    image,
    *,
    t_max_ms: float = 50.0,
    dt: float = 1.0,
    brighter_first: bool = True,
    threshold: float = 0.0,
) -> np.ndarray:
    """Latency (time-to-first-spike) code of an image: one spike time per pixel.

    Parameters
    ----------
    image : array of values in [0, 255]
        One image of any shape; flattened row by row.
    t_max_ms : float
        Latency of the least salient pixel that still fires [ms].
    dt : float
        Time grid [ms]; spike times are rounded to multiples of ``dt``.
    brighter_first : bool
        True: brighter pixels fire earlier (darker → later). False: the reverse.
    threshold : float
        Pixels whose salience (``pixel``, or ``255 - pixel`` when darker fire first) is
        ``≤ threshold`` never fire. With the default 0, pure black pixels stay silent when
        brighter ones fire first.

    Returns
    -------
    spike_times_ms : float array (n_pixels,)
        Spike time of each pixel [ms] in ``[0, t_max_ms]``; ``np.inf`` = never fires.
        Monotone: a more salient pixel never fires later than a less salient one.
    """
    t_max_ms = require_positive("t_max_ms", t_max_ms, "ms")
    dt = require_positive("dt", dt, "ms")
    threshold = require_non_negative("threshold", threshold)
    if threshold >= 255:
        raise ValueError(f"threshold={threshold} silences every pixel; use a value below 255.")
    pixels = pixels_array("image", image).ravel()
    salience = pixels if brighter_first else 255.0 - pixels
    times = t_max_ms * (1.0 - salience / 255.0)
    times = np.round(times / dt) * dt
    times[salience <= threshold] = np.inf
    return times


@renamed_arguments(old_order=("image", "t_max_ms", "dt", "brighter_first", "threshold"))
def encode_latency_raster(
    image,
    *,
    t_max_ms: float = 50.0,
    dt: float = 1.0,
    brighter_first: bool = True,
    threshold: float = 0.0,
) -> Stimulus:
    """:func:`encode_latency` as a raster.

    Bool ``(n_steps, n_pixels)`` with ``n_steps = round(t_max_ms / dt) + 1`` (so a spike at
    ``t_max_ms`` is included).
    """
    times = encode_latency(
        image, t_max_ms=t_max_ms, dt=dt, brighter_first=brighter_first, threshold=threshold
    )
    n_steps = round(t_max_ms / dt) + 1
    return Stimulus(spike_times_to_raster(times, n_steps * dt, dt), dt)


def _check_rates(rate: np.ndarray, dt: float) -> None:
    if rate.size == 0:
        raise ValueError("rate_hz is empty: give at least one neuron's rate.")
    if not np.all(np.isfinite(rate)):
        raise ValueError("rate_hz contains NaN or infinite values.")
    if rate.min() < 0:
        raise ValueError(f"rate_hz must be >= 0 Hz, got a minimum of {rate.min():g} Hz.")
    if rate.max() * dt / 1000.0 > 1.0:
        raise ValueError(
            f"rate_hz up to {rate.max():g} Hz with dt={dt} ms gives a spike probability above 1 "
            f"per step; use dt < {1000.0 / rate.max():g} ms."
        )
