"""Tests for snnedu.models.hh against an independent scipy ``solve_ivp`` reference and the values
computed independently on the reference sheet (biophysics.md §5–7)."""

import itertools
import math

import numpy as np
import pytest
from scipy.integrate import solve_ivp

from snnedu.models import hh
from snnedu.models.hh import (
    HHParams,
    HHState,
    fi_curve,
    paired_pulse_current,
    pulse_train,
    refractory_curve,
    refractory_periods,
    resting_potential,
    rheobase,
    simulate_hh,
    step_current,
    threshold_current,
)

SET_A = HHParams()
SET_B = HHParams.squid_1952()


# --------------------------------------------------------------------------- slow reference


def _linoid(a, x, k):
    """a·x/(1 − exp(−x/k)) written out plainly, with its limit a·k at x = 0."""
    x = np.asarray(x, dtype=float)
    safe = np.where(np.abs(x) < 1e-9, 1e-9, x)
    return a * safe / (1.0 - np.exp(-safe / k))


def _reference_rates(v, params):
    """The six rate functions exactly as printed on the reference sheet."""
    u = np.asarray(v, dtype=float)
    if params.kinetics == hh.KINETICS_GERSTNER_2014:
        rates = (
            0.182 * (u + 35) / (1 - np.exp(-(u + 35) / 9)),
            -0.124 * (u + 35) / (1 - np.exp((u + 35) / 9)),
            0.25 * np.exp(-(u + 90) / 12),
            0.25 * np.exp((u + 62) / 6) / np.exp((u + 90) / 12),
            0.02 * (u - 25) / (1 - np.exp(-(u - 25) / 9)),
            -0.002 * (u - 25) / (1 - np.exp((u - 25) / 9)),
        )
    else:
        rates = (
            0.1 * (u + 40) / (1 - np.exp(-(u + 40) / 10)),
            4 * np.exp(-(u + 65) / 18),
            0.07 * np.exp(-(u + 65) / 20),
            1 / (1 + np.exp(-(u + 35) / 10)),
            0.01 * (u + 55) / (1 - np.exp(-(u + 55) / 10)),
            0.125 * np.exp(-(u + 65) / 80),
        )
    return [params.phi * r for r in rates]


def _reference_rhs(t, y, i_ext, p):
    v, m, h, n = y
    if p.kinetics == hh.KINETICS_GERSTNER_2014:
        am, bm = _linoid(0.182, v + 35, 9), _linoid(0.124, -(v + 35), 9)
        an, bn = _linoid(0.02, v - 25, 9), _linoid(0.002, -(v - 25), 9)
        ah, bh = 0.25 * math.exp(-(v + 90) / 12), 0.25 * math.exp((v + 62) / 6 - (v + 90) / 12)
    else:
        am, bm = _linoid(0.1, v + 40, 10), 4 * math.exp(-(v + 65) / 18)
        an, bn = _linoid(0.01, v + 55, 10), 0.125 * math.exp(-(v + 65) / 80)
        ah, bh = 0.07 * math.exp(-(v + 65) / 20), 1 / (1 + math.exp(-(v + 35) / 10))
    ionic = p.g_na * m**3 * h * (v - p.e_na) + p.g_k * n**4 * (v - p.e_k) + p.g_l * (v - p.e_l)
    return [
        (i_ext - ionic) / p.c_m,
        p.phi * (am * (1 - m) - bm * m),
        p.phi * (ah * (1 - h) - bh * h),
        p.phi * (an * (1 - n) - bn * n),
    ]


