"""Lateral inhibition (snnedu.models.inhibition), its stimuli, plots, widgets and checks.

Reference values are from shared/reference/biophysics.md §8.5 (computed independently of
this package); analytic checks: uniform-field Hartline–Ratliff r = e / (1 + ΣK).
"""

import numpy as np
import pytest

from snnedu.models.inhibition import (
    SheetParams,
    WTAParams,
    dog_kernel,
    dog_response,
    feedforward_inhibition,
    hartline_ratliff,
    hr_kernel,
    simulate_sheet,
    simulate_wta,
    wta_fire,
)
from snnedu.models.stimuli import (
    as_luminance,
    hermann_grid,
    hermann_points,
    mach_ramp,
    staircase,
)


def reference_hr_kernel(k=0.1, length=3.0, radius=60):
    """K_pj = k·exp(−|p − j|/length), j ≠ p (the reference sheet's Limulus-style kernel)."""
    x = np.arange(-radius, radius + 1)
    kernel = k * np.exp(-np.abs(x) / length)
    kernel[radius] = 0.0
    return kernel


# --------------------------------------------------------------------------------- DoG


def test_balanced_dog_on_a_mach_ramp_overshoots_at_the_upper_knee_and_undershoots_at_the_lower():
    response = dog_response(mach_ramp(), sigma_c=1.0, sigma_s=3.0, radius=30)
    assert np.argmax(response) == 120 and np.argmin(response) == 80
    assert response.max() == pytest.approx(0.0123, abs=5e-5)
    assert response.min() == pytest.approx(-0.0123, abs=5e-5)
    # flat on the plateaus and along the linear part of the ramp
    np.testing.assert_allclose(response[[20, 60, 100, 140, 180]], 0.0, atol=1e-12)


def test_unbalanced_dog_keeps_the_bands_on_top_of_the_plateaus():
    response = dog_response(mach_ramp(), 1.0, 3.0, a_s=0.9, radius=30)
    assert response[20] == pytest.approx(0.020, abs=1e-6)
    assert response[180] == pytest.approx(0.080, abs=1e-6)
    assert response.max() == pytest.approx(0.0905, abs=5e-5) and np.argmax(response) == 120
    assert response.min() == pytest.approx(0.0095, abs=5e-5) and np.argmin(response) == 80


def test_without_surround_the_mach_bands_vanish():
    ramp = mach_ramp()
    response = dog_response(ramp, 1.0, 3.0, a_s=0.0, radius=30)
    assert response.max() <= ramp.max() + 1e-12
    assert response.min() >= ramp.min() - 1e-12


@pytest.mark.parametrize(
    ("sigma_c", "sigma_s", "r_cross", "r_street"),
    [(1.5, 4.5, 0.2539, 0.4399), (2.0, 6.0, 0.3616, 0.4213), (3.0, 9.0, 0.4289, 0.2686)],
)
def test_dog_on_the_hermann_grid_matches_the_reference_table(sigma_c, sigma_s, r_cross, r_street):
    grid = hermann_grid(n=8, block=20, street=6)
    response = dog_response(grid, sigma_c, sigma_s, radius=int(np.ceil(4 * sigma_s)))
    assert response[107, 107] == pytest.approx(r_cross, abs=2e-4)
    assert response[107, 120] == pytest.approx(r_street, abs=2e-4)


def test_dog_intersections_are_darker_than_streets_when_the_centre_fits_the_street():
    grid = hermann_grid(n=6, block=16, street=5)
    points = hermann_points(6, 16, 5)
    response = dog_response(grid, 1.5, 4.5)
    crossings = response[tuple(points.intersections.T)]
    streets = response[tuple(points.streets.T)]
    assert crossings.max() < streets.min()


def test_dog_kernel_is_balanced_and_validates():
    assert dog_kernel(1.0, 3.0, ndim=2).sum() == pytest.approx(0.0, abs=1e-12)
    assert dog_kernel(1.0, 3.0, a_s=0.5).sum() == pytest.approx(0.5)
    with pytest.raises(ValueError, match="wider"):
        dog_kernel(3.0, 1.0)
    with pytest.raises(ValueError, match="ndim"):
        dog_kernel(1.0, 3.0, ndim=3)
    with pytest.raises(ValueError, match="2-D"):
        dog_response(np.zeros((2, 2, 2)))


