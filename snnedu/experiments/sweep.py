"""Reproduce the paper's table: Diehl & Cook networks over sizes × rules × seeds, per preset.

Each grid point is one job (:func:`snnedu.experiments.diehl_cook.train_and_evaluate`: train,
label on the training images, test) that loads its own
data, so only a few numbers travel. Jobs run on a Dask cluster (``dask.distributed``): a
local one started here (one process per worker, one numba thread each) or an existing one
given by its scheduler address (``tcp://host:8786``), e.g. started with
``dask scheduler`` / ``dask worker`` on the machines of a lab. Results come back as rows of
one table (CSV); :func:`snnedu.plot.mnist.plot_sweep` draws it.

>>> jobs = sweep_jobs(sizes=[100, 400], rules=["triplet"], seeds=[0, 1], passes=1)
>>> len(jobs), jobs[0].n, jobs[-1].seed
(4, 100, 1)
"""

from __future__ import annotations

import csv
import os
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from snnedu.core.validation import positive_int
from snnedu.experiments.diehl_cook import INTEGRATORS, make_network, train_and_evaluate
from snnedu.models.stdp import ALL_RULES, rule_code

__all__ = ["COLUMNS", "SweepJob", "read_table", "run_job", "run_sweep", "sweep_jobs", "write_table"]

COLUMNS = (
    "n", "preset", "rule", "seed", "passes", "integrator", "dataset", "n_train", "n_test",
    "accuracy", "accuracy_proportion", "train_s", "eval_s", "train_images_per_s",
    "spikes_per_image", "attempts_per_image", "euler_unstable",
)  # fmt: skip
"""Columns of the results table, in order."""


class SweepJob(NamedTuple):
    """One grid point: a network size, preset, rule and seed, trained and tested."""

    n: int
    rule: str | None  # None: the preset's rule
    seed: int
    passes: int
    dataset: str = "mnist"
    data_dir: str | None = None
    n_train: int = 0  # 0: all training images
    n_test: int = 0  # 0: all test images
    integrator: str | None = None  # "euler", "implicit", or None: the preset's
    preset: str = "paper"


def sweep_jobs(
    sizes: Iterable[int],
    rules: Iterable[str | None],
    seeds: Iterable[int],
    passes: int | dict | None = None,
    dataset: str = "mnist",
    data_dir: str | os.PathLike | None = None,
    n_train: int = 0,
    n_test: int = 0,
    integrator: str | None = None,
    preset: str = "paper",
) -> list[SweepJob]:
    """List the grid sizes × rules × seeds as jobs.

    ``passes``: one number for all, a dict size → passes, or None for the paper's schedule
    (100 → 1, 400 → 3, 1600 → 7, 6400 → 15 passes). ``rules``: names, or None for the
    preset's rule. ``integrator``: ``"euler"`` (forward Euler, the authors' simulator),
    ``"implicit"`` (stable however many neurons fire together; see
    :class:`snnedu.networks.diehl_cook.ProtocolParams`) or None (the preset's).
    ``preset``: ``"paper"`` or ``"course"`` (:mod:`snnedu.networks.diehl_cook.presets`).
    """
    from snnedu.networks.diehl_cook import PAPER_PASSES
    from snnedu.networks.diehl_cook.presets import check_preset

    if integrator is not None and integrator not in INTEGRATORS:
        raise ValueError(f"integrator must be 'euler' or 'implicit', got {integrator!r}.")
    check_preset(preset)
    jobs = []
    for n in sizes:
        n = positive_int("each of sizes", n)
        for rule in rules:
            rule = None if rule is None else ALL_RULES[rule_code(rule)]
            for seed in seeds:
                if passes is None:
                    k = PAPER_PASSES.get(int(n), 1)
                elif isinstance(passes, dict):
                    k = passes[int(n)]
                else:
                    k = passes
                if int(k) < 1:
                    raise ValueError(f"passes must be >= 1, got {k!r}.")
                jobs.append(SweepJob(int(n), rule, int(seed), int(k), dataset,
                                     None if data_dir is None else str(data_dir),
                                     int(n_train), int(n_test), integrator, preset))  # fmt: skip
    return jobs


