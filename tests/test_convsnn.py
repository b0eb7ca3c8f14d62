"""Time-coded convolutional STDP networks: layer kernels against slow references, the fixed
filters against their formulas, STDP on a toy pattern, encoders, reproducibility, errors, CLI,
widgets."""

import functools
import json
import math

import numpy as np
import pytest

from snnedu.cli import main
from snnedu.data import load_offline_digits
from snnedu.models import convsnn_layers as layers
from snnedu.networks import convsnn

T = 15


@functools.cache
def _offline_digits():
    data = load_offline_digits("train")  # a few seconds: load once per test session
    return data.images[:120].copy(), data.labels[:120].copy()


@pytest.fixture
def digits():
    images, labels = _offline_digits()
    return images.copy(), labels.copy()


@pytest.fixture
def tiny_2018():
    return convsnn.Conv2018Params(conv1_maps=6, conv2_maps=10, epochs1=1, epochs2=1, svm_c=1.0)


@pytest.fixture
def tiny_2016():
    return convsnn.Conv2016Params(s2_maps=8, scales=(1.0, 0.5), epochs=1)


def _random_times(rng, shape, p_fire=0.3):
    times = rng.integers(0, T, size=shape).astype(np.int16)
    times[rng.random(shape) > p_fire] = T
    return times


# ---------------------------------------------------------------------------------------------
# slow, readable references


def _conv_fire_reference(in_times, weights, v_th, pad):
    """Step through time: V(t) = Σ w over inputs that fired at or before t; first t ≥ v_th."""
    n_s, n_in, h, w = in_times.shape
    n_f, _, k, _ = weights.shape
    padded = np.full((n_s, n_in, h + 2 * pad, w + 2 * pad), T)
    padded[:, :, pad : pad + h, pad : pad + w] = in_times
    out_h, out_w = h + 2 * pad - k + 1, w + 2 * pad - k + 1
    times = np.full((n_s, n_f, out_h, out_w), T)
    v_out = np.zeros((n_s, n_f, out_h, out_w))
    for s in range(n_s):
        for f in range(n_f):
            for y in range(out_h):
                for x in range(out_w):
                    window = padded[s, :, y : y + k, x : x + k]
                    for t in range(T):
                        v = float(np.sum(weights[f] * (window <= t)))
                        if v >= v_th:
                            times[s, f, y, x], v_out[s, f, y, x] = t, v
                            break
                    else:
                        v_out[s, f, y, x] = float(np.sum(weights[f] * (window < T)))
    return times, v_out


def test_conv_fire_kernel_matches_stepwise_reference():
    rng = np.random.default_rng(1)
    in_times = _random_times(rng, (2, 3, 7, 6))
    weights = rng.random((4, 3, 3, 3))
    times, v = layers.conv_fire(in_times, weights, v_th=3.0, n_steps=T, pad=1)
    ref_times, ref_v = _conv_fire_reference(in_times, weights, 3.0, 1)
    np.testing.assert_array_equal(times, ref_times)
    np.testing.assert_allclose(v, ref_v, rtol=1e-12)


def test_conv_fire_with_signed_weights_fires_on_end_of_bin_potential():
    rng = np.random.default_rng(2)
    in_times = _random_times(rng, (1, 1, 8, 8), p_fire=0.6)
    weights = layers.gabor_kernel(5, 22.5)[None, None]
    times, _ = layers.conv_fire(in_times, weights, v_th=1.5, n_steps=T, pad=2)
    np.testing.assert_array_equal(times, _conv_fire_reference(in_times, weights, 1.5, 2)[0])


def test_each_neuron_fires_at_most_once_and_never_before_its_inputs():
    rng = np.random.default_rng(3)
    in_times = _random_times(rng, (1, 2, 10, 10))
    times, _ = layers.conv_fire(in_times, rng.random((5, 2, 3, 3)), 2.0, T, pad=0)
    assert times.dtype == np.int16 and times.min() >= in_times.min()  # one time per neuron


