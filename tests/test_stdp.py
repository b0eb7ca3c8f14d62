"""STDP rules, window and presets (snnedu.models.stdp), plus the STDP plots, widget and checks."""

import math

import numba
import numpy as np
import pytest

from snnedu.models import stdp
from snnedu.models.stdp import (
    RULES,
    PairSTDPParams,
    STDPParams,
    measure_stdp_window,
    rule_code,
    stdp_on_post,
    stdp_on_pre,
    stdp_params,
    stdp_window,
)

# ------------------------------------------------------------------ hand-written reference rules


def _clip(w, w_max):
    return min(max(w, 0.0), w_max)


def reference_on_pre(rule, w, x_post, p):
    """The reference sheet §6–7 written out, one rule per branch."""
    if rule == "triplet":
        return _clip(w - p.eta_pre * x_post, p.w_max)
    if rule == "pre_and_post":
        return _clip(w - p.eta_pre * x_post * w**p.mu, p.w_max)
    return w  # power_law and exponential only learn on postsynaptic spikes


def reference_on_post(rule, w, x_pre, x_post2_before, p):
    if rule == "triplet":
        return _clip(w + p.eta_post * x_pre * x_post2_before, p.w_max)
    if rule in ("pre_and_post", "power_law"):
        return _clip(w + p.eta_post * (x_pre - p.x_tar) * (p.w_max - w) ** p.mu, p.w_max)
    dw = p.eta_post * (x_pre * math.exp(-p.beta * w) - p.x_tar * math.exp(-p.beta * (p.w_max - w)))
    return _clip(w + dw, p.w_max)


GRID = [
    (w, x, y) for w in (0.0, 0.05, 0.3, 0.77, 1.0) for x in (0.0, 0.2, 0.6, 1.0) for y in (0.0, 0.5)
]


@pytest.mark.parametrize("rule", RULES)
def test_each_rule_matches_its_formula_on_pre_and_post(rule):
    # large rates so the changes are far above rounding, and clipping is exercised
    p = stdp_params(rule, eta_pre=0.05, eta_post=0.3, x_tar=0.4, mu=0.7, beta=2.5)
    code = rule_code(rule)
    for w, x, y in GRID:
        assert stdp_on_pre(code, w, x, p) == pytest.approx(
            reference_on_pre(rule, w, x, p), abs=1e-14
        )
        assert stdp_on_post(code, w, x, y, p) == pytest.approx(
            reference_on_post(rule, w, x, y, p), abs=1e-14
        )


def test_triplet_defaults_are_the_diehl_cook_code_values():
    p = stdp_params("triplet")
    assert (p.tau_pre, p.tau_post1, p.tau_post2) == (20.0, 20.0, 40.0)
    assert (p.eta_pre, p.eta_post, p.w_max) == (0.0001, 0.01, 1.0)
    assert STDPParams() == p


@pytest.mark.parametrize("rule", RULES)
def test_weights_stay_in_bounds_for_any_traces(rule):
    rng = np.random.default_rng(3)
    p = stdp_params(rule, eta_pre=2.0, eta_post=5.0, w_max=0.8)
    code = rule_code(rule)
    for w, x, y in rng.uniform(0, 1, size=(500, 3)) * [0.8, 3.0, 3.0]:
        for new in (stdp_on_pre(code, w, x, p), stdp_on_post(code, w, x, y, p)):
            assert 0.0 <= new <= 0.8


def test_rule_code_rejects_unknown_names_and_lists_the_valid_ones():
    assert [rule_code(name) for name in RULES] == [0, 1, 2, 3]
    with pytest.raises(ValueError, match="triplet, pre_and_post, power_law, exponential"):
        rule_code("hebbian")
    with pytest.raises(ValueError):
        rule_code(7)


def test_stdp_params_rejects_bad_values_and_unknown_fields():
    with pytest.raises(ValueError, match="tau_pre"):
        stdp_params("triplet", tau_pre=-1.0)
    with pytest.raises(ValueError, match="eta_post"):
        stdp_params("power_law", eta_post=float("nan"))
    with pytest.raises(ValueError, match="fields"):
        stdp_params("triplet", learning_rate=0.1)


def test_only_triplet_and_pre_and_post_learn_on_presynaptic_spikes():
    assert [stdp.uses_pre_update(r) for r in RULES] == [True, True, False, False]
    for rule in ("power_law", "exponential"):
        assert stdp_on_pre(rule_code(rule), 0.4, 1.0, stdp_params(rule)) == 0.4


def test_power_law_rule_depresses_inputs_whose_trace_is_below_target():
    p = stdp_params("power_law")
    code = rule_code("power_law")
    assert stdp_on_post(code, 0.5, p.x_tar + 0.3, 0.0, p) > 0.5
    assert stdp_on_post(code, 0.5, p.x_tar - 0.3, 0.0, p) < 0.5
    assert stdp_on_post(code, 0.5, p.x_tar, 0.0, p) == 0.5


