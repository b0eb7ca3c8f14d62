"""Small numerical functions that several models share, each written once.

- :func:`bernoulli` ``B(x) = x / (eˣ − 1)`` (``B(0) = 1``): the Scharfetter–Gummel weight of
  drift–diffusion, the GHK current, and the HH rate functions of the form
  ``a·x / (1 − e^{−x/k}) = a·k·B(−x/k)`` (Hodgkin & Huxley 1952). :func:`bernoulli_array` is the
  same elementwise on numpy arrays.
- :func:`decay_factor` ``e^{−dt/τ}`` and :func:`relax` ``x_∞ + (x − x_∞)·a``: the exact step of
  ``τ dx/dt = −(x − x_∞)`` with ``x_∞`` held constant during the step, which every linear
  leak, synaptic trace and adaptive threshold uses (Rotter & Diesmann 1999).

All are numba kernels (callable from other kernels and from Python).

>>> bernoulli(0.0), round(bernoulli(1.0), 6), bernoulli(800.0)
(1.0, 0.581977, 0.0)
>>> relax(-50.0, -70.0, decay_factor(10.0, 10.0)) == -70.0 + 20.0 * math.exp(-1.0)
True
"""

from __future__ import annotations

import math

import numpy as np

from snnedu.core.jit import jit

__all__ = ["bernoulli", "bernoulli_array", "decay_factor", "relax"]


@jit
def bernoulli(x):
    """Return ``B(x) = x / (eˣ − 1)`` for a float ``x``, with ``B(0) = 1`` and ``B(x > 700) = 0``.

    Accurate near 0 (``expm1``) and free of overflow for large ``x``.
    """
    if abs(x) < 1e-8:
        return 1.0 - 0.5 * x
    if x > 700.0:
        return 0.0
    return x / math.expm1(x)


def bernoulli_array(x) -> np.ndarray:
    """Return :func:`bernoulli` elementwise on an array."""
    x = np.asarray(x, dtype=float)
    small = np.abs(x) < 1e-8
    safe = np.where(small, 1.0, x)
    with np.errstate(over="ignore"):
        return np.where(small, 1.0 - 0.5 * x, safe / np.expm1(safe))


@jit
def decay_factor(dt, tau):
    """Return ``e^{−dt/τ}``: how much of ``x − x_∞`` is left after one step of length ``dt``."""
    return math.exp(-dt / tau)


@jit
def relax(x, x_inf, decay):
    """Return ``x_∞ + (x − x_∞)·decay``: the exact step of ``τ dx/dt = −(x − x_∞)``.

    ``decay`` is :func:`decay_factor` ``(dt, τ)``, computed once outside the loop.
    """
    return x_inf + (x - x_inf) * decay
