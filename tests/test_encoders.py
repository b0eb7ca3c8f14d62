"""Poisson trains, rate and latency codes, spike statistics, their plots, panels and checks."""

import numpy as np
import pytest

from snnedu.core import spikes as sp
from snnedu.models import encoders


def test_poisson_count_mean_and_variance_match_theory():
    # Bernoulli steps: count mean r·T, variance r·T·(1 − p). Tolerance: 4 standard errors —
    # SE(mean) = √(var/n), SE(variance) ≈ var·√(2/(n − 1)).
    rate, duration, dt, n = 20.0, 1000.0, 0.1, 4000
    trains = encoders.poisson_spikes(
        np.full(n, rate), duration=duration, dt=dt, rng=np.random.default_rng(0)
    )
    counts = trains.sum(axis=0)
    p = rate * dt / 1000.0
    mean, var = rate * duration / 1000.0, rate * duration / 1000.0 * (1 - p)
    assert abs(counts.mean() - mean) < 4 * np.sqrt(var / n)
    assert abs(counts.var(ddof=1) - var) < 4 * var * np.sqrt(2 / (n - 1))


def test_fano_factor_is_one_within_sampling_error():
    trains = encoders.poisson_spikes(
        np.full(200, 30.0), duration=5000.0, dt=0.5, rng=np.random.default_rng(1)
    )
    counts = sp.spike_counts(trains, 0.5, window_ms=100.0)
    expected = 1.0 - 30.0 * 0.5 / 1000.0
    # SE of a Fano factor of Poisson counts ≈ √(2/(n − 1)) (variance of the sample variance)
    assert abs(sp.fano_factor(counts) - expected) < 4 * np.sqrt(2.0 / (counts.size - 1))


def test_isi_cv_is_one_and_mean_isi_is_one_over_rate():
    rate, dt = 25.0, 0.1
    trains = encoders.poisson_spikes(
        np.full(50, rate), duration=20_000.0, dt=dt, rng=np.random.default_rng(2)
    )
    isi = sp.interspike_intervals(trains, dt)
    # CV of exponential ISIs has SE ≈ 1/√n; mean ISI has SE = mean/√n. Long trains (500
    # spikes each) make the bias from the finite window (≈ 1/500) negligible against 4 SE.
    n = isi.size
    assert abs(
        sp.coefficient_of_variation(isi) - encoders.poisson_isi_cv(rate, dt=dt)
    ) < 4 / np.sqrt(n)
    assert abs(isi.mean() - 1000.0 / rate) < 4 * (1000.0 / rate) / np.sqrt(n) + 1000.0 / rate / 500


def test_inhomogeneous_trains_follow_the_rate_in_time():
    dt, n = 1.0, 3000
    rate_t = np.repeat([5.0, 80.0], 200)[:, None] * np.ones((1, n))
    trains = encoders.poisson_spikes(rate_t, duration=400.0, dt=dt, rng=np.random.default_rng(3))
    for half, rate in ((slice(0, 200), 5.0), (slice(200, 400), 80.0)):
        count = trains[half].sum(axis=0)
        expected = rate * 0.2
        assert abs(count.mean() - expected) < 4 * np.sqrt(expected / n)


def test_same_seed_same_spikes():
    a = encoders.poisson_spikes(
        np.full(10, 40.0), duration=500.0, dt=0.5, rng=np.random.default_rng(9)
    )
    b = encoders.poisson_spikes(
        np.full(10, 40.0), duration=500.0, dt=0.5, rng=np.random.default_rng(9)
    )
    c = encoders.poisson_spikes(
        np.full(10, 40.0), duration=500.0, dt=0.5, rng=np.random.default_rng(10)
    )
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_rate_code_is_pixel_over_four_at_most_63_75_hz():
    pixels = np.arange(256, dtype=np.uint8)
    np.testing.assert_allclose(encoders.image_to_rate_hz(pixels), pixels / 4.0, rtol=1e-12)
    assert encoders.image_to_rate_hz(pixels).max() == 63.75


def test_encode_poisson_of_a_white_image_fires_at_63_75_hz():
    image = np.full((28, 28), 255, dtype=np.uint8)
    trains = encoders.encode_poisson(image, duration=350.0, dt=0.5, rng=np.random.default_rng(4))
    assert trains.shape == (700, 784)
    expected = 63.75 * 0.35
    assert abs(trains.sum(axis=0).mean() - expected) < 4 * np.sqrt(expected / 784)
    black = encoders.encode_poisson(np.zeros((28, 28)), rng=np.random.default_rng(4))
    assert not black.any()


def test_latency_code_is_monotone_in_intensity():
    rng = np.random.default_rng(5)
    image = rng.integers(0, 256, 500)
    times = encoders.encode_latency(image, t_max_ms=30.0, dt=0.5)
    order = np.argsort(image, kind="stable")
    fired = image[order] > 0
    assert np.all(np.diff(times[order][fired]) <= 0)  # brighter → earlier (or same step)
    assert np.all(np.isinf(times[image == 0]))
    assert times[image == 255].max() == 0.0 if np.any(image == 255) else True
    reverse = encoders.encode_latency(image, t_max_ms=30.0, dt=0.5, brighter_first=False)
    salient = image[order] < 255
    assert np.all(np.diff(reverse[order][salient]) >= 0)  # darker → earlier
    assert np.all(np.isinf(reverse[image == 255]))


