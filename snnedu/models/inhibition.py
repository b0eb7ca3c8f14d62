r"""Lateral inhibition.

Centre–surround (difference of Gaussians), recurrent Hartline–Ratliff inhibition, a spiking sheet of
LIF neurons with lateral inhibitory synapses, and soft-to-hard winner-take-all.

Difference of Gaussians (Rodieck 1965; Enroth-Cugell & Robson 1966)
--------------------------------------------------------------------
Feed-forward centre–surround: the response is the stimulus convolved with

.. math:: W = a_c\,G_{\sigma_c} - a_s\,G_{\sigma_s}, \qquad \sigma_s > \sigma_c,

each Gaussian normalised to unit sum on the pixel grid (1-D or 2-D). With :math:`a_s = a_c`
("balanced") a uniform field gives 0. Borders are edge-padded (the stimulus continues).

Hartline–Ratliff recurrent inhibition (Limulus eye; Hartline & Ratliff 1957)
----------------------------------------------------------------------------
Steady-state rate of unit p:

.. math:: r_p = \Bigl[e_p - \sum_{j} K_{pj}\,(r_j - r^0)^+\Bigr]^+

with excitation :math:`e_p` (the rate when illuminated alone), inhibitory coefficients
:math:`K_{pj} \ge 0` that fall with distance (here a stencil :math:`K(p - j)`, the same for all
units, so :math:`K r` is a convolution) and threshold :math:`r^0`. Uniform field, all active,
:math:`r^0 = 0`: :math:`r = e / (1 + \sum_j K)`.

*Solver.* With :math:`r^0 = 0` in 1-D the linear system :math:`(I + K) r = e` (every unit
active) is solved directly (dense LU); if that solution has no negative rate it is the answer.
Otherwise, and always in 2-D, the rectified problem (a linear complementarity problem) is
solved by the projected, damped Jacobi iteration, with :math:`K r` an FFT convolution:

.. math:: r \leftarrow (1 - \alpha)\,r + \alpha\,\bigl[e - K (r - r^0)^+\bigr]^+ .

Both rectifications are 1-Lipschitz, so for :math:`\sum K < 1` and any :math:`0 < \alpha \le 1`
the map is a contraction in the max norm (factor :math:`1 - \alpha + \alpha \sum K`) and
converges to the unique solution. For :math:`r^0 = 0` the iteration is also projected gradient
descent on :math:`\tfrac12 r^T (I + K) r - e^T r` over :math:`r \ge 0`, which converges whenever
:math:`I + K` is positive definite, also for :math:`\sum K \ge 1`. The step is
:math:`\alpha = 2/(\lambda_{min} + \lambda_{max})` of :math:`I + K` (eigenvalues from the
stencil's Fourier transform), the optimal step for the linear part: about 20 iterations for the
Hermann grid with :math:`\sum K = 0.8`. If :math:`I + K` is not positive definite a ValueError
says so.

Spiking sheet
-------------
One LIF neuron per pixel (:class:`snnedu.models.lif.LIFParams`), driven by its own Poisson
input of rate ``base_rate_hz + luminance · max_rate_hz`` (a pool of afferents); each input spike
raises :math:`v` by ``w_in``, each spike of neuron j lowers neuron i's :math:`v` by
``w_inh · K(i − j)`` (delta synapses). Its rate map shows the same Mach bands and Hermann spots.

Winner-take-all: soft to hard
-----------------------------
n LIF neurons race on Poisson input. When one fires at :math:`t_s`, every other neuron loses a
fraction :math:`h` of its depolarisation, :math:`v \leftarrow v - h\,(v - v_{rest})`, and until
:math:`t_s + t_{inh}` the input of all neurons is scaled by :math:`1 - h` (``inhibition``
:math:`h \in [0, 1]`). :math:`h = 1` is complete ("hard") inhibition: :math:`v = v_{rest}` for
all until :math:`t_s + t_{inh}`, so the first neuron to fire is the only one in that window
(several crossing in one step: the highest :math:`v` wins); :math:`h = 0` leaves the neurons
independent; values between give soft winner-take-all.

References: Hartline, H. K. & Ratliff, F. (1957). *J. Gen. Physiol.* 40:357. Ratliff, F. &
Hartline, H. K. (1959). *J. Gen. Physiol.* 42:1241. Rodieck, R. W. (1965). *Vision Res.* 5:583.

>>> from snnedu.models.stimuli import mach_ramp
>>> response = dog_response(mach_ramp(), sigma_c=1.0, sigma_s=3.0, radius=30)
>>> int(np.argmax(response)), int(np.argmin(response))     # upper and lower knee
(120, 80)
>>> kernel = hr_kernel(strength=0.5, length=3.0)
>>> round(float(hartline_ratliff(np.full(50, 3.0), kernel)[25]), 6)   # 3 / (1 + 0.5)
2.0
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from scipy import fft as sp_fft

from snnedu.core.api import renamed_arguments
from snnedu.core.jit import jit
from snnedu.core.numerics import decay_factor, relax
from snnedu.core.stimulus import Stimulus, require_constant
from snnedu.core.validation import (
    as_float_params,
    finite_array,
    require_non_negative,
    require_positive,
    require_rng,
)
from snnedu.models.encoders import image_to_rate_hz
from snnedu.models.lif import LIFParams, validate_lif_params

__all__ = [
    "SheetParams",
    "SheetResult",
    "WTAParams",
    "WTAResult",
    "dog_kernel",
    "dog_response",
    "feedforward_inhibition",
    "hartline_ratliff",
    "hr_kernel",
    "simulate_sheet",
    "simulate_wta",
]

_PAD_MODES = ("edge", "constant", "reflect", "none")


# ------------------------------------------------------------------ difference of Gaussians


def _gaussian(sigma: float, radius: int, ndim: int) -> np.ndarray:
    x = np.arange(-radius, radius + 1, dtype=float)
    g = np.exp(-0.5 * (x / sigma) ** 2)
    if ndim == 2:
        g = np.outer(g, g)
    return g / g.sum()


def _require_ndim(ndim) -> int:
    if ndim not in (1, 2):
        raise ValueError(f"ndim must be 1 or 2, got {ndim!r}.")
    return int(ndim)


def dog_kernel(
    sigma_c: float = 1.0,
    sigma_s: float = 3.0,
    a_c: float = 1.0,
    a_s: float = 1.0,
    radius: int | None = None,
    ndim: int = 1,
) -> np.ndarray:
    """Difference-of-Gaussians receptive field ``a_c·G(σ_c) − a_s·G(σ_s)``.

    Parameters
    ----------
    sigma_c, sigma_s : float
        Widths of centre and surround [px], ``sigma_s > sigma_c``.
    a_c, a_s : float
        Weights of centre and surround (``a_s = a_c``: balanced, zero response to uniform light).
    radius : int, optional
        Half-width of the kernel [px]; default ``ceil(4·sigma_s)``.
    ndim : int
        1 or 2.

    Returns
    -------
    numpy.ndarray
        Kernel of shape ``(2·radius + 1,)`` or ``(2·radius + 1, 2·radius + 1)``.

    >>> abs(round(float(dog_kernel(1.0, 3.0).sum()), 12))
    0.0
    """
    sigma_c = require_positive("sigma_c", sigma_c, "px")
    sigma_s = require_positive("sigma_s", sigma_s, "px")
    if sigma_s <= sigma_c:
        raise ValueError(
            f"the surround must be wider than the centre: sigma_s={sigma_s} <= sigma_c={sigma_c}."
        )
    a_c = require_non_negative("a_c", a_c)
    a_s = require_non_negative("a_s", a_s)
    ndim = _require_ndim(ndim)
    if radius is None:
        radius = math.ceil(4 * sigma_s)
    radius = _require_radius(radius)
    return a_c * _gaussian(sigma_c, radius, ndim) - a_s * _gaussian(sigma_s, radius, ndim)


def _require_radius(radius) -> int:
    if isinstance(radius, bool) or int(radius) != radius or radius < 1:
        raise ValueError(f"radius must be an integer >= 1 [px], got {radius!r}.")
    return int(radius)


def _pad(stimulus: np.ndarray, width: int, mode: str) -> np.ndarray:
    if mode == "none" or width == 0:
        return stimulus
    return np.pad(stimulus, width, mode=mode)


def _check_pad_mode(pad_mode: str) -> str:
    if pad_mode not in _PAD_MODES:
        raise ValueError(f"pad_mode must be one of {', '.join(_PAD_MODES)}, got {pad_mode!r}.")
    return pad_mode


def _convolve_same(x: np.ndarray, kernel: np.ndarray) -> np.ndarray:
    """Linear convolution cropped to ``x``'s shape (zero outside ``x``)."""
    from scipy.signal import fftconvolve

    if x.ndim == 1 and kernel.size <= min(64, x.size):
        return np.convolve(x, kernel, mode="same")
    return fftconvolve(x, kernel, mode="same")


