"""The layer-wise STDP training loop shared by both networks.

The outer loop over images runs in Python (progress bar, Ctrl-C), one image per numba call.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.jit import jit
from snnedu.models.convsnn_layers import (
    conv_fire_kernel,
    inhibit_kernel,
    k_winners_kernel,
    mask_outside_kernel,
    stdp_kernel,
)
from snnedu.networks.convsnn.checks import require_rng


class STDPLayer(NamedTuple):
    """How one convolutional layer learns with STDP (K2018 §2.5, eq. 3; SpykeTorch's schedule).

    Built from a network's parameters by ``conv1_layer`` / ``conv2_layer`` (2018) or
    ``s2_layer`` (2016); thresholds are in units of summed weights (a weight is in [0, 1]).
    """

    v_th: float  # firing threshold (summed weights)
    n_steps: int  # time bins per image
    pad: int  # px, zero padding (silent inputs) on each side
    k: int  # learning winners per image
    radius: int  # px, inter-map exclusion around a winner
    a_plus: float  # LTP rate
    a_minus: float  # LTD rate (subtracted)
    epochs: int = 1  # passes over the images
    adapt_every: int = 0  # images between doublings of a_plus (0 = fixed rates)
    a_plus_max: float = 0.15  # cap of the adaptive a_plus
    inhibit_input: bool = False  # lateral inhibition on the input maps first (SpykeTorch: conv2)


def train_stdp_layer(
    in_times,
    weights,
    layer: STDPLayer,
    *,
    rng: np.random.Generator,
    progress: bool = False,
    description: str = "STDP",
    valid_sizes=None,
) -> np.ndarray:
    """Train one convolutional layer with STDP, image by image, in place on ``weights``.

    Per image: IF convolution → lateral inhibition → k winners → STDP on their kernels.

    Parameters
    ----------
    in_times : int16 array (n_images, n_scales, n_in, height, width) or (n_images, n_in, h, w)
        The layer's input spike times for every image (earlier layers are fixed).
    weights : float array (n_maps, n_in, k, k)
        Updated in place and returned (so an interrupted run keeps what it learned).
    layer : STDPLayer
        Threshold, winners, rates and epochs. With ``adapt_every > 0``, ``a_plus`` doubles
        every that many images up to ``a_plus_max``, with ``a_minus = 0.75 a_plus``
        (SpykeTorch's schedule).
    rng : numpy.random.Generator
        The image order of each epoch.
    valid_sizes : int array (n_scales, 2), optional
        Per scale, the part of the output maps that lies inside the image.
    """
    from tqdm.auto import tqdm

    require_rng(rng)
    in_times = np.asarray(in_times)
    if in_times.ndim == 4:
        in_times = in_times[:, None]
    if in_times.ndim != 5 or in_times.dtype != np.int16:
        raise ValueError(
            f"in_times must be int16 (n_images, [n_scales,] n_in, h, w), got "
            f"{in_times.dtype} {in_times.shape}."
        )
    if weights.shape[1] != in_times.shape[2]:
        raise ValueError(f"weights expect {weights.shape[1]} input maps, got {in_times.shape[2]}.")
    if not isinstance(layer, STDPLayer):
        raise ValueError(f"layer must be an STDPLayer, got {type(layer).__name__}.")
    epochs = int(layer.epochs)
    if epochs < 0:
        raise ValueError(f"epochs must be >= 0, got {layer.epochs}.")
    pad = int(layer.pad)
    a_plus, a_minus = float(layer.a_plus), float(layer.a_minus)
    n_scales = in_times.shape[1]
    if valid_sizes is None:
        valid_sizes = np.tile(
            np.array(in_times.shape[3:]) + 2 * pad - weights.shape[2] + 1, (n_scales, 1)
        )
    valid_sizes = np.ascontiguousarray(valid_sizes, dtype=np.int64)
    n = in_times.shape[0]
    seen = 0
    bar = tqdm(total=epochs * n, desc=description, disable=not progress, unit="img")
    for _ in range(epochs):
        for i in rng.permutation(n):
            _stdp_step(
                in_times[i],
                weights,
                float(layer.v_th),
                int(layer.n_steps),
                pad,
                int(layer.k),
                int(layer.radius),
                a_plus,
                a_minus,
                bool(layer.inhibit_input),
                valid_sizes,
            )
            seen += 1
            if layer.adapt_every > 0 and seen % layer.adapt_every == 0:
                a_plus = min(2.0 * a_plus, float(layer.a_plus_max))
                a_minus = 0.75 * a_plus
            bar.update()
    bar.close()
    return weights


def convergence_index(weights) -> float:
    """Return the convergence index ``C = mean w(1 − w)`` of a layer's weights.

    0.16 at ``w = 0.8``, → 0 as the weights go to 0 or 1 (learning has converged).

    References
    ----------
    Kheradpisheh, Ganjtabesh, Thorpe & Masquelier (2018), *Neural Networks* 99:56, eq. 4.
    """
    weights = np.asarray(weights, dtype=float)
    return float(np.mean(weights * (1.0 - weights)))


# ----------------------------------------------------------------------------------------------
# Kernel


@jit
def _stdp_step(
    in_times, weights, v_th, n_steps, pad, k, radius, a_plus, a_minus, inhibit_input, valid_sizes
):
    """Numba kernel: one image's STDP step on a layer.

    IF convolution → mask outside each scale → lateral inhibition → k winners → STDP on their
    kernels (in place on ``weights``); returns the number of winners.
    """
    x = in_times
    if inhibit_input:
        x = in_times.copy()
        inhibit_kernel(x, np.zeros(x.shape), n_steps)
    n_scales, _, height, width = x.shape
    size = weights.shape[2]
    times = np.empty(
        (n_scales, weights.shape[0], height + 2 * pad - size + 1, width + 2 * pad - size + 1),
        dtype=np.int16,
    )
    v = np.empty(times.shape)
    conv_fire_kernel(x, weights, v_th, n_steps, pad, times, v)
    mask_outside_kernel(times, v, valid_sizes, n_steps)
    inhibit_kernel(times, v, n_steps)
    winners = np.empty((k, 4), dtype=np.int64)
    count = k_winners_kernel(times, v, k, radius, n_steps, winners)
    stdp_kernel(weights, x, times, winners, count, a_plus, a_minus, pad)
    return count