def test_first_spike_pooling_keeps_the_earliest_spike():
    rng = np.random.default_rng(4)
    times = _random_times(rng, (1, 3, 9, 9))
    pooled = layers.pool_first_spike(times, window=3, stride=2, n_steps=T, pad=1)
    padded = np.full((1, 3, 11, 11), T)
    padded[:, :, 1:10, 1:10] = times
    for c in range(3):
        for y in range(pooled.shape[2]):
            for x in range(pooled.shape[3]):
                assert (
                    pooled[0, c, y, x] == padded[0, c, 2 * y : 2 * y + 3, 2 * x : 2 * x + 3].min()
                )
    single = np.full((1, 1, 2, 2), T, dtype=np.int16)
    single[0, 0, 1, 0], single[0, 0, 0, 1] = 7, 2
    assert layers.pool_first_spike(single, 2, 2, T)[0, 0, 0, 0] == 2


def test_lateral_inhibition_keeps_one_earliest_spike_per_position():
    rng = np.random.default_rng(5)
    times = _random_times(rng, (1, 6, 5, 5), p_fire=0.8)
    v = rng.random(times.shape)
    kept, _ = layers.pointwise_inhibition(times, v, T)
    for y in range(5):
        for x in range(5):
            fired = np.flatnonzero(times[0, :, y, x] < T)
            survivors = np.flatnonzero(kept[0, :, y, x] < T)
            if fired.size == 0:
                assert survivors.size == 0
                continue
            earliest = fired[times[0, fired, y, x] == times[0, fired, y, x].min()]
            assert survivors.tolist() == [earliest[np.argmax(v[0, earliest, y, x])]]


def test_k_winners_are_earliest_one_per_map_and_respect_the_radius():
    rng = np.random.default_rng(6)
    times = _random_times(rng, (1, 8, 12, 12), p_fire=0.2)
    v = rng.random(times.shape)
    winners = layers.k_winners(times, v, k=4, radius=2, n_steps=T)
    assert len(set(winners[:, 1].tolist())) == len(winners)
    for i, (_, _, y, x) in enumerate(winners):
        for _, _, y2, x2 in winners[:i]:
            assert max(abs(y - y2), abs(x - x2)) > 2
    first = winners[0]
    fired = times < T
    earliest = times[fired].min()
    assert times[tuple(first)] == earliest
    assert v[tuple(first)] == v[fired & (times == earliest)].max()


def test_stdp_update_matches_the_rule_for_each_input():
    rng = np.random.default_rng(7)
    in_times = _random_times(rng, (1, 2, 3, 3), p_fire=0.6)
    weights = rng.uniform(0.2, 0.9, (1, 2, 3, 3))
    out_times = np.array([[[[5]]]], dtype=np.int16)
    new = layers.stdp_update(weights, in_times, out_times, [[0, 0, 0, 0]], 0.1, 0.05)
    pre_first = in_times[0] <= 5
    expected = weights[0] + np.where(pre_first, 0.1, -0.05) * weights[0] * (1 - weights[0])
    np.testing.assert_allclose(new[0], expected, rtol=1e-12)


def test_stdp_on_a_repeated_pattern_drives_its_weights_to_one_and_the_rest_to_zero():
    rng = np.random.default_rng(8)
    n_inputs, n_images = 100, 400
    pattern = rng.permutation(n_inputs)[:25]
    in_times = np.full((n_images, 1, n_inputs, 1, 1), T, dtype=np.int16)
    for i in range(n_images):
        noise = rng.permutation(n_inputs)[:40]
        in_times[i, 0, noise, 0, 0] = rng.integers(3, T, 40)  # random, later spikes
        in_times[i, 0, pattern, 0, 0] = rng.integers(0, 3, 25)  # the pattern, always early
    weights = np.clip(rng.normal(0.8, 0.05, (1, n_inputs, 1, 1)), 0, 1)
    layer = convsnn.STDPLayer(
        v_th=15.0, n_steps=T, pad=0, k=1, radius=0, a_plus=0.05, a_minus=0.04, epochs=1
    )
    convsnn.train_stdp_layer(in_times, weights, layer, rng=rng)
    learned = weights[0, :, 0, 0]
    assert learned[pattern].min() > 0.95
    assert np.delete(learned, pattern).max() < 0.05
    assert convsnn.convergence_index(weights) < 0.01