def _reference_run(current, dt, params, y0=None):
    """Spike times (0 mV upward crossings) and the final state, by LSODA with tight tolerances;
    the piecewise-constant current is integrated one constant segment at a time."""
    current = np.asarray(current, dtype=float)
    if y0 is None:
        state = hh.init_hh_state(params=params)
        y0 = [float(x[0]) for x in state]
    edges = np.concatenate([[0], np.flatnonzero(np.diff(current)) + 1, [current.size]])

    def upward(t, y, *args):
        return y[0]

    upward.direction = 1.0
    spikes, y = [], list(y0)
    for start, stop in itertools.pairwise(edges):
        sol = solve_ivp(
            _reference_rhs,
            (start * dt, stop * dt),
            y,
            method="LSODA",
            args=(current[start], params),
            rtol=1e-9,
            atol=1e-9,
            events=upward,
            max_step=1.0,
        )
        spikes.extend(sol.t_events[0])
        y = sol.y[:, -1]
    return np.array(spikes), y


# --------------------------------------------------------------------------- the kernel


@pytest.mark.parametrize(
    ("params", "amplitude"), [(SET_A, 1.0), (SET_A, 2.0), (SET_B, 10.0), (SET_B, 30.0)]
)
def test_kernel_spike_times_match_solve_ivp_within_0p1_ms_over_200_ms(params, amplitude):
    current = step_current(amplitude, t_on=5.0, t_off=200.0, duration=200.0)
    expected, _ = _reference_run(current, 0.01, params)
    got = simulate_hh(current, params=params, record=()).spike_times
    assert expected.size >= 4
    assert got.size == expected.size
    np.testing.assert_allclose(got, expected, atol=0.1)


def test_kernel_with_pulses_and_noise_matches_solve_ivp():
    rng = np.random.default_rng(7)
    pulses = pulse_train(12.0, [5.0, 30.0, 60.0], 1.0, 100.0)
    noisy = 3.0 + hh.ou_current(100.0, sigma=2.0, tau=5.0, rng=rng)[:, 0]
    noisy = np.repeat(noisy[::50], 50)  # steps of 0.5 ms keep the reference fast
    for current, params in ((pulses, SET_B), (noisy, SET_A)):
        expected, y_end = _reference_run(current, 0.01, params)
        res = simulate_hh(current, params=params, record=("v",))
        assert expected.size >= 2
        np.testing.assert_allclose(res.spike_times, expected, atol=0.1)
        assert abs(res.state.v[0] - y_end[0]) < 0.5


def test_scheme_is_second_order_in_dt():
    current = step_current(10.0, t_on=1.0, t_off=60.0, duration=60.0)
    expected, _ = _reference_run(current, 0.01, SET_B)
    errors = []
    for dt in (0.01, 0.005):
        cur = step_current(10.0, t_on=1.0, t_off=60.0, duration=60.0, dt=dt)
        got = simulate_hh(cur, dt=dt, params=SET_B, record=(), exact_rates=True).spike_times
        errors.append(np.max(np.abs(got - expected)))
    assert errors[0] / errors[1] > 3.0  # 4 for a second-order scheme, 2 for a first-order one


def test_rate_table_agrees_with_exact_rates():
    current = step_current(1.5, t_on=5.0, t_off=300.0, duration=300.0)
    table = simulate_hh(current, record=())
    exact = simulate_hh(current, record=(), exact_rates=True)
    np.testing.assert_allclose(table.spike_times, exact.spike_times, atol=0.01)


