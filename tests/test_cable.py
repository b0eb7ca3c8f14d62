"""The axon: a passive cable against its analytic solution, a chain of HH compartments against
Hodgkin & Huxley's computed conduction velocity and cable theory's √d scaling."""

import math

import numpy as np
import pytest

from snnedu.models import cable, hh


def test_length_constant_is_the_square_root_of_r_m_over_r_i():
    p = cable.AxonParams(diameter_um=100.0, r_i=50.0)
    g_l = 0.1  # mS/cm² → R_m = 10 kΩ·cm²
    d_cm = 100e-4
    r_m = 1e4 / (math.pi * d_cm)  # Ω·cm
    r_i = 4 * 50.0 / (math.pi * d_cm**2)  # Ω/cm
    assert cable.length_constant_mm(params=p, g_l=g_l) == pytest.approx(
        10.0 * math.sqrt(r_m / r_i), rel=1e-12
    )


def test_passive_compartments_decay_like_the_sealed_cable_solution():
    p = cable.AxonParams(length_mm=60.0, dx_mm=0.2)
    x, v = cable.passive_profile(params=p, g_l=0.3)
    lam, length = cable.length_constant_mm(params=p, g_l=0.3), p.length_mm
    analytic = np.cosh((length - x) / lam) / np.cosh(length / lam)
    np.testing.assert_allclose(v, analytic / analytic[0], atol=2e-4)
    # one length constant in, the depolarisation has fallen to about 1/e (sealed end far away)
    assert np.interp(x[0] + lam, x, v) == pytest.approx(math.exp(-1.0), rel=0.02)


def test_squid_axon_conducts_at_hodgkin_huxleys_computed_velocity():
    run = cable.simulate_axon(params=cable.AxonParams(length_mm=30.0), duration=5.0)
    assert not np.any(np.isnan(run.arrival))
    velocity = cable.conduction_velocity(run, start_mm=8.0, stop_mm=22.0)
    # Hodgkin & Huxley (1952) computed 18.8 m/s at 18.5 °C (and measured 21.2 m/s)
    assert 17.0 < velocity < 20.5
    assert run.v.max() > 20.0  # a full spike, not a decaying bump, at the far end
    assert run.v[:, -5].max() > 20.0


def test_velocity_grows_as_the_square_root_of_the_diameter():
    fast = cable.simulate_axon(params=cable.AxonParams(length_mm=30.0), duration=5.0)
    thin = cable.simulate_axon(
        params=cable.AxonParams(diameter_um=476.0 / 4, length_mm=30.0, dx_mm=0.125), duration=6.0
    )
    ratio = cable.conduction_velocity(fast, start_mm=8.0, stop_mm=22.0) / cable.conduction_velocity(
        thin, start_mm=8.0, stop_mm=22.0
    )
    assert ratio == pytest.approx(2.0, rel=0.03)


def test_a_weak_pulse_stays_local_and_a_cold_axon_is_slower():
    weak = cable.simulate_axon(
        params=cable.AxonParams(length_mm=20.0), duration=4.0, current_ua=0.5
    )
    assert np.all(np.isnan(weak.arrival[10:]))
    warm = cable.simulate_axon(params=cable.AxonParams(length_mm=20.0), duration=5.0)
    cold = cable.simulate_axon(
        params=cable.AxonParams(length_mm=20.0), hh_params=hh.HHParams.squid_1952(6.3), duration=8.0
    )
    assert cable.conduction_velocity(cold, start_mm=5.0, stop_mm=15.0) < cable.conduction_velocity(
        warm, start_mm=5.0, stop_mm=15.0
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"params": cable.AxonParams(diameter_um=-1.0)}, "diameter_um"),
        ({"params": cable.AxonParams(length_mm=1.0, dx_mm=0.5)}, "too coarse"),
        ({"dt": 0.2}, "dt"),
        ({"current_ua": 0.0}, "current_ua"),
        ({"hh_params": (1.0, 120.0, 36.0, 0.3, 50.0, -77.0, -54.4, 1.0, 1)}, "HHParams"),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(kwargs, match):
    with pytest.raises(ValueError, match=match):
        cable.simulate_axon(**kwargs)


def test_params_default_to_the_squid_axon_and_must_be_axon_params():
    assert cable.axial_conductance() == cable.axial_conductance(params=cable.SQUID_AXON)
    with pytest.raises(ValueError, match="AxonParams"):
        cable.length_constant_mm(params=(476.0, 35.4, 40.0, 0.25))


def test_velocity_without_a_spike_says_what_to_do():
    weak = cable.simulate_axon(
        params=cable.AxonParams(length_mm=10.0), duration=2.0, current_ua=0.5
    )
    with pytest.raises(ValueError, match="no spike reached"):
        cable.conduction_velocity(weak, start_mm=2.0, stop_mm=8.0)


def test_plots_draw_what_the_model_computed_and_return_their_artists():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from snnedu.plot.cable import plot_passive_profile, plot_propagation

    p = cable.AxonParams(length_mm=10.0, dx_mm=0.5)
    x, profile = cable.passive_profile(params=p)
    fig, ax = plt.subplots()
    drawn = plot_passive_profile(x, profile, cable.length_constant_mm(params=p), ax=ax)
    np.testing.assert_array_equal(drawn["profile"].get_ydata(), profile)
    assert drawn["exponential"].get_ydata()[0] == pytest.approx(1.0)
    run = cable.simulate_axon(params=p, duration=2.0)
    fig2, axes = plt.subplots(1, 2)
    lines = plot_propagation(run, [1.0, 8.0], axes=axes)
    assert len(lines["traces"]) == 2
    np.testing.assert_array_equal(lines["arrival"].get_ydata(), run.arrival)
    plt.close(fig)
    plt.close(fig2)
