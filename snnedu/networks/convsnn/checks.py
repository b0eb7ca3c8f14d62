"""Input checks shared by the convolutional networks: each raises a ``ValueError`` naming the
bad value and what to do (never a numba typing error).
"""

from __future__ import annotations

import math

import numpy as np


def check_pixels(images) -> np.ndarray:
    try:
        images = np.asarray(images, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError("images must be an array of pixel values in [0, 255].") from None
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3 or images.shape[0] == 0 or min(images.shape[1:]) < 4:
        raise ValueError(
            f"images must be (n, height, width) with at least 4×4 pixels, got shape {images.shape}."
        )
    if not np.all(np.isfinite(images)) or images.min() < 0 or images.max() > 255:
        raise ValueError("pixel values must be finite and in [0, 255]; scale [0, 1] images by 255.")
    return np.ascontiguousarray(images)


def check_labels(labels, n) -> np.ndarray:
    labels = np.asarray(labels)
    if labels.shape != (n,) or labels.dtype.kind not in "iu":
        raise ValueError(
            f"labels must be {n} integer class indices (one per image), got "
            f"{labels.dtype} {labels.shape}."
        )
    return labels.astype(np.int64)


def require_rng(rng) -> None:
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            f"rng must be a numpy.random.Generator (np.random.default_rng(seed)), "
            f"got {type(rng).__name__}."
        )


def init_weights(rng, shape, p) -> np.ndarray:
    return np.clip(rng.normal(p.w_mean, p.w_std, size=shape), 0.0, 1.0)


def check_feature_index(feature, n) -> int:
    if int(feature) != feature or not 0 <= feature < n:
        raise ValueError(f"feature must be an index in [0, {n - 1}], got {feature!r}.")
    return int(feature)


def check_common(p) -> None:
    require_whole(p, "n_steps", 1)
    if p.n_steps > 32000:
        raise ValueError(f"n_steps={p.n_steps} is too many time bins; use at most 32000.")
    for name in ("a_plus", "a_minus", "a_plus_max", "w_std", "svm_c"):
        value = getattr(p, name)
        if not (isinstance(value, (int, float)) and math.isfinite(value) and value >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {value!r}.")
    if not 0 <= p.w_mean <= 1:
        raise ValueError(f"w_mean must lie in [0, 1], got {p.w_mean!r}.")
    require_whole(p, "adapt_every", 0)


def require_whole(p, name, minimum) -> None:
    value = getattr(p, name)
    if not isinstance(value, (int, np.integer)) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