def test_each_layer_learns_with_the_settings_its_network_names():
    p = convsnn.Conv2018Params(conv1_k=3, conv2_k=7, epochs1=2, epochs2=5, adapt_every=50)
    conv1, conv2 = convsnn.conv1_layer(p), convsnn.conv2_layer(p)
    assert (conv1.v_th, conv1.k, conv1.radius, conv1.pad, conv1.epochs) == (10.0, 3, 2, 2, 2)
    assert conv1.adapt_every == 50 and not conv1.inhibit_input
    assert (conv2.v_th, conv2.k, conv2.radius, conv2.pad, conv2.epochs) == (1.0, 7, 1, 1, 5)
    assert conv2.adapt_every == 0 and conv2.inhibit_input  # SpykeTorch: fixed rates for conv2
    s2 = convsnn.s2_layer(convsnn.Conv2016Params(s2_k=2, epochs=3))
    assert (s2.v_th, s2.k, s2.radius, s2.pad, s2.epochs) == (10.0, 2, 2, 2, 3)
    times = np.full((1, 1, 2, 3, 3), T, dtype=np.int16)
    with pytest.raises(ValueError, match="STDPLayer"):
        convsnn.train_stdp_layer(
            times, np.ones((1, 2, 3, 3)), (1.0, T, 0), rng=np.random.default_rng()
        )


def test_the_networks_use_only_public_names_of_the_layers_module():
    import ast
    from pathlib import Path

    for path in Path(convsnn.__file__).parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and node.module == "snnedu.models.convsnn_layers":
                assert not [a.name for a in node.names if a.name.startswith("_")], path.name


# ---------------------------------------------------------------------------------------------
# fixed kernels against their formulas


def test_gabor_kernels_match_the_analytic_definition():
    for theta_deg in (22.5, 67.5, 112.5, 157.5):
        theta, lam, gamma = math.radians(theta_deg), 2.5, 0.3
        sigma = 0.8 * lam
        raw = np.empty((5, 5))
        for i, x in enumerate(range(-2, 3)):
            for j, y in enumerate(range(-2, 3)):
                xr = y * math.sin(theta) + x * math.cos(theta)
                yr = y * math.cos(theta) - x * math.sin(theta)
                raw[i, j] = math.exp(-(xr**2 + gamma**2 * yr**2) / (2 * sigma**2)) * math.cos(
                    2 * math.pi * xr / lam
                )
        raw -= raw.mean()
        np.testing.assert_allclose(layers.gabor_kernel(5, theta_deg), raw / raw.max(), atol=1e-12)


def test_gabor_kernel_rotated_by_90_degrees_is_the_orthogonal_orientation():
    np.testing.assert_allclose(
        np.rot90(layers.gabor_kernel(5, 22.5)), layers.gabor_kernel(5, 112.5), atol=1e-12
    )


def test_dog_kernels_match_the_analytic_definition_and_off_is_minus_on_shape():
    for s1, s2 in ((1.0, 2.0), (2.0, 1.0)):
        raw = np.empty((7, 7))
        for i in range(7):
            for j in range(7):
                r2 = (i - 3) ** 2 + (j - 3) ** 2
                raw[i, j] = (
                    math.exp(-r2 / (2 * s1 * s1)) / s1**2 - math.exp(-r2 / (2 * s2 * s2)) / s2**2
                ) / (2 * math.pi)
        raw -= raw.mean()
        np.testing.assert_allclose(layers.dog_kernel(7, s1, s2), raw / raw.max(), atol=1e-12)
    on, off = layers.dog_kernel(7, 1, 2), layers.dog_kernel(7, 2, 1)
    assert on[3, 3] == 1.0 and off[3, 3] < 0 and off[0, 3] > 0


def test_filter_images_matches_scipy_correlation():
    from scipy.signal import correlate2d

    rng = np.random.default_rng(9)
    image = rng.uniform(0, 255, (11, 13))
    kernel = layers.dog_kernel(7, 1, 2)
    got = layers.filter_images(image, kernel[None], threshold=-1e300)
    np.testing.assert_allclose(got[0, 0], correlate2d(image, kernel, mode="same"), atol=1e-9)


