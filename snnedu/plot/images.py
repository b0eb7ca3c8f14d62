"""Images in a grid: the one tiler and the one receptive-field plot every figure uses.

:func:`tile_images` lays ``(n, rows, cols)`` images out in one array (NaN between tiles);
:func:`plot_receptive_fields` draws a layer's receptive fields as that grid (the lecture's
picture of a trained MNIST network); :func:`plot_field_panels` draws a few fields as separate,
titled panels (prototype matching). Every function takes ``ax=None`` and returns what it drew.

>>> tile_images(np.ones((4, 2, 2)), gap=1).shape
(5, 5)
"""

from __future__ import annotations

import math

import matplotlib.pyplot as plt
import numpy as np

__all__ = ["as_fields", "plot_field_panels", "plot_receptive_fields", "tile_images"]


def as_fields(fields) -> np.ndarray:
    """Return receptive fields as images ``(n, rows, cols)``.

    A 3-D array is taken as it is; a 2-D weight matrix ``(n_inputs, n)`` (one column per
    neuron, e.g. the 784 × n input weights of the MNIST network) becomes ``n`` square images
    of side ``sqrt(n_inputs)``.
    """
    fields = np.asarray(fields, dtype=float)
    if fields.ndim == 2:
        side = math.isqrt(fields.shape[0])
        if side * side != fields.shape[0]:
            raise ValueError(
                f"a 2-D weight matrix must have a square number of inputs (rows), got "
                f"{fields.shape[0]}; pass fields of shape (n, rows, cols) instead."
            )
        return fields.T.reshape(-1, side, side)
    if fields.ndim != 3 or fields.shape[0] == 0:
        raise ValueError(
            f"fields must be (n, rows, cols) images or an (n_inputs, n) weight matrix, got "
            f"shape {fields.shape}."
        )
    return fields


def tile_images(
    images, columns: int | None = None, gap: int = 1, scale_each: bool = False
) -> np.ndarray:
    """Arrange ``(n, rows, cols)`` images in one array, row by row.

    Parameters
    ----------
    images : array (n, rows, cols)
    columns : int, optional
        Tiles per row; default ``ceil(sqrt(n))``.
    gap : int
        Pixels of NaN between tiles (drawn as background).
    scale_each : bool
        Scale every image to [0, 1] on its own (a constant image becomes 0).

    Returns
    -------
    numpy.ndarray
        Shape ``(tile_rows · (rows + gap) − gap, columns · (cols + gap) − gap)``.
    """
    images = np.asarray(images, dtype=float)
    if images.ndim != 3 or images.shape[0] == 0:
        raise ValueError(f"images must be (n, rows, cols), got shape {images.shape}.")
    n, h, w = images.shape
    columns = math.ceil(math.sqrt(n)) if columns is None else max(1, min(int(columns), n))
    tile_rows = -(-n // columns)
    grid = np.full((tile_rows * (h + gap) - gap, columns * (w + gap) - gap), np.nan)
    for i, image in enumerate(images):
        if scale_each:
            low, high = np.min(image), np.max(image)
            image = (image - low) / (high - low) if high > low else np.zeros_like(image)
        r, c = divmod(i, columns)
        grid[r * (h + gap) : r * (h + gap) + h, c * (w + gap) : c * (w + gap) + w] = image
    return grid


def plot_receptive_fields(
    fields,
    ax=None,
    columns: int | None = None,
    cmap: str = "hot_r",
    vmax: float | None = None,
    colorbar: bool = False,
    title: str | None = None,
):
    """A layer's receptive fields as one grid image: tile ``j`` is neuron ``j``'s field.

    Parameters
    ----------
    fields : array (n, rows, cols) or weight matrix (n_inputs, n)
        See :func:`as_fields`.
    ax : matplotlib Axes, optional
    columns : int, optional
        Tiles per row; default ``ceil(sqrt(n))``.
    cmap : str
        Colour map (the default draws strong weights dark).
    vmax : float, optional
        Upper colour limit; default the largest weight.
    colorbar : bool
        Add the weight scale.
    title : str, optional
        Default "receptive fields of n neurons".

    Returns
    -------
    matplotlib.image.AxesImage
    """
    ax = plt.gca() if ax is None else ax
    fields = as_fields(fields)
    grid = tile_images(fields, columns)
    image = ax.imshow(
        grid, cmap=cmap, vmin=0.0, vmax=vmax or np.nanmax(grid), interpolation="nearest"
    )
    ax.set_xticks([])
    ax.set_yticks([])
    ax.set_title(title or f"receptive fields of {fields.shape[0]} neurons")
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8, label="weight w (dimensionless)")
    return image


def plot_field_panels(fields, axes=None, titles=None, cmap: str = "hot", vmax: float | None = None):
    """A few receptive fields (or any images) as separate panels, one each, titled.

    Parameters
    ----------
    fields : array (n, rows, cols) or weight matrix (n_inputs, n)
        See :func:`as_fields`.
    axes : sequence of Axes, optional
        At least ``n`` axes; default a new row of ``n`` panels.
    titles : sequence of str, optional
        Default "neuron k".
    cmap : str
    vmax : float, optional
        Common upper colour limit; default each field's maximum.

    Returns
    -------
    list of matplotlib.image.AxesImage
    """
    fields = as_fields(fields)
    if axes is None:
        _, axes = plt.subplots(1, len(fields), figsize=(1.6 * len(fields), 1.9), squeeze=False)
        axes = axes[0]
    axes = list(np.ravel(axes))
    if len(axes) < len(fields):
        raise ValueError(f"need {len(fields)} axes for the receptive fields, got {len(axes)}.")
    images = []
    for k, field in enumerate(fields):
        ax = axes[k]
        images.append(ax.imshow(field, cmap=cmap, vmin=0.0, vmax=vmax, interpolation="nearest"))
        ax.set_xticks([])
        ax.set_yticks([])
        ax.set_title(titles[k] if titles is not None else f"neuron {k}", fontsize="small")
    return images
