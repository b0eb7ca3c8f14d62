r"""Visual stimuli for lateral inhibition and toy data sets for prototype learning.

Luminance is a float in [0, 1] (0 black, 1 white); positions are in pixels [px].

- **Mach ramp (trapezoid)**: :math:`L(x) = L_{low}` for :math:`x < x_1`,
  :math:`L_{low} + (L_{high} - L_{low})(x - x_1)/(x_2 - x_1)` for :math:`x_1 \le x \le x_2`,
  :math:`L_{high}` for :math:`x > x_2`. Mach bands appear at the knees :math:`x_1, x_2`.
- **Chevreul staircase**: N uniform steps of width w, :math:`L_k = L_0 + k\,\Delta L`.
- **Hermann grid** (Hermann 1870; Baumgartner 1960): n × n black squares of side S on a white
  background, separated by white streets of width W (pitch P = S + W, image side nP + W);
  square (i, j) occupies [W + iP, W + iP + S) in both axes. Intersections are centred at
  (W/2 + iP, W/2 + jP), street midpoints between two squares at (W/2 + iP, W + jP + S/2).
  The *wavy* grid (Geier et al. 2008) bends the streets sinusoidally: the illusion vanishes
  although centre–surround models predict nearly the same spots.
- **Prototypes** for learning: oriented bars, and noisy samples of them.

References: Hermann, L. (1870) *Pflügers Arch.* 3:13; Baumgartner, G. (1960)
*Pflügers Arch.* 270:41 (the grid and its centre–surround account). Geier, J. et al.
(2008). Straightness as the main factor of the Hermann grid illusion. *Perception* 37:651.

>>> mach_ramp(10, x1=3, x2=6, l_low=0.0, l_high=1.0).round(2).tolist()
[0.0, 0.0, 0.0, 0.0, 0.33, 0.67, 1.0, 1.0, 1.0, 1.0]
>>> hermann_grid(n=2, block=3, street=1).shape
(9, 9)
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from snnedu.core.validation import (
    finite_array,
    positive_int,
    require_non_negative,
    require_positive,
    require_rng,
)

__all__ = [
    "HermannPoints",
    "ToyDataset",
    "as_luminance",
    "bar_prototypes",
    "hermann_grid",
    "hermann_points",
    "mach_ramp",
    "noisy_samples",
    "staircase",
]


def _require_unit(name: str, value) -> float:
    value = require_non_negative(name, value)
    if value > 1.0:
        raise ValueError(f"{name} is a luminance in [0, 1], got {value}.")
    return value


def mach_ramp(
    n: int = 200,
    x1: float = 80.0,
    x2: float = 120.0,
    l_low: float = 0.2,
    l_high: float = 0.8,
) -> np.ndarray:
    """Luminance of a 1-D Mach ramp.

    Dark plateau, linear ramp from ``x1`` to ``x2`` [px], bright plateau.

    Parameters
    ----------
    n : int
        Number of pixels.
    x1, x2 : float
        Start and end of the ramp [px], ``0 <= x1 < x2 <= n - 1``.
    l_low, l_high : float
        Plateau luminances in [0, 1].

    Returns
    -------
    numpy.ndarray
        Luminance, shape ``(n,)``.
    """
    n = positive_int("n", n, minimum=2)
    x1 = require_non_negative("x1", x1, "px")
    x2 = require_positive("x2", x2, "px")
    if not x1 < x2 <= n - 1:
        raise ValueError(f"need 0 <= x1 < x2 <= n - 1, got x1={x1}, x2={x2}, n={n}.")
    l_low, l_high = _require_unit("l_low", l_low), _require_unit("l_high", l_high)
    x = np.arange(n, dtype=float)
    fraction = np.clip((x - x1) / (x2 - x1), 0.0, 1.0)
    return l_low + (l_high - l_low) * fraction


def staircase(
    n_steps: int = 5,
    step_width: int = 40,
    l0: float = 0.1,
    dl: float = 0.2,
) -> np.ndarray:
    """Luminance of a Chevreul staircase.

    ``n_steps`` uniform steps of ``step_width`` [px], step k at ``l0 + k·dl``.

    >>> staircase(3, 2, 0.1, 0.4).tolist()
    [0.1, 0.1, 0.5, 0.5, 0.9, 0.9]
    """
    n_steps = positive_int("n_steps", n_steps, minimum=1)
    step_width = positive_int("step_width", step_width, minimum=1)
    l0 = _require_unit("l0", l0)
    dl = float(dl)
    top = l0 + (n_steps - 1) * dl
    if not 0.0 <= top <= 1.0 + 1e-12:
        raise ValueError(
            f"the top step l0 + (n_steps - 1)·dl = {top:g} is outside [0, 1]; reduce dl or n_steps."
        )
    levels = l0 + dl * np.arange(n_steps)
    return np.repeat(levels, step_width)


def hermann_grid(
    n: int = 8,
    block: int = 20,
    street: int = 6,
    square: float = 0.0,
    background: float = 1.0,
    waviness: float = 0.0,
    wave_period: float | None = None,
) -> np.ndarray:
    """Hermann grid image.

    ``n × n`` squares of side ``block`` [px] and luminance ``square`` on a ``background``,
    separated by streets of width ``street`` [px] (with a street-wide margin).

    Parameters
    ----------
    n : int
        Squares per row and column.
    block, street : int
        Square side S and street width W [px]; the image side is ``n·(S + W) + W``.
    square, background : float
        Luminances in [0, 1]; swap them for the inverted grid (light spots on dark streets).
    waviness : float
        Amplitude [px] of a sinusoidal bend of the streets (0 = straight, the classic grid;
        a few px gives the wavy grid of Geier et al. 2008).
    wave_period : float, optional
        Wavelength of the bend [px]; default one pitch ``S + W``.

    Returns
    -------
    numpy.ndarray
        Luminance image ``(side, side)``.
    """
    n = positive_int("n", n, minimum=1)
    block = positive_int("block", block, minimum=1)
    street = positive_int("street", street, minimum=1)
    square, background = _require_unit("square", square), _require_unit("background", background)
    waviness = require_non_negative("waviness", waviness, "px")
    pitch = block + street
    period = pitch if wave_period is None else require_positive("wave_period", wave_period, "px")
    side = n * pitch + street
    # pixel centres; a wavy grid displaces each axis by a sine of the other one
    y, x = np.mgrid[0:side, 0:side].astype(float)
    xw = x - waviness * np.sin(2 * np.pi * (y + 0.5) / period)
    yw = y - waviness * np.sin(2 * np.pi * (x + 0.5) / period)
    inside = np.ones((side, side), dtype=bool)
    for coordinate in (xw, yw):
        offset = coordinate - street
        cell = np.floor(offset / pitch)
        inside &= (offset - cell * pitch < block) & (cell >= 0) & (cell < n)
    return np.where(inside, square, background)


class HermannPoints(NamedTuple):
    """Pixel coordinates (row, column) of the grid's intersections and street midpoints."""

    intersections: np.ndarray  # (k, 2) int, (row, col) of intersection centres
    streets: np.ndarray  # (k', 2) int, (row, col) of street midpoints between two squares


