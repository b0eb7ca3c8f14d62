"""Make, train, test and record a Diehl & Cook network (the public functions).

Each function validates its input, converts it for the kernel (:mod:`.kernel`), allocates the
outputs and scratch arrays once, and loops over images in Python (training: progress bar,
callback, checkpoints, Ctrl-C) or in a parallel numba loop (testing).
"""

from __future__ import annotations

import os
import signal
import threading
import warnings
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import NamedTuple

import numpy as np

from snnedu.core.validation import labels_array, pixels_array, positive_int, require_rng
from snnedu.models.stdp import (
    ALL_RULES,
    STDPParams,
    rule_code,
    stdp_params,
    validate_stdp_params,
)
from snnedu.networks.diehl_cook import kernel
from snnedu.networks.diehl_cook.params import (
    N_INPUTS,
    DiehlCookParams,
    ProtocolParams,
    check_params,
    derived_steps,
    testing_protocol,
)
from snnedu.networks.diehl_cook.presets import check_preset
from snnedu.networks.diehl_cook.presets import preset as preset_values
from snnedu.networks.diehl_cook.readout import (
    assign_labels,
    class_proportions,
    empty_log,
    grow_log,
    log_image,
    predict_labels,
    with_log,
)
from snnedu.networks.diehl_cook.state import DiehlCookNetwork, DiehlCookState, copy_network

__all__ = [
    "EvaluationResult",
    "ImageRecord",
    "Recording",
    "Responses",
    "TrainResult",
    "decayed_stdp",
    "draw_input_spikes",
    "evaluate_diehl_cook",
    "init_diehl_cook",
    "record_image",
    "respond_diehl_cook",
    "train_diehl_cook",
    "training_order",
]

_NEVER = -(2**40)  # "last arrival" of a synapse that never received a spike: x_pre = 0


class ImageRecord(NamedTuple):
    """Counts for one image: the recorded attempt and totals over all attempts."""

    counts: np.ndarray  # int32 (n,), excitatory spikes per neuron in the recorded attempt
    attempts: int
    input_spikes: int  # over all attempts
    exc_spikes: int  # over all attempts (incl. rests)
    inh_spikes: int  # over all attempts (incl. rests)


class Responses(NamedTuple):
    """Responses of a fixed network to many images."""

    counts: np.ndarray  # int32 (n_images, n), excitatory spikes of the recorded attempt
    attempts: np.ndarray  # int32 (n_images,)
    input_spikes: np.ndarray  # int64 (n_images,), over all attempts
    exc_spikes: np.ndarray  # int64 (n_images,), over all attempts and the rests between
    inh_spikes: np.ndarray  # int64 (n_images,), over all attempts and the rests between
    euler_unstable: np.ndarray  # int64 (n_images,), forward-Euler overshoots (0: trustworthy)


class TrainResult(NamedTuple):
    """The trained network and whether the run finished (False after Ctrl-C)."""

    network: DiehlCookNetwork
    completed: bool
    images_trained: int  # images presented in this call
    snapshots: tuple  # (images_seen, w (784, n)) every snapshot_every images
    euler_unstable: int = 0  # forward-Euler overshoots in this call (0: trustworthy)


class EvaluationResult(NamedTuple):
    """Test-set accuracy with labels assigned on a separate (training) set."""

    accuracy: float
    predictions: np.ndarray  # int (n_test,)
    assignments: np.ndarray  # int (n,), -1 for neurons that never fired
    confusion: np.ndarray  # int (10, 10), rows true class, columns predicted
    label_responses: Responses
    test_responses: Responses
    method: str


class Recording(NamedTuple):
    """Rasters of the recorded (last) attempt of one image (time first)."""

    input_spikes: np.ndarray  # bool (n_steps, 784)
    exc_spikes: np.ndarray  # bool (n_steps, n)
    inh_spikes: np.ndarray  # bool (n_steps, n)
    counts: np.ndarray  # int32 (n,)
    attempts: int
    dt: float  # ms


