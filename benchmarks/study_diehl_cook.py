"""What makes the Diehl & Cook network learn: a one-factor-at-a-time study.

Starting from the ``paper`` preset (the authors' code as Brian 1 ran it), each factor in which
other implementations differ (BindsNET's ``eth_mnist`` example above all) is changed **alone**,
and then **cumulatively** in the order given by ``--factors``:

==============  ==================================================================
factor          change from the paper
==============  ==================================================================
``rate``        input rate pixel/8·4 Hz (at most 127.5 Hz) instead of pixel/8·2 (63.75 Hz)
``pair``        the pair rule (w += η_post·x_pre on every post spike, w −= η_pre·x_post1 on
                every pre spike) instead of the triplet rule (potentiation scaled by x_post2)
``inhibition``  inhibitory conductance ``--w-inh`` instead of 17 (fewer winners per image),
                with the linearly implicit membrane step
``shuffle``     training images in a new random order every pass instead of as stored
``anneal``      learning rates halved over each pass (``eta_decay`` 0.5) instead of constant
``test-rate``   testing at twice the input rates of training (``test_rate_factor`` 2)
``time``        each image shown for 250 ms instead of 350 ms
``rest``        no 150 ms rest between images (t_rest = 0)
``retry``       no second presentation when the layer fired fewer than 5 spikes
``theta``       θ_plus = ``--theta-plus`` mV per spike instead of 0.05 mV
==============  ==================================================================

With the default order the cumulative column passes through the ``course`` preset after
``test-rate`` and then goes on towards BindsNET's example (250 ms, no rest, no retry).

Splits: ``validation`` trains on the first ``--n-train`` of the 10,000 development training
images, labels the neurons on them and measures accuracy on the rest of the training images
(every choice of the ``course`` preset was made here); ``test`` trains and labels on all
training images and measures accuracy on the test images (only for the final table, after the
choices were made). A run in which forward Euler overshot ("unstable") is not reported: it is
run again with the linearly implicit membrane step and marked ``i``.

Usage::

    SNNEDU_MNIST_DIR=/work/shared/data/mnist python benchmarks/study_diehl_cook.py \\
        --sizes 100 --seeds 0 1 2 --split validation --output study.csv
    python benchmarks/study_diehl_cook.py --sizes 100 --split test --factors --presets paper course

Prints one table per size: factor, accuracy with that factor alone, accuracy with it and every
factor above it (mean ± sd over the seeds), for each split; then k-means with as many
prototypes as neurons on the same split (a yardstick: what competitive learning of prototypes
reaches without spikes).
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np

from snnedu.data import load_dataset
from snnedu.experiments.diehl_cook import train_and_evaluate
from snnedu.models.stdp import STDPParams, stdp_params
from snnedu.networks import diehl_cook as dc

FACTORS = ("rate", "pair", "inhibition", "shuffle", "anneal", "test-rate", "time", "rest", "retry",
           "theta")  # fmt: skip


class Setup(NamedTuple):
    """Everything that defines one configuration: what :func:`diehl_cook.preset` returns."""

    params: dc.DiehlCookParams
    protocol: dc.ProtocolParams
    stdp: STDPParams
    rule: str


def apply(setup: Setup, factor: str, args) -> Setup:
    """``setup`` with ``factor`` changed towards the other implementations' choice."""
    p, q = setup.params, setup.protocol
    changes = {
        "rate": lambda: setup._replace(protocol=q._replace(intensity=4.0)),
        "pair": lambda: setup._replace(rule="pair", stdp=stdp_params("pair")),
        "inhibition": lambda: setup._replace(
            params=p._replace(w_inh_exc=args.w_inh), protocol=q._replace(implicit_euler=True)
        ),
        "shuffle": lambda: setup._replace(protocol=q._replace(shuffle=True)),
        "anneal": lambda: setup._replace(protocol=q._replace(eta_decay=0.5)),
        "test-rate": lambda: setup._replace(protocol=q._replace(test_rate_factor=2.0)),
        "time": lambda: setup._replace(protocol=q._replace(t_present=250.0)),
        "rest": lambda: setup._replace(protocol=q._replace(t_rest=0.0)),
        "retry": lambda: setup._replace(protocol=q._replace(min_spikes=0)),
        "theta": lambda: setup._replace(params=p._replace(theta_plus=args.theta_plus)),
    }
    if factor not in changes:
        raise ValueError(f"unknown factor {factor!r}; choose from {', '.join(FACTORS)}.")
    return changes[factor]()


def split_data(split: str, n_train: int, train, test):
    """(train images, train labels, evaluation images, evaluation labels) for ``split``."""
    if split == "validation":
        if not 0 < n_train < len(train.images):
            raise ValueError(
                f"--n-train must be between 1 and {len(train.images) - 1} so that some training "
                f"images are left for validation, got {n_train}."
            )
        return (
            train.images[:n_train],
            train.labels[:n_train],
            train.images[n_train:],
            train.labels[n_train:],
        )
    return train.images, train.labels, test.images, test.labels


