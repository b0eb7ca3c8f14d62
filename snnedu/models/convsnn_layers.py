r"""Layers of time-coded convolutional spiking networks: every neuron fires at most once.

The building blocks of the networks of Kheradpisheh, Ganjtabesh & Masquelier (2016,
*Neurocomputing* 205:382) and Kheradpisheh, Ganjtabesh, Thorpe & Masquelier (2018, *Neural
Networks* 99:56), in the form of the SpykeTorch reproduction (Mozafari et al. 2019, *Front.
Neurosci.* 13:625). Time is discrete: ``n_steps`` time bins per image; a spike-time map holds
the bin in which each neuron fired, or ``n_steps`` for a neuron that stayed silent.

**Fixed filters.** Difference of Gaussians (on-/off-centre, retina-like), on the integer grid
``x, y ∈ [-w//2, w//2]``, ``r² = x² + y²``:

.. math:: D(x, y) = \frac{1}{2\pi}\left[\frac{1}{\sigma_1^2}e^{-r^2/2\sigma_1^2}
          - \frac{1}{\sigma_2^2}e^{-r^2/2\sigma_2^2}\right]

(``σ₁ < σ₂``: on-centre; ``σ₁ > σ₂``: off-centre). Gabor (orientation ``θ``, wavelength
``λ = w/2``, ``σ = 0.8 λ``, aspect ``γ = 0.3``), with ``X = y sinθ + x cosθ``,
``Y = y cosθ − x sinθ``:

.. math:: G(x, y) = \exp\left(-\frac{X^2 + \gamma^2 Y^2}{2\sigma^2}\right)
          \cos\left(\frac{2\pi X}{\lambda}\right)

Both are made zero-mean and scaled so their maximum is 1 (SpykeTorch ``utils.DoGKernel`` /
``utils.GaborKernel``); ``x`` runs down the rows.

**Rank-order (latency) coding.** The non-zero intensities of an image are sorted, strongest
first, and cut into ``n_steps`` packets of equal size ``⌊nnz / n_steps⌋``, one per time bin
(K2018 §2.1; SpykeTorch ``Intensity2Latency``); the ``nnz mod n_steps`` weakest never fire.

**Non-leaky integrate-and-fire convolution** (K2018 eqs. 1–2). Map ``f`` has one kernel
``w[f]`` shared by all its neurons; with ``S_j(t) = 1`` once input ``j`` has fired,

.. math:: V_i(t) = \sum_j w_{j,i}\, S_j(t), \qquad t_i = \min\{t : V_i(t) \ge v_{th}\}

and each neuron fires at most once per image. The kernels here are event-driven: only the
neurons an input spike reaches are updated.

**First-spike pooling.** A pooling neuron fires when the first neuron of its window fires:
``t_out = min(t_in)`` over the window (K2018 §2.3).

**Lateral inhibition between maps** (point-wise): at each position only the earliest neuron
over all maps keeps its spike; ties go to the highest potential (K2018 §2.2).

**k winners-take-all for learning.** The earliest spikes (ties: highest potential) win, at most
one per map; each winner blocks every map within a Chebyshev ``radius`` around it (K2018 §2.5;
SpykeTorch ``get_k_winners``).

**Simplified STDP** (Masquelier & Thorpe 2007; K2018 eq. 3) on the winner's kernel, for each
input ``j`` of its receptive field:

.. math:: \Delta w_j = +a^+ w_j (1 - w_j)\ \text{if}\ t_j \le t_i, \qquad
          \Delta w_j = -a^- w_j (1 - w_j)\ \text{otherwise (or never fired)}

then ``w`` is clipped to ``[0, 1]``. Only the order of pre and post spikes matters.

Arrays carry a leading *scale* axis ``s`` so that the 2016 network (several image scales that
share one set of learned kernels) and the 2018 network (one scale) use the same kernels:
spike-time maps are ``(n_scales, n_maps, height, width)`` int16.

>>> import numpy as np
>>> float(dog_kernel(7, 1.0, 2.0).max()), float(round(dog_kernel(7, 1.0, 2.0).sum(), 12))
(1.0, 0.0)
>>> t = np.array([[[[3, 1], [5, 2]]]], dtype=np.int16)
>>> pool_first_spike(t, window=2, stride=2, n_steps=15)[0, 0]
array([[1]], dtype=int16)
"""

