"""Where the course material (notebooks, exercises, quiz banks) lives, and copying it out.

In a wheel the material is installed inside the package (``snnedu/_course``); in a source
checkout it is the repository's ``notebooks/`` and ``exercises/`` folders.
"""

from __future__ import annotations

import shutil
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def course_root() -> Path:
    """The folder holding ``notebooks/`` and ``exercises/``."""
    for candidate in (_PACKAGE / "_course", _PACKAGE.parent):
        if (candidate / "notebooks").is_dir():
            return candidate
    raise FileNotFoundError(
        "snnedu's course material was not found next to the package; reinstall snnedu "
        "(pip install --force-reinstall snnedu)."
    )


def notebooks() -> list[Path]:
    """The lecture notebooks in lecture order."""
    return sorted((course_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def copy_course(destination: str | Path, overwrite: bool = False) -> Path:
    """Copy the notebooks and exercises into ``destination`` and return it.

    Files already there are kept unless ``overwrite`` is true, so a student's work is
    never replaced by accident.
    """
    destination = Path(destination).expanduser().resolve()
    root = course_root()
    for folder in ("notebooks", "exercises"):
        for source in sorted((root / folder).rglob("*")):
            if (
                source.is_dir()
                or "__pycache__" in source.parts
                or ".ipynb_checkpoints" in source.parts
            ):
                continue
            target = destination / folder / source.relative_to(root / folder)
            if target.exists() and not overwrite:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination
