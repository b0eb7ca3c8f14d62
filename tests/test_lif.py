"""LIF with refractory period and adaptive threshold: against closed forms and a plain-Python
reference."""

import math

import numpy as np
import pytest

from snnedu.models import lif
from snnedu.models.lif import ADAPTIVE, LIFParams, LIFState


def reference_lif(i_ext, params, dt, g_e=None, g_i=None):
    """Obviously-correct slow loop over steps and neurons (the same exact step, written out)."""
    n_steps, n = i_ext.shape
    g_l = 1000.0 / params.r_m
    c_m = 1000.0 * params.tau_m / params.r_m
    v = [params.v_rest] * n
    theta = [0.0] * n
    ref_left = [0] * n
    n_ref = round(params.t_ref / dt)
    spikes = np.zeros((n_steps, n), dtype=bool)
    vs = np.zeros((n_steps, n))
    for k in range(n_steps):
        for j in range(n):
            theta[j] *= math.exp(-dt / params.tau_theta)
            if ref_left[j] > 0:
                ref_left[j] -= 1
            else:
                ge = 0.0 if g_e is None else g_e[k, j]
                gi = 0.0 if g_i is None else g_i[k, j]
                g = g_l + ge + gi
                target = (
                    g_l * params.v_rest + ge * params.e_exc + gi * params.e_inh + i_ext[k, j]
                ) / g
                v[j] = target + (v[j] - target) * math.exp(-dt * g / c_m)
                if v[j] >= params.v_th + theta[j]:
                    spikes[k, j] = True
                    v[j] = params.v_reset
                    theta[j] += params.theta_plus
                    ref_left[j] = n_ref
            vs[k, j] = v[j]
    return spikes, vs


def test_subthreshold_step_response_is_the_analytic_exponential():
    params = LIFParams()
    result = lif.simulate_lif(150.0, params=params, dt=0.1, duration=50.0, raster=True)
    drive = params.r_m * 150.0 / 1000.0  # R i [mV]
    expected = params.v_rest + drive * (1.0 - np.exp(-result.t / params.tau_m))
    np.testing.assert_allclose(result.v[:, 0], expected, rtol=0, atol=1e-10)
    assert not result.spikes.any()


def test_fi_curve_simulation_matches_closed_form_within_one_step():
    # Spikes fall on the dt grid, so each simulated period is the analytic one rounded up to
    # a whole number of steps: |T_sim − T| ≤ dt.
    params, dt = LIFParams(), 0.01
    currents = np.array([210.0, 250.0, 300.0, 500.0, 1000.0, 3000.0])
    result = lif.simulate_lif(
        currents, params=params, dt=dt, duration=400.0, record=[], raster=True
    )
    period = 1000.0 / lif.lif_rate_hz(currents, params=params)
    for j in range(currents.size):
        steps = np.flatnonzero(result.spikes[:, j])
        assert steps.size >= 3
        isi = np.diff(steps) * dt
        assert np.all(np.abs(isi - period[j]) <= dt + 1e-9)


def test_no_firing_at_or_below_rheobase():
    params = LIFParams()
    rheobase = lif.rheobase_pa(params=params)
    assert rheobase == pytest.approx((params.v_th - params.v_rest) * 1000.0 / params.r_m)
    result = lif.simulate_lif(
        [0.5 * rheobase, rheobase], params=params, dt=0.1, duration=500.0, raster=True
    )
    assert not result.spikes.any()
    assert np.all(lif.lif_rate_hz([0.5 * rheobase, rheobase], params=params) == 0)


@pytest.mark.parametrize("t_ref", [1.0, 2.0, 5.0])
def test_refractory_period_caps_the_rate_at_one_over_t_ref(t_ref):
    params, dt = LIFParams(t_ref=t_ref), 0.01
    result = lif.simulate_lif(1e6, params=params, dt=dt, duration=200.0, record=[], raster=True)
    isi = np.diff(np.flatnonzero(result.spikes[:, 0])) * dt
    assert np.all(isi >= t_ref)  # never inside the refractory period
    np.testing.assert_allclose(isi, t_ref + dt, atol=1e-9)  # hold t_ref, then one step
    assert lif.lif_rate_hz(1e12, params=params) == pytest.approx(1000.0 / t_ref, rel=1e-6)


def test_threshold_rises_by_theta_plus_at_each_spike_and_decays_with_tau_theta():
    params, dt = ADAPTIVE, 0.1
    result = lif.simulate_lif(600.0, params=params, dt=dt, duration=300.0, raster=True)
    theta = result.v_th[:, 0] - params.v_th
    spiking = result.spikes[1:, 0]
    decay = math.exp(-dt / params.tau_theta)
    jumps = theta[1:] - theta[:-1] * decay
    assert spiking.sum() > 10
    np.testing.assert_allclose(jumps[spiking], params.theta_plus, atol=1e-9)
    np.testing.assert_allclose(jumps[~spiking], 0.0, atol=1e-9)


def test_adaptive_rate_matches_the_periodic_steady_state():
    params, dt = ADAPTIVE, 0.01
    result = lif.simulate_lif(
        [400.0, 800.0], params=params, dt=dt, duration=2000.0, record=[], raster=True
    )
    period = 1000.0 / lif.adaptive_lif_rate_hz([400.0, 800.0], params=params)
    for j in range(2):
        isi = np.diff(np.flatnonzero(result.spikes[:, j])) * dt
        assert abs(isi[-5:].mean() - period[j]) <= dt + 1e-9


def test_adaptive_rate_reduces_to_plain_lif_without_adaptation():
    currents = np.array([150.0, 250.0, 700.0])
    np.testing.assert_allclose(
        lif.adaptive_lif_rate_hz(currents, params=LIFParams()), lif.lif_rate_hz(currents), rtol=1e-9
    )


def test_kernel_matches_slow_python_reference_with_conductances_and_adaptation():
    rng = np.random.default_rng(11)
    params, dt, n_steps = ADAPTIVE._replace(t_ref=1.0), 0.1, 600
    i_ext = rng.uniform(0.0, 500.0, (n_steps, 4))
    g_e = rng.uniform(0.0, 8.0, (n_steps, 4))
    g_i = rng.uniform(0.0, 4.0, (n_steps, 4))
    result = lif.simulate_lif(i_ext, params=params, dt=dt, g_e=g_e, g_i=g_i, raster=True)
    spikes, v = reference_lif(i_ext, params, dt, g_e, g_i)
    assert spikes.sum() > 10
    np.testing.assert_array_equal(result.spikes, spikes)
    np.testing.assert_allclose(result.v, v, atol=1e-9)


def test_current_based_path_matches_reference():
    rng = np.random.default_rng(12)
    i_ext = rng.uniform(0.0, 600.0, (500, 3))
    result = lif.simulate_lif(i_ext, params=ADAPTIVE, dt=0.1, raster=True)
    spikes, v = reference_lif(i_ext, ADAPTIVE, 0.1)
    np.testing.assert_array_equal(result.spikes, spikes)
    np.testing.assert_allclose(result.v, v, atol=1e-9)


def test_continuing_from_the_final_state_equals_one_long_run():
    whole = lif.simulate_lif([300.0, 700.0], params=ADAPTIVE, dt=0.1, duration=200.0, raster=True)
    first = lif.simulate_lif([300.0, 700.0], params=ADAPTIVE, dt=0.1, duration=100.0, raster=True)
    second = lif.simulate_lif(
        [300.0, 700.0], params=ADAPTIVE, dt=0.1, duration=100.0, state=first.state, raster=True
    )
    np.testing.assert_array_equal(np.vstack([first.spikes, second.spikes]), whole.spikes)


def test_caller_state_is_not_modified():
    state = LIFState(np.full(2, -60.0), np.zeros(2), np.zeros(2))
    lif.simulate_lif(500.0, params=ADAPTIVE, dt=0.1, duration=50.0, state=state, raster=True)
    np.testing.assert_array_equal(state.v, -60.0)
    np.testing.assert_array_equal(state.theta, 0.0)


