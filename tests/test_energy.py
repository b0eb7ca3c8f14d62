"""Energy per classified image: counts from the network, energy by hand."""

import numpy as np
import pytest
from mnist_fake import bars

from snnedu.energy import EnergyParams, SpikeBudget, energy_per_image, spike_budget
from snnedu.networks import diehl_cook as dc


def test_energy_from_counts_equals_the_hand_computation():
    budget = SpikeBudget(input_spikes=2300.0, exc_spikes=17.0, inh_spikes=15.0, n=400)
    params = EnergyParams(e_spike_pj=1.0, e_event_pj=0.5, gpu_power_w=250.0, images_per_s=2.0)
    est = energy_per_image(budget, params=params)
    events = 2300 * 400 + 17 * 1 + 15 * 399  # input→exc, exc→inh, inh→all other exc
    energy = (2300 + 17 + 15) * 1e-12 + events * 0.5e-12
    assert est.synaptic_events == events
    assert est.energy_j == pytest.approx(energy, rel=1e-12)
    assert est.power_w == pytest.approx(2.0 * energy, rel=1e-12)
    assert est.ratio == pytest.approx(250.0 / (2.0 * energy), rel=1e-12)


def test_the_lectures_spikes_only_count_excludes_inputs_on_request():
    budget = SpikeBudget(input_spikes=1000.0, exc_spikes=17.0, inh_spikes=0.0, n=100)
    own = energy_per_image(budget, params=EnergyParams(count_input=0.0))
    assert own.spikes == 17.0
    assert own.energy_j == pytest.approx(17e-12)  # 17 spikes at 1 pJ


def test_spike_budget_is_the_mean_over_images_of_the_networks_counts():
    images = bars(6, np.random.default_rng(0))[0]
    net = dc.init_diehl_cook(10, rng=np.random.default_rng(0))
    responses = dc.respond_diehl_cook(net, images, np.random.default_rng(1))
    budget = spike_budget(responses, net.n)
    assert budget.exc_spikes == pytest.approx(responses.exc_spikes.mean())
    assert budget.input_spikes == pytest.approx(responses.input_spikes.mean())
    # the input is ~ pixel/4 Hz for 350 ms per attempt: check the order of magnitude
    expected_in = images.reshape(6, -1).sum(1).mean() / 4 * 0.35
    assert budget.input_spikes >= 0.8 * expected_in


@pytest.mark.parametrize("field", ["e_spike_pj", "gpu_power_w", "images_per_s"])
def test_negative_or_zero_costs_are_rejected(field):
    budget = SpikeBudget(1.0, 1.0, 1.0, 10)
    with pytest.raises(ValueError, match=field):
        energy_per_image(budget, params=EnergyParams()._replace(**{field: -1.0}))