def init_diehl_cook(
    n: int = 400,
    rule: str | None = None,
    params: DiehlCookParams | None = None,
    protocol: ProtocolParams | None = None,
    stdp=None,
    rng: np.random.Generator | None = None,
    preset: str = "paper",
) -> DiehlCookNetwork:
    """Build a fresh network as the authors' code starts it (Diehl & Cook 2015).

    Input weights ``(U + 0.01)·0.3``, normalised to column sums 78 (so that ``w`` is what the
    first image sees); delays U[0, 10] ms; θ = 20 mV; v = v_rest − 40 mV; traces zero.

    Parameters
    ----------
    n : int
        Excitatory (= inhibitory) neurons; the paper uses 100, 400, 1600, 6400.
    rule : str, optional
        STDP rule, one of :data:`snnedu.models.stdp.ALL_RULES` (default: the preset's).
    params, protocol : DiehlCookParams, ProtocolParams, optional
        Network and protocol parameters (default: the preset's).
    stdp : STDPParams, optional
        Rule parameters; default: the preset's, or :func:`~snnedu.models.stdp.stdp_params`
        ``(rule)`` if ``rule`` is given.
    rng : numpy.random.Generator
        Source of the weights, delays and the network's seed for training inputs.
    preset : str
        ``"paper"`` (the authors' code) or ``"course"``; see
        :mod:`snnedu.networks.diehl_cook.presets`. Explicit arguments override it.
    """
    require_rng(rng)
    n = positive_int("n (number of excitatory neurons)", n)
    name = check_preset(preset)
    p0, q0, sp0, rule0 = preset_values(name, n)
    if rule is None:
        rule = rule0
    else:
        rule = ALL_RULES[rule_code(rule)]
        sp0 = sp0 if rule == rule0 else stdp_params(rule)
    p, q = check_params(p0 if params is None else params, q0 if protocol is None else protocol)
    sp = validate_stdp_params(sp0 if stdp is None else stdp)
    w = (rng.random((N_INPUTS, n)) + p.w_init_offset) * p.w_init_scale
    if q.w_sum > 0:
        w *= q.w_sum / w.sum(axis=0)
    delays = rng.uniform(0.0, p.delay_max, size=(N_INPUTS, n))
    theta = np.full(n, p.theta_init)
    n_hist = derived_steps(p, q).n_hist
    state = DiehlCookState(
        v_exc=np.full(n, p.v_rest_exc + p.v_init_offset),
        v_inh=np.full(n, p.v_rest_inh + p.v_init_offset),
        g_e_exc=np.zeros(n), g_i_exc=np.zeros(n), g_e_inh=np.zeros(n),
        ref_exc=np.zeros(n, np.int32), ref_inh=np.zeros(n, np.int32),
        x_post1=np.zeros(n), x_post2=np.zeros(n),
        hist_step=np.full((N_INPUTS, n_hist), _NEVER, np.int64),
        hist_x=np.zeros((N_INPUTS, n_hist)), hist_head=np.zeros(N_INPUTS, np.int64),
        rest_counts=np.zeros(n, np.int32), step=np.zeros(1, np.int64),
    )  # fmt: skip
    seed = int(rng.integers(2**62))
    return DiehlCookNetwork(rule, p, q, sp, w, delays, theta, state, seed, 0, empty_log(n), name)


def training_order(seed: int, pass_index: int, n_images: int) -> np.ndarray:
    """Return the order of the images in pass ``pass_index`` of a shuffled run.

    A permutation drawn from the network's ``seed`` and the pass index alone, so that a
    resumed run sees the same order.

    >>> training_order(7, 0, 5).tolist() == training_order(7, 0, 5).tolist()
    True
    """
    return np.random.default_rng([int(seed), int(pass_index)]).permutation(n_images)


def decayed_stdp(sp: STDPParams, eta_decay: float, passes_done: float) -> STDPParams:
    """``sp`` with both learning rates × ``eta_decay ** passes_done`` (see ProtocolParams).

    >>> decayed_stdp(stdp_params("pair"), 0.5, 2.0).eta_post
    0.0025
    """
    scale = eta_decay**passes_done
    return sp._replace(eta_pre=sp.eta_pre * scale, eta_post=sp.eta_post * scale)


