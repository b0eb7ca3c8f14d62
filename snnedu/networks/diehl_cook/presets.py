"""Named settings of the whole network: ``paper`` and ``course``.

- ``paper``: the authors' code (Diehl & Cook 2015, ``peter-u-diehl/stdp-mnist``) as Brian 1
  ran it, as faithfully as snnedu can: the defaults of :class:`DiehlCookParams`,
  :class:`ProtocolParams` and the ``triplet`` rule.
- ``course``: the settings snnedu recommends for the network sizes and data a class runs
  (100–400 neurons, thousands rather than 60,000 images), chosen by a one-factor-at-a-time
  study on a validation split of the training images (``benchmarks/study_diehl_cook.py``,
  ``benchmarks/README.md``). They depart from the paper; each departure, its reason and the
  study's number are listed in :func:`preset`.

>>> p, q, sp, rule = preset("paper", 100)
>>> rule, q.intensity, p.w_inh_exc
('triplet', 2.0, 17.0)
>>> preset("fancy", 100)
Traceback (most recent call last):
...
ValueError: unknown preset 'fancy'; choose one of: paper, course.
"""

from __future__ import annotations

from snnedu.models.stdp import STDPParams, stdp_params
from snnedu.networks.diehl_cook.params import DiehlCookParams, ProtocolParams

__all__ = ["PRESETS", "check_preset", "preset"]

PRESETS = ("paper", "course")
"""Names accepted by :func:`preset` (and ``init_diehl_cook(preset=...)``, ``--preset``)."""


def check_preset(name) -> str:
    """``name`` if it is a preset, else a ValueError listing the presets."""
    if not isinstance(name, str) or name not in PRESETS:
        raise ValueError(f"unknown preset {name!r}; choose one of: {', '.join(PRESETS)}.")
    return name


def preset(name: str, n: int) -> tuple[DiehlCookParams, ProtocolParams, STDPParams, str]:
    """``(params, protocol, stdp, rule)`` of preset ``name`` for a network of ``n`` neurons.

    ``course`` departs from ``paper`` in six ways, each measured with
    ``benchmarks/study_diehl_cook.py`` on a validation split of the training images (train on
    the first 8,000 of the 10,000 development images, label the neurons on them, score the last
    2,000; N = 100, one pass), alone and added one after another (table and seeds in
    ``benchmarks/README.md``):

    - the ``pair`` rule (w += η_post·x_pre on every postsynaptic spike, as BindsNET's PostPre)
      instead of ``triplet``, whose potentiation is scaled by the slow trace x_post2, i.e. needs
      an earlier postsynaptic spike within ~40 ms: with a few spikes per image the triplet rule
      learns little from each of only thousands of images (the largest gain alone);
    - inhibitory conductance ``w_inh_exc`` 60 instead of 17: fewer neurons answer, and learn
      from, each image, with the linearly implicit membrane step, since forward Euler
      overshoots when strong inhibitory spikes arrive together;
    - intensity 4 (at most 127.5 Hz) instead of 2 (63.75 Hz), still for 350 ms with the
      150 ms rest and the retry rule: twice the input spikes per image;
    - a new order of the training images in every pass (``shuffle``), as BindsNET's example,
      so that several passes do not repeat one sequence (at one pass its effect is order noise);
    - learning rates halved over each pass (``eta_decay`` 0.5): prototypes first move fast,
      then settle instead of following the latest images; with 400 neurons and three passes
      it gains about 1.5 points on the validation images (``benchmarks/README.md``);
    - testing at twice the input rates of training (``test_rate_factor`` 2): about 20 instead
      of 9 spikes per test image, one presentation instead of 1.4, a less noisy vote.

    Single runs differ by a few points with the order of the images alone, so only
    differences larger than the seeds' spread are read as effects. Not adopted, from BindsNET's
    example: no rest and above all no retry (too few spikes per image to learn from).
    """
    check_preset(name)
    if isinstance(n, bool) or int(n) < 1:
        raise ValueError(f"n must be a positive number of neurons, got {n!r}.")
    if name == "paper":
        return DiehlCookParams(), ProtocolParams(), stdp_params("triplet"), "triplet"
    params = DiehlCookParams(w_inh_exc=60.0)
    protocol = ProtocolParams(
        intensity=4.0, shuffle=True, implicit_euler=True, eta_decay=0.5, test_rate_factor=2.0
    )
    return params, protocol, stdp_params("pair"), "pair"
