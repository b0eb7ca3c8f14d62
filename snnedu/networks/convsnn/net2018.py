"""The deep MNIST network of Kheradpisheh, Ganjtabesh, Thorpe & Masquelier (2018).

Kheradpisheh, Ganjtabesh, Thorpe & Masquelier (2018, *Neural Networks* 99:56), MNIST 98.4 % in
the paper::

    image → DoG on/off → rank-order latency (n_steps bins)
      → conv1 (STDP, lateral inhibition, k-WTA) → first-spike pool
      → conv2 (STDP, lateral inhibition, k-WTA) → first-spike pool → linear SVM

The STDP part follows the SpykeTorch reproduction (Mozafari et al. 2019, *Front. Neurosci.*
13:625, ``KheradpishehDeep.py``): 15 time bins; DoG threshold 50 and 17×17 local
normalisation; conv1 32 maps 5×5, threshold 10, k = 5, radius 2, learning rate doubled every
500 images up to a⁺ = 0.15 (a⁻ = 0.75 a⁺); conv2 150 maps 2×2, threshold 1, k = 8, radius 1.
Where the paper differs (30 bins; 30 and 100 maps; 5×5 conv2 with threshold 10; fixed rates;
global max of conv2 potentials with threshold ∞ as the 100 features) :data:`PAPER_2018` sets
the paper's values.

The readout codes (:func:`features_2018`): SpykeTorch feeds the pooled conv2 spikes as 0/1
(150 × 9 × 9 features) to ``LinearSVC(C=2.4)`` (``readout="spikes"``, :data:`SPYKETORCH_2018`);
``readout="latency"`` keeps *when* each pooled neuron fired, ``(n_steps − t) / n_steps``
(earlier = more evidence, the network's own code), and ``readout_pool1`` appends the pool1
spikes pooled again. The defaults of ``readout``, ``readout_pool1``, ``readout_shift`` and
``svm_c`` are the ones :func:`~snnedu.networks.convsnn.select_readout` chose on an MNIST
validation split (README, "Speed and accuracy"). The epochs per layer are ours as well: the
paper stops a layer when the convergence index ``C = mean w(1 − w)`` falls below 0.01;
SpykeTorch runs 2 and 20 epochs over 60,000 images; we default to 2 and 4 epochs over the
training set given.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.jit import parallel_jit, prange
from snnedu.models.convsnn_layers import (
    conv_fire,
    conv_fire_kernel,
    dog_kernel,
    filter_images,
    local_normalization,
    pool_first_spike,
    pool_kernel,
    rank_order_latency,
)
from snnedu.networks.convsnn.checks import (
    check_common,
    check_labels,
    check_pixels,
    init_weights,
    require_rng,
    require_whole,
)
from snnedu.networks.convsnn.stdp import STDPLayer, train_stdp_layer


class Conv2018Params(NamedTuple):
    """The deep MNIST network (K2018), defaults of the SpykeTorch reproduction.

    Sources: Kheradpisheh et al. (2018) §2, §3.3; SpykeTorch ``KheradpishehDeep.py``. Sizes
    are in pixels, thresholds in units of summed weights (a weight is in [0, 1]).
    """

    n_steps: int = 15  # time bins per image (paper: 30)
    dog_window: int = 7  # px
    dog_sigma_center: float = 1.0  # px
    dog_sigma_surround: float = 2.0  # px
    dog_threshold: float = 50.0  # DoG response units (pixels 0–255, kernel max 1)
    norm_radius: int = 8  # px, local normalisation (0 = off; not in the paper)
    conv1_maps: int = 32  # paper: 30
    conv1_window: int = 5  # px
    conv1_v_th: float = 10.0  # paper: 15
    conv1_k: int = 5  # learning winners per image
    conv1_radius: int = 2  # px, inter-map exclusion around a winner
    pool1_window: int = 2  # px (stride = window)
    pool1_pad: int = 1  # px
    conv2_maps: int = 150  # paper: 100
    conv2_window: int = 2  # px (paper: 5)
    conv2_v_th: float = 1.0  # paper: 10
    conv2_k: int = 8
    conv2_radius: int = 1  # px
    pool2_window: int = 2  # px (stride = window)
    pool2_pad: int = 1  # px
    readout: str = "latency"  # pooled conv2 spikes: "latency" (earliness) or "spikes" (0/1);
    #                           "potential": per map, global max of V with threshold ∞ (paper)
    readout_pool1: int = 0  # px; also read pool1 out through this first-spike pool (0 = off)
    readout_shift: int = 1  # px; the SVM also learns from the training images moved by ±this
    #                         many px along each axis (4 more copies; 0 = off, as the papers)
    a_plus: float = 0.004  # LTP rate
    a_minus: float = 0.003  # LTD rate (subtracted)
    a_plus_max: float = 0.15  # cap of the adaptive conv1 rate
    adapt_every: int = 500  # images between doublings of conv1's a_plus (0 = fixed rate)
    w_mean: float = 0.8  # initial weights ~ N(w_mean, w_std)
    w_std: float = 0.05
    epochs1: int = 2  # passes over the training images for conv1
    epochs2: int = 4  # passes for conv2
    svm_c: float = 0.03  # LinearSVC C, chosen on MNIST validation (SpykeTorch: 2.4, "spikes")


PAPER_2018 = Conv2018Params(
    n_steps=30,
    norm_radius=0,
    conv1_maps=30,
    conv1_v_th=15.0,
    conv2_maps=100,
    conv2_window=5,
    conv2_v_th=10.0,
    readout="potential",
    readout_pool1=0,
    readout_shift=0,
    adapt_every=0,
    svm_c=2.4,
)
"""The architecture and readout as the K2018 paper states them (MNIST, §3.3); the DoG threshold,
the epochs and the winner counts are not in the paper and keep the reproduction's values."""