def test_poisson_drive_without_input_matches_simulate_lif():
    currents = np.array([250.0, 400.0, 900.0])
    drive = lif.simulate_lif_poisson_drive(
        3,
        0.0,
        0.0,
        rng=np.random.default_rng(0),
        params=ADAPTIVE,
        duration=300.0,
        i_ext=currents,
        raster=True,
    )
    plain = lif.simulate_lif(currents, params=ADAPTIVE, dt=0.1, duration=300.0, raster=True)
    np.testing.assert_array_equal(drive.spikes, plain.spikes)
    np.testing.assert_allclose(drive.state.theta, plain.state.theta, atol=1e-9)


def test_poisson_drive_mean_voltage_matches_campbell():
    # Subthreshold: mean i_syn = rate · w · τ_syn (Campbell) so mean v = v_rest + R·⟨i_syn⟩;
    # tolerance 4 standard errors of the mean over independent neurons.
    params = LIFParams(v_th=1e3)
    rate, w, tau = 2000.0, 20.0, 5.0
    out = lif.simulate_lif_poisson_drive(
        4000,
        rate,
        w,
        rng=np.random.default_rng(1),
        params=params,
        tau_syn=tau,
        duration=200.0,
        raster=True,
    )
    v = out.state.v
    expected = params.v_rest + params.r_m / 1000.0 * rate * w * tau / 1000.0
    assert abs(v.mean() - expected) < 4.0 * v.std() / np.sqrt(v.size)
    i_expected = rate * w * tau / 1000.0
    assert abs(out.i_syn.mean() - i_expected) < 4.0 * out.i_syn.std() / np.sqrt(v.size) + 0.02 * (
        i_expected
    )


def test_poisson_drive_same_seed_same_spikes():
    def run(seed):
        return lif.simulate_lif_poisson_drive(
            50,
            1500.0,
            40.0,
            rng=np.random.default_rng(seed),
            params=ADAPTIVE,
            duration=200.0,
            raster=True,
        ).spikes

    np.testing.assert_array_equal(run(5), run(5))
    assert run(5).sum() > 0
    assert not np.array_equal(run(5), run(6))


def test_poisson_drive_heterogeneous_rates_give_ordered_activity():
    rates = np.repeat([500.0, 3000.0], 200)
    out = lif.simulate_lif_poisson_drive(
        400, rates, 40.0, rng=np.random.default_rng(2), duration=500.0, raster=True
    )
    assert out.spike_count[200:].mean() > 3 * out.spike_count[:200].mean()