def _stimulus(stimulus, kernel: np.ndarray | None = None) -> np.ndarray:
    stimulus = finite_array("stimulus", stimulus)
    if stimulus.ndim not in (1, 2) or stimulus.size == 0:
        raise ValueError(
            f"stimulus must be a non-empty 1-D profile or 2-D image, got shape {stimulus.shape}."
        )
    if kernel is not None and kernel.ndim != stimulus.ndim:
        raise ValueError(
            f"kernel is {kernel.ndim}-D but the stimulus is {stimulus.ndim}-D; build the kernel "
            f"with ndim={stimulus.ndim}."
        )
    return stimulus


def _kernel(kernel) -> np.ndarray:
    kernel = finite_array("kernel", kernel)
    if kernel.ndim not in (1, 2) or any(s % 2 == 0 for s in kernel.shape):
        raise ValueError(f"kernel must be 1-D or 2-D with odd side lengths, got {kernel.shape}.")
    return kernel


def dog_response(
    stimulus,
    sigma_c: float = 1.0,
    sigma_s: float = 3.0,
    a_c: float = 1.0,
    a_s: float = 1.0,
    radius: int | None = None,
    pad_mode: str = "edge",
) -> np.ndarray:
    """Response of an array of centre–surround (DoG) units to a 1-D profile or 2-D image.

    Parameters
    ----------
    stimulus : array_like
        Luminance profile ``(n,)`` or image ``(rows, cols)``.
    sigma_c, sigma_s, a_c, a_s, radius
        See :func:`dog_kernel`.
    pad_mode : {"edge", "constant", "reflect", "none"}
        How the stimulus continues beyond its border (``"constant"``: zeros, ``"none"``: the
        kernel is cut off at the border).

    Returns
    -------
    numpy.ndarray
        Response, same shape as ``stimulus`` (luminance units).
    """
    stimulus = _stimulus(stimulus)
    kernel = dog_kernel(sigma_c, sigma_s, a_c, a_s, radius, stimulus.ndim)
    return _apply_kernel(stimulus, kernel, pad_mode)


