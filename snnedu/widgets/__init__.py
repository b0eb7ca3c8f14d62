"""ipywidgets panels: a compute function, a draw/update function and thin wiring.

Each ``<thing>_panel()`` returns the widget; display it in a notebook by leaving it as the
last expression of a cell.
"""