# ---------------------------------------------------------------------------------------------
# encoders


def test_rank_order_code_is_monotone_in_intensity_and_uses_equal_packets():
    rng = np.random.default_rng(10)
    values = rng.random((3, 60))
    values[:, :10] = 0.0
    times = layers.rank_order_latency(values, n_steps=5)
    for row, t in zip(values, times, strict=True):
        order = np.argsort(-row, kind="stable")
        assert np.all(np.diff(t[order]) >= 0)  # stronger never later
        assert np.all(t[row == 0] == 5)
        assert np.all(np.bincount(t[t < 5], minlength=5) == 10)  # 50 values / 5 bins


def test_dog_latency_code_fires_earlier_for_higher_contrast():
    p = convsnn.Conv2018Params(norm_radius=0)
    image = np.zeros((3, 28, 28))
    image[0, 10:18, 12:14] = 255.0
    image[1, 4:8, 4:6] = 120.0
    image[2] = image[0] + image[1]  # both: the strong bar must come first
    times = convsnn.encode_dog_latency(image, p)
    on = times[2, 0]
    assert on[10:18, 12:14][on[10:18, 12:14] < p.n_steps].min() < on[4:8, 4:6].min()


@pytest.mark.parametrize("brighter_first", [True, False])
def test_pixel_latency_code_is_monotone_with_the_chosen_polarity(brighter_first):
    p = convsnn.Conv2016Params(scales=(1.0,), brighter_first=brighter_first)
    ramp = np.tile(np.linspace(1, 254, 28), (28, 1))[None]
    times, _ = convsnn.encode_scales_2016(ramp, p)
    row = times[0, 0, 0, 5].astype(int)
    assert np.all(np.diff(row) <= 0) if brighter_first else np.all(np.diff(row) >= 0)
    assert row.min() == 0 and row.max() == p.n_steps - 1


# ---------------------------------------------------------------------------------------------
# networks


def test_seeded_2018_training_is_reproducible_and_the_seed_matters(digits, tiny_2018):
    images, labels = digits[0][:60], digits[1][:60]
    runs = [
        convsnn.train_convsnn_2018(
            images, labels, tiny_2018, rng=np.random.default_rng(s), readout=False
        )
        for s in (3, 3, 4)
    ]
    np.testing.assert_array_equal(runs[0].w1, runs[1].w1)
    np.testing.assert_array_equal(runs[0].w2, runs[1].w2)
    assert not np.array_equal(runs[0].w1, runs[2].w1)


def test_2018_network_learns_and_reads_out_digits(digits, tiny_2018):
    images, labels = digits
    model = convsnn.train_convsnn_2018(
        images[:100], labels[:100], tiny_2018._replace(adapt_every=10), rng=np.random.default_rng(0)
    )
    assert convsnn.convergence_index(model.w1) < 0.1  # weights moved from 0.8 towards 0 or 1
    assert convsnn.evaluate(model, images[:100], labels[:100]) > 0.5  # chance is 0.1
    assert convsnn.count_parameters(model)["conv1 (STDP)"] == 6 * 2 * 5 * 5


@pytest.mark.parametrize("readout", ["latency", "spikes", "potential"])
def test_2018_readout_features_lie_in_unit_range_and_latency_ranks_spike_times(
    digits, tiny_2018, readout
):
    images, labels = digits
    p = tiny_2018._replace(readout=readout, readout_pool1=0)
    model = convsnn.train_convsnn_2018(
        images[:30], labels[:30], p, rng=np.random.default_rng(0), readout=False
    )
    x = convsnn.features_2018(model, images[:4])
    assert x.shape == (4, 10 if readout == "potential" else 10 * 9 * 9)
    assert x.min() >= 0 and x.max() <= 1
    if readout == "latency":
        pool2 = convsnn.layer_times_2018(model, images[0])["pool2"].ravel()
        np.testing.assert_allclose(x[0], np.where(pool2 < T, (T - pool2) / T, 0), rtol=1e-6)