def _apply_kernel(stimulus: np.ndarray, kernel: np.ndarray, pad_mode: str) -> np.ndarray:
    pad_mode = _check_pad_mode(pad_mode)
    r = kernel.shape[0] // 2
    padded = _pad(stimulus, r, pad_mode)
    out = _convolve_same(padded, kernel)
    if pad_mode != "none":
        out = out[(slice(r, -r),) * stimulus.ndim]
    return out


def feedforward_inhibition(stimulus, kernel, pad_mode: str = "edge") -> np.ndarray:
    """Non-recurrent lateral inhibition ``r = e − K e`` (inhibition from the *inputs*).

    To contrast with :func:`hartline_ratliff` (inhibition from the *responses*).

    >>> feedforward_inhibition(np.ones(9), hr_kernel(0.5, 1.0, radius=2))[4]
    np.float64(0.5)
    """
    kernel = _kernel(kernel)
    stimulus = _stimulus(stimulus, kernel)
    return stimulus - _apply_kernel(stimulus, kernel, pad_mode)


# ----------------------------------------------------------------- Hartline–Ratliff


def hr_kernel(
    strength: float = 0.5,
    length: float = 3.0,
    ndim: int = 1,
    radius: int | None = None,
    self_inhibition: float = 0.0,
) -> np.ndarray:
    """Hartline–Ratliff inhibitory coefficients ``K(d) ∝ exp(−|d| / length)`` for d ≠ 0.

    Scaled so that the total inhibition ``Σ_{d≠0} K(d)`` equals ``strength``; the centre is
    ``self_inhibition`` (0 in the original model).

    Parameters
    ----------
    strength : float
        Total lateral inhibition ΣK (a uniform field gives ``e / (1 + strength)``).
    length : float
        Range of the inhibition [px].
    ndim : int
        1 (a row of ommatidia) or 2 (a sheet; |d| is the Euclidean distance).
    radius : int, optional
        Half-width [px]; default ``ceil(8·length)`` (1-D) or ``ceil(5·length)`` (2-D).
    self_inhibition : float
        K(0).

    >>> k = hr_kernel(0.5, 3.0)
    >>> round(float(k.sum()), 12), float(k[len(k) // 2])
    (0.5, 0.0)
    """
    strength = require_non_negative("strength", strength)
    length = require_positive("length", length, "px")
    self_inhibition = require_non_negative("self_inhibition", self_inhibition)
    ndim = _require_ndim(ndim)
    if radius is None:
        radius = math.ceil((8 if ndim == 1 else 5) * length)
    radius = _require_radius(radius)
    x = np.arange(-radius, radius + 1, dtype=float)
    distance = np.abs(x) if ndim == 1 else np.hypot(x[:, None], x[None, :])
    k = np.exp(-distance / length)
    centre = (radius,) * ndim
    k[centre] = 0.0
    k *= strength / k.sum()
    k[centre] = self_inhibition
    return k


