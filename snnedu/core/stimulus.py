"""Time series that know their own time step, and the one rule by which simulators read them.

A :class:`Stimulus` is a numpy array, time first (sample ``k`` holds during
``[k dt, (k + 1) dt)``), that carries the ``dt`` it was built with. Every stimulus builder
(``hh.step_current``, ``encoders.poisson_spikes``, ``synapses.exponential_synapse``, ...)
returns one, and every simulator reads its time step through :func:`resolve_dt`, so that a
current built at one ``dt`` and simulated at another is an error instead of a run of the wrong
length. A plain array is still accepted: then the ``dt`` passed to the simulator (or its
default) says how long a sample lasts.

Elementwise arithmetic keeps ``dt`` (``3.0 + current``, ``current[:, None] * amplitudes``);
reductions (``current.max()``), integer or strided indexing along time (``current[5]``,
``current[::2]``) give plain arrays, since the result is no longer sampled every ``dt``.

>>> import numpy as np
>>> current = Stimulus(np.zeros(500), dt=0.02)
>>> current.dt, current.duration, (2.0 * current).dt, type(current.max()).__name__
(0.02, 10.0, 0.02, 'float64')
>>> resolve_dt(0.01, default=0.01, i_ext=current)  # doctest: +ELLIPSIS
Traceback (most recent call last):
...
ValueError: i_ext was built with dt=0.02 ms but the run was asked for dt=0.01 ms: its 500 ...
"""

from __future__ import annotations

import math

import numpy as np

from snnedu.core.validation import require_positive

__all__ = ["Stimulus", "require_constant", "resolve_dt"]


class Stimulus(np.ndarray):
    """A numpy array sampled every ``dt`` along its first axis (time first).

    Parameters
    ----------
    values : array_like
        Samples, shape ``(n_steps,)`` or ``(n_steps, n)``.
    dt : float
        Time step [ms] (or the model's own time unit).

    Attributes
    ----------
    dt : float
        Time step.
    duration : float
        ``n_steps · dt``.
    t : numpy.ndarray
        Start time of each sample, ``k · dt``.
    """

    dt: float | None

    def __new__(cls, values, dt: float) -> Stimulus:
        """Wrap ``values`` (with a time axis) as a Stimulus sampled every ``dt``."""
        array = np.asarray(values)
        if array.ndim == 0:
            raise ValueError(
                "a Stimulus needs a time axis (shape (n_steps,) or (n_steps, n)); "
                f"got the single value {array!r}."
            )
        obj = array.view(cls)
        obj.dt = require_positive("dt", dt, "ms")
        return obj

    def __array_finalize__(self, obj) -> None:
        self.dt = getattr(obj, "dt", None)

    def __getitem__(self, key):
        result = super().__getitem__(key)
        if isinstance(result, Stimulus) and not _keeps_time_axis(key):
            return result.view(np.ndarray)
        return result

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        steps = {(x.shape[0], x.dt) for x in inputs if isinstance(x, Stimulus) and x.ndim and x.dt}
        dts = {dt for _, dt in steps}
        if len(dts) > 1 and method == "__call__":
            raise ValueError(
                f"cannot combine stimuli sampled at different time steps {sorted(dts)} ms; "
                "build them with the same dt."
            )
        plain = tuple(x.view(np.ndarray) if isinstance(x, Stimulus) else x for x in inputs)
        if "out" in kwargs:
            kwargs["out"] = tuple(
                x.view(np.ndarray) if isinstance(x, Stimulus) else x for x in kwargs["out"]
            )
        result = getattr(ufunc, method)(*plain, **kwargs)
        if method != "__call__" or not steps:
            return result
        n_steps, dt = next(iter(steps))

        def wrap(r):
            if isinstance(r, np.ndarray) and r.ndim and r.shape[0] == n_steps:
                return Stimulus(r, dt)
            return r

        return tuple(wrap(r) for r in result) if isinstance(result, tuple) else wrap(result)

    def __repr__(self) -> str:
        body = np.array2string(self.view(np.ndarray), separator=", ", prefix="Stimulus(")
        return f"Stimulus({body}, dt={self.dt!r})"

    def __reduce__(self):
        constructor, args, state = super().__reduce__()
        return constructor, args, (state, self.dt)

    def __setstate__(self, state) -> None:
        array_state, self.dt = state
        super().__setstate__(array_state)

    @property
    def duration(self) -> float:
        """``n_steps · dt``, the time the samples cover."""
        return self.shape[0] * self.dt

    @property
    def t(self) -> np.ndarray:
        """Start time of each sample, ``k · dt``."""
        return np.arange(self.shape[0]) * self.dt


def _keeps_time_axis(key) -> bool:
    """Whether indexing with ``key`` leaves axis 0 as the same time axis, step by step."""
    first = key[0] if isinstance(key, tuple) and key else key
    if first is Ellipsis or (first is None and not isinstance(key, tuple)):
        return True
    if isinstance(first, slice):
        return first.step in (None, 1)
    return False


def resolve_dt(dt: float | None, default: float | None, **inputs) -> float:
    """Return the time step [ms] of a run: ``dt`` if given, else the inputs' own, else ``default``.

    Every :class:`Stimulus` among ``inputs`` (keyword: its argument name) must have been built
    with that time step; plain arrays and numbers are taken as they are.

    Raises
    ------
    ValueError
        If a stimulus was built with another ``dt``, if two stimuli disagree, or if there is
        no ``dt`` at all (none given, no stimulus and ``default`` None).
    """
    carried = {
        name: value for name, value in inputs.items() if isinstance(value, Stimulus) and value.dt
    }
    if dt is None:
        steps = {value.dt for value in carried.values()}
        if len(steps) > 1:
            listed = ", ".join(f"{name} dt={value.dt}" for name, value in carried.items())
            raise ValueError(
                f"the inputs were built with different time steps ({listed}); build them with "
                "the same dt."
            )
        if steps:
            return steps.pop()
        if default is None:
            names = ", ".join(inputs)
            raise ValueError(
                f"pass dt=<time step in ms>: {names} is a plain array and does not say how long "
                "a sample lasts."
            )
        return require_positive("dt", default, "ms")
    dt = require_positive("dt", dt, "ms")
    for name, value in carried.items():
        if not math.isclose(value.dt, dt, rel_tol=1e-9):
            n_steps = value.shape[0]
            raise ValueError(
                f"{name} was built with dt={value.dt:g} ms but the run was asked for "
                f"dt={dt:g} ms: its {n_steps} samples would last {n_steps * dt:g} ms instead of "
                f"{n_steps * value.dt:g} ms. Build it with dt={dt:g}, or leave dt out and the "
                "run takes the stimulus' own."
            )
    return dt


def require_constant(name: str, value):
    """Return ``value``, or raise if it is a :class:`Stimulus` (a time series).

    For simulators that take one constant value per neuron, where a time series would be
    read as a population.
    """
    if isinstance(value, Stimulus):
        raise ValueError(
            f"{name} is a time series (a Stimulus of {value.shape[0]} samples at dt={value.dt:g}) "
            "but this simulator takes one constant value per neuron; pass those values instead."
        )
    return value
