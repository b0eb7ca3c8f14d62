"""Named settings of the whole network: ``paper`` and ``course``.

- ``paper``: the authors' code (Diehl & Cook 2015, ``peter-u-diehl/stdp-mnist``) as Brian 1
  ran it, as faithfully as snnedu can: the defaults of :class:`DiehlCookParams`,
  :class:`ProtocolParams` and the ``triplet`` rule.
- ``course``: the settings snnedu recommends for the network sizes and data a class runs
  (100–400 neurons, thousands rather than 60,000 images). They depart from the paper; each
  departure and its reason is listed in :func:`preset`. **Provisional**: the values below are
  a first set, to be replaced by the ones a one-factor-at-a-time study chooses on a validation
  split of the training images.

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

    ``course`` (provisional; departures from ``paper``):

    - rule ``pair`` (potentiation on every postsynaptic spike, as BindsNET's example): the
      triplet rule learns slowly on thousands of images;
    - intensity 4 (128 Hz at the brightest pixel) for 250 ms instead of 2 (63.75 Hz) for
      350 ms: as many input spikes per image in less time, as BindsNET's example;
    - a new order of the training images in every pass (``shuffle``), as BindsNET's example;
    - the linearly implicit membrane step: stable when many inhibitory neurons fire together.
    """
    check_preset(name)
    if isinstance(n, bool) or int(n) < 1:
        raise ValueError(f"n must be a positive number of neurons, got {n!r}.")
    if name == "paper":
        return DiehlCookParams(), ProtocolParams(), stdp_params("triplet"), "triplet"
    # course: PROVISIONAL values, set in this one place
    params = DiehlCookParams()
    protocol = ProtocolParams(intensity=4.0, t_present=250.0, shuffle=True, implicit_euler=True)
    return params, protocol, stdp_params("pair"), "pair"