def train_diehl_cook(
    network: DiehlCookNetwork,
    images,
    labels=None,
    passes: int = 1,
    resume: bool = False,
    update_interval: int = 10_000,
    callback: Callable[[int, ImageRecord], None] | None = None,
    checkpoint: str | os.PathLike | None = None,
    checkpoint_every: int = 1000,
    snapshot_every: int = 0,
    progress: bool | object = False,
    metadata: dict | None = None,
) -> TrainResult:
    """Train on ``images`` for ``passes`` passes (unsupervised; labels only monitor).

    Image ``k`` of the network's life is image ``k % len(images)`` of pass
    ``k // len(images)`` (in the order given, or in :func:`training_order` if
    ``protocol.shuffle``), with Poisson input seeded from ``(network.seed, k)``, so the result
    depends only on the network and the data.

    Parameters
    ----------
    network : DiehlCookNetwork
        Not modified; the trained copy is returned.
    images : uint8 array (n_images, 28, 28) or (n_images, 784)
    labels : int array (n_images,), optional
        Used only for the running accuracy (assignments from the previous window).
    passes : int
        Passes over ``images``.
    resume : bool
        False: train ``passes·len(images)`` more images. True: continue an interrupted run
        until ``network.images_seen == passes·len(images)``.
    update_interval : int
        Images per window of the running accuracy (code: 10,000).
    callback : callable, optional
        ``callback(images_seen, record)`` after each image; raising ``KeyboardInterrupt``
        stops cleanly, as Ctrl-C does.
    checkpoint : path, optional
        ``.npz`` written every ``checkpoint_every`` images and when the run stops.
    snapshot_every : int
        Keep a copy of the weights every this many images (0: none), for plots and widgets.
    progress : bool or tqdm-like
        True for a tqdm bar (images/s, spikes per image, running accuracy), or a bar object.
    metadata : dict, optional
        Extra JSON-serialisable facts stored in checkpoints (data set, command line, ...).

    Returns
    -------
    TrainResult
        ``completed`` is False if the run was stopped (Ctrl-C or the callback); the network
        then holds exactly the images done and can be resumed with ``resume=True``.
        ``euler_unstable`` counts forward-Euler overshoots (a warning is also given).
    """
    from snnedu.networks.diehl_cook.io import save_diehl_cook

    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    p, q = check_params(network.params, network.protocol)
    x = rates_base(images, q)
    y = _labels(labels, len(x))
    passes = positive_int("passes", passes)
    update_interval = positive_int("update_interval", update_interval)
    checkpoint_every = positive_int("checkpoint_every", checkpoint_every)
    snapshot_every = positive_int("snapshot_every", snapshot_every, minimum=0)
    start = network.images_seen
    target = passes * len(x) if resume else start + passes * len(x)
    if start > target:
        raise ValueError(
            f"the network has already seen {start} images, more than passes·len(images) = "
            f"{target}; use resume=False to train further."
        )
    run = kernel.make_run(p, q, network.stdp, network.rule, learn=True)
    lay = layout(network.delays, run)
    knet = copy_network(network)  # the kernel trains it in place
    work = kernel.alloc_work(run, knet.n)
    rec = kernel.no_recording()
    log = grow_log(network.log, target)
    counts = np.zeros(knet.n, np.int32)
    bar = _progress_bar(progress, total=target, initial=start)
    stop = _StopFlag()
    seen = start
    completed = True
    snapshots = []
    window_correct = [0, 0, None]
    unstable_total = 0
    order, order_pass = None, -1

    def current():
        return with_log(copy_network(knet), log, seen)

    with stop.installed():
        try:
            for k in range(start, target):
                img = k % len(x)
                if q.shuffle:
                    if k // len(x) != order_pass:
                        order_pass = k // len(x)
                        order = training_order(knet.seed, order_pass, len(x))
                    img = int(order[img])
                if q.eta_decay != 1.0:
                    run = run._replace(sp=decayed_stdp(network.stdp, q.eta_decay, k / len(x)))
                s = kernel.present_seeded(
                    image_seed(knet.seed, k), run, x[img], knet.w, lay, knet.theta,
                    knet.state, work, rec, counts,
                )  # fmt: skip
                log_image(log, k, counts, s.attempts, int(y[img]), update_interval,
                          window_correct)  # fmt: skip
                seen = k + 1
                if s.euler_unstable and not unstable_total:
                    warn_unstable(s.euler_unstable, f"training image {k}")
                unstable_total += s.euler_unstable
                if bar is not None:
                    bar.update(1)
                    _show_progress(bar, int(counts.sum()), window_correct)
                if snapshot_every and seen % snapshot_every == 0:
                    snapshots.append((seen, knet.w.copy()))
                if checkpoint is not None and seen % checkpoint_every == 0:
                    save_diehl_cook(checkpoint, current(), metadata)
                if callback is not None:
                    callback(seen, ImageRecord(counts.copy(), s.attempts, s.input_spikes,
                                               s.exc_spikes, s.inh_spikes))  # fmt: skip
                if stop.requested:
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            completed = False
        finally:
            if bar is not None:
                bar.close()
    net = current()
    if checkpoint is not None:
        save_diehl_cook(checkpoint, net, metadata)
    return TrainResult(net, completed, seen - start, tuple(snapshots), unstable_total)


