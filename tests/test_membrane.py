"""Membrane equilibria: Nernst, GHK, the Na⁺/K⁺ pump and drift–diffusion.

Expected numbers come from ``reference/biophysics.md`` §1–4 (its tables, computed there with
R = 8.314462618 J/(mol K) and F = 96485.33212 C/mol) or from formulas written out here.
"""

import math

import numpy as np
import pytest
from scipy.optimize import brentq

from snnedu.exercises import check
from snnedu.exercises.checking import all_checks
from snnedu.models import membrane as mem
from snnedu.models.membrane import (
    LECTURE_CONCENTRATIONS,
    SQUID_CONCENTRATIONS,
    DriftDiffusionParams,
    IonConcentrations,
    Permeabilities,
    PumpLeakParams,
    drift_diffusion,
)

R = 8.314462618
F = 96485.33212


# --- Nernst ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("temperature_c", "rt_over_f", "per_decade"),
    [(6.3, 24.081, 55.45), (20.0, 25.262, 58.17), (25.0, 25.693, 59.16), (37.0, 26.727, 61.54)],
)
def test_thermal_voltage_matches_the_reference_table(temperature_c, rt_over_f, per_decade):
    assert mem.thermal_voltage(temperature_c) == pytest.approx(rt_over_f, abs=5e-4)
    assert math.log(10) * mem.thermal_voltage(temperature_c) == pytest.approx(per_decade, abs=5e-3)


@pytest.mark.parametrize(
    ("concentrations", "expected"),
    [
        (LECTURE_CONCENTRATIONS, (58.09, -93.04, -64.09)),  # sheet §1, 37 °C
        (SQUID_CONCENTRATIONS, (52.4, -72.1, -63.5)),  # sheet §1, 6.3 °C (one decimal)
    ],
)
def test_nernst_potentials_match_the_reference_tables(concentrations, expected):
    got = mem.nernst_potentials(concentrations)
    tolerance = 0.006 if concentrations is LECTURE_CONCENTRATIONS else 0.06
    assert got == pytest.approx(expected, abs=tolerance)


def test_lecture_set_gives_the_slides_plus_58_and_minus_93_mv():
    e = mem.nernst_potentials()
    assert round(e.e_na) == 58 and round(e.e_k) == -93


def test_nernst_agrees_with_rt_over_zf_written_out_for_divalent_ions_and_arrays():
    kelvin = 310.15
    by_hand = 1000 * R * kelvin / (2 * F) * math.log(2.0 / 1e-4)  # Ca²⁺, 2 mM / 100 nM
    assert mem.nernst(2.0, 1e-4, z=2) == pytest.approx(by_hand, rel=1e-12)
    c_out = np.array([1.0, 4.0, 40.0])
    np.testing.assert_allclose(
        mem.nernst(c_out, 130.0), 1000 * R * kelvin / F * np.log(c_out / 130.0), rtol=1e-12
    )


def test_equal_concentrations_give_zero_and_swapping_sides_flips_the_sign():
    assert mem.nernst(10.0, 10.0) == 0.0
    assert mem.nernst(4.0, 130.0) == pytest.approx(-mem.nernst(130.0, 4.0))
    assert mem.nernst(110.0, 10.0, z=-1) == pytest.approx(-mem.nernst(110.0, 10.0, z=1))


# --- GHK ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("p_na", "p_cl", "expected"),
    [
        (0.01, 0.0, -84.8),
        (0.02, 0.0, -78.5),
        (0.03, 0.0, -73.5),
        (0.038, 0.0, -70.0),
        (0.04, 0.0, -69.2),
        (0.05, 0.0, -65.6),
        (0.03, 0.45, -70.6),  # −70.547 by the formula: the table rounds up
        (0.04, 0.45, -67.7),
        (0.05, 0.45, -65.2),
    ],
)
def test_ghk_voltage_matches_the_reference_table(p_na, p_cl, expected):
    v = mem.ghk_voltage(LECTURE_CONCENTRATIONS, Permeabilities(1.0, p_na, p_cl))
    assert v == pytest.approx(expected, abs=0.06)


