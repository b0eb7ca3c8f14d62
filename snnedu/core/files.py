"""File names shared by the packages that save models."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["npz_path"]


def npz_path(path: str | os.PathLike) -> Path:
    """Return the file :func:`numpy.savez` writes for ``path``.

    That is ``path`` with ``.npz`` appended unless it already ends in ``.npz`` (``net`` →
    ``net.npz``, ``net.v1`` → ``net.v1.npz``).

    >>> npz_path("net.v1").name
    'net.v1.npz'
    """
    path = Path(path)
    return path if path.suffix == ".npz" else path.with_name(path.name + ".npz")
