"""Reading the network out: label each neuron, predict classes, running accuracy in training.

The authors' rule: a neuron is labelled with the class for which its mean response over the
labelling images is highest; an image's class is the one whose neurons fire most on average.

>>> import numpy as np
>>> counts = np.array([[4, 0], [0, 3], [5, 1]])
>>> assign_labels(counts, np.array([0, 1, 0]), n_classes=2)
array([0, 1])
"""

from __future__ import annotations

import numpy as np

from snnedu.core.validation import labels_array, positive_int
from snnedu.networks.diehl_cook.state import PER_IMAGE, DiehlCookNetwork, TrainingLog

__all__ = [
    "assign_labels",
    "class_proportions",
    "empty_log",
    "grow_log",
    "log_image",
    "predict_labels",
    "running_accuracy",
    "with_log",
]


def assign_labels(counts, labels, n_classes: int = 10) -> np.ndarray:
    """Label each neuron with the class of its highest mean response (authors' rule).

    Parameters
    ----------
    counts : int array (n_images, n)
        Spike counts per image and neuron.
    labels : int array (n_images,)
    n_classes : int

    Returns
    -------
    int array (n,)
        Class of each neuron; -1 for a neuron that never fired (ties: lowest class).

    >>> assign_labels(np.array([[3, 0], [0, 0], [1, 0]]), np.array([0, 1, 1]), n_classes=2)
    array([ 0, -1])
    """
    counts, labels = _counts_labels(counts, labels, n_classes)
    means = _class_means(counts, labels, n_classes)
    assignments = np.argmax(means, axis=0).astype(np.int64)
    assignments[means.max(axis=0) <= 0] = -1
    return assignments


def class_proportions(counts, labels, n_classes: int = 10) -> np.ndarray:
    """Return each neuron's mean response per class, normalised over classes.

    These are the weights of BindsNET's ``proportion_weighting`` (Hazan et al. 2018,
    Front. Neuroinform. 12:89).

    Returns
    -------
    float array (n, n_classes)
    """
    counts, labels = _counts_labels(counts, labels, n_classes)
    means = _class_means(counts, labels, n_classes).T
    total = means.sum(axis=1, keepdims=True)
    return np.divide(means, total, out=np.zeros_like(means), where=total > 0)


def predict_labels(
    counts, assignments, method: str = "mean", proportions=None, n_classes: int = 10
) -> np.ndarray:
    """Predict a class per image from spike counts.

    ``"mean"`` (the paper's): the class whose assigned neurons fire most on average.
    ``"proportion"``: as ``"mean"`` but each neuron's count weighted by the fraction of its
    mean response that belongs to the class (``proportions`` from :func:`class_proportions`).

    Parameters
    ----------
    counts : int array (n_images, n) or (n,)
        Spike counts per image and neuron.
    assignments : int array (n,)
        Class of each neuron from :func:`assign_labels` (-1: unassigned, ignored).
    method : str
        ``"mean"`` or ``"proportion"``.
    proportions : float array (n, n_classes), optional
        Required for ``"proportion"``.
    n_classes : int

    Returns
    -------
    int array (n_images,)
        Predicted class per image.

    >>> predict_labels(np.array([[5, 0, 1], [0, 4, 0]]), np.array([0, 1, 1]), n_classes=2)
    array([0, 1])
    """
    counts = np.asarray(counts, dtype=float)
    if counts.ndim == 1:
        counts = counts[None]
    assignments = np.asarray(assignments)
    if counts.shape[1] != assignments.shape[0]:
        raise ValueError(
            f"counts have {counts.shape[1]} neurons but assignments {assignments.shape[0]}."
        )
    if method not in ("mean", "proportion"):
        raise ValueError(f"unknown method {method!r}; choose 'mean' or 'proportion'.")
    if method == "proportion":
        if proportions is None:
            raise ValueError("method='proportion' needs proportions=class_proportions(...).")
        counts = counts[:, :, None] * np.asarray(proportions)[None]
    scores = np.zeros((counts.shape[0], n_classes))
    for c in range(n_classes):
        members = assignments == c
        if members.any():
            group = counts[:, members, c] if method == "proportion" else counts[:, members]
            scores[:, c] = group.sum(axis=1) / members.sum()
    return np.argmax(scores, axis=1)


