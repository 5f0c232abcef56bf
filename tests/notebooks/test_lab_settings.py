"""`make lab` opens JupyterLab without the news / update pop-up: the course's settings overrides.

JupyterLab asks on its first start whether to fetch the Jupyter news (and then checks for
updates). ``jupyter/lab/settings/overrides.json`` sets both off as the course's defaults,
and ``make lab`` points JupyterLab at that folder (``--LabApp.app_settings_dir``), where it
reads ``overrides.json``. Checked here without a browser: the file, the command, what
JupyterLab's settings code makes of it, and (slow) what a running server serves.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import jsonschema
import pytest

REPO = Path(__file__).resolve().parents[2]
SETTINGS = REPO / "jupyter" / "lab" / "settings"
PLUGIN = "@jupyterlab/apputils-extension:notification"
WANT = {"fetchNews": "false", "checkForUpdates": False}


def lab_command() -> tuple[dict[str, str], list[str]]:
    """(environment assignments, argv) of the jupyter lab command that `make lab` runs
    (make -n: printed, not run)."""
    out = subprocess.run(["make", "-n", "lab"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    lines = [line for line in out.splitlines() if " lab " in f"{line} " and "jupyter" in line]
    assert len(lines) == 1, out
    words = shlex.split(lines[0])
    env = {}
    while words and re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*=.*", words[0]):   # VAR=value before the command
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    assert words[0].endswith("jupyter") and words[1] == "lab", words
    return env, words


def schemas_dir() -> str:
    from jupyterlab.labapp import LabApp

    return LabApp().schemas_dir


def test_the_overrides_turn_news_and_update_checks_off_and_fit_the_installed_schema():
    overrides = json.loads((SETTINGS / "overrides.json").read_text())
    assert overrides == {PLUGIN: WANT}
    schema = json.loads((Path(schemas_dir()) / "@jupyterlab" / "apputils-extension" / "notification.json").read_text())
    jsonschema.validate(overrides[PLUGIN], schema)              # keys and values this JupyterLab knows


def test_make_lab_points_jupyterlab_at_the_course_settings():
    from jupyterlab.labapp import LabApp

    _, command = lab_command()
    flags = [a for a in command if a.startswith("--LabApp.app_settings_dir=")]
    assert flags == [f"--LabApp.app_settings_dir={SETTINGS}"], command
    app = LabApp()
    app.parse_command_line(flags)                               # a trait JupyterLab accepts from the command line
    assert Path(app.app_settings_dir) == SETTINGS


def test_jupyterlab_reads_the_overrides_as_its_defaults(tmp_path):
    from jupyterlab_server.settings_utils import get_settings

    ours, _ = get_settings(str(SETTINGS), schemas_dir(), str(tmp_path), schema_name=PLUGIN)
    plain, _ = get_settings(str(tmp_path / "none"), schemas_dir(), str(tmp_path), schema_name=PLUGIN)
    for key, value in WANT.items():
        assert ours["schema"]["properties"][key]["default"] == value
    assert plain["schema"]["properties"]["fetchNews"]["default"] == "none"    # JupyterLab's own: ask


@pytest.mark.slow
def test_a_running_jupyterlab_serves_the_course_defaults(tmp_path):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    make_env, command = lab_command()
    server = [command[0], "lab", "--no-browser", "--ServerApp.ip=127.0.0.1", f"--ServerApp.port={port}",
              "--IdentityProvider.token=course", *[a for a in command[2:] if a.startswith("--")]]
    if "--allow-root" not in server and hasattr(os, "getuid") and os.getuid() == 0:
        server.append("--allow-root")
    env = dict(os.environ, **make_env, JUPYTER_CONFIG_DIR=str(tmp_path / "config"),
               JUPYTER_RUNTIME_DIR=str(tmp_path / "rt"), JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "user-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "ws"))
    proc = subprocess.Popen(server, cwd=REPO, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        url = f"http://127.0.0.1:{port}/lab/api/settings/{PLUGIN}?token=course"
        body = None
        for _ in range(120):                                    # up to a minute on a loaded machine
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    body = json.load(response)
                break
            except OSError:
                assert proc.poll() is None, f"jupyter lab exited with {proc.returncode}: {server}"
                time.sleep(0.5)
        assert body is not None, "jupyter lab did not answer"
        for key, value in WANT.items():
            assert body["schema"]["properties"][key]["default"] == value, body["schema"]["properties"][key]
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
