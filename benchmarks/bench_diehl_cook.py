"""Speed and accuracy of the Diehl & Cook network (snnedu.networks.diehl_cook).

Prints, for N = 100 and N = 400 with a preset's settings (``--preset paper``, the default, or
``course``):

- training images/s on one thread (the kernel is single-threaded);
- evaluation images/s on all cores (frozen network, parallel over images);
- both against a baseline measured in the same run: a straightforward numpy step loop of the
  same network (one Bernoulli draw per input per step, dense per-synapse traces, every step of
  the rest simulated) on a few images;
- the accuracy protocol on the development data: N=100, one pass over the 10,000 training
  images; N=400, three passes; neurons labelled on the training images, accuracy on the
  5,000 test images; wall time of each, and the evaluation speed on that trained network
  (a trained network needs more retries per image than the briefly trained one above);
- a reference in the same run: k-means with as many prototypes as neurons, each prototype
  labelled by the majority class of its training images (what competitive learning of
  prototypes can reach on the same data, without spikes).

Usage::

    SNNEDU_MNIST_DIR=/work/shared/data/mnist python benchmarks/bench_diehl_cook.py
    python benchmarks/bench_diehl_cook.py --quick          # speed only, no accuracy protocol
    python benchmarks/bench_diehl_cook.py --rules triplet exponential   # several STDP rules

Wall-clock figures depend on what else runs on the machine; CPU seconds of this process and
the load average are printed beside them, and the speed-up over the numpy loop (measured in
the same run, under the same load) is the figure to compare between machines.

Integration: the speed runs use the linearly implicit membrane step
(``ProtocolParams.implicit_euler``), because with forward Euler a network this size can
overshoot (the library then warns that its spike counts are not trustworthy, and a benchmark
must not report such figures). The accuracy runs take the preset's integrator and print no
accuracy for a run in which forward Euler overshot.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from functools import partial
from pathlib import Path

import numba
import numpy as np
from timing import repeated, timed

from snnedu.data import load_dataset
from snnedu.models.stdp import ALL_RULES
from snnedu.networks import diehl_cook as dc


def numpy_baseline(net: dc.DiehlCookNetwork, images, rng) -> float:
    """Images per second of a plain numpy step loop of the same network (training)."""
    p, q, sp = net.params, net.protocol, net.stdp
    n = net.n
    w = net.w.copy()
    theta = net.theta.copy()
    delay = np.clip(np.floor(net.delays / q.dt).astype(int), 0, round(p.delay_max / q.dt))
    ring = np.zeros((delay.max() + 1, n))
    cols = np.arange(n)
    v_e = np.full(n, p.v_rest_exc)
    v_i = np.full(n, p.v_rest_inh)
    ge_e, gi_e, ge_i = np.zeros(n), np.zeros(n), np.zeros(n)
    ref_e, ref_i = np.zeros(n, int), np.zeros(n, int)
    x_pre = np.zeros((784, n))
    x1, x2 = np.zeros(n), np.zeros(n)
    n_present = round(q.t_present / q.dt)
    n_total = n_present + round(q.t_rest / q.dt)
    hold_e = p.hold_exc  # else v integrates while refractory (Brian 1)
    n_ref_e = round(p.t_ref_exc / q.dt) - 1  # Brian 1: blocked for t_ref - dt/2
    n_ref_i = round(p.t_ref_inh / q.dt) - 1
    a_e, a_i = q.dt / p.tau_m_exc, q.dt / p.tau_m_inh
    start = time.perf_counter()
    for image in images:
        w *= q.w_sum / w.sum(axis=0)
        p_spike = image.reshape(784) * q.rate_scale * q.intensity * q.dt * 1e-3
        for step in range(n_total):
            if q.implicit_euler:
                drive = p.v_rest_exc + ge_e * p.e_exc + gi_e * p.e_inh_exc
                new_v = (v_e + a_e * drive) / (1 + a_e * (1 + ge_e + gi_e))
            else:
                new_v = v_e + a_e * (
                    (p.v_rest_exc - v_e) + ge_e * (p.e_exc - v_e) + gi_e * (p.e_inh_exc - v_e)
                )
            v_e = np.where((ref_e > 0) & hold_e, v_e, new_v)
            if q.implicit_euler:
                new_v = (v_i + a_i * (p.v_rest_inh + ge_i * p.e_exc)) / (1 + a_i * (1 + ge_i))
            else:
                new_v = v_i + a_i * ((p.v_rest_inh - v_i) + ge_i * (p.e_exc - v_i))
            v_i = np.where(ref_i > 0, v_i, new_v)
            theta *= 1 - q.dt / p.tau_theta
            fire_e = (ref_e == 0) & (v_e > p.v_th_exc + theta - p.theta_offset)
            fire_i = (ref_i == 0) & (v_i > p.v_th_inh)
            ref_e = np.where(fire_e, n_ref_e, np.maximum(ref_e - 1, 0))
            ref_i = np.where(fire_i, n_ref_i, np.maximum(ref_i - 1, 0))
            v_e[fire_e] = p.v_reset_exc
            v_i[fire_i] = p.v_reset_inh
            theta[fire_e] += p.theta_plus
            ge_e *= 1 - q.dt / p.tau_e
            gi_e *= 1 - q.dt / p.tau_i
            ge_i *= 1 - q.dt / p.tau_e
            if fire_e.any():
                w[:, fire_e] = np.clip(w[:, fire_e] + sp.eta_post * x_pre[:, fire_e] * x2[fire_e],
                                       0, sp.w_max)  # fmt: skip
                x1[fire_e] = x2[fire_e] = 1.0
                ge_i[fire_e] += p.w_exc_inh
            if fire_i.any():
                gi_e += p.w_inh_exc * (fire_i.sum() - fire_i)
            spiking = np.flatnonzero(rng.random(784) < p_spike) if step < n_present else []
            for i in spiking:  # arrivals after each synapse's delay, via a ring of g_e
                ring[(step + delay[i]) % len(ring), cols] += w[i]
                x_pre[i] = 1.0  # (trace at emission: a simplification that favours the baseline)
                w[i] = np.clip(w[i] - sp.eta_pre * x1, 0, sp.w_max)
            ge_e += ring[step % len(ring)]
            ring[step % len(ring)] = 0.0
            x_pre *= np.exp(-q.dt / sp.tau_pre)
            x1 *= np.exp(-q.dt / sp.tau_post1)
            x2 *= np.exp(-q.dt / sp.tau_post2)
    return len(images) / (time.perf_counter() - start)


def speed(n: int, train, test, rng, preset: str, n_images: int = 300, repeats: int = 5) -> dict:
    """Training (one thread) and testing (all threads) speed, the numpy loop in between.

    Each figure is the median of ``repeats`` runs of the same work (the same network, images
    and seeds), with the slowest and fastest run beside it: on a shared or virtual machine
    single runs of a second or less vary by 10-30 %.
    """
    protocol = dc.preset(preset, n)[1]._replace(implicit_euler=True)  # never overshoots
    net = dc.init_diehl_cook(n, protocol=protocol, preset=preset, rng=rng)
    threads = numba.get_num_threads()
    numba.set_num_threads(1)
    warm = dc.train_diehl_cook(net, train.images[:300], train.labels[:300])  # and compile
    images = train.images[300 : 300 + n_images]
    trained, wall, cpu = repeated(lambda: dc.train_diehl_cook(warm.network, images), repeats)
    load_train = os.getloadavg()[0]
    train_rates, train_cpu_rate = n_images / wall, n_images / np.median(cpu)
    base = numpy_baseline(warm.network, train.images[300:303], rng)
    numba.set_num_threads(threads)
    dc.respond_diehl_cook(warm.network, test.images[:16], rng)  # compile
    m = 4 * n_images
    seed = int(rng.integers(2**32))
    responses, wall, cpu = repeated(
        lambda: dc.respond_diehl_cook(warm.network, test.images[:m], np.random.default_rng(seed)),
        repeats,
    )
    unstable = warm.euler_unstable + trained.euler_unstable + int(responses.euler_unstable.sum())
    assert unstable == 0, "the implicit step never overshoots"
    eval_rates = m / wall
    train_rate, eval_rate = float(np.median(train_rates)), float(np.median(eval_rates))
    return {"n": n, "preset": preset, "repeats": repeats, "train_img_s": train_rate,
            "train_img_s_range": [train_rates.min(), train_rates.max()],
            "train_img_s_cpu": train_cpu_rate, "eval_img_s": eval_rate,
            "eval_img_s_range": [eval_rates.min(), eval_rates.max()],
            "eval_img_s_per_cpu_s": m / np.median(cpu), "numpy_img_s": base,
            "train_speedup": train_rate / base, "eval_speedup": eval_rate / base,
            "load_train": load_train, "load_eval": os.getloadavg()[0],
            "eval_threads": threads}  # fmt: skip


def kmeans_reference(n: int, train, test) -> float:
    """Test accuracy of k-means with ``n`` prototypes, each labelled by its training majority."""
    from sklearn.cluster import KMeans

    x = train.images.reshape(len(train.images), -1) / 255.0
    km = KMeans(n, n_init=1, random_state=0).fit(x)
    votes = np.zeros((n, 10), np.int64)
    np.add.at(votes, (km.labels_, train.labels.astype(int)), 1)
    predicted = votes.argmax(axis=1)[km.predict(test.images.reshape(len(test.images), -1) / 255.0)]
    return float(np.mean(predicted == test.labels))


def accuracy(n: int, passes: int, spec: str, train, test, rng, preset: str) -> dict:
    """The accuracy protocol through the pipeline the CLI and the sweep use."""
    from snnedu.experiments.diehl_cook import make_network, train_and_evaluate

    rule, _, integrator = spec.partition(":")
    net = make_network(n, preset, rule or None, integrator or None, rng)
    row = train_and_evaluate(net, train.images, train.labels, test.images, test.labels,
                             passes, rng)  # fmt: skip
    n_eval = len(train.images) + len(test.images)
    row.pop("network")
    row.update(spec=spec, eval_img_s=n_eval / row["eval_s"])
    return row


def _rule_spec(text: str) -> str:
    rule, _, integrator = text.partition(":")
    if rule not in ("", *ALL_RULES) or integrator not in ("", "euler", "implicit"):
        raise argparse.ArgumentTypeError(
            f"{text!r}: give a rule ({', '.join(ALL_RULES)}), optionally with ':implicit'"
        )
    return text


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="speed only")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 400])
    parser.add_argument("--data-dir", default=os.environ.get("SNNEDU_MNIST_DIR"))
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--preset", choices=dc.PRESETS, default="paper")
    parser.add_argument(
        "--rules", nargs="+", default=[""], type=_rule_spec,
        help="STDP rules for the accuracy protocol (default: the preset's); add "
        "':implicit' for the linearly implicit membrane step, e.g. exponential:implicit",
    )  # fmt: skip
    parser.add_argument("--json", default=None, help="also write the figures to this file")
    args = parser.parse_args()
    train = load_dataset("mnist", "train", folder=args.data_dir, download=False)
    test = load_dataset("mnist", "test", folder=args.data_dir, download=False)
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} cores, "
          f"numba {numba.__version__} with {numba.get_num_threads()} threads; "
          f"load average {os.getloadavg()[0]:.1f} at start")  # fmt: skip
    print(
        f"data: {train.name} {len(train.images)} train / {len(test.images)} test ({train.source})"
    )
    figures = {"speed": [], "accuracy": []}
    rng = np.random.default_rng(args.seed)
    for n in args.sizes:
        s = speed(n, train, test, rng, args.preset)
        figures["speed"].append(s)
        lo, hi = s["train_img_s_range"]
        elo, ehi = s["eval_img_s_range"]
        print(f"N={n:5d} ({args.preset}, implicit step; median of {s['repeats']} runs)  training "
              f"{s['train_img_s']:7.1f} img/s on one thread ({lo:.0f}–{hi:.0f}; "
              f"{s['train_img_s_cpu']:.1f} per CPU-second, load {s['load_train']:.1f})  |  "
              f"testing {s['eval_img_s']:7.1f} img/s on {s['eval_threads']} threads "
              f"({elo:.0f}–{ehi:.0f}; {s['eval_img_s_per_cpu_s']:.1f} per CPU-second, load "
              f"{s['load_eval']:.1f}; a network after 300 training images)  |  numpy step loop "
              f"{s['numpy_img_s']:.2f} img/s → ×{s['train_speedup']:.0f} training, "
              f"×{s['eval_speedup']:.0f} testing", flush=True)  # fmt: skip
    if not args.quick:
        for n, passes in ((100, 1), (400, 3)):
            if n not in args.sizes:
                continue
            reference, wall, _ = timed(partial(kmeans_reference, n, train, test))
            print(f"N={n:5d}  reference: k-means with {n} prototypes {100 * reference:.2f}% on "
                  f"the same test images ({wall:.0f} s)", flush=True)  # fmt: skip
            for rule in args.rules:
                rng = np.random.default_rng(args.seed)
                a = accuracy(n, passes, rule, train, test, rng, args.preset)
                a["kmeans_accuracy"] = reference
                figures["accuracy"].append(a)
                what = (f"N={n:5d}, {passes} pass(es) over {a['n_train']} images, {args.preset} "
                        f"preset, {a['rule']} ({a['integrator']})")  # fmt: skip
                if a["euler_unstable"]:
                    print(f"{what}: no accuracy reported: forward Euler overshot "
                          f"{a['euler_unstable']} times, so the spike counts are not "
                          "trustworthy; rerun with the implicit step (e.g. --rules "
                          f"{a['rule']}:implicit)", flush=True)  # fmt: skip
                    continue
                print(f"{what}: accuracy {100 * a['accuracy']:.2f}% (proportion weighting "
                      f"{100 * a['accuracy_proportion']:.2f}%) on {a['n_test']} test images, "
                      f"k-means {100 * reference:.2f}%; training {a['train_s']:.0f} s, "
                      f"labelling + test {a['eval_s']:.0f} s wall = {a['eval_img_s']:.0f} "
                      f"img/s, {a['attempts_per_image']:.2f} presentations per test image; "
                      f"load {os.getloadavg()[0]:.1f}", flush=True)  # fmt: skip
    if args.json:
        Path(args.json).parent.mkdir(parents=True, exist_ok=True)
        Path(args.json).write_text(json.dumps(figures, indent=2))


if __name__ == "__main__":
    main()