SPYKETORCH_2018 = Conv2018Params(readout="spikes", readout_pool1=0, readout_shift=0, svm_c=2.4)
"""SpykeTorch's ``KheradpishehDeep.py`` throughout, readout included (0/1 pooled conv2 spikes,
``LinearSVC(C=2.4)``)."""


DEFAULT_2018 = Conv2018Params()
"""The 2018 network's default parameters (SpykeTorch's reproduction)."""


class Conv2018Model(NamedTuple):
    """A trained 2018 network: kernels and the linear readout (``scores = f @ readout_w.T + b``)."""

    params: Conv2018Params
    w1: np.ndarray  # (conv1_maps, 2, k1, k1)
    w2: np.ndarray  # (conv2_maps, conv1_maps, k2, k2)
    readout_w: np.ndarray  # (n_classes, n_features); empty before the readout is fitted
    readout_b: np.ndarray  # (n_classes,)


def conv1_layer(p: Conv2018Params) -> STDPLayer:
    """How conv1 learns: its threshold, winners and the adaptive rate of ``p``."""
    return STDPLayer(
        v_th=p.conv1_v_th,
        n_steps=p.n_steps,
        pad=p.conv1_window // 2,
        k=p.conv1_k,
        radius=p.conv1_radius,
        a_plus=p.a_plus,
        a_minus=p.a_minus,
        epochs=p.epochs1,
        adapt_every=p.adapt_every,
        a_plus_max=p.a_plus_max,
    )


def conv2_layer(p: Conv2018Params) -> STDPLayer:
    """How conv2 learns: fixed rates, lateral inhibition on its input (SpykeTorch)."""
    return STDPLayer(
        v_th=p.conv2_v_th,
        n_steps=p.n_steps,
        pad=p.conv2_window // 2,
        k=p.conv2_k,
        radius=p.conv2_radius,
        a_plus=p.a_plus,
        a_minus=p.a_minus,
        epochs=p.epochs2,
        adapt_every=0,
        a_plus_max=p.a_plus_max,
        inhibit_input=True,
    )