# ----------------------------------------------------------------------- Hartline–Ratliff


@pytest.mark.parametrize("ndim", [1, 2])
def test_uniform_field_gives_e_over_one_plus_total_inhibition(ndim):
    kernel = hr_kernel(strength=0.7, length=2.0, ndim=ndim)
    e = np.full((40,) * ndim, 12.0)
    r = hartline_ratliff(e, kernel)
    # the padded domain is finite: its own border perturbs the result by ~1e-5
    np.testing.assert_allclose(r, 12.0 / 1.7, rtol=1e-4)


def test_hartline_ratliff_on_a_mach_ramp_matches_the_reference():
    r = hartline_ratliff(10 * mach_ramp(), reference_hr_kernel(), pad=60)
    total = reference_hr_kernel().sum()
    assert r[10] == pytest.approx(2.0 / (1 + total), rel=1e-6)
    assert r[190] == pytest.approx(8.0 / (1 + total), rel=1e-6)
    assert np.argmax(r) == 120 and r.max() == pytest.approx(5.389, abs=1e-3)
    assert np.argmin(r) == 80 and r.min() == pytest.approx(1.253, abs=1e-3)


def test_hartline_ratliff_staircase_steps_are_scalloped():
    r = hartline_ratliff(10 * staircase(5, 40, 0.1, 0.2), reference_hr_kernel(), pad_mode="none")
    # step 3 (x = 80…119): lighter next to the darker step, darker next to the lighter one
    assert r[81] == pytest.approx(3.550, abs=1e-3)
    assert r[100] == pytest.approx(3.321, abs=1e-3)
    assert r[118] == pytest.approx(3.092, abs=1e-3)


def test_no_inhibition_returns_the_excitation():
    e = 10 * staircase()
    np.testing.assert_allclose(hartline_ratliff(e, hr_kernel(strength=0.0)), e)


def _slow_hr(e, kernel, threshold):
    """Plain-Python fixed point with a dense K matrix (reference implementation)."""
    n, radius = len(e), len(kernel) // 2
    k = [
        [kernel[radius + p - j] if abs(p - j) <= radius else 0.0 for j in range(n)]
        for p in range(n)
    ]
    r = [max(x, 0.0) for x in e]
    for _ in range(5000):
        new = [
            max(0.0, e[p] - sum(k[p][j] * max(r[j] - threshold, 0.0) for j in range(n)))
            for p in range(n)
        ]
        if max(abs(a - b) for a, b in zip(new, r, strict=True)) < 1e-13:
            break
        r = new
    return np.array(new)


@pytest.mark.parametrize("threshold", [0.0, 1.5])
def test_rectified_solution_agrees_with_a_slow_reference(threshold):
    rng = np.random.default_rng(5)
    e = rng.uniform(0, 10, 30) * (rng.random(30) > 0.3)  # silent units force rectification
    kernel = hr_kernel(strength=0.9, length=2.0, radius=6)
    fast = hartline_ratliff(e, kernel, threshold=threshold, pad_mode="none")
    np.testing.assert_allclose(fast, _slow_hr(list(e), list(kernel), threshold), atol=1e-7)
    assert fast.min() >= 0.0


@pytest.mark.parametrize("ndim", [1, 2])
def test_strong_inhibition_solves_the_complementarity_problem(ndim):
    # ΣK > 1: the plain iteration would not contract. With threshold 0 the steady state
    # minimises ½ rᵀ(I + K) r − eᵀr over r ≥ 0; scipy's bounded minimiser is the reference.
    from scipy.optimize import minimize
    from scipy.signal import convolve

    rng = np.random.default_rng(11)
    shape = (40,) if ndim == 1 else (12, 12)
    e = rng.uniform(0, 10, shape) * (rng.random(shape) > 0.3)
    kernel = hr_kernel(strength=1.5, length=2.0, ndim=ndim, radius=5)
    fast = hartline_ratliff(e, kernel, pad_mode="none", tol=1e-12)

    def k_times(r):
        return convolve(r.reshape(shape), kernel, mode="same").ravel()

    def energy(r):
        m_r = r + k_times(r)
        return 0.5 * r @ m_r - e.ravel() @ r, m_r - e.ravel()

    ref = minimize(
        energy,
        np.zeros(e.size),
        jac=True,
        method="L-BFGS-B",
        bounds=[(0, None)] * e.size,
        options={"ftol": 1e-15, "gtol": 1e-12},
    )
    np.testing.assert_allclose(fast.ravel(), ref.x, atol=1e-5)
    assert np.count_nonzero(fast == 0) > 0  # some units really are silenced


