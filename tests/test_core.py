"""The shared helpers of ``snnedu.core``: each check and numerical function written once."""

import math

import numpy as np
import pytest

from snnedu.core import numerics, validation
from snnedu.models.hh import HHParams


def test_bernoulli_matches_its_definition_and_limits():
    x = np.array([-30.0, -1.0, -1e-9, 0.0, 1e-9, 0.5, 5.0, 40.0])
    direct = np.array([v / math.expm1(v) if v != 0 else 1.0 for v in x])
    np.testing.assert_allclose(numerics.bernoulli_array(x), direct, rtol=1e-12)
    np.testing.assert_allclose([numerics.bernoulli(v) for v in x], direct, rtol=1e-12)
    assert numerics.bernoulli(800.0) == 0.0 and numerics.bernoulli_array(800.0) == 0.0
    # B(−x) − B(x) = x: the identity the GHK current relies on
    np.testing.assert_allclose(numerics.bernoulli_array(-x) - numerics.bernoulli_array(x), x)


def test_relax_with_decay_factor_is_the_exact_solution_of_a_linear_relaxation():
    tau, dt, x0, x_inf = 7.0, 0.3, -50.0, -70.0
    x = x0
    for _ in range(100):
        x = numerics.relax(x, x_inf, numerics.decay_factor(dt, tau))
    assert x == pytest.approx(x_inf + (x0 - x_inf) * math.exp(-100 * dt / tau), rel=1e-12)


def test_positive_int_accepts_whole_numbers_and_names_the_bad_value():
    assert validation.positive_int("n", 3) == 3
    assert validation.positive_int("n", np.int64(2)) == 2
    assert validation.positive_int("n", 4.0) == 4
    assert validation.positive_int("n", 0, minimum=0) == 0
    for bad in (0, -1, 2.5, True, "3", None, float("nan")):
        with pytest.raises(ValueError, match="n must be a whole number >= 1"):
            validation.positive_int("n", bad)


def test_require_rng_accepts_only_a_generator():
    rng = np.random.default_rng(0)
    assert validation.require_rng(rng) is rng
    for bad in (None, 0, np.random.RandomState(0)):
        with pytest.raises(ValueError, match="default_rng"):
            validation.require_rng(bad)


def test_pixels_and_labels_are_checked_once():
    assert validation.pixels_array("image", 255).ndim == 0
    assert validation.pixels_array("images", np.zeros((2, 4, 4)), ndim=3).flags.c_contiguous
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        validation.pixels_array("image", [0.0, 300.0])
    with pytest.raises(ValueError, match="3-D"):
        validation.pixels_array("images", np.zeros((4, 4)), ndim=3)
    np.testing.assert_array_equal(validation.labels_array([1, 0, 9], 3, 10), [1, 0, 9])
    with pytest.raises(ValueError, match="3 integer class indices"):
        validation.labels_array([1.0, 0.0, 2.0], 3)
    with pytest.raises(ValueError, match="classes 0-9"):
        validation.labels_array([1, 10], 2, 10)


def test_as_float_params_keeps_typed_flags_and_casts_the_rest():
    p = validation.as_float_params(HHParams(g_na=40, kinetics=1))
    assert isinstance(p.g_na, float) and p.kinetics == 1 and isinstance(p.kinetics, int)
