"""The pattern every snnedu widget follows: sliders → recompute → update artists → redraw.

A panel is built from a matplotlib figure whose artists are updated in place, a set of
ipywidgets controls, and an ``update(**values)`` callback. It works with the default inline
backend (the figure is redrawn into an ``Output`` widget) and is tested without a browser
by setting control values and checking the artists changed.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping

import ipywidgets as widgets
import matplotlib.pyplot as plt
from IPython.display import Image, display


class Panel(widgets.VBox):
    """Controls above a figure; ``update(**values)`` is called whenever a control changes.

    Parameters
    ----------
    figure : matplotlib.figure.Figure
        The figure whose artists ``update`` changes in place.
    controls : mapping of name → widget
        Each control's ``value`` is passed to ``update`` under its name.
    update : callable
        ``update(**values)`` recomputes and sets artist data; it should not create figures.
    """

    def __init__(
        self,
        figure,
        controls: Mapping[str, widgets.ValueWidget],
        update: Callable[..., None],
        columns: int = 3,
    ):
        self.figure = figure
        self.controls = dict(controls)
        self._update = update
        self.output = widgets.Output()
        self.status = widgets.HTML()
        rows = [
            widgets.HBox(list(self.controls.values())[i : i + columns])
            for i in range(0, len(self.controls), columns)
        ]
        super().__init__([*rows, self.status, self.output])
        for control in self.controls.values():
            control.observe(self._on_change, names="value")
        plt.close(figure)  # shown only through the panel's output, never twice
        self.refresh()

    @property
    def values(self) -> dict:
        """Current values of the controls, by name."""
        return {name: control.value for name, control in self.controls.items()}

    def refresh(self) -> None:
        """Recompute with the current control values and redraw."""
        try:
            self._update(**self.values)
            self.status.value = ""
        except ValueError as error:  # bad parameter combination: say so, keep the old figure
            self.status.value = f'<span style="color:#b42318">{_escape(str(error))}</span>'
        # a PNG of its own, so the panel shows the figure whatever matplotlib backend is active
        png = io.BytesIO()
        self.figure.savefig(png, format="png", dpi=self.figure.dpi)
        with self.output:
            self.output.clear_output(wait=True)
            display(Image(data=png.getvalue(), format="png"))

    def _on_change(self, change) -> None:
        self.refresh()


def slider(
    value: float, min: float, max: float, step: float, description: str, readout_format: str = ".2f"
) -> widgets.FloatSlider:
    """A float slider with snnedu's defaults (continuous_update off, wide label)."""
    return widgets.FloatSlider(
        value=value,
        min=min,
        max=max,
        step=step,
        description=description,
        continuous_update=False,
        readout_format=readout_format,
        style={"description_width": "initial"},
        layout=widgets.Layout(width="320px"),
    )


def _escape(text: str) -> str:
    import html

    return html.escape(text)