# the reference fits below stop at max_iter like the readout's own, which silences the warning
@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
def test_readout_shift_moves_images_by_whole_pixels_and_adds_them_to_the_svm_training(
    digits, tiny_2018
):
    from sklearn.svm import LinearSVC

    images, labels = digits
    image = np.arange(1.0, 10.0).reshape(1, 3, 3)
    down, up, right, left = convsnn.readout._shifted_copies(image, 1)
    np.testing.assert_array_equal(down, [[0, 0, 0], [1, 2, 3], [4, 5, 6]])
    np.testing.assert_array_equal(up, [[4, 5, 6], [7, 8, 9], [0, 0, 0]])
    np.testing.assert_array_equal(right, [[0, 1, 2], [0, 4, 5], [0, 7, 8]])
    np.testing.assert_array_equal(left, [[2, 3, 0], [5, 6, 0], [8, 9, 0]])
    assert convsnn.readout._shifted_copies(image, 0).shape == (0, 3, 3)

    x, y = images[:60], labels[:60]
    model = convsnn.train_convsnn_2018(x, y, tiny_2018, rng=np.random.default_rng(0))
    both = np.concatenate([x, convsnn.readout._shifted_copies(x.astype(float), 1)])
    svm = LinearSVC(C=1.0, max_iter=5000, dual=True, random_state=0)
    svm.fit(convsnn.features_2018(model, both), np.tile(y, 5))
    np.testing.assert_allclose(model.readout_w[svm.classes_], svm.coef_, atol=1e-6)
    plain = convsnn.fit_readout(model._replace(params=tiny_2018._replace(readout_shift=0)), x, y)
    svm.fit(convsnn.features_2018(model, x), y)
    np.testing.assert_allclose(plain.readout_w[svm.classes_], svm.coef_, atol=1e-6)
    with pytest.raises(ValueError, match="readout_shift"):
        convsnn.fit_readout(model._replace(params=tiny_2018._replace(readout_shift=28)), x, y)
    with pytest.raises(ValueError, match="readout_shift"):
        convsnn.train_convsnn_2018(
            x, y, tiny_2018._replace(readout_shift=-1), rng=np.random.default_rng(0)
        )


def test_readout_selection_sees_only_training_images_and_picks_the_best_validation_score(
    digits, tiny_2018, monkeypatch
):
    from sklearn.svm import LinearSVC

    images, labels = digits
    train_x, train_y = images[:100], labels[:100]
    model = convsnn.train_convsnn_2018(
        train_x, train_y, tiny_2018, rng=np.random.default_rng(0), readout=False
    )
    seen = []
    original = convsnn.net2018.feature_parts_2018

    def spy(model, imgs, *args):
        seen.append(np.asarray(imgs).copy())
        return original(model, imgs, *args)

    monkeypatch.setattr(convsnn.net2018, "feature_parts_2018", spy)
    grid = (0.01, 0.1)
    chosen_model, chosen = convsnn.select_readout(
        model, train_x, train_y, c_grid=grid, full_grid=True
    )
    staged = convsnn.select_readout(model, train_x, train_y, c_grid=grid)[1]
    monkeypatch.undo()
    # the training images and their shifted copies only (readout_shift = 1)
    moved = convsnn.readout._shifted_copies(train_x.astype(float), 1)
    assert seen and all(np.array_equal(x, np.concatenate([train_x, moved])) for x in seen)
    assert len(chosen.scores) == 2 * 2 * len(grid)
    # staged search: C first on (latency, no pool1), then the other variants at that C
    c_first = max(grid, key=lambda c: (chosen.scores["latency", 0, c], -c))
    assert set(staged.scores) == {("latency", 0, c) for c in grid} | {
        ("latency", 3, c_first),
        ("spikes", 0, c_first),
        ("spikes", 3, c_first),
    }
    assert staged.validation_accuracy == max(staged.scores.values())
    assert chosen.validation_accuracy == max(chosen.scores.values())
    assert chosen.scores[chosen.readout, chosen.readout_pool1, chosen.svm_c] == (
        chosen.validation_accuracy
    )
    assert (chosen.n_fit, chosen.n_validation) == (80, 20)
    # each score is an SVM fitted on the first 80 images and their four shifted copies (never
    # a copy of a validation image) and scored on the last 20
    fit_x = np.concatenate(
        [train_x[:80], convsnn.readout._shifted_copies(train_x[:80].astype(float), 1)]
    )
    for (readout, window, c), score in chosen.scores.items():
        p = tiny_2018._replace(readout=readout, readout_pool1=window)
        x_fit = convsnn.features_2018(model._replace(params=p), fit_x)
        x_val = convsnn.features_2018(model._replace(params=p), train_x[80:])
        svm = LinearSVC(C=c, max_iter=5000, dual=True, random_state=0)
        svm.fit(x_fit, np.tile(train_y[:80], 5))
        assert score == pytest.approx(np.mean(svm.predict(x_val) == train_y[80:]), abs=0.051)
    # the chosen settings are stored, and the readout is refitted on all training images
    p = chosen_model.params
    assert (p.readout, p.readout_pool1, p.svm_c) == (
        chosen.readout,
        chosen.readout_pool1,
        chosen.svm_c,
    )
    refit = convsnn.fit_readout(chosen_model, train_x, train_y)
    np.testing.assert_allclose(chosen_model.readout_w, refit.readout_w, atol=1e-6)
    with pytest.raises(ValueError, match="validation"):
        convsnn.select_readout(model, train_x, train_y, validation=1.0)
    with pytest.raises(ValueError, match="c_grid"):
        convsnn.select_readout(model, train_x, train_y, c_grid=())
    with pytest.raises(ValueError, match="C must be"):
        convsnn.select_readout(model, train_x, train_y, c_grid=(0.0,))


