"""The Stimulus type: a time series that knows its dt, and the dt rule every simulator uses."""

import pickle

import numpy as np
import pytest

from snnedu.core import spikes as spk
from snnedu.core.stimulus import Stimulus, resolve_dt
from snnedu.models import encoders, hh, inhibition, lif, synapses


def test_elementwise_arithmetic_keeps_dt_and_reductions_drop_it():
    s = Stimulus(np.arange(10.0), dt=0.5)
    assert (3.0 + s).dt == 0.5
    both = s[:, None] * np.array([1.0, 2.0])[None, :]
    assert isinstance(both, Stimulus) and both.dt == 0.5 and both.shape == (10, 2)
    assert both[:, 1].dt == 0.5 and s[2:].dt == 0.5
    assert type(s.max()) is np.float64
    assert not isinstance(s.sum(axis=0), Stimulus)
    assert not isinstance(s[::2], Stimulus)  # every other sample is no longer dt apart
    assert not isinstance(both[3], Stimulus)  # one time step, no time axis
    assert s.duration == pytest.approx(5.0)
    np.testing.assert_allclose(s.t, np.arange(10) * 0.5)
    assert pickle.loads(pickle.dumps(s)).dt == 0.5


def test_stimuli_with_different_dt_cannot_be_added():
    with pytest.raises(ValueError, match="different time steps"):
        Stimulus(np.zeros(4), dt=0.1) + Stimulus(np.zeros(4), dt=0.2)


def test_a_stimulus_needs_a_time_axis_and_a_positive_dt():
    with pytest.raises(ValueError, match="time axis"):
        Stimulus(1.0, dt=0.1)
    with pytest.raises(ValueError, match="dt"):
        Stimulus(np.zeros(3), dt=0.0)


def test_resolve_dt_takes_the_given_the_carried_or_the_default_step():
    s = Stimulus(np.zeros(3), dt=0.2)
    assert resolve_dt(None, 0.1, x=s) == 0.2
    assert resolve_dt(None, 0.1, x=np.zeros(3)) == 0.1
    assert resolve_dt(0.2, 0.1, x=s) == 0.2
    with pytest.raises(ValueError, match="pass dt="):
        resolve_dt(None, None, spikes=np.zeros(3))


# one test per simulator that reads a time series: a dt mismatch is an error, not a wrong run


def test_simulate_hh_refuses_a_current_built_at_another_dt():
    current = hh.step_current(1.0, 10, 210, 250, dt=0.02)
    with pytest.raises(ValueError, match=r"built with dt=0.02 ms .* asked for dt=0.01 ms"):
        hh.simulate_hh(current, dt=0.01)
    # without dt the run takes the current's own: 250 ms, the five spikes of 1 µA/cm²
    res = hh.simulate_hh(current, record=())
    assert res.dt == 0.02 and res.t.size * 0.02 == pytest.approx(250.0)
    assert res.spike_times.size == 5


def test_simulate_lif_refuses_inputs_built_at_another_dt():
    current = Stimulus(np.full((1000, 2), 300.0), dt=0.1)
    with pytest.raises(ValueError, match=r"i_ext was built with dt=0.1"):
        lif.simulate_lif(current, dt=0.05)
    g = synapses.exponential_conductance(
        encoders.poisson_spikes(
            np.full(5, 50.0), duration=100.0, dt=0.2, rng=np.random.default_rng(0)
        ),
        np.full(5, 1.0),
        tau=5.0,
    )
    with pytest.raises(ValueError, match=r"g_e was built with dt=0.2"):
        lif.simulate_lif(0.0, g_e=g, dt=0.1)
    assert lif.simulate_lif(current).t[-1] == pytest.approx(100.0)


def test_synapse_filters_refuse_a_raster_built_at_another_dt():
    raster = encoders.poisson_spikes(
        np.full(3, 20.0), duration=50.0, dt=0.5, rng=np.random.default_rng(1)
    )
    with pytest.raises(ValueError, match=r"spikes was built with dt=0.5"):
        synapses.exponential_synapse(raster, 1.0, tau=5.0, dt=0.1)
    with pytest.raises(ValueError, match=r"spikes was built with dt=0.5"):
        synapses.exponential_conductance(raster, 1.0, tau=5.0, dt=0.1)
    assert synapses.exponential_synapse(raster, 1.0, tau=5.0).dt == 0.5


def test_spike_statistics_refuse_a_raster_built_at_another_dt():
    raster = encoders.poisson_spikes(
        np.full(3, 20.0), duration=1000.0, dt=0.5, rng=np.random.default_rng(2)
    )
    with pytest.raises(ValueError, match=r"spikes was built with dt=0.5"):
        spk.firing_rate_hz(raster, dt=0.1)
    np.testing.assert_allclose(spk.firing_rate_hz(raster), spk.firing_rate_hz(raster, 0.5))


def test_poisson_spikes_refuses_a_rate_built_at_another_dt():
    rate = Stimulus(np.full((100, 2), 10.0), dt=1.0)
    with pytest.raises(ValueError, match=r"rate_hz was built with dt=1"):
        encoders.poisson_spikes(rate, duration=100.0, dt=0.5, rng=np.random.default_rng(0))


def test_simulators_of_constant_inputs_refuse_a_time_series():
    series = Stimulus(np.full(3, 2000.0), dt=0.1)  # three samples, not three neurons
    with pytest.raises(ValueError, match="rate_hz is a time series"):
        inhibition.simulate_wta(series, rng=np.random.default_rng(0), duration=10.0)
    with pytest.raises(ValueError, match="luminance is a time series"):
        inhibition.simulate_sheet(
            Stimulus(np.full(9, 0.5), dt=0.1),
            np.zeros(3),
            rng=np.random.default_rng(0),
            duration=10.0,
        )
    with pytest.raises(ValueError, match="input_rate_hz is a time series"):
        lif.simulate_lif_poisson_drive(3, series, 10.0, rng=np.random.default_rng(0), duration=5.0)