def test_hermann_intersections_respond_less_than_streets_under_recurrent_inhibition():
    grid = hermann_grid(n=5, block=12, street=4)
    points = hermann_points(5, 12, 4)
    r = hartline_ratliff(10 * grid, hr_kernel(strength=0.8, length=2.0, ndim=2))
    assert r[tuple(points.intersections.T)].mean() < 0.97 * r[tuple(points.streets.T)].mean()
    flat = hartline_ratliff(10 * grid, hr_kernel(strength=0.0, ndim=2))
    assert flat[tuple(points.intersections.T)].mean() == flat[tuple(points.streets.T)].mean()


def test_feedforward_inhibition_subtracts_the_weighted_inputs():
    e = np.arange(9.0)
    kernel = np.array([0.1, 0.0, 0.2])
    expected = e - np.convolve(np.pad(e, 1, mode="edge"), kernel, mode="valid")
    np.testing.assert_allclose(feedforward_inhibition(e, kernel), expected)


def test_hartline_ratliff_rejects_bad_kernels():
    with pytest.raises(ValueError, match=">= 0"):
        hartline_ratliff(np.ones(10), np.array([0.1, 0.0, -0.1]))
    with pytest.raises(ValueError, match="odd"):
        hartline_ratliff(np.ones(10), np.array([0.1, 0.1]))
    with pytest.raises(ValueError, match="ndim=1"):
        hartline_ratliff(np.ones(10), hr_kernel(ndim=2))


# ------------------------------------------------------------------------- spiking sheet


def _edge_rates(rate):
    """Mean rate just inside the left and right edges of the three middle steps (40 px)."""
    steps = rate.reshape(5, 40)[1:4]
    return steps[:, 1:4].mean(), steps[:, 36:39].mean()


def test_spiking_sheet_shows_the_staircase_scallops_and_they_vanish_without_inhibition():
    stairs = staircase(5, 40, 0.1, 0.2)
    kernel = hr_kernel(strength=1.0, length=3.0)
    rng = np.random.default_rng(2)
    with_inh = simulate_sheet(
        stairs, kernel, rng=rng, params=SheetParams(w_inh=20.0), duration=20_000.0
    )
    left, right = _edge_rates(with_inh.rate_hz)
    without = simulate_sheet(
        stairs, kernel, rng=rng, params=SheetParams(w_inh=0.0), duration=20_000.0
    )
    left0, right0 = _edge_rates(without.rate_hz)
    # same sign as Hartline–Ratliff: lighter at the left edge of a step than at its right edge
    assert left - right > 3.0
    assert abs(left0 - right0) < 1.5
    assert with_inh.rate_hz.mean() < without.rate_hz.mean()


def test_spiking_sheet_has_darker_hermann_intersections():
    grid = hermann_grid(n=4, block=10, street=4)
    points = hermann_points(4, 10, 4)
    kernel = hr_kernel(strength=1.0, length=2.0, ndim=2, radius=6)
    rng = np.random.default_rng(4)
    rate = simulate_sheet(
        grid, kernel, rng=rng, params=SheetParams(w_inh=20.0), duration=2000.0
    ).rate_hz
    crossings, streets = rate[tuple(points.intersections.T)], rate[tuple(points.streets.T)]
    assert crossings.mean() < streets.mean() - 3.0
    rate0 = simulate_sheet(
        grid, kernel, rng=rng, params=SheetParams(w_inh=0.0), duration=2000.0
    ).rate_hz
    assert (
        abs(rate0[tuple(points.intersections.T)].mean() - rate0[tuple(points.streets.T)].mean())
        < 3.0
    )