def run(setup: Setup, n: int, passes: int, seed: int, data) -> dict:
    """Train one network, label its neurons on the training images, score the others."""
    x_train, y_train, x_eval, y_eval = data
    rng = np.random.default_rng(seed)
    net = dc.init_diehl_cook(
        n,
        rule=setup.rule,
        params=setup.params,
        protocol=setup.protocol,
        stdp=setup.stdp,
        rng=rng,
    )
    r = train_and_evaluate(net, x_train, y_train, x_eval, y_eval, passes, rng)
    if r["euler_unstable"] and not setup.protocol.implicit_euler:
        # forward Euler overshot: no figure from this run; the linearly implicit step instead
        fallback = setup._replace(protocol=setup.protocol._replace(implicit_euler=True))
        return {**run(fallback, n, passes, seed, data), "implicit_fallback": 1}
    theta = r["network"].theta - r["network"].params.theta_init
    return {**r, "implicit_fallback": 0, "theta": float(theta.mean())}


def kmeans_accuracy(n: int, data) -> float:
    """The k-means yardstick of ``bench_diehl_cook.py`` (reused, not copied) on this split."""
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from bench_diehl_cook import kmeans_reference

    x_train, y_train, x_eval, y_eval = data
    return kmeans_reference(
        n,
        argparse.Namespace(images=x_train, labels=y_train),
        argparse.Namespace(images=x_eval, labels=y_eval),
    )


def configurations(n: int, args) -> list[tuple[str, str, Setup]]:
    """(row name, 'preset' | 'alone' | 'cumulative', setup) of every configuration."""
    rows = [(name, "preset", Setup(*dc.preset(name, n))) for name in args.presets]
    cumulative = paper = Setup(*dc.preset("paper", n))
    for factor in args.factors:
        rows.append((factor, "alone", apply(paper, factor, args)))
        cumulative = apply(cumulative, factor, args)
        if not args.alone_only:
            rows.append((factor, "cumulative", cumulative))
    return rows


COLUMNS = ["size", "passes", "split", "row", "mode", "seed", "accuracy", "implicit_fallback",
           "spikes_per_image", "attempts_per_image", "theta_gain_mv", "train_s"]  # fmt: skip
ROW_ORDER = ("paper", "course", *FACTORS, "k-means")


def summary(rs: list[dict], seeds: int) -> str:
    """'mean ± sd' of the accuracies [%]; 'i' if a run fell back to the implicit step; the
    number of seeds if it differs from ``seeds``."""
    if not rs:
        return ""
    a = 100 * np.array([float(r["accuracy"]) for r in rs])
    text = f"{a.mean():.1f}" + (f" ± {a.std(ddof=1):.1f}" if len(a) > 1 else "")
    if any(int(r.get("implicit_fallback") or 0) for r in rs):
        text += " i"
    if len(a) != seeds and rs[0]["mode"] != "yardstick":
        text += f" ({len(a)} seed{'s' if len(a) > 1 else ''})"
    return text