def hermann_points(n: int = 8, block: int = 20, street: int = 6) -> HermannPoints:
    """Centres of the inner intersections and of the street segments between two squares.

    Only points surrounded by squares on all sides are returned (edges excluded).

    >>> pts = hermann_points(8, 20, 6)
    >>> pts.intersections[len(pts.intersections) // 2].tolist()
    [107, 107]
    >>> [107, 120] in pts.streets.tolist()
    True
    """
    n = positive_int("n", n, minimum=2)
    block = positive_int("block", block, minimum=1)
    street = positive_int("street", street, minimum=1)
    pitch = block + street
    inner = np.arange(1, n)
    cross = street // 2 + inner * pitch
    mid = street + np.arange(n) * pitch + block // 2
    intersections = np.array([(r, c) for r in cross for c in cross], dtype=np.int64)
    streets = np.array(
        [(r, c) for r in cross for c in mid] + [(r, c) for r in mid for c in cross],
        dtype=np.int64,
    )
    return HermannPoints(intersections, streets)


def as_luminance(image) -> np.ndarray:
    """Any grayscale image as float luminance in [0, 1].

    Uint8 images are divided by 255; float images must already lie in [0, 1] (or in
    [0, 255], which is then scaled). RGB(A) images (last axis 3 or 4) are converted with the
    Rec. 601 luma weights.

    >>> as_luminance(np.array([[0, 255]], dtype=np.uint8)).tolist()
    [[0.0, 1.0]]
    """
    array = np.asarray(image)
    if array.ndim == 3 and array.shape[-1] in (3, 4):
        scale = 255.0 if array.dtype == np.uint8 else 1.0
        rgb = array[..., :3].astype(float) / scale
        array = rgb @ np.array([0.299, 0.587, 0.114])
    elif array.dtype == np.uint8:
        array = array / 255.0
    array = finite_array("image", array)
    if array.ndim not in (1, 2):
        raise ValueError(f"image must be 1-D or 2-D grayscale (or RGB), got shape {array.shape}.")
    if array.size == 0:
        raise ValueError("image is empty.")
    low, high = float(array.min()), float(array.max())
    if low < 0:
        raise ValueError(f"image has negative values (min {low}); pass luminances >= 0.")
    if high > 1.0:
        if high > 255.0:
            raise ValueError(f"image values go up to {high}; pass [0, 1] or [0, 255] values.")
        array = array / 255.0
    return array


