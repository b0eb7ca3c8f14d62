"""One place that decides how snnedu compiles its kernels.

Every hot loop in snnedu is a module-level kernel decorated with :func:`jit` (or
:func:`parallel_jit` for loops over independent images or neurons). Both cache the
compiled machine code on disk, so the second import of a model is fast.
"""

import numba

jit = numba.njit(cache=True, nogil=True)
"""Decorator: ``numba.njit(cache=True, nogil=True)``."""

parallel_jit = numba.njit(cache=True, nogil=True, parallel=True)
"""Decorator for kernels whose outer loop is ``numba.prange`` over independent items."""

prange = numba.prange

fast_jit = numba.njit(
    cache=True, nogil=True, fastmath={"contract", "arcp", "nsz", "afn", "reassoc"}
)
"""Decorator for the hottest kernels: may fuse multiply-adds and reorder arithmetic, but keeps
NaN and inf visible (no ``nnan``/``ninf``), so a blown-up simulation is still detected."""
