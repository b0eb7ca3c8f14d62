"""The lecture's network of Kheradpisheh, Ganjtabesh & Masquelier (2016).

Kheradpisheh, Ganjtabesh & Masquelier (2016, *Neurocomputing* 205:382), with the structure
of Masquelier & Thorpe (2007, *PLoS Comput. Biol.* 3:e31)::

    image at 5 scales → latency code (brighter or darker pixels first)
      → S1: IF neurons with fixed 5×5 Gabor kernels, 4 orientations (no learning)
      → C1: first-spike pooling, then one orientation per position (lateral inhibition)
      → S2: IF neurons with STDP-learned kernels, shared by all scales (k winners per image)
      → C2: global pooling over positions and scales → linear SVM

The paper's S1/C1 sizes (7×7 pooling, stride 6) are for large object photographs; the defaults
below are scaled to 28-px digits (3×3 pooling, stride 2), and S1 integrates the pixel spikes
with the signed Gabor kernel so that the polarity of the latency code matters. Its C2 feature
of a prototype is the largest potential its S2 neurons reach (threshold ∞ at readout, as in
K2018).
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.jit import parallel_jit, prange
from snnedu.models.convsnn_layers import (
    conv_fire,
    conv_fire_kernel,
    gabor_kernel,
    inhibit_kernel,
    mask_outside_kernel,
    pool_first_spike,
    pool_kernel,
)
from snnedu.models.encoders import encode_latency
from snnedu.networks.convsnn.checks import (
    check_common,
    check_labels,
    check_pixels,
    init_weights,
    require_rng,
    require_whole,
)
from snnedu.networks.convsnn.stdp import STDPLayer, train_stdp_layer


class Conv2016Params(NamedTuple):
    """The lecture's network (K2016, after Masquelier & Thorpe 2007), sized for 28-px digits.

    Scales, Gabor orientations and 5×5 S1 kernels: K2016 / Masquelier & Thorpe (2007);
    Gabor shape and STDP: SpykeTorch; pooling sizes, thresholds and the number of prototypes are
    ours (K2016's 7×7/6 pooling and 1200 prototypes were for large photographs).
    """

    n_steps: int = 15  # time bins per image
    brighter_first: bool = True  # False: darker pixels fire first
    scales: tuple = (1.0, 0.71, 0.5, 0.35, 0.25)  # image scales
    gabor_window: int = 5  # px
    orientations_deg: tuple = (22.5, 67.5, 112.5, 157.5)  # deg
    s1_v_th: float = 2.0  # S1 threshold (summed Gabor weights; a kernel's positive part is 6.1)
    c1_window: int = 3  # px
    c1_stride: int = 2  # px
    s2_maps: int = 256  # learned prototypes (K2016: 1200)
    s2_window: int = 5  # px, over the 4 orientation maps of C1
    s2_v_th: float = 10.0  # summed S2 weights
    s2_k: int = 4  # learning winners per image (over all scales)
    s2_radius: int = 2  # px
    a_plus: float = 0.004
    a_minus: float = 0.003
    a_plus_max: float = 0.15
    adapt_every: int = 500  # images between doublings of a_plus (0 = fixed)
    w_mean: float = 0.8
    w_std: float = 0.05
    epochs: int = 1
    svm_c: float = 2.4


DEFAULT_2016 = Conv2016Params()
"""The 2016 network's default parameters."""


class Conv2016Model(NamedTuple):
    """A trained 2016 network: the S2 prototypes and the linear readout."""

    params: Conv2016Params
    w2: np.ndarray  # (s2_maps, n_orientations, k, k)
    readout_w: np.ndarray
    readout_b: np.ndarray


def s2_layer(p: Conv2016Params) -> STDPLayer:
    """How S2 learns: its threshold, winners over all scales and the adaptive rate of ``p``."""
    return STDPLayer(
        v_th=p.s2_v_th,
        n_steps=p.n_steps,
        pad=p.s2_window // 2,
        k=p.s2_k,
        radius=p.s2_radius,
        a_plus=p.a_plus,
        a_minus=p.a_minus,
        epochs=p.epochs,
        adapt_every=p.adapt_every,
        a_plus_max=p.a_plus_max,
    )


# ----------------------------------------------------------------------------------------------
# Multi-scale S1/C1, S2 learning, C2 features


def encode_scales_2016(images, params: Conv2016Params = DEFAULT_2016):
    """Pixel latency code of each image at every scale, stacked into one padded array.

    Returns
    -------
    times : int16 array (n, n_scales, 1, height, width)
        Spike bin of each pixel at each scale (scale ``s`` fills the top-left
        ``round(scale·height)`` pixels; the rest and silent pixels hold ``n_steps``).
    sizes : int array (n_scales, 2)
        Height and width of each scaled image [px].
    """
    images = check_pixels(images)
    n, h, w = images.shape
    out = np.full((n, len(params.scales), 1, h, w), params.n_steps, dtype=np.int16)
    sizes = np.zeros((len(params.scales), 2), dtype=np.int64)
    for s, scale in enumerate(params.scales):
        hs, ws = max(1, round(h * scale)), max(1, round(w * scale))
        scaled = np.einsum("ij,njk,lk->nil", _resize_matrix(h, hs), images, _resize_matrix(w, ws))
        scaled = np.clip(scaled, 0.0, 255.0)
        t = encode_latency(
            scaled, t_max_ms=params.n_steps - 1.0, dt=1.0, brighter_first=params.brighter_first
        )
        t = np.where(np.isinf(t), params.n_steps, t).reshape(n, hs, ws)
        out[:, s, 0, :hs, :ws] = t.astype(np.int16)
        sizes[s] = hs, ws
    return out, sizes


def gabor_bank(params: Conv2016Params = DEFAULT_2016) -> np.ndarray:
    """Return the fixed S1 kernels: float array (n_orientations, 1, window, window)."""
    return np.stack([gabor_kernel(params.gabor_window, o) for o in params.orientations_deg])[
        :, None
    ]


def c1_times_2016(images, params: Conv2016Params = DEFAULT_2016):
    """Return the C1 spike times of every image at every scale.

    S1 Gabor IF → first-spike pooling → one orientation per position.

    Returns
    -------
    times : int16 array (n, n_scales, n_orientations, c1_h, c1_w)
    c1_sizes : int array (n_scales, 2)
        The part of each scale's C1 map that lies inside the scaled image.
    """
    p = _check_2016(params)
    pixels, sizes = encode_scales_2016(images, p)
    n, n_scales, _, h, w = pixels.shape
    pad = p.c1_window // 2
    ch = (h + 2 * pad - p.c1_window) // p.c1_stride + 1
    cw = (w + 2 * pad - p.c1_window) // p.c1_stride + 1
    c1_sizes = (sizes + 2 * pad - p.c1_window) // p.c1_stride + 1
    out = np.empty((n, n_scales, len(p.orientations_deg), ch, cw), dtype=np.int16)
    _c1_batch(
        pixels,
        gabor_bank(p),
        p.s1_v_th,
        p.n_steps,
        p.gabor_window // 2,
        sizes,
        c1_sizes,
        p.c1_window,
        p.c1_stride,
        pad,
        out,
    )
    return out, c1_sizes


def train_convsnn_2016(
    images,
    labels,
    params: Conv2016Params = DEFAULT_2016,
    *,
    rng: np.random.Generator,
    progress: bool = False,
    readout: bool = True,
) -> Conv2016Model:
    """Learn the S2 prototypes with STDP over all scales, then fit the linear SVM on C2.

    Parameters
    ----------
    images, labels : training images (n, height, width) of pixels 0–255, and their classes
    params : Conv2016Params
    rng : numpy.random.Generator
        Draws the initial prototypes and the image order of each epoch.
    progress, readout : bool
        Show progress bars; fit the SVM (False: STDP only, the readout arrays stay empty).

    References
    ----------
    Kheradpisheh, Ganjtabesh & Masquelier (2016), *Neurocomputing* 205:382.
    """
    require_rng(rng)
    p = _check_2016(params)
    images = check_pixels(images)
    labels = check_labels(labels, images.shape[0])
    c1, c1_sizes = c1_times_2016(images, p)
    w2 = init_weights(rng, (p.s2_maps, len(p.orientations_deg), p.s2_window, p.s2_window), p)
    train_stdp_layer(
        c1, w2, s2_layer(p), rng=rng, progress=progress, description="S2 STDP", valid_sizes=c1_sizes
    )
    model = Conv2016Model(p, w2, np.zeros((0, 0)), np.zeros(0))
    if readout:
        from snnedu.networks.convsnn.readout import fit_readout

        model = fit_readout(model, images, labels)
    return model


def features_2016(model: Conv2016Model, images) -> np.ndarray:
    """Return the C2 features, float32 array (n, s2_maps).

    For each prototype, the largest S2 potential over positions and scales (threshold ∞)
    divided by the kernel size.
    """
    p = model.params
    c1, c1_sizes = c1_times_2016(images, p)
    out = np.empty((c1.shape[0], p.s2_maps))
    _c2_batch(c1, model.w2, p.n_steps, p.s2_window // 2, c1_sizes, out)
    return (out / model.w2[0].size).astype(np.float32)


def layer_times_2016(model: Conv2016Model, image) -> dict[str, np.ndarray]:
    """Return the spike-time maps of one image at every scale.

    ``"input"`` (n_scales, h, w), ``"S1"``, ``"C1"``, ``"S2"`` (n_scales, n_maps, h, w);
    ``n_steps`` marks silence.
    """
    p = _check_2016(model.params)
    pixels, sizes = encode_scales_2016(image, p)
    x = pixels[0]
    s1, _ = conv_fire(x, gabor_bank(p), p.s1_v_th, p.n_steps, p.gabor_window // 2)
    _mask(s1, sizes, p.n_steps)
    pad = p.c1_window // 2
    c1_sizes = (sizes + 2 * pad - p.c1_window) // p.c1_stride + 1
    c1 = pool_first_spike(s1, p.c1_window, p.c1_stride, p.n_steps, pad)
    _mask(c1, c1_sizes, p.n_steps)
    inhibit_kernel(c1, np.zeros(c1.shape), p.n_steps)
    s2, _ = conv_fire(c1, model.w2, p.s2_v_th, p.n_steps, p.s2_window // 2)
    _mask(s2, c1_sizes, p.n_steps)
    return {"input": x[:, 0], "S1": s1, "C1": c1, "S2": s2}


# ----------------------------------------------------------------------------------------------
# Checks, helpers and batch kernels (parallel over images)


def _check_2016(p: Conv2016Params) -> Conv2016Params:
    if not isinstance(p, Conv2016Params):
        raise ValueError(f"params must be Conv2016Params, got {type(p).__name__}.")
    check_common(p)
    if len(p.scales) == 0 or not all(0 < s <= 1 for s in p.scales):
        raise ValueError(f"scales must be numbers in (0, 1], got {p.scales!r}.")
    if len(p.orientations_deg) == 0:
        raise ValueError("orientations_deg is empty; give at least one orientation.")
    for name in ("gabor_window", "c1_window", "c1_stride", "s2_maps", "s2_window", "s2_k"):
        require_whole(p, name, 1)
    for name in ("s2_radius", "epochs"):
        require_whole(p, name, 0)
    for name in ("s1_v_th", "s2_v_th"):
        if not getattr(p, name) > 0:
            raise ValueError(f"{name} must be > 0, got {getattr(p, name)!r}.")
    return p


def _mask(times, sizes, n_steps):
    """Silence, in place, the part of each scale's maps that lies outside its image."""
    mask_outside_kernel(
        times, np.zeros(times.shape), np.ascontiguousarray(sizes, np.int64), n_steps
    )


def _resize_matrix(n_in: int, n_out: int) -> np.ndarray:
    """Linear interpolation matrix (n_out, n_in) mapping pixel centres onto pixel centres."""
    if n_out == n_in:
        return np.eye(n_in)
    centres = (np.arange(n_out) + 0.5) * n_in / n_out - 0.5
    matrix = np.zeros((n_out, n_in))
    for j, c in enumerate(np.clip(centres, 0, n_in - 1)):
        lo = math.floor(c)
        hi = min(lo + 1, n_in - 1)
        matrix[j, lo] += 1.0 - (c - lo)
        matrix[j, hi] += c - lo
    return matrix


@parallel_jit
def _c1_batch(pixels, gabors, v_th, n_steps, pad, sizes, c1_sizes, window, stride, pool_pad, out):
    """Numba kernel: S1 (Gabor IF) → C1 pooling → one orientation per position.

    Per image and scale, into ``out``; no checks.
    """
    n, n_scales, _, h, w = pixels.shape
    for i in prange(n):
        t = np.empty((n_scales, gabors.shape[0], h, w), np.int16)
        v = np.empty(t.shape)
        conv_fire_kernel(pixels[i], gabors, v_th, n_steps, pad, t, v)
        mask_outside_kernel(t, v, sizes, n_steps)
        pool_kernel(t, window, stride, pool_pad, n_steps, out[i])
        zeros = np.zeros(out[i].shape)
        mask_outside_kernel(out[i], zeros, c1_sizes, n_steps)
        inhibit_kernel(out[i], zeros, n_steps)


@parallel_jit
def _c2_batch(c1, w2, n_steps, pad, c1_sizes, out):
    """Per image and S2 prototype, the largest potential over positions and scales (threshold ∞)."""
    n, n_scales, _, h, w = c1.shape
    size = w2.shape[2]
    for i in prange(n):
        t = np.empty(
            (n_scales, w2.shape[0], h + 2 * pad - size + 1, w + 2 * pad - size + 1), np.int16
        )
        v = np.empty(t.shape)
        conv_fire_kernel(c1[i], w2, np.inf, n_steps, pad, t, v)
        mask_outside_kernel(t, v, c1_sizes, n_steps)
        for f in range(w2.shape[0]):
            out[i, f] = v[:, f].max()
