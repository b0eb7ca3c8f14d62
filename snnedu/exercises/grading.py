"""Grading guard: run a student's code with the package's own answer made unavailable.

An assignment's hidden test compares the student's function with the snnedu function that
computes the same quantity (the *oracle*). Without a guard, a student could return the
oracle's result and pass. :func:`forbid` replaces the oracle, for the duration of the graded
call, by a stand-in that raises :class:`ForbiddenCallError` — in the module that defines it,
in every loaded ``snnedu`` module that re-exports it, under any name in the student's
namespace that holds it (``from snnedu.models.lif import lif_rate_hz as f``), and in the
default arguments and closures of the student's functions (``def rate(i, f=lif.lif_rate_hz)``):

>>> import numpy as np
>>> from snnedu.models import lif
>>> def my_rate(i_ext, params):            # a "shortcut" submission
...     return lif.lif_rate_hz(i_ext, params=params)
>>> expected = lif.lif_rate_hz(np.array([300.0]), params=lif.LIFParams())   # reference: outside
>>> with forbid(lif.lif_rate_hz, namespace=globals()):
...     my_rate(np.array([300.0]), lif.LIFParams())
Traceback (most recent call last):
...
snnedu.exercises.grading.ForbiddenCallError: do not call snnedu.models.lif.lif_rate_hz ...

Everything is restored when the block ends, also after an error. The guard closes the
obvious shortcut; it is no sandbox (a student who edits the grader's modules is cheating in a
way an instructor sees in the notebook).
"""

from __future__ import annotations

import contextlib
import functools
import importlib
import sys
import types
from collections.abc import Callable, Iterator, MutableMapping

__all__ = ["ForbiddenCallError", "forbid"]


class ForbiddenCallError(RuntimeError):
    """A graded task called the package function it is compared with."""


def _resolve(target) -> tuple[str, str, Callable]:
    """Find ``(module name, attribute name, object)`` of a function or a dotted name."""
    if isinstance(target, str):
        module_name, _, name = target.rpartition(".")
        if not module_name:
            raise ValueError(
                f"forbid needs a dotted name like 'snnedu.models.lif.lif_rate_hz', got {target!r}"
            )
        module = importlib.import_module(module_name)
        if not hasattr(module, name):
            raise ValueError(f"{module_name} has no attribute {name!r} to forbid")
        return module_name, name, getattr(module, name)
    module_name = getattr(target, "__module__", None)
    name = getattr(target, "__name__", None)
    if not module_name or not name or module_name not in sys.modules:
        raise ValueError(
            f"cannot tell where {target!r} is defined; pass a dotted name such as "
            "'snnedu.models.lif.lif_rate_hz' instead"
        )
    if getattr(sys.modules[module_name], name, None) is not target:
        raise ValueError(
            f"{module_name}.{name} is not {target!r} (patched already?); pass the function "
            "itself as the module holds it"
        )
    # name it as students reach it: hh.x0, not hh.model.x0, when a package re-exports it
    while "." in module_name:
        parent = sys.modules.get(module_name.rpartition(".")[0])
        if parent is None or getattr(parent, name, None) is not target:
            break
        module_name = parent.__name__
    return module_name, name, target


def _blocker(label: str, original: Callable) -> Callable:
    """Make the stand-in for ``original`` that raises :class:`ForbiddenCallError`."""
    message = (
        f"do not call {label} in this task: the grader compares your answer with it, "
        "so compute the result yourself"
    )

    @functools.wraps(original)
    def forbidden(*args, **kwargs):
        """Refuse the call."""
        raise ForbiddenCallError(message)

    forbidden.__forbidden__ = True
    return forbidden


@contextlib.contextmanager
def forbid(*targets, namespace: MutableMapping | None = None) -> Iterator[None]:
    """Make the functions ``targets`` raise :class:`ForbiddenCallError` inside the block.

    Parameters
    ----------
    *targets : callable or str
        The functions (or classes) a graded call must not use, given as the objects
        (``lif.lif_rate_hz``) or as dotted names (``"snnedu.models.lif.lif_rate_hz"``).
    namespace : dict, optional
        The student's namespace (``globals()`` in a notebook): every name in it bound to one
        of the targets is blocked too, and so are the targets held in the default arguments
        and closures of the functions defined in it.

    Yields
    ------
    None
        Inside the block the targets are blocked; all is restored when it ends.

    Raises
    ------
    ValueError
        If no target is given, or a target cannot be found where it is defined (pass a dotted
        name then).
    ForbiddenCallError
        Inside the block, from any call of a target.
    """
    if not targets:
        raise ValueError("forbid needs at least one function to block")
    resolved = [_resolve(target) for target in targets]
    originals = {id(obj): (f"{mod}.{name}", obj) for mod, name, obj in resolved}
    blockers = {key: _blocker(label, obj) for key, (label, obj) in originals.items()}
    saved: list[tuple[object, str, object]] = []  # (holder, name, original)
    try:
        # the defining modules and every loaded snnedu module that holds the same object
        for module_name, module in list(sys.modules.items()):
            if module is None or not (module_name == "snnedu" or module_name.startswith("snnedu.")):
                continue
            for name, value in list(vars(module).items()):
                if id(value) in originals and value is originals[id(value)][1]:
                    saved.append((module, name, value))
                    setattr(module, name, blockers[id(value)])
        # names in the student's namespace, and what its functions captured
        if namespace is not None:
            for name, value in list(namespace.items()):
                if id(value) in originals and value is originals[id(value)][1]:
                    saved.append((namespace, name, value))
                    namespace[name] = blockers[id(value)]
                elif isinstance(value, types.FunctionType):
                    _block_captured(value, originals, blockers, saved)
        yield
    finally:
        for holder, name, value in reversed(saved):
            if isinstance(holder, MutableMapping):
                holder[name] = value
            elif isinstance(holder, types.CellType):
                holder.cell_contents = value
            else:
                setattr(holder, name, value)


def _block_captured(function: types.FunctionType, originals, blockers, saved) -> None:
    """Block the targets in ``function``'s default arguments and closure cells."""

    def is_target(value) -> bool:
        """Tell whether ``value`` is one of the targets (the object itself)."""
        return id(value) in originals and value is originals[id(value)][1]

    defaults = function.__defaults__ or ()
    if any(is_target(value) for value in defaults):
        saved.append((function, "__defaults__", defaults))
        function.__defaults__ = tuple(
            blockers[id(value)] if is_target(value) else value for value in defaults
        )
    kwdefaults = function.__kwdefaults__ or {}
    if any(is_target(value) for value in kwdefaults.values()):
        saved.append((function, "__kwdefaults__", dict(kwdefaults)))
        function.__kwdefaults__ = {
            key: blockers[id(value)] if is_target(value) else value
            for key, value in kwdefaults.items()
        }
    for cell in function.__closure__ or ():
        try:
            value = cell.cell_contents
        except ValueError:  # an empty cell
            continue
        if is_target(value):
            saved.append((cell, "cell_contents", value))
            cell.cell_contents = blockers[id(value)]