class _Operator:
    """K·x as a convolution on a fixed domain (zero outside), via FFT or a direct sum."""

    def __init__(self, kernel: np.ndarray, shape: tuple[int, ...]):
        self.shape = shape
        self.kernel = kernel
        self.r = kernel.shape[0] // 2
        if len(shape) == 2:
            self.full = tuple(sp_fft.next_fast_len(s + 2 * self.r, real=True) for s in shape)
            self.kfft = sp_fft.rfftn(kernel, self.full)

    def __call__(self, x: np.ndarray) -> np.ndarray:
        if x.ndim == 1:
            return _convolve_same(x, self.kernel)
        y = sp_fft.irfftn(sp_fft.rfftn(x, self.full) * self.kfft, self.full)
        r = self.r
        return y[r : r + self.shape[0], r : r + self.shape[1]]


def hartline_ratliff(
    excitation,
    kernel,
    threshold: float = 0.0,
    pad: int | None = None,
    pad_mode: str = "edge",
    tol: float = 1e-8,
    max_iter: int = 10_000,
) -> np.ndarray:
    """Steady state of recurrent Hartline–Ratliff inhibition (see the module docstring).

    Parameters
    ----------
    excitation : array_like
        e, the rate of each unit when illuminated alone [Hz], 1-D or 2-D (e.g. ``10·L``).
    kernel : array_like
        Inhibitory coefficients K as a stencil of odd side (:func:`hr_kernel`), same ndim.
    threshold : float
        r⁰ [Hz]: a unit inhibits the others only with the part of its rate above r⁰.
    pad : int, optional
        Extra units added on each side [px] so the border does not act as an edge; default
        twice the kernel radius. The result is cropped back.
    pad_mode : {"edge", "constant", "reflect", "none"}
        How ``excitation`` is continued into the padding (``"none"``: no padding, a finite eye).
    tol : float
        Convergence tolerance of the iteration, relative to max |e|.
    max_iter : int
        Iteration limit.

    Returns
    -------
    numpy.ndarray
        Steady-state rates r [Hz], same shape as ``excitation``.
    """
    kernel = _kernel(kernel)
    e = _stimulus(excitation, kernel)
    if np.any(kernel < 0):
        raise ValueError("inhibitory coefficients K must be >= 0; use a smaller surround weight.")
    threshold = require_non_negative("threshold", threshold, "Hz")
    tol = require_positive("tol", tol)
    pad_mode = _check_pad_mode(pad_mode)
    if pad is None:
        pad = 2 * (kernel.shape[0] // 2)
    pad = 0 if pad_mode == "none" else int(require_non_negative("pad", pad, "px"))
    e_pad = _pad(e, pad, pad_mode)
    operator = _Operator(kernel, e_pad.shape)
    total = float(kernel.sum())

    r = _hr_linear(e_pad, kernel) if (threshold == 0.0 and e.ndim == 1) else None
    if r is None or r.min() < 0:
        start = np.maximum(e_pad, 0.0) if r is None else np.maximum(r, 0.0)
        r = _hr_projected(e_pad, operator, threshold, total, tol, max_iter, start)
    if pad:
        r = r[(slice(pad, -pad),) * e.ndim]
    return r


def _hr_linear(e, kernel):
    """Solve (I + K) r = e for a 1-D row of units (dense LU)."""
    n = e.size
    r = kernel.shape[0] // 2
    matrix = np.eye(n)
    for offset in range(-r, r + 1):
        value = kernel[r - offset]
        if value and abs(offset) < n:
            matrix += np.diag(np.full(n - abs(offset), value), k=offset)
    return np.linalg.solve(matrix, e)


def _kernel_spectrum(kernel: np.ndarray) -> tuple[float, float]:
    """Smallest and largest eigenvalue of the convolution K on a large periodic domain."""
    floor = 256 if kernel.ndim == 1 else 64
    size = tuple(max(floor, 4 * n) for n in kernel.shape)
    shifted = np.zeros(size)
    r = kernel.shape[0] // 2
    index = np.ix_(*[np.arange(-r, r + 1) % n for n in size])
    shifted[index] = kernel
    spectrum = np.real(np.fft.fftn(shifted))
    return float(spectrum.min()), float(spectrum.max())


def _hr_projected(e, operator, threshold, total, tol, max_iter, r):
    lam_min, lam_max = _kernel_spectrum(operator.kernel)
    if 1.0 + lam_min <= 1e-9:
        raise ValueError(
            f"I + K is not positive definite (smallest eigenvalue of K is {lam_min:.3g}): the "
            "steady state need not be unique; use weaker or smoother inhibition."
        )
    # Step α = 2/(λ_min + λ_max) of I + K: optimal for the linear part; α <= 1 because
    # |λ_min| <= λ_max = ΣK for a non-negative kernel.
    alpha = 2.0 / (2.0 + lam_min + lam_max)
    # contraction factor: rigorous in the max norm when ΣK < 1, the spectral rate otherwise
    rate = (1.0 - alpha) + alpha * total if total < 1.0 else 1.0 - alpha * (1.0 + lam_min)
    # a step smaller than tol·(1 − rate) bounds the distance to the fixed point by tol
    tol = tol * max(1.0, float(np.abs(e).max())) * max(1.0 - rate, 1e-3)
    for _ in range(int(max_iter)):
        target = np.maximum(e - operator(np.maximum(r - threshold, 0.0)), 0.0)
        new = (1.0 - alpha) * r + alpha * target
        if np.max(np.abs(new - r)) <= tol:
            return new
        r = new
    raise ValueError(
        f"Hartline–Ratliff iteration did not converge in {max_iter} steps (total inhibition "
        f"ΣK = {total:.3g}); reduce the inhibition strength or raise max_iter."
    )


# ------------------------------------------------------------------- spiking sheet


class SheetParams(NamedTuple):
    """Input and lateral synapses of the spiking sheet.

    The neurons are :class:`~snnedu.models.lif.LIFParams`.

    Toolkit choices (no single source): each neuron receives a pooled Poisson input of
    ``base_rate_hz + luminance · max_rate_hz`` (the base is the receptors' dark activity; it
    keeps every neuron above threshold so the sheet stays in its near-linear range), each input
    spike raising v by ``w_in``: with τ_m = 10 ms the mean drive is 25 mV (black) to 45 mV
    (white) above rest, against a 20 mV threshold. A spike inhibits a neighbour at distance d
    by ``w_inh · K(d)``.
    """

    base_rate_hz: float = 10000.0  # Poisson input rate of a black pixel [Hz]
    max_rate_hz: float = 8000.0  # extra input rate of a white pixel [Hz]
    w_in: float = 0.25  # depolarisation per input spike [mV]
    w_inh: float = 10.0  # hyperpolarisation per lateral spike, per unit of K [mV]


class SheetResult(NamedTuple):
    """Firing-rate map of the spiking sheet."""

    rate_hz: np.ndarray  # same shape as the stimulus [Hz]
    counts: np.ndarray  # spike counts, same shape (int)
    duration: float  # simulated time [ms]


def _require_steps(duration, dt) -> int:
    """Number of steps of ``dt`` in ``duration`` (both [ms]), at least one."""
    duration = require_positive("duration", duration, "ms")
    dt = require_positive("dt", dt, "ms")
    n_steps = round(duration / dt)
    if n_steps < 1:
        raise ValueError(f"duration={duration} is shorter than one step dt={dt}.")
    return n_steps


@renamed_arguments(
    old_order=("luminance", "kernel", "rng", "params", "neuron", "duration", "dt", "pad"),
    duration_ms="duration",
)
def simulate_sheet(
    luminance,
    kernel,
    *,
    rng: np.random.Generator,
    params: SheetParams | None = None,
    neuron: LIFParams | None = None,
    duration: float = 2000.0,
    dt: float = 0.5,
    pad: int | None = None,
) -> SheetResult:
    """A sheet of LIF neurons, one per pixel, with Poisson input and lateral inhibition.

    Parameters
    ----------
    luminance : array_like
        Stimulus in [0, 1], 1-D ``(n,)`` or 2-D ``(rows, cols)``.
    kernel : array_like
        Lateral inhibitory stencil K (e.g. :func:`hr_kernel`), same ndim; all zeros = no
        inhibition.
    rng : numpy.random.Generator
        Seeds the kernel's Poisson input (same seed, same spikes).
    params : SheetParams, optional
        Input rate and synaptic weights; default ``SheetParams()``.
    neuron : LIFParams, optional
        Membrane parameters (``v_rest, v_reset, v_th, tau_m, t_ref``; ``r_m`` and the
        conductance fields are unused).
    duration, dt : float
        Simulated time and step [ms].
    pad : int, optional
        Extra neurons on each side (edge-continued stimulus) so the border is not an edge;
        default the kernel radius. They are simulated but not returned.

    Returns
    -------
    SheetResult
    """
    kernel = _kernel(kernel)
    luminance = _stimulus(require_constant("luminance", luminance), kernel)
    if luminance.min() < 0 or luminance.max() > 1:
        raise ValueError("luminance must lie in [0, 1]; use stimuli.as_luminance(image).")
    if np.any(kernel < 0):
        raise ValueError("the lateral kernel must be >= 0 (it is scaled by w_inh).")
    require_rng(rng)
    params = SheetParams() if params is None else params
    if not isinstance(params, SheetParams):
        raise ValueError(f"params must be SheetParams, got {type(params).__name__}.")
    for name in params._fields:
        require_non_negative(f"SheetParams.{name}", getattr(params, name))
    params = as_float_params(params)
    neuron = validate_lif_params(neuron)
    n_steps = _require_steps(duration, dt)
    r = kernel.shape[0] // 2
    pad = r if pad is None else int(require_non_negative("pad", pad, "px"))
    padded = _pad(luminance, pad, "edge")
    rate = params.base_rate_hz + image_to_rate_hz(padded * 255.0, params.max_rate_hz)
    if rate.max() * dt / 1000.0 > 50:
        raise ValueError("max_rate_hz·dt is too large; reduce dt or max_rate_hz.")
    rate2 = np.ascontiguousarray(np.atleast_2d(rate))
    kernel2 = np.ascontiguousarray(np.atleast_2d(kernel) * params.w_inh)
    counts = np.zeros(rate2.shape, dtype=np.int64)
    seed = int(rng.integers(2**63))
    _sheet_run(rate2 * (dt / 1000.0), kernel2, neuron, params.w_in, dt, n_steps, seed, counts)
    counts = counts.reshape(padded.shape)
    if pad:
        counts = counts[(slice(pad, -pad),) * luminance.ndim]
    duration = n_steps * dt
    return SheetResult(counts * (1000.0 / duration), counts, duration)


@jit
def _sheet_run(mean_input, kernel, p, w_in, dt, n_steps, seed, counts):
    """Run the spiking sheet ``n_steps``: Poisson input, exact leak, lateral inhibition.

    Each neuron's pooled input count per step is drawn with numba's generator seeded from
    ``seed``; a spike hyperpolarises the neighbours by ``w_inh · K``. Adds spikes to ``counts``.
    """
    np.random.seed(seed)  # noqa: NPY002 (numba's own generator, seeded from rng)
    rows, cols = mean_input.shape
    kr = kernel.shape[0] // 2
    kc = kernel.shape[1] // 2
    a_m = decay_factor(dt, p.tau_m)
    n_ref = round(p.t_ref / dt)
    v = np.full((rows, cols), p.v_rest)
    ref = np.zeros((rows, cols), dtype=np.int64)
    inhibition = np.zeros((rows, cols))
    fired_r = np.empty(rows * cols, dtype=np.int64)
    fired_c = np.empty(rows * cols, dtype=np.int64)
    for _ in range(n_steps):
        n_fired = 0
        for i in range(rows):
            for j in range(cols):
                if ref[i, j] > 0:
                    ref[i, j] -= 1
                    inhibition[i, j] = 0.0
                    continue
                # exact leak, then this step's input and the lateral inhibition of last step
                v[i, j] = relax(v[i, j], p.v_rest, a_m)
                drive = w_in * np.random.poisson(mean_input[i, j])  # noqa: NPY002
                v[i, j] += drive - inhibition[i, j]
                inhibition[i, j] = 0.0
                if v[i, j] >= p.v_th:
                    v[i, j] = p.v_reset
                    ref[i, j] = n_ref
                    counts[i, j] += 1
                    fired_r[n_fired] = i
                    fired_c[n_fired] = j
                    n_fired += 1
        for s in range(n_fired):
            i0 = fired_r[s]
            j0 = fired_c[s]
            for di in range(-kr, kr + 1):
                i = i0 + di
                if i < 0 or i >= rows:
                    continue
                for dj in range(-kc, kc + 1):
                    j = j0 + dj
                    if 0 <= j < cols:
                        inhibition[i, j] += kernel[kr + di, kc + dj]


# -------------------------------------------------------------------- winner-take-all


class WTAParams(NamedTuple):
    """Soft-to-hard winner-take-all (the neurons are :class:`~snnedu.models.lif.LIFParams`).

    ``inhibition`` = 1 is the lecture's complete inhibition (v = v_rest for all until
    t_s + t_inh); 0 switches it off. ``w_in``: depolarisation per Poisson input spike.
    """

    inhibition: float = 1.0  # h in [0, 1]: 0 independent, 1 complete (hard WTA)
    t_inh: float = 20.0  # duration of the inhibition after each spike [ms]
    w_in: float = 1.0  # depolarisation per input spike [mV]


class WTAResult(NamedTuple):
    """Spikes of a winner-take-all race, as events sorted by time.

    Neuron ``spike_index[i]`` fired in step ``spike_step[i]`` (at ``t[spike_step[i]]``). The
    bool raster ``(n_steps, n)`` is kept only with ``raster=True`` (``result.spikes``).
    """

    t: np.ndarray  # end time of each step (n_steps,) [ms]
    spike_step: np.ndarray  # step of each spike (n_spikes,) int
    spike_index: np.ndarray  # neuron of each spike (n_spikes,) int
    counts: np.ndarray  # spikes per neuron (n,)
    raster: np.ndarray | None  # (n_steps, n) bool if raster=True, else None
    dt: float  # time step [ms]

    @property
    def spikes(self) -> np.ndarray:
        """The bool raster ``(n_steps, n)``; needs ``raster=True`` in :func:`simulate_wta`."""
        if self.raster is None:
            raise ValueError(
                "this race kept its spikes as events (spike_step, spike_index, counts); pass "
                "raster=True to simulate_wta for the (n_steps, n) raster."
            )
        return self.raster


@renamed_arguments(
    old_order=("rate_hz", "rng", "params", "neuron", "duration", "dt"), duration_ms="duration"
)
def simulate_wta(
    rate_hz,
    *,
    rng: np.random.Generator,
    params: WTAParams | None = None,
    neuron: LIFParams | None = None,
    duration: float = 200.0,
    dt: float = 0.1,
    raster: bool = False,
) -> WTAResult:
    """N LIF neurons with Poisson input race; every spike inhibits all of them for ``t_inh``.

    Parameters
    ----------
    rate_hz : array_like
        Poisson input rate of each neuron [Hz] (e.g. a pooled rate of several kHz).
    rng : numpy.random.Generator
        Seeds the kernel's Poisson input.
    params : WTAParams, optional
        ``inhibition`` h ∈ [0, 1] (soft → hard), ``t_inh`` [ms], ``w_in`` [mV].
    neuron : LIFParams, optional
        Membrane parameters (``v_rest, v_reset, v_th, tau_m, t_ref``); default ``LIFParams()``.
    duration, dt : float
        Simulated time and step [ms].
    raster : bool
        Also keep the bool raster ``(n_steps, n)``; by default spikes are events only.

    Returns
    -------
    WTAResult

    >>> res = simulate_wta([3000.0, 2500.0, 2000.0], rng=np.random.default_rng(1),
    ...                    params=WTAParams(inhibition=1.0, t_inh=1000.0))
    >>> int(res.counts.sum())          # complete inhibition longer than the run: one spike
    1
    """
    rate = finite_array("rate_hz", require_constant("rate_hz", rate_hz), ndim=1)
    if rate.size == 0 or rate.min() < 0:
        raise ValueError("rate_hz must be a non-empty 1-D array of rates >= 0 [Hz].")
    require_rng(rng)
    params = _wta_validated(WTAParams() if params is None else params)
    neuron = validate_lif_params(neuron)
    n_steps = _require_steps(duration, dt)
    spikes = np.zeros((n_steps, rate.size), dtype=np.bool_)
    seed = int(rng.integers(2**63))
    _wta_run(rate * (dt / 1000.0), params, neuron, dt, seed, spikes)
    t = dt * np.arange(1, n_steps + 1)
    steps, index = np.nonzero(spikes)
    return WTAResult(
        t, steps, index, spikes.sum(axis=0), Stimulus(spikes, dt) if raster else None, dt
    )


def _wta_validated(params: WTAParams) -> WTAParams:
    if not isinstance(params, WTAParams):
        raise ValueError(f"params must be WTAParams, got {type(params).__name__}.")
    h = require_non_negative("WTAParams.inhibition", params.inhibition)
    if h > 1:
        raise ValueError(f"WTAParams.inhibition must be in [0, 1] (1 = complete), got {h}.")
    require_non_negative("WTAParams.t_inh", params.t_inh, "ms")
    require_non_negative("WTAParams.w_in", params.w_in, "mV")
    return as_float_params(params)


@jit
def wta_fire(v, v_th, v_rest, h, fired):
    """Fire the neurons whose ``v >= v_th`` one by one in order of decreasing v.

    Each spike removes a fraction ``h`` of every other neuron's depolarisation ``v − v_rest``,
    which can push the remaining candidates below threshold. Writes ``fired`` (bool), returns
    the count.

    Numba-callable; shared by :func:`simulate_wta` and :mod:`snnedu.networks.prototypes`.
    With ``h = 1`` exactly one neuron fires (ties: the lowest index).
    """
    n = v.shape[0]
    for j in range(n):
        fired[j] = False
    n_fired = 0
    while True:
        winner = -1
        for j in range(n):
            if not fired[j] and v[j] >= v_th[j] and (winner < 0 or v[j] > v[winner]):
                winner = j
        if winner < 0:
            return n_fired
        fired[winner] = True
        n_fired += 1
        for j in range(n):
            if not fired[j]:
                v[j] -= h * (v[j] - v_rest)


@jit
def _wta_run(mean_input, wp, p, dt, seed, spikes):
    """Run the winner-take-all race; writes the raster ``spikes`` (n_steps, n) in place.

    Poisson input counts per step (seeded from ``seed``), exact leak, and after each spike the
    inhibition of :func:`wta_fire` for ``t_inh``.
    """
    np.random.seed(seed)  # noqa: NPY002 (numba's own generator, seeded from rng)
    n_steps, n = spikes.shape
    a_m = decay_factor(dt, p.tau_m)
    n_ref = round(p.t_ref / dt)
    n_inh = round(wp.t_inh / dt)
    v = np.full(n, p.v_rest)
    v_th = np.full(n, p.v_th)
    ref = np.zeros(n, dtype=np.int64)
    fired = np.zeros(n, dtype=np.bool_)
    inhibited = 0  # steps of inhibition left
    for k in range(n_steps):
        # inside the inhibition window the input is scaled by 1 − h (h = 1: v stays at v_rest)
        gain = wp.w_in * (1.0 - wp.inhibition) if inhibited > 0 else wp.w_in
        for j in range(n):
            if ref[j] > 0:
                ref[j] -= 1
                v[j] = p.v_reset
            else:
                drive = gain * np.random.poisson(mean_input[j])  # noqa: NPY002
                v[j] = relax(v[j], p.v_rest, a_m) + drive
        if inhibited > 0:
            inhibited -= 1
        if wta_fire(v, v_th, p.v_rest, wp.inhibition, fired) > 0:
            inhibited = n_inh
            for j in range(n):
                if fired[j]:
                    spikes[k, j] = True
                    v[j] = p.v_reset
                    ref[j] = n_ref
                elif wp.inhibition == 1.0:
                    v[j] = p.v_rest