def respond_diehl_cook(
    network: DiehlCookNetwork,
    images,
    rng: np.random.Generator,
    parallel: bool = True,
) -> Responses:
    """Spike counts of the frozen network (no learning, θ fixed) for every image.

    Input rates are those of training × ``protocol.test_rate_factor`` (1 in the code).

    Parameters
    ----------
    network : DiehlCookNetwork
    images : uint8 array (n_images, 28, 28) or (n_images, 784)
    rng : numpy.random.Generator
        One seed per image is drawn from it, so results do not depend on the thread count.
    parallel : bool
        True: every image starts from a rested network, images run in parallel on all cores,
        and the rest after an image's last attempt is not simulated (it changes nothing that
        is kept). False: one after the other, carrying the state over like the authors' code.
    """
    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    require_rng(rng)
    p, q = check_params(network.params, network.protocol)
    q = testing_protocol(q)
    x = rates_base(images, q)
    n_images, n = len(x), network.n
    seeds = rng.integers(0, 2**32, size=n_images, dtype=np.int64)
    rested = parallel and n_images > 0
    run = kernel.make_run(p, q, network.stdp, network.rule, learn=False, skip_last_rest=rested)
    lay = layout(network.delays, run)
    knet = copy_network(network)
    counts = np.zeros((n_images, n), np.int32)
    stats = np.zeros((n_images, 5), np.int64)
    rec = kernel.no_recording()
    if rested:
        import numba

        threads = min(n_images, numba.get_num_threads())
        n_chunks = min(n_images, 8 * threads)

        def chunk(c):
            kernel.respond_chunk(run, x, seeds, knet.w, lay, knet.theta, rec, c, n_chunks,
                                 counts, stats)  # fmt: skip

        if threads == 1:
            for c in range(n_chunks):
                chunk(c)
        else:
            with ThreadPoolExecutor(threads) as pool:
                list(pool.map(chunk, range(n_chunks)))
    else:
        work = kernel.alloc_work(run, n)
        for img in range(n_images):
            stats[img] = kernel.present_seeded(
                seeds[img], run, x[img], knet.w, lay, knet.theta, knet.state, work, rec,
                counts[img],
            )  # fmt: skip
    warn_unstable(int(stats[:, 4].sum()), "testing")
    return Responses(counts, stats[:, 0].astype(np.int32), stats[:, 1], stats[:, 2],
                     stats[:, 3], stats[:, 4])  # fmt: skip


def evaluate_diehl_cook(
    network: DiehlCookNetwork,
    label_images,
    label_labels,
    test_images,
    test_labels,
    rng: np.random.Generator,
    method: str = "mean",
    parallel: bool = True,
) -> EvaluationResult:
    """Run the paper's test (Diehl & Cook 2015): label the neurons, then classify.

    Learning is off and θ frozen; neurons are labelled on ``label_images`` (the training set)
    and the accuracy is measured on ``test_images``.

    Parameters
    ----------
    network : DiehlCookNetwork
    label_images, test_images : uint8 array (n_images, 28, 28) or (n_images, 784)
        Pixel values in [0, 255].
    label_labels, test_labels : int array (n_images,)
        Classes 0-9, one per image.
    rng : numpy.random.Generator
        Source of the input spikes (see :func:`respond_diehl_cook`).
    method : str
        ``"mean"`` (the paper's prediction rule) or ``"proportion"`` (proportion weighting).
    parallel : bool
        As in :func:`respond_diehl_cook`.

    Returns
    -------
    EvaluationResult
    """
    label_labels = _labels(label_labels, len(label_images), required=True)
    test_labels = _labels(test_labels, len(test_images), required=True)
    label_resp = respond_diehl_cook(network, label_images, rng, parallel)
    test_resp = respond_diehl_cook(network, test_images, rng, parallel)
    assignments = assign_labels(label_resp.counts, label_labels)
    proportions = class_proportions(label_resp.counts, label_labels)
    predictions = predict_labels(test_resp.counts, assignments, method, proportions)
    confusion = np.zeros((10, 10), np.int64)
    np.add.at(confusion, (test_labels.astype(int), predictions), 1)
    accuracy = float(np.mean(predictions == test_labels)) if len(test_labels) else float("nan")
    return EvaluationResult(
        accuracy, predictions, assignments, confusion, label_resp, test_resp, method
    )