def test_spiking_sheet_is_reproducible_from_the_seed_and_validates():
    kernel = hr_kernel(0.5, 2.0)
    a = simulate_sheet(mach_ramp(60, 20, 40), kernel, rng=np.random.default_rng(9), duration=200.0)
    b = simulate_sheet(mach_ramp(60, 20, 40), kernel, rng=np.random.default_rng(9), duration=200.0)
    np.testing.assert_array_equal(a.counts, b.counts)
    assert a.rate_hz.shape == (60,)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        simulate_sheet(np.full(10, 2.0), kernel, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match="rng"):
        simulate_sheet(np.ones(10), kernel, rng=0)


# --------------------------------------------------------------------------- winner-take-all


def test_complete_inhibition_lets_exactly_one_neuron_fire():
    rates = np.linspace(2000.0, 3000.0, 10)
    for seed in range(5):
        result = simulate_wta(
            rates,
            rng=np.random.default_rng(seed),
            params=WTAParams(inhibition=1.0, t_inh=500.0),
            duration=500.0,
        )
        assert result.counts.sum() == 1


def test_complete_inhibition_allows_no_spike_within_t_inh_of_another():
    result = simulate_wta(
        np.full(8, 3000.0),
        rng=np.random.default_rng(1),
        params=WTAParams(inhibition=1.0, t_inh=15.0),
        duration=1000.0,
        dt=0.1,
        raster=True,
    )
    steps = np.flatnonzero(result.spikes.any(axis=1))
    assert result.spikes.sum(axis=1).max() == 1
    assert len(steps) > 10 and np.diff(steps).min() * 0.1 >= 15.0 - 1e-9
    # the events are the raster's spikes, in time order
    np.testing.assert_array_equal(result.spike_step, steps)
    np.testing.assert_array_equal(result.spike_index, np.argmax(result.spikes[steps], axis=1))


def test_wta_keeps_events_only_unless_a_raster_is_asked_for():
    result = simulate_wta([3000.0, 2000.0], rng=np.random.default_rng(2), duration=100.0)
    assert result.raster is None and result.spike_step.size == result.counts.sum() > 0
    with pytest.raises(ValueError, match="raster=True"):
        result.spikes


def test_soft_inhibition_lets_several_neurons_fire_and_hard_inhibition_favours_the_strongest():
    rates = np.linspace(1500.0, 3000.0, 8)
    rng = np.random.default_rng(0)
    free = simulate_wta(rates, rng=rng, params=WTAParams(inhibition=0.0), duration=1000.0)
    hard = simulate_wta(
        rates, rng=rng, params=WTAParams(inhibition=1.0, t_inh=10.0), duration=1000.0
    )
    assert np.count_nonzero(free.counts) == 8
    assert np.count_nonzero(hard.counts) < 8
    share = lambda counts: counts[-1] / counts.sum()  # noqa: E731
    assert share(hard.counts) > share(free.counts)


def test_wta_fire_orders_by_voltage_and_applies_the_inhibition():
    v_th = np.full(4, -50.0)
    fired = np.zeros(4, dtype=bool)
    v = np.array([-45.0, -40.0, -60.0, -49.0])
    assert wta_fire(v, v_th, -70.0, 1.0, fired) == 1
    assert fired.tolist() == [False, True, False, False]
    np.testing.assert_allclose(v[[0, 2, 3]], -70.0)
    v = np.array([-45.0, -40.0, -60.0, -49.0])
    assert wta_fire(v, v_th, -70.0, 0.0, fired) == 3
    # h = 0.2: after −40 fires, −45 → −45 − 0.2·25 = −50 (still at threshold, fires)
    v = np.array([-45.0, -40.0, -60.0, -49.0])
    assert wta_fire(v, v_th, -70.0, 0.2, fired) == 2 and fired.tolist() == [
        True,
        True,
        False,
        False,
    ]


def test_wta_rejects_bad_parameters():
    with pytest.raises(ValueError, match="inhibition"):
        simulate_wta([1000.0], rng=np.random.default_rng(0), params=WTAParams(inhibition=1.5))
    with pytest.raises(ValueError, match="rate_hz"):
        simulate_wta([-1.0], rng=np.random.default_rng(0))


