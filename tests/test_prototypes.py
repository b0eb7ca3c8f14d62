"""Prototype learning with STDP and winner-take-all (snnedu.networks.prototypes)."""

import numpy as np
import pytest

from snnedu.models.stdp import RULES
from snnedu.models.stimuli import bar_prototypes, noisy_samples
from snnedu.networks.prototypes import (
    PrototypeParams,
    match_prototypes,
    prototype_responses,
    train_prototypes,
)

PROTOTYPES = bar_prototypes(4)


def _train(seed, inhibition, rule="triplet", n_samples=400):
    rng = np.random.default_rng(seed)
    data = noisy_samples(PROTOTYPES, n_samples, 0.1, rng)
    return train_prototypes(
        data.images, 4, rng=rng, params=PrototypeParams(inhibition=inhibition), rule=rule
    )


def test_with_competition_neurons_match_the_prototypes_one_to_one():
    result = _train(0, inhibition=1.0)
    match = match_prototypes(result.receptive_fields, PROTOTYPES)
    assert match.one_to_one
    assert sorted(match.assignment.tolist()) == [0, 1, 2, 3]
    # each field resembles its own bar far more than any other one
    assert np.all(match.similarity.max(axis=1) > 0.85)


def test_without_inhibition_all_neurons_learn_the_same_thing():
    result = _train(0, inhibition=0.0)
    match = match_prototypes(result.receptive_fields, PROTOTYPES)
    assert not match.one_to_one
    fields = result.receptive_fields.reshape(4, -1)
    fields = fields / np.linalg.norm(fields, axis=1, keepdims=True)
    assert (fields @ fields.T).min() > 0.95  # every pair of receptive fields nearly identical


@pytest.mark.parametrize("rule", RULES)
def test_every_stdp_rule_learns_the_prototypes_under_competition(rule):
    result = _train(1, inhibition=1.0, rule=rule)
    assert match_prototypes(result.receptive_fields, PROTOTYPES).one_to_one


def test_training_keeps_weights_in_bounds_and_the_callers_data_unchanged():
    rng = np.random.default_rng(3)
    data = noisy_samples(PROTOTYPES, 100, 0.1, rng)
    images = data.images.copy()
    result = train_prototypes(data.images, 4, rng=rng)
    np.testing.assert_array_equal(images, data.images)
    assert result.w.min() >= 0.0 and result.w.max() <= 1.0
    np.testing.assert_allclose(result.w.sum(axis=0), PrototypeParams().weight_sum, rtol=1e-9)
    assert result.counts.shape == (100, 4)


def test_same_seed_gives_the_same_network():
    a, b = _train(5, 1.0, n_samples=60), _train(5, 1.0, n_samples=60)
    np.testing.assert_array_equal(a.w, b.w)
    np.testing.assert_array_equal(a.counts, b.counts)


def test_trained_neurons_fire_most_for_their_own_prototype():
    result = _train(0, inhibition=1.0)
    match = match_prototypes(result.receptive_fields, PROTOTYPES)
    responses = prototype_responses(result, PROTOTYPES, np.random.default_rng(0))
    for neuron, proto in enumerate(match.assignment):
        assert np.argmax(responses[:, neuron]) == proto


def test_match_prototypes_needs_selectivity():
    protos = np.eye(4).reshape(4, 2, 2)
    mixed = protos + 0.9 * protos[[1, 0, 3, 2]]  # each field half one prototype, half another
    assert not match_prototypes(mixed, protos).one_to_one
    assert match_prototypes(mixed, protos, margin=0.0).one_to_one


def test_bad_input_raises_value_errors():
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        train_prototypes(np.full((3, 4, 4), 255.0), 2, rng=rng)
    with pytest.raises(ValueError, match="n_neurons"):
        train_prototypes(np.zeros((3, 4, 4)), 0, rng=rng)
    with pytest.raises(ValueError, match="inhibition"):
        train_prototypes(np.zeros((3, 4, 4)), 2, rng=rng, params=PrototypeParams(inhibition=2.0))
    with pytest.raises(ValueError, match="hebbian"):
        train_prototypes(np.zeros((3, 4, 4)), 2, rng=rng, rule="hebbian")
