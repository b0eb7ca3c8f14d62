"""snnedu: a Jupyter course toolkit for spiking neural networks.

``import snnedu`` loads numpy and numba only; plotting (``snnedu.plot``), widgets
(``snnedu.widgets``) and quizzes load matplotlib and ipywidgets when first used.
"""

__version__ = "0.1.0"
