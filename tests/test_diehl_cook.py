"""The Diehl & Cook network: kernel against a slow reference, protocol rules, learning,
save/load, interrupt and resume, input validation."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest

from snnedu.data import load_dataset_or_offline
from snnedu.models.stdp import rule_code, stdp_on_post, stdp_on_pre
from snnedu.networks import diehl_cook as dc
from snnedu.networks.diehl_cook import kernel, network


@pytest.fixture(scope="module")
def digits():
    data = load_dataset_or_offline("mnist", "train")[0]
    return data.images, data.labels


def reference_train(net: dc.DiehlCookNetwork, images) -> tuple[list, np.ndarray, np.ndarray]:
    """Slow, plain-Python training of ``net`` on ``images``: every step of every attempt and
    rest is stepped (no closed form), one per-synapse last-arrival time, natural weight layout.

    Input spikes are the kernel's: the same seed per image, drawn by the same function.
    Returns (counts per image, w, theta).
    """
    p, q, sp = net.params, net.protocol, net.stdp
    rule = rule_code(net.rule)
    n = net.n
    w = net.w.copy()
    theta = net.theta.copy()
    delay = np.clip(np.floor(net.delays / q.dt).astype(int), 0, round(p.delay_max / q.dt))
    st = net.state
    v_e, v_i = st.v_exc.copy(), st.v_inh.copy()
    ge_e, gi_e, ge_i = st.g_e_exc.copy(), st.g_i_exc.copy(), st.g_e_inh.copy()
    ref_e, ref_i = st.ref_exc.copy(), st.ref_inh.copy()
    x1, x2 = st.x_post1.copy(), st.x_post2.copy()
    rest_counts = st.rest_counts.copy()
    t_arr = np.full((784, n), -(10**12))
    now0 = int(st.step[0])
    n_present = round(q.t_present / q.dt)
    n_total = n_present + round(q.t_rest / q.dt)
    hold = p.hold_exc  # else Brian 1: v integrates while refractory
    # Brian 1 blocks spikes while t - t_spike < t_ref - dt/2: round(t_ref/dt) - 1 steps
    n_ref_e = round(p.t_ref_exc / q.dt) - 1
    n_ref_i = round(p.t_ref_inh / q.dt) - 1
    all_counts = []
    for k, image in enumerate(images):
        kernel.seed_numba(network.image_seed(net.seed, net.images_seen + k))
        intensity, attempts, total = q.intensity, 0, 0
        while True:
            attempts += 1
            if q.w_sum > 0 and (attempts == 1 or q.normalise_retries):
                w *= q.w_sum / w.sum(axis=0)
            rates = image.reshape(784).astype(float) * q.rate_scale * intensity
            spikes = network.draw_sequence(rates, q)
            counts = rest_counts.copy() if q.count_rest_spikes else np.zeros(n, int)
            rest_counts[:] = 0
            future_ge = np.zeros((n_total + 30, n))
            for step in range(n_total):
                now = now0 + step
                fired_e, fired_i = [], []
                a_e, a_i = q.dt / p.tau_m_exc, q.dt / p.tau_m_inh
                if q.implicit_euler:  # v_new solves the step with the conductances of the step
                    drive = p.v_rest_exc + ge_e * p.e_exc + gi_e * p.e_inh_exc
                    new_v_e = (v_e + a_e * drive) / (1 + a_e * (1 + ge_e + gi_e))
                    new_v_i = (v_i + a_i * (p.v_rest_inh + ge_i * p.e_exc)) / (1 + a_i * (1 + ge_i))
                else:
                    new_v_e = v_e + a_e * (
                        (p.v_rest_exc - v_e) + ge_e * (p.e_exc - v_e) + gi_e * (p.e_inh_exc - v_e)
                    )
                    new_v_i = v_i + a_i * ((p.v_rest_inh - v_i) + ge_i * (p.e_exc - v_i))
                theta *= 1 - q.dt / p.tau_theta
                for j in range(n):
                    if ref_e[j] > 0:  # refractory: cannot fire
                        ref_e[j] -= 1
                        if not hold:
                            v_e[j] = new_v_e[j]
                    elif new_v_e[j] > p.v_th_exc + theta[j] - p.theta_offset:
                        v_e[j], ref_e[j] = p.v_reset_exc, n_ref_e
                        theta[j] += p.theta_plus
                        fired_e.append(j)
                    else:
                        v_e[j] = new_v_e[j]
                    if ref_i[j] > 0:
                        ref_i[j] -= 1
                    elif new_v_i[j] > p.v_th_inh:
                        v_i[j], ref_i[j] = p.v_reset_inh, n_ref_i
                        fired_i.append(j)
                    else:
                        v_i[j] = new_v_i[j]
                ge_e *= 1 - q.dt / p.tau_e
                gi_e *= 1 - q.dt / p.tau_i
                ge_i *= 1 - q.dt / p.tau_e
                for j in fired_e:  # postsynaptic STDP, traces, inhibitory partner
                    for i in range(784):
                        x_pre = math.exp(-(now - t_arr[i, j]) * q.dt / sp.tau_pre)
                        w[i, j] = stdp_on_post(rule, w[i, j], x_pre, x2[j], sp)
                    x1[j] = x2[j] = 1.0
                    ge_i[j] += p.w_exc_inh
                    if step < n_present:
                        counts[j] += 1
                    else:
                        rest_counts[j] += 1
                for j in fired_i:
                    gi_e[np.arange(n) != j] += p.w_inh_exc
                if step < n_present:  # emitted now: weights go to the future conductance
                    for i in spikes[step]:
                        for j in range(n):
                            future_ge[step + delay[i, j], j] += w[i, j]
                ge_e += future_ge[step]
                for s in range(max(0, step - 20), min(step, n_present - 1) + 1):
                    for i in spikes[s]:
                        for j in range(n):
                            if s + delay[i, j] == step:  # arrives now
                                t_arr[i, j] = now
                                if x1[j] != 0.0:
                                    w[i, j] = stdp_on_pre(rule, w[i, j], x1[j], sp)
                x1 *= math.exp(-q.dt / sp.tau_post1)
                x2 *= math.exp(-q.dt / sp.tau_post2)
            now0 += n_total
            x1[x1 < q.trace_floor] = 0.0
            for a in (x2, ge_e, gi_e, ge_i):
                a[a < 1e-30] = 0.0
            total += counts.sum()
            if (total if q.retry_on_total else counts.sum()) >= q.min_spikes:
                break
            if attempts >= q.max_attempts:
                break
            intensity += q.intensity_step
        all_counts.append(counts.copy())
    return all_counts, w, theta


def kernel_train(net, images):
    counts = []
    result = dc.train_diehl_cook(net, images, callback=lambda k, rec: counts.append(rec.counts))
    return counts, result.network


@pytest.mark.parametrize(
    ("implicit_euler", "rule", "hold_exc"),
    [(False, "triplet", False), (True, "triplet", False), (False, "pair", True)],
)
def test_kernel_matches_slow_reference_spike_for_spike(digits, implicit_euler, rule, hold_exc):
    images, _ = digits
    protocol = dc.ProtocolParams(implicit_euler=implicit_euler)
    params = dc.DiehlCookParams(hold_exc=hold_exc)
    net = dc.init_diehl_cook(6, rule=rule, params=params, protocol=protocol,
                             rng=np.random.default_rng(3))  # fmt: skip
    faint = (images[2] // 12).astype(np.uint8)  # too faint: needs retries at higher intensity
    batch = np.stack([images[0], images[1], faint])
    got_counts, trained = kernel_train(net, batch)
    ref_counts, ref_w, ref_theta = reference_train(net, batch)
    assert [c.tolist() for c in got_counts] == [c.tolist() for c in ref_counts]
    assert sum(c.sum() for c in ref_counts) > 10  # the comparison saw real spikes
    assert trained.log.attempts[2] > 1  # and a retry
    np.testing.assert_allclose(trained.w, ref_w, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trained.theta, ref_theta, rtol=0, atol=1e-9)


def test_kernel_matches_slow_reference_when_too_many_neurons_are_active_to_queue(digits):
    # without inhibition most of the 70 neurons fire: more than the kernel queues arrivals
    # for, so it checks every arriving synapse instead
    images, _ = digits
    params = dc.DiehlCookParams(w_inh_exc=0.0)
    protocol = dc.ProtocolParams(t_present=150.0, t_rest=50.0, implicit_euler=True)
    net = dc.init_diehl_cook(70, params=params, protocol=protocol, rng=np.random.default_rng(4))
    got_counts, trained = kernel_train(net, images[:1])
    ref_counts, ref_w, ref_theta = reference_train(net, images[:1])
    assert (got_counts[0] > 0).sum() > kernel._QUEUE_MAX
    assert got_counts[0].tolist() == ref_counts[0].tolist()
    np.testing.assert_allclose(trained.w, ref_w, rtol=0, atol=1e-9)
    np.testing.assert_allclose(trained.theta, ref_theta, rtol=0, atol=1e-9)


def test_ring_cells_are_uint16_up_to_65536_and_int32_beyond_with_the_same_results(digits):
    images, _ = digits
    net = dc.init_diehl_cook(12, rng=np.random.default_rng(2))
    p, q = network.check_params(net.params, net.protocol)
    run = kernel.make_run(p, q, net.stdp, net.rule, learn=True)
    narrow = network.layout(net.delays, run)
    assert narrow.offset.dtype == np.uint16
    results = []
    for lay in (narrow, narrow._replace(offset=narrow.offset.astype(np.int32))):
        w, theta = net.w.copy(), net.theta.copy()
        state = type(net.state)(*(a.copy() for a in net.state))
        work = kernel.alloc_work(run, net.n)
        counts = np.zeros(net.n, np.int32)
        rates = network.rates_base(images[:2], q)
        for k in range(2):
            kernel.present_seeded(k, run, rates[k], w, lay, theta, state, work,
                                  kernel.no_recording(), counts)  # fmt: skip
        results.append((w, theta, counts))
    for a, b in zip(*results, strict=True):
        np.testing.assert_array_equal(a, b)
    cells = 2**16
    n_fits = cells // run.n_ring
    assert network.layout(np.zeros((784, n_fits)), run).offset.dtype == np.uint16
    assert network.layout(np.zeros((784, n_fits + 1)), run).offset.dtype == np.int32


def test_forward_euler_overshoot_is_reported_and_implicit_euler_keeps_v_between_reversals(digits):
    # One inhibitory spike gives g_i = 2000, so dt·(1 + g_i)/τ_m = 10 > 2: forward Euler
    # overshoots. The solution of the ODE, and the implicit step, stay within [E_inh, E_exc].
    images, _ = digits
    strong = dc.DiehlCookParams(w_inh_exc=2000.0)

    def network(implicit_euler):
        protocol = dc.ProtocolParams(implicit_euler=implicit_euler)
        rng = np.random.default_rng(0)
        return dc.init_diehl_cook(20, params=strong, protocol=protocol, rng=rng)

    with pytest.warns(RuntimeWarning, match="implicit_euler=True"):
        dc.train_diehl_cook(network(0.0), images[:3])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        trained = dc.train_diehl_cook(network(1.0), images[:3]).network
    assert trained.log.exc_spikes.sum() > 0
    v = trained.state.v_exc
    assert strong.e_inh_exc <= v.min() and v.max() <= strong.e_exc


def test_refractory_excitatory_neuron_integrates_and_fires_again_after_exactly_t_ref():
    """Brian 1 (the authors' simulator) only blocks spikes for t_ref - dt/2 after a string
    reset, and v keeps integrating: a neuron driven far above threshold fires every
    t_ref / dt = 10 steps. A neuron held at v_reset (hold_exc) first has to climb back, so its
    intervals are longer, unless one step from v_reset reaches threshold: then it too fires
    every 10 steps (not 11: it integrates again in the step in which it may fire).
    """
    white = np.full((28, 28), 255, np.uint8)  # g_e ~ 5: v tends to about -11 mV, far above

    def min_interval(**params):
        net = dc.init_diehl_cook(1, params=dc.DiehlCookParams(**params),
                                 rng=np.random.default_rng(0))  # fmt: skip
        steps = np.flatnonzero(dc.record_image(net, white, np.random.default_rng(1)).exc_spikes)
        assert len(steps) > 20
        return np.diff(steps).min() * net.protocol.dt

    t_ref = dc.DiehlCookParams().t_ref_exc
    assert dc.DiehlCookParams().hold_exc is False  # the paper's default: Brian 1
    assert min_interval(hold_exc=False) == pytest.approx(t_ref)
    assert min_interval(hold_exc=True) > t_ref + 1.0  # 4.5 ms held, then steps to threshold
    # threshold -52 mV: from v_reset = -52.2 mV one step with g_e ~ 5 adds ~1.2 mV
    assert min_interval(hold_exc=True, v_reset_exc=-52.2) == pytest.approx(t_ref)
    assert min_interval(hold_exc=False, v_reset_exc=-52.2) == pytest.approx(t_ref)


def test_refractory_inhibitory_neuron_is_held_and_fires_again_after_exactly_t_ref():
    # a huge partner drive (implicit step: stable) makes the inhibitory neuron fire whenever
    # it may: every t_ref_inh / dt = 4 steps while g_e lasts
    white = np.full((28, 28), 255, np.uint8)
    params = dc.DiehlCookParams(w_exc_inh=1000.0)
    protocol = dc.ProtocolParams(implicit_euler=True)
    net = dc.init_diehl_cook(1, params=params, protocol=protocol, rng=np.random.default_rng(0))
    steps = np.flatnonzero(dc.record_image(net, white, np.random.default_rng(1)).inh_spikes)
    assert len(steps) > 20
    assert np.diff(steps).min() * protocol.dt == pytest.approx(params.t_ref_inh)


def test_theta_grows_by_theta_plus_per_spike_in_training_and_is_frozen_in_testing(digits):
    images, _ = digits
    net = dc.init_diehl_cook(10, rng=np.random.default_rng(0))
    spikes = []
    trained = dc.train_diehl_cook(
        net, images[:5], callback=lambda k, rec: spikes.append(rec.exc_spikes)
    ).network
    total = sum(spikes)
    assert total > 0
    p = net.params
    decayed = net.theta.sum() * (1 - net.protocol.dt / p.tau_theta) ** int(trained.state.step[0])
    # every spike (all attempts and rests) adds theta_plus; the increments' own decay over
    # 2.5 s is < 2.5e-4 relative (2500 ms / 1e7 ms)
    assert trained.theta.sum() - decayed == pytest.approx(p.theta_plus * total, rel=3e-4)
    assert np.all(trained.theta >= net.theta * (1 - 1e-3))
    before = trained.theta.copy()
    dc.respond_diehl_cook(trained, images[:3], np.random.default_rng(1))
    dc.respond_diehl_cook(trained, images[:3], np.random.default_rng(1), parallel=False)
    dc.record_image(trained, images[0], np.random.default_rng(1))
    np.testing.assert_array_equal(trained.theta, before)


def test_normalisation_sets_every_column_sum_before_each_presentation(digits):
    images, _ = digits
    frozen = dc.stdp_params("triplet", eta_pre=0.0, eta_post=0.0)  # only normalisation acts
    net = dc.init_diehl_cook(8, stdp=frozen, rng=np.random.default_rng(1))
    net = net._replace(w=net.w * np.linspace(0.2, 3.0, 8))  # columns far from 78
    trained = dc.train_diehl_cook(net, images[:2]).network
    np.testing.assert_allclose(trained.w.sum(axis=0), 78.0, rtol=1e-12)
    np.testing.assert_allclose(trained.w / trained.w.sum(axis=0), net.w / net.w.sum(axis=0))
    learning = dc.train_diehl_cook(dc.init_diehl_cook(8, rng=np.random.default_rng(1)),
                                   images[:3]).network  # fmt: skip
    assert np.all(np.abs(learning.w.sum(axis=0) - 78.0) < 2.0)  # one image of STDP from 78


def test_normalisation_sums_again_only_changed_columns_with_the_same_result():
    rng = np.random.default_rng(3)
    w = rng.random((784, 40))
    factor, col_sums, changed = np.empty(40), np.empty(40), np.ones(40, bool)
    expected = w.copy()
    for columns in (None, [3], [0, 5, 39], list(range(20))):  # all, few, many
        if columns is not None:
            w[rng.integers(0, 784, 30)[:, None], columns] *= 1.5
            expected[:] = w
            changed[columns] = True
        expected *= 78.0 / expected.sum(axis=0)  # each column summed in row order
        kernel._normalise(w, 78.0, factor, col_sums, changed)
        assert w.tobytes() == expected.tobytes()
        assert not changed.any()


def test_too_few_spikes_presents_the_image_again_with_more_intensity(digits):
    images, _ = digits
    net = dc.init_diehl_cook(10, rng=np.random.default_rng(2))
    faint = (images[0] // 5).astype(np.uint8)
    responses = dc.respond_diehl_cook(net, np.stack([faint] * 40), np.random.default_rng(0))
    assert responses.attempts.min() > 1 and responses.attempts.max() < 20
    assert np.all(responses.counts.sum(axis=1) >= 5)
    # input spikes of attempts with intensity 2, 3, ..., 1 + attempts: Poisson means add up
    per_unit = faint.astype(float).sum() * net.protocol.rate_scale * net.protocol.t_present / 1e3
    a = responses.attempts
    expected = per_unit * (a * (a + 1) / 2 + a * (net.protocol.intensity - 1))
    ratio = responses.input_spikes.sum() / expected.sum()
    assert ratio == pytest.approx(1.0, abs=0.03)


def test_save_and_load_round_trip_keeps_every_array_and_parameter(tmp_path, digits):
    images, labels = digits
    net = dc.init_diehl_cook(
        7, rule="power_law", rng=np.random.default_rng(4),
        protocol=dc.ProtocolParams(retry_on_total=1.0),
    )  # fmt: skip
    trained = dc.train_diehl_cook(net, images[:3], labels[:3]).network
    path = dc.save_diehl_cook(tmp_path / "net.npz", trained, metadata={"dataset": "test"})
    back = dc.load_diehl_cook(path)
    assert back.rule == "power_law"
    assert back.protocol == trained.protocol and back.params == trained.params
    assert back.stdp == trained.stdp and back.seed == trained.seed
    assert back.images_seen == 3
    for a, b in zip(
        (trained.w, trained.theta, *trained.state, *trained.log),
        (back.w, back.theta, *back.state, *back.log),
        strict=True,
    ):
        np.testing.assert_array_equal(a, b)
    assert dc.read_metadata(path)["metadata"] == {"dataset": "test"}
    with np.load(path, allow_pickle=False) as data:  # plain arrays, no pickled objects
        assert all(data[k].dtype != object for k in data.files)


def test_two_class_subset_is_learned_well_above_chance(digits):
    images, labels = digits
    keep = np.flatnonzero((labels == 0) | (labels == 1))
    train, test = keep[:300], keep[300:500]
    net = dc.init_diehl_cook(20, rng=np.random.default_rng(5))
    trained = dc.train_diehl_cook(net, images[train]).network
    result = dc.evaluate_diehl_cook(
        trained, images[train], labels[train], images[test], labels[test],
        np.random.default_rng(6),
    )  # fmt: skip
    assert result.accuracy > 0.9  # chance is 0.5
    assert set(result.assignments[result.assignments >= 0]) <= {0, 1}


@pytest.mark.parametrize(
    ("n", "shuffle", "eta_decay"),
    [(8, False, 1.0), (21, False, 1.0), (22, False, 1.0), (22, True, 1.0), (8, True, 0.5)],
)
def test_interrupted_and_resumed_training_equals_an_uninterrupted_run(
    tmp_path, digits, n, shuffle, eta_decay
):
    # n = 22 = the number of spikes kept per input (max_delay + 2): the input history then has
    # the shape of the weights, which must not make it be converted like them
    images, labels = digits
    protocol = dc.ProtocolParams(shuffle=shuffle, eta_decay=eta_decay)
    net = dc.init_diehl_cook(n, protocol=protocol, rng=np.random.default_rng(7))
    assert net.state.hist_step.shape == (784, 22)
    full = dc.train_diehl_cook(net, images[:6], labels[:6], passes=2, update_interval=4).network

    def stop_after_5(k, record):
        if k == 5:
            raise KeyboardInterrupt

    path = tmp_path / "ckpt.npz"
    first = dc.train_diehl_cook(net, images[:6], labels[:6], passes=2, update_interval=4,
                                callback=stop_after_5, checkpoint=path)  # fmt: skip
    assert not first.completed and first.network.images_seen == 5
    resumed = dc.train_diehl_cook(dc.load_diehl_cook(path), images[:6], labels[:6], passes=2,
                                  update_interval=4, resume=True)  # fmt: skip
    assert resumed.completed and resumed.network.images_seen == 12
    np.testing.assert_array_equal(resumed.network.w, full.w)
    np.testing.assert_array_equal(resumed.network.theta, full.theta)
    for a, b in zip(resumed.network.log, full.log, strict=True):
        np.testing.assert_array_equal(a, b)
    for a, b in zip(resumed.network.state, full.state, strict=True):
        np.testing.assert_array_equal(a, b)


def test_learning_rates_decay_by_eta_decay_per_pass_and_nothing_else_changes(digits):
    # with eta_decay = 0.25 over 2 images, image 1 (half a pass) learns at half the rates: the
    # same as a constant-rate network whose rates are halved after its first image
    images, _ = digits
    rule, sp = "pair", dc.stdp_params("pair")
    decaying = dc.init_diehl_cook(6, rule=rule, stdp=sp, rng=np.random.default_rng(3),
                                  protocol=dc.ProtocolParams(eta_decay=0.25))  # fmt: skip
    trained = dc.train_diehl_cook(decaying, images[:2]).network

    def stop(k, record):
        raise KeyboardInterrupt

    constant = decaying._replace(protocol=dc.ProtocolParams())
    first = dc.train_diehl_cook(constant, images[:2], callback=stop).network
    assert first.images_seen == 1
    halved = first._replace(stdp=sp._replace(eta_pre=sp.eta_pre / 2, eta_post=sp.eta_post / 2))
    by_hand = dc.train_diehl_cook(halved, images[:2], resume=True).network
    np.testing.assert_array_equal(trained.w, by_hand.w)
    np.testing.assert_array_equal(trained.theta, by_hand.theta)
    assert not np.allclose(trained.w, dc.train_diehl_cook(constant, images[:2]).network.w)
    assert trained.stdp == sp  # the network keeps its rule's base rates


@pytest.mark.parametrize("eta_decay", [0.0, 1.5, float("nan")])
def test_eta_decay_outside_zero_to_one_is_refused(eta_decay):
    with pytest.raises(ValueError, match="eta_decay"):
        dc.init_diehl_cook(3, protocol=dc.ProtocolParams(eta_decay=eta_decay),
                           rng=np.random.default_rng(0))  # fmt: skip


def test_test_rate_factor_scales_every_testing_rate_and_leaves_training_alone(digits):
    images, _ = digits
    net = dc.init_diehl_cook(5, rng=np.random.default_rng(2))
    factor = net._replace(protocol=net.protocol._replace(test_rate_factor=2.0))
    brighter = net._replace(protocol=net.protocol._replace(intensity=4.0, intensity_step=2.0))
    for a, b in zip(dc.respond_diehl_cook(factor, images[:3], np.random.default_rng(4)),
                    dc.respond_diehl_cook(brighter, images[:3], np.random.default_rng(4)),
                    strict=True):  # fmt: skip
        np.testing.assert_array_equal(a, b)
    once = net._replace(protocol=net.protocol._replace(min_spikes=0))  # no retries: one
    twice = once._replace(protocol=once.protocol._replace(test_rate_factor=2.0))  # presentation
    spikes = [dc.respond_diehl_cook(x, images[:3], np.random.default_rng(4)).input_spikes.sum()
              for x in (once, twice)]  # fmt: skip
    assert 1.8 < spikes[1] / spikes[0] < 2.2  # 5,000-7,000 Poisson spikes: ±2 % (1 sd)
    trained = dc.train_diehl_cook(factor, images[:2]).network
    np.testing.assert_array_equal(trained.w, dc.train_diehl_cook(net, images[:2]).network.w)


def test_shuffled_training_shows_each_image_once_per_pass_in_a_new_order(digits):
    images, _ = digits
    labels = np.arange(6)  # the log's labels reveal the order
    net = dc.init_diehl_cook(5, protocol=dc.ProtocolParams(shuffle=True),
                             rng=np.random.default_rng(0))  # fmt: skip
    log = dc.train_diehl_cook(net, images[:6], labels, passes=2).network.log
    first, second = log.labels[:6], log.labels[6:]
    assert sorted(first) == sorted(second) == list(range(6))
    np.testing.assert_array_equal(first, dc.training_order(net.seed, 0, 6))
    np.testing.assert_array_equal(second, dc.training_order(net.seed, 1, 6))
    assert not np.array_equal(first, second)
    in_order = dc.init_diehl_cook(5, rng=np.random.default_rng(0))
    np.testing.assert_array_equal(
        dc.train_diehl_cook(in_order, images[:6], labels).network.log.labels, labels
    )


def test_presets_build_networks_and_round_trip_through_the_saved_file(tmp_path, digits):
    images, _ = digits
    assert dc.PRESETS == ("paper", "course")
    paper = dc.init_diehl_cook(5, rng=np.random.default_rng(0))
    assert paper.preset == "paper" and paper.rule == "triplet"
    assert paper.params == dc.DiehlCookParams()
    assert paper.protocol == dc.ProtocolParams()
    course = dc.init_diehl_cook(5, preset="course", rng=np.random.default_rng(0))
    p, q, sp, rule = dc.preset("course", 5)
    assert (course.params, course.protocol, course.stdp, course.rule) == (p, q, sp, rule)
    # explicit arguments override the preset
    mine = dc.init_diehl_cook(5, rule="triplet", protocol=dc.ProtocolParams(intensity=3),
                              preset="course", rng=np.random.default_rng(0))  # fmt: skip
    assert mine.rule == "triplet" and mine.stdp == dc.stdp_params("triplet")
    assert mine.protocol.intensity == 3.0 and mine.preset == "course"
    trained = dc.train_diehl_cook(course, images[:2]).network
    path = dc.save_diehl_cook(tmp_path / "course.npz", trained)
    back = dc.load_diehl_cook(path)
    assert back.preset == "course" and dc.read_metadata(path)["preset"] == "course"
    assert back.protocol == trained.protocol and back.rule == trained.rule
    with pytest.raises(ValueError, match="paper, course"):
        dc.init_diehl_cook(5, preset="fast", rng=np.random.default_rng(0))


def test_flags_are_typed_and_whole_floats_share_one_compiled_version():
    import numba

    from snnedu.networks.diehl_cook.params import check_params

    as_floats = dc.ProtocolParams(min_spikes=5.0, max_attempts=20.0, implicit_euler=1.0)
    as_ints = dc.ProtocolParams(min_spikes=5, max_attempts=20, implicit_euler=True)
    p, q_float = check_params(dc.DiehlCookParams(hold_exc=0), as_floats)
    p_int, q_int = check_params(dc.DiehlCookParams(hold_exc=False, tau_e=1), as_ints)
    assert q_float == q_int and type(q_float.min_spikes) is int and p.hold_exc is False
    assert p_int == p and type(p_int.tau_e) is float
    sp = dc.stdp_params("triplet")
    run_float = kernel.make_run(p, q_float, sp, "triplet", learn=True)
    run_int = kernel.make_run(p_int, q_int, sp, "triplet", learn=True)
    assert numba.typeof(run_float) == numba.typeof(run_int)
    with pytest.raises(ValueError, match="min_spikes must be a whole number"):
        check_params(None, dc.ProtocolParams(min_spikes=2.5))
    with pytest.raises(ValueError, match="shuffle must be True or False"):
        check_params(None, dc.ProtocolParams(shuffle=0.5))


def test_pair_rule_potentiates_on_every_post_spike_and_depresses_on_pre_spikes():
    from snnedu.models.stdp import PAIR, stdp_on_post, stdp_on_pre

    p = dc.stdp_params("pair")
    assert (p.eta_pre, p.eta_post) == (1e-4, 1e-2)
    # unlike the triplet rule, no recent post spike is needed (x_post2_before = 0)
    assert stdp_on_post(PAIR, 0.5, 0.8, 0.0, p) == pytest.approx(0.5 + 0.01 * 0.8)
    assert stdp_on_pre(PAIR, 0.5, 0.6, p) == pytest.approx(0.5 - 1e-4 * 0.6)
    assert stdp_on_post(PAIR, 0.999, 1.0, 0.0, p) == p.w_max
    assert stdp_on_pre(PAIR, 1e-5, 1.0, p) == 0.0


def test_evaluation_is_reproducible_from_the_seed_and_independent_of_threads(digits):
    images, _ = digits
    net = dc.init_diehl_cook(10, rng=np.random.default_rng(8))
    a = dc.respond_diehl_cook(net, images[:12], np.random.default_rng(9))
    b = dc.respond_diehl_cook(net, images[:12], np.random.default_rng(9))
    np.testing.assert_array_equal(a.counts, b.counts)
    np.testing.assert_array_equal(a.input_spikes, b.input_spikes)


def test_labels_go_to_the_class_with_the_highest_mean_response():
    counts = np.array([[4, 0, 1], [2, 0, 3], [0, 0, 9], [0, 0, 1]])
    labels = np.array([0, 0, 1, 1])
    # neuron 0: mean 3 for class 0, 0 for class 1; neuron 2: 2 vs 5; neuron 1 never fires
    np.testing.assert_array_equal(dc.assign_labels(counts, labels, 2), [0, -1, 1])
    predicted = dc.predict_labels(np.array([[5, 0, 1], [1, 0, 8]]), [0, -1, 1], n_classes=2)
    np.testing.assert_array_equal(predicted, [0, 1])
    proportions = dc.class_proportions(counts, labels, 2)
    np.testing.assert_allclose(proportions[2], [2 / 7, 5 / 7])


@pytest.mark.parametrize(
    ("labels", "message"),
    [
        (np.array([0, 0, 1, 2]), r"classes 0-1, got \[0, 2\]"),  # would index past class 1
        (np.array([0, 0, 1, -1]), r"classes 0-1, got \[-1, 1\]"),  # would wrap to class 1
        (np.array([0.0, 0.0, 1.0, 1.5]), "integer class indices"),  # would be truncated
        (np.array([0, 1]), "4 integer class indices"),
    ],
)
def test_readout_refuses_labels_that_are_not_one_class_per_image(labels, message):
    counts = np.array([[4, 0, 1], [2, 0, 3], [0, 0, 9], [0, 0, 1]])
    for readout in (dc.assign_labels, dc.class_proportions):
        with pytest.raises(ValueError, match=message):
            readout(counts, labels, 2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda net, im: dc.train_diehl_cook(net, im[:, :27]), "shape"),
        (lambda net, im: dc.train_diehl_cook(net, im.astype(float) * 2), "0, 255"),
        (lambda net, im: dc.respond_diehl_cook(net, im, rng=None), "rng"),
        (
            lambda net, im: dc.init_diehl_cook(5, rule="hebb", rng=np.random.default_rng(0)),
            "unknown STDP rule",
        ),
        (
            lambda net, im: dc.init_diehl_cook(-3, rng=np.random.default_rng(0)),
            r"n \(number of excitatory neurons\) must be a whole number >= 1",
        ),
        (
            lambda net, im: dc.init_diehl_cook(
                5, protocol=dc.ProtocolParams(dt=2.0), rng=np.random.default_rng(0)
            ),
            "dt",
        ),
        (lambda net, im: dc.train_diehl_cook(net, im, passes=0), "passes"),
        (lambda net, im: dc.train_diehl_cook(net, im, labels=np.zeros(5)), "labels"),
        (lambda net, im: dc.train_diehl_cook(net, im, labels=[3, 10]), r"classes 0-9"),
        (lambda net, im: dc.train_diehl_cook(net, im, snapshot_every=-1), "snapshot_every"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, message, digits):
    net = dc.init_diehl_cook(5, rng=np.random.default_rng(0))
    with pytest.raises(ValueError, match=message):
        call(net, digits[0][:2])


def test_digit_panel_redraws_rasters_and_receptive_field_for_another_digit(digits):
    from snnedu.widgets.mnist import digit_panel, snapshot_panel

    images, labels = digits
    result = dc.train_diehl_cook(dc.init_diehl_cook(6, rng=np.random.default_rng(0)),
                                 images[:4], snapshot_every=2)  # fmt: skip
    panel = digit_panel(result.network, images[:5], labels[:5])
    before = panel.latest["recording"].input_spikes.copy()
    panel.controls["index"].value = 3
    after = panel.latest["recording"]
    assert not np.array_equal(before, after.input_spikes)
    assert panel.status.value == ""
    if panel.latest["winner"] >= 0:
        rf = panel.axes["rf"].images[0].get_array()
        np.testing.assert_allclose(rf, result.network.w[:, panel.latest["winner"]].reshape(28, 28))
    snap = snapshot_panel(result.snapshots)
    assert [k for k, _ in result.snapshots] == [2, 4]
    first = snap.figure.axes[0].images[0].get_array().copy()
    snap.controls["snapshot"].value = 0
    assert not np.allclose(snap.figure.axes[0].images[0].get_array(), first, equal_nan=True)


def test_mnist_exercise_checks_accept_the_reference_and_reject_none():
    from snnedu.exercises.checking import all_checks, check

    keys = [k for k in all_checks() if k.startswith("mnist.")]
    assert len(keys) >= 5
    for key in keys:
        reference = all_checks()[key].reference
        answer = reference()
        assert check(key, answer).passed, key
        assert not check(key, None).passed
    assert check("mnist.max_rate", 36.0).passed
    assert check("mnist.first_threshold", -49.0).passed
