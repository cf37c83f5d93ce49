"""Starts and stops a Ralph LRS (ralph-malph from var/ralph-venv, `make ralph`) with its
file-system backend under a directory of the caller's: the xAPI tests (conftest.py)
and `make bench` (bench/run.py, "xAPI statements to the LRS") use it.

It writes a basic-auth credentials file with `ralph auth` (RALPH_AUTH_FILE) and serves
Ralph's app (`ralph_app.py`: the file-system backend set to append) with the venv's
uvicorn on a free port. Not `ralph runserver -b fs`: that one hard-codes uvicorn's
reloader, which watches the working directory and runs the server in a child process."""

from __future__ import annotations

import base64
import json
import os
import secrets
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[3]
RALPH_VENV = ROOT / "var" / "ralph-venv"


class RalphNotAvailable(Exception):
    pass


@dataclass
class Ralph:
    endpoint: str  # the xAPI base, ending in /xAPI/
    key: str
    secret: str
    log: Path
    process: subprocess.Popen

    def _get(self, url: str) -> dict[str, Any]:
        token = base64.b64encode(f"{self.key}:{self.secret}".encode()).decode()
        request = urllib.request.Request(  # noqa: S310 - our own server
            url,
            headers={"Authorization": f"Basic {token}", "X-Experience-API-Version": "1.0.3"},
        )
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return json.loads(response.read())

    def statements(self) -> list[dict[str, Any]]:
        """Every statement the LRS holds (GET /xAPI/statements, following `more`)."""
        found: list[dict[str, Any]] = []
        url = self.endpoint + "statements?limit=100"
        root = self.endpoint.split("/xAPI/")[0]
        while url:
            page = self._get(url)
            found += page["statements"]
            more = page.get("more")
            url = (root + more if more.startswith("/") else more) if more else ""
        return found

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def ralph_start(directory: Path, *, timeout: float = 30) -> Ralph:
    """A fresh LRS storing under `directory`. Raises RalphNotAvailable when Ralph is not
    installed or does not start."""
    bin_dir = RALPH_VENV / "bin"
    if not (bin_dir / "uvicorn").exists() or not (bin_dir / "ralph").exists():
        raise RalphNotAvailable(
            f"the Ralph LRS is not installed in {RALPH_VENV} (run `make ralph`; docs/xapi.md)"
        )
    key, secret = "portal", secrets.token_urlsafe(16)
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(directory),
        "RALPH_APP_DIR": str(directory),
        "RALPH_AUTH_FILE": str(directory / "auth.json"),
        "RALPH_RUNSERVER_BACKEND": "fs",
        "RALPH_BACKENDS__LRS__FS__DEFAULT_DIRECTORY_PATH": str(directory / "statements"),
    }
    subprocess.run(
        [str(bin_dir / "ralph"), "auth", "-u", key, "-p", secret, "-s", "all"]
        + ["-A", "portal-sender", "http://lrs.test", "-w"],
        env=env,
        cwd=directory,
        check=True,
        capture_output=True,
    )
    port = _free_port()
    log = directory / "ralph.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(bin_dir / "uvicorn"), "ralph_app:app", "--app-dir", str(Path(__file__).parent)]
            + ["--host", "127.0.0.1", "--port", str(port), "--no-access-log"],
            env=env,
            cwd=directory,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    ralph = Ralph(
        endpoint=f"http://127.0.0.1:{port}/xAPI/", key=key, secret=secret, log=log, process=process
    )
    deadline = time.monotonic() + timeout
    while True:
        try:
            ralph.statements()
            return ralph
        except (urllib.error.URLError, ConnectionError, OSError) as error:
            if process.poll() is not None or time.monotonic() > deadline:
                ralph.stop()
                raise RalphNotAvailable(
                    f"Ralph did not start: {log.read_text()[-2000:]}"
                ) from error
            time.sleep(0.2)
