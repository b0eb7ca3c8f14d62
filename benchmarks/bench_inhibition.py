"""Speed of the lateral-inhibition solvers and kernels against straightforward baselines.

Prints, each with CPU time (other jobs on a shared machine inflate wall time):

- **Hartline–Ratliff steady state** on the Mach ramp (1-D, 200 units) and the Hermann grid
  (2-D, 214 × 214 units) with :func:`snnedu.models.inhibition.hartline_ratliff`, against the
  obvious baseline: relaxing the rate dynamics τ dr/dt = −r + [e − K r]⁺ with Euler steps of
  0.2 τ (numpy, K r by the same FFT convolution) until the change per step is below 1e-8
  of max e. Both reach the same steady state; the ratio is baseline time / solver time.
- **Spiking sheet** (:func:`~snnedu.models.inhibition.simulate_sheet`): neuron-steps per second
  on a 60 × 60 Hermann grid (plus padding) with lateral inhibition.
- **Prototype learning** (:func:`snnedu.networks.prototypes.train_prototypes`): 100 ms
  presentations per second (81 inputs, 4 neurons, dt = 0.5 ms).

    python benchmarks/bench_inhibition.py [--repeats 3]
"""

from __future__ import annotations

import argparse
import time

import numpy as np

from snnedu.models.inhibition import (
    SheetParams,
    _Operator,
    hartline_ratliff,
    hr_kernel,
    simulate_sheet,
)
from snnedu.models.stimuli import bar_prototypes, hermann_grid, mach_ramp, noisy_samples
from snnedu.networks.prototypes import train_prototypes


def relax(e: np.ndarray, kernel: np.ndarray, pad: int, step: float = 0.2) -> np.ndarray:
    """Euler relaxation of τ dr/dt = −r + [e − K r]⁺ to steady state (the baseline)."""
    e_pad = np.pad(e, pad, mode="edge")
    operator = _Operator(kernel, e_pad.shape)
    r = np.maximum(e_pad, 0.0)
    tol = 1e-8 * float(np.abs(e).max())
    while True:
        new = r + step * (np.maximum(e_pad - operator(r), 0.0) - r)
        if np.max(np.abs(new - r)) < tol * step:
            break
        r = new
    return new[(slice(pad, -pad),) * e.ndim]


def best_time(fn, repeats: int):
    best_wall, best_cpu, value = np.inf, np.inf, None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        value = fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu, value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()

    print("Hartline–Ratliff steady state (ΣK = 0.8, λ = 3 px)")
    for name, e, ndim in (
        ("Mach ramp, 200 units", 10 * mach_ramp(), 1),
        ("Hermann grid, 214 x 214 units", 10 * hermann_grid(), 2),
    ):
        kernel = hr_kernel(strength=0.8, length=3.0, ndim=ndim)
        pad = 2 * (kernel.shape[0] // 2)
        _, solver_cpu, fast = best_time(lambda e=e, k=kernel: hartline_ratliff(e, k), args.repeats)
        _, base_cpu, slow = best_time(lambda e=e, k=kernel, p=pad: relax(e, k, p), 1)
        err = float(np.max(np.abs(fast - slow)))
        print(
            f"  {name}: solver {solver_cpu * 1e3:8.1f} ms CPU | Euler relaxation "
            f"{base_cpu * 1e3:8.1f} ms CPU | ratio {base_cpu / solver_cpu:6.1f}x | "
            f"max difference {err:.1e} Hz"
        )

    grid = hermann_grid(n=4, block=10, street=4)
    kernel = hr_kernel(strength=1.0, length=2.0, ndim=2, radius=6)
    simulate_sheet(grid, kernel, rng=np.random.default_rng(0), duration=10.0)  # compile
    duration, dt = 1000.0, 0.5
    wall, cpu, _ = best_time(
        lambda: simulate_sheet(
            grid,
            kernel,
            rng=np.random.default_rng(0),
            params=SheetParams(w_inh=20.0),
            duration=duration,
            dt=dt,
        ),
        args.repeats,
    )
    neurons = (grid.shape[0] + 12) * (grid.shape[1] + 12)
    steps = duration / dt
    print(
        f"Spiking sheet: {neurons} LIF neurons x {steps:.0f} steps: {cpu:.2f} s CPU "
        f"({wall:.2f} s wall) = {neurons * steps / cpu / 1e6:.1f} M neuron-steps per CPU s"
    )

    rng = np.random.default_rng(0)
    data = noisy_samples(bar_prototypes(4), 1000, 0.1, rng)
    train_prototypes(data.images[:5], 4, rng=rng)  # compile
    wall, cpu, _ = best_time(
        lambda: train_prototypes(data.images, 4, rng=np.random.default_rng(1)), args.repeats
    )
    print(
        f"Prototype learning: 1000 presentations of 100 ms in {cpu:.2f} s CPU ({wall:.2f} s "
        f"wall) = {1000 / cpu:.0f} presentations per CPU s"
    )


if __name__ == "__main__":
    main()
