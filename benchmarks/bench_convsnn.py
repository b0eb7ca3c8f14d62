"""Speed and accuracy of the time-coded convolutional STDP network (Kheradpisheh et al. 2018).

Prints images/s for feature extraction and for STDP training of each layer, the speed-up of the
parallel feature extraction over the same kernels called image by image (baseline, same run),
and the test accuracy of the 2018 network trained (STDP + linear SVM) on the first 10,000
training images and tested on the first 5,000 test images of MNIST and of Fashion-MNIST. The
readout (SVM C, latency or binary spike code, with or without the pool1 features) is chosen by
``convsnn.select_readout`` on the last 2,000 training images, refitted on all 10,000 (and, with
the default ``readout_shift = 1``, on their copies moved by one pixel up, down, left and right),
and the test images are used once, for the printed accuracy. The accuracy of the same readout
fitted without the shifted copies, as the papers fit theirs, is printed next to it.

    SNNEDU_MNIST_DIR=/work/shared/data/mnist python benchmarks/bench_convsnn.py [--speed-only]

It takes about two hours on two cores, most of it fitting SVMs to choose the Fashion-MNIST
readout (``--quick``: 2,000 / 1,000 images, MNIST only).
"""

from __future__ import annotations

import argparse
import os
import time

import numba
import numpy as np

from snnedu.data import load_dataset
from snnedu.networks import convsnn


def _rate(n, seconds):
    return f"{n / seconds:8.0f} images/s ({seconds:.1f} s for {n})"


def speed(images) -> None:
    p = convsnn.Conv2018Params()
    rng = np.random.default_rng(0)
    small = images[:20]
    convsnn.train_convsnn_2018(
        small, np.zeros(20, np.int64), p._replace(epochs1=1, epochs2=1), rng=rng, readout=False
    )  # compile everything once
    start = time.perf_counter()
    encoded = convsnn.encode_dog_latency(images, p)
    print(f"DoG + latency encoding     {_rate(len(images), time.perf_counter() - start)}")
    w1 = np.clip(rng.normal(0.8, 0.05, (p.conv1_maps, 2, 5, 5)), 0, 1)
    start = time.perf_counter()
    convsnn.train_stdp_layer(encoded, w1, convsnn.conv1_layer(p)._replace(epochs=1), rng=rng)
    print(f"STDP conv1 (one epoch)     {_rate(len(images), time.perf_counter() - start)}")
    pooled = convsnn.pool1_times(encoded, w1, p)
    w2 = np.clip(rng.normal(0.8, 0.05, (p.conv2_maps, p.conv1_maps, 2, 2)), 0, 1)
    start = time.perf_counter()
    convsnn.train_stdp_layer(pooled, w2, convsnn.conv2_layer(p)._replace(epochs=1), rng=rng)
    print(f"STDP conv2 (one epoch)     {_rate(len(images), time.perf_counter() - start)}")
    model = convsnn.Conv2018Model(p, w1, w2, np.zeros((0, 0)), np.zeros(0))
    convsnn.features_2018(model, small[:4])
    start = time.perf_counter()
    convsnn.features_2018(model, images)
    parallel = time.perf_counter() - start
    print(f"features, parallel batch   {_rate(len(images), parallel)}")
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    try:
        start = time.perf_counter()
        convsnn.features_2018(model, images)
        serial = time.perf_counter() - start
    finally:
        numba.set_num_threads(threads)
    print(f"baseline: same, 1 thread   {_rate(len(images), serial)}")
    print(
        f"parallel speed-up          {serial / parallel:8.2f}x with {threads} threads "
        f"({os.cpu_count()} cores shared with other jobs: timings are noisy)"
    )


def _cell(score) -> str:
    return f"{'—':>9s}" if score is None else f"{score:9.2%}"


def accuracy(name, n_train, n_test, params) -> float:
    train, test = load_dataset(name, "train"), load_dataset(name, "test")
    x_train, y_train = train.images[:n_train], train.labels[:n_train]
    start = time.perf_counter()
    model = convsnn.train_convsnn_2018(
        x_train, y_train, params, rng=np.random.default_rng(0), progress=True, readout=False
    )
    trained = time.perf_counter() - start
    start = time.perf_counter()
    model, chosen = convsnn.select_readout(model, x_train, y_train)
    selected = time.perf_counter() - start
    print(
        f"{name}: readout chosen on the last {chosen.n_validation} training images "
        f"(SVMs fitted on the first {chosen.n_fit}; {selected:.0f} s); validation accuracy "
        f"(C first with the first code, then the other codes at that C; — = not scored):"
    )
    grid = sorted({c for _, _, c in chosen.scores})
    print(f"  {'features':24s}" + "".join(f"{f'C={c:g}':>9s}" for c in grid))
    for code, window in dict.fromkeys((r, w) for r, w, _ in chosen.scores):
        label = f"{code} + pool1 {window} px" if window else f"{code}"
        print(f"  {label:24s}" + "".join(_cell(chosen.scores.get((code, window, c))) for c in grid))
    pool1 = f"pool1 {chosen.readout_pool1} px" if chosen.readout_pool1 else "no pool1"
    print(
        f"  chosen: {chosen.readout} code, {pool1}, C = {chosen.svm_c:g} "
        f"(validation {chosen.validation_accuracy:.2%}); refitted on all {n_train} images"
    )
    result = convsnn.evaluate(model, test.images[:n_test], test.labels[:n_test])
    shift = model.params.readout_shift
    print(
        f"{name:14s} STDP ({trained:.0f} s) + selected SVM on {n_train} train images "
        f"and their copies shifted by ±{shift} px: test accuracy {result:.2%} on the first "
        f"{n_test} test images (evaluated once)"
    )
    if shift:
        plain = model._replace(params=model.params._replace(readout_shift=0))
        plain = convsnn.fit_readout(plain, x_train, y_train)
        plain_result = convsnn.evaluate(plain, test.images[:n_test], test.labels[:n_test])
        print(
            f"{'':14s} the same readout fitted without the shifted copies (the papers' way; "
            f"reported, not chosen on): {plain_result:.2%}"
        )
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="2,000 / 1,000 images, MNIST only")
    parser.add_argument("--speed-only", action="store_true", help="skip the accuracy runs")
    args = parser.parse_args()
    n_train, n_test = (2000, 1000) if args.quick else (10_000, 5_000)
    train = load_dataset("mnist", "train")
    params = convsnn.Conv2018Params()
    print(f"2018 network, default parameters: {params}")
    speed(train.images[: min(n_train, 2000)])
    if args.speed_only:
        return
    accuracy("mnist", n_train, n_test, params)
    if not args.quick:
        accuracy("fashion-mnist", n_train, n_test, params)


if __name__ == "__main__":
    main()
