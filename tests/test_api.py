"""The calling convention: old calls still work, with a DeprecationWarning showing the new one."""

import numpy as np
import pytest

from snnedu.models import hh


def test_old_positional_and_keyword_calls_warn_and_give_the_same_result():
    params = hh.HHParams.squid_1952()
    with pytest.warns(DeprecationWarning, match=r"pass params= by keyword"):
        old = hh.resting_potential(params)
    assert old == hh.resting_potential(params=params)
    with pytest.warns(DeprecationWarning, match=r"write width= instead of duration="):
        old = hh.threshold_current(params=params, duration=1.0, rtol=0.01)
    assert old == hh.threshold_current(params=params, width=1.0, rtol=0.01)
    with pytest.warns(DeprecationWarning, match=r"pass duration= by keyword"):
        old = hh.simulate_hh([[1.0, 3.0]], 50.0, record=())
    new = hh.simulate_hh([[1.0, 3.0]], duration=50.0, record=())
    np.testing.assert_array_equal(old.spike_times, new.spike_times)


def test_a_call_mixing_old_and_new_names_for_one_argument_is_refused():
    with pytest.raises(TypeError, match="pass width= only"):
        hh.threshold_current(width=1.0, duration=1.0)
    with pytest.raises(TypeError, match="two values for params"):
        hh.resting_potential(hh.HHParams(), params=hh.HHParams())


def test_hh_kinetics_is_a_typed_integer_code():
    assert hh.HHParams().kinetics == hh.KINETICS_GERSTNER_2014 == 0
    assert isinstance(hh.HHParams.squid_1952().kinetics, int)
    with pytest.raises(ValueError, match="kinetics"):
        hh.max_dt(params=hh.HHParams(kinetics=2))
    with pytest.raises(ValueError, match="kinetics"):
        hh.max_dt(params=hh.HHParams(kinetics=True))