from __future__ import annotations

import math

import numpy as np

from snnedu.core.jit import jit, parallel_jit, prange
from snnedu.core.validation import (
    float_array,
    positive_int,
    require_finite,
    require_non_negative,
    require_positive,
)

# ----------------------------------------------------------------------------------------------
# Fixed kernels


def dog_kernel(window: int = 7, sigma_1: float = 1.0, sigma_2: float = 2.0) -> np.ndarray:
    """Zero-mean difference-of-Gaussians kernel scaled to a maximum of 1.

    Parameters
    ----------
    window : int
        Odd side length [px].
    sigma_1, sigma_2 : float
        Widths of the positive and the negative Gaussian [px]; ``sigma_1 < sigma_2`` is an
        on-centre cell, ``sigma_1 > sigma_2`` an off-centre cell.

    Returns
    -------
    kernel : float array (window, window)
    """
    window = _odd_window(window)
    sigma_1 = require_positive("sigma_1", sigma_1, "px")
    sigma_2 = require_positive("sigma_2", sigma_2, "px")
    if sigma_1 == sigma_2:
        raise ValueError("sigma_1 == sigma_2 gives a zero kernel; use two different widths.")
    half = window // 2
    x, y = np.mgrid[-half : half + 1, -half : half + 1].astype(float)
    r2 = x * x + y * y
    dog = np.exp(-r2 / (2 * sigma_1**2)) / sigma_1**2 - np.exp(-r2 / (2 * sigma_2**2)) / sigma_2**2
    dog /= 2 * math.pi
    dog -= dog.mean()
    return dog / dog.max()


def gabor_kernel(window: int = 5, orientation_deg: float = 0.0, aspect: float = 0.3) -> np.ndarray:
    """Zero-mean Gabor kernel (wavelength ``window / 2``, ``σ = 0.8 λ``) scaled to a maximum of 1.

    Parameters
    ----------
    window : int
        Odd side length [px].
    orientation_deg : float
        Orientation ``θ`` of the carrier [deg]; the stripes of the kernel run at ``θ + 90°``
        in the (row, column) plane.
    aspect : float
        Spatial aspect ratio ``γ``.

    Returns
    -------
    kernel : float array (window, window)
    """
    window = _odd_window(window)
    aspect = require_positive("aspect", aspect)
    theta = math.radians(float(orientation_deg))
    wavelength = window * 2 / 4
    sigma = 0.8 * wavelength
    half = window // 2
    x, y = np.mgrid[-half : half + 1, -half : half + 1].astype(float)
    big_x = y * math.sin(theta) + x * math.cos(theta)
    big_y = y * math.cos(theta) - x * math.sin(theta)
    gabor = np.exp(-(big_x**2 + aspect**2 * big_y**2) / (2 * sigma**2))
    gabor *= np.cos(2 * math.pi * big_x / wavelength)
    gabor -= gabor.mean()
    return gabor / gabor.max()


def filter_images(images, kernels, threshold: float = 0.0) -> np.ndarray:
    """Correlate each image with each kernel (zero padding, same size); keep values ≥ threshold.

    Parameters
    ----------
    images : array (n, height, width)
        Intensities (e.g. pixels 0–255).
    kernels : array (n_kernels, k, k)
        Odd-sized filters (e.g. :func:`dog_kernel`).
    threshold : float
        Responses below it are set to 0 (a DoG cell fires only above threshold, K2018 §2.1).

    Returns
    -------
    responses : float array (n, n_kernels, height, width)
    """
    images = _images3d(images)
    kernels = np.ascontiguousarray(kernels, dtype=np.float64)
    if kernels.ndim != 3 or kernels.shape[1] != kernels.shape[2] or kernels.shape[1] % 2 == 0:
        raise ValueError(
            f"kernels must have shape (n_kernels, k, k) with k odd, got {kernels.shape}."
        )
    threshold = require_finite("threshold", threshold)
    out = np.empty((images.shape[0], kernels.shape[0], *images.shape[1:]))
    _correlate(images, kernels, threshold, out)
    return out