# ----------------------------------------------------------------------------------------------
# Encoding, training, features


def encode_dog_latency(images, params: Conv2018Params = DEFAULT_2018) -> np.ndarray:
    """DoG on/off responses → threshold → local normalisation → rank-order spike times.

    Parameters
    ----------
    images : array (n, height, width) or (height, width), pixels in [0, 255]

    Returns
    -------
    times : int16 array (n, 2, height, width)
        Time bin of each on (channel 0) and off (channel 1) cell, ``n_steps`` = silent.
    """
    images = check_pixels(images)
    on = dog_kernel(params.dog_window, params.dog_sigma_center, params.dog_sigma_surround)
    off = dog_kernel(params.dog_window, params.dog_sigma_surround, params.dog_sigma_center)
    out = np.empty((images.shape[0], 2, *images.shape[1:]), dtype=np.int16)
    for start in range(0, images.shape[0], 2000):  # bounded memory for 60,000 images
        part = filter_images(
            images[start : start + 2000], np.stack([on, off]), params.dog_threshold
        )
        if params.norm_radius > 0:
            part = local_normalization(part, params.norm_radius)
        out[start : start + 2000] = rank_order_latency(part, params.n_steps)
    return out


def train_convsnn_2018(
    images,
    labels,
    params: Conv2018Params = DEFAULT_2018,
    *,
    rng: np.random.Generator,
    progress: bool = False,
    readout: bool = True,
) -> Conv2018Model:
    """Train conv1 then conv2 with STDP (layer by layer), then fit the linear SVM readout.

    Parameters
    ----------
    images : uint8 array (n, 28, 28)
        Training images, pixels 0–255.
    labels : int array (n,)
    params : Conv2018Params
    rng : numpy.random.Generator
        Initial weights and the image order of each epoch.
    progress : bool
        Show tqdm progress bars.
    readout : bool
        Fit the SVM (False: STDP only; the readout arrays are empty).
    """
    require_rng(rng)
    params = _check_2018(params)
    images = check_pixels(images)
    labels = check_labels(labels, images.shape[0])
    p = params
    encoded = encode_dog_latency(images, p)
    w1 = init_weights(rng, (p.conv1_maps, 2, p.conv1_window, p.conv1_window), p)
    w2 = init_weights(rng, (p.conv2_maps, p.conv1_maps, p.conv2_window, p.conv2_window), p)
    train_stdp_layer(
        encoded, w1, conv1_layer(p), rng=rng, progress=progress, description="conv1 STDP"
    )
    pooled = pool1_times(encoded, w1, p)
    train_stdp_layer(
        pooled, w2, conv2_layer(p), rng=rng, progress=progress, description="conv2 STDP"
    )
    model = Conv2018Model(p, w1, w2, np.zeros((0, 0)), np.zeros(0))
    if readout:
        from snnedu.networks.convsnn.readout import fit_readout

        model = fit_readout(model, images, labels)
    return model


def pool1_times(encoded, w1, p: Conv2018Params) -> np.ndarray:
    """Return the pool1 spike times of every image (conv1 → first-spike pooling, no inhibition).

    int16 (n, conv1_maps, h, w), ``n_steps`` = silent. ``encoded``: :func:`encode_dog_latency`.
    """
    n, _, h, w = encoded.shape
    pad = p.conv1_window // 2
    h1, w1_ = h + 2 * pad - p.conv1_window + 1, w + 2 * pad - p.conv1_window + 1
    hp = (h1 + 2 * p.pool1_pad - p.pool1_window) // p.pool1_window + 1
    wp = (w1_ + 2 * p.pool1_pad - p.pool1_window) // p.pool1_window + 1
    out = np.empty((n, w1.shape[0], hp, wp), dtype=np.int16)
    _pool1_kernel(
        encoded, w1, float(p.conv1_v_th), p.n_steps, pad, p.pool1_window, p.pool1_pad, out
    )
    return out