# ------------------------------------------------------------------------------ stimuli


def test_hermann_grid_geometry_follows_the_definition():
    s, w, n = 20, 6, 8
    grid = hermann_grid(n=n, block=s, street=w)
    assert grid.shape == (n * (s + w) + w,) * 2
    pitch = s + w
    for i in range(n):
        lo = w + i * pitch
        assert grid[lo, lo] == 0.0 and grid[lo + s - 1, lo + s - 1] == 0.0
        assert grid[lo + s, lo] == 1.0 and grid[lo - 1, lo] == 1.0
    assert grid.mean() == pytest.approx(1 - n * n * s * s / grid.size)


def test_staircase_and_ramp_follow_their_definitions():
    stairs = staircase(5, 40, 0.1, 0.2)
    np.testing.assert_allclose(np.unique(stairs), [0.1, 0.3, 0.5, 0.7, 0.9])
    ramp = mach_ramp(200, 80, 120, 0.2, 0.8)
    assert ramp[100] == pytest.approx(0.5) and ramp[79] == 0.2 and ramp[121] == 0.8
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        staircase(5, 40, 0.1, 0.3)


def test_as_luminance_scales_uint8_and_rejects_negative_values():
    np.testing.assert_allclose(as_luminance(np.array([[0, 51, 255]], np.uint8)), [[0, 0.2, 1]])
    np.testing.assert_allclose(as_luminance(np.array([[0.0, 127.5]])), [[0.0, 0.5]])
    with pytest.raises(ValueError, match="negative"):
        as_luminance(np.array([[-1.0, 0.5]]))


def test_wavy_grid_keeps_the_same_amount_of_black():
    straight, wavy = hermann_grid(), hermann_grid(waviness=3.0)
    assert wavy.shape == straight.shape
    assert abs(wavy.mean() - straight.mean()) < 0.01
    assert np.any(wavy != straight)


# ---------------------------------------------------------------------- plots, widgets, checks


def test_inhibition_plots_return_their_artists():
    import matplotlib.pyplot as plt

    from snnedu.plot.inhibition import plot_profile, plot_response_image, plot_wta_raster

    ramp = mach_ramp()
    artists = plot_profile(ramp, {"DoG": dog_response(ramp)})
    assert len(artists) == 2
    image = plot_response_image(hermann_grid(n=2, block=5, street=2))
    assert image.get_array().shape == (16, 16)
    wta = simulate_wta([3000.0, 2000.0], rng=np.random.default_rng(0), duration=50.0)
    assert plot_wta_raster(wta) is not None
    plt.close("all")


def test_inhibition_profile_panel_updates_live_headless():
    from snnedu.widgets.inhibition import inhibition_profile_panel

    panel = inhibition_profile_panel()
    before = np.array(panel.response_line.get_ydata(), dtype=float)
    panel.controls["strength"].value = 1.5
    after = np.array(panel.response_line.get_ydata(), dtype=float)
    assert not np.allclose(before, after)
    panel.controls["stimulus"].value = "staircase"
    assert len(panel.response_line.get_ydata()) == len(staircase())


def test_hermann_panel_updates_headless():
    from snnedu.widgets.inhibition import hermann_panel

    panel = hermann_panel()
    before = np.array(panel.response_image.get_array(), dtype=float)
    panel.controls["sigma_c"].value = 3.0
    assert not np.allclose(before, panel.response_image.get_array())


def test_wta_panel_updates_headless():
    from snnedu.widgets.inhibition import wta_panel

    panel = wta_panel()
    before = [bar.get_height() for bar in panel.bars]
    panel.controls["inhibition"].value = 0.0
    assert before != [bar.get_height() for bar in panel.bars]


def test_inhibition_checks_pass_the_reference_and_fail_wrong_answers():
    from snnedu.exercises.checking import all_checks, check

    keys = [key for key in all_checks() if key.startswith("inhibition.")]
    assert len(keys) >= 3
    for key in keys:
        assert check(key, all_checks()[key].reference()).passed, key
        assert not check(key, None).passed
    assert not check("inhibition.uniform_rate", 10.0).passed