def test_ghk_squid_rest_and_peak_match_the_reference():
    rest = mem.ghk_voltage(SQUID_CONCENTRATIONS, Permeabilities(1.0, 0.04, 0.45))
    peak = mem.ghk_voltage(SQUID_CONCENTRATIONS, Permeabilities(1.0, 20.0, 0.45))
    assert rest == pytest.approx(-59.4, abs=0.06) and peak == pytest.approx(40.4, abs=0.06)


def test_ghk_voltage_is_where_the_three_ghk_currents_cancel():
    p = mem.SQUID_REST_PERMEABILITIES

    def total(v):
        i = mem.ghk_currents(v, LECTURE_CONCENTRATIONS, p)
        return i["na"] + i["k"] + i["cl"]

    assert brentq(total, -150, 100, xtol=1e-12) == pytest.approx(
        mem.ghk_voltage(LECTURE_CONCENTRATIONS, p), abs=1e-8
    )


def test_ghk_voltage_depends_only_on_permeability_ratios():
    a = mem.ghk_voltage(permeabilities=Permeabilities(1.0, 0.04, 0.45))
    b = mem.ghk_voltage(permeabilities=Permeabilities(3e-6, 1.2e-7, 1.35e-6))
    assert a == pytest.approx(b, abs=1e-10)


def test_ghk_current_formula_limits_and_sign():
    p, c_out, c_in = 5e-7, 4.0, 130.0
    # V → 0: u/(1 − e^{−u}) → 1, so I = P z F (c_in − c_out) (µA/cm² with P in cm/s, c in mM).
    assert mem.ghk_current(0.0, c_out, c_in, 1, p) == pytest.approx(p * F * (c_in - c_out))
    assert mem.ghk_current(1e-9, c_out, c_in, 1, p) == pytest.approx(p * F * (c_in - c_out))
    # Written out at −50 mV, 37 °C, in SI: P [m/s] · z² F² V / RT · (c_i − c_o e^{−u})/(1 − e^{−u}).
    v = -0.050
    u = F * v / (R * 310.15)
    si = 5e-9 * F**2 * v / (R * 310.15) * (c_in - c_out * math.exp(-u)) / (1 - math.exp(-u))
    assert mem.ghk_current(-50.0, c_out, c_in, 1, p) == pytest.approx(si * 100.0, rel=1e-10)
    assert mem.ghk_current(mem.nernst(c_out, c_in), c_out, c_in, 1, p) == pytest.approx(
        0, abs=1e-12
    )
    # Cl⁻ (z = −1): at V above E_Cl, anions flow in, which is an outward current.
    assert mem.ghk_current(-40.0, 110.0, 10.0, -1, p) > 0


def test_resting_resistance_is_inverse_slope_of_the_iv_curve():
    v_rest = mem.ghk_voltage()
    v = np.linspace(v_rest - 0.01, v_rest + 0.01, 3)
    i = mem.ghk_currents(v)
    slope = (i["na"] + i["k"])[2] - (i["na"] + i["k"])[0]
    assert mem.slope_conductance(v_rest) == pytest.approx(slope / 0.02, rel=1e-5)
    assert 10.0 < 1.0 / mem.slope_conductance(v_rest) < 30.0  # kΩ cm², a neuron at rest


def test_membrane_capacitance_is_that_of_a_parallel_plate_capacitor():
    by_hand = 2.8 * 8.8541878128e-12 / 2.5e-9  # F/m²
    assert mem.membrane_capacitance(2.5, 2.8) == pytest.approx(by_hand * 100.0)


def test_charging_fraction_for_a_10_micron_soma_is_of_order_1e_minus_5():
    fraction = mem.charging_fraction(-93.04, 130.0, volume_to_area_um=10 / 3)
    by_hand = 1e-2 * 0.09304 / F / (130.0 * 10e-6 / 3)
    assert fraction == pytest.approx(by_hand, rel=1e-10)


# --- the pump ------------------------------------------------------------------------------