def features_2018(model: Conv2018Model, images) -> np.ndarray:
    """Spiking features of each image (no inhibition, no learning: the inference path).

    Returns
    -------
    features : float32 array (n, n_features), values in [0, 1]
        ``readout="latency"``: ``(n_steps − t) / n_steps`` of each pooled conv2 neuron (maps ×
        rows × columns; earlier spike → larger, silent → 0); ``"spikes"``: 1 where it fired
        (SpykeTorch); ``"potential"``: per conv2 map, the largest potential reached with
        threshold ∞, divided by the kernel size (K2018). With ``readout_pool1 > 0`` the pool1
        spikes, pooled again over ``readout_pool1`` px, are appended in the same code.
    """
    p = model.params
    return assemble_2018(feature_parts_2018(model, images, p.readout, (p.readout_pool1,)), p)


def feature_parts_2018(model: Conv2018Model, images, readout: str, pool1_windows) -> dict:
    """Return the raw readout quantities.

    ``"conv2"`` (pooled conv2 spike times, int16 (n, m), or the
    potentials for ``readout="potential"``) and ``"pool1"``: for each of ``pool1_windows``,
    the pool1 times pooled again over that many px (None for 0).
    """
    p = model.params
    encoded = encode_dog_latency(images, p)
    pooled = pool1_times(encoded, model.w1, p)
    n, _, h, w = pooled.shape
    pad = p.conv2_window // 2
    h2, w2 = h + 2 * pad - p.conv2_window + 1, w + 2 * pad - p.conv2_window + 1
    if readout == "potential":
        out = np.empty((n, p.conv2_maps))
        _potential_batch(pooled, model.w2, p.n_steps, pad, h2, w2, out)
        conv2 = (out / model.w2[0].size).astype(np.float32)
    else:
        hp = (h2 + 2 * p.pool2_pad - p.pool2_window) // p.pool2_window + 1
        wp = (w2 + 2 * p.pool2_pad - p.pool2_window) // p.pool2_window + 1
        out = np.empty((n, p.conv2_maps, hp, wp), dtype=np.int16)
        _spike_times_batch(
            pooled, model.w2, p.conv2_v_th, p.n_steps, pad, h2, w2, p.pool2_window, p.pool2_pad, out
        )
        conv2 = out.reshape(n, -1)
    pool1 = {}
    for window in pool1_windows:
        pool1[window] = None
        if window > 0:
            size = (h - window) // window + 1, (w - window) // window + 1
            extra = np.empty((n, p.conv1_maps, *size), dtype=np.int16)
            _pool_batch(pooled, window, p.n_steps, extra)
            pool1[window] = extra.reshape(n, -1)
    return {"conv2": conv2, "pool1": pool1}


def assemble_2018(parts: dict, p: Conv2018Params, rows=slice(None)) -> np.ndarray:
    """Return the feature matrix of :func:`features_2018` from :func:`feature_parts_2018`.

    Coded as ``p.readout`` says, with the pool1 part if ``p.readout_pool1 > 0``.
    """
    conv2 = parts["conv2"][rows]
    out = [conv2 if p.readout == "potential" else _spike_code(conv2, p)]
    if p.readout_pool1 > 0:
        out.append(_spike_code(parts["pool1"][p.readout_pool1][rows], p))
    return np.hstack(out) if len(out) > 1 else out[0]


def _spike_code(times, p) -> np.ndarray:
    if p.readout == "spikes":
        return (times < p.n_steps).astype(np.float32)
    return ((p.n_steps - times) / p.n_steps).astype(np.float32)


