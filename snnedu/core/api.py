"""How a public function keeps accepting the calls it accepted before its signature changed.

The convention (see ``CONTRIBUTING.md``): inputs positional, everything else keyword-only, one
name per quantity. :func:`renamed_arguments` lets an old call (extra positional arguments in
the old order, or an old keyword name) still run, with a ``DeprecationWarning`` that shows the
new call, so that notebooks and course material can move over one at a time.

>>> import warnings
>>> @renamed_arguments(old_order=("x", "params", "dt"), duration_ms="duration")
... def f(x, *, duration=1.0, dt=0.1, params=None):
...     return x, duration, dt, params
>>> with warnings.catch_warnings(record=True) as caught:
...     warnings.simplefilter("always")
...     f(1, "p", 0.5, duration_ms=3.0)
(1, 3.0, 0.5, 'p')
>>> print(caught[0].message)  # doctest: +NORMALIZE_WHITESPACE
f(): pass params=, dt= by keyword and write duration= instead of duration_ms=; the old call
still works but is deprecated.
"""

from __future__ import annotations

import functools
import inspect
import warnings

__all__ = ["renamed_arguments"]


def renamed_arguments(old_order: tuple[str, ...] = (), **renamed: str):
    """Decorate a function so that its previous calling convention keeps working.

    Parameters
    ----------
    old_order : tuple of str
        The previous positional order, in the new names. Positional arguments beyond the
        function's own positional parameters are bound to these names.
    **renamed : str
        Old keyword name → new keyword name.

    Returns
    -------
    callable
        A decorator.
    """

    def decorate(function):
        signature = inspect.signature(function)
        n_positional = sum(
            p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
            for p in signature.parameters.values()
        )

        @functools.wraps(function)
        def wrapper(*args, **kwargs):
            moved, renames = [], []
            if len(args) > n_positional:
                if len(args) > len(old_order):
                    raise TypeError(
                        f"{function.__name__}() takes at most {len(old_order)} positional "
                        f"arguments, got {len(args)}."
                    )
                for name, value in zip(old_order[n_positional:], args[n_positional:], strict=False):
                    if name in kwargs:
                        raise TypeError(f"{function.__name__}() got two values for {name}.")
                    kwargs[name] = value
                    moved.append(name)
                args = args[:n_positional]
            for old, new in renamed.items():
                if old in kwargs:
                    if new in kwargs:
                        raise TypeError(
                            f"{function.__name__}() got both {old}= and {new}=; pass {new}= only."
                        )
                    kwargs[new] = kwargs.pop(old)
                    renames.append(f"{new}= instead of {old}=")
            if moved or renames:
                parts = []
                if moved:
                    parts.append("pass " + ", ".join(f"{name}=" for name in moved) + " by keyword")
                if renames:
                    parts.append("write " + ", ".join(renames))
                warnings.warn(
                    f"{function.__name__}(): {' and '.join(parts)}; the old call still works "
                    "but is deprecated.",
                    DeprecationWarning,
                    stacklevel=2,
                )
            return function(*args, **kwargs)

        wrapper.__signature__ = signature
        wrapper.renamed_arguments = (n_positional, tuple(old_order), dict(renamed))
        return wrapper

    return decorate