@pytest.mark.parametrize(("p_na", "expected"), [(0.04, -75.1), (0.03, -78.5), (0.05, -72.0)])
def test_mullins_noda_voltage_matches_the_reference_table(p_na, expected):
    v = mem.mullins_noda_voltage(LECTURE_CONCENTRATIONS, Permeabilities(1.0, p_na, 0.0))
    assert v == pytest.approx(expected, abs=0.06)


def test_an_electroneutral_pump_gives_back_the_ghk_voltage():
    assert mem.mullins_noda_voltage(coupling_ratio=1.0) == pytest.approx(mem.ghk_voltage())


def test_pump_and_leak_steady_state_is_the_mullins_noda_potential():
    run = mem.simulate_pump_leak(duration=5400.0, na_in0=30.0, k_in0=116.5, n_samples=3)
    final = LECTURE_CONCENTRATIONS._replace(na_in=run.na_in[-1], k_in=run.k_in[-1])
    assert run.na_in[-1] < 17.0  # the pump has pumped most of the extra Na⁺ out
    assert run.v[-1] == pytest.approx(mem.mullins_noda_voltage(final), abs=0.02)


def test_lecture_concentrations_are_the_default_pump_steady_state():
    run = mem.simulate_pump_leak(duration=600.0, n_samples=2)
    assert run.na_in[-1] == pytest.approx(16.5, abs=0.1)
    assert run.k_in[-1] == pytest.approx(130.0, abs=0.1)
    assert run.v[-1] == pytest.approx(mem.mullins_noda_voltage(), abs=0.1)


def test_net_cation_change_inside_is_only_the_membrane_capacitors_charge():
    params = PumpLeakParams()
    run = mem.simulate_pump_leak(
        duration=1200.0, params=params._replace(i_pump_max=0.0), n_samples=50
    )
    # C_m dV = −(total current) dt = F w d(Na_i + K_i): the two change together, exactly.
    c_m = params.c_m * 1e-2  # F/m²
    w = params.volume_to_area * 1e-6  # m
    expected = c_m * (run.v - run.v[0]) * 1e-3 / (F * w)
    np.testing.assert_allclose(
        run.na_in + run.k_in - (run.na_in[0] + run.k_in[0]), expected, atol=1e-6
    )


def test_blocking_the_pump_depolarises_at_once_by_its_electrogenic_share_then_slowly():
    blocked = PumpLeakParams()._replace(i_pump_max=0.0)
    fast = mem.simulate_pump_leak(
        duration=0.2, params=blocked, n_samples=2
    )  # ten membrane time constants
    # Concentrations have not moved yet, so V is the pump-free GHK potential.
    assert fast.v[0] == pytest.approx(mem.mullins_noda_voltage(), abs=0.05)
    assert fast.v[-1] == pytest.approx(mem.ghk_voltage(), abs=0.05)
    slow = mem.simulate_pump_leak(duration=1800.0, params=blocked, n_samples=4)
    assert np.all(np.diff(slow.na_in) > 0) and np.all(np.diff(slow.k_in) < 0)
    assert np.all(np.diff(slow.v) > 0)  # gradients run down: V drifts towards 0


def test_pump_current_is_the_saturating_formula():
    p = PumpLeakParams()
    expected = p.i_pump_max * (20 / (20 + p.k_na)) ** 3 * (4 / (4 + p.k_k)) ** 2
    assert mem.pump_current(20.0, 4.0, params=p) == pytest.approx(expected)


def test_pump_leak_rest_is_the_zero_current_potential():
    v = mem.pump_leak_rest(16.5, 130.0)
    assert v == pytest.approx(mem.mullins_noda_voltage(), abs=0.05)


# --- drift–diffusion -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def equilibrium():
    return mem.simulate_drift_diffusion(duration=400.0, dx=0.5, n_frames=5)


def test_drift_diffusion_conserves_every_ion(equilibrium):
    amount_c = equilibrium.c.sum(axis=1)
    amount_a = equilibrium.anion.sum(axis=1)
    np.testing.assert_allclose(amount_c, amount_c[0], rtol=1e-12)
    np.testing.assert_allclose(amount_a, amount_a[0], rtol=1e-12)


