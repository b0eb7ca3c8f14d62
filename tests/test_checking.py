"""The exercise-check mechanism, and every check the notebooks use."""

import numpy as np
import pytest

from snnedu.exercises import check
from snnedu.exercises.checking import (
    _REGISTRY,
    CheckResult,
    all_checks,
    function_check,
    value_check,
)


@pytest.fixture
def registry():
    saved = dict(_REGISTRY)
    yield
    _REGISTRY.clear()
    _REGISTRY.update(saved)


def test_value_check_passes_within_tolerance_and_never_reveals_the_answer(registry):
    value_check("demo.value", lambda: 12.345, hint="think", rtol=1e-2)
    assert check("demo.value", 12.3).passed
    wrong = check("demo.value", 20.0)
    assert not wrong.passed and "too high" in wrong.message and "12.3" not in wrong.message
    assert "think" in wrong.message
    assert "sign" in check("demo.value", -12.3).message


def test_value_check_handles_none_arrays_and_nan_without_raising(registry):
    value_check("demo.array", lambda: np.array([1.0, 2.0, 3.0]), hint="h", atol=0.01)
    unanswered = check("demo.array", None)
    assert not unanswered.passed and "no answer yet" in unanswered.message
    assert "shape" in check("demo.array", [1.0, 2.0]).message
    assert "NaN" in check("demo.array", [1.0, np.nan, 3.0]).message
    assert "1 of 3" in check("demo.array", [1.0, 2.5, 3.0]).message
    assert check("demo.array", (1.0, 2.0, 3.005)).passed


def test_function_check_runs_the_students_function_on_every_case(registry):
    function_check("demo.square", lambda x: x * x, cases=[(1.0,), (2.0,), (-3.0,)], hint="h")
    assert check("demo.square", lambda x: x**2).passed
    assert not check("demo.square", lambda x: 2 * x).passed
    raised = check("demo.square", lambda x: 1 / 0)
    assert not raised.passed and "ZeroDivisionError" in raised.message
    assert not check("demo.square", 4.0).passed


def test_unknown_key_names_the_topic_checks(registry):
    value_check("demo.one", lambda: 1.0, hint="h")
    with pytest.raises(KeyError, match=r"demo\.one"):
        check("demo.onee", 1.0)


def test_results_render_as_escaped_html(registry):
    result = CheckResult(False, "<b>x</b>")
    assert "&lt;b&gt;" in result._repr_html_() and not bool(result)


def _wrong(answer):
    if callable(answer):
        return lambda *args: np.asarray(answer(*args), dtype=float) * 1.5 + 1.0
    return np.asarray(answer, dtype=float) * 1.5 + 1.0


def test_every_registered_check_accepts_its_reference_and_rejects_a_wrong_answer():
    checks = all_checks()
    for key, registered in checks.items():
        reference = registered.reference()
        assert registered.run(reference).passed, key
        assert not registered.run(_wrong(reference)).passed, key
