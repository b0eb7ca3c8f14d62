"""snnedu: a Jupyter course toolkit for spiking neural networks.

The package in layers, each using only the ones above it in this list:

- :mod:`snnedu.core` — shared numba kernels and helpers;
- :mod:`snnedu.models` — one module per model (membrane, Hodgkin–Huxley, LIF, synapses,
  encoders, STDP, inhibition); beside them :mod:`snnedu.data`, the image data sets;
- :mod:`snnedu.networks` — the STDP networks (MNIST, time-coded convolutional) and studies;
- :mod:`snnedu.exercises` — the notebooks' checks, quiz banks and assignments;
- :mod:`snnedu.plot` and :mod:`snnedu.widgets` on top; :mod:`snnedu.cli` (the ``snnedu``
  command) calls everything.

``import snnedu`` loads numpy and numba only; plotting (``snnedu.plot``), widgets
(``snnedu.widgets``) and quizzes load matplotlib and ipywidgets when first used.
"""

__version__ = "0.1.0"