def local_normalization(maps, radius: int = 8) -> np.ndarray:
    """Divide each map by its local mean over a ``(2·radius+1)²`` window (zero padding).

    SpykeTorch ``functional.local_normalization`` (the reproduction's step, not in K2018): it
    equalises contrast, so faint strokes still fire early.

    Parameters
    ----------
    maps : float array (..., height, width)
    radius : int
        Half width of the averaging window [px].

    Returns
    -------
    normalised : float array, same shape
    """
    from scipy.ndimage import uniform_filter

    maps = np.asarray(maps, dtype=np.float64)
    radius = int(radius)
    if radius < 0:
        raise ValueError(f"radius must be >= 0 px, got {radius}.")
    size = (1,) * (maps.ndim - 2) + (2 * radius + 1,) * 2
    means = uniform_filter(maps, size=size, mode="constant", cval=0.0)
    return maps / (means + 1e-12)


def rank_order_latency(intensities, n_steps: int = 15) -> np.ndarray:
    """Rank-order code: strongest non-zero values first, in ``n_steps`` equal-size packets.

    Parameters
    ----------
    intensities : float array (n, ...)
        One non-negative intensity map per image (any shape after the first axis).
    n_steps : int
        Number of time bins per image.

    Returns
    -------
    times : int16 array, same shape
        Time bin of each value's spike, ``n_steps`` for values that never fire (zeros and the
        ``nnz mod n_steps`` weakest). Ties keep array order (stable sort).
    """
    values = np.asarray(intensities, dtype=np.float64)
    n_steps = _n_steps(n_steps)
    if values.ndim < 2:
        raise ValueError(
            f"intensities must be (n, ...) with one map per image, got {values.shape}."
        )
    if not np.all(np.isfinite(values)) or values.min(initial=0.0) < 0:
        raise ValueError("intensities must be finite and >= 0; threshold or rectify them first.")
    flat = np.ascontiguousarray(values.reshape(values.shape[0], -1))
    out = np.empty(flat.shape, dtype=np.int16)
    _rank_order(flat, n_steps, out)
    return out.reshape(values.shape)


# ----------------------------------------------------------------------------------------------
# Spiking layers (public wrappers for one image; the networks call the kernels in batches)


def conv_fire(in_times, weights, v_th: float, n_steps: int, pad: int = 0):
    """Non-leaky IF convolution, event-driven, one spike per neuron.

    Parameters
    ----------
    in_times : int array (n_scales, n_in, height, width)
        Input spike-time maps (``n_steps`` = never).
    weights : float array (n_maps, n_in, k, k)
        Shared kernels.
    v_th : float
        Threshold (``np.inf``: never fire, the final potential is the readout).
    n_steps : int
        Time bins per image.
    pad : int
        Zero padding (silent inputs) on each side [px].

    Returns
    -------
    times : int16 array (n_scales, n_maps, height + 2·pad − k + 1, width + 2·pad − k + 1)
        Spike bins, ``n_steps`` for silent neurons.
    v : float array, same shape
        Potential at the spike time, or at the end of the image for silent neurons.
    """
    in_times, weights, n_steps = _check_layer(in_times, weights, n_steps)
    if not (v_th > 0):
        raise ValueError(f"v_th must be > 0 (np.inf allowed), got {v_th!r}.")
    pad = int(pad)
    out_h = in_times.shape[2] + 2 * pad - weights.shape[2] + 1
    out_w = in_times.shape[3] + 2 * pad - weights.shape[3] + 1
    if pad < 0 or out_h < 1 or out_w < 1:
        raise ValueError(f"pad={pad} with a {weights.shape[2]}-px kernel leaves no output.")
    times = np.empty((in_times.shape[0], weights.shape[0], out_h, out_w), dtype=np.int16)
    v = np.empty(times.shape)
    conv_fire_kernel(in_times, weights, float(v_th), n_steps, pad, times, v)
    return times, v