def test_population_run_equals_a_loop_of_single_neuron_runs():
    rng = np.random.default_rng(3)
    currents = 1.5 + hh.ou_current(80.0, sigma=3.0, tau=3.0, n=5, rng=rng)
    start = hh.init_hh_state(params=SET_A, n=5)._replace(v=np.linspace(-70.0, -50.0, 5))
    population = simulate_hh(currents, state=start)
    for j in range(5):
        single_state = HHState(*(x[j : j + 1] for x in start))
        single = simulate_hh(currents[:, j], state=single_state)
        np.testing.assert_allclose(population.v[:, j], single.v[:, 0], rtol=1e-12, atol=1e-12)
        np.testing.assert_allclose(population.n[:, j], single.n[:, 0], rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(
            population.spike_times[population.spike_index == j], single.spike_times, rtol=1e-12
        )


def test_caller_state_is_not_modified_and_runs_can_be_chained():
    current = step_current(1.0, t_on=0.0, t_off=120.0, duration=120.0)
    state = hh.init_hh_state()
    before = [x.copy() for x in state]
    whole = simulate_hh(current, state=state)
    for x, y in zip(state, before, strict=True):
        np.testing.assert_array_equal(x, y)
    first = simulate_hh(current[:6000], state=state)
    second = simulate_hh(current[6000:], state=first.state)
    chained = np.concatenate([first.spike_times, second.spike_times + 60.0])
    np.testing.assert_allclose(chained, whole.spike_times, atol=1e-3)


def test_recording_only_spikes_allocates_no_traces_and_record_every_subsamples():
    res = simulate_hh(np.linspace(0.5, 2.0, 300)[None, :], duration=100.0, record=())
    assert all(x.shape == (0, 300) for x in (res.v, res.m, res.h, res.n))
    assert res.spike_times.size > 300
    thin = simulate_hh(1.0, duration=100.0, record=("v",), record_every=10)
    full = simulate_hh(1.0, duration=100.0, record=("v",))
    np.testing.assert_array_equal(thin.v[:, 0], full.v[::10, 0])
    np.testing.assert_allclose(thin.t, full.t[::10])
    assert thin.m.shape == (0, 1)


def test_neuron_at_rest_stays_at_rest():
    for params in (SET_A, SET_B):
        res = simulate_hh(0.0, duration=200.0, params=params, record=("v",))
        assert np.max(np.abs(res.v - resting_potential(params=params))) < 1e-3


# --------------------------------------------------------------------------- reference values


def test_rate_functions_match_the_reference_sheet():
    v = np.linspace(-120.0, 60.0, 1801) + 0.0123  # avoid the removable singularities
    for params in (SET_A, SET_B, HHParams.squid_1952(temperature=20.0)):
        alpha, beta = hh.alpha_beta(v, params=params)
        ours = [alpha.m, beta.m, alpha.h, beta.h, alpha.n, beta.n]
        for got, expected in zip(ours, _reference_rates(v, params), strict=True):
            np.testing.assert_allclose(got, expected, rtol=1e-10)


def test_removable_singularities_have_the_sheets_limits_and_are_continuous():
    alpha, beta = hh.alpha_beta(np.array([25.0, -35.0]), params=SET_A)
    np.testing.assert_allclose([alpha.n[0], beta.n[0]], [0.18, 0.018], rtol=1e-12)
    np.testing.assert_allclose([alpha.m[1], beta.m[1]], [1.638, 1.116], rtol=1e-12)
    alpha, _ = hh.alpha_beta(np.array([-55.0, -40.0]), params=SET_B)
    np.testing.assert_allclose([alpha.n[0], alpha.m[1]], [0.1, 1.0], rtol=1e-12)
    near = hh.alpha_beta(np.array([25.0 - 1e-6, 25.0, 25.0 + 1e-6]), params=SET_A)[0].n
    assert np.ptp(near) < 1e-6


def test_resting_potentials_match_the_reference_sheet():
    assert resting_potential(params=SET_A) == pytest.approx(-63.05, abs=0.01)
    assert resting_potential(params=SET_B) == pytest.approx(-64.996, abs=0.002)


@pytest.mark.parametrize(
    ("params", "x0_rest", "tau_rest"),
    [
        (SET_A, (0.0610, 0.5439, 0.00056), (0.258, 20.5, 5.68)),
        (SET_B, (0.0530, 0.5960, 0.3177), (0.237, 8.52, 5.46)),
    ],
)
def test_gates_at_rest_match_the_reference_sheet(params, x0_rest, tau_rest):
    v = resting_potential(params=params)
    np.testing.assert_allclose(hh.x0(v, params=params), x0_rest, rtol=0.01)
    np.testing.assert_allclose(hh.tau(v, params=params), tau_rest, rtol=0.01)


def test_one_ms_pulse_thresholds_match_the_reference_sheet():
    # sheet: set A 4.35 no spike, 4.366 spike; set B 6.90 no spike, 6.92 spike
    assert 4.35 < threshold_current(params=SET_A, rtol=1e-4) <= 4.366
    assert 6.90 < threshold_current(params=SET_B, rtol=1e-4) <= 6.925


def test_rheobase_brackets_the_solve_ivp_threshold():
    for params in (SET_A, SET_B):
        found = rheobase(params=params, duration=300.0, rtol=1e-3)
        for factor, spikes in ((0.99, False), (1.01, True)):
            current = step_current(found * factor, 0.0, 300.0, 300.0)
            assert (_reference_run(current, 0.01, params)[0].size > 0) == spikes
    assert 2.0 < rheobase(params=SET_B) <= 2.25  # sheet: first spike at 2.25 on a 0.25 grid


def test_threshold_current_is_inf_when_even_i_max_does_not_fire():
    assert threshold_current(params=SET_A, width=1.0, i_max=1.0) == math.inf


def test_fi_curve_of_the_lecture_set_matches_the_sheet_and_blocks():
    amplitudes = np.array([0.30, 0.35, 0.4, 0.5, 1.0, 2.0, 2.25, 3.0, 5.0])
    fi = fi_curve(amplitudes, params=SET_A, duration=1000.0, t_skip=0.0)
    np.testing.assert_array_equal(fi.n_spikes[[0, 1]], [1, 1])  # one spike only
    np.testing.assert_allclose(fi.rate_hz[2:6], [10.0, 12.0, 22.0, 38.0], atol=1.5)
    np.testing.assert_array_equal(fi.n_spikes[6:], 1)  # one spike, then depolarisation block


def test_fi_curve_is_monotone_from_onset_until_depolarisation_block():
    amplitudes = np.arange(0.0, 3.0, 0.05)
    fi = fi_curve(amplitudes, params=SET_A, duration=1000.0, t_skip=200.0)
    firing = np.flatnonzero(fi.rate_hz > 0)
    onset, block = firing[0], firing[-1] + 1
    assert np.all(fi.rate_hz[firing[0] : block] > 0)  # one window, no gaps
    assert np.all(np.diff(fi.rate_hz[onset:block]) >= 0)
    assert 0.3 < amplitudes[onset] <= 0.4 and 2.0 <= amplitudes[block - 1] < 2.25
    assert np.all(fi.rate_hz[block:] == 0) and np.all(fi.n_spikes[block:] <= 2)
    assert np.all(fi.n_spikes[amplitudes >= 2.25] == 1)  # sheet: one spike, then block


def test_squid_axon_fires_repetitively_only_from_about_6_5():
    fi = fi_curve(np.array([6.0, 6.5, 7.0, 10.0, 15.0]), params=SET_B, duration=500.0, t_skip=100.0)
    assert fi.rate_hz[0] == 0
    assert np.all(fi.rate_hz[1:] >= 50) and np.all(np.diff(fi.rate_hz[1:]) > 0)
    assert np.all((fi.n_spikes[2:] >= 28) & (fi.n_spikes[2:] <= 40))  # sheet: 28–40 in 500 ms


@pytest.mark.parametrize(("params", "peak", "ahp"), [(SET_A, (18, 21.5), None), (SET_B, None, -76)])
def test_spike_peak_and_after_hyperpolarisation_match_the_sheet(params, peak, ahp):
    amplitude = 1.05 * threshold_current(params=params)
    res = simulate_hh(pulse_train(amplitude, [5.0], 1.0, 60.0), params=params, record=("v",))
    features = hh.spike_features(res.t, res.v[:, 0])
    if peak is not None:
        assert peak[0] <= features.peak <= peak[1]
        assert features.half_width == pytest.approx(2.6, abs=0.15)
    else:
        assert features.peak == pytest.approx(36.5, abs=1.0)
        assert features.ahp == pytest.approx(ahp, abs=1.0)


def test_ionic_currents_balance_the_capacitive_current_over_an_action_potential():
    current = pulse_train(15.0, [2.0], 1.0, 20.0)
    res = simulate_hh(current, params=SET_B)
    i_na, i_k, i_l = hh.currents(res.v[:, 0], res.m[:, 0], res.h[:, 0], res.n[:, 0], params=SET_B)
    dvdt = np.gradient(res.v[:, 0], res.dt)
    balance = current - (i_na + i_k + i_l) - SET_B.c_m * dvdt
    interior = np.abs(np.diff(current, prepend=0)) == 0  # skip the pulse edges
    interior &= np.abs(np.diff(current, append=0)) == 0
    assert np.max(np.abs(balance[interior])) < 0.02 * np.max(np.abs(i_na))
    upstroke = np.argmax(dvdt)
    downstroke = np.argmin(dvdt)
    assert i_na[upstroke] < 0 and abs(i_na[upstroke]) > abs(i_k[upstroke])  # Na⁺ rushes in
    assert i_k[downstroke] > 0 and i_k[downstroke] > abs(i_na[downstroke])  # K⁺ flows out


# --------------------------------------------------------------------------- refractoriness


def test_second_pulse_within_absolute_refractory_period_never_spikes():
    amplitudes = np.geomspace(1.0, 1000.0, 25)
    for params in (SET_A, SET_B):
        first = 3 * threshold_current(params=params)
        for interval in (1.0, 1.5, 2.0):
            current = paired_pulse_current(first, amplitudes, interval)
            counts = hh.spike_counts(simulate_hh(current, params=params, record=()))
            np.testing.assert_array_equal(counts, 1)


def test_squid_refractory_curve_matches_the_sheet():
    intervals = np.array([2.0, 3.0, 5.0, 6.0, 8.0, 10.0, 12.0, 15.0, 20.0, 25.0])
    curve = refractory_curve(intervals, params=SET_B)
    assert curve.threshold[0] == math.inf
    sheet = np.array([700, 450, 200, 90, 50, 28, 16])  # +3 … +15 ms, rounded on the sheet
    np.testing.assert_allclose(curve.threshold[1:8], sheet, rtol=0.15)
    assert curve.baseline == pytest.approx(14.0, rel=0.1)
    periods = refractory_periods(curve)
    assert periods.absolute == 2.0
    assert 12.0 <= periods.relative <= 25.0


def test_refractory_periods_from_a_hand_made_curve():
    curve = hh.RefractoryCurve(
        np.array([1.0, 2.0, 3.0, 4.0, 5.0]),
        np.array([np.inf, np.inf, 30.0, 12.0, 10.5]),
        10.0,
        30.0,
    )
    assert refractory_periods(curve) == (2.0, 5.0)  # 12 is more than 10 % above 10
    assert refractory_periods(curve, tolerance=0.25) == (2.0, 4.0)
    assert math.isnan(refractory_periods(curve, tolerance=0.01).relative)  # never recovers


# --------------------------------------------------------------------------- inputs


def test_ou_current_has_the_stationary_statistics_and_is_reproducible():
    i = hh.ou_current(
        5000.0, dt=0.1, mean=2.0, sigma=1.5, tau=4.0, n=4, rng=np.random.default_rng(11)
    )
    assert i.mean() == pytest.approx(2.0, abs=0.1)
    assert i.std() == pytest.approx(1.5, rel=0.05)
    x = i - i.mean()
    lag = 40  # 4 ms = one correlation time
    rho = np.mean(x[lag:] * x[:-lag]) / np.var(x)
    assert rho == pytest.approx(math.exp(-1.0), abs=0.05)
    again = hh.ou_current(
        5000.0, dt=0.1, mean=2.0, sigma=1.5, tau=4.0, n=4, rng=np.random.default_rng(11)
    )
    np.testing.assert_array_equal(i, again)


def test_step_and_pulse_currents_switch_at_the_right_samples():
    i = step_current(3.0, t_on=1.0, t_off=2.0, duration=3.0, dt=0.1)
    assert i.shape == (30,)
    np.testing.assert_array_equal(np.flatnonzero(i), np.arange(10, 20))
    many = pulse_train(np.array([1.0, 2.0]), [0.5, 2.0], 0.3, 3.0, dt=0.1)
    assert many.shape == (30, 2)
    np.testing.assert_array_equal(np.flatnonzero(many[:, 1]), [5, 6, 7, 20, 21, 22])


def test_spike_times_of_a_trace_are_interpolated_and_ignore_downstroke_wiggles():
    t = np.arange(6.0)
    v = np.array([-60.0, 20.0, -5.0, 5.0, -70.0, 10.0])
    np.testing.assert_allclose(hh.spike_times(t, v), [0.75, 4 + 70 / 80])


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"dt": 0.05}, "dt=0.05"),
        ({"dt": -0.01}, "dt must be > 0"),
        ({"params": HHParams(c_m=-1.0)}, "c_m"),
        ({"params": HHParams(g_k=float("nan"))}, "g_k"),
        ({"params": HHParams(kinetics=2.0)}, "kinetics"),
        ({"params": HHParams.squid_1952(temperature=37.0)}, "too large"),
        ({"record": "v"}, "record"),
        ({"record": ("voltage",)}, "record"),
        ({"record_every": 0}, "record_every"),
        ({"n": 2.5}, "n must be"),
        ({"i_ext": [1.0, np.nan]}, "NaN"),
        ({"i_ext": np.ones((2, 2, 2))}, "dimensions"),
        ({"i_ext": np.ones(100), "duration": 5.0}, "agree"),
        ({"i_ext": np.ones((1, 3)), "n": 4}, "ambiguous"),
        ({"duration": None}, "duration"),
        ({"state": HHState(*(np.array([x]) for x in (-65.0, 1.5, 0.5, 0.3)))}, "state.m"),
        ({"i_ext": np.ones((1, 100_000)), "duration": 1000.0, "record": ("v", "m")}, "GB"),
    ],
)
def test_bad_input_raises_a_clear_value_error(kwargs, message):
    arguments = {"i_ext": 1.0, "duration": 10.0, **kwargs}
    with pytest.raises(ValueError, match=message):
        simulate_hh(**arguments)