def test_zero_flux_steady_state_is_the_nernst_potential(equilibrium):
    run = equilibrium
    # Tolerance 0.05 mV: the run has to come to rest (slowest mode τ ≈ 60 ns); the
    # Scharfetter–Gummel scheme has no discretisation error at equilibrium.
    e_ends = mem.nernst(run.c[-1, -1], run.c[-1, 0], 1, 37.0)
    assert run.v[-1] == pytest.approx(e_ends, abs=0.05)
    # Against the initial concentrations the gap is the ions that crossed: the 25-nm
    # outside compartment gains a few % of its K⁺; 1.5 mV allows for that.
    assert run.v[-1] == pytest.approx(mem.nernst(4.0, 130.0), abs=1.5)
    assert abs(run.j_total[-1]) < 1e-4 * abs(run.j_diffusion[-1])  # drift balances diffusion
    assert run.j_diffusion[-1] > 0 and run.j_drift[-1] < 0


def test_steady_state_profile_is_boltzmann_everywhere(equilibrium):
    run = equilibrium
    v_t = mem.thermal_voltage(37.0)
    water = (run.x < run.membrane[0]) | (run.x > run.membrane[1])
    boltzmann = run.c[-1, 0] * np.exp(-(run.phi[-1] - run.phi[-1, 0]) / v_t)
    np.testing.assert_allclose(run.c[-1, water], boltzmann[water], rtol=1e-3)
    inside = ~water
    beta = DriftDiffusionParams().partition
    np.testing.assert_allclose(run.c[-1, inside], beta * boltzmann[inside], rtol=1e-3)


def test_compartments_stay_electroneutral_away_from_the_membrane(equilibrium):
    run = equilibrium
    assert abs(run.c[-1, 0] - run.anion[-1, 0]) < 1e-3 * run.c[-1, 0]
    assert abs(run.c[-1, -1] - run.anion[-1, -1]) < 0.05 * run.c[-1, -1]


def test_the_potential_builds_up_monotonically_from_zero(equilibrium):
    v = equilibrium.v
    assert v[0] == 0.0
    assert np.all(np.diff(v) <= 1e-9)


def test_drift_diffusion_converges_at_second_order_with_grid_refinement():
    runs = {
        dx: mem.simulate_drift_diffusion(duration=10.0, dx=dx, frame_times=[10.0], n_samples=2)
        for dx in (0.5, 0.25, 0.125)
    }

    def coarsened(profile):  # average pairs of fine cells onto the coarse grid
        return 0.5 * (profile[0::2] + profile[1::2])

    # Mid-transient (10 ns, V ≈ −66 mV): halving dx (and dt ∝ dx²) must cut the change in V
    # and in the K⁺ profile about 4-fold — second order, the membrane faces included.
    dv_coarse = abs(runs[0.5].v[-1] - runs[0.25].v[-1])
    dv_fine = abs(runs[0.25].v[-1] - runs[0.125].v[-1])
    dc_coarse = np.abs(runs[0.5].c[-1] - coarsened(runs[0.25].c[-1])).sum()
    dc_fine = np.abs(runs[0.25].c[-1] - coarsened(runs[0.125].c[-1])).sum()
    assert 3.0 < dv_coarse / dv_fine < 5.0
    assert 3.0 < 2.0 * dc_coarse / dc_fine < 5.0  # L1 norms: the fine sum has twice the cells
    assert dv_fine < 0.05  # mV


def test_drift_diffusion_kernel_matches_its_python_version(monkeypatch):
    fast = mem.simulate_drift_diffusion(duration=0.3, dx=0.5, n_frames=2, n_samples=3)
    kernel = drift_diffusion._drift_diffusion_run
    monkeypatch.setattr(drift_diffusion, "_drift_diffusion_run", kernel.py_func)
    slow = mem.simulate_drift_diffusion(duration=0.3, dx=0.5, n_frames=2, n_samples=3)
    np.testing.assert_allclose(fast.c, slow.c, rtol=1e-12)
    np.testing.assert_allclose(fast.v, slow.v, rtol=1e-10, atol=1e-12)


