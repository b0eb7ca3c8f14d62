"""The exercise-check mechanism, and every check the notebooks use."""

import numpy as np
import pytest

from snnedu.exercises import check, checking, explain, predict, reveal
from snnedu.exercises.checking import (
    DIRECTION_AFTER,
    CheckResult,
    all_checks,
    all_prediction_tasks,
    all_prompts,
    attempts,
    explain_prompt,
    function_check,
    prediction_task,
    value_check,
)

_STATE = (
    "_REGISTRY",
    "_ATTEMPTS",
    "_PREDICTION_TASKS",
    "_PROMPTS",
    "_PREDICTIONS",
    "_EXPLANATIONS",
    "_REVEALED",
)


@pytest.fixture
def registry():
    saved = {name: getattr(checking, name).copy() for name in _STATE}
    for name in ("_ATTEMPTS", "_PREDICTIONS", "_EXPLANATIONS", "_REVEALED"):
        getattr(checking, name).clear()
    yield
    for name, content in saved.items():
        getattr(checking, name).clear()
        getattr(checking, name).update(content)


def test_value_check_passes_within_tolerance_and_never_reveals_the_answer(registry):
    value_check("demo.value", lambda: 12.345, hint="think", rtol=1e-2)
    assert check("demo.value", 12.3).passed
    wrong = check("demo.value", 20.0)
    assert not wrong.passed and "12.3" not in wrong.message
    assert "think" in wrong.message
    assert "sign" in check("demo.value", -12.3).message


def test_direction_is_told_only_after_a_few_wrong_attempts_per_check(registry):
    # unlimited "too high / too low" would let a student bisect any number
    value_check("demo.hidden", lambda: 0.731, hint="h", rtol=1e-3)
    value_check("demo.other", lambda: 0.731, hint="h", rtol=1e-3)
    assert not check("demo.hidden", None).passed  # a blank answer is not an attempt
    low, high = 0.0, 1.0
    for n in range(DIRECTION_AFTER):
        middle = (low + high) / 2
        message = check("demo.hidden", middle).message
        assert "your value is too" not in message and "outside the tolerance" in message, n
        assert attempts("demo.hidden") == n + 1
        low, high = (low, middle) if n % 2 else (middle, high)
    assert "your value is too high" in check("demo.hidden", 0.9).message
    assert "your value is too low" in check("demo.hidden", 0.5).message
    # the count is per check: another exercise starts again without a direction
    assert "your value is too" not in check("demo.other", 0.9).message
    assert check("demo.hidden", 0.731).passed


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


def test_a_prediction_is_recorded_before_the_model_value_is_revealed(registry):
    measured = []
    prediction_task(
        "demo.guess",
        lambda: measured.append(1) or 42.0,
        question="how many?",
        explanation="because of the model.",
        unit="Hz",
        rtol=0.1,
    )
    refused = reveal("demo.guess")
    assert not refused.passed and "predict" in refused.message and "42" not in refused.message
    assert not measured  # the model is not even asked before a prediction
    assert not predict("demo.guess", None).passed
    assert not predict("demo.guess", "many").passed
    recorded = predict("demo.guess", 30.0)
    assert recorded.passed and "30" in recorded.message and "42" not in recorded.message
    off = reveal("demo.guess")
    assert not off.passed and "30" in off.message and "42" in off.message
    # once the value has been shown, a new "prediction" is refused and the first one stands
    late = predict("demo.guess", 42.0)
    assert not late.passed and "already been shown" in late.message and "30" in late.message
    assert not reveal("demo.guess").passed


def test_a_prediction_can_be_changed_until_the_value_is_revealed(registry):
    prediction_task("demo.close", lambda: 42.0, question="q", explanation="e", rtol=0.1)
    predict("demo.close", 10.0)
    predict("demo.close", 40.0)
    assert reveal("demo.close").passed  # the last prediction before reveal, within 10 %


def test_explain_shows_the_model_answer_only_after_an_answer_in_words(registry):
    explain_prompt("demo.why", question="why?", model_answer="MODEL ANSWER")
    for blank in (None, "", "too short", 3.0):
        shown = explain("demo.why", blank)
        assert not shown.passed and "MODEL ANSWER" not in shown.message
    written = explain("demo.why", "the leak pulls the membrane back towards rest every time")
    assert written.passed and "MODEL ANSWER" in written.message
    prediction_task("demo.p", lambda: 1.0, question="q", explanation="EXPLAINED")
    words = "one two three four five six seven eight nine"
    assert "EXPLAINED" not in explain("demo.p", words).message  # predict first
    predict("demo.p", 2.0)
    assert "EXPLAINED" in explain("demo.p", words).message


def test_keys_are_unique_across_checks_predictions_and_prompts(registry):
    value_check("demo.same", lambda: 1.0, hint="h")
    with pytest.raises(ValueError, match="twice"):
        explain_prompt("demo.same", question="q", model_answer="a")
    with pytest.raises(ValueError, match="twice"):
        prediction_task("demo.same", lambda: 1.0, question="q", explanation="e")


def test_every_registered_prediction_and_prompt_is_complete():
    tasks = all_prediction_tasks()
    for key, task in tasks.items():
        assert np.isfinite(task.measure()), key
        assert task.question and len(task.explanation.split()) >= 8, key
    for key, prompt in all_prompts().items():
        assert prompt.question and len(prompt.model_answer.split()) >= 8, key


def test_every_key_a_notebook_uses_is_registered():
    import re
    from pathlib import Path

    import nbformat

    from snnedu.exercises.checking import get_check, get_prediction_task, get_prompt

    call = re.compile(r"""\b(check|predict|reveal|explain)\(\s*["']([\w.]+)["']""")
    lookup = {
        "check": get_check,
        "predict": get_prediction_task,
        "reveal": get_prediction_task,
        "explain": get_prompt,
    }
    used = 0
    for path in sorted((Path(__file__).parent.parent / "notebooks").glob("*.ipynb")):
        for cell in nbformat.read(path, as_version=4).cells:
            if cell.cell_type == "code":
                for kind, key in call.findall(cell.source):
                    lookup[kind](key)  # raises KeyError naming the key if it is missing
                    used += 1
    assert used > 40


def test_no_hint_contains_a_number_that_passes_its_check():
    import re

    number = re.compile(r"[−+-]?\d+(?:\.\d+)?(?:[eE][−+-]?\d+)?")
    for key, registered in all_checks().items():
        reference = registered.reference()
        if callable(reference) or np.ndim(reference) != 0:
            continue
        for token in number.findall(registered.hint):
            value = float(token.replace("−", "-"))
            assert not registered.run(value).passed, (key, token)
    checking._ATTEMPTS.clear()
