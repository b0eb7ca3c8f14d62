"""The course as a student meets it: JupyterLab in a real (headless) browser.

Starts JupyterLab on a copy of the course (localhost only), opens notebook 01 in Debian's
Chromium through Playwright, runs all cells, moves a widget slider and checks that the figure
changes, then answers the closing quiz's first question through the page and checks the
feedback. Marked ``browser``: ``pytest -m "not browser"`` skips it for a quick run; CI runs it
(and fails if Chromium is missing there).
"""

from __future__ import annotations

import os
import shutil

import pytest

from snnedu.course import copy_course, serve_course

pytestmark = pytest.mark.browser

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
NOTEBOOK = "notebooks/01_membrane_equilibria.ipynb"
TOKEN = "snnedu-browser-test"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture
def jupyterlab(tmp_path):
    """A JupyterLab server on localhost serving a fresh copy of the course; yields its URL."""
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; .ci/run installs Debian's chromium package")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    course = copy_course(tmp_path / "course")
    with serve_course(course, TOKEN, log_file=tmp_path / "jupyterlab.log") as url:
        yield url


CELL_ERRORS = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  const errors = [];
  for (const cell of panel.content.widgets) {
    if (cell.model.type !== 'code') continue;
    for (const out of cell.model.outputs.toJSON()) {
      if (out.output_type === 'error') errors.push(out.ename + ': ' + out.evalue);
    }
  }
  return errors;
}"""

ALL_CELLS_RAN = """() => {
  const panel = window.jupyterapp.shell.currentWidget;
  if (!panel || !panel.sessionContext || !panel.sessionContext.session) return false;
  const kernel = panel.sessionContext.session.kernel;
  if (!kernel || kernel.status !== 'idle') return false;
  return panel.content.widgets.every(
    c => c.model.type !== 'code' || c.model.executionCount > 0);
}"""


def test_student_runs_notebook_moves_a_slider_and_answers_the_quiz(jupyterlab):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{jupyterlab}/lab/tree/{NOTEBOOK}?token={TOKEN}")
            page.wait_for_function(
                "() => window.jupyterapp && window.jupyterapp.shell.currentWidget"
                " && window.jupyterapp.shell.currentWidget.sessionContext"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session"
                " && window.jupyterapp.shell.currentWidget.sessionContext.session.kernel",
                timeout=120_000,
            )
            page.evaluate("window.jupyterapp.commands.execute('notebook:run-all-cells')")
            page.wait_for_function(ALL_CELLS_RAN, timeout=240_000, polling=1000)
            assert page.evaluate(CELL_ERRORS) == []

            # Move the first slider one step; the figure drawn under it must change.
            handle = page.locator(".widget-slider .noUi-handle").first
            handle.scroll_into_view_if_needed()
            panel_output = handle.locator(
                "xpath=ancestor::div[contains(@class,'jp-OutputArea-output')][1]"
            )
            figure = panel_output.locator("img").first
            figure.wait_for(state="attached", timeout=120_000)
            figure.scroll_into_view_if_needed()
            before = figure.get_attribute("src")
            handle.focus()
            page.keyboard.press("ArrowRight")
            page.keyboard.press("ArrowRight")
            # the panel redraws into a fresh <img>, so look it up again on every poll
            page.wait_for_function(
                "([panel, before]) => { const img = panel.querySelector('img');"
                " return img !== null && img.src !== before; }",
                arg=[panel_output.element_handle(), before],
                timeout=120_000,
            )

            # The closing quiz: answer question 1 (E_Na, numerical) right, then see the verdict.
            question = page.locator(".widget-vbox", has_text="Question 1 of").last
            question.scroll_into_view_if_needed()
            answer_box = question.locator("input[type=text]").first

            def submit(text):
                answer_box.fill(text)
                answer_box.press("Tab")  # commit the value to the kernel before submitting
                page.wait_for_timeout(1000)
                question.get_by_role("button", name="Submit").click()

            submit("58.1")
            page.wait_for_function(
                "(el) => el.innerText.includes('Correct.')",
                arg=question.element_handle(),
                timeout=120_000,
            )
            submit("-58")
            page.wait_for_function(
                "(el) => el.innerText.includes('Not quite: your value is too low')",
                arg=question.element_handle(),
                timeout=120_000,
            )
        finally:
            browser.close()