def pool_first_spike(times, window: int, stride: int, n_steps: int, pad: int = 0) -> np.ndarray:
    """First-spike (max) pooling: each pooling neuron fires with the earliest spike in its window.

    Parameters
    ----------
    times : int array (n_scales, n_maps, height, width)
    window, stride, pad : int
        Pooling window, step and zero padding [px].
    n_steps : int
        Time bins (value of "never").

    Returns
    -------
    pooled : int16 array (n_scales, n_maps, out_h, out_w),
        ``out = (size + 2·pad − window) // stride + 1``.
    """
    times = _times4d(times)
    window, stride, pad, n_steps = int(window), int(stride), int(pad), _n_steps(n_steps)
    if window < 1 or stride < 1 or pad < 0:
        raise ValueError(f"window={window} and stride={stride} must be >= 1, pad={pad} >= 0.")
    out_h = (times.shape[2] + 2 * pad - window) // stride + 1
    out_w = (times.shape[3] + 2 * pad - window) // stride + 1
    if out_h < 1 or out_w < 1:
        raise ValueError(f"a {window}-px pooling window does not fit a {times.shape[2:]} map.")
    out = np.empty((*times.shape[:2], out_h, out_w), dtype=np.int16)
    pool_kernel(times, window, stride, pad, n_steps, out)
    return out


def pointwise_inhibition(times, v, n_steps: int):
    """Lateral inhibition between maps: at each position only the earliest spike survives.

    Ties in time go to the highest potential ``v``, then to the lowest map index.

    Returns
    -------
    times, v : new arrays; inhibited neurons get ``n_steps`` and ``v = 0``.
    """
    times = _times4d(times).copy()
    v = np.array(v, dtype=np.float64)
    if v.shape != times.shape:
        raise ValueError(f"v has shape {v.shape}, times {times.shape}; they must match.")
    inhibit_kernel(times, v, _n_steps(n_steps))
    return times, v


def k_winners(times, v, k: int, radius: int, n_steps: int) -> np.ndarray:
    """Pick up to ``k`` learning winners, earliest first (ties: highest ``v``).

    One winner per map, each blocking all maps within Chebyshev ``radius`` (same scale).

    Returns
    -------
    winners : int array (n_winners, 4)
        ``(scale, map, row, column)`` of each winner, in order of selection.
    """
    times = _times4d(times)
    v = np.ascontiguousarray(v, dtype=np.float64)
    if v.shape != times.shape:
        raise ValueError(f"v has shape {v.shape}, times {times.shape}; they must match.")
    if int(k) < 1 or int(radius) < 0:
        raise ValueError(f"k must be >= 1 and radius >= 0, got k={k}, radius={radius}.")
    winners = np.empty((int(k), 4), dtype=np.int64)
    count = k_winners_kernel(times, v, int(k), int(radius), _n_steps(n_steps), winners)
    return winners[:count]


def stdp_update(
    weights, in_times, out_times, winners, a_plus: float, a_minus: float, pad: int = 0
) -> np.ndarray:
    """Simplified STDP on the winners' kernels (returns new weights, clipped to [0, 1]).

    Parameters
    ----------
    weights : float array (n_maps, n_in, k, k)
    in_times : int array (n_scales, n_in, height, width)
    out_times : int array (n_scales, n_maps, out_h, out_w)
    winners : int array (n_winners, 4)
        From :func:`k_winners`.
    a_plus, a_minus : float
        Potentiation and depression rates (both ≥ 0; depression subtracts).
    pad : int
        The padding used in :func:`conv_fire`.
    """
    in_times = _times4d(in_times)
    out_times = _times4d(out_times)
    weights = np.array(weights, dtype=np.float64)
    if weights.ndim != 4:
        raise ValueError(f"weights must be (n_maps, n_in, k, k), got {weights.shape}.")
    a_plus = require_non_negative("a_plus", a_plus)
    a_minus = require_non_negative("a_minus", a_minus)
    winners = np.ascontiguousarray(winners, dtype=np.int64).reshape(-1, 4)
    stdp_kernel(weights, in_times, out_times, winners, winners.shape[0], a_plus, a_minus, int(pad))
    return weights