def print_tables(rows: list[dict]) -> None:
    """One markdown table per (size, passes) from CSV rows of this script."""
    groups: dict = {}
    for r in rows:
        key = (int(r["size"]), int(r["passes"]))
        groups.setdefault(key, {}).setdefault((r["split"], r["row"], r["mode"]), []).append(r)
    for (n, passes), cells in sorted(groups.items()):
        splits = [s for s in ("validation", "test") if any(k[0] == s for k in cells)]
        seeds = max(len(v) for k, v in cells.items() if k[2] != "yardstick")
        print(
            f"\nN = {n}, {passes} pass(es); accuracy [%], mean ± sd over {seeds} seed(s) unless "
            "stated ('i': forward Euler overshot in a run, which was rerun with the implicit step)"
        )
        # a split with factor rows gets 'alone' and 'cumulative' columns, else one column
        cols = []
        for split in splits:
            factors = any(k[0] == split and k[2] in ("alone", "cumulative") for k in cells)
            cols += [(split, "alone"), (split, "cumulative")] if factors else [(split, None)]
        head = [split if mode is None else f"{split}, {mode}" for split, mode in cols]
        print("| factor | " + " | ".join(head) + " |")
        print("|---" * (1 + len(cols)) + "|")
        for name in ROW_ORDER:
            line = []
            for split, mode in cols:
                if name in FACTORS:
                    line.append(summary(cells.get((split, name, mode), []), seeds) if mode else "")
                elif mode != "cumulative":
                    kind = "yardstick" if name == "k-means" else "preset"
                    line.append(summary(cells.get((split, name, kind), []), seeds))
                else:
                    line.append("")
            label = f"k-means, {n} prototypes" if name == "k-means" else name
            label = f"`{name}` preset" if name in ("paper", "course") else label
            if any(line):
                print(f"| {label} | " + " | ".join(line) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100])
    parser.add_argument(
        "--passes",
        type=int,
        nargs="+",
        default=None,
        help="passes per size (default: 1 for N <= 100, else 3)",
    )
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--factors", nargs="*", default=list(FACTORS), choices=FACTORS)
    parser.add_argument(
        "--alone-only", action="store_true", help="each factor alone, no cumulative rows"
    )
    parser.add_argument("--presets", nargs="*", default=list(dc.PRESETS), choices=dc.PRESETS)
    parser.add_argument(
        "--split", nargs="+", default=["validation"], choices=["validation", "test"]
    )
    parser.add_argument(
        "--n-train",
        type=int,
        default=8000,
        help="training images of the validation split (the rest validate)",
    )
    parser.add_argument(
        "--w-inh",
        type=float,
        default=60.0,
        help="inhibitory conductance of the inhibition factor (paper: 17)",
    )
    parser.add_argument(
        "--theta-plus",
        type=float,
        default=0.1,
        help="θ_plus [mV] of the theta factor (paper: 0.05)",
    )
    parser.add_argument("--no-kmeans", action="store_true")
    parser.add_argument("--data-dir", default=os.environ.get("SNNEDU_MNIST_DIR"))
    parser.add_argument("--output", default=None, help="CSV file, one row per run")
    parser.add_argument(
        "--tables",
        nargs="+",
        default=None,
        metavar="CSV",
        help="print the tables of earlier runs (their CSV files) and stop",
    )
    args = parser.parse_args()
    if args.tables:
        rows = []
        for path in args.tables:
            with open(path, newline="") as f:
                rows += list(csv.DictReader(f))
        print_tables(rows)
        return
    passes = args.passes or [1 if n <= 100 else 3 for n in args.sizes]
    if len(passes) != len(args.sizes):
        raise ValueError(f"--passes needs one value per size, got {passes} for {args.sizes}.")
    train = load_dataset("mnist", "train", folder=args.data_dir, download=False)
    test = load_dataset("mnist", "test", folder=args.data_dir, download=False)
    print(
        f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} at start; data "
        f"{len(train.images)} train / {len(test.images)} test ({train.source})",
        flush=True,
    )
    writer = None
    if args.output:
        Path(args.output).parent.mkdir(parents=True, exist_ok=True)
        out = open(args.output, "w", newline="")
        writer = csv.DictWriter(out, COLUMNS)
        writer.writeheader()
    rows: list[dict] = []
    done: dict = {}  # identical setups (the first factor alone and cumulative) run once
    for n, n_passes in zip(args.sizes, passes, strict=True):
        for split in args.split:
            data = split_data(split, args.n_train, train, test)
            for name, mode, setup in configurations(n, args):
                for seed in args.seeds:
                    key = (n, n_passes, split, setup, seed)
                    if key not in done:
                        done[key] = run(setup, n, n_passes, seed, data)
                    r = done[key]
                    print(
                        f"N={n} {split} {name:>10s} {mode:>10s} seed {seed}: "
                        f"{100 * r['accuracy']:.2f}%{' i' if r['implicit_fallback'] else ''} "
                        f"({r['spikes_per_image']:.1f} spikes, {r['attempts_per_image']:.2f} "
                        f"presentations per image, θ +{r['theta']:.1f} mV, "
                        f"training {r['train_s']:.0f} s)",
                        flush=True,
                    )
                    row = {
                        "size": n, "passes": n_passes, "split": split, "row": name,
                        "mode": mode, "seed": seed, "accuracy": f"{r['accuracy']:.4f}",
                        "implicit_fallback": r["implicit_fallback"],
                        "spikes_per_image": f"{r['spikes_per_image']:.2f}",
                        "attempts_per_image": f"{r['attempts_per_image']:.3f}",
                        "theta_gain_mv": f"{r['theta']:.3f}", "train_s": f"{r['train_s']:.1f}",
                    }  # fmt: skip
                    rows.append(row)
                    if writer is not None:
                        writer.writerow(row)
                        out.flush()
            if not args.no_kmeans:
                km = kmeans_accuracy(n, data)
                row = dict.fromkeys(COLUMNS, "")
                row.update(size=n, passes=n_passes, split=split, row="k-means",
                           mode="yardstick", accuracy=f"{km:.4f}")  # fmt: skip
                rows.append(row)
                if writer is not None:
                    writer.writerow(row)
                    out.flush()
                print(f"N={n} {split} k-means with {n} prototypes: {100 * km:.2f}%")
    print_tables(rows)
    if writer is not None:
        out.close()
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
