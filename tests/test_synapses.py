"""Exponential synapses, conductance steady states, shunting, the E/I network and the
randomness demonstrations."""

import math

import numpy as np
import pytest

from snnedu.models import encoders, lif, randomness, synapses
from snnedu.models.lif import LIFParams

PASSIVE = LIFParams(v_th=1e3)  # never fires


def test_exponential_synapse_is_a_sum_of_decaying_jumps():
    dt, tau = 0.1, 5.0
    pre = np.zeros((300, 2), dtype=bool)
    pre[[10, 50, 51], 0] = True
    pre[100, 1] = True
    w = np.array([[2.0, 0.5], [-1.0, 3.0]])
    out = synapses.exponential_synapse(pre, w, tau, dt)
    k = np.arange(300)[:, None]
    expected = np.zeros((300, 2))
    for step, neuron in zip(*np.nonzero(pre), strict=True):
        expected += np.where(k >= step, np.exp(-(k - step) * dt / tau), 0.0) * w[neuron]
    np.testing.assert_allclose(out, expected, atol=1e-12)


def test_constant_conductances_relax_to_the_closed_form_steady_state():
    g_e = np.array([0.0, 5.0, 10.0, 30.0])
    g_i = np.array([10.0, 0.0, 5.0, 20.0])
    i_ext = np.array([0.0, 50.0, -20.0, 100.0])
    run = lif.simulate_lif(i_ext, params=PASSIVE, dt=0.1, duration=300.0, g_e=g_e, g_i=g_i)
    v_inf = synapses.steady_state_v(g_e, g_i, i_ext, PASSIVE)
    np.testing.assert_allclose(run.v[-1], v_inf, atol=1e-9)
    # and the approach is exponential with τ_eff = C / g_tot
    tau = synapses.effective_tau_ms(g_e, g_i, PASSIVE)
    expected = v_inf + (PASSIVE.v_rest - v_inf) * np.exp(-run.t[:, None] / tau)
    np.testing.assert_allclose(run.v, expected, atol=1e-9)


def test_steady_state_matches_hand_computed_weighted_mean():
    # g_L = 1000 / 100 MΩ = 10 nS; (10·(−70) + 5·0 + 20·(−80)) / 35
    assert synapses.steady_state_v(5.0, 20.0) == pytest.approx((-700.0 - 1600.0) / 35.0)


def test_shunting_inhibition_is_silent_at_rest_and_divides_depolarisation():
    shunt = PASSIVE._replace(e_inh=PASSIVE.v_rest)
    alone = lif.simulate_lif(0.0, params=shunt, dt=0.1, duration=100.0, g_i=30.0)
    np.testing.assert_allclose(alone.v, shunt.v_rest, atol=1e-12)
    g_l, g_e = 10.0, 10.0
    depol = synapses.steady_state_v(g_e, 0.0, params=shunt) - shunt.v_rest
    shunted = synapses.steady_state_v(g_e, 30.0, params=shunt) - shunt.v_rest
    assert shunted / depol == pytest.approx((g_l + g_e) / (g_l + g_e + 30.0))


def test_conductance_ipsp_reverses_at_e_inh_but_current_ipsp_does_not():
    dt = 0.1
    pre = np.zeros((400, 1), dtype=bool)
    pre[50] = True
    g_i = synapses.exponential_conductance(pre, 5.0, 10.0, dt)
    for v0, sign in ((-60.0, -1.0), (-100.0, 1.0)):
        hold = (v0 - PASSIVE.v_rest) * 10.0  # pA that holds v0
        state = lif.LIFState(np.array([v0]), np.zeros(1), np.zeros(1))
        out = lif.simulate_lif(np.full((400, 1), hold), params=PASSIVE, dt=dt, g_i=g_i, state=state)
        assert np.sign(out.v[100:200, 0].mean() - v0) == sign
        cur = lif.simulate_lif(
            hold + synapses.exponential_synapse(pre, -100.0, 10.0, dt),
            params=PASSIVE,
            dt=dt,
            state=state,
        )
        assert cur.v[100:200, 0].mean() < v0


