"""Input checks of the convolutional networks.

Each raises a ``ValueError`` naming the bad value and what to do (never a numba typing error);
the generic checks come from :mod:`snnedu.core.validation`.
"""

from __future__ import annotations

import math

import numpy as np

from snnedu.core.validation import labels_array, pixels_array, positive_int, require_rng

__all__ = [
    "check_common",
    "check_feature_index",
    "check_labels",
    "check_pixels",
    "init_weights",
    "require_rng",
    "require_whole",
]


def check_pixels(images) -> np.ndarray:
    """Return a stack of images as a contiguous float64 array (n, height, width).

    A single 2-D image becomes a stack of one.

    Raises
    ------
    ValueError
        If the pixels are not finite values in [0, 255] or an image is smaller than 4 × 4.
    """
    images = pixels_array("images", images)
    if images.ndim == 2:
        images = images[None]
    if images.ndim != 3 or min(images.shape[1:]) < 4:
        raise ValueError(
            f"images must be (n, height, width) with at least 4×4 pixels, got shape {images.shape}."
        )
    return images


def check_labels(labels, n) -> np.ndarray:
    """Return ``labels`` as an int64 array of ``n`` class indices, or raise a ``ValueError``."""
    return labels_array(labels, n)


def init_weights(rng, shape, p) -> np.ndarray:
    """Draw initial weights from N(``p.w_mean``, ``p.w_std``) clipped to [0, 1]."""
    return np.clip(rng.normal(p.w_mean, p.w_std, size=shape), 0.0, 1.0)


def check_feature_index(feature, n) -> int:
    """Return ``feature`` as an int in [0, n), or raise a ``ValueError``."""
    if int(feature) != feature or not 0 <= feature < n:
        raise ValueError(f"feature must be an index in [0, {n - 1}], got {feature!r}.")
    return int(feature)


def check_common(p) -> None:
    """Check the fields both networks' parameter sets share (time bins, STDP rates, readout).

    Raises
    ------
    ValueError
        Naming the first field that is out of range.
    """
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
    """Raise a ``ValueError`` unless field ``name`` of ``p`` is an int >= ``minimum``.

    Unlike :func:`~snnedu.core.validation.positive_int` a float is refused: the field goes
    into a compiled kernel as it is.
    """
    value = getattr(p, name)
    if not isinstance(value, (int, np.integer)):
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    positive_int(name, value, minimum)