def record_image(
    network: DiehlCookNetwork, image, rng: np.random.Generator, learn: bool = False
) -> Recording:
    """Record the rasters (input, excitatory, inhibitory) of one image's last attempt.

    The network is not modified. With ``learn=False`` (default) a frozen copy starts rested,
    as in :func:`respond_diehl_cook`; with ``learn=True`` a copy continues from the network's
    state and learns, as in training but at the rule's base learning rates (the decay of
    ``ProtocolParams.eta_decay`` needs the length of a pass, which one image does not give).

    Parameters
    ----------
    network : DiehlCookNetwork
    image : uint8 array (28, 28) or (784,)
        Pixel values in [0, 255].
    rng : numpy.random.Generator
        Draws the seed of the image's input spikes.
    learn : bool

    Returns
    -------
    Recording
        Boolean rasters ``(n_steps, n_inputs or n)`` with step ``dt`` [ms], the spike counts
        of the last attempt and the number of attempts.
    """
    if not isinstance(network, DiehlCookNetwork):
        raise ValueError(f"expected a DiehlCookNetwork, got {type(network).__name__}.")
    require_rng(rng)
    p, q = check_params(network.params, network.protocol)
    q = q if learn else testing_protocol(q)
    x = rates_base(np.asarray(image)[None], q)[0]
    run = kernel.make_run(p, q, network.stdp, network.rule, learn=bool(learn), record=True)
    lay = layout(network.delays, run)
    knet = copy_network(network)
    if not learn:
        knet = knet._replace(state=kernel.rested_state(p, knet.n))
    rec = kernel.Rec(
        np.zeros((run.n_present, N_INPUTS), bool), np.zeros((run.n_present, knet.n), bool),
        np.zeros((run.n_present, knet.n), bool),
    )  # fmt: skip
    counts = np.zeros(knet.n, np.int32)
    s = kernel.present_seeded(
        int(rng.integers(0, 2**32)), run, x, knet.w, lay, knet.theta, knet.state,
        kernel.alloc_work(run, knet.n), rec, counts,
    )  # fmt: skip
    return Recording(*rec, counts, int(s.attempts), q.dt)


def draw_input_spikes(image, intensity: float, seed: int, protocol: ProtocolParams | None = None):
    """Return the input spikes the kernel would draw for one attempt after seeding ``seed``.

    Returns a list of ``n_steps`` integer arrays: the inputs firing in each step. Exposed so
    that a slow reference simulation can be given exactly the kernel's input.
    """
    q = check_params(None, protocol)[1]
    x = rates_base(np.asarray(image)[None], q)[0] * float(intensity)
    kernel.seed_numba(int(seed))
    return draw_sequence(x, q)


def draw_sequence(rates_hz, q: ProtocolParams):
    """Draw one attempt's input spikes from numba's generator in its current state."""
    n_steps = round(q.t_present / q.dt)
    cap = N_INPUTS * n_steps
    raw = np.empty((3, cap), np.int32)
    ptr = np.empty(n_steps + 1, np.int64)
    fill = np.empty(n_steps, np.int64)
    kernel.draw_input_spikes(rates_hz, n_steps, q.dt, raw[0], raw[1], ptr, raw[2], fill)
    return [raw[2, ptr[s] : ptr[s + 1]].copy() for s in range(n_steps)]


# ---------------------------------------------------------------------------------- helpers


