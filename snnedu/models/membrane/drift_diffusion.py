"""Drift–diffusion (Nernst–Planck–Poisson) of one permeant ion across a membrane.

Equations and sources: see :mod:`snnedu.models.membrane`.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import jit
from snnedu.core.numerics import bernoulli
from snnedu.core.validation import (
    finite_array,
    require_finite,
    require_positive,
)
from snnedu.models.membrane.equilibria import (
    FARADAY,
    VACUUM_PERMITTIVITY,
    _kelvin,
    _positive_concentration,
    _valence,
    thermal_voltage,
)


class DriftDiffusionParams(NamedTuple):
    """An ion between two compartments across a membrane permeable only to it.

    The permeant cation (K⁺ by default: the lecture's 130 mM inside, 4 mM outside; valence
    ``z > 0``) is balanced in each compartment by an impermeant monovalent anion at ``z`` times
    its concentration, so both start electroneutral at 0 mV. Other ions are left out: unable
    to cross, they would only add screening. Diffusion coefficients in water: K⁺
    1.96 nm² ns⁻¹ (= 1.96e-9 m² s⁻¹); the anion as mobile as Cl⁻, 2.03 nm² ns⁻¹ (it is kept
    out of the membrane, not slowed). The membrane is a 2.5 nm hydrocarbon core with ε_r = 2.8
    (C_m ≈ 1 µF cm⁻²); water has ε_r = 80. Inside the lipid the cation has an extra free energy
    ``−ln β`` (in RT), so at equal potential the membrane holds ``β`` times the water
    concentration: the ions in transit through the channels.

    The membrane is made about 3 × 10⁶ times more permeable to the cation than a real resting
    membrane (``β D_membrane / thickness`` = 0.016 m s⁻¹ instead of 5e-9 m s⁻¹, the
    :class:`Permeabilities` default) and the compartments are only tens of nanometres deep,
    so the whole approach to equilibrium takes a few hundred nanoseconds — some 50,000 time
    steps with ``dx = 0.5 nm`` — instead of tens of milliseconds. Neither changes the
    equilibrium, which depends only on the concentrations (the Nernst potential).
    """

    c_in: float = 130.0  # permeant cation (and its anion) inside [mM]
    c_out: float = 4.0  # permeant cation (and its anion) outside [mM]
    z: float = 1.0  # valence of the permeant ion
    temperature_c: float = 37.0  # [°C]
    d_ion: float = 1.96  # diffusion coefficient of the cation in water [nm²/ns]
    d_anion: float = 2.03  # diffusion coefficient of the anion in water [nm²/ns]
    d_membrane: float = 1.0  # diffusion coefficient of the cation in the membrane [nm²/ns]
    partition: float = 0.04  # β: membrane/water concentration ratio at equal potential
    length_in: float = 10.0  # depth of the inside compartment [nm]
    length_out: float = 25.0  # depth of the outside compartment [nm]
    thickness: float = 2.5  # membrane thickness [nm]
    eps_water: float = 80.0  # relative permittivity of water
    eps_membrane: float = 2.8  # relative permittivity of the membrane core


DEFAULT_DRIFT_DIFFUSION = DriftDiffusionParams()
"""The :class:`DriftDiffusionParams` defaults (K⁺ 130 mM inside, 4 mM outside, 37 °C)."""


class DriftDiffusionResult(NamedTuple):
    """Output of :func:`simulate_drift_diffusion`.

    Fluxes are in mM nm ns⁻¹ (= mol m⁻² s⁻¹), positive from inside to outside, measured at the
    middle of the membrane; ``j_diffusion = −D ∂c/∂x`` and ``j_drift = j_total − j_diffusion``.
    """

    x: np.ndarray  # cell centres [nm]; 0 is the inner face of the membrane
    membrane: tuple  # (start, end) of the membrane [nm]
    t: np.ndarray  # sample times [ns]
    v: np.ndarray  # φ(inside end) − φ(outside end) at each sample [mV]
    j_total: np.ndarray  # cation flux across the membrane's middle [mM nm/ns]
    j_diffusion: np.ndarray  # its diffusive part [mM nm/ns]
    j_drift: np.ndarray  # its drift part [mM nm/ns]
    t_frames: np.ndarray  # times of the stored profiles [ns]
    c: np.ndarray  # cation concentration, shape (n_frames, n_cells) [mM]
    anion: np.ndarray  # anion concentration, shape (n_frames, n_cells) [mM]
    phi: np.ndarray  # electric potential (0 at the outer boundary), (n_frames, n_cells) [mV]
    dt: float  # time step used [ns]
    z: float  # valence of the permeant ion
    temperature_c: float  # [°C]


@renamed_arguments(old_order=("params", "dx"))
def drift_diffusion_max_dt(*, params: DriftDiffusionParams | None = None, dx: float = 0.5) -> float:
    """Largest time step [ns] :func:`simulate_drift_diffusion` accepts for grid spacing ``dx``.

    Explicit Euler with Scharfetter–Gummel fluxes keeps concentrations positive when
    ``dt · D (B(Δψ_left) + B(−Δψ_right)) / dx² ≤ 1`` in every cell (B(x) = x/(eˣ − 1)); with
    ``B(±x) ≤ 1 + |x|`` and a potential-energy step per face of at most
    ``Δψ_max = |ln(c_in/c_out)| + |ln β| + 1`` (in units of RT) this gives
    ``dt ≤ dx² / (2 D_max (1 + Δψ_max))``. The charge relaxation (dielectric) time
    ``ε V_T / (F Σ z² D c)`` bounds it too.

    >>> round(drift_diffusion_max_dt(dx=0.5), 5)
    0.00708
    """
    p = _checked_dd_params(params)
    dx = require_positive("dx", dx, "nm")
    d_max = max(p.d_ion, p.d_anion, p.d_membrane)
    step = abs(math.log(p.c_in / p.c_out)) + abs(math.log(p.partition)) + 1.0
    diffusion_limit = dx * dx / (2.0 * d_max * (1.0 + step))
    v_t = thermal_voltage(p.temperature_c) * 1e-3
    c_max = max(p.c_in, p.c_out)
    conductivity = FARADAY * c_max * (p.z * p.z * p.d_ion + p.d_anion) * 1e-9  # D: nm²/ns → m²/s
    dielectric = p.eps_water * VACUUM_PERMITTIVITY * v_t / conductivity * 1e9  # s → ns
    return min(diffusion_limit, 0.5 * dielectric)


@renamed_arguments(
    old_order=("params", "duration", "dx", "dt", "n_frames", "n_samples", "frame_times"),
    t_end="duration",
)
def simulate_drift_diffusion(
    *,
    duration: float = 300.0,
    params: DriftDiffusionParams | None = None,
    dx: float = 0.5,
    dt: float | None = None,
    n_frames: int = 6,
    n_samples: int = 400,
    frame_times=None,
) -> DriftDiffusionResult:
    """Nernst–Planck–Poisson: a permeant ion crossing a membrane until drift balances diffusion.

    Conservative finite volumes on a uniform grid (inside compartment | membrane | outside
    compartment), Scharfetter–Gummel fluxes (exact for a constant field between cell centres;
    zero flux exactly when neighbouring cells are in Boltzmann ratio; at the two membrane
    faces the water and membrane half cells are taken in series), explicit Euler in time,
    Poisson's equation solved at every step with the permittivity of water or membrane.
    Both ends are closed (no flux, so every ion is conserved); the inside end has zero field
    (the middle of the cell) and the outside end is grounded (φ = 0).

    Parameters
    ----------
    duration : float
        Duration [ns] (this model's time unit: the approach to equilibrium takes nanoseconds).
    params : DriftDiffusionParams, optional
        Concentrations, diffusion coefficients, geometry, permittivities; default
        ``DriftDiffusionParams()``.
    dx : float
        Grid spacing [nm]; each region gets ``round(length / dx)`` cells (at least 1).
    dt : float, optional
        Time step [ns]; default 0.9 × :func:`drift_diffusion_max_dt`. A larger one is refused.
    n_frames : int
        Number of stored profiles, evenly spaced in time from 0 to ``duration`` (1: only the
        final one).
    n_samples : int
        Number of samples of the potential and the fluxes.
    frame_times : sequence of float, optional
        Times [ns] at which to store profiles instead of ``n_frames`` evenly spaced ones
        (rounded to the nearest step; between 0 and ``duration``).

    Returns
    -------
    DriftDiffusionResult

    Examples
    --------
    >>> run = simulate_drift_diffusion(duration=5.0, dx=0.5)
    >>> bool(run.v[0] == 0.0 and run.v[-1] < -10.0)        # the inside turns negative
    True
    """
    p = _checked_dd_params(params)
    dx = require_positive("dx", dx, "nm")
    t_end = require_positive("duration", duration, "ns")
    n_frames, n_samples = int(n_frames), int(n_samples)
    if n_frames < 1 or n_samples < 2:
        raise ValueError(f"need n_frames ≥ 1 and n_samples ≥ 2, got {n_frames}, {n_samples}.")
    dt_max = drift_diffusion_max_dt(params=p, dx=dx)
    if dt is None:
        dt = 0.9 * dt_max
    dt = require_positive("dt", dt, "ns")
    if dt > dt_max:
        raise ValueError(
            f"dt = {dt:g} ns is too large for a stable explicit step with dx = {dx:g} nm "
            f"(limit {dt_max:.4g} ns); pass a smaller dt or leave dt=None."
        )
    n_in = max(1, round(p.length_in / dx))
    n_mem = max(1, round(p.thickness / dx))
    n_out = max(1, round(p.length_out / dx))
    n = n_in + n_mem + n_out
    membrane = slice(n_in, n_in + n_mem)
    x = (np.arange(n) + 0.5 - n_in) * dx

    d_ion = np.full(n, p.d_ion)
    d_ion[membrane] = p.d_membrane
    d_anion = np.full(n, p.d_anion)
    d_anion[membrane] = 0.0
    eps = np.full(n, p.eps_water)
    eps[membrane] = p.eps_membrane
    barrier = np.zeros(n)
    barrier[membrane] = -math.log(p.partition)
    c0 = np.zeros(n)
    c0[:n_in] = p.c_in
    c0[n_in + n_mem :] = p.c_out
    a0 = p.z * c0  # electroneutral start: the monovalent anion balances z c

    v_t = thermal_voltage(p.temperature_c)
    n_steps = max(1, math.ceil(t_end / dt))
    dt = t_end / n_steps
    # Poisson in units of V_T: Σ ε_face (ψ_i − ψ_j) = K (z c_i − a_i); K = dx² F / (ε₀ V_T).
    poisson_k = (dx * 1e-9) ** 2 * FARADAY / (VACUUM_PERMITTIVITY * v_t * 1e-3)
    eps_face = _harmonic(eps[:-1], eps[1:])
    lower, diag, upper = _poisson_matrix(eps, eps_face)
    sample_steps = np.unique(np.round(np.linspace(0, n_steps, n_samples)).astype(np.int64))
    if frame_times is not None:
        times = finite_array("frame_times", frame_times, ndim=1)
        if times.size == 0 or np.any(times < 0) or np.any(times > t_end * (1 + 1e-12)):
            raise ValueError(f"frame_times must lie between 0 and duration = {t_end:g} ns.")
        frame_steps = np.unique(np.round(times / dt).astype(np.int64).clip(0, n_steps))
    elif n_frames == 1:  # only the final profile
        frame_steps = np.array([n_steps], dtype=np.int64)
    else:
        frame_steps = np.unique(np.round(np.linspace(0, n_steps, n_frames)).astype(np.int64))
    flux_face = n_in + n_mem // 2 - 1 if n_mem > 1 else n_in - 1
    out = _drift_diffusion_run(
        c0,
        a0,
        float(p.z),
        d_ion,
        d_anion,
        barrier,
        eps_face,
        lower,
        diag,
        upper,
        poisson_k,
        dx,
        dt,
        n_steps,
        sample_steps,
        frame_steps,
        flux_face,
    )
    status, v, j_total, j_diff, c_frames, a_frames, psi_frames = out
    if status != 0:
        raise ValueError(
            f"the drift–diffusion step became unstable at step {status} (a concentration went "
            f"negative); pass a smaller dt than {dt:g} ns."
        )
    return DriftDiffusionResult(
        x=x,
        membrane=(0.0, n_mem * dx),
        t=sample_steps * dt,
        v=v * v_t,
        j_total=j_total,
        j_diffusion=j_diff,
        j_drift=j_total - j_diff,
        t_frames=frame_steps * dt,
        c=c_frames,
        anion=a_frames,
        phi=psi_frames * v_t,
        dt=dt,
        z=p.z,
        temperature_c=p.temperature_c,
    )


def _poisson_matrix(eps, eps_face):
    """Tridiagonal Poisson matrix, zero field at the left end, φ = 0 on the right face."""
    n = eps.size
    diag = np.zeros(n)
    diag[:-1] += eps_face
    diag[1:] += eps_face
    diag[-1] += 2.0 * eps[-1]  # half a cell to the grounded face
    return -eps_face.copy(), diag, -eps_face.copy()


def _harmonic(a, b):
    """Harmonic mean ``2ab/(a + b)`` elementwise (0 where both are 0): permittivity at a face."""
    total = a + b
    return np.where(total > 0, 2.0 * a * b / np.where(total > 0, total, 1.0), 0.0)


@jit
def _interface_flux(c_i, c_j, d_i, d_j, step_w, step_phi, dx):
    """Scharfetter–Gummel flux across a face where D and the barrier w jump (water | membrane).

    The two half cells in series.

    With the potential linear between the centres and J constant, ``J = −D e^{−ψ} d(c e^{ψ})/dx``
    integrates to ``J = (c_i − c_j e^{ψ_j − ψ_i}) / ∫ e^{ψ − ψ_i}/D dx``; each half cell
    contributes ``(dx/2)/D · (e^{y} − 1)/y`` with ``y = step_phi/2``, the far one times
    ``e^{step_w + y}``. Equal D and no step give back the ordinary Scharfetter–Gummel flux.
    """
    half = 0.5 * step_phi
    growth = 1.0 / bernoulli(half)  # (e^y − 1) / y
    integral = 0.5 * dx * growth * (1.0 / d_i + math.exp(step_w + half) / d_j)
    return (c_i - c_j * math.exp(step_phi + step_w)) / integral


@jit
def _drift_diffusion_run(
    c,
    a,
    z,
    d_ion,
    d_anion,
    barrier,
    eps_face,
    lower,
    diag,
    upper,
    poisson_k,
    dx,
    dt,
    n_steps,
    sample_steps,
    frame_steps,
    flux_face,
):
    """Explicit Euler steps of Nernst–Planck with Scharfetter–Gummel fluxes and Poisson.

    Returns (status, v, j_total, j_diffusion, c frames, anion frames, ψ frames): status 0, or
    the step at which a concentration went negative (unstable dt).
    """
    n = c.size
    c = c.copy()
    a = a.copy()
    d_c = np.empty(n - 1)
    d_a = np.empty(n - 1)
    interface = np.empty(n - 1, dtype=np.bool_)
    for i in range(n - 1):
        interface[i] = barrier[i] != barrier[i + 1] or d_ion[i] != d_ion[i + 1]
        s = d_ion[i] + d_ion[i + 1]
        d_c[i] = 2.0 * d_ion[i] * d_ion[i + 1] / s if s > 0 else 0.0
        s = d_anion[i] + d_anion[i + 1]
        d_a[i] = 2.0 * d_anion[i] * d_anion[i + 1] / s if s > 0 else 0.0
    # Thomas algorithm: the matrix never changes, so factor it once.
    c_prime = np.empty(n)
    denom = np.empty(n)
    denom[0] = diag[0]
    c_prime[0] = upper[0] / denom[0]
    for i in range(1, n):
        denom[i] = diag[i] - lower[i - 1] * c_prime[i - 1]
        if i < n - 1:
            c_prime[i] = upper[i] / denom[i]
    psi = np.zeros(n)
    rhs = np.empty(n)
    flux_c = np.zeros(n - 1)
    flux_a = np.zeros(n - 1)
    v = np.zeros(sample_steps.size)
    j_total = np.zeros(sample_steps.size)
    j_diff = np.zeros(sample_steps.size)
    c_frames = np.zeros((frame_steps.size, n))
    a_frames = np.zeros((frame_steps.size, n))
    psi_frames = np.zeros((frame_steps.size, n))
    inv_dx = 1.0 / dx
    next_sample = 0
    next_frame = 0
    for step in range(n_steps + 1):
        # Poisson: potential (units of V_T) from the present charge.
        for i in range(n):
            rhs[i] = poisson_k * (z * c[i] - a[i])
        psi[0] = rhs[0] / denom[0]
        for i in range(1, n):
            psi[i] = (rhs[i] - lower[i - 1] * psi[i - 1]) / denom[i]
        for i in range(n - 2, -1, -1):
            psi[i] -= c_prime[i] * psi[i + 1]
        # Scharfetter–Gummel fluxes between cell centres.
        for i in range(n - 1):
            if interface[i]:
                flux_c[i] = _interface_flux(
                    c[i],
                    c[i + 1],
                    d_ion[i],
                    d_ion[i + 1],
                    barrier[i + 1] - barrier[i],
                    z * (psi[i + 1] - psi[i]),
                    dx,
                )
            else:
                # B(−x) = B(x) + x: one exponential per face and species.
                step_c = z * (psi[i + 1] - psi[i])
                b = bernoulli(step_c)
                flux_c[i] = d_c[i] * inv_dx * (b * c[i] - (b + step_c) * c[i + 1])
            if d_a[i] > 0.0:
                step_a = psi[i] - psi[i + 1]
                b = bernoulli(step_a)
                flux_a[i] = d_a[i] * inv_dx * (b * a[i] - (b + step_a) * a[i + 1])
        if next_sample < sample_steps.size and step == sample_steps[next_sample]:
            v[next_sample] = psi[0] - psi[n - 1]
            j_total[next_sample] = flux_c[flux_face]
            j_diff[next_sample] = -d_c[flux_face] * inv_dx * (c[flux_face + 1] - c[flux_face])
            next_sample += 1
        if next_frame < frame_steps.size and step == frame_steps[next_frame]:
            c_frames[next_frame] = c
            a_frames[next_frame] = a
            psi_frames[next_frame] = psi
            next_frame += 1
        if step == n_steps:
            break
        # Conservative update: what leaves one cell enters its neighbour.
        for i in range(n):
            inflow_c = 0.0
            inflow_a = 0.0
            if i > 0:
                inflow_c += flux_c[i - 1]
                inflow_a += flux_a[i - 1]
            if i < n - 1:
                inflow_c -= flux_c[i]
                inflow_a -= flux_a[i]
            c[i] += dt * inv_dx * inflow_c
            a[i] += dt * inv_dx * inflow_a
            if c[i] < 0.0 or a[i] < 0.0 or not math.isfinite(c[i]):
                return step + 1, v, j_total, j_diff, c_frames, a_frames, psi_frames
    return 0, v, j_total, j_diff, c_frames, a_frames, psi_frames


def _checked_dd_params(params: DriftDiffusionParams | None) -> DriftDiffusionParams:
    """Return ``params`` (default ``DriftDiffusionParams()``) checked, as floats."""
    if params is None:
        params = DEFAULT_DRIFT_DIFFUSION
    if not isinstance(params, DriftDiffusionParams):
        raise ValueError(f"params must be a DriftDiffusionParams, got {type(params).__name__}.")
    p = DriftDiffusionParams(
        *(
            require_finite(f"DriftDiffusionParams.{n}", v)
            for n, v in zip(DriftDiffusionParams._fields, params, strict=True)
        )
    )
    _positive_concentration("DriftDiffusionParams.c_in", p.c_in)
    _positive_concentration("DriftDiffusionParams.c_out", p.c_out)
    if _valence(p.z) < 0:
        raise ValueError(
            f"DriftDiffusionParams.z must be > 0 (a permeant cation), got {p.z!r}; the model's "
            "counter-ion is an impermeant anion."
        )
    _kelvin(p.temperature_c)
    for name in (
        "d_ion",
        "d_anion",
        "d_membrane",
        "partition",
        "length_in",
        "length_out",
        "thickness",
        "eps_water",
        "eps_membrane",
    ):
        require_positive(f"DriftDiffusionParams.{name}", getattr(p, name))
    if p.partition > 1.0:
        raise ValueError(
            f"DriftDiffusionParams.partition must be in (0, 1], got {p.partition!r}: ions are "
            "less soluble in lipid than in water."
        )
    return p