def test_rules_are_callable_from_other_numba_kernels():
    @numba.njit
    def learn(rule, w, p):
        for _ in range(10):
            w = stdp_on_post(rule, w, 1.0, 1.0, p)
            w = stdp_on_pre(rule, w, 1.0, p)
        return w

    p = stdp_params("triplet")
    expected = 0.5
    for _ in range(10):
        expected = reference_on_pre(
            "triplet", reference_on_post("triplet", expected, 1, 1, p), 1, p
        )
    assert learn(0, 0.5, p) == pytest.approx(expected, abs=1e-14)


# ------------------------------------------------------------------------------- the window


def test_analytic_window_values_follow_the_exponentials():
    p = PairSTDPParams(tau_pre=17.0, tau_post=34.0, eta_pre=0.005, eta_post=0.01)
    dw = stdp_window([17.0, -34.0, 0.0], w=0.3, params=p)
    np.testing.assert_allclose(dw, [0.01 * math.exp(-1), -0.005 * math.exp(-1), 0.01], rtol=1e-12)


def test_multiplicative_window_scales_with_the_soft_bounds():
    p = PairSTDPParams(mu=1.0)
    ltp, ltd = stdp_window([10.0, -10.0], w=0.25, params=p)
    additive = stdp_window([10.0, -10.0], w=0.25, params=p._replace(mu=0.0))
    assert ltp == pytest.approx(additive[0] * 0.75)
    assert ltd == pytest.approx(additive[1] * 0.25)


@pytest.mark.parametrize("mu", [0.0, 1.0, 0.5])
def test_measured_window_matches_the_analytic_curve(mu):
    p = PairSTDPParams(tau_pre=15.0, tau_post=25.0, mu=mu)
    delta_t = np.arange(-80.0, 80.1, 2.5)
    measured = measure_stdp_window(delta_t, w=0.4, params=p, dt=0.1)
    np.testing.assert_allclose(measured.delta_t, delta_t, atol=1e-9)
    np.testing.assert_allclose(
        measured.dw, stdp_window(delta_t, w=0.4, params=p), rtol=1e-9, atol=1e-15
    )


def test_measured_window_rounds_delta_t_to_the_grid():
    measured = measure_stdp_window([3.3], dt=0.5)
    assert measured.delta_t[0] == pytest.approx(3.5)
    assert measured.dw[0] == pytest.approx(stdp_window([3.5])[0])


def test_window_functions_reject_bad_input():
    with pytest.raises(ValueError, match="w must be in"):
        stdp_window([1.0], w=2.0)
    with pytest.raises(ValueError, match="dt"):
        measure_stdp_window([1.0], dt=0.0)
    with pytest.raises(ValueError, match="tau_pre"):
        stdp_window([1.0], params=PairSTDPParams(tau_pre=0.0))
    with pytest.raises(ValueError, match="NaN"):
        stdp_window([np.nan])


# ------------------------------------------------------------------------ plots, widget, checks


def test_stdp_plots_return_their_artists():
    import matplotlib.pyplot as plt

    from snnedu.plot.images import plot_field_panels
    from snnedu.plot.stdp import plot_stdp_window

    _, ax = plt.subplots()
    delta_t = np.linspace(-50, 50, 11)
    lines = plot_stdp_window(
        delta_t, stdp_window(delta_t), ax=ax, measured=measure_stdp_window(delta_t)
    )
    assert len(lines) == 2 and lines[0].get_xdata().shape == (11,)
    images = plot_field_panels(np.random.default_rng(0).random((4, 9, 9)))
    assert len(images) == 4
    plt.close("all")


def test_stdp_window_panel_updates_headless():
    from snnedu.widgets.stdp import stdp_window_panel

    panel = stdp_window_panel()
    line = panel.line
    before = np.array(line.get_ydata(), dtype=float)
    panel.controls["tau_pre"].value = 40.0
    after = np.array(line.get_ydata(), dtype=float)
    assert not np.allclose(before, after)
    panel.controls["mu"].value = 1.0
    assert not np.allclose(after, line.get_ydata())


def test_prototype_panel_retrains_headless():
    from snnedu.widgets.stdp import prototype_learning_panel

    panel = prototype_learning_panel(n_samples=120)
    before = np.array(panel.images[0].get_array(), dtype=float)
    panel.controls["inhibition"].value = 0.0
    after = np.array(panel.images[0].get_array(), dtype=float)
    assert not np.allclose(before, after)


def test_stdp_checks_pass_the_reference_and_fail_wrong_answers():
    from snnedu.exercises.checking import all_checks, check

    keys = [key for key in all_checks() if key.startswith("stdp.")]
    assert len(keys) >= 3
    for key in keys:
        reference = all_checks()[key].reference()
        assert check(key, reference).passed, key
        assert not check(key, None).passed
    assert not check("stdp.window_ltp", 1.0).passed
    assert not check("stdp.triplet_on_post", lambda w, x_pre, x_post2, p: w).passed