def test_poisson_conductance_mean_and_variance_match_campbell():
    # Discrete time: g_k = a·g_{k−1} + w·x_k with Bernoulli x (p = r·dt), so
    # E[g] = w p / (1 − a) and Var[g] = w² p (1 − p) / (1 − a²); they tend to Campbell's
    # r w τ and r w² τ / 2 as dt → 0 (checked with 2 % tolerance at dt = 0.05 ms, τ = 5 ms).
    rate, w, tau, dt = 400.0, 2.0, 5.0, 0.05
    pre = encoders.poisson_spikes(
        np.full(400, rate), duration=500.0, dt=dt, rng=np.random.default_rng(0)
    )
    g = synapses.exponential_synapse(pre, np.eye(400) * w, tau, dt)[2000:]  # after 100 ms
    p, a = rate * dt / 1000.0, math.exp(-dt / tau)
    mean, var = w * p / (1 - a), w**2 * p * (1 - p) / (1 - a**2)
    assert abs(g[-1].mean() - mean) < 4 * math.sqrt(var / 400)
    assert abs(g.mean() - mean) < 0.02 * mean
    assert abs(g.var() - var) < 0.05 * var
    assert synapses.mean_conductance_ns(rate, w, tau) == pytest.approx(mean, rel=0.02)
    assert synapses.conductance_variance_ns2(rate, w, tau) == pytest.approx(var, rel=0.02)


def test_ei_network_same_seed_same_spikes_and_inhibition_lowers_rates():
    def run(seed, w_ie=6.0):
        return synapses.simulate_ei_network(
            rng=np.random.default_rng(seed),
            params=synapses.EIParams(w_ie=w_ie),
            duration=200.0,
            raster=True,
        )

    a, b = run(3), run(3)
    np.testing.assert_array_equal(a.exc_spikes, b.exc_spikes)
    np.testing.assert_array_equal(a.inh_spikes, b.inh_spikes)
    assert a.exc_spikes.shape == (2000, 160) and a.inh_spikes.shape == (2000, 40)
    free = run(3, w_ie=0.0)
    assert free.exc_spikes.sum() > 2 * a.exc_spikes.sum() > 0
    # the events hold the same spikes as the rasters
    for events, raster in ((a.input, a.input_spikes), (a.exc, a.exc_spikes), (a.inh, a.inh_spikes)):
        np.testing.assert_array_equal(events.raster(), raster)
        np.testing.assert_array_equal(events.counts, raster.sum(axis=0))


def test_ei_network_keeps_events_only_unless_rasters_are_asked_for():
    out = synapses.simulate_ei_network(rng=np.random.default_rng(0), duration=50.0)
    assert out.rasters is None and out.exc.n == 160 and out.exc.n_steps == 500
    with pytest.raises(ValueError, match="raster=True"):
        out.exc_spikes


@pytest.mark.parametrize(
    "call, match",
    [
        (
            lambda: synapses.exponential_conductance(np.ones((3, 1), bool), -1.0, 5.0, 0.1),
            "reversal",
        ),
        (
            lambda: synapses.exponential_synapse(np.ones((3, 2), bool), np.ones(3), 5.0, 0.1),
            "n_pre",
        ),
        (lambda: synapses.exponential_synapse(np.ones((3, 2), bool), 1.0, 0.0, 0.1), "tau"),
        (lambda: synapses.steady_state_v(g_e=-1.0), "g_e"),
        (
            lambda: synapses.simulate_ei_network(
                rng=np.random.default_rng(), params=synapses.EIParams(n_exc=0)
            ),
            "n_exc",
        ),
        (
            lambda: synapses.simulate_ei_network(
                rng=np.random.default_rng(), params=synapses.EIParams(p_connect=2.0)
            ),
            "p_connect",
        ),
        (lambda: synapses.simulate_ei_network(rng=7), "Generator"),
    ],
)
def test_bad_input_raises_a_clear_value_error(call, match):
    with pytest.raises(ValueError, match=match):
        call()


def test_regular_input_locks_the_rate_poisson_input_does_not():
    out = randomness.locking_curves(rng=np.random.default_rng(0), duration=2000.0)
    flat_regular = randomness.plateau_fraction(out.i_bias, out.rate_regular_hz)
    flat_poisson = randomness.plateau_fraction(out.i_bias, out.rate_poisson_hz)
    assert flat_regular > 2 * flat_poisson
    # the main plateau sits at the input rate (1:1 locking)
    assert np.sum(np.isclose(out.rate_regular_hz, out.input_rate_hz, atol=1.0)) >= 5


