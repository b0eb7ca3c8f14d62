"""A student's and an instructor's first hour: the traps a fresh clone met, each caught here.

Starting the course as root and without a browser, the folder it creates kept out of git, and
the README's commands being the ones CI runs. (Data paths: ``test_datasets.py``; the
convolutional network's command: ``test_convsnn.py``.)
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from snnedu import course
from snnedu.cli import main

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def started(monkeypatch):
    """``course.run_jupyter`` replaced by a recorder: the command lines ``course open`` runs."""
    commands = []
    monkeypatch.setattr(course, "run_jupyter", lambda command: commands.append(command) or 0)
    return commands


def _as(monkeypatch, uid: int, display: str | None = None) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: uid, raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    if display is None:
        monkeypatch.delenv("DISPLAY", raising=False)
    else:
        monkeypatch.setenv("DISPLAY", display)


def test_course_open_as_root_without_a_display_allows_root_and_opens_no_browser(
    tmp_path, monkeypatch, started, capsys
):
    _as(monkeypatch, uid=0)
    dest = tmp_path / "my-course"
    assert main(["course", "open", str(dest), "--", "--port=8899", "--ServerApp.ip=0.0.0.0"]) == 0
    (command,) = started
    assert command[:3] == [sys.executable, "-m", "jupyterlab"]
    assert f"--ServerApp.root_dir={dest}" in command
    assert "--allow-root" in command and "--no-browser" in command
    assert command[-2:] == ["--port=8899", "--ServerApp.ip=0.0.0.0"]
    assert (dest / "notebooks").is_dir()
    out = capsys.readouterr().out
    assert "root" in out and "token" in out  # says why, and where to find the address


def test_course_open_as_an_ordinary_user_does_not_allow_root(
    tmp_path, monkeypatch, started, capsys
):
    _as(monkeypatch, uid=1000)
    monkeypatch.chdir(tmp_path)
    assert main(["course", "open", "--", "--port", "8899"]) == 0
    (command,) = started
    assert "--allow-root" not in command and command[-2:] == ["--port", "8899"]
    assert f"--ServerApp.root_dir={tmp_path / 'snnedu-course'}" in command
    assert main(["course", "open", "elsewhere", "--browser"]) == 0
    assert "--no-browser" not in started[1]
    assert main(["course", "open", "elsewhere", "--no-browser"]) == 0
    assert "--no-browser" in started[2]


def test_a_display_lets_the_browser_open_and_none_keeps_it_closed(monkeypatch):
    _as(monkeypatch, uid=1000)
    if sys.platform.startswith("linux"):
        assert not course.browser_available()
    assert "--no-browser" in course.jupyter_command("c", browser=False)
    assert "--no-browser" not in course.jupyter_command("c", browser=True)
    assert "--allow-root" in course.jupyter_command("c", browser=False, uid=0)


def test_course_open_with_a_stray_word_says_where_jupyter_options_go(tmp_path, started, capsys):
    assert main(["course", "open", str(tmp_path / "c"), "8899"]) == 2
    assert "after --" in capsys.readouterr().err and not started
    assert not (tmp_path / "c").exists()


def test_the_command_built_for_this_user_starts_jupyterlab(tmp_path):
    """The real thing, briefly: the command line ``course open`` builds for whoever runs the
    tests (root in CI and in containers) starts a server that answers; then it is stopped."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = course.jupyter_command(
        course.copy_course(tmp_path / "course"),
        browser=False,
        extra=[f"--port={port}", "--ServerApp.ip=127.0.0.1", "--IdentityProvider.token=t"],
    )
    env = {**os.environ, "JUPYTER_CONFIG_DIR": str(tmp_path / "config")}
    with open(tmp_path / "jupyter.log", "w") as log:
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/api/status?token=t", timeout=2)
                break
            except OSError:
                stopped = server.poll() is not None
                if stopped or time.monotonic() > deadline:
                    pytest.fail(
                        f"JupyterLab did not start (uid {os.getuid()}):\n"
                        + (tmp_path / "jupyter.log").read_text()[-2000:]
                    )
                time.sleep(0.3)
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_course_folder_the_main_command_creates_is_ignored_by_git():
    patterns = (ROOT / ".gitignore").read_text().split()
    assert "/snnedu-course/" in patterns or "snnedu-course/" in patterns


def test_jupyterlab_stopped_with_ctrl_c_is_a_clean_exit_and_failures_keep_their_status():
    interrupted = [sys.executable, "-c", "raise KeyboardInterrupt"]  # dies by SIGINT
    assert course.run_jupyter(interrupted) == 0
    assert course.run_jupyter([sys.executable, "-c", "raise SystemExit(3)"]) == 3
