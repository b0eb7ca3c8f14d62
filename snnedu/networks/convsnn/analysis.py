"""What a trained network holds: parameter counts, and the input each learned feature prefers."""

from __future__ import annotations

import numpy as np

from snnedu.models.convsnn_layers import dog_kernel
from snnedu.networks.convsnn.checks import check_feature_index
from snnedu.networks.convsnn.net2016 import Conv2016Model, gabor_bank
from snnedu.networks.convsnn.net2018 import Conv2018Model

ALEXNET_PARAMETERS = 60_000_000
"""The "60 million parameters" of the deep convnet the lecture compares with (AlexNet:
Krizhevsky, Sutskever & Hinton 2012, NIPS 25)."""


def count_parameters(model) -> dict[str, int]:
    """Count the learned and fixed numbers of a network, by layer."""
    p = model.params
    if isinstance(model, Conv2018Model):
        return {
            "DoG (fixed)": 2 * p.dog_window**2,
            "conv1 (STDP)": model.w1.size,
            "conv2 (STDP)": model.w2.size,
            "readout (SVM)": model.readout_w.size + model.readout_b.size,
        }
    return {
        "S1 Gabor (fixed)": len(p.orientations_deg) * p.gabor_window**2,
        "S2 (STDP)": model.w2.size,
        "readout (SVM)": model.readout_w.size + model.readout_b.size,
    }


def preferred_input(model, layer: str, feature: int, scale: int = 0) -> np.ndarray:
    """Return the input pattern a learned feature responds to most.

    That is its kernel projected back through the fixed layers (DoG / Gabor filters, pooling
    as upsampling).

    Parameters
    ----------
    layer : ``"conv1"`` or ``"conv2"`` (2018), ``"S2"`` (2016)
    feature : int
        Map index.
    scale : int
        (2016) scale index: the pattern is resized to the original image's pixel size, so the
        same prototype looks smaller at coarser scales.

    Returns
    -------
    pattern : float array (h, w), in units of input pixels
    """
    from scipy.ndimage import zoom
    from scipy.signal import convolve2d

    if isinstance(model, Conv2018Model):
        p = model.params
        dogs = [
            dog_kernel(p.dog_window, p.dog_sigma_center, p.dog_sigma_surround),
            dog_kernel(p.dog_window, p.dog_sigma_surround, p.dog_sigma_center),
        ]
        if layer not in ("conv1", "conv2"):
            raise ValueError(
                f"layer must be 'conv1' or 'conv2' for the 2018 network, got {layer!r}."
            )
        w = model.w1 if layer == "conv1" else model.w2
        feature = check_feature_index(feature, w.shape[0])
        conv1 = [
            sum(convolve2d(model.w1[f, c], dogs[c]) for c in range(2))
            for f in range(model.w1.shape[0])
        ]
        if layer == "conv1":
            return conv1[feature]
        up = np.ones((p.pool1_window, p.pool1_window)) / p.pool1_window**2
        return sum(
            convolve2d(np.kron(model.w2[feature, c], up), conv1[c])
            for c in range(model.w1.shape[0])
        )
    if isinstance(model, Conv2016Model):
        p = model.params
        if layer != "S2":
            raise ValueError(f"layer must be 'S2' for the 2016 network, got {layer!r}.")
        feature = check_feature_index(feature, model.w2.shape[0])
        if not 0 <= int(scale) < len(p.scales):
            raise ValueError(f"scale must be in [0, {len(p.scales) - 1}], got {scale}.")
        gabors = gabor_bank(p)[:, 0]
        up = np.ones((p.c1_stride, p.c1_stride))
        pattern = sum(
            convolve2d(np.kron(model.w2[feature, o], up), gabors[o]) for o in range(len(gabors))
        )
        return zoom(pattern, 1.0 / p.scales[int(scale)], order=1)
    raise ValueError(f"model must be a Conv2016Model or Conv2018Model, got {type(model).__name__}.")