# ---------------------------------------------------------------- toy data for prototypes


class ToyDataset(NamedTuple):
    """Noisy samples of a few prototypes."""

    images: np.ndarray  # (n_samples, size, size) float in [0, 1]
    labels: np.ndarray  # (n_samples,) int, index of the prototype each sample came from
    prototypes: np.ndarray  # (n_prototypes, size, size) float in [0, 1]


def bar_prototypes(n_orientations: int = 4, size: int = 9, width: float = 1.5) -> np.ndarray:
    """Oriented bars through the centre of a ``size × size`` patch, angles k·180°/n.

    Pixel value = max(0, 1 − distance to the bar's axis / ``width``) (an anti-aliased bar).

    >>> bars = bar_prototypes(4, size=9)
    >>> bars.shape, float(bars[0, 4].min()), float(bars[0, 0].max())
    ((4, 9, 9), 1.0, 0.0)
    """
    n_orientations = positive_int("n_orientations", n_orientations, minimum=1)
    size = positive_int("size", size, minimum=3)
    width = require_positive("width", width, "px")
    centre = (size - 1) / 2
    y, x = np.mgrid[0:size, 0:size].astype(float) - centre
    angles = np.pi * np.arange(n_orientations) / n_orientations
    # distance of each pixel from the line through the centre at angle a (a = 0: horizontal)
    distance = np.abs(np.sin(angles)[:, None, None] * x - np.cos(angles)[:, None, None] * y)
    return np.clip(1.0 - distance / width, 0.0, 1.0)


def noisy_samples(
    prototypes,
    n_samples: int,
    noise: float,
    rng: np.random.Generator,
) -> ToyDataset:
    """Draw samples uniformly from ``prototypes`` and add Gaussian pixel noise (sd ``noise``).

    Pixel values are clipped to [0, 1].

    >>> data = noisy_samples(bar_prototypes(), 10, 0.1, np.random.default_rng(0))
    >>> data.images.shape, data.labels.shape
    ((10, 9, 9), (10,))
    """
    prototypes = finite_array("prototypes", prototypes)
    if prototypes.ndim < 2:
        raise ValueError(f"prototypes must be (n_prototypes, ...), got shape {prototypes.shape}.")
    n_samples = positive_int("n_samples", n_samples, minimum=1)
    noise = require_non_negative("noise", noise)
    require_rng(rng)
    labels = rng.integers(len(prototypes), size=n_samples)
    images = prototypes[labels] + noise * rng.standard_normal((n_samples, *prototypes.shape[1:]))
    return ToyDataset(np.clip(images, 0.0, 1.0), labels.astype(np.int64), prototypes)