def test_2016_network_features_are_pooled_over_scales(digits, tiny_2016):
    images, labels = digits
    model = convsnn.train_convsnn_2016(
        images[:60], labels[:60], tiny_2016, rng=np.random.default_rng(0)
    )
    c1, sizes = convsnn.c1_times_2016(images[:2], tiny_2016)
    assert c1.shape == (2, 2, 4, 14, 14) and sizes.tolist() == [[14, 14], [7, 7]]
    assert np.all(c1[:, 1, :, 7:, :] == tiny_2016.n_steps)  # nothing outside the small scale
    assert convsnn.features_2016(model, images[:5]).shape == (5, 8)
    maps = convsnn.layer_times_2016(model, images[0])
    assert maps["S2"].shape[:2] == (2, 8)
    assert (
        convsnn.preferred_input(model, "S2", 0, scale=1).shape[0]
        > convsnn.preferred_input(model, "S2", 0, scale=0).shape[0]
    )


def test_saved_model_round_trips_without_pickle(tmp_path, digits, tiny_2018):
    images, labels = digits
    model = convsnn.train_convsnn_2018(
        images[:60], labels[:60], tiny_2018, rng=np.random.default_rng(0)
    )
    path = convsnn.save_convsnn(model, tmp_path / "m.npz")
    again = convsnn.load_convsnn(path)
    assert again.params == model.params
    np.testing.assert_array_equal(
        convsnn.predict(again, images[:20]), convsnn.predict(model, images[:20])
    )
    # a file written before readout_shift existed: its readout was fitted without shifts
    with np.load(path) as data:
        arrays = {k: data[k] for k in data.files}
    params = json.loads(str(arrays["params"]))
    del params["readout_shift"]
    arrays["params"] = np.array(json.dumps(params))
    np.savez(tmp_path / "old.npz", **arrays)
    assert convsnn.load_convsnn(tmp_path / "old.npz").params.readout_shift == 0


# ---------------------------------------------------------------------------------------------
# errors


