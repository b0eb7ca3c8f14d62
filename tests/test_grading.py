"""The grading guard: a forbidden function raises inside the block and is back afterwards."""

from __future__ import annotations

import numpy as np
import pytest

from snnedu.exercises import grading
from snnedu.exercises.grading import ForbiddenCallError, forbid
from snnedu.models import lif, membrane


def test_forbidden_module_attribute_raises_naming_the_function_and_is_restored():
    original = membrane.nernst
    with forbid(membrane.nernst):
        with pytest.raises(
            ForbiddenCallError, match=r"do not call snnedu\.models\.membrane\.nernst"
        ):
            membrane.nernst(4.0, 130.0)
    assert membrane.nernst is original
    assert membrane.nernst(4.0, 130.0) < 0


def test_names_imported_into_the_students_namespace_are_blocked_too():
    namespace = {"rate": lif.lif_rate_hz, "lif": lif, "other": membrane.nernst}
    exec(  # a shortcut submission, as a notebook would hold it
        "def my_rate(i, p):\n    return rate(i, params=p)\n"
        "def via_module(i, p):\n    return lif.lif_rate_hz(i, params=p)\n",
        namespace,
    )
    with forbid(lif.lif_rate_hz, namespace=namespace):
        for function in (namespace["my_rate"], namespace["via_module"]):
            with pytest.raises(ForbiddenCallError):
                function(np.array([300.0]), lif.LIFParams())
        assert namespace["other"] is membrane.nernst  # not a target: untouched
    assert namespace["rate"] is lif.lif_rate_hz
    assert namespace["my_rate"](np.array([300.0]), lif.LIFParams())[0] > 0


def test_targets_captured_in_default_arguments_and_closures_are_blocked_too():
    def with_default(i, p, rate=lif.lif_rate_hz):
        return rate(i, params=p)

    def with_keyword(i, p, *, rate=lif.lif_rate_hz):
        return rate(i, params=p)

    def make_closure():
        rate = lif.lif_rate_hz

        def closure(i, p):
            return rate(i, params=p)

        return closure

    namespace = {"a": with_default, "b": with_keyword, "c": make_closure()}
    currents, params = np.array([300.0]), lif.LIFParams()
    with forbid(lif.lif_rate_hz, namespace=namespace):
        for function in namespace.values():
            with pytest.raises(ForbiddenCallError):
                function(currents, params)
    expected = lif.lif_rate_hz(currents, params=params)
    for function in namespace.values():
        assert np.array_equal(function(currents, params), expected)


def test_the_students_own_code_runs_normally_under_the_guard():
    def own_nernst(c_out, c_in):
        return membrane.thermal_voltage(37.0) * np.log(c_out / c_in)

    expected = membrane.nernst(4.0, 130.0)  # the reference: outside the guard
    with forbid(membrane.nernst, membrane.ghk_voltage):
        mine = own_nernst(4.0, 130.0)
    assert np.isclose(mine, expected, rtol=1e-9)


def test_everything_is_restored_after_an_error_in_the_block():
    original = lif.rheobase_pa
    with pytest.raises(ZeroDivisionError), forbid("snnedu.models.lif.rheobase_pa"):
        1 / 0
    assert lif.rheobase_pa is original


def test_re_exports_in_other_snnedu_modules_are_blocked():
    import sys
    import types

    holder = types.ModuleType("snnedu._test_reexport")
    holder.nernst = membrane.nernst
    sys.modules[holder.__name__] = holder
    try:
        with forbid(membrane.nernst), pytest.raises(ForbiddenCallError):
            holder.nernst(4.0, 130.0)
        assert holder.nernst is membrane.nernst
    finally:
        del sys.modules[holder.__name__]


@pytest.mark.parametrize(
    "target, match",
    [("nernst", "dotted name"), ("snnedu.models.membrane.no_such", "no attribute")],
)
def test_bad_targets_are_value_errors_saying_what_to_pass(target, match):
    with pytest.raises(ValueError, match=match), forbid(target):
        pass


def test_forbid_without_targets_is_a_value_error():
    with pytest.raises(ValueError, match="at least one"), grading.forbid():
        pass