def test_annealed_noise_escapes_the_local_minimum():
    global_min, local_min = randomness.double_well_minima(0.5)
    assert randomness.double_well_gradient(global_min) == pytest.approx(0.0, abs=1e-9)
    assert randomness.double_well(global_min) < randomness.double_well(local_min)
    rng = np.random.default_rng(1)
    stuck = randomness.noisy_descent(rng=rng, noise_std=0.0, n_runs=50)
    assert randomness.fraction_in_global_minimum(stuck) == 0.0
    np.testing.assert_allclose(stuck.final_x, local_min, atol=1e-6)
    noisy = randomness.noisy_descent(rng=rng, noise_std=0.2, n_runs=200)
    assert randomness.fraction_in_global_minimum(noisy) > 0.6


def reference_ei(exc, inh, dt, tau_e, tau_i, inp, w_in, w_ei, w_ie):
    """Slow, step-by-step E/I network: conductances decay, then receive this step's input
    spikes and the previous step's network spikes; each neuron takes one exact step."""
    n_steps, n_e, n_i = inp.shape[0], w_in.shape[1], w_ei.shape[1]
    a_e, a_i = math.exp(-dt / tau_e), math.exp(-dt / tau_i)
    pops = {
        "e": {
            "p": exc,
            "v": [exc.v_rest] * n_e,
            "ge": [0.0] * n_e,
            "gi": [0.0] * n_e,
            "ref": [0] * n_e,
            "spikes": np.zeros((n_steps, n_e), bool),
        },
        "i": {
            "p": inh,
            "v": [inh.v_rest] * n_i,
            "ge": [0.0] * n_i,
            "gi": [0.0] * n_i,
            "ref": [0] * n_i,
            "spikes": np.zeros((n_steps, n_i), bool),
        },
    }
    for k in range(n_steps):
        for pop in pops.values():
            pop["ge"] = [g * a_e for g in pop["ge"]]
            pop["gi"] = [g * a_i for g in pop["gi"]]
        e, i = pops["e"], pops["i"]
        for j in range(n_e):
            e["ge"][j] += sum(w_in[s, j] for s in range(inp.shape[1]) if inp[k, s])
            if k > 0:
                e["gi"][j] += sum(w_ie[s, j] for s in range(n_i) if i["spikes"][k - 1, s])
        for j in range(n_i):
            if k > 0:
                i["ge"][j] += sum(w_ei[s, j] for s in range(n_e) if e["spikes"][k - 1, s])
        for pop in pops.values():
            p = pop["p"]
            g_l, c_m = 1000.0 / p.r_m, 1000.0 * p.tau_m / p.r_m
            for j in range(len(pop["v"])):
                if pop["ref"][j] > 0:
                    pop["ref"][j] -= 1
                    continue
                g = g_l + pop["ge"][j] + pop["gi"][j]
                target = (g_l * p.v_rest + pop["ge"][j] * p.e_exc + pop["gi"][j] * p.e_inh) / g
                pop["v"][j] = target + (pop["v"][j] - target) * math.exp(-dt * g / c_m)
                if pop["v"][j] >= p.v_th:
                    pop["spikes"][k, j] = True
                    pop["v"][j] = p.v_reset
                    pop["ref"][j] = round(p.t_ref / dt)
    return pops["e"]["spikes"], pops["i"]["spikes"]


def test_ei_kernel_matches_slow_python_reference():
    rng = np.random.default_rng(8)
    exc, inh = LIFParams(), LIFParams(t_ref=1.0)
    n_in, n_e, n_i, dt = 30, 12, 5, 0.1
    inp = rng.random((600, n_in)) < 0.01
    w_in = (rng.random((n_in, n_e)) < 0.5) * 3.0
    w_ei = (rng.random((n_e, n_i)) < 0.5) * 4.0
    w_ie = (rng.random((n_i, n_e)) < 0.5) * 6.0
    exc_spikes = np.zeros((600, n_e), bool)
    inh_spikes = np.zeros((600, n_i), bool)
    synapses._ei_run(exc, inh, dt, 5.0, 10.0, inp, w_in, w_ei, w_ie, exc_spikes, inh_spikes)
    ref_e, ref_i = reference_ei(exc, inh, dt, 5.0, 10.0, inp, w_in, w_ei, w_ie)
    assert ref_e.sum() > 5 and ref_i.sum() > 0
    np.testing.assert_array_equal(exc_spikes, ref_e)
    np.testing.assert_array_equal(inh_spikes, ref_i)