# ----------------------------------------------------------------------------------------------
# Kernels. The public ``*_kernel`` ones are building blocks that the networks call inside their
# own batch kernels, where the checking wrappers above cannot run.


@parallel_jit
def _correlate(images, kernels, threshold, out):
    """Numba kernel of :func:`filter_images`: writes the thresholded responses into ``out``.

    ``images`` (n, h, w), odd ``kernels`` (n_k, k, k), ``out`` (n, n_k, h, w); no checks.
    """
    n, height, width = images.shape
    n_k, size, _ = kernels.shape
    half = size // 2
    for i in prange(n):
        for q in range(n_k):
            for y in range(height):
                for x in range(width):
                    acc = 0.0
                    for dy in range(size):
                        yy = y + dy - half
                        if yy < 0 or yy >= height:
                            continue
                        for dx in range(size):
                            xx = x + dx - half
                            if 0 <= xx < width:
                                acc += kernels[q, dy, dx] * images[i, yy, xx]
                    out[i, q, y, x] = acc if acc >= threshold else 0.0


@parallel_jit
def _rank_order(values, n_steps, out):
    """Numba kernel of :func:`rank_order_latency` on rows ``values`` (n, m), into ``out``.

    ``out`` (int16, same shape) is overwritten; no checks.
    """
    for i in prange(values.shape[0]):
        row = values[i]
        nnz = 0
        for j in range(row.size):
            if row[j] > 0.0:
                nnz += 1
        out[i, :] = n_steps
        bin_size = max(nnz // n_steps, 1)
        order = np.argsort(-row, kind="mergesort")
        for r in range(min(nnz, bin_size * n_steps)):
            out[i, order[r]] = r // bin_size


@jit
def conv_fire_kernel(in_times, weights, v_th, n_steps, pad, times, v):
    """Numba kernel of :func:`conv_fire`, callable from other kernels: no checks.

    ``in_times`` int16 (n_scales, n_in, h, w), ``weights`` float (n_maps, n_in, k, k); writes
    the spike bins into ``times`` and the potentials into ``v`` (both preallocated,
    (n_scales, n_maps, out_h, out_w)).
    """
    n_scales, n_in, height, width = in_times.shape
    n_maps, _, size, _ = weights.shape
    out_h, out_w = times.shape[2], times.shape[3]
    # bucket the input spikes by time bin (counting sort): only these events are processed
    counts = np.zeros(n_steps + 1, dtype=np.int64)
    for s in range(n_scales):
        for c in range(n_in):
            for y in range(height):
                for x in range(width):
                    t = in_times[s, c, y, x]
                    if t < n_steps:
                        counts[t + 1] += 1
    for t in range(n_steps):
        counts[t + 1] += counts[t]
    events = np.empty((counts[n_steps], 4), dtype=np.int64)
    fill = counts[:n_steps].copy()
    for s in range(n_scales):
        for c in range(n_in):
            for y in range(height):
                for x in range(width):
                    t = in_times[s, c, y, x]
                    if t < n_steps:
                        events[fill[t], 0] = s
                        events[fill[t], 1] = c
                        events[fill[t], 2] = y
                        events[fill[t], 3] = x
                        fill[t] += 1
    # maps last, so that the inner loop over maps runs through contiguous memory
    w_t = np.empty((n_in, size, size, n_maps))
    for f in range(n_maps):
        for c in range(n_in):
            for dy in range(size):
                for dx in range(size):
                    w_t[c, dy, dx, f] = weights[f, c, dy, dx]
    pot = np.zeros((n_scales, out_h, out_w, n_maps))
    v_fire = np.zeros((n_scales, out_h, out_w, n_maps))
    fired = np.full((n_scales, out_h, out_w, n_maps), n_steps, dtype=np.int16)
    touched = np.zeros((n_scales, out_h, out_w), dtype=np.bool_)
    touched_list = np.empty((n_scales * out_h * out_w, 3), dtype=np.int64)
    for t in range(n_steps):
        n_touched = 0
        for e in range(counts[t], counts[t + 1]):
            s, c, y, x = events[e, 0], events[e, 1], events[e, 2], events[e, 3]
            for dy in range(size):
                oy = y + pad - dy
                if oy < 0 or oy >= out_h:
                    continue
                for dx in range(size):
                    ox = x + pad - dx
                    if ox < 0 or ox >= out_w:
                        continue
                    for f in range(n_maps):
                        pot[s, oy, ox, f] += w_t[c, dy, dx, f]
                    if not touched[s, oy, ox]:
                        touched[s, oy, ox] = True
                        touched_list[n_touched, 0] = s
                        touched_list[n_touched, 1] = oy
                        touched_list[n_touched, 2] = ox
                        n_touched += 1
        # a neuron fires in this bin if its potential at the end of the bin is above threshold
        for j in range(n_touched):
            s, oy, ox = touched_list[j, 0], touched_list[j, 1], touched_list[j, 2]
            touched[s, oy, ox] = False
            for f in range(n_maps):
                if fired[s, oy, ox, f] == n_steps and pot[s, oy, ox, f] >= v_th:
                    fired[s, oy, ox, f] = t
                    v_fire[s, oy, ox, f] = pot[s, oy, ox, f]
    for s in range(n_scales):
        for f in range(n_maps):
            for oy in range(out_h):
                for ox in range(out_w):
                    times[s, f, oy, ox] = fired[s, oy, ox, f]
                    if fired[s, oy, ox, f] < n_steps:
                        v[s, f, oy, ox] = v_fire[s, oy, ox, f]
                    else:
                        v[s, f, oy, ox] = pot[s, oy, ox, f]


@jit
def pool_kernel(times, window, stride, pad, n_steps, out):
    """Numba kernel of :func:`pool_first_spike`, callable from other kernels.

    Writes the pooled times into the preallocated ``out`` (n_scales, n_maps, out_h, out_w);
    no checks.
    """
    n_scales, n_maps, height, width = times.shape
    for s in range(n_scales):
        for c in range(n_maps):
            for oy in range(out.shape[2]):
                for ox in range(out.shape[3]):
                    best = n_steps
                    for dy in range(window):
                        y = oy * stride - pad + dy
                        if y < 0 or y >= height:
                            continue
                        for dx in range(window):
                            x = ox * stride - pad + dx
                            if 0 <= x < width and times[s, c, y, x] < best:
                                best = times[s, c, y, x]
                    out[s, c, oy, ox] = best


@jit
def inhibit_kernel(times, v, n_steps):
    """Numba kernel of :func:`pointwise_inhibition`, in place on ``times`` and ``v``; no checks."""
    n_scales, n_maps, height, width = times.shape
    for s in range(n_scales):
        for y in range(height):
            for x in range(width):
                win = -1
                for f in range(n_maps):
                    t = times[s, f, y, x]
                    if t == n_steps:
                        continue
                    if (
                        win < 0
                        or t < times[s, win, y, x]
                        or (t == times[s, win, y, x] and v[s, f, y, x] > v[s, win, y, x])
                    ):
                        win = f
                for f in range(n_maps):
                    if f != win:
                        times[s, f, y, x] = n_steps
                        v[s, f, y, x] = 0.0


@jit
def k_winners_kernel(times, v, k, radius, n_steps, winners):
    """Numba kernel of :func:`k_winners`.

    Writes up to ``k`` winners into the preallocated ``winners`` (k, 4) and returns how many;
    no checks.
    """
    n_scales, n_maps, height, width = times.shape
    map_free = np.ones(n_maps, dtype=np.bool_)
    blocked = np.zeros((n_scales, height, width), dtype=np.bool_)
    count = 0
    for _ in range(k):
        best_t = n_steps
        best_v = -np.inf
        bs, bf, by, bx = -1, -1, -1, -1
        for s in range(n_scales):
            for f in range(n_maps):
                if not map_free[f]:
                    continue
                for y in range(height):
                    for x in range(width):
                        t = times[s, f, y, x]
                        if t == n_steps or blocked[s, y, x]:
                            continue
                        if t > best_t or (t == best_t and v[s, f, y, x] <= best_v):
                            continue
                        best_t, best_v = t, v[s, f, y, x]
                        bs, bf, by, bx = s, f, y, x
        if bs < 0:
            break
        winners[count, 0], winners[count, 1], winners[count, 2], winners[count, 3] = bs, bf, by, bx
        count += 1
        map_free[bf] = False
        for y in range(max(0, by - radius), min(height, by + radius + 1)):
            for x in range(max(0, bx - radius), min(width, bx + radius + 1)):
                blocked[bs, y, x] = True
    return count


@jit
def stdp_kernel(weights, in_times, out_times, winners, n_winners, a_plus, a_minus, pad):
    """Numba kernel of :func:`stdp_update`.

    Updates ``weights`` in place for the first ``n_winners`` rows of ``winners``; no checks.
    """
    _, n_in, height, width = in_times.shape
    size = weights.shape[2]
    for i in range(n_winners):
        s, f, oy, ox = winners[i, 0], winners[i, 1], winners[i, 2], winners[i, 3]
        t_post = out_times[s, f, oy, ox]
        for c in range(n_in):
            for dy in range(size):
                y = oy + dy - pad
                for dx in range(size):
                    x = ox + dx - pad
                    # padding counts as an input that never fired (→ depression)
                    before = False
                    if 0 <= y < height and 0 <= x < width:
                        before = in_times[s, c, y, x] <= t_post
                    w = weights[f, c, dy, dx]
                    if before:
                        w += a_plus * w * (1.0 - w)
                    else:
                        w -= a_minus * w * (1.0 - w)
                    weights[f, c, dy, dx] = min(max(w, 0.0), 1.0)


@jit
def mask_outside_kernel(times, v, sizes, n_steps):
    """Silence every neuron outside the valid part of its scale's map, in place.

    At scale ``s`` only rows ``< sizes[s, 0]`` and columns ``< sizes[s, 1]`` keep their spike
    time and potential (the rest get ``n_steps`` and 0). Used where several image scales share
    one padded array; no checks.
    """
    for s in range(times.shape[0]):
        for f in range(times.shape[1]):
            for y in range(times.shape[2]):
                for x in range(times.shape[3]):
                    if y >= sizes[s, 0] or x >= sizes[s, 1]:
                        times[s, f, y, x] = n_steps
                        v[s, f, y, x] = 0.0


# ----------------------------------------------------------------------------------------------
# Validation helpers


def _odd_window(window) -> int:
    window = positive_int("window", window)
    if window % 2 == 0:
        raise ValueError(f"window must be an odd number of pixels >= 1, got {window!r}.")
    return window


def _n_steps(n_steps) -> int:
    n_steps = positive_int("n_steps", n_steps)
    if n_steps > 32000:
        raise ValueError(
            f"n_steps must be a whole number of time bins in [1, 32000], got {n_steps!r}."
        )
    return n_steps


def _images3d(images) -> np.ndarray:
    images = float_array("images", images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(
            f"images must be (n, height, width) or one (height, width) image, "
            f"got shape {images.shape}."
        )
    return np.ascontiguousarray(images)


def _times4d(times) -> np.ndarray:
    times = np.asarray(times)
    if times.ndim != 4:
        raise ValueError(
            f"spike-time maps must be (n_scales, n_maps, height, width), got "
            f"shape {times.shape}; add axes with times[None] for one scale."
        )
    if times.dtype.kind not in "iu":
        raise ValueError(f"spike-time maps must hold integer time bins, got dtype {times.dtype}.")
    return np.ascontiguousarray(times, dtype=np.int16)


def _check_layer(in_times, weights, n_steps):
    in_times = _times4d(in_times)
    weights = np.ascontiguousarray(weights, dtype=np.float64)
    if weights.ndim != 4 or weights.shape[2] != weights.shape[3]:
        raise ValueError(f"weights must be (n_maps, n_in, k, k), got shape {weights.shape}.")
    if weights.shape[1] != in_times.shape[1]:
        raise ValueError(
            f"weights expect {weights.shape[1]} input maps, the input has {in_times.shape[1]}."
        )
    if not np.all(np.isfinite(weights)):
        raise ValueError("weights contain NaN or infinite values.")
    return in_times, weights, _n_steps(n_steps)
