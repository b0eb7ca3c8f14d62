"""Experiments built on the networks.

One train-and-evaluate pipeline shared by the command line and the sweep
(:mod:`~snnedu.experiments.diehl_cook`), and the Dask sweep over sizes, rules, presets and
seeds (:mod:`~snnedu.experiments.sweep`). This layer sits above ``snnedu.networks`` and below
the command line.
"""
