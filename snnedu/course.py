"""Where the course material (notebooks, exercises, quiz banks) lives, and copying it out.

In a wheel the material is installed inside the package (``snnedu/_course``); in a source
checkout it is the repository's ``notebooks/`` and ``exercises/`` folders.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
STUDENT_MATERIAL = ("notebooks", "exercises/quizzes")


ASSESSMENT_MARKER = "% snnedu: assessment"
"""The line that marks a quiz bank as one for graded (assessment) quizzes."""


def is_assessment_text(text: str) -> bool:
    r"""Tell whether a bank's text carries the assessment marker (a line of its own).

    The marker is :data:`ASSESSMENT_MARKER`; extra spaces inside or around it are allowed.

    >>> is_assessment_text("% snnedu: assessment\nQuiz title: Test\n")
    True
    >>> is_assessment_text("Quiz title: Practice\n")
    False
    """
    marker = " ".join(ASSESSMENT_MARKER.split())
    return any(" ".join(line.split()) == marker for line in text.splitlines())


def is_assessment_bank(path: str | Path) -> bool:
    """Tell whether the bank file at ``path`` is marked for assessment.

    A file that cannot be read as text counts as not marked (False), so that listing a
    folder never fails on a stray file.
    """
    try:
        return is_assessment_text(Path(path).read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return False


def course_root() -> Path:
    """Return the folder holding ``notebooks/`` and ``exercises/``."""
    for candidate in (_PACKAGE / "_course", _PACKAGE.parent):
        if (candidate / "notebooks").is_dir():
            return candidate
    raise FileNotFoundError(
        "snnedu's course material was not found next to the package; reinstall snnedu "
        "(pip install --force-reinstall snnedu)."
    )


def notebooks() -> list[Path]:
    """Return the lecture notebooks in lecture order."""
    return sorted((course_root() / "notebooks").glob("[0-9][0-9]_*.ipynb"))


def copy_course(destination: str | Path, overwrite: bool = False) -> Path:
    """Copy the student's material (notebooks, self-study quiz banks) into ``destination``.

    The assignments' source notebooks hold their solutions and the assessment banks hold the
    keys of graded quizzes, so they stay with the instructor (``snnedu assignments generate``
    makes the student versions; ``snnedu quiz export`` posts a bank on the learning platform):
    a bank marked ``% snnedu: assessment`` is never copied, wherever it lies. Files already
    there are kept unless ``overwrite`` is true, so a student's work is never replaced by
    accident.

    Parameters
    ----------
    destination : path
        The course folder to fill; created if missing.
    overwrite : bool
        Replace files that are already there.

    Returns
    -------
    pathlib.Path
        ``destination``, absolute.
    """
    destination = Path(destination).expanduser().resolve()
    root = course_root()
    for folder in STUDENT_MATERIAL:
        for source in sorted((root / folder).rglob("*")):
            # regular files only: a kernel's socket or a cache is not course material
            relative = source.relative_to(root / folder)
            hidden = any(part.startswith((".", "__pycache__")) for part in relative.parts)
            if not source.is_file() or hidden:
                continue
            if source.suffix == ".txt" and is_assessment_bank(source):
                continue
            target = destination / folder / relative
            if target.exists() and not overwrite:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return destination


def browser_available() -> bool:
    """Whether a graphical web browser can be opened from here.

    On Linux that needs a display (``DISPLAY`` or ``WAYLAND_DISPLAY``): a container, an SSH
    session or a cloud VM has none, and a text browser in the terminal is no place for
    JupyterLab. Elsewhere it is what Python's :mod:`webbrowser` finds.
    """
    import webbrowser

    if sys.platform.startswith("linux") and not (
        os.environ.get("DISPLAY") or os.environ.get("WAYLAND_DISPLAY")
    ):
        return False
    try:
        webbrowser.get()
    except webbrowser.Error:
        return False
    return True


def _effective_uid() -> int | None:
    geteuid = getattr(os, "geteuid", None)  # not on Windows
    return geteuid() if geteuid else None


def jupyter_command(
    folder: str | Path,
    *,
    browser: bool | None = None,
    extra: Sequence[str] = (),
    uid: int | None = None,
) -> list[str]:
    """Return the command line that starts JupyterLab on ``folder`` (``snnedu course open``).

    Parameters
    ----------
    folder : the course folder JupyterLab shows
    browser : open a browser tab (None: only if :func:`browser_available`)
    extra : further JupyterLab options, passed as given (e.g. ``["--port=8899"]``)
    uid : the user id it runs as (None: this process's); as root (0) JupyterLab refuses to
        start unless it is given ``--allow-root``, so it is (containers and many cloud
        machines run everything as root).
    """
    uid = _effective_uid() if uid is None else uid
    browser = browser_available() if browser is None else browser
    command = [sys.executable, "-m", "jupyterlab", f"--ServerApp.root_dir={Path(folder)}"]
    if uid == 0:
        command.append("--allow-root")
    if not browser:
        command.append("--no-browser")
    return command + [str(option) for option in extra]


def run_jupyter(command: Sequence[str]) -> int:
    """Run JupyterLab in the foreground until it stops; return its exit status.

    Ctrl-C is JupyterLab's to handle (it asks whether to stop, or stops on a second Ctrl-C);
    this process waits for it instead of exiting and leaving the server behind. Stopped that
    way, the status is 0.
    """
    process = subprocess.Popen(list(command))
    while True:
        try:
            status = process.wait()
        except KeyboardInterrupt:
            continue
        # stopped by Ctrl-C (or a plain kill), as the user asked: not an error
        return 0 if status in (-signal.SIGINT, -signal.SIGTERM) else status


@contextmanager
def serve_course(
    folder: str | Path, token: str, log_file: str | Path | None = None, timeout: float = 120.0
) -> Iterator[str]:
    """Run JupyterLab on localhost serving ``folder`` and yield its base URL; stop it on exit.

    Used by the browser test and the README figure script. The server listens on 127.0.0.1
    only, on a free port, and exposes ``window.jupyterapp`` so a browser driver can run
    notebook commands.
    """
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    # every cell stays in the page (no windowed rendering), and no news pop-up
    settings = Path(tempfile.mkdtemp(prefix="snnedu-lab-settings-"))
    for name, value in (
        ("notebook-extension/tracker", {"windowingMode": "none"}),
        ("apputils-extension/notification", {"fetchNews": "false"}),
    ):
        target = settings / "@jupyterlab" / f"{name}.jupyterlab-settings"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(json.dumps(value))
    log = open(log_file or os.devnull, "w")  # closed in the finally below
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--ServerApp.ip=127.0.0.1",
            f"--IdentityProvider.token={token}",
            f"--ServerApp.root_dir={Path(folder).resolve()}",
            "--LabApp.expose_app_in_browser=True",
            f"--LabApp.user_settings_dir={settings}",
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                urllib.request.urlopen(f"{url}/api/status?token={token}", timeout=2)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"JupyterLab did not start (log: {log_file})") from None
                time.sleep(0.5)
        yield url
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()
        shutil.rmtree(settings, ignore_errors=True)
