"""Input checks shared by the public functions: each raises a ``ValueError`` that names
the bad value and says what to do, so a student never sees a numba typing traceback."""

from __future__ import annotations

import math
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
    """The same NamedTuple with every field cast to float, so ``20`` and ``20.0`` share one
    compiled kernel."""
    return type(params)(*(float(v) for v in params))


def finite_array(name: str, values, dtype=np.float64, ndim: int | None = None) -> np.ndarray:
    """Return ``values`` as a contiguous array of ``dtype``, or raise if it holds NaN/inf or
    has the wrong number of dimensions."""
    array = np.ascontiguousarray(values, dtype=dtype)
    if ndim is not None and array.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {array.shape}.")
    if array.dtype.kind == "f" and not np.all(np.isfinite(array)):
        raise ValueError(f"{name} contains NaN or infinite values; check how it was computed.")
    return array


def _in(unit: str) -> str:
    return f" [{unit}]" if unit else ""