@pytest.mark.parametrize(
    "call, match",
    [
        (lambda: lif.simulate_lif(100.0, params=LIFParams(tau_m=-1.0), duration=10.0), "tau_m"),
        (lambda: lif.simulate_lif(np.nan, duration=10.0), "NaN"),
        (
            lambda: lif.simulate_lif(100.0, params=LIFParams(v_reset=-40.0), duration=10.0),
            "v_reset",
        ),
        (lambda: lif.simulate_lif(100.0, dt=0.0, duration=10.0), "dt"),
        (lambda: lif.simulate_lif(100.0), "duration"),
        (lambda: lif.simulate_lif(np.zeros((10, 2)), duration=5.0, dt=0.1), "time steps"),
        (lambda: lif.simulate_lif([1.0, 2.0], duration=5.0, g_e=[1.0, 2.0, 3.0]), "neurons"),
        (lambda: lif.simulate_lif(0.0, duration=5.0, g_i=-1.0), "e_inh"),
        (lambda: lif.simulate_lif_poisson_drive(10, 100.0, 1.0, rng=1), "Generator"),
        (lambda: lif.simulate_lif_poisson_drive(0, 100.0, 1.0, rng=np.random.default_rng()), "n"),
        (lambda: lif.lif_rate_hz(100.0, params="params"), "LIFParams"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_lif_matched_to_hh_has_the_same_rheobase():
    params, scale = lif.lif_params_like_hh(0.3, -63.0, c_m=1.0, g_l=0.3)
    assert lif.rheobase_pa(params=params) == pytest.approx(0.3 * scale, rel=1e-12)
    assert params.tau_m == pytest.approx(1.0 / 0.3)
    assert lif.capacitance_pf(params=params) == pytest.approx(100.0)  # 1 µF/cm² × 1e-4 cm²


def test_lif_panel_updates_headless():
    from snnedu.widgets.lif import lif_panel

    panel = lif_panel(duration=100.0)
    before = panel.latest["result"].v.copy()
    rate_before = panel.latest["rate_hz"]
    panel.controls["i_ext"].value = 900.0
    assert panel.status.value == ""
    assert not np.array_equal(before, panel.latest["result"].v)
    assert panel.latest["rate_hz"] > rate_before
    panel.controls["theta_plus"].value = 0.0
    np.testing.assert_allclose(panel.latest["fi_adaptive"], panel.latest["fi_plain"], rtol=1e-9)


def test_lif_plots_return_artists():
    import matplotlib.pyplot as plt

    from snnedu.plot.lif import plot_fi_curve, plot_rate_spread, plot_voltage_threshold

    result = lif.simulate_lif(500.0, params=ADAPTIVE, dt=0.1, duration=50.0, raster=True)
    fig, ax = plt.subplots()
    drawn = plot_voltage_threshold(
        result.t, result.v[:, 0], result.v_th[:, 0], result.spikes[:, 0], ax=ax
    )
    assert drawn["v"].get_xdata().size == result.t.size
    assert len(drawn["spikes"].get_segments()) == result.spikes.sum()
    assert plot_fi_curve([1, 2], [3, 4], ax=ax, kind="points").get_ydata().tolist() == [3, 4]
    assert len(plot_rate_spread({"a": [1, 2], "b": [3, 4]}, ax=ax)) == 2
    plt.close(fig)


def test_lif_checks_accept_the_reference_and_reject_wrong_answers():
    from snnedu.exercises import check
    from snnedu.exercises.checking import get_check

    for key in ("lif.rheobase", "lif.max_rate", "lif.adapted_rate"):
        assert check(key, get_check(key).reference())
        assert not check(key, get_check(key).reference() * 1.2)
        assert not check(key, None)
    assert check("lif.fi_curve", lambda i: lif.lif_rate_hz(i))
    assert not check("lif.fi_curve", lambda i: 1000.0 / (LIFParams().tau_m + 0 * i))
    # the adapted rate is reachable by the simulation the hint describes
    run = lif.simulate_lif(500.0, params=ADAPTIVE, dt=0.05, duration=3000.0, record=[], raster=True)
    assert check("lif.adapted_rate", run.spikes[-20000:].sum() / 1.0)


def test_spikes_are_events_by_default_and_match_the_raster_on_request():
    currents = np.array([250.0, 1e6, 0.0])  # the second neuron fires at 1 / t_ref, above the
    # buffers' first guess, so the kernel reports the count and the run is repeated
    events = lif.simulate_lif(currents, params=ADAPTIVE, dt=0.1, duration=300.0)
    full = lif.simulate_lif(currents, params=ADAPTIVE, dt=0.1, duration=300.0, raster=True)
    assert events.raster is None
    with pytest.raises(ValueError, match="raster=True"):
        events.spikes
    np.testing.assert_array_equal(lif.spike_raster(events), full.spikes)
    np.testing.assert_array_equal(events.spike_count, full.spikes.sum(axis=0))
    assert events.spike_count[1] > 100 and events.spike_count[2] == 0
    steps, neurons = np.nonzero(full.spikes)
    np.testing.assert_array_equal(events.spike_step, steps)
    np.testing.assert_array_equal(events.spike_index, neurons)
    np.testing.assert_allclose(events.spike_times, events.t[events.spike_step])


def test_poisson_drive_events_match_its_raster():
    kwargs = dict(rng=np.random.default_rng(3), params=ADAPTIVE, duration=200.0)
    events = lif.simulate_lif_poisson_drive(50, 3000.0, 40.0, **kwargs)
    kwargs["rng"] = np.random.default_rng(3)
    full = lif.simulate_lif_poisson_drive(50, 3000.0, 40.0, raster=True, **kwargs)
    assert events.raster is None and events.spike_count.sum() > 50
    np.testing.assert_array_equal(lif.spike_raster(events), full.spikes)