def test_a_cold_squid_axon_allows_a_larger_dt_than_a_warm_one():
    assert hh.max_dt(params=HHParams.squid_1952(6.3)) > hh.max_dt(params=HHParams.squid_1952(30.0))
    simulate_hh(1.0, duration=5.0, dt=0.0015, params=HHParams.squid_1952(30.0))


def test_other_bad_inputs_raise_clear_value_errors():
    with pytest.raises(ValueError, match="rng"):
        hh.ou_current(10.0, rng=np.random.RandomState(0))
    with pytest.raises(ValueError, match="interval"):
        paired_pulse_current(10.0, 5.0, 0.5)
    with pytest.raises(ValueError, match="params must be"):
        hh.x0(-65.0, params=(1.0, 2.0))
    with pytest.raises(ValueError, match="no spike"):
        hh.spike_features(np.arange(3.0), np.full(3, -65.0))
    with pytest.raises(ValueError, match="t_skip"):
        fi_curve([1.0], duration=100.0, t_skip=100.0)


# --------------------------------------------------------------------------- plots, widgets, checks


def test_plots_draw_the_given_arrays_and_return_their_artists():
    import matplotlib.pyplot as plt

    from snnedu.plot import hh as hh_plot

    res = simulate_hh(pulse_train(10.0, [2.0], 1.0, 30.0))
    ionic = hh.currents(res.v, res.m, res.h, res.n)
    drawn = hh_plot.plot_action_potential(res, ionic, pulse_train(10.0, [2.0], 1.0, 30.0))
    np.testing.assert_array_equal(drawn["v"].get_ydata(), res.v[:, 0])
    np.testing.assert_array_equal(drawn["currents"]["i_na"].get_ydata(), ionic.i_na[:, 0])
    v = np.linspace(-90, 40, 50)
    kinetics = hh_plot.plot_gate_kinetics(v, hh.x0(v), hh.tau(v))
    np.testing.assert_array_equal(kinetics["tau"]["h"].get_ydata(), hh.tau(v).h)
    fi = hh.FICurve(np.array([0.0, 1.0, 3.0]), np.array([0.0, 20.0, 0.0]), np.array([0, 20, 1]))
    _, ax = plt.subplots()
    lines = hh_plot.plot_fi_curve(fi, ax=ax)
    np.testing.assert_array_equal(lines["transient_only"].get_xdata(), [3.0])
    curve = hh.RefractoryCurve(
        np.array([1.0, 2.0, 3.0]), np.array([np.inf, 50.0, 12.0]), 10.0, 30.0
    )
    drawn = hh_plot.plot_refractory_curve(curve, refractory_periods(curve), ax=ax)
    np.testing.assert_array_equal(drawn["none"].get_xdata(), [1.0])
    assert drawn["absolute"] is not None
    plt.close("all")


