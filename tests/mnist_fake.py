"""A tiny MNIST-format data set of bars (class 0 vertical, class 1 horizontal) written as IDX
files, so that command-line and sweep tests need neither MNIST nor the slow offline loader."""

from pathlib import Path

import numpy as np

from snnedu.data import write_idx


def bars(n: int, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    labels = rng.integers(0, 2, n).astype(np.uint8)
    images = rng.integers(0, 30, (n, 28, 28)).astype(np.uint8)
    for image, label, start in zip(images, labels, rng.integers(4, 20, n), strict=True):
        if label == 0:
            image[4:24, start : start + 4] = 255
        else:
            image[start : start + 4, 4:24] = 255
    return images, labels


def write_fake_mnist(folder: Path, n_train: int = 40, n_test: int = 20, seed: int = 0) -> Path:
    rng = np.random.default_rng(seed)
    folder.mkdir(parents=True, exist_ok=True)
    for n, (image_file, label_file) in (
        (n_train, ("train-images-idx3-ubyte", "train-labels-idx1-ubyte")),
        (n_test, ("t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte")),
    ):
        images, labels = bars(n, rng)
        write_idx(folder / image_file, images)
        write_idx(folder / label_file, labels)
    return folder