def test_latency_values_threshold_and_raster():
    times = encoders.encode_latency(
        np.array([255, 102, 51, 20]), t_max_ms=10.0, dt=1.0, threshold=25.0
    )
    np.testing.assert_array_equal(times, [0.0, 6.0, 8.0, np.inf])
    raster = encoders.encode_latency_raster(
        np.array([255, 102, 51, 20]), t_max_ms=10.0, dt=1.0, threshold=25
    )
    assert raster.shape == (11, 4)
    np.testing.assert_array_equal(raster.sum(axis=0), [1, 1, 1, 0])
    np.testing.assert_array_equal(sp.first_spike_times(raster, 1.0), times)


def test_spike_statistics_on_known_rasters():
    clock = np.zeros((100, 1), dtype=bool)
    clock[::10] = True
    assert sp.coefficient_of_variation(sp.interspike_intervals(clock, 1.0)) == 0.0
    np.testing.assert_allclose(sp.firing_rate_hz(clock, 1.0), [100.0])
    np.testing.assert_allclose(sp.population_rate_hz(clock, 1.0).mean(), 100.0)
    assert sp.fano_factor(sp.spike_counts(clock, 1.0, 10.0)) == 0.0
    two = np.zeros((6, 2), dtype=bool)
    two[[0, 5], 0] = True
    two[[1, 2], 1] = True
    np.testing.assert_array_equal(np.sort(sp.interspike_intervals(two, 0.5)), [0.5, 2.5])
    times = sp.raster_to_spike_times(two, 0.5)
    np.testing.assert_array_equal(times[0], [0.0, 2.5])


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: encoders.poisson_spikes(
                [-1.0], duration=10.0, dt=0.1, rng=np.random.default_rng()
            ),
            ">= 0",
        ),
        (
            lambda: encoders.poisson_spikes(
                [5000.0], duration=10.0, dt=0.5, rng=np.random.default_rng()
            ),
            "dt <",
        ),
        (
            lambda: encoders.poisson_spikes(
                [np.nan], duration=10.0, dt=0.1, rng=np.random.default_rng()
            ),
            "NaN",
        ),
        (lambda: encoders.poisson_spikes([1.0], duration=10.0, dt=0.1, rng=42), "Generator"),
        (
            lambda: encoders.poisson_spikes(
                np.ones((5, 2)), duration=10.0, dt=0.1, rng=np.random.default_rng()
            ),
            "one row per step",
        ),
        (lambda: encoders.image_to_rate_hz(np.array([0.0, 300.0])), r"\[0, 255\]"),
        (lambda: encoders.encode_poisson(np.zeros(4)), "rng"),
        (lambda: encoders.encode_latency(np.zeros(4), t_max_ms=-1.0), "t_max_ms"),
        (lambda: encoders.encode_latency(np.zeros(4), threshold=255), "threshold"),
        (lambda: sp.coefficient_of_variation([1.0]), "at least 2"),
        (lambda: sp.as_raster(np.zeros((2, 2, 2))), "time first"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_spike_plots_return_artists():
    import matplotlib.pyplot as plt

    from snnedu.plot.spikes import plot_isi_histogram, plot_population_rate, plot_raster

    trains = encoders.poisson_spikes(
        np.full(5, 50.0), duration=200.0, dt=0.5, rng=np.random.default_rng(6)
    )
    fig, ax = plt.subplots()
    dots = plot_raster(trains, 0.5, ax=ax)
    assert dots.get_offsets().shape == (trains.sum(), 2)
    line = plot_population_rate(trains, 0.5, ax=ax)
    assert line.get_xdata().size == trains.shape[0]
    patches, theory = plot_isi_histogram(sp.interspike_intervals(trains, 0.5), ax=ax, rate_hz=50.0)
    assert len(patches) > 0 and theory is not None
    plt.close(fig)


def test_coding_panels_update_headless():
    from snnedu.widgets.coding import image_code_panel, poisson_panel

    panel = poisson_panel()
    before = panel.latest["spikes"].sum()
    panel.controls["rate_hz"].value = 80.0
    assert panel.status.value == ""
    assert panel.latest["spikes"].sum() > before
    images = np.zeros((2, 28, 28), dtype=np.uint8)
    images[1, 10:20, 10:20] = 255
    coded = image_code_panel(images)
    assert coded.latest["spikes"].sum() == 0
    coded.controls["index"].value = 1
    assert coded.latest["spikes"].sum() > 0
    assert np.isfinite(coded.latest["latency_ms"]).sum() == 100
    coded.controls["brighter_first"].value = False
    assert np.isfinite(coded.latest["latency_ms"]).sum() == 784 - 100


def test_coding_checks_accept_the_reference_and_reject_wrong_answers():
    from snnedu.exercises import check
    from snnedu.exercises.checking import get_check

    for key in ("coding.max_rate", "coding.expected_count", "coding.steady_state_v"):
        assert check(key, get_check(key).reference())
        assert not check(key, get_check(key).reference() * 1.3 + 1.0)
        assert not check(key, None)
    assert check("coding.poisson_cv", 0.9)  # √(1 − r·dt) at 400 Hz, dt = 0.5 ms
    assert not check("coding.poisson_cv", 0.0)
    assert check("coding.latency", lambda pixel, t_max: t_max * (1 - pixel / 255))
    assert not check("coding.latency", lambda pixel, t_max: t_max * pixel / 255)


def test_raster_offset_stacks_populations():
    import matplotlib.pyplot as plt

    from snnedu.plot.spikes import plot_raster

    a = np.zeros((5, 3), dtype=bool)
    a[1, 2] = True
    fig, ax = plt.subplots()
    plot_raster(a, 1.0, ax=ax)
    dots = plot_raster(a, 1.0, ax=ax, offset=3)
    np.testing.assert_array_equal(dots.get_offsets(), [[1.0, 5.0]])
    assert ax.get_ylim() == (-0.5, 5.5)
    plt.close(fig)