def layout(delays: np.ndarray, run: kernel.Run) -> kernel.Layout:
    """Where the input synapses deliver their spikes (see :class:`~.kernel.Layout`)."""
    max_delay = run.max_delay
    steps = np.clip(np.floor(delays / run.dt).astype(np.int64), 0, max_delay)
    order = np.argsort(steps, axis=1, kind="stable").astype(np.int32)
    bstart = np.zeros((N_INPUTS, max_delay + 2), np.int32)
    for d in range(max_delay + 1):
        bstart[:, d + 1] = bstart[:, d] + (steps == d).sum(axis=1)
    n = delays.shape[1]
    cells = run.n_ring * n
    offset = (steps * n + np.arange(n)).astype(np.uint16 if cells <= 2**16 else np.int32)
    return kernel.Layout(order, bstart, steps.astype(np.int16), offset)


def rates_base(images, q: ProtocolParams) -> np.ndarray:
    """(n_images, 784) rates [Hz] at intensity 1, from uint8-range pixel values."""
    x = np.asarray(images)
    if x.ndim == 3 and x.shape[1:] == (28, 28):
        x = x.reshape(len(x), N_INPUTS)
    if x.ndim != 2 or x.shape[1] != N_INPUTS:
        raise ValueError(
            f"images must have shape (n_images, 28, 28) or (n_images, 784), got {x.shape}; "
            "for one image use image[None]."
        )
    x = pixels_array("images", x) if x.size else np.zeros(x.shape)
    return x * q.rate_scale


def _labels(labels, n_images: int, required: bool = False) -> np.ndarray:
    """Check class labels 0-9, one per image; None gives -1s (unlabelled) unless required."""
    if labels is None:
        if required:
            raise ValueError("labels are required here: pass one class 0-9 per image.")
        return np.full(n_images, -1, np.int64)
    return labels_array(labels, n_images, n_classes=10)


def warn_unstable(count: int, where: str) -> None:
    """Warn that forward Euler overshot (its results are then numerical artefacts)."""
    if count:
        warnings.warn(
            f"forward Euler became unstable {count} times during {where}: so many neurons fired "
            "together that dt·(1 + g_e + g_i)/τ_m > 2 and the membrane potential "
            "overshoots; the spike counts from there on are not trustworthy. Use "
            "ProtocolParams(implicit_euler=True) (stable at any conductance) or a smaller dt.",
            RuntimeWarning,
            stacklevel=3,
        )


def image_seed(base: int, k: int) -> int:
    """SplitMix64 of (base, k), truncated to the 32 bits numba's seed takes."""
    mask = (1 << 64) - 1
    z = (base + (k + 1) * 0x9E3779B97F4A7C15) & mask
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & mask
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & mask
    return (z ^ (z >> 31)) & 0xFFFFFFFF


def _show_progress(bar, spikes: int, window_correct) -> None:
    """Show the latest image's spikes and the running accuracy on the progress bar.

    The accuracy is the current window's, or the last closed one's (none before the first
    prediction).
    """
    postfix = {"spikes": spikes}
    correct, predicted, closed = window_correct
    accuracy = correct / predicted if predicted else closed
    if accuracy is not None:
        postfix["acc"] = f"{100 * accuracy:.1f}%"
    bar.set_postfix(postfix, refresh=False)


def _progress_bar(progress, total, initial):
    if progress is False or progress is None:
        return None
    if progress is True:
        from tqdm.auto import tqdm

        return tqdm(total=total, initial=initial, unit="img", desc="training", smoothing=0.05)
    return progress


class _StopFlag:
    """Let a first Ctrl-C stop training after the current image; a second one interrupts.

    Outside the main thread no handler is installed.
    """

    def __init__(self):
        self.requested = False
        self._previous = None

    def _handler(self, signum, frame):
        if self.requested:
            raise KeyboardInterrupt
        self.requested = True

    def installed(self):
        flag = self

        class _Context:
            def __enter__(self):
                if threading.current_thread() is threading.main_thread():
                    flag._previous = signal.signal(signal.SIGINT, flag._handler)
                return flag

            def __exit__(self, *exc):
                if flag._previous is not None:
                    signal.signal(signal.SIGINT, flag._previous)
                return False

        return _Context()
