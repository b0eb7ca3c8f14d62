"""The linear readout of both networks: features → ``LinearSVC`` (scikit-learn).

The SVM is fitted as the parameters say (:func:`fit_readout`) or chosen on a validation split of the
*training* images (:func:`select_readout`: SVMs fitted on the first 80 %, scored on the last 20 %; C
over :data:`C_GRID` with the first code, then the other codes at that C), then refitted on all
training images; the test images are used once, by :func:`evaluate`. With the 2018 network's
``readout_shift > 0`` the SVM also learns from four copies of every training image moved by that
many pixels up, down, left and right (the STDP layers never see them; the paper presets fit on the
images alone).
"""

from __future__ import annotations

import math
import threading
from typing import NamedTuple

import numpy as np

from snnedu.networks.convsnn import net2016, net2018
from snnedu.networks.convsnn.checks import check_labels, check_pixels
from snnedu.networks.convsnn.net2016 import Conv2016Model
from snnedu.networks.convsnn.net2018 import Conv2018Model


def features(model, images) -> np.ndarray:
    """Return the readout features of either network.

    See :func:`features_2016` and :func:`features_2018`.
    """
    if isinstance(model, Conv2018Model):
        return net2018.features_2018(model, images)
    if isinstance(model, Conv2016Model):
        return net2016.features_2016(model, images)
    raise ValueError(f"model must be a Conv2016Model or Conv2018Model, got {type(model).__name__}.")