def test_drift_diffusion_refuses_an_unstable_time_step():
    limit = mem.drift_diffusion_max_dt(dx=0.5)
    with pytest.raises(ValueError, match=r"dt = .* too large"):
        mem.simulate_drift_diffusion(duration=1.0, dx=0.5, dt=1.01 * limit)


def test_divalent_cation_reaches_its_own_nernst_potential():
    params = DriftDiffusionParams(c_in=1.0, c_out=10.0, z=2.0, partition=0.1)
    run = mem.simulate_drift_diffusion(params=params, duration=300.0, dx=0.5, n_frames=1)
    assert run.v[-1] == pytest.approx(mem.nernst(run.c[-1, -1], run.c[-1, 0], 2), abs=0.1)
    assert run.v[-1] > 0  # more outside: the inside turns positive


# --- bad input -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: mem.nernst(-4.0, 130.0), "c_out must be > 0"),
        (lambda: mem.nernst(4.0, 0.0), "c_in must be > 0"),
        (lambda: mem.nernst(np.array([4.0, -1.0]), 130.0), "c_out must be > 0"),
        (lambda: mem.nernst(4.0, 130.0, z=0), "valence"),
        (lambda: mem.nernst(4.0, 130.0, temperature_c=-273.15), "absolute zero"),
        (lambda: mem.nernst(4.0, 130.0, temperature_c=-300.0), "absolute zero"),
        (lambda: mem.nernst(4.0, float("nan")), "c_in"),
        (lambda: mem.ghk_voltage(permeabilities=Permeabilities(1.0, -0.1, 0.0)), "p_na"),
        (lambda: mem.ghk_voltage(permeabilities=Permeabilities(0.0, 0.0, 0.0)), "all perm"),
        (lambda: mem.ghk_voltage(IonConcentrations(k_out=0.0)), "k_out"),
        (lambda: mem.ghk_current(-70.0, 4.0, 130.0, 1, -1e-7), "permeability"),
        (lambda: mem.thermal_voltage(-274.0), "absolute zero"),
        (lambda: mem.simulate_pump_leak(duration=-1.0), "duration"),
        (lambda: mem.simulate_pump_leak(duration=10.0, na_in0=-1.0), "na_in0"),
        (lambda: mem.simulate_pump_leak(duration=10.0, params=PumpLeakParams(p_k=-1.0)), "p_k"),
        (lambda: mem.simulate_drift_diffusion(params=DriftDiffusionParams(c_out=0.0)), "c_out"),
        (lambda: mem.simulate_drift_diffusion(params=DriftDiffusionParams(z=-1.0)), "cation"),
        (lambda: mem.simulate_drift_diffusion(params=DriftDiffusionParams(z=0.0)), "valence"),
        (
            lambda: mem.simulate_drift_diffusion(params=DriftDiffusionParams(partition=2.0)),
            "partition",
        ),
        (
            lambda: mem.simulate_drift_diffusion(params=DriftDiffusionParams(temperature_c=-280.0)),
            "zero",
        ),
        (lambda: mem.simulate_drift_diffusion(dx=0.0), "dx"),
        (lambda: mem.simulate_drift_diffusion(duration=1.0, frame_times=[2.0]), "frame_times"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message):
    with pytest.raises(ValueError, match=message):
        call()


# --- plots, widgets and checks ---------------------------------------------------------------


