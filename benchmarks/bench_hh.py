"""Speed of the Hodgkin–Huxley population kernel against a straightforward numpy version.

Prints simulated neuron-seconds per wall-clock second for 1,000 independent HH neurons (the
lecture's parameters, each with its own constant current, 0–3 µA/cm²) at dt = 0.01 ms:

- ``snnedu``: :func:`snnedu.models.hh.simulate_hh` recording spikes only, 1 s of model time,
  after JIT warm-up; best of ``--repeats`` runs;
- ``numpy``: the same equations vectorised over neurons with a Python loop over time steps
  (Rush–Larsen gates, exponential Euler for v, rates evaluated with ``np.exp`` every step);
  it runs a shorter stretch (``--numpy-ms``) because it is slow — the rate is per second anyway.

The floor set for the project: 1,000 neurons × 1 s in under 2 s of wall time on one core.
Other jobs on a shared machine inflate wall time; the CPU time of the process is printed too.

    python benchmarks/bench_hh.py [--neurons 1000] [--seconds 1.0] [--numpy-ms 100]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from snnedu.models.hh import HHParams, init_hh_state, simulate_hh


def _linoid(a, x, k):
    y = np.where(np.abs(x) < 1e-7, 1e-7, x)
    return a * y / -np.expm1(-y / k)


def numpy_hh(i_ext: np.ndarray, n_steps: int, dt: float, p: HHParams) -> np.ndarray:
    """Spike counts of len(i_ext) neurons: the textbook vectorised-numpy implementation."""
    state = init_hh_state(params=p, n=i_ext.size)
    v, m, h, n = (x.copy() for x in state)
    counts = np.zeros(i_ext.size, dtype=np.int64)
    for _ in range(n_steps):
        am, bm = _linoid(0.182, v + 35.0, 9.0), _linoid(0.124, -(v + 35.0), 9.0)
        ah, bh = 0.25 * np.exp(-(v + 90.0) / 12.0), 0.25 * np.exp((v + 34.0) / 12.0)
        an, bn = _linoid(0.02, v - 25.0, 9.0), _linoid(0.002, -(v - 25.0), 9.0)
        for gate, a, b in ((m, am, bm), (h, ah, bh), (n, an, bn)):
            s = a + b
            gate[:] = a / s + (gate - a / s) * np.exp(-dt * s)
        g_na = p.g_na * m**3 * h
        g_k = p.g_k * n**4
        g = g_na + g_k + p.g_l
        v_inf = (i_ext + g_na * p.e_na + g_k * p.e_k + p.g_l * p.e_l) / g
        v_new = v_inf + (v - v_inf) * np.exp(-dt * g / p.c_m)
        counts += (v < 0.0) & (v_new >= 0.0)
        v = v_new
    return counts


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--neurons", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=1.0, help="model time [s]")
    parser.add_argument("--numpy-ms", type=float, default=100.0, help="model time for numpy [ms]")
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)

    dt = 0.01
    params = HHParams()
    amplitudes = np.linspace(0.0, 3.0, args.neurons)
    duration = args.seconds * 1000.0
    simulate_hh(amplitudes[None, :2], duration=1.0, dt=dt, record=())  # JIT warm-up (or cache load)

    wall, cpu = [], []
    for _ in range(args.repeats):
        start, start_cpu = time.perf_counter(), time.process_time()
        result = simulate_hh(
            amplitudes[None, :], duration=duration, dt=dt, params=params, record=()
        )
        wall.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    best = min(wall)
    kernel_rate = args.neurons * args.seconds / best

    start = time.perf_counter()
    counts = numpy_hh(amplitudes, round(args.numpy_ms / dt), dt, params)
    numpy_wall = time.perf_counter() - start
    numpy_rate = args.neurons * args.numpy_ms / 1000.0 / numpy_wall

    print(f"HH population: {args.neurons} neurons, dt = {dt} ms, lecture parameters")
    print(
        f"snnedu kernel : {args.seconds:g} s model time in {best:.3f} s wall (best of "
        f"{args.repeats}: {', '.join(f'{w:.3f}' for w in wall)}) -> "
        f"{kernel_rate:,.0f} neuron-s per wall-s; {result.spike_times.size} spikes"
    )
    print(f"               (CPU time of this process, best run: {min(cpu):.3f} s)")
    print(
        f"numpy baseline: {args.numpy_ms:g} ms model time in {numpy_wall:.3f} s wall -> "
        f"{numpy_rate:,.0f} neuron-s per wall-s; {counts.sum()} spikes"
    )
    print(f"speed-up over numpy (same run): {kernel_rate / numpy_rate:.1f}x")
    verdict = "meets" if 1000 / kernel_rate < 2.0 else "MISSES"
    print(
        f"1,000 neurons x 1 s would take {1000 / kernel_rate:.2f} s wall: {verdict} the 2 s floor "
        "(Brian2 C++ standalone: 3.8 s on this machine)"
    )


if __name__ == "__main__":
    main()