def _counts_labels(counts, labels, n_classes):
    """Check spike counts ``(n_images, n)`` and one class label per image."""
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2:
        raise ValueError(f"counts must be (n_images, n) spike counts, got shape {counts.shape}.")
    return counts, labels_array(labels, counts.shape[0], n_classes)


def _class_means(counts, labels, n_classes):
    sums = np.zeros((n_classes, counts.shape[1]))
    np.add.at(sums, labels, counts)
    per_class = np.bincount(labels, minlength=n_classes)[:, None]
    return np.divide(sums, per_class, out=np.zeros_like(sums), where=per_class > 0)


def empty_log(n: int) -> TrainingLog:
    """Return the training log of a network of ``n`` neurons that has seen no image."""
    return TrainingLog(
        labels=np.zeros(0, np.int16), predictions=np.zeros(0, np.int16),
        exc_spikes=np.zeros(0, np.int32), attempts=np.zeros(0, np.int16),
        assignments=np.full(n, -1, np.int16), window_sums=np.zeros((10, n)),
        window_counts=np.zeros(10),
    )  # fmt: skip


def grow_log(log: TrainingLog, size: int) -> TrainingLog:
    """Return a copy of ``log`` whose per-image arrays hold at least ``size`` images."""

    def grow(a):
        out = np.zeros(max(size, len(a)), a.dtype)
        out[: len(a)] = a
        return out

    return log._replace(**{k: grow(getattr(log, k)) for k in PER_IMAGE},
                        assignments=log.assignments.copy(), window_sums=log.window_sums.copy(),
                        window_counts=log.window_counts.copy())  # fmt: skip


def with_log(net: DiehlCookNetwork, log: TrainingLog, seen: int) -> DiehlCookNetwork:
    """Return ``net`` carrying ``log`` cut to its first ``seen`` images."""
    trimmed = log._replace(**{k: getattr(log, k)[:seen].copy() for k in PER_IMAGE})
    return net._replace(log=trimmed, images_seen=seen)


def log_image(log, k, counts, attempts, label, update_interval, window_correct):
    """Record image k; predict its label with the previous window's assignments.

    ``window_correct`` = [correct, predicted, accuracy of the last closed window or None].
    """
    log.labels[k] = label
    log.exc_spikes[k] = counts.sum()
    log.attempts[k] = attempts
    assigned = log.assignments
    if label >= 0 and (assigned >= 0).any():
        prediction = int(predict_labels(counts[None], assigned)[0])
        log.predictions[k] = prediction
        window_correct[0] += prediction == label
        window_correct[1] += 1
    else:
        log.predictions[k] = -1
    if label >= 0:
        log.window_sums[label] += counts
        log.window_counts[label] += 1
    if (k + 1) % update_interval == 0:
        per_class = log.window_counts[:, None]
        means = np.divide(log.window_sums, per_class, out=np.zeros_like(log.window_sums),
                          where=per_class > 0)  # fmt: skip
        new = np.argmax(means, axis=0)
        new[means.max(axis=0) <= 0] = -1
        log.assignments[:] = new
        log.window_sums[:] = 0
        log.window_counts[:] = 0
        if window_correct[1]:
            window_correct[2] = window_correct[0] / window_correct[1]
        window_correct[0] = window_correct[1] = 0


def running_accuracy(log: TrainingLog, window: int = 1000) -> tuple[np.ndarray, np.ndarray]:
    """Return the accuracy of the training-time predictions per window of ``window`` images.

    Returns
    -------
    images_seen : int array
        The end of each complete window.
    accuracy : float array
        Fraction [0-1] of correct predictions in that window (NaN where none was made).
    """
    window = positive_int("window", window)
    ok = (log.predictions >= 0) & (log.labels >= 0)
    correct = ok & (log.predictions == log.labels)
    ends = np.arange(window, len(ok) + 1, window)
    acc = np.array([
        correct[e - window : e].sum() / ok[e - window : e].sum() if ok[e - window : e].any()
        else np.nan for e in ends
    ])  # fmt: skip
    return ends, acc