def test_bad_inputs_raise_clear_value_errors(digits, tiny_2018):
    images, labels = digits
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="odd"):
        layers.gabor_kernel(4)
    with pytest.raises(ValueError, match="sigma_1 == sigma_2"):
        layers.dog_kernel(7, 1.0, 1.0)
    with pytest.raises(ValueError, match="n_maps, height, width"):
        layers.pool_first_spike(np.zeros((3, 3), np.int16), 2, 2, T)
    with pytest.raises(ValueError, match="input maps"):
        layers.conv_fire(np.zeros((1, 2, 5, 5), np.int16), np.ones((3, 1, 3, 3)), 1.0, T)
    with pytest.raises(ValueError, match=r"\[0, 255\]"):
        convsnn.train_convsnn_2018(images / 255.0 - 1, labels, tiny_2018, rng=rng)
    with pytest.raises(ValueError, match="labels"):
        convsnn.train_convsnn_2018(images, labels[:3], tiny_2018, rng=rng)
    with pytest.raises(ValueError, match="Generator"):
        convsnn.train_convsnn_2018(images, labels, tiny_2018, rng=0)
    with pytest.raises(ValueError, match="conv1_maps"):
        convsnn.train_convsnn_2018(images, labels, tiny_2018._replace(conv1_maps=0), rng=rng)
    with pytest.raises(ValueError, match="readout"):
        convsnn.train_convsnn_2018(images, labels, tiny_2018._replace(readout="max"), rng=rng)
    with pytest.raises(ValueError, match="scales"):
        convsnn.c1_times_2016(images[:2], convsnn.Conv2016Params(scales=(2.0,)))
    with pytest.raises(ValueError, match="no model file"):
        convsnn.load_convsnn("/nonexistent/model.npz")


def test_files_that_are_not_models_get_an_error_that_never_suggests_pickle(tmp_path):
    text = tmp_path / "notes.npz"
    text.write_text("my notes")
    array = tmp_path / "array.npy"
    np.save(array, np.zeros(3))
    other = tmp_path / "other.npz"
    np.savez(other, x=np.zeros(3))
    for path in (text, array, other):
        with pytest.raises(ValueError, match="not a model file") as error:
            convsnn.load_convsnn(path)
        assert "pickle" not in str(error.value)
    with pytest.raises(ValueError, match="is a folder"):
        convsnn.load_convsnn(tmp_path)


# ---------------------------------------------------------------------------------------------
# CLI and widgets


def test_cli_trains_saves_and_evaluates_a_tiny_network(tmp_path, capsys, digits):
    from snnedu.data import write_idx

    images, labels = digits
    for prefix in ("train", "t10k"):
        write_idx(tmp_path / f"{prefix}-images-idx3-ubyte.gz", images[:80])
        write_idx(tmp_path / f"{prefix}-labels-idx1-ubyte.gz", labels[:80])
    out = tmp_path / "tiny.npz"
    status = main(
        [
            "conv",
            "train",
            "--network",
            "2018",
            "--dataset",
            "mnist",
            "--data-dir",
            str(tmp_path),
            "--n",
            "80",
            "--maps",
            "4",
            "8",
            "--epochs",
            "1",
            "1",
            "--readout-shift",
            "2",
            "--select-readout",
            "--output",
            str(out),
        ]
    )
    assert status == 0 and out.exists()
    assert "readout chosen on 16 held-out training images" in capsys.readouterr().out
    assert convsnn.load_convsnn(out).params.readout_shift == 2
    evaluate = ["conv", "eval", str(out), "--dataset", "mnist", "--data-dir", str(tmp_path)]
    assert main([*evaluate, "--n", "40"]) == 0
    assert "test accuracy on 40" in capsys.readouterr().out
    assert main(["conv", "eval", str(tmp_path / "missing.npz")]) == 2


def _tiny_train(out, *extra):
    sizes = ["--n", "60", "--maps", "4", "8", "--epochs", "1", "1"]
    return ["conv", "train", "--dataset", "offline", *sizes, "--output", str(out), *extra]