def fit_readout(
    model, images, labels, c: float | None = None, *, tol: float = 1e-4, progress: bool = False
):
    """Fit ``LinearSVC(C)`` on the model's features; returns the model with the readout set.

    The readout's settings (``svm_c``, and for the 2018 network ``readout``,
    ``readout_pool1`` and ``readout_shift``) are taken as given; :func:`select_readout` chooses
    them on a validation split of the training images instead. With ``readout_shift > 0`` the
    SVM is fitted on ``images`` and on their four copies moved by that many pixels.
    ``progress`` shows a bar for the features and the time the SVM fit has taken so far.
    ``tol`` is liblinear's stopping tolerance: 0.1 instead of the default 1e-4 made a fit on
    300 offline digits 3.5 times faster with the same test accuracy (70.50 % on 1,000 images).

    Raises
    ------
    ValueError
        For bad images or labels, labels of fewer than two classes, ``c`` or ``tol`` not > 0,
        or a ``readout_shift`` that moves the images out of their frame.
    """
    images = check_pixels(images)
    labels = check_labels(labels, images.shape[0])
    if np.unique(labels).size < 2:
        raise ValueError("the readout needs images of at least two classes.")
    c = model.params.svm_c if c is None else float(c)
    _require_c(c)
    every = _with_shifted_copies(model, images)
    x = _rows_in_chunks(lambda chunk: features(model, chunk), every, progress=progress)
    labels = np.tile(labels, len(every) // len(images))
    if not (math.isfinite(tol) and tol > 0):
        raise ValueError(f"tol must be a finite number > 0, got {tol!r}.")
    readout_w, readout_b = _fit_svm(x, labels, c, progress=progress, tol=tol)
    return model._replace(readout_w=readout_w, readout_b=readout_b)


def _with_shifted_copies(model, images) -> np.ndarray:
    """Return the readout's training images.

    These are ``images`` followed by their four copies moved by the 2018 network's
    ``readout_shift`` (just ``images`` for shift 0 and the 2016 network).
    """
    shift = model.params.readout_shift if isinstance(model, Conv2018Model) else 0
    if shift >= min(images.shape[1:]):
        raise ValueError(
            f"readout_shift = {shift} px moves {images.shape[1]}×{images.shape[2]} images out of "
            "the frame; use 0 (no shifted copies) or 1–2 px."
        )
    return np.concatenate([images, _shifted_copies(images, shift)])


def _shifted_copies(images, shift: int) -> np.ndarray:
    """Return ``images`` moved by ±``shift`` px down, up, right and left.

    Blank where moved in; four copies stacked as (4n, h, w); none for ``shift`` 0.
    """
    s = shift
    if s == 0:
        return images[:0]
    copies = np.zeros((4, *images.shape), images.dtype)
    copies[0, :, s:] = images[:, :-s]
    copies[1, :, :-s] = images[:, s:]
    copies[2, :, :, s:] = images[:, :, :-s]
    copies[3, :, :, :-s] = images[:, :, s:]
    return copies.reshape(-1, *images.shape[1:])


def _rows_in_chunks(make_rows, items, chunk: int = 1000, progress: bool = False):
    """Apply ``make_rows`` to ``items`` in chunks of about ``chunk``.

    Chunks bound the dense memory and take a few seconds each, so Ctrl-C and the progress bar
    act between them; the blocks are stacked as one matrix, sparse (CSR) if mostly zeros.
    """
    from scipy import sparse
    from tqdm.auto import tqdm

    blocks = []
    with tqdm(total=len(items), desc="readout features", unit="img", disable=not progress) as bar:
        for part in np.array_split(items, max(1, len(items) // chunk)):
            blocks.append(make_rows(part))
            bar.update(len(part))
    if len(blocks) == 1:
        return blocks[0]
    if np.mean(blocks[0] > 0) < 0.5:
        return sparse.vstack([sparse.csr_matrix(b) for b in blocks], format="csr")
    return np.vstack(blocks)


C_GRID = (0.003, 0.01, 0.03, 0.1, 0.3, 1.0)
"""The SVM regularisation values :func:`select_readout` tries by default."""


class ReadoutSelection(NamedTuple):
    """What :func:`select_readout` chose, and the validation accuracy of every candidate."""

    readout: str  # 2018: "latency", "spikes" or "potential" (2016: "C2")
    readout_pool1: int  # px, 0 = no pool1 features (2016: 0)
    svm_c: float  # LinearSVC C
    validation_accuracy: float  # of the chosen candidate, fraction in [0, 1]
    scores: dict  # (readout, readout_pool1, svm_c) -> validation accuracy of each scored one
    n_fit: int  # training images the candidates were fitted on
    n_validation: int  # held-out training images they were scored on


def select_readout(
    model,
    images,
    labels,
    *,
    c_grid=C_GRID,
    readouts=None,
    pool1_windows=None,
    validation: float = 0.2,
    full_grid: bool = False,
    progress: bool = False,
):
    """Choose the readout on a validation split of the training images, then refit on all.

    Each candidate SVM is fitted on the first ``1 − validation`` of ``images`` (and, with the
    2018 network's ``readout_shift > 0``, their shifted copies; never a copy of a validation
    image) and scored on the last ``validation`` of them. By default the search is
    coordinate-wise (an SVM fit on 10,000 MNIST images takes tens of seconds): C is chosen over
    ``c_grid`` with the first feature variant (``readouts[0]``, ``pool1_windows[0]``), then
    every other variant is scored at that C; ``full_grid=True`` scores every ``readout`` ×
    ``pool1_window`` × ``C``. The best (ties: the first scored — readouts, then pool1 windows,
    then ``c_grid`` in the order given) is refitted on all ``images``. The features are
    computed once. Only the images passed here are used: give it training images and keep the
    test images for one final :func:`evaluate`.

    Parameters
    ----------
    model : Conv2018Model or Conv2016Model
        Trained kernels (the readout arrays may be empty).
    images, labels : training images (n, h, w) and their classes
    c_grid : sequence of float
        LinearSVC regularisation values (> 0).
    readouts : sequence of str, optional
        2018 only: feature codes to try, from ``"latency"``, ``"spikes"``, ``"potential"``
        (default: ``("latency", "spikes")``). Ignored for the 2016 network (C2 features).
    pool1_windows : sequence of int, optional
        2018 only: pool1 readout windows to try [px], 0 = none (default ``(0, 3)``).
    validation : float
        Fraction of the images held out for validation (their last part), in (0, 1).
    full_grid : bool
        Score every combination instead of choosing C first.
    progress : bool
        Show a bar over the candidates scored and the time of the final fit.

    Returns
    -------
    model : the model with the chosen settings in ``params`` and the readout fitted on all images
    selection : ReadoutSelection
    """
    images = check_pixels(images)
    labels = check_labels(labels, images.shape[0])
    if not isinstance(validation, (int, float)) or not 0 < validation < 1:
        raise ValueError(f"validation must be a fraction in (0, 1), got {validation!r}.")
    n = images.shape[0]
    n_val = round(validation * n)
    n_fit = n - n_val
    if n_val < 1 or n_fit < 1:
        raise ValueError(f"{n} images are too few to hold out a validation fraction {validation}.")
    if np.unique(labels[:n_fit]).size < 2:
        raise ValueError("the fitting part of the split needs images of at least two classes.")
    c_grid = [float(c) for c in c_grid]
    if not c_grid:
        raise ValueError("c_grid is empty; give at least one C, e.g. (0.01, 0.1, 1.0).")
    for c in c_grid:
        _require_c(c)
    extended = _with_shifted_copies(model, images)
    copies = extended.shape[0] // n  # each image and its shifted copies
    labels_all = np.tile(labels, copies)
    if isinstance(model, Conv2018Model):
        readouts = ("latency", "spikes") if readouts is None else tuple(readouts)
        pool1_windows = (0, 3) if pool1_windows is None else tuple(pool1_windows)
        if not readouts or any(r not in ("latency", "spikes", "potential") for r in readouts):
            raise ValueError(
                f"readouts must name 'latency', 'spikes' or 'potential', got {readouts!r}."
            )
        if not pool1_windows or any(
            isinstance(w, bool) or not isinstance(w, (int, np.integer)) or w < 0
            for w in pool1_windows
        ):
            raise ValueError(f"pool1_windows must be whole numbers >= 0, got {pool1_windows!r}.")
        parts = {}
        for readout in dict.fromkeys(
            "potential" if r == "potential" else "times" for r in readouts
        ):
            code = "potential" if readout == "potential" else "latency"
            windows = tuple(int(w) for w in pool1_windows)
            parts[readout] = net2018.feature_parts_2018(model, extended, code, windows)
        candidates = [
            (r, int(w), model.params._replace(readout=r, readout_pool1=int(w)))
            for r in readouts
            for w in pool1_windows
        ]

        def matrix(r, w, p, rows):
            part = parts["potential" if r == "potential" else "times"]
            return _rows_in_chunks(lambda chunk: net2018.assemble_2018(part, p, chunk), rows)
    else:
        x_all = features(model, extended)
        candidates = [("C2", 0, model.params)]

        def matrix(r, w, p, rows):
            return x_all[rows]

    # fitted on the first images and their shifted copies, scored on the last images alone
    fit_rows = (np.arange(copies)[:, None] * n + np.arange(n_fit)).ravel()
    val_rows = np.arange(n_fit, n)

    stop = threading.Event()  # set on Ctrl-C: the fits in progress are abandoned

    def score(job):
        (r, w, p), c = job
        weights, bias = _fit_svm(matrix(r, w, p, fit_rows), labels_all[fit_rows], c, stop=stop)
        predicted = np.argmax(matrix(r, w, p, val_rows) @ weights.T + bias, axis=1)
        return (r, w, c), float(np.mean(predicted == labels[n_fit:]))

    from concurrent.futures import ThreadPoolExecutor

    from tqdm.auto import tqdm

    if full_grid:
        jobs = [(cand, c) for cand in candidates for c in c_grid]
    else:
        jobs = [(candidates[0], c) for c in c_grid]
    later = 0 if full_grid else len(candidates) - 1
    bar = tqdm(total=len(jobs) + later, desc="readout candidates", disable=not progress)
    pool = ThreadPoolExecutor(max_workers=2)  # liblinear releases the GIL
    try:
        scores = {}
        for key, value in pool.map(score, jobs):
            scores[key] = value
            bar.update()
        if later:
            c_best = max(scores.items(), key=lambda item: item[1])[0][2]
            for key, value in pool.map(score, [(cand, c_best) for cand in candidates[1:]]):
                scores[key] = value
                bar.update()
    except BaseException:
        stop.set()
        raise
    finally:
        pool.shutdown(wait=not stop.is_set(), cancel_futures=True)
        bar.close()
    best = max(scores.items(), key=lambda item: item[1])  # ties: the first scored
    (r, w, c), accuracy = best
    p = model.params._replace(svm_c=c)
    if isinstance(model, Conv2018Model):
        p = p._replace(readout=r, readout_pool1=w)
    chosen = next(q for rr, ww, q in candidates if (rr, ww) == (r, w))
    readout_w, readout_b = _fit_svm(
        matrix(r, w, chosen, np.arange(extended.shape[0])), labels_all, c, progress=progress
    )
    model = model._replace(params=p, readout_w=readout_w, readout_b=readout_b)
    return model, ReadoutSelection(r, w, c, accuracy, scores, n_fit, n_val)


def _require_c(c) -> None:
    if not (isinstance(c, (int, float)) and math.isfinite(c) and c > 0):
        raise ValueError(f"the SVM's C must be a finite number > 0, got {c!r}.")


def _fit_svm(x, labels, c: float, progress: bool = False, stop=None, tol: float = 1e-4):
    """Fit a LinearSVC on features ``x``.

    Returns (weights (n_classes, n_features), bias (n_classes,)) with −∞ bias for classes
    absent from ``labels``.

    The fit runs in a helper thread that this one waits for in short steps, so Ctrl-C stops
    at once (liblinear itself cannot be interrupted); ``progress`` shows the time so far.
    A set ``stop`` event (Ctrl-C seen by another thread) abandons the fit the same way.
    """
    import warnings

    from scipy import sparse
    from sklearn.svm import LinearSVC
    from tqdm.auto import tqdm

    if not sparse.issparse(x) and np.mean(x > 0) < 0.5:
        x = sparse.csr_matrix(x)  # few neurons fire: sparse is faster and smaller
    svm = LinearSVC(C=float(c), tol=float(tol), max_iter=5000, dual=True, random_state=0)
    failed = []

    def fit():
        try:
            with warnings.catch_warnings():
                # liblinear may stop at max_iter; accuracy is what counts
                warnings.simplefilter("ignore")
                svm.fit(x, labels)
        except Exception as error:  # handed to the waiting thread
            failed.append(error)

    worker = threading.Thread(target=fit, daemon=True)  # abandoned if Ctrl-C ends the process
    description = f"readout SVM ({x.shape[0]:,} × {x.shape[1]:,} features)"
    with tqdm(desc=description, bar_format="{desc}: {elapsed}", disable=not progress) as bar:
        worker.start()
        while worker.is_alive():
            worker.join(0.2)
            bar.refresh()
            if stop is not None and stop.is_set():
                raise KeyboardInterrupt
    if failed:
        raise failed[0]
    weights, bias = np.asarray(svm.coef_), np.asarray(svm.intercept_)
    classes = svm.classes_.astype(int)
    full_w = np.zeros((int(labels.max()) + 1, x.shape[1]))
    full_b = np.full(int(labels.max()) + 1, -np.inf)
    if weights.shape[0] == 1:  # two classes: one decision function
        weights, bias = np.vstack([-weights, weights]), np.array([-bias[0], bias[0]])
    full_w[classes], full_b[classes] = weights, bias
    return full_w, full_b


def predict(model, images) -> np.ndarray:
    """Return the class of each image: ``argmax(features @ readout_w.T + readout_b)``.

    Raises
    ------
    ValueError
        If the model has no readout yet (trained with ``readout=False``), or bad images.
    """
    if model.readout_w.size == 0:
        raise ValueError(
            "this model has no readout yet: fit one with fit_readout(model, images, labels), "
            "or train a complete model with `snnedu conv train`."
        )
    x = features(model, images)
    return np.argmax(x @ model.readout_w.T + model.readout_b, axis=1)


def evaluate(model, images, labels) -> float:
    """Return the fraction of ``images`` that :func:`predict` puts in their ``labels``' class.

    Raises
    ------
    ValueError
        For images that are not pixels in [0, 255], or labels that do not match them.
    """
    images = check_pixels(images)
    labels = check_labels(labels, images.shape[0])
    return float(np.mean(predict(model, images) == labels))
