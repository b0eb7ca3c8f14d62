"""The one mechanism behind every auto-checked exercise in the notebooks.

A student computes a number, an array or a function and calls ``check(key, answer)``. The
expected value is computed by snnedu itself (never typed in), compared with a stated
tolerance, and the student sees pass or fail with a hint, never the answer.

Checks are registered by topic in ``snnedu/exercises/checks/<topic>.py``; the key
``"<topic>.<name>"`` loads that module on first use. Two kinds:

- :func:`value_check`: the answer is a number or array, compared with ``expected()``.
- :func:`function_check`: the answer is a function; it is called on test cases and its
  results compared with a reference function's.
"""

from __future__ import annotations

import html
import importlib
import pkgutil
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np


class CheckResult(NamedTuple):
    """What a check said: ``passed`` and the message shown to the student."""

    passed: bool
    message: str

    def __bool__(self) -> bool:
        return self.passed

    def __repr__(self) -> str:
        return self.message

    def _repr_html_(self) -> str:
        colour = "#1a7f37" if self.passed else "#b42318"
        return f'<div style="color:{colour};font-weight:600">{html.escape(self.message)}</div>'


class Check(NamedTuple):
    """A registered exercise check.

    ``run(answer) -> CheckResult``; ``reference()`` returns a correct answer (for tests and
    instructors; it is not shown to students).
    """

    key: str
    run: Callable[[Any], CheckResult]
    reference: Callable[[], Any]
    hint: str


_REGISTRY: dict[str, Check] = {}


def check(key: str, answer: Any) -> CheckResult:
    """Check a student's ``answer`` to the exercise ``key`` and return the verdict."""
    return get_check(key).run(answer)


def hint(key: str) -> str:
    """The hint for exercise ``key``."""
    return get_check(key).hint


def get_check(key: str) -> Check:
    """The registered check ``key`` (``"topic.name"``), loading its topic module on demand."""
    if key not in _REGISTRY:
        topic = key.split(".", 1)[0]
        try:
            importlib.import_module(f"snnedu.exercises.checks.{topic}")
        except ModuleNotFoundError:
            pass
    if key not in _REGISTRY:
        known = ", ".join(sorted(k for k in _REGISTRY if k.startswith(key.split(".")[0])))
        raise KeyError(
            f"no exercise called {key!r}; check the spelling in the notebook"
            + (f" (this topic has: {known})" if known else "")
        )
    return _REGISTRY[key]


def all_checks() -> dict[str, Check]:
    """Every registered check, after loading every topic module."""
    import snnedu.exercises.checks as checks_package

    for info in pkgutil.iter_modules(checks_package.__path__):
        importlib.import_module(f"snnedu.exercises.checks.{info.name}")
    return dict(_REGISTRY)


def _register(check_: Check) -> Check:
    if check_.key in _REGISTRY:
        raise ValueError(f"exercise {check_.key!r} is registered twice")
    _REGISTRY[check_.key] = check_
    return check_


def value_check(
    key: str,
    expected: Callable[[], Any],
    *,
    hint: str,
    rtol: float = 1e-3,
    atol: float = 0.0,
    unit: str = "",
) -> Check:
    """Register a check whose answer is a number (or array) close to ``expected()``.

    The tolerance is ``|answer - expected| <= atol + rtol * |expected|``, elementwise.
    """

    def run(answer: Any) -> CheckResult:
        target = np.asarray(expected(), dtype=float)
        verdict = _compare(answer, target, rtol, atol)
        if verdict is None:
            return CheckResult(True, f"✔ {key}: correct{_tolerance_text(rtol, atol, unit)}.")
        return CheckResult(False, f"✘ {key}: {verdict} Hint: {hint}")

    return _register(Check(key, run, expected, hint))


def function_check(
    key: str,
    reference: Callable[..., Any],
    cases: Sequence[tuple],
    *,
    hint: str,
    rtol: float = 1e-6,
    atol: float = 0.0,
) -> Check:
    """Register a check whose answer is a function; it must agree with ``reference`` on
    every argument tuple in ``cases``."""

    def run(answer: Any) -> CheckResult:
        if not callable(answer):
            return CheckResult(False, f"✘ {key}: expected a function, got {type(answer).__name__}.")
        for args in cases:
            try:
                got = answer(*args)
            except Exception as error:  # the student's code may raise anything
                return CheckResult(
                    False,
                    f"✘ {key}: your function raised {type(error).__name__}: {error} "
                    f"for arguments {args!r}. Hint: {hint}",
                )
            verdict = _compare(got, np.asarray(reference(*args), dtype=float), rtol, atol)
            if verdict is not None:
                return CheckResult(
                    False, f"✘ {key}: for arguments {args!r}: {verdict} Hint: {hint}"
                )
        return CheckResult(True, f"✔ {key}: your function agrees on all {len(cases)} test cases.")

    return _register(Check(key, run, lambda: reference, hint))


def _compare(answer: Any, target: np.ndarray, rtol: float, atol: float) -> str | None:
    """None when ``answer`` matches ``target``; otherwise what is wrong, without the answer."""
    if answer is None or answer is Ellipsis:
        return "no answer yet: replace None with your value (or finish your function)."
    try:
        got = np.asarray(answer, dtype=float)
    except (TypeError, ValueError):
        return f"expected a number{'s' if target.ndim else ''}, got {type(answer).__name__}."
    if got.shape != target.shape:
        if target.ndim == 0:
            return f"expected a single number, got an array of shape {got.shape}."
        return f"expected shape {target.shape}, got {got.shape}."
    if not np.all(np.isfinite(got)):
        return "your answer contains NaN or infinity."
    error = np.abs(got - target)
    allowed = atol + rtol * np.abs(target)
    if np.all(error <= allowed):
        return None
    if target.ndim == 0:
        if float(target) != 0 and np.sign(got) != np.sign(target):
            return "the sign is wrong."
        return f"not quite: your value is too {'high' if got > target else 'low'}."
    wrong = int(np.count_nonzero(error > allowed))
    return f"{wrong} of {target.size} values are off."


def _tolerance_text(rtol: float, atol: float, unit: str) -> str:
    parts = []
    if rtol:
        parts.append(f"{rtol:.0e} relative" if rtol < 0.01 else f"{rtol:.0%}")
    if atol:
        parts.append(f"{atol:g} {unit}".strip())
    return f" (within {' + '.join(parts)})" if parts else ""