def test_hh_panel_recomputes_when_a_slider_moves():
    from snnedu.widgets.hh import hh_panel

    panel = hh_panel(duration=40.0)
    assert panel.latest["result"].spike_times.size == 1
    line = panel.figure.axes[0].lines[0]
    before = line.get_ydata().copy()
    panel.controls["amplitude"].value = 2.0  # below the 1-ms threshold
    assert panel.latest["result"].spike_times.size == 0
    assert not np.array_equal(line.get_ydata(), before)
    panel.controls["amplitude"].value = 10.0
    panel.controls["g_na"].value = 0.0  # no sodium channels, no spike
    assert panel.latest["result"].spike_times.size == 0
    assert panel.status.value == ""


def test_paired_pulse_panel_reports_the_second_spike():
    from snnedu.widgets.hh import paired_pulse_panel

    curve = refractory_curve(np.array([2.0, 5.0, 10.0, 20.0]), params=SET_B, rtol=0.05)
    panel = paired_pulse_panel(SET_B, curve=curve)
    panel.controls["interval"].value = 2.0
    panel.controls["second_amplitude"].value = 900.0
    assert not panel.latest["second_spike"]
    panel.controls["interval"].value = 20.0
    panel.controls["second_amplitude"].value = 30.0
    assert panel.latest["second_spike"]
    marker = panel.figure.axes[1].lines[-1]
    assert marker.get_xdata()[0] == 20.0


@pytest.mark.parametrize(
    ("key", "wrong"),
    [
        ("hh.resting_potential", -65.0),
        ("hh.pulse_threshold", 5.0),
        ("hh.rheobase", 4.36),
        ("hh.refractory_period", 10.0),
        ("hh.m_inf", lambda v: 1.0 / (1.0 + np.exp(-(v + 35.0) / 9.0))),
    ],
)
def test_checks_pass_with_their_reference_and_fail_with_wrong_values(key, wrong):
    from snnedu.exercises import check
    from snnedu.exercises.checking import get_check

    assert check(key, get_check(key).reference()).passed
    assert not check(key, wrong).passed
    assert not check(key, None).passed


def test_spike_raster_and_trains_hold_the_same_spikes_as_the_events():
    from snnedu.core.spikes import raster_to_spike_times

    res = simulate_hh(np.array([[0.5, 1.0, 2.0]]), duration=300.0, record=(), dt=0.01)
    raster = hh.spike_raster(res)
    assert raster.shape == (30000, 3)
    for from_raster, train in zip(
        raster_to_spike_times(raster, 0.01), hh.spike_trains(res), strict=True
    ):
        np.testing.assert_allclose(from_raster, np.floor(train / 0.01) * 0.01, atol=1e-9)