def test_cli_default_fits_the_preset_readout_with_progress_and_refuses_to_overwrite(
    tmp_path, capsys
):
    out = tmp_path / "conv.npz"
    assert main(_tiny_train(out)) == 0
    printed = capsys.readouterr()
    for phase in ("conv1 STDP", "conv2 STDP", "readout features", "readout SVM"):
        assert phase in printed.err, phase  # a progress bar for every phase
    assert "readout chosen" not in printed.out and "snnedu conv eval" in printed.out
    model = convsnn.load_convsnn(out)
    assert model.params.svm_c == convsnn.Conv2018Params().svm_c and model.readout_w.size
    before = out.read_bytes()
    assert main(_tiny_train(out, "--seed", "1")) == 2
    assert "--force" in capsys.readouterr().err and out.read_bytes() == before
    bare = tmp_path / "bare"  # numpy adds .npz: the check looks at the file really written
    bare.with_suffix(".npz").write_bytes(b"x")
    assert main(_tiny_train(bare)) == 2 and "already exists" in capsys.readouterr().err
    assert main(_tiny_train(out, "--seed", "1", "--force")) == 0
    assert out.read_bytes() != before
    assert main(_tiny_train(tmp_path / "x.npz", "--epochs", "1")) == 2  # 2018 takes two
    assert "--epochs takes 2 numbers" in capsys.readouterr().err


def test_cli_ctrl_c_saves_nothing_and_says_so(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(convsnn, "fit_readout", interrupted)
    out = tmp_path / "conv.npz"
    assert main(_tiny_train(out)) == 130
    assert "nothing was saved" in capsys.readouterr().err and not out.exists()


def test_an_svm_fit_is_abandoned_when_asked_to_stop(monkeypatch):
    import threading
    import time

    from sklearn.svm import LinearSVC

    from snnedu.networks.convsnn import readout

    monkeypatch.setattr(LinearSVC, "fit", lambda self, x, y: time.sleep(5))  # a long fit
    stop = threading.Event()
    stop.set()
    start = time.perf_counter()
    with pytest.raises(KeyboardInterrupt):
        readout._fit_svm(np.ones((4, 3)), np.arange(4), 1.0, stop=stop)
    assert time.perf_counter() - start < 1.0


def test_widgets_update_headless(digits, tiny_2018, tiny_2016):
    import matplotlib

    matplotlib.use("Agg")
    from snnedu.widgets.convsnn import layer_times_panel, preferred_input_panel

    images, labels = digits
    model = convsnn.train_convsnn_2018(
        images[:40], labels[:40], tiny_2018, rng=np.random.default_rng(0), readout=False
    )
    panel = layer_times_panel(model, images[:5])
    artist = panel.figure.axes[3].images[0]  # conv1
    before = np.ma.filled(artist.get_array(), -1).copy()
    panel.controls["image"].value = 3
    assert not np.array_equal(before, np.ma.filled(artist.get_array(), -1))
    features = preferred_input_panel(model)
    image = features.figure.axes[0].images[0]
    before = np.array(image.get_array())
    features.controls["feature"].value = 2
    assert not np.allclose(before, np.array(image.get_array()), equal_nan=True)
    features.controls["feature"].value = 9
    assert "conv1 has 6 maps" in features.status.value
    model16 = convsnn.train_convsnn_2016(
        images[:20], labels[:20], tiny_2016, rng=np.random.default_rng(0), readout=False
    )
    panel16 = layer_times_panel(model16, images[:3])
    panel16.controls["scale"].value = 1
    s1 = panel16.figure.axes[2].images[0].get_array()  # S1 at 50 %: a 14-px image
    assert np.all(np.ma.getmaskarray(s1)[14:, :]) and not np.all(np.ma.getmaskarray(s1))


def test_exercise_checks_accept_independent_answers_and_reject_wrong_ones():
    from snnedu.exercises import check

    def block_min(times, window):
        times = np.asarray(times)
        h, w = times.shape
        return times.reshape(h // window, window, w // window, window).min(axis=(1, 3))

    assert check("convsnn.first_spike_pool", block_min)
    assert not check(
        "convsnn.first_spike_pool", lambda times, window: np.asarray(times)[::window, ::window]
    )
    assert check("convsnn.conv1_weights", 32 * 2 * 5 * 5)
    assert check("convsnn.alexnet_ratio", 60e6 / (32 * 2 * 25 + 150 * 32 * 4))
    assert check("convsnn.stdp_ltp", 0.004 * 0.5 * 0.5)
    assert check("convsnn.first_bin_size", 61 // 15)
    assert not check("convsnn.conv1_weights", None)
