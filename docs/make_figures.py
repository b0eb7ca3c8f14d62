"""Make the README's pictures from the package itself.

    python docs/make_figures.py            # all figures into docs/images/
    python docs/make_figures.py quiz       # just one

Each figure is drawn by snnedu's own models and plot functions; the quiz picture is a
screenshot of the quiz widget in JupyterLab, taken with headless Chromium.
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
import numpy as np

IMAGES = Path(__file__).resolve().parent / "images"
DPI = 80


def action_potential(path: Path) -> None:
    """Hodgkin–Huxley action potential with its gates and currents (squid axon, 1952)."""
    from snnedu.models import hh
    from snnedu.plot.hh import plot_action_potential

    params = hh.HHParams.squid_1952()
    i_ext = hh.pulse_train(15.0, [2.0], 1.0, duration=20.0)
    run = hh.simulate_hh(i_ext, params=params)
    fig, axes = plt.subplots(3, 1, sharex=True, figsize=(6, 5.5), layout="constrained")
    plot_action_potential(
        run, hh.currents(run.v, run.m, run.h, run.n, params=params), i_ext, axes=axes
    )
    axes[0].set_title("Hodgkin–Huxley action potential: voltage, gates, currents")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def mach_bands(path: Path) -> None:
    """A luminance ramp and the centre–surround (DoG) response with its Mach bands."""
    from snnedu.models.inhibition import dog_response
    from snnedu.models.stimuli import mach_ramp
    from snnedu.plot.inhibition import plot_profile, plot_stimulus_strip

    ramp = mach_ramp(n=200, x1=80, x2=120, l_low=0.2, l_high=0.8)
    fig, (top, bottom) = plt.subplots(
        2, 1, figsize=(6, 3.6), height_ratios=(1, 3), sharex=True, layout="constrained"
    )
    plot_stimulus_strip(ramp, ax=top)
    top.set_xlabel("")
    top.set_title("Mach bands: lateral inhibition over- and undershoots at the knees")
    plot_profile(
        ramp,
        {"DoG response": dog_response(ramp, sigma_c=1.0, sigma_s=3.0)},
        ax=bottom,
        response_label="response [a.u.]",
    )
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def receptive_fields(path: Path) -> None:
    """Receptive fields of a 100-neuron Diehl & Cook network after one pass over the 4,000
    offline training digits (no download needed; about a minute)."""
    from snnedu.data import load_offline_digits
    from snnedu.networks.diehl_cook import init_diehl_cook, train_diehl_cook
    from snnedu.plot.mnist import plot_receptive_fields

    digits = load_offline_digits("train")
    network = init_diehl_cook(100, rng=np.random.default_rng(0))
    trained = train_diehl_cook(network, digits.images, digits.labels).network
    fig, ax = plt.subplots(figsize=(5, 5.3), layout="constrained")
    plot_receptive_fields(trained.w, ax=ax)
    ax.set_title("learned by STDP, no labels: 100 neurons, 4,000 digits")
    fig.savefig(path, dpi=DPI)
    plt.close(fig)


def quiz(path: Path) -> None:
    """Screenshot of a notebook's closing quiz, answered once, in JupyterLab."""
    import nbformat
    from playwright.sync_api import sync_playwright

    from snnedu.course import serve_course

    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("the quiz picture needs Chromium (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        notebook = nbformat.v4.new_notebook()
        notebook.metadata["kernelspec"] = {
            "name": "python3",
            "display_name": "Python 3",
            "language": "python",
        }
        notebook.cells = [
            nbformat.v4.new_code_cell(
                'from snnedu.widgets.quiz import quiz_panel\nquiz_panel("nb01_membrane")'
            )
        ]
        nbformat.write(notebook, Path(folder) / "quiz.ipynb")
        with serve_course(folder, "figures") as url, sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=chromium,
                args=[
                    "--no-sandbox",
                    "--disable-gpu",
                    "--disable-background-networking",
                    "--disable-component-update",
                    "--disable-sync",
                    "--no-first-run",
                ],
            )
            page = browser.new_page(viewport={"width": 1000, "height": 900})
            page.goto(f"{url}/lab/tree/quiz.ipynb?token=figures")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                timeout=120_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            question = page.locator(".widget-vbox", has_text="Question 3 of").last
            question.wait_for(timeout=120_000)
            question.locator(".widget-toggle-buttons button", has_text="b").first.click()
            question.get_by_role("button", name="Submit").click()
            page.wait_for_timeout(1500)
            question.screenshot(path=str(path))
            browser.close()


FIGURES = {
    "action_potential": action_potential,
    "mach_bands": mach_bands,
    "receptive_fields": receptive_fields,
    "quiz": quiz,
}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", choices=[*FIGURES, []], help="figures to make")
    args = parser.parse_args(argv)
    IMAGES.mkdir(parents=True, exist_ok=True)
    for name in args.names or FIGURES:
        path = IMAGES / f"{name}.png"
        FIGURES[name](path)
        print(
            f"{path.relative_to(Path.cwd()) if path.is_relative_to(Path.cwd()) else path}"
            f" ({path.stat().st_size // 1024} kB)"
        )
    return 0


if __name__ == "__main__":
    np.seterr(all="ignore")
    sys.exit(main())
