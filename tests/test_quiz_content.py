"""Quiz content checked against the toolkit: the numbers and codes the banks teach are the ones
the notebooks' models produce, computed here independently of the bank text."""

from __future__ import annotations

import re

import numpy as np
import pytest

from snnedu.exercises.quiz import correct_response, grade, list_banks, load_bank


def _question(bank: str, title: str):
    return next(q for q in load_bank(bank).questions if q.title == title)


def _right_choice(question) -> str:
    return " ".join(next(c.text for c in question.choices if c.correct).split())


def test_hh_onset_rates_and_bistability_in_nb02_match_the_model():
    from snnedu.models import hh

    question = _question("nb02_hodgkin_huxley", "How repetitive firing starts")
    text = " ".join(question.text.split())
    # squid: the lowest sustained rate of a current step from rest (spikes counted over 2 s
    # after a 1.2 s transient: near onset a few hundred ms of firing can die out)
    squid = hh.fi_curve(
        np.arange(6.0, 6.8, 0.02), params=hh.HHParams.squid_1952(), duration=3200.0, t_skip=1200.0
    )
    onset_hz = squid.rate_hz[np.argmax(squid.rate_hz > 0)]
    stated_hz = float(re.search(r"about (\d+) Hz", text).group(1))
    assert abs(onset_hz - stated_hz) <= 1.5, onset_hz  # 0.02 µA/cm² grid, ±0.5 Hz counting
    # the lecture's set: tonic firing starts below 10 Hz, from about 0.38 µA/cm²
    lecture = hh.HHParams()
    fi = hh.fi_curve(np.arange(0.30, 0.46, 0.01), params=lecture, duration=3200.0, t_skip=1200.0)
    first = np.argmax(fi.rate_hz > 0)
    assert 0 < fi.rate_hz[first] < 10 and abs(fi.i_ext[first] - 0.38) <= 0.02
    # ... and at 0.42 µA/cm² the rest at that current is kept while a step from rest fires
    i_ext = 0.42
    rest = hh.init_hh_state(params=lecture, v=hh.resting_potential(params=lecture, i_ext=i_ext))
    stays = hh.simulate_hh(
        i_ext, duration=1000.0, params=lecture, state=rest, record=(), exact_rates=True
    )
    step = hh.simulate_hh(i_ext, duration=1000.0, params=lecture, record=(), exact_rates=True)
    assert stays.spike_index.size == 0 and step.spike_index.size > 5
    assert "bistable" in _right_choice(question) and "class I" not in _right_choice(question)


def test_latency_question_in_nb04_matches_the_encoder():
    from snnedu.models.encoders import encode_latency

    question = _question("nb04_poisson_and_coding", "Latency code")
    t_a, t_b = encode_latency(np.array([204.0, 51.0]), t_max_ms=50.0, dt=1.0)
    assert f"A fires at {t_a:g} ms, B at {t_b:g} ms" in _right_choice(question)
    assert np.isinf(encode_latency(np.array([0.0]), t_max_ms=50.0)[0])  # choice d's feedback


def test_rank_order_question_in_nb08_matches_the_toolkit():
    from snnedu.models.convsnn_layers import rank_order_latency

    question = _question("nb08_conv_snn", "Rank-order coding")
    responses = np.linspace(2.0, 1.0, 90)[None, :]  # 90 cells, strongest first
    bins = rank_order_latency(responses, n_steps=15)[0]
    assert grade(question, int(bins[39]) + 1).correct  # bins numbered from 1 in the question
    assert not grade(question, int(bins[39])).correct


def test_readout_question_in_nb08_names_the_toolkits_default_readout():
    from snnedu.networks.convsnn import DEFAULT_2018

    assert DEFAULT_2018.readout == "latency"
    key = _right_choice(_question("nb08_conv_snn", "Readout"))
    assert "spike times" in key and "(n_steps − t)" in key and "potential" not in key


def test_no_bank_teaches_latency_as_one_over_the_input():
    for path in list_banks():
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"t\s*=\s*1\s*/\s*r", text), path.name


def test_presentation_feedback_in_nb07_keeps_the_weights_too():
    question = _question("nb07_mnist_network", "Presentation protocol")
    feedback = grade(question, correct_response(question)).feedback
    assert "weights" in feedback and "θ" in feedback and "one variable" not in feedback


def test_notebook_banks_are_titled_by_notebook():
    for path in list_banks():
        bank = load_bank(path)
        if path.stem.startswith("nb"):
            assert bank.title.startswith(f"Notebook {path.stem[2:4]} — "), bank.title
        assert not re.search(r"\bLecture \d", bank.text.split("Quiz title:")[-1]), path.name


@pytest.mark.parametrize(
    ("title", "words"),
    [
        ("The 3D-Object benchmark", ["10 classes", "72 views", "3,500 images"]),
        ("What the benchmark shows", ["96 %", "85.8 %"]),
        ("Limits of the Diehl & Cook network", ["350 ms", "rate code"]),
        ("Improvements proposed", ["More layers", "Local receptive fields"]),
        ("Robust to the choice of STDP rule", ["four", "MNIST test accuracy"]),
    ],
)
def test_lecture_items_are_asked_in_l7(title, words):
    question = _question("L7_spiking_networks", title)
    seen = " ".join([question.text, *(c.text for c in question.choices)]).split()
    seen = " ".join(seen)
    assert all(word in seen for word in words), (title, words)