def layer_times_2018(model: Conv2018Model, image) -> dict[str, np.ndarray]:
    """Spike-time maps of one image through the layers (inference path), for plots.

    Returns
    -------
    dict of name → int16 array (n_maps, height, width): ``"DoG"`` (on, off), ``"conv1"``,
    ``"pool1"``, ``"conv2"``, ``"pool2"``; ``n_steps`` marks silence.
    """
    p = model.params
    x = encode_dog_latency(image, p)[0][None]
    t1, _ = conv_fire(x, model.w1, p.conv1_v_th, p.n_steps, p.conv1_window // 2)
    q1 = pool_first_spike(t1, p.pool1_window, p.pool1_window, p.n_steps, p.pool1_pad)
    t2, _ = conv_fire(q1, model.w2, p.conv2_v_th, p.n_steps, p.conv2_window // 2)
    q2 = pool_first_spike(t2, p.pool2_window, p.pool2_window, p.n_steps, p.pool2_pad)
    return {"DoG": x[0], "conv1": t1[0], "pool1": q1[0], "conv2": t2[0], "pool2": q2[0]}


# ----------------------------------------------------------------------------------------------
# Checks and batch kernels (parallel over images)


def _check_2018(p: Conv2018Params) -> Conv2018Params:
    if not isinstance(p, Conv2018Params):
        raise ValueError(f"params must be Conv2018Params, got {type(p).__name__}.")
    check_common(p)
    for name in (
        "conv1_maps",
        "conv1_window",
        "conv1_k",
        "conv2_maps",
        "conv2_window",
        "conv2_k",
        "pool1_window",
        "pool2_window",
        "dog_window",
    ):
        require_whole(p, name, 1)
    for name in (
        "conv1_radius",
        "conv2_radius",
        "pool1_pad",
        "pool2_pad",
        "norm_radius",
        "epochs1",
        "epochs2",
        "readout_shift",
    ):
        require_whole(p, name, 0)
    if p.readout not in ("latency", "spikes", "potential"):
        raise ValueError(f"readout must be 'latency', 'spikes' or 'potential', got {p.readout!r}.")
    for name in ("conv1_v_th", "conv2_v_th"):
        if not getattr(p, name) > 0:
            raise ValueError(f"{name} must be > 0, got {getattr(p, name)!r}.")
    return p


@parallel_jit
def _pool1_kernel(encoded, w1, v_th, n_steps, pad, window, pool_pad, out):
    """Conv1 (threshold ``v_th``) then pool1 of each image into ``out``, parallel over images."""
    n, _, h, w = encoded.shape
    size = w1.shape[2]
    for i in prange(n):
        t = np.empty((1, w1.shape[0], h + 2 * pad - size + 1, w + 2 * pad - size + 1), np.int16)
        v = np.empty(t.shape)
        conv_fire_kernel(encoded[i : i + 1], w1, v_th, n_steps, pad, t, v)
        pool_kernel(t, window, window, pool_pad, n_steps, out[i : i + 1])


@parallel_jit
def _spike_times_batch(pooled, w2, v_th, n_steps, pad, h2, w2_, window, pool_pad, out):
    """Conv2 then pool2 of each image's pool1 times into ``out``, parallel over images."""
    for i in prange(pooled.shape[0]):
        t = np.empty((1, w2.shape[0], h2, w2_), np.int16)
        v = np.empty(t.shape)
        conv_fire_kernel(pooled[i : i + 1], w2, v_th, n_steps, pad, t, v)
        pool_kernel(t, window, window, pool_pad, n_steps, out[i : i + 1])


@parallel_jit
def _pool_batch(times, window, n_steps, out):
    """First-spike pooling of each image's maps over ``window`` px into ``out``."""
    for i in prange(times.shape[0]):
        pool_kernel(times[i : i + 1], window, window, 0, n_steps, out[i : i + 1])


@parallel_jit
def _potential_batch(pooled, w2, n_steps, pad, h2, w2_, out):
    """Per image and conv2 map, the largest potential with threshold ∞ (K2018's features)."""
    for i in prange(pooled.shape[0]):
        t = np.empty((1, w2.shape[0], h2, w2_), np.int16)
        v = np.empty(t.shape)
        conv_fire_kernel(pooled[i : i + 1], w2, np.inf, n_steps, pad, t, v)
        for f in range(w2.shape[0]):
            out[i, f] = v[0, f].max()
