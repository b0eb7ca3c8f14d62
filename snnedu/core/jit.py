"""One place that decides how snnedu compiles its kernels.

Every hot loop in snnedu is a module-level kernel decorated with :func:`jit` (or
:func:`parallel_jit` for loops over independent images or neurons). Both cache the
compiled machine code on disk, so the second import of a model is fast.

numba stamps a cached kernel with the source of its own file only, but a kernel compiles in
the kernels it calls from other modules (the Diehl & Cook kernel compiles in the STDP rules of
:mod:`snnedu.models.stdp`, for example). After an edit or an update that changed only such a
module, numba would load the old machine code: silently wrong results. So every snnedu kernel's
cache is stamped with the whole package (:func:`package_stamp`): any change to snnedu compiles
its kernels afresh, once.
"""

import hashlib
from pathlib import Path

import numba
from numba.core import caching

_PACKAGE = Path(__file__).resolve().parent.parent


def package_stamp(root: Path = _PACKAGE) -> str:
    """Return the SHA-256 of the names and contents of every Python module under ``root``."""
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")):
        digest.update(f"{path.relative_to(root).as_posix()}\0".encode())
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def _package_stamped(locator: type, root: Path, stamp: str) -> type:
    """Return ``locator`` for the modules under ``root``, its source stamp joined by ``stamp``."""

    class PackageStamped(locator):
        @classmethod
        def from_function(cls, py_func, py_file):
            if not Path(py_file).resolve().is_relative_to(root):
                return None  # not in the package: the next locator decides
            return super().from_function(py_func, py_file)

        def get_source_stamp(self):
            return super().get_source_stamp(), stamp

    PackageStamped.__name__ = PackageStamped.__qualname__ = f"PackageStamped{locator.__name__}"
    return PackageStamped


def _numba_class(name: str) -> type:
    return getattr(caching, name, None) or getattr(caching, f"_{name}")  # older numba: _name


def stamp_caches_with_package(root: Path) -> None:
    """Stamp the disk cache of every kernel defined under ``root`` with :func:`package_stamp`.

    Applies to the kernels decorated after the call; the stamp is taken now.
    """
    root = Path(root).resolve()
    stamp = package_stamp(root)
    _numba_class("CacheImpl")._locator_classes[:0] = [
        _package_stamped(_numba_class(name), root, stamp)
        for name in ("UserProvidedCacheLocator", "InTreeCacheLocator", "UserWideCacheLocator")
    ]


stamp_caches_with_package(_PACKAGE)

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