def run_job(job: SweepJob, threads: int = 1) -> dict:
    """Train, label and test one network; returns a row of the table (``COLUMNS``).

    ``euler_unstable`` counts forward-Euler overshoots in training and testing (read from the
    results, see :class:`snnedu.networks.diehl_cook.ProtocolParams`); rows with a non-zero
    count are suspect and worth rerunning with ``integrator="implicit"``.
    """
    import numba

    from snnedu.data import load_dataset

    numba.set_num_threads(max(1, min(threads, numba.config.NUMBA_NUM_THREADS)))
    train = load_dataset(job.dataset, "train", folder=job.data_dir, download=False)
    test = load_dataset(job.dataset, "test", folder=job.data_dir, download=False)
    x_train, y_train = _head(train.images, job.n_train), _head(train.labels, job.n_train)
    x_test, y_test = _head(test.images, job.n_test), _head(test.labels, job.n_test)
    rng = np.random.default_rng(job.seed)
    net = make_network(job.n, job.preset, job.rule, job.integrator, rng)
    row = train_and_evaluate(net, x_train, y_train, x_test, y_test, job.passes, rng)
    row.update(seed=job.seed, dataset=job.dataset)
    return {k: row[k] for k in COLUMNS}


def run_sweep(
    jobs: Sequence[SweepJob],
    scheduler: str | None = None,
    n_workers: int | None = None,
    threads_per_job: int = 1,
    on_result: Callable[[dict], None] | None = None,
    cluster_kwargs: dict | None = None,
) -> list[dict]:
    """Run ``jobs`` in parallel on a Dask cluster and return their rows (in job order).

    Parameters
    ----------
    jobs : sequence of SweepJob
    scheduler : str, optional
        Address of a running Dask scheduler; None starts a local cluster of ``n_workers``
        processes (default: the number of cores) and closes it afterwards.
    threads_per_job : int
        numba threads each job may use for its evaluation.
    on_result : callable, optional
        Called with each row as it arrives (progress, partial tables).
    cluster_kwargs : dict, optional
        Extra arguments for ``dask.distributed.LocalCluster``.
    """
    try:
        from dask.distributed import Client, LocalCluster, as_completed
    except ImportError:
        raise ValueError(
            "the sweep runs on Dask, which is not installed: "
            'pip install "dask[distributed]" (or install snnedu with the [cluster] extra).'
        ) from None

    jobs = list(jobs)
    if not jobs:
        return []
    cluster = None
    if scheduler is None:
        workers = n_workers or os.cpu_count() or 1
        kwargs = {"n_workers": workers, "threads_per_worker": 1, "processes": True,
                  "dashboard_address": None}  # fmt: skip
        kwargs.update(cluster_kwargs or {})
        cluster = LocalCluster(**kwargs)
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        futures = client.map(run_job, jobs, threads=threads_per_job, pure=False)
        index = {f.key: i for i, f in enumerate(futures)}
        rows: list[dict | None] = [None] * len(jobs)
        for future in as_completed(futures):
            row = future.result()
            rows[index[future.key]] = row
            if on_result is not None:
                on_result(row)
        return [r for r in rows if r is not None]
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


def write_table(rows: Iterable[dict], path: str | os.PathLike) -> Path:
    """Write result rows to a CSV file with the columns of :data:`COLUMNS`."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
    return path


def read_table(path: str | os.PathLike) -> list[dict]:
    """Read a table written by :func:`write_table` (numbers converted back)."""
    rows = []
    with Path(path).open(newline="") as handle:
        for row in csv.DictReader(handle):
            rows.append({k: _number(v) for k, v in row.items()})
    return rows


def _number(text: str):
    for kind in (int, float):
        try:
            return kind(text)
        except ValueError:
            pass
    return text


def _head(array, count: int):
    return array if not count else array[:count]
