"""Input checks shared by the public functions.

Each raises a ``ValueError`` that names the bad value and says what to do, so a student never
sees a numba typing traceback. Every check of this kind lives here, once: random generators
(:func:`require_rng`), counts (:func:`positive_int`), numbers (:func:`require_positive`, ...),
arrays (:func:`finite_array`), images (:func:`pixels_array`) and class labels
(:func:`labels_array`).

>>> positive_int("n", 3.0)
3
>>> require_rng(42)
Traceback (most recent call last):
...
ValueError: rng must be a numpy.random.Generator, e.g. rng=np.random.default_rng(0); got int.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np


def require_positive(name: str, value: float, unit: str = "") -> float:
    """Return ``float(value)`` or raise if it is not a finite number > 0."""
    value = require_finite(name, value, unit)
    if value <= 0:
        raise ValueError(f"{name} must be > 0{_in(unit)}, got {value!r}; pass a positive number.")
    return value


def require_non_negative(name: str, value: float, unit: str = "") -> float:
    """Return ``float(value)`` or raise if it is not a finite number >= 0."""
    value = require_finite(name, value, unit)
    if value < 0:
        raise ValueError(f"{name} must be >= 0{_in(unit)}, got {value!r}.")
    return value


def require_finite(name: str, value: float, unit: str = "") -> float:
    """Return ``float(value)`` or raise if it is not a finite real number."""
    try:
        value = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be a number{_in(unit)}, got {value!r}.") from None
    if not math.isfinite(value):
        raise ValueError(f"{name} must be finite{_in(unit)}, got {value!r}.")
    return value


def require_params_positive(params, names: Iterable[str]) -> None:
    """Raise if any of the named fields of a params NamedTuple is not > 0."""
    kind = type(params).__name__
    for name in names:
        require_positive(f"{kind}.{name}", getattr(params, name))


def as_float_params(params):
    """Return the same NamedTuple with every float field cast to float.

    ``20`` and ``20.0`` then share one compiled kernel. Fields annotated ``bool`` or ``int``
    (typed flags and counts, e.g. ``HHParams.kinetics``) are cast to their own type instead.
    """
    cast = {"bool": bool, "int": int}
    kinds = {}
    for name, kind in getattr(type(params), "__annotations__", {}).items():
        # the annotation may be a type, a string, or a typing.ForwardRef of a string
        kind = getattr(kind, "__forward_arg__", kind)
        kinds[name] = kind if isinstance(kind, str) else getattr(kind, "__name__", "")
    return type(params)(
        *(
            cast.get(kinds.get(name), float)(value)
            for name, value in zip(params._fields, params, strict=True)
        )
    )


def require_rng(rng) -> np.random.Generator:
    """Return ``rng`` or raise if it is not a ``numpy.random.Generator``."""
    if not isinstance(rng, np.random.Generator):
        raise ValueError(
            "rng must be a numpy.random.Generator, e.g. rng=np.random.default_rng(0); "
            f"got {type(rng).__name__}."
        )
    return rng


def positive_int(name: str, value, minimum: int = 1) -> int:
    """Return ``int(value)`` or raise if it is not a whole number >= ``minimum``.

    Whole floats (``3.0``) are accepted; ``True``/``False`` are not.
    """
    try:
        whole = isinstance(value, numbers.Real) and not isinstance(value, bool)
        whole = whole and float(value).is_integer()
    except (TypeError, ValueError, OverflowError):
        whole = False
    if not whole or value < minimum:
        raise ValueError(f"{name} must be a whole number >= {minimum}, got {value!r}.")
    return int(value)


def pixels_array(name: str, images, ndim: int | None = None) -> np.ndarray:
    """Return ``images`` as a contiguous float64 array of pixel values in [0, 255].

    Raises if it is empty, holds NaN/inf or values outside [0, 255] (a [0, 1] image must be
    scaled by 255 first), or has another number of dimensions than ``ndim``.
    """
    try:
        pixels = np.asarray(images, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be an array of pixel values in [0, 255].") from None
    if pixels.ndim:  # (ascontiguousarray would make a single pixel 1-D)
        pixels = np.ascontiguousarray(pixels)
    if ndim is not None and pixels.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {pixels.shape}.")
    if pixels.size == 0:
        raise ValueError(f"{name} is empty.")
    if not np.all(np.isfinite(pixels)):
        raise ValueError(f"{name} contains NaN or infinite values.")
    if pixels.min() < 0 or pixels.max() > 255:
        raise ValueError(
            f"{name} values must lie in [0, 255], got [{pixels.min():g}, {pixels.max():g}]; "
            "scale a [0, 1] image by 255 first."
        )
    return pixels


def labels_array(labels, n: int, n_classes: int | None = None) -> np.ndarray:
    """Return ``labels`` as an int64 array of ``n`` class indices, or raise.

    With ``n_classes`` every label must lie in ``[0, n_classes)``.
    """
    y = np.asarray(labels)
    if y.shape != (n,) or (y.size and y.dtype.kind not in "iu"):
        raise ValueError(
            f"labels must be {n} integer class indices (one per image), got {y.dtype} {y.shape}."
        )
    if n_classes is not None and y.size and (y.min() < 0 or y.max() >= n_classes):
        raise ValueError(f"labels must be classes 0-{n_classes - 1}, got [{y.min()}, {y.max()}].")
    return y.astype(np.int64)


def float_array(name: str, value) -> np.ndarray:
    """Return ``value`` as a float array of its own shape (numbers stay 0-d).

    Raises if it is not numeric or holds NaN/inf.
    """
    try:
        array = np.asarray(value, dtype=float)
    except (TypeError, ValueError):
        raise ValueError(
            f"{name} must be a number or an array of numbers, got {value!r}."
        ) from None
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; check how it was computed.")
    return array


def finite_array(name: str, values, dtype=np.float64, ndim: int | None = None) -> np.ndarray:
    """Return ``values`` as a contiguous array of ``dtype``.

    Raises if it holds NaN/inf or has another number of dimensions than ``ndim``.
    """
    array = np.ascontiguousarray(values, dtype=dtype)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}.")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; check how it was computed.")
    return array


def _in(unit: str) -> str:
    return f" [{unit}]" if unit else ""
