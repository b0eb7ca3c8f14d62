"""Shared numba kernels and helpers used by every model."""
