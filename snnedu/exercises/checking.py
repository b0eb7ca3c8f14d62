"""The one mechanism behind every auto-checked exercise in the notebooks.

A student computes a number, an array or a function and calls ``check(key, answer)``. The
expected value is computed by snnedu itself (never typed in), compared with a stated
tolerance, and the student sees pass or fail with a hint, never the answer.

Checks are registered by topic in ``snnedu/exercises/checks/<topic>.py``; the key
``"<topic>.<name>"`` loads that module on first use. Two kinds:

- :func:`value_check`: the answer is a number or array, compared with ``expected()``.
- :func:`function_check`: the answer is a function; it is called on test cases and its
  results compared with a reference function's.

A wrong number is never answered with "too high" or "too low" at once: with unlimited retries
that would let a student bisect any value without understanding it. The direction is told only
after :data:`DIRECTION_AFTER` wrong attempts at the same check (counted per kernel, that is per
Python process).

Two kinds of task ask for thinking rather than a number to match:

- :func:`prediction_task`: the student commits a prediction with :func:`predict` *before* running
  the model; :func:`reveal` then shows the model's value next to the prediction (and refuses to
  before a prediction was recorded), and the student explains the difference.
- :func:`explain_prompt`: a question answered in words with :func:`explain`; the model answer is
  shown only once the student has written an answer of their own.
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
        """Return ``passed``, so ``assert check(...)`` works."""
        return self.passed

    def __repr__(self) -> str:
        """Return the message, which a notebook cell then shows as plain text."""
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
    unit: str = ""


_REGISTRY: dict[str, Check] = {}

DIRECTION_AFTER = 3
"""Wrong attempts at a value check before its message says "too high" or "too low"."""

MIN_EXPLANATION_WORDS = 8
"""Words an explanation needs before :func:`explain` shows the model answer."""

_ATTEMPTS: dict[str, int] = {}
"""Wrong attempts per value check in this kernel."""


def check(key: str, answer: Any) -> CheckResult:
    """Check a student's ``answer`` to the exercise ``key`` and return the verdict.

    Raises
    ------
    KeyError
        If no exercise is called ``key`` (the message lists the topic's exercises).
    """
    return get_check(key).run(answer)


def hint(key: str) -> str:
    """Return the hint for exercise ``key``."""
    return get_check(key).hint


def get_check(key: str) -> Check:
    """Return the registered check ``key`` (``"topic.name"``), loading its topic on demand."""
    return _lookup(key, _REGISTRY, "exercise")


def all_checks() -> dict[str, Check]:
    """Every registered check, after loading every topic module."""
    import snnedu.exercises.checks as checks_package

    for info in pkgutil.iter_modules(checks_package.__path__):
        importlib.import_module(f"snnedu.exercises.checks.{info.name}")
    return dict(_REGISTRY)


def _register(check_: Check) -> Check:
    if check_.key in _REGISTRY or check_.key in _PREDICTION_TASKS or check_.key in _PROMPTS:
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

    Parameters
    ----------
    key : str
        ``"topic.name"``; the topic is the module in :mod:`snnedu.exercises.checks`.
    expected : callable
        Computes the right answer from the models when the check runs.
    hint : str
        Shown with every wrong answer.
    rtol, atol : float
        The tolerance: ``|answer - expected| <= atol + rtol * |expected|``, elementwise.
    unit : str
        Unit of the answer, named in the messages.

    Raises
    ------
    ValueError
        If ``key`` is registered twice.
    """

    def run(answer: Any) -> CheckResult:
        target = np.asarray(expected(), dtype=float)
        tries = _ATTEMPTS.get(key, 0)
        verdict = _compare(answer, target, rtol, atol, direction=tries >= DIRECTION_AFTER)
        if verdict is None:
            return CheckResult(True, f"✔ {key}: correct{_tolerance_text(rtol, atol, unit)}.")
        if not verdict.startswith("no answer yet"):
            _ATTEMPTS[key] = tries + 1
        return CheckResult(False, f"✘ {key}: {verdict} Hint: {hint}")

    return _register(Check(key, run, expected, hint, unit))


def function_check(
    key: str,
    reference: Callable[..., Any],
    cases: Sequence[tuple],
    *,
    hint: str,
    rtol: float = 1e-6,
    atol: float = 0.0,
) -> Check:
    """Register a check whose answer is a function.

    Parameters
    ----------
    key : str
        ``"topic.name"``; the topic is the module in :mod:`snnedu.exercises.checks`.
    reference : callable
        A correct implementation.
    cases : sequence of tuple
        Argument tuples; the student's function must agree with ``reference`` on every one,
        within ``atol + rtol * |reference|``.
    hint : str
        Shown with every wrong answer.

    Raises
    ------
    ValueError
        If ``key`` is registered twice.
    """

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


def attempts(key: str) -> int:
    """How many wrong answers to the value check ``key`` this kernel has seen."""
    return _ATTEMPTS.get(key, 0)


def _compare(
    answer: Any, target: np.ndarray, rtol: float, atol: float, *, direction: bool = True
) -> str | None:
    """None when ``answer`` matches ``target``; otherwise what is wrong, without the answer.

    ``direction=False`` withholds "too high / too low" (the sign is still said: one bit, and
    the physics usually fixes it).
    """
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
        if not direction:
            return (
                "not quite: outside the tolerance. Recheck your method and units (after "
                f"{DIRECTION_AFTER} tries this message also says whether you are too high or "
                "too low)."
            )
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


# --- predict, then verify ---------------------------------------------------------------------


class PredictionTask(NamedTuple):
    """A prediction the student commits before running the model.

    ``measure()`` computes the model's value with snnedu (never typed in); ``rtol`` and ``atol``
    say when a prediction counts as close; ``explanation`` is the model answer to "why the
    difference?", shown by :func:`explain` after the student has written their own.
    """

    key: str
    question: str
    measure: Callable[[], float]
    unit: str
    rtol: float
    atol: float
    explanation: str


class ExplainPrompt(NamedTuple):
    """A question answered in words; ``model_answer`` is shown only after an attempt."""

    key: str
    question: str
    model_answer: str


_PREDICTION_TASKS: dict[str, PredictionTask] = {}
_PROMPTS: dict[str, ExplainPrompt] = {}
_PREDICTIONS: dict[str, float] = {}
"""Predictions committed in this kernel, by task key."""
_EXPLANATIONS: dict[str, str] = {}
"""Explanations written in this kernel, by task or prompt key."""
_REVEALED: set[str] = set()
"""Prediction tasks whose model value has been shown in this kernel: their prediction is final."""


def prediction_task(
    key: str,
    measure: Callable[[], float],
    *,
    question: str,
    explanation: str,
    unit: str = "",
    rtol: float = 0.1,
    atol: float = 0.0,
) -> PredictionTask:
    """Register a predict-then-verify task (see :func:`predict` and :func:`reveal`)."""
    if key in _PREDICTION_TASKS or key in _PROMPTS or key in _REGISTRY:
        raise ValueError(f"exercise {key!r} is registered twice")
    task = PredictionTask(key, question, measure, unit, rtol, atol, explanation)
    _PREDICTION_TASKS[key] = task
    return task


def explain_prompt(key: str, *, question: str, model_answer: str) -> ExplainPrompt:
    """Register an "explain in words" prompt (see :func:`explain`)."""
    if key in _PREDICTION_TASKS or key in _PROMPTS or key in _REGISTRY:
        raise ValueError(f"exercise {key!r} is registered twice")
    prompt = ExplainPrompt(key, question, model_answer)
    _PROMPTS[key] = prompt
    return prompt


def get_prediction_task(key: str) -> PredictionTask:
    """Return the registered prediction task ``key``, loading its topic module on demand."""
    return _lookup(key, _PREDICTION_TASKS, "prediction task")


def get_prompt(key: str) -> ExplainPrompt | PredictionTask:
    """Return the prompt (or prediction task, whose difference is explained) called ``key``."""
    if key in _PREDICTION_TASKS:
        return _PREDICTION_TASKS[key]
    _load_topic(key)
    if key in _PREDICTION_TASKS:
        return _PREDICTION_TASKS[key]
    return _lookup(key, _PROMPTS, "explain prompt")


def predict(key: str, value: Any) -> CheckResult:
    """Commit a prediction for the task ``key`` before running the model.

    The prediction is recorded and nothing is said about whether it is right: that is what
    running the model and :func:`reveal` are for. It may be changed until :func:`reveal` has
    shown the model's value; after that the prediction on record is final.
    """
    task = get_prediction_task(key)
    if value is None or value is Ellipsis:
        return CheckResult(
            False,
            f"✘ {key}: no prediction yet: replace None with your guess ({task.question}); "
            "a rough number is fine, committing to one is the point.",
        )
    try:
        number = float(value)
    except (TypeError, ValueError):
        kind = type(value).__name__
        return CheckResult(False, f"✘ {key}: a prediction is one number, got {kind}.")
    if not np.isfinite(number):
        return CheckResult(False, f"✘ {key}: your prediction is NaN or infinite.")
    unit = f" {task.unit}" if task.unit else ""
    if key in _REVEALED:
        return CheckResult(
            False,
            f"✘ {key}: the model's value has already been shown, so this is no longer a "
            f"prediction; your prediction on record stays {_PREDICTIONS[key]:g}{unit}.",
        )
    _PREDICTIONS[key] = number
    return CheckResult(
        True,
        f"✔ {key}: prediction recorded: {number:g} {task.unit}".rstrip()
        + ". Now run the model below and compare with reveal(...).",
    )


def reveal(key: str) -> CheckResult:
    """Show the model's value next to the student's recorded prediction.

    Refuses (with a message, not an error, so a notebook still runs top to bottom) until a
    prediction has been committed with :func:`predict`. ``passed`` says whether the prediction
    was within the task's tolerance.
    """
    task = get_prediction_task(key)
    if key not in _PREDICTIONS:
        return CheckResult(
            False,
            f"✘ {key}: commit a prediction first — predict({key!r}, your_number) — then run "
            "this cell again. The model's value is shown only after you have predicted it.",
        )
    guess = _PREDICTIONS[key]
    _REVEALED.add(key)
    value = float(task.measure())
    close = abs(guess - value) <= task.atol + task.rtol * abs(value)
    unit = f" {task.unit}" if task.unit else ""
    verdict = (
        "close — can you say why your reasoning worked?"
        if close
        else "off — that difference is the interesting part."
    )
    return CheckResult(
        close,
        f"{'✔' if close else '✘'} {key}: you predicted {guess:.4g}{unit}; the model gives "
        f'{value:.4g}{unit}: {verdict} Explain it in words with explain({key!r}, "...").',
    )


def explain(key: str, text: Any) -> CheckResult:
    """Record a written answer to ``key`` and, once there is one, show the model answer.

    An answer needs at least :data:`MIN_EXPLANATION_WORDS` words; for a prediction task the
    prediction must have been committed first. Nothing is graded: the student compares.
    """
    prompt = get_prompt(key)
    words = str(text).split() if isinstance(text, str) else []
    if len(words) < MIN_EXPLANATION_WORDS:
        return CheckResult(
            False,
            f"✘ {key}: write your own answer first (a sentence or two, at least "
            f"{MIN_EXPLANATION_WORDS} words) between the quotes and run the cell again; the model "
            "answer appears once you have.",
        )
    if isinstance(prompt, PredictionTask) and key not in _PREDICTIONS:
        return CheckResult(False, f"✘ {key}: commit a prediction first with predict(...).")
    _EXPLANATIONS[key] = str(text)
    model = prompt.explanation if isinstance(prompt, PredictionTask) else prompt.model_answer
    return CheckResult(True, f"✔ {key}: recorded. A model answer to compare with yours: {model}")


def all_prediction_tasks() -> dict[str, PredictionTask]:
    """Every registered prediction task, after loading every topic module."""
    all_checks()
    return dict(_PREDICTION_TASKS)


def all_prompts() -> dict[str, ExplainPrompt]:
    """Every registered explain prompt, after loading every topic module."""
    all_checks()
    return dict(_PROMPTS)


def _load_topic(key: str) -> None:
    topic = key.split(".", 1)[0]
    try:
        importlib.import_module(f"snnedu.exercises.checks.{topic}")
    except ModuleNotFoundError:
        pass


def _lookup(key: str, registry: dict, kind: str):
    if key not in registry:
        _load_topic(key)
    if key not in registry:
        known = ", ".join(sorted(k for k in registry if k.startswith(key.split(".")[0])))
        raise KeyError(
            f"no {kind} called {key!r}; check the spelling in the notebook"
            + (f" (this topic has: {known})" if known else "")
        )
    return registry[key]