def test_plots_return_their_artists(equilibrium):
    import matplotlib.pyplot as plt

    from snnedu.plot import membrane as plot

    figure, axes = plt.subplots(2, 3)
    bars = plot.plot_reversal_potentials({"e_na": 58.0, "e_k": -93.0}, ax=axes[0, 0])
    assert [b.get_height() for b in bars["bars"]] == [58.0, -93.0]
    plot.update_reversal_potentials(bars, {"e_na": 50.0, "e_k": -80.0})
    assert bars["bars"][1].get_height() == -80.0 and "-80.0" in bars["labels"][1].get_text()
    v = np.linspace(-100, 50, 11)
    lines = plot.plot_ghk_iv(v, mem.ghk_currents(v), ax=axes[0, 1], v_rest=-69.2)
    assert set(lines) == {"na", "k", "cl", "total", "rest"}
    profiles = plot.plot_profiles(equilibrium, "charge", ax=axes[0, 2])
    assert len(profiles) == len(equilibrium.t_frames)
    course = plot.plot_drift_diffusion_timecourse(equilibrium, axes=axes[1, :2], e_nernst=-92.0)
    np.testing.assert_array_equal(course["v"].get_ydata(), equilibrium.v)
    run = mem.simulate_pump_leak(duration=60.0, n_samples=5)
    pump = plot.plot_pump_leak(run, axes=(axes[1, 2], axes[1, 2]))
    np.testing.assert_allclose(pump["v"].get_xdata(), run.t_s / 60.0)
    with pytest.raises(ValueError, match="quantity"):
        plot.plot_profiles(equilibrium, "pressure", ax=axes[0, 2])
    plt.close(figure)


def test_nernst_panel_recomputes_when_sliders_move():
    from snnedu.widgets.membrane import nernst_panel

    panel = nernst_panel()
    bars = panel.figure.axes[0].patches
    assert bars[3].get_height() == pytest.approx(mem.ghk_voltage())
    panel.controls["k_out"].value = 10.0
    expected = mem.ghk_voltage(LECTURE_CONCENTRATIONS._replace(k_out=10.0))
    assert bars[3].get_height() == pytest.approx(expected)
    assert bars[1].get_height() == pytest.approx(mem.nernst(10.0, 130.0))
    panel.controls["temperature_c"].value = 20.0
    assert panel.potentials["e_k"] == pytest.approx(mem.nernst(10.0, 130.0, 1, 20.0))
    panel.controls["p_na"].value = 0.0  # K⁺ only: V_rest = E_K
    assert panel.potentials["v_rest"] == pytest.approx(panel.potentials["e_k"])


def test_pump_panel_shows_the_run_down_when_the_pump_is_blocked():
    from snnedu.widgets.membrane import pump_panel

    panel = pump_panel()
    line = panel.figure.axes[1].lines[0]
    before = np.array(line.get_ydata())
    panel.controls["pump_scale"].value = 0.0
    after = np.array(line.get_ydata())
    assert after[-1] > before[-1] + 5.0
    assert panel.latest["result"].na_in[-1] > 16.5 + 5.0


def test_drift_diffusion_panel_recomputes_when_sliders_move():
    from snnedu.widgets.membrane import drift_diffusion_panel

    panel = drift_diffusion_panel(duration=20.0, dx=0.5)
    v_line = panel.figure.axes[0].lines[0]
    before = np.array(v_line.get_ydata())
    panel.controls["c_out"].value = 40.0
    after = np.array(v_line.get_ydata())
    assert after[-1] > before[-1] + 20.0
    assert panel.latest["result"].v[-1] == pytest.approx(after[-1])


def _membrane_checks():
    return {key: c for key, c in all_checks().items() if key.startswith("membrane.")}


def test_every_membrane_check_passes_with_its_reference_and_fails_with_a_wrong_value():
    checks = _membrane_checks()
    assert len(checks) >= 3
    for key, registered in checks.items():
        reference = registered.reference()
        assert check(key, reference).passed, key
        if callable(reference):
            assert not check(key, lambda *args, f=reference: 1.01 * f(*args) + 0.5).passed, key
        else:
            assert not check(key, 2.0 * reference + 3.0).passed, key
        assert not check(key, None).passed, key


def test_nernst_function_check_accepts_a_students_correct_function():
    def nernst(c_out, c_in, z, temperature_c):
        return 1000 * R * (temperature_c + 273.15) / (z * F) * math.log(c_out / c_in)

    assert check("membrane.nernst_function", nernst).passed
    assert not check(
        "membrane.nernst_function", lambda c_out, c_in, z, t: 61.5 * math.log10(c_out / c_in)
    ).passed
